/* test_train.c — training end to end: the tutorial's workloads learn, runs are reproducible, a
 * diverging step is rolled back exactly, and every public entry point refuses bad input with a
 * message and without changing anything. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "base/status.h"
#include "model.h"
#include "scorefield.h"

static double mean(const float *x, int n) {
    double s = 0;
    for (int i = 0; i < n; i++) s += x[i];
    return s / n;
}

static sf_model *tutorial_model(int dataset, int objective, uint64_t seed) {
    sf_net_config nc = sf_net_config_default(sf_data_dim(dataset));
    nc.seed = seed;
    sf_model *m = NULL;
    EXPECT(sf_model_create(&m, &nc) == SF_OK, "%s", sf_error());
    if (!m) return NULL;
    sf_train_config tc = sf_train_config_default(dataset);
    tc.objective = objective;
    EXPECT(sf_model_set_train(m, &tc) == SF_OK, "%s", sf_error());
    return m;
}

/* Sliced SM on the swiss roll, seed 42, the tutorial's 2000 steps. The untrained net's loss is
 * near 0 (s ≈ 0, measured 0.16 over the first 10 steps); trained, the mean over the last 200 steps
 * is −2.34. The bound asks for a drop of at least 1.0, far outside the noise of a 200-step mean. */
static void test_sliced_sm_learns_the_swiss_roll(void) {
    enum { STEPS = 2000 };
    sf_model *m = tutorial_model(SF_DATA_SWISS_ROLL, SF_OBJ_SLICED, 42);
    if (!m) return;
    float *loss = malloc(sizeof(float) * STEPS);
    EXPECT(sf_model_train(m, STEPS, loss) == SF_OK, "%s", sf_error());
    double first = mean(loss, 10), last = mean(loss + STEPS - 200, 200);
    printf("  # swiss roll SSM: first 10 %.4f, last 200 %.4f\n", first, last);
    EXPECT(last < first - 1.0, "loss did not fall: %.4f -> %.4f", first, last);
    EXPECT(sf_model_step_count(m) == STEPS, "step count %lld", sf_model_step_count(m));
    /* The learned field points back towards the roll from outside it: at (2, 2), far outside the
     * data, the score has a negative component along the point's direction. */
    float s[2];
    EXPECT(sf_model_score(m, s, (const float[]){2.0f, 2.0f}, 1) == SF_OK, "%s", sf_error());
    EXPECT(s[0] + s[1] < 0, "score at (2, 2) points outwards: (%g, %g)", (double)s[0], (double)s[1]);
    free(loss);
    sf_model_free(m);
}

/* Sliced SM on digits (64 → 128 → 128 → 64): 400 steps already take the loss far below its start
 * (measured: 8.3 over the first 10 steps, −334 over the last 50; the bound asks for a drop of 100). */
static void test_sliced_sm_learns_digits(void) {
    enum { STEPS = 400 };
    sf_model *m = tutorial_model(SF_DATA_DIGITS, SF_OBJ_SLICED, 42);
    if (!m) return;
    float loss[STEPS];
    EXPECT(sf_model_train(m, STEPS, loss) == SF_OK, "%s", sf_error());
    double first = mean(loss, 10), last = mean(loss + STEPS - 50, 50);
    printf("  # digits SSM: first 10 %.3f, last 50 %.3f\n", first, last);
    EXPECT(last < first - 100.0, "loss did not fall: %.3f -> %.3f", first, last);
    sf_model_free(m);
}

/* Exact SM and the variance-reduced sliced objective learn too (shorter runs). */
static void test_exact_and_sliced_vr_sm_learn_the_swiss_roll(void) {
    const int objectives[] = {SF_OBJ_EXACT, SF_OBJ_SLICED_VR};
    for (int i = 0; i < 2; i++) {
        enum { STEPS = 600 };
        sf_model *m = tutorial_model(SF_DATA_SWISS_ROLL, objectives[i], 7);
        if (!m) return;
        float loss[STEPS];
        EXPECT(sf_model_train(m, STEPS, loss) == SF_OK, "%s", sf_error());
        double first = mean(loss, 10), last = mean(loss + STEPS - 100, 100);
        printf("  # objective %d: first 10 %.4f, last 100 %.4f\n", objectives[i], first, last);
        EXPECT(last < first - 1.0, "objective %d did not learn: %.4f -> %.4f", objectives[i], first, last);
        sf_model_free(m);
    }
}

/* DSM's loss has a large floor: the zero score scores exactly E½‖z/σ‖² = D/(2σ²), and the best
 * score removes only the part of z/σ that x̃ reveals. With σ = 0.3 on the swiss roll the optimum
 * is about 15% below D/(2σ²) (measured ~9.35 against 11.1 after 1000 steps); the test asks for 10%
 * below it over the last 100 of 800 steps (the 100-step mean's noise is about 0.1). */
static void test_denoising_sm_beats_the_zero_score(void) {
    enum { STEPS = 800 };
    sf_model *m = tutorial_model(SF_DATA_SWISS_ROLL, SF_OBJ_DSM, 7);
    if (!m) return;
    sf_train_config tc = sf_model_train_config(m);
    tc.sigma = 0.3f;
    EXPECT(sf_model_set_train(m, &tc) == SF_OK, "%s", sf_error());
    float loss[STEPS];
    EXPECT(sf_model_train(m, STEPS, loss) == SF_OK, "%s", sf_error());
    double zero_score = 2.0 / (2.0 * tc.sigma * tc.sigma), last = mean(loss + STEPS - 100, 100);
    printf("  # DSM sigma 0.3: zero score %.4f, last 100 %.4f\n", zero_score, last);
    EXPECT(last < 0.9 * zero_score, "DSM did not learn: %.4f vs zero score %.4f", last, zero_score);
    sf_model_free(m);
}

/* Same seed twice → bit-identical losses and parameters; another seed → different ones. */
static void test_same_seed_gives_bit_identical_training(void) {
    enum { STEPS = 50 };
    float la[STEPS], lb[STEPS], lc[STEPS];
    sf_model *a = tutorial_model(SF_DATA_DIGITS, SF_OBJ_SLICED, 1),
             *b = tutorial_model(SF_DATA_DIGITS, SF_OBJ_SLICED, 1);
    sf_model *c = tutorial_model(SF_DATA_DIGITS, SF_OBJ_SLICED, 2);
    if (!a || !b || !c) return;
    EXPECT(sf_model_train(a, STEPS, la) == SF_OK && sf_model_train(b, 20, lb) == SF_OK &&
               sf_model_train(b, STEPS - 20, lb + 20) == SF_OK && sf_model_train(c, STEPS, lc) == SF_OK,
           "%s", sf_error());
    EXPECT(memcmp(la, lb, sizeof la) == 0, "same seed (one call vs two), different losses");
    EXPECT(memcmp(sf_model_params(a), sf_model_params(b), sizeof(float) * sf_model_param_count(a)) == 0,
           "same seed, different parameters");
    EXPECT(memcmp(la, lc, sizeof la) != 0, "another seed, same losses");
    /* Sampling and scoring between steps must not shift the batches (separate generator streams). */
    sf_model *d = tutorial_model(SF_DATA_DIGITS, SF_OBJ_SLICED, 1);
    float ld[STEPS], x0[64] = {0}, frames[64 * 51], s[64];
    sf_langevin_config lcfg = sf_langevin_config_default(SF_DATA_DIGITS);
    EXPECT(sf_model_train(d, 20, ld) == SF_OK, "%s", sf_error());
    EXPECT(sf_langevin(d, frames, x0, 1, &lcfg, 1) == SF_OK && sf_model_score(d, s, x0, 1) == SF_OK, "%s", sf_error());
    EXPECT(sf_model_train(d, STEPS - 20, ld + 20) == SF_OK, "%s", sf_error());
    EXPECT(memcmp(la, ld, sizeof la) == 0, "sampling between steps changed the training run");
    sf_model_free(a), sf_model_free(b), sf_model_free(c), sf_model_free(d);
}

/* With a huge learning rate the parameters blow up until a step's loss is not finite: that step
 * must leave parameters, both Adam moments and the step count exactly as they were, and training
 * must go on from there once the learning rate is sane again (from the last finite state). */
static void test_non_finite_step_is_rolled_back_exactly(void) {
    sf_model *m = tutorial_model(SF_DATA_SWISS_ROLL, SF_OBJ_SLICED, 3);
    if (!m) return;
    sf_train_config tc = sf_model_train_config(m);
    tc.lr = 1e35f;
    EXPECT(sf_model_set_train(m, &tc) == SF_OK, "%s", sf_error());
    const int P = sf_model_param_count(m);
    float *p = malloc(sizeof(float) * P), *m1 = malloc(sizeof(float) * P), *m2 = malloc(sizeof(float) * P);
    sf_status st = SF_OK;
    int steps = 0;
    while (st == SF_OK && steps < 100) {
        memcpy(p, m->p, sizeof(float) * P), memcpy(m1, m->m1, sizeof(float) * P), memcpy(m2, m->m2, sizeof(float) * P);
        float loss;
        st = sf_model_train(m, 1, &loss);
        steps++;
    }
    EXPECT(st == SF_ENONFINITE, "lr 1e35 never diverged in %d steps (status %d)", steps, st);
    EXPECT(strstr(sf_error(), "not applied") != NULL, "message: %s", sf_error());
    EXPECT(sf_model_step_count(m) == steps - 1, "step count %lld after %d calls", sf_model_step_count(m), steps);
    EXPECT(memcmp(p, m->p, sizeof(float) * P) == 0, "parameters changed by the rejected step");
    EXPECT(memcmp(m1, m->m1, sizeof(float) * P) == 0, "first moment changed by the rejected step");
    EXPECT(memcmp(m2, m->m2, sizeof(float) * P) == 0, "second moment changed by the rejected step");
    free(p), free(m1), free(m2);
    sf_model_free(m);
}

/* A step whose loss is finite but whose update overflows is refused by the optimiser's check. */
static void test_overflowing_update_is_refused(void) {
    sf_model *m = tutorial_model(SF_DATA_SWISS_ROLL, SF_OBJ_SLICED, 4);
    if (!m) return;
    sf_train_config tc = sf_model_train_config(m);
    tc.lr = 3e38f; /* one Adam step moves each parameter by about lr: beyond FLT_MAX when added */
    EXPECT(sf_model_set_train(m, &tc) == SF_OK, "%s", sf_error());
    const int P = sf_model_param_count(m);
    float *p = malloc(sizeof(float) * P);
    memcpy(p, m->p, sizeof(float) * P);
    float loss;
    sf_status st = sf_model_train(m, 1, &loss);
    EXPECT(st == SF_ENONFINITE, "status %d", st);
    EXPECT(sf__finite(loss), "the loss itself was finite: %g", (double)loss);
    EXPECT(memcmp(p, m->p, sizeof(float) * P) == 0, "parameters changed");
    EXPECT(sf_model_step_count(m) == 0, "step counted");
    tc.lr = 1e-3f;
    EXPECT(sf_model_set_train(m, &tc) == SF_OK && sf_model_train(m, 5, NULL) == SF_OK, "cannot continue: %s",
           sf_error());
    free(p);
    sf_model_free(m);
}

/* Each bad value gets SF_EINVAL, a message naming the problem, and no change to the model. */
static void test_public_api_rejects_bad_input(void) {
    sf_model *m = NULL;
    sf_net_config nc = sf_net_config_default(2);
    const struct {
        int dim, hidden, depth, isa;
        const char *word;
    } bad_nets[] = {
        {0, 128, 2, 0, "dimension"},   {257, 128, 2, 0, "dimension"}, {2, 0, 2, 0, "hidden"},
        {2, 513, 2, 0, "hidden"},      {2, 128, 0, 0, "depth"},       {2, 128, 5, 0, "depth"},
        {2, 128, 2, 9, "instruction"},
    };
    for (size_t i = 0; i < sizeof bad_nets / sizeof bad_nets[0]; i++) {
        sf_net_config c = {bad_nets[i].dim, bad_nets[i].hidden, bad_nets[i].depth, 1, bad_nets[i].isa, 0, 0};
        m = (sf_model *)&c; /* must be reset to NULL on failure */
        EXPECT(sf_model_create(&m, &c) == SF_EINVAL && m == NULL, "bad net %zu accepted", i);
        EXPECT(strstr(sf_error(), bad_nets[i].word) != NULL, "message for bad net %zu: %s", i, sf_error());
    }
    EXPECT(sf_model_create(NULL, &nc) == SF_EINVAL, "NULL out accepted");
    EXPECT(sf_model_create(&m, NULL) == SF_EINVAL, "NULL config accepted");
    EXPECT(sf_model_create(&m, &nc) == SF_OK, "%s", sf_error());
    if (!m) return;

    const sf_train_config good = sf_model_train_config(m);
    sf_train_config bad[11];
    for (int i = 0; i < 11; i++) bad[i] = good;
    bad[0].dataset = 9, bad[1].dataset = SF_DATA_DIGITS, bad[2].objective = -1, bad[3].objective = SF_OBJ_COUNT;
    bad[4].batch = 0, bad[5].batch = SF_MAX_BATCH + 1, bad[6].n_proj = 0, bad[7].lr = NAN, bad[8].lr = -1e-3f;
    bad[9].sigma = 0, bad[10].data_noise = INFINITY;
    for (int i = 0; i < 11; i++) {
        EXPECT(sf_model_set_train(m, &bad[i]) == SF_EINVAL, "bad train config %d accepted", i);
        EXPECT(strlen(sf_error()) > 10, "no message for bad train config %d", i);
        sf_train_config now = sf_model_train_config(m);
        EXPECT(memcmp(&now, &good, sizeof now) == 0, "bad train config %d changed the settings", i);
    }
    EXPECT(sf_model_set_train(m, NULL) == SF_EINVAL, "NULL train config accepted");
    EXPECT(sf_model_set_train(NULL, &good) == SF_EINVAL, "NULL model accepted");
    EXPECT(sf_model_train(m, -1, NULL) == SF_EINVAL, "negative steps accepted");
    EXPECT(sf_model_train(NULL, 1, NULL) == SF_EINVAL, "NULL model accepted");

    float s[4], x[4] = {0, 1, NAN, 0}, loss;
    EXPECT(sf_model_score(m, s, x, 2) == SF_EINVAL, "NaN point accepted");
    EXPECT(sf_model_score(m, s, x, -1) == SF_EINVAL, "negative n accepted");
    EXPECT(sf_model_score(m, NULL, x, 1) == SF_EINVAL, "NULL s accepted");
    EXPECT(sf_model_score(m, s, x, 1) == SF_OK, "%s", sf_error());
    EXPECT(sf_model_loss_grad(m, &loss, 7, x, NULL, 1, 1, 0) == SF_EINVAL, "unknown objective accepted");
    EXPECT(sf_model_loss_grad(m, &loss, SF_OBJ_SLICED, x, NULL, 1, 1, 0) == SF_EINVAL, "missing aux accepted");
    EXPECT(sf_model_loss_grad(m, &loss, SF_OBJ_DSM, x, x, 1, 1, -1) == SF_EINVAL, "negative sigma accepted");
    EXPECT(sf_model_loss_grad(m, &loss, SF_OBJ_SLICED, x, x, 1, 0, 0) == SF_EINVAL, "0 projections accepted");
    EXPECT(sf_model_loss_grad(m, &loss, SF_OBJ_EXACT, x, NULL, 0, 1, 0) == SF_EINVAL, "empty batch accepted");
    EXPECT(sf_model_loss_grad(m, &loss, SF_OBJ_EXACT, x + 1, NULL, 1, 1, 0) == SF_EINVAL, "NaN batch accepted");
    EXPECT(sf_model_step_count(m) == 0, "a refused call trained");
    sf_model_free(m);
    sf_model_free(NULL);

    /* A model of a dimension no dataset has trains only after a dataset is set — and none fits. */
    sf_net_config odd = sf_net_config_default(5);
    EXPECT(sf_model_create(&m, &odd) == SF_OK, "%s", sf_error());
    /* One message wherever it is met, naming D and the way out. */
    const char *no_dataset = "no dataset has dimension 5 (the datasets have D = 2, digits D = 64; painted points "
                             "D = 2): train this model with sf_model_loss_grad on your own data";
    EXPECT(sf_model_train(m, 1, NULL) == SF_EINVAL && strcmp(sf_error(), no_dataset) == 0, "train: %s", sf_error());
    EXPECT(sf_model_step_begin(m) == SF_EINVAL && strcmp(sf_error(), no_dataset) == 0, "step: %s", sf_error());
    sf_train_config five = sf_train_config_default(SF_DATA_SWISS_ROLL);
    EXPECT(sf_model_set_train(m, &five) == SF_EINVAL && strcmp(sf_error(), no_dataset) == 0, "set: %s", sf_error());
    five.dataset = SF_DATA_POINTS;
    EXPECT(sf_model_set_train(m, &five) == SF_EINVAL && strcmp(sf_error(), no_dataset) == 0, "set: %s", sf_error());
    sf_model_free(m);
    EXPECT(strcmp(sf_status_name(SF_ENONFINITE), "not finite") == 0, "status name");
}

/* A noise-conditional model samples with the exponential moving average of its weights. Trained
 * one step at a time, its average equals the recurrence ema ← β·ema + (1 − β)·p after step t,
 * β = min(0.999, (1 + t)/(10 + t)), from the initial weights, bit for bit (written here again in
 * float, β and 1 − β rounded once); its scores do not move when the raw weights are overwritten,
 * and do when the average is; a plain model has no average. */
static void test_ncsn_scores_with_the_moving_average_of_its_weights(void) {
    sf_net_config nc = {2, 16, 2, 5, SF_ISA_AUTO, 1, 0};
    sf_model *m = NULL;
    EXPECT(sf_model_create(&m, &nc) == SF_OK, "%s", sf_error());
    if (!m) return;
    const int P = sf_model_param_count(m), STEPS = 1200; /* through the warm-up: β = 0.9925 at the end */
    float *want = malloc(sizeof(float) * (size_t)P);
    memcpy(want, sf_model_params(m), sizeof(float) * (size_t)P);
    EXPECT(memcmp(want, sf_model_ema_params(m), sizeof(float) * (size_t)P) == 0,
           "the average does not start at the initial weights");
    for (int t = 1; t <= STEPS; t++) {
        EXPECT(sf_model_train(m, 1, NULL) == SF_OK, "%s", sf_error());
        double beta = (1.0 + t) / (10.0 + t);
        if (beta > 0.999) beta = 0.999;
        const float b = (float)beta, c = (float)(1.0 - beta), *p = sf_model_params(m);
        for (int i = 0; i < P; i++) want[i] = b * want[i] + c * p[i];
    }
    const float *ema = sf_model_ema_params(m), *p = sf_model_params(m);
    EXPECT(memcmp(want, ema, sizeof(float) * (size_t)P) == 0, "the average is not the recurrence");
    double diff = 0;
    for (int i = 0; i < P; i++) diff = fmax(diff, fabs((double)ema[i] - p[i]));
    EXPECT(diff > 1e-4, "the average equals the weights (max difference %g): the check would be vacuous", diff);

    enum { N = 64 };
    float x[2 * N], s0[2 * N], s1[2 * N];
    for (int i = 0; i < 2 * N; i++) x[i] = (float)(1.2 * sin(i * 0.7));
    EXPECT(sf_model_score_sigma(m, s0, x, N, 0.1f) == SF_OK, "%s", sf_error());
    float *saved = malloc(sizeof(float) * (size_t)P);
    memcpy(saved, p, sizeof(float) * (size_t)P);
    for (int i = 0; i < P; i++) sf_model_params(m)[i] = 0.5f; /* the raw weights: not used for scores */
    EXPECT(sf_model_score_sigma(m, s1, x, N, 0.1f) == SF_OK, "%s", sf_error());
    EXPECT(memcmp(s0, s1, sizeof s0) == 0, "the score follows the raw weights");
    memcpy(sf_model_ema_params(m), saved, sizeof(float) * (size_t)P); /* the average := the last iterate */
    EXPECT(sf_model_score_sigma(m, s1, x, N, 0.1f) == SF_OK, "%s", sf_error());
    EXPECT(memcmp(s0, s1, sizeof s0) != 0, "the score does not follow the average");
    free(want), free(saved);
    sf_model_free(m);

    sf_net_config plain = {2, 16, 2, 5, SF_ISA_AUTO, 0, 0};
    EXPECT(sf_model_create(&m, &plain) == SF_OK, "%s", sf_error());
    if (m) EXPECT(sf_model_ema_params(m) == NULL, "a plain model has an average");
    sf_model_free(m);
}

/* Three steps of a big batch taken in pieces of max_points (scoring between the pieces, and one step
 * begun, half done and cancelled first) give the same losses and parameters, bit for bit, as
 * sf_model_train; for every objective. */
static void test_a_step_in_pieces_is_the_same_step(void) {
    const int objectives[] = {SF_OBJ_EXACT, SF_OBJ_SLICED, SF_OBJ_SLICED_VR, SF_OBJ_DSM, SF_OBJ_NCSN};
    const int pieces[] = {1, 37, 1000000};
    for (int o = 0; o < 5; o++) {
        for (int p = 0; p < 3; p++) {
            /* 512 wide: chunks of <= 512 rows */
            sf_net_config nc = {2, 512, 1, 5, SF_ISA_AUTO, objectives[o] == SF_OBJ_NCSN, 0};
            sf_model *a = NULL, *b = NULL;
            EXPECT(sf_model_create(&a, &nc) == SF_OK && sf_model_create(&b, &nc) == SF_OK, "%s", sf_error());
            if (!a || !b) return;
            sf_train_config tc = sf_train_config_default(SF_DATA_SWISS_ROLL);
            tc.objective = objectives[o];
            tc.batch = 1500;
            EXPECT(sf_model_set_train(a, &tc) == SF_OK && sf_model_set_train(b, &tc) == SF_OK, "%s", sf_error());
            float want[3], got[3], x[2] = {0.1f, 0.2f}, s[2];
            EXPECT(sf_model_train(a, 3, want) == SF_OK, "%s", sf_error());
            int done = 0, chunks = 0;
            EXPECT(sf_model_step_begin(b) == SF_OK, "%s", sf_error());
            EXPECT(sf_model_step_chunk(b, pieces[p], &done) == SF_OK, "%s", sf_error());
            EXPECT(done >= 1 && done <= tc.batch, "points done %d", done);
            size_t before_size = sf_model_save_size(a), size = before_size;
            unsigned char *mid = malloc(size), *fresh = malloc(size);
            sf_model *c = NULL;
            EXPECT(sf_model_create(&c, &nc) == SF_OK && sf_model_set_train(c, &tc) == SF_OK, "%s", sf_error());
            EXPECT(sf_model_save(b, mid, size) == SF_OK && sf_model_save(c, fresh, size) == SF_OK, "%s", sf_error());
            EXPECT(memcmp(mid, fresh, size) == 0, "a file saved mid-step is not the model before the step");
            free(mid), free(fresh), sf_model_free(c);
            sf_model_step_cancel(b);
            EXPECT(sf_model_step_end(b, got) == SF_EINVAL, "a cancelled step was applied");
            for (int t = 0; t < 3; t++) {
                EXPECT(sf_model_step_begin(b) == SF_OK, "%s", sf_error());
                done = 0;
                while (done < tc.batch) {
                    EXPECT(sf_model_step_chunk(b, pieces[p], &done) == SF_OK, "%s", sf_error());
                    EXPECT(sf_model_score(b, s, x, 1) == SF_OK, "%s", sf_error());
                    if (++chunks > 100000) return;
                }
                EXPECT(sf_model_step_end(b, &got[t]) == SF_OK, "%s", sf_error());
            }
            EXPECT(memcmp(want, got, sizeof want) == 0, "objective %d, pieces of %d: losses %g %g %g vs %g %g %g",
                   objectives[o], pieces[p], want[0], want[1], want[2], got[0], got[1], got[2]);
            int P = sf_model_param_count(a);
            EXPECT(memcmp(sf_model_params(a), sf_model_params(b), sizeof(float) * (size_t)P) == 0,
                   "objective %d, pieces of %d: parameters differ", objectives[o], pieces[p]);
            EXPECT(sf_model_step_count(b) == 3, "step count %lld", sf_model_step_count(b));
            if (pieces[p] == 1) EXPECT(chunks > 3, "a batch of 1500 came in %d pieces", chunks);
            sf_model_free(a), sf_model_free(b);
        }
    }
    int done = 0;
    EXPECT(sf_model_step_chunk(NULL, 1, &done) == SF_EINVAL, "NULL model");
}

int main(void) {
    RUN(test_a_step_in_pieces_is_the_same_step);
    RUN(test_ncsn_scores_with_the_moving_average_of_its_weights);
    RUN(test_sliced_sm_learns_the_swiss_roll);
    RUN(test_sliced_sm_learns_digits);
    RUN(test_exact_and_sliced_vr_sm_learn_the_swiss_roll);
    RUN(test_denoising_sm_beats_the_zero_score);
    RUN(test_same_seed_gives_bit_identical_training);
    RUN(test_non_finite_step_is_rolled_back_exactly);
    RUN(test_overflowing_update_is_refused);
    RUN(test_public_api_rejects_bad_input);
    return TH_EXIT();
}
