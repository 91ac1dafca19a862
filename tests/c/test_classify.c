/* test_classify.c — the digit classifier and the digit-quality measure: its held-out accuracy, its
 * determinism, the measure on inputs with known answers, and bad input. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "scorefield.h"

#define N SF_DIGITS_HELDOUT

/* On the 359 held-out digits with the tutorial's noise: accuracy ~95 %, confident on ~80 %, every
 * class predicted. A classifier that did not learn (10 %) or memorised noise would fail. */
static void test_heldout_accuracy_and_confidence(void) {
    float *x = malloc(sizeof(float) * N * 64);
    int labels[N], pred[N];
    EXPECT(sf_digits_heldout(x, labels, N, 0.1f, 1) == SF_OK, "%s", sf_error());
    EXPECT(sf_classify(NULL, pred, x, N) == SF_OK, "%s", sf_error());
    int hits = 0;
    for (int i = 0; i < N; i++) hits += pred[i] == labels[i];
    EXPECT(hits >= 0.93 * N, "held-out accuracy %d / %d", hits, N);
    sf_digit_quality q;
    EXPECT(sf_digits_quality(&q, x, N, labels) == SF_OK, "%s", sf_error());
    EXPECT(q.accuracy == (double)hits / N, "quality accuracy %g, classify %g", q.accuracy, (double)hits / N);
    EXPECT(q.confident >= 0.7 && q.confident <= 0.95, "confident share %g", q.confident);
    EXPECT(q.min_class_share >= 0.05, "min class share %g", q.min_class_share);
    for (int c = 0; c < 10; c++) EXPECT(q.class_accuracy[c] >= 0.8, "class %d accuracy %g", c, q.class_accuracy[c]);
    free(x);
}

/* Probabilities are a distribution whose argmax is the label; the same input gives the same bits. */
static void test_probabilities_sum_to_one_and_match_labels(void) {
    enum { M = 50 };
    float x[M * 64], p[M * 10], p2[M * 10];
    int lab[M];
    EXPECT(sf_digits_heldout(x, NULL, M, 0.1f, 3) == SF_OK, "%s", sf_error());
    memset(p, 0xff, sizeof p); /* NaN */
    EXPECT(sf_classify(p, lab, x, M) == SF_OK, "%s", sf_error());
    EXPECT(sf_classify(p2, NULL, x, M) == SF_OK, "%s", sf_error());
    EXPECT(memcmp(p, p2, sizeof p) == 0, "two calls differ");
    for (int i = 0; i < M; i++) {
        double sum = 0;
        int top = 0;
        for (int c = 0; c < 10; c++) {
            sum += p[i * 10 + c];
            if (p[i * 10 + c] > p[i * 10 + top]) top = c;
        }
        EXPECT(sum > 0.999 && sum < 1.001, "image %d: probabilities sum to %g", i, sum);
        EXPECT(top == lab[i], "image %d: argmax %d, label %d", i, top, lab[i]);
    }
}

/* Known answers of the measure: a blank image is not a confident digit; the same image n times puts
 * all mass in one class (min class share 0); asking for a wrong class gives accuracy 0. */
static void test_quality_on_known_inputs(void) {
    enum { M = 20 };
    float x[M * 64];
    int want[M];
    EXPECT(sf_digits_heldout(x, want, 1, 0.0f, 0) == SF_OK, "%s", sf_error());
    for (int i = 1; i < M; i++) memcpy(x + i * 64, x, sizeof(float) * 64), want[i] = want[0];
    sf_digit_quality q;
    EXPECT(sf_digits_quality(&q, x, M, want) == SF_OK, "%s", sf_error());
    EXPECT(q.accuracy == 1.0 && q.confident == 1.0, "accuracy %g confident %g", q.accuracy, q.confident);
    EXPECT(q.class_share[want[0]] == 1.0 && q.min_class_share == 0.0, "shares %g %g", q.class_share[want[0]],
           q.min_class_share);
    for (int i = 0; i < M; i++) want[i] = (want[0] + 1) % 10;
    EXPECT(sf_digits_quality(&q, x, M, want) == SF_OK, "%s", sf_error());
    EXPECT(q.accuracy == 0.0, "accuracy %g for the wrong class", q.accuracy);
    EXPECT(sf_digits_quality(&q, x, M, NULL) == SF_OK && q.accuracy == -1.0, "accuracy %g without want", q.accuracy);
    float blank[64] = {0};
    EXPECT(sf_digits_quality(&q, blank, 1, NULL) == SF_OK, "%s", sf_error());
    EXPECT(q.confident == 0.0, "confident about a blank image");
}

static void test_bad_input_is_refused_with_a_message(void) {
    float x[2 * 64] = {0}, p[20];
    int want[2] = {3, 10};
    x[64 + 5] = 0.0f / 0.0f;
    EXPECT(sf_classify(p, NULL, x, 2) == SF_EINVAL && strstr(sf_error(), "pixel 5 of image 1"), "%s", sf_error());
    EXPECT(sf_classify(p, NULL, x, -1) == SF_EINVAL, "n = -1 accepted");
    x[64 + 5] = 0.0f;
    sf_digit_quality q;
    EXPECT(sf_digits_quality(&q, x, 2, want) == SF_EINVAL && strstr(sf_error(), "want[1]"), "%s", sf_error());
    EXPECT(sf_digits_quality(&q, x, 0, NULL) == SF_EINVAL, "n = 0 accepted");
    EXPECT(sf_digits_heldout(x, NULL, N + 1, 0.1f, 0) == SF_EINVAL && strstr(sf_error(), "360"), "%s", sf_error());
    EXPECT(sf_digits_heldout(x, NULL, 1, -1.0f, 0) == SF_EINVAL, "negative noise accepted");
}

int main(void) {
    RUN(test_heldout_accuracy_and_confidence);
    RUN(test_probabilities_sum_to_one_and_match_labels);
    RUN(test_quality_on_known_inputs);
    RUN(test_bad_input_is_refused_with_a_message);
    return TH_EXIT();
}
