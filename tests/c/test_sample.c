/* test_sample.c — samplers and stochastic objectives on targets whose answers are known.
 *
 * Langevin: for s(x) = −x and fixed ε, x' = (1 − ε/2)x + √ε·T·z has stationary variance exactly
 * T²/(1 − ε/4); with s = 0 the spread after a decaying schedule is T²·Σ ε_t. Sliced score matching:
 * E_v[vᵀJv] = tr J and E_v[½(vᵀs)²] = ½‖s‖² for v ~ N(0, I), so averaging the sliced objective (and
 * its gradient) over many v gives the exact one. Bounds are statistical (a multiple of the standard
 * error), never guesses, and each test would fail on the plausible wrong answer (variance 1, a
 * missing √ε, a scale of 2).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/rng.h"
#include "harness.h"
#include "model.h"
#include "scorefield.h"

#define Z_BOUND 5.0 /* standard errors: a false alarm about once in 1.7 million runs per check */

static int score_minus_x(void *ctx, float *s, const float *x, int n, int dim) {
    (void)ctx;
    for (long i = 0; i < (long)n * dim; i++) s[i] = -x[i];
    return 0;
}

static int score_zero(void *ctx, float *s, const float *x, int n, int dim) {
    (void)ctx, (void)x;
    memset(s, 0, sizeof(float) * (size_t)n * (size_t)dim);
    return 0;
}

/* A model from the fields of sf_net_config, or NULL with the failure already reported: the tests that
 * need a model share this one place that creates and checks it. */
static sf_model *new_model(sf_net_config nc) {
    sf_model *m = NULL;
    EXPECT(sf_model_create(&m, &nc) == SF_OK, "%s", sf_error());
    return m;
}

/* Sample variance of the final frame and its standard error for Gaussian data: v·sqrt(2/(n − 1)). */
static void variance(const float *x, long n, double *var, double *se) {
    double mean = 0, ss = 0;
    for (long i = 0; i < n; i++) mean += x[i];
    mean /= n;
    for (long i = 0; i < n; i++) ss += (x[i] - mean) * (x[i] - mean);
    *var = ss / (n - 1);
    *se = *var * sqrt(2.0 / (n - 1));
}

static void test_langevin_stationary_variance_is_one_over_one_minus_eps_over_4(void) {
    enum { N = 100000, DIM = 2 };
    const float eps_t[][2] = {{1.0f, 1.0f}, {0.2f, 1.0f}, {0.5f, 0.5f}}; /* ε, T */
    float *x0 = calloc(N * DIM, sizeof(float)), *out = malloc(sizeof(float) * N * DIM);
    for (int c = 0; c < 3; c++) {
        float eps = eps_t[c][0], T = eps_t[c][1];
        /* Burn-in: the mean contracts by (1 − ε/2) per step; 200 steps leave < 1e-9 of the start. */
        sf_langevin_config lc = {eps, 1.0f, T, 200, 17};
        EXPECT(sf_langevin_fn(score_minus_x, NULL, DIM, out, x0, N, &lc, 0) == SF_OK, "%s", sf_error());
        double var, se;
        variance(out, (long)N * DIM, &var, &se);
        double want = (double)T * T / (1.0 - eps / 4.0);
        EXPECT(fabs(var - want) <= Z_BOUND * se, "eps %g T %g: variance %.5f, want %.5f (se %.5f)", (double)eps,
               (double)T, var, want, se);
        /* The naive answer T² must be rejected for the bound to mean anything. */
        EXPECT(fabs((double)T * T - want) > 2 * Z_BOUND * se, "eps %g: test cannot tell %g from %g", (double)eps, want,
               (double)T * T);
    }
    free(x0), free(out);
}

static void test_langevin_noise_follows_the_decaying_step_size(void) {
    enum { N = 100000, DIM = 1 };
    sf_langevin_config lc = {0.01f, 0.9f, 1.5f, 15, 3};
    float *x0 = calloc(N, sizeof(float)), *out = malloc(sizeof(float) * N * (lc.steps + 1));
    EXPECT(sf_langevin_fn(score_zero, NULL, DIM, out, x0, N, &lc, 1) == SF_OK, "%s", sf_error());
    EXPECT(memcmp(out, x0, sizeof(float) * N) == 0, "frame 0 is not x0");
    /* Frame t holds T²·Σ_{u<t} ε·decay^u of variance, for every t. */
    double sum_eps = 0, e = lc.eps;
    for (int t = 1; t <= lc.steps; t++) {
        sum_eps += e;
        e *= lc.decay;
        double var, se;
        variance(out + (long)t * N, N, &var, &se);
        double want = (double)lc.temperature * lc.temperature * sum_eps;
        EXPECT(fabs(var - want) <= Z_BOUND * se, "frame %d: variance %.6g, want %.6g (se %.3g)", t, var, want, se);
    }
    free(x0), free(out);
}

/* Same seed → same chains, over a batch that spans several score chunks; another seed → other
 * chains. (That the chunk size does not change the chains is the next test's.) */
static void test_langevin_is_deterministic_per_seed(void) {
    enum { N = 5000, DIM = 3 };
    sf_model *m = new_model((sf_net_config){DIM, 128, 2, 4, SF_ISA_AUTO, 0, 0});
    if (!m) return;
    EXPECT(N > m->ws.rows, "the batch must span several chunks (rows %d)", m->ws.rows);
    float *x0 = malloc(sizeof(float) * N * DIM);
    for (int i = 0; i < N * DIM; i++) x0[i] = (float)sin(i * 0.77);
    sf_langevin_config lc = {0.05f, 0.95f, 1.0f, 10, 99};
    size_t bytes = sizeof(float) * N * DIM;
    float *a = malloc(bytes), *b = malloc(bytes), *c = malloc(bytes);
    EXPECT(sf_langevin(m, a, x0, N, &lc, 0) == SF_OK, "%s", sf_error());
    EXPECT(sf_langevin(m, b, x0, N, &lc, 0) == SF_OK, "%s", sf_error());
    EXPECT(memcmp(a, b, bytes) == 0, "same seed gave different chains");
    EXPECT(sf_langevin_fn((sf_score_fn)NULL, NULL, DIM, c, x0, N, &lc, 0) == SF_EINVAL, "NULL fn accepted");
    lc.seed = 100;
    EXPECT(sf_langevin(m, c, x0, N, &lc, 0) == SF_OK, "%s", sf_error());
    EXPECT(memcmp(a, c, bytes) != 0, "another seed gave the same chains");
    free(x0), free(a), free(b), free(c);
    sf_model_free(m);
}

static int model_score_fn(void *ctx, float *s, const float *x, int n, int dim) {
    (void)dim;
    return sf_model_score(ctx, s, x, n) == SF_OK ? 0 : 1;
}

/* The model's sampler scores 2048 chains per chunk, sf_langevin_fn 4096/3 = 1365: the noise is drawn
 * chain by chain, so both give the same bits. */
static void test_langevin_on_model_equals_langevin_on_its_score_function(void) {
    enum { N = 5000, DIM = 3 };
    sf_model *m = new_model((sf_net_config){DIM, 128, 2, 4, SF_ISA_AUTO, 0, 0});
    if (!m) return;
    float *x0 = malloc(sizeof(float) * N * DIM);
    for (int i = 0; i < N * DIM; i++) x0[i] = (float)cos(i * 0.31);
    sf_langevin_config lc = {0.05f, 0.95f, 0.7f, 8, 5};
    size_t bytes = sizeof(float) * N * DIM * (lc.steps + 1);
    float *a = malloc(bytes), *b = malloc(bytes);
    EXPECT(sf_langevin(m, a, x0, N, &lc, 1) == SF_OK, "%s", sf_error());
    EXPECT(sf_langevin_fn(model_score_fn, m, DIM, b, x0, N, &lc, 1) == SF_OK, "%s", sf_error());
    EXPECT(memcmp(a, b, bytes) == 0, "chunking changed the chains");
    free(x0), free(a), free(b);
    sf_model_free(m);
}

/* A plain Langevin run cut into chunks of 1, 3 and 7 steps (and any remainder) ends with the bits of
 * one sf_langevin call, on a model and on a score function; a chunk past the end does nothing; its
 * checks are sf_langevin's. */
static void test_langevin_run_in_chunks_equals_one_call(void) {
    enum { N = 3000, DIM = 3, STEPS = 23 };
    sf_model *m = new_model((sf_net_config){DIM, 64, 2, 4, SF_ISA_AUTO, 0, 0});
    if (!m) return;
    size_t bytes = sizeof(float) * N * DIM;
    float *x0 = malloc(bytes), *one = malloc(bytes), *x = malloc(bytes), *fx = malloc(bytes);
    for (int i = 0; i < N * DIM; i++) x0[i] = (float)sin(i * 0.53);
    sf_langevin_config lc = {0.05f, 0.93f, 0.8f, STEPS, 41};
    EXPECT(sf_langevin(m, one, x0, N, &lc, 0) == SF_OK, "%s", sf_error());
    const int chunks[] = {1, 3, 7, STEPS + 5};
    for (int k = 0; k < 4; k++) {
        sf_langevin_run r, rf;
        EXPECT(sf_langevin_begin(&r, &lc, DIM, x, x0, N) == SF_OK, "%s", sf_error());
        EXPECT(sf_langevin_begin(&rf, &lc, DIM, fx, x0, N) == SF_OK, "%s", sf_error());
        while (r.step < STEPS) EXPECT(sf_langevin_step(&r, m, x, chunks[k]) == SF_OK, "%s", sf_error());
        while (rf.step < STEPS)
            EXPECT(sf_langevin_step_fn(&rf, model_score_fn, m, fx, chunks[k]) == SF_OK, "%s", sf_error());
        EXPECT(memcmp(x, one, bytes) == 0, "chunks of %d: the model's run differs from one call", chunks[k]);
        EXPECT(memcmp(fx, one, bytes) == 0, "chunks of %d: the score function's run differs from one call", chunks[k]);
        EXPECT(sf_langevin_step(&r, m, x, 4) == SF_OK && r.step == STEPS && memcmp(x, one, bytes) == 0,
               "a step past the end changed the run");
    }
    /* In place (x0 = x) as well. */
    sf_langevin_run r;
    memcpy(x, x0, bytes);
    EXPECT(sf_langevin_begin(&r, &lc, DIM, x, x, N) == SF_OK, "%s", sf_error());
    EXPECT(sf_langevin_step(&r, m, x, STEPS) == SF_OK && memcmp(x, one, bytes) == 0, "an in-place run differs");
    sf_langevin_config bad = lc;
    bad.eps = -1.0f;
    EXPECT(sf_langevin_begin(&r, &bad, DIM, x, x0, N) == SF_EINVAL && strstr(sf_error(), "eps"), "%s", sf_error());
    bad = lc, bad.steps = SF_MAX_STEPS + 1;
    EXPECT(sf_langevin_begin(&r, &bad, DIM, x, x0, N) == SF_EINVAL && strstr(sf_error(), "steps"), "%s", sf_error());
    EXPECT(sf_langevin_begin(&r, &lc, 0, x, x0, N) == SF_EINVAL && strstr(sf_error(), "dimension"), "%s", sf_error());
    EXPECT(sf_langevin_begin(&r, &lc, DIM, x, x0, N) == SF_OK && sf_langevin_step(&r, m, x, -1) == SF_EINVAL,
           "negative steps accepted");
    x0[5] = NAN;
    EXPECT(sf_langevin_begin(&r, &lc, DIM, x, x0, N) == SF_EINVAL && strstr(sf_error(), "NaN"), "%s", sf_error());
    sf_model *m2 = new_model((sf_net_config){2, 16, 1, 4, SF_ISA_AUTO, 0, 0});
    x0[5] = 0.0f;
    EXPECT(sf_langevin_begin(&r, &lc, DIM, x, x0, N) == SF_OK, "%s", sf_error());
    EXPECT(sf_langevin_step(&r, m2, x, 1) == SF_EINVAL && strstr(sf_error(), "dimension"), "%s", sf_error());
    sf_model_free(m2);
    free(x0), free(one), free(x), free(fx);
    sf_model_free(m);
}

/* The sliced objectives averaged over many projections converge to the exact one, loss and
 * gradient, within Z_BOUND standard errors estimated from independent repeats. */
static void test_sliced_objectives_average_to_the_exact_one(void) {
    enum { D = 3, N = 8, M = 64, REPEATS = 400 };
    sf_model *m = new_model((sf_net_config){D, 6, 2, 8, SF_ISA_AUTO, 0, 0});
    if (!m) return;
    int P = sf_model_param_count(m);
    float *p = sf_model_params(m);
    for (int i = 0; i < P; i++) p[i] = (float)(0.7 * sin(i * 1.3 + 0.2));
    float x[N * D];
    for (int i = 0; i < N * D; i++) x[i] = (float)sin(i * 2.1);
    float exact;
    EXPECT(sf_model_loss_grad(m, &exact, SF_OBJ_EXACT, x, NULL, N, 1, 0) == SF_OK, "%s", sf_error());
    double *gex = malloc(sizeof(double) * P);
    for (int i = 0; i < P; i++) gex[i] = sf_model_grad(m)[i];

    float *v = malloc(sizeof(float) * M * N * D);
    double *gs = malloc(sizeof(double) * P), *gss = malloc(sizeof(double) * P);
    for (int obj = SF_OBJ_SLICED; obj <= SF_OBJ_SLICED_VR; obj++) {
        sf_rng r;
        sf_rng_seed(&r, 1234 + obj, 0);
        double ls = 0, lss = 0;
        memset(gs, 0, sizeof(double) * P), memset(gss, 0, sizeof(double) * P);
        for (int k = 0; k < REPEATS; k++) {
            sf_rng_fill_normal(&r, v, M * N * D, 1.0f);
            float l;
            EXPECT(sf_model_loss_grad(m, &l, obj, x, v, N, M, 0) == SF_OK, "%s", sf_error());
            ls += l, lss += (double)l * l;
            const float *g = sf_model_grad(m);
            for (int i = 0; i < P; i++) gs[i] += g[i], gss[i] += (double)g[i] * g[i];
        }
        double mean = ls / REPEATS, se = sqrt((lss / REPEATS - mean * mean) / (REPEATS - 1));
        EXPECT(se > 0 && fabs(mean - exact) <= Z_BOUND * se, "objective %d: mean %.6f vs exact %.6f (se %.2g)", obj,
               mean, (double)exact, se);
        int bad = -1;
        double gnorm = 0;
        for (int i = 0; i < P; i++) {
            double gm = gs[i] / REPEATS, gse = sqrt(fmax(gss[i] / REPEATS - gm * gm, 0) / (REPEATS - 1));
            gnorm += gex[i] * gex[i];
            /* 1e-6: float rounding of the gradient itself, for entries whose variance is ~0. */
            if (fabs(gm - gex[i]) > Z_BOUND * gse + 1e-6 * (1 + fabs(gex[i]))) bad = i;
        }
        EXPECT(bad < 0, "objective %d: gradient entry %d: mean %.6g vs exact %.6g", obj, bad,
               bad < 0 ? 0 : gs[bad] / REPEATS, bad < 0 ? 0 : gex[bad]);
        EXPECT(sqrt(gnorm) > 1e-2, "exact gradient trivially small: %g", sqrt(gnorm));
    }
    free(gex), free(v), free(gs), free(gss);
    sf_model_free(m);
}

static void test_langevin_rejects_bad_settings(void) {
    float x0[2] = {0, 0}, out[2 * 16];
    const sf_langevin_config good = sf_langevin_config_default(SF_DATA_SWISS_ROLL);
    sf_langevin_config bad[6];
    for (int i = 0; i < 6; i++) bad[i] = good;
    bad[0].eps = 0, bad[1].eps = NAN, bad[2].decay = -1, bad[3].temperature = INFINITY, bad[4].steps = -1;
    bad[5].steps = SF_MAX_STEPS + 1;
    for (int i = 0; i < 6; i++) {
        EXPECT(sf_langevin_fn(score_zero, NULL, 2, out, x0, 1, &bad[i], 1) == SF_EINVAL, "bad config %d accepted", i);
        EXPECT(strlen(sf_error()) > 10, "no message for bad config %d", i);
    }
    float nan_x0[2] = {0, NAN};
    EXPECT(sf_langevin_fn(score_zero, NULL, 2, out, nan_x0, 1, &good, 1) == SF_EINVAL, "NaN start accepted");
    EXPECT(sf_langevin_fn(score_zero, NULL, 2, out, x0, 1, NULL, 1) == SF_EINVAL, "NULL config accepted");
    EXPECT(sf_langevin_fn(score_zero, NULL, 0, out, x0, 1, &good, 1) == SF_EINVAL, "dim 0 accepted");
    /* A score that blows up is reported, not drawn. */
    sf_langevin_config big = good;
    big.eps = 1e30f, big.decay = 1e30f;
    EXPECT(sf_langevin_fn(score_minus_x, NULL, 2, out, (float[]){1, 1}, 1, &big, 1) == SF_ENONFINITE,
           "divergence not reported");
}

/* The ladder: its ends exact, strictly decreasing, a constant ratio between neighbours. */
static void test_noise_ladder_is_geometric_with_exact_ends(void) {
    float s[SF_MAX_LEVELS];
    EXPECT(sf_noise_ladder(s, 10, 3.0f, 0.01f) == SF_OK, "%s", sf_error());
    EXPECT(s[0] == 3.0f && s[9] == 0.01f, "ends %g, %g", (double)s[0], (double)s[9]);
    double ratio = pow(0.01 / 3.0, 1.0 / 9);
    for (int i = 1; i < 10; i++) {
        EXPECT(s[i] < s[i - 1], "level %d not below level %d", i, i - 1);
        EXPECT(fabs(s[i] / s[i - 1] - ratio) < 1e-6, "ratio at %d: %g, want %g", i, (double)(s[i] / s[i - 1]), ratio);
    }
    EXPECT(sf_noise_ladder(s, 1, 2.0f, 2.0f) == SF_OK && s[0] == 2.0f, "a one-level ladder");
    EXPECT(sf_noise_ladder(s, 0, 3.0f, 0.01f) == SF_EINVAL, "0 levels accepted");
    EXPECT(sf_noise_ladder(s, 10, 0.01f, 3.0f) == SF_EINVAL, "an increasing ladder accepted");
    EXPECT(sf_noise_ladder(s, 10, 3.0f, 0.0f) == SF_EINVAL, "sigma_min 0 accepted");
    EXPECT(sf_noise_ladder(s, SF_MAX_LEVELS + 1, 3.0f, 0.01f) == SF_EINVAL, "too many levels accepted");
}

static int mixture_score(void *ctx, float *s, const float *x, int n, int dim, float sigma) {
    (void)ctx, (void)dim;
    return sf_data_score(s, x, n, SF_DATA_MIXTURE, sf_data_default_noise(SF_DATA_MIXTURE), sigma) != SF_OK;
}

static int mixture_score_clean(void *ctx, float *s, const float *x, int n, int dim) {
    return mixture_score(ctx, s, x, n, dim, 0.0f);
}

/* NCSN's Figure 3, scaled by 1/5 with the data: chains from U[−1.6, 1.6]² on the exact score of the
 * 0.2/0.8 mixture. Plain Langevin keeps each chain in the basin it starts in, so about half end at
 * each mode; annealed Langevin (σ 4 → 0.2, 10 levels, T = 100, ε = 0.004, the paper's 20 → 1 and 0.1
 * scaled) recovers the weights. */
static void test_annealed_langevin_recovers_mode_weights_where_plain_does_not(void) {
    enum { N = 1280 };
    float *x0 = malloc(sizeof(float) * 2 * N), *out = malloc(sizeof(float) * 2 * N);
    EXPECT(sf_uniform(x0, 2 * N, -1.6f, 1.6f, 3) == SF_OK, "%s", sf_error());
    sf_anneal_config ac = {4.0f, 0.2f, 10, 100, 0.004f, 5};
    EXPECT(sf_annealed_langevin_fn(mixture_score, NULL, 2, out, x0, N, &ac, SF_KEEP_LAST) == SF_OK, "%s", sf_error());
    int low = 0;
    for (int i = 0; i < N; i++) low += out[2 * i] + out[2 * i + 1] < 0;
    double se = sqrt(0.2 * 0.8 / N), annealed = (double)low / N;
    /* Plain: the tutorial's form with ε = 2α (x + ε/2·s + √ε·z), α = 0.004, 1000 steps, no decay. */
    sf_langevin_config lc = {0.008f, 1.0f, 1.0f, 1000, 5};
    EXPECT(sf_langevin_fn(mixture_score_clean, NULL, 2, out, x0, N, &lc, 0) == SF_OK, "%s", sf_error());
    low = 0;
    for (int i = 0; i < N; i++) low += out[2 * i] + out[2 * i + 1] < 0;
    double plain = (double)low / N;
    printf("  # weight of the 0.2 mode: annealed %.3f, plain %.3f (%d chains)\n", annealed, plain, N);
    EXPECT(fabs(annealed - 0.2) < Z_BOUND * se, "annealed: %.3f at the 0.2 mode", annealed);
    EXPECT(plain - 0.2 > 10 * se, "plain Langevin found the weights (%.3f): the test cannot tell the samplers apart",
           plain);
    free(x0), free(out);
}

/* keep modes give the documented frame counts, the frames chain into each other, and the same seed
 * gives the same chains; bad settings are refused. */
static void test_annealed_langevin_frames_and_settings(void) {
    enum { N = 5, L = 3, T = 4 };
    float x0[2 * N], all[(L * T + 1) * 2 * N], levels[(L + 1) * 2 * N], last[2 * N];
    sf_uniform(x0, 2 * N, -1, 1, 1);
    sf_anneal_config ac = {2.0f, 0.5f, L, T, 0.01f, 9};
    EXPECT(sf_annealed_langevin_fn(mixture_score, NULL, 2, all, x0, N, &ac, SF_KEEP_ALL) == SF_OK, "%s", sf_error());
    EXPECT(sf_annealed_langevin_fn(mixture_score, NULL, 2, levels, x0, N, &ac, SF_KEEP_LEVELS) == SF_OK, "%s",
           sf_error());
    EXPECT(sf_annealed_langevin_fn(mixture_score, NULL, 2, last, x0, N, &ac, SF_KEEP_LAST) == SF_OK, "%s", sf_error());
    EXPECT(memcmp(all, x0, sizeof x0) == 0 && memcmp(levels, x0, sizeof x0) == 0, "frame 0 is not the start");
    for (int l = 1; l <= L; l++)
        EXPECT(memcmp(levels + l * 2 * N, all + l * T * 2 * N, sizeof x0) == 0, "level frame %d is not step %d", l,
               l * T);
    EXPECT(memcmp(last, all + L * T * 2 * N, sizeof last) == 0, "the last frame differs");
    sf_anneal_config bad = ac;
    bad.eps = -1;
    EXPECT(sf_annealed_langevin_fn(mixture_score, NULL, 2, last, x0, N, &bad, 0) == SF_EINVAL, "eps < 0 accepted");
    bad = ac, bad.sigma_min = 3.0f;
    EXPECT(sf_annealed_langevin_fn(mixture_score, NULL, 2, last, x0, N, &bad, 0) == SF_EINVAL,
           "rising ladder accepted");
    EXPECT(sf_annealed_langevin_fn(mixture_score, NULL, 2, last, x0, N, &ac, 3) == SF_EINVAL, "keep 3 accepted");
    bad = ac, bad.steps = SF_MAX_STEPS;
    EXPECT(sf_annealed_langevin_fn(mixture_score, NULL, 2, last, x0, N, &bad, 0) == SF_EINVAL,
           "too many steps accepted");
    sf_model *m = new_model((sf_net_config){2, 8, 1, 1, SF_ISA_AUTO, 0, 0});
    EXPECT(sf_annealed_langevin(m, last, x0, N, &ac, 0) == SF_EINVAL && strstr(sf_error(), "noise-conditional"),
           "annealed Langevin on a plain model: %s", sf_error());
    sf_model_free(m);
}

/* A noise-conditional model's annealed chains equal those of its own score function s(x, σ): the
 * model path and the function path are one sampler. */
typedef struct cond_ctx {
    sf_model *m;
} cond_ctx;
static int model_sigma_score(void *ctx, float *s, const float *x, int n, int dim, float sigma) {
    (void)dim;
    return sf_model_score_sigma(((cond_ctx *)ctx)->m, s, x, n, sigma) != SF_OK;
}

static void test_annealed_langevin_on_model_equals_it_on_its_score_function(void) {
    sf_model *m = new_model((sf_net_config){2, 16, 2, 3, SF_ISA_AUTO, 1, 0});
    if (!m) return;
    EXPECT(sf_model_train_config(m).objective == SF_OBJ_NCSN, "a noise-conditional model starts with ncsn");
    EXPECT(sf_model_train(m, 20, NULL) == SF_OK, "%s", sf_error());
    enum { N = 7 };
    float x0[2 * N], a[2 * N], b[2 * N];
    sf_uniform(x0, 2 * N, -1, 1, 2);
    sf_anneal_config ac = sf_anneal_config_default(SF_DATA_SWISS_ROLL);
    ac.steps = 5;
    cond_ctx c = {m};
    EXPECT(sf_annealed_langevin(m, a, x0, N, &ac, 0) == SF_OK, "%s", sf_error());
    EXPECT(sf_annealed_langevin_fn(model_sigma_score, &c, 2, b, x0, N, &ac, 0) == SF_OK, "%s", sf_error());
    EXPECT(memcmp(a, b, sizeof a) == 0, "model and score-function paths differ");
    float s1[2], s2[2];
    EXPECT(sf_model_score(m, s1, x0, 1) == SF_OK && sf_model_score_sigma(m, s2, x0, 1, 0.01f) == SF_OK, "%s",
           sf_error());
    EXPECT(memcmp(s1, s2, sizeof s1) == 0, "sf_model_score is not the score at the smallest level");
    sf_model_free(m);
}

int main(void) {
    RUN(test_langevin_stationary_variance_is_one_over_one_minus_eps_over_4);
    RUN(test_langevin_noise_follows_the_decaying_step_size);
    RUN(test_langevin_is_deterministic_per_seed);
    RUN(test_langevin_on_model_equals_langevin_on_its_score_function);
    RUN(test_langevin_run_in_chunks_equals_one_call);
    RUN(test_sliced_objectives_average_to_the_exact_one);
    RUN(test_langevin_rejects_bad_settings);
    RUN(test_noise_ladder_is_geometric_with_exact_ends);
    RUN(test_annealed_langevin_recovers_mode_weights_where_plain_does_not);
    RUN(test_annealed_langevin_frames_and_settings);
    RUN(test_annealed_langevin_on_model_equals_it_on_its_score_function);
    return TH_EXIT();
}
