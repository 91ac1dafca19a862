/* classify.c — the digit classifier behind the digit-quality measure (sf_classify, sf_digits_quality).
 *
 * A multinomial logistic regression p(c | x) = softmax(xW + b)_c on the 64 pixels, fitted by the core
 * itself on the digits table the first time it is needed: the rows r with r mod 5 != 4 (1438 images)
 * train, the others (359, sf_digits_heldout) are held out. Its inputs are those the score nets see, X/16
 * plus the tutorial's 0.1·N(0, 1) noise, drawn fresh in every minibatch, so that it is calibrated on
 * noisy digits rather than overconfident on clean ones. Training is minibatch SGD with momentum on the
 * mean cross-entropy plus a small L2 penalty, all in double precision with the library's generator and
 * base/fmath.h's exponential: every build computes the same weights bit for bit, in a few tens of
 * milliseconds.
 *
 * The weights live in static storage, filled once by the first call after the digits table is there;
 * that first call is not thread-safe (the library's other state is per model), later calls only read.
 * The loops are plain double loops, not kernels: 640 weights, run a handful of times per page update.
 */
#include <stdlib.h>
#include <string.h>

#include "base/fmath.h"
#include "base/rng.h"
#include "base/status.h"
#include "data/data.h"
#include "data/digits.h"
#include "scorefield.h"

#define D SF_DIGITS_PIXELS
#define C SF_DIGIT_CLASSES

#define SF__CLS_EPOCHS   40   /* passes over the training rows */
#define SF__CLS_BATCH    32   /* images per SGD step */
#define SF__CLS_LR       0.2  /* SGD's step at the start, decayed linearly to 0 */
#define SF__CLS_MOMENTUM 0.9  /* heavy-ball momentum */
#define SF__CLS_L2       1e-4 /* weight decay on W */
#define SF__CLS_NOISE    0.1  /* the tutorial's noise on X/16 */
#define SF__CLS_SEED     17   /* the classifier's own generator: seed, stream */
#define SF__CLS_STREAM   0xc1a55

static double cls_w[D * C], cls_b[C];
static int cls_trained;

static int heldout_row(int r) { return r % 5 == 4; }

/* logits (C) = x·W + b for one image, then p (C) = their softmax; returns the top class. */
static int forward(double *p, const double *x) {
    double z[C], zmax;
    for (int c = 0; c < C; c++) z[c] = cls_b[c];
    for (int d = 0; d < D; d++) {
        const double *w = cls_w + d * C;
        for (int c = 0; c < C; c++) z[c] += x[d] * w[c];
    }
    int top = 0;
    zmax = z[0];
    for (int c = 1; c < C; c++)
        if (z[c] > zmax) zmax = z[c], top = c;
    double sum = 0.0;
    for (int c = 0; c < C; c++) sum += (p[c] = sf__exp(z[c] - zmax));
    for (int c = 0; c < C; c++) p[c] /= sum;
    return top;
}

static void train(const unsigned char *pixels, const unsigned char *labels) {
    int rows[SF_DIGITS_ROWS], n = 0;
    for (int r = 0; r < SF_DIGITS_ROWS; r++)
        if (!heldout_row(r)) rows[n++] = r;
    static double vw[D * C], vb[C], gw[D * C], gb[C];
    memset(cls_w, 0, sizeof cls_w), memset(cls_b, 0, sizeof cls_b);
    memset(vw, 0, sizeof vw), memset(vb, 0, sizeof vb);
    sf_rng rng;
    sf_rng_seed(&rng, SF__CLS_SEED, SF__CLS_STREAM);
    const int steps_per_epoch = (n + SF__CLS_BATCH - 1) / SF__CLS_BATCH;
    const long total = (long)SF__CLS_EPOCHS * steps_per_epoch;
    long t = 0;
    for (int e = 0; e < SF__CLS_EPOCHS; e++) {
        for (int i = n - 1; i > 0; i--) { /* Fisher–Yates */
            int j = (int)sf_rng_below(&rng, (uint32_t)i + 1), tmp = rows[i];
            rows[i] = rows[j], rows[j] = tmp;
        }
        for (int s = 0; s < n; s += SF__CLS_BATCH, t++) {
            const int end = s + SF__CLS_BATCH < n ? s + SF__CLS_BATCH : n;
            memset(gw, 0, sizeof gw), memset(gb, 0, sizeof gb);
            for (int k = s; k < end; k++) {
                double x[D], p[C];
                const unsigned char *px = pixels + (long)rows[k] * D;
                for (int d = 0; d < D; d++)
                    x[d] = px[d] / (double)SF_DIGITS_MAX_VALUE + SF__CLS_NOISE * (double)sf_rng_normal(&rng);
                forward(p, x);
                p[labels[rows[k]]] -= 1.0; /* ∂(cross-entropy)/∂logits */
                for (int d = 0; d < D; d++)
                    for (int c = 0; c < C; c++) gw[d * C + c] += x[d] * p[c];
                for (int c = 0; c < C; c++) gb[c] += p[c];
            }
            const double lr = SF__CLS_LR * (1.0 - (double)t / (double)total), inv = 1.0 / (end - s);
            for (int i = 0; i < D * C; i++) {
                vw[i] = SF__CLS_MOMENTUM * vw[i] + gw[i] * inv + SF__CLS_L2 * cls_w[i];
                cls_w[i] -= lr * vw[i];
            }
            for (int c = 0; c < C; c++) {
                vb[c] = SF__CLS_MOMENTUM * vb[c] + gb[c] * inv;
                cls_b[c] -= lr * vb[c];
            }
        }
    }
}

/* SF_OK once the classifier is trained (training it now if need be). */
static sf_status ready(void) {
    if (cls_trained) return SF_OK;
    const unsigned char *pixels = sf__digits_pixels(), *labels = sf__digits_labels();
    if (!pixels) return sf__fail(SF_EINVAL, "the digit classifier needs the digits table: %s", SF__DIGITS_NOT_LOADED);
    train(pixels, labels);
    cls_trained = 1;
    return SF_OK;
}

/* Checks x (n, 64): n in range, x not NULL, every value finite. */
static sf_status check_images(const char *fn, const float *x, int n) {
    if (n < 0) return sf__fail(SF_EINVAL, "%s: n must be >= 0, got %d", fn, n);
    if (n > 0 && !x) return sf__fail(SF_EINVAL, "%s: x is NULL", fn);
    for (long i = 0; i < (long)n * D; i++)
        if (!sf__finite(x[i]))
            return sf__fail(SF_EINVAL, "%s: pixel %ld of image %ld is not finite (%g)", fn, i % D, i / D, (double)x[i]);
    return SF_OK;
}

sf_status sf_classify(float *probs, int *labels, const float *x, int n) {
    sf_status st = check_images("sf_classify", x, n);
    if (st != SF_OK) return st;
    if ((st = ready()) != SF_OK) return st;
    for (int i = 0; i < n; i++) {
        double xi[D], p[C];
        for (int d = 0; d < D; d++) xi[d] = x[(long)i * D + d];
        int top = forward(p, xi);
        if (probs)
            for (int c = 0; c < C; c++) probs[(long)i * C + c] = (float)p[c];
        if (labels) labels[i] = top;
    }
    return SF_OK;
}

sf_status sf_digits_quality(sf_digit_quality *q, const float *x, int n, const int *want) {
    if (!q) return sf__fail(SF_EINVAL, "sf_digits_quality: q is NULL");
    if (n < 1) return sf__fail(SF_EINVAL, "sf_digits_quality: n must be >= 1, got %d", n);
    sf_status st = check_images("sf_digits_quality", x, n);
    if (st != SF_OK) return st;
    if (want)
        for (int i = 0; i < n; i++)
            if (want[i] < 0 || want[i] >= C)
                return sf__fail(SF_EINVAL, "sf_digits_quality: want[%d] must be a class 0 .. 9, got %d", i, want[i]);
    if ((st = ready()) != SF_OK) return st;
    long confident = 0, hits = 0, count[C] = {0}, asked[C] = {0}, got[C] = {0};
    for (int i = 0; i < n; i++) {
        double xi[D], p[C];
        for (int d = 0; d < D; d++) xi[d] = x[(long)i * D + d];
        int top = forward(p, xi);
        confident += p[top] >= SF_DIGIT_CONFIDENT;
        count[top]++;
        if (want) {
            asked[want[i]]++;
            if (top == want[i]) hits++, got[want[i]]++;
        }
    }
    sf_digit_quality out = {.confident = (double)confident / n, .accuracy = want ? (double)hits / n : -1.0};
    out.min_class_share = 1.0;
    for (int c = 0; c < C; c++) {
        out.class_share[c] = (double)count[c] / n;
        if (out.class_share[c] < out.min_class_share) out.min_class_share = out.class_share[c];
        out.class_accuracy[c] = want && asked[c] ? (double)got[c] / asked[c] : -1.0;
    }
    *q = out;
    return SF_OK;
}

sf_status sf_digits_heldout(float *x, int *labels, int n, float noise, uint64_t seed) {
    if (n < 0 || n > SF_DIGITS_HELDOUT)
        return sf__fail(SF_EINVAL, "sf_digits_heldout: n must be in 0 .. %d, got %d", SF_DIGITS_HELDOUT, n);
    if (!sf__finite(noise) || noise < 0.0f)
        return sf__fail(SF_EINVAL, "sf_digits_heldout: noise must be finite and >= 0, got %g", (double)noise);
    if (n > 0 && !x) return sf__fail(SF_EINVAL, "sf_digits_heldout: x is NULL");
    const unsigned char *pixels = sf__digits_pixels(), *lab = sf__digits_labels();
    if (!pixels) return sf__fail(SF_EINVAL, "sf_digits_heldout: %s", SF__DIGITS_NOT_LOADED);
    sf_rng rng;
    sf_rng_seed(&rng, seed, SF__CLS_STREAM + 1);
    for (int r = 0, i = 0; i < n; r++) {
        if (!heldout_row(r)) continue;
        float *xi = x + (long)i * D;
        sf_rng_fill_normal(&rng, xi, D, noise);
        for (int d = 0; d < D; d++) xi[d] = (float)pixels[(long)r * D + d] * (1.0f / SF_DIGITS_MAX_VALUE) + xi[d];
        if (labels) labels[i] = lab[r];
        i++;
    }
    return SF_OK;
}
