/* test_grad.c — the float32 library's losses and parameter gradients against the double-precision
 * hyper-dual reference (tests/c/ref.c, itself checked against finite differences in test_ref.c).
 *
 * Every objective, on small nets (every parameter) and on the tutorial's 64-d net (a seeded subset of
 * every tensor), with both kernel sets; plus the properties that make the fast path trustworthy:
 * chunking a batch does not change its gradient, and the scalar and SIMD128 kernels give the same bits.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/rng.h"
#include "harness.h"
#include "kernels/kernels.h"
#include "model.h"
#include "ref.h"
#include "scorefield.h"

/* Float32 against the exact double reference. Each gradient entry is a sum over the batch, the
 * tangent streams and up to 512 products per layer, each rounded to float (relative 2^-24 ≈ 6e-8).
 * Cancellation between the primal and the second-order terms makes a single entry's relative error
 * unbounded when the entry is near zero, so entries are compared relative to the gradient's largest
 * entry, and the whole vector by the normalised error Σ(a − b)² / Σb² (ggml's one-number diagnostic).
 * Measured worst cases over both kernel sets (printed by the test): 3e-7 per entry relative to the
 * max, 5e-14 normalised. The bounds leave a margin of ~15x and ~200x, while a wrong term (a missing
 * second-order tangent term, a bias gradient summed over tangent rows, a wrong 1/N) is off by O(1)
 * — both of those first two mutations were tried and fail this test. */
#define GRAD_TOL_VS_MAX     5e-6  /* |g − g_ref| <= this · max|g_ref| */
#define GRAD_TOL_NORMALISED 1e-11 /* Σ(g − g_ref)² / Σ g_ref² */
#define LOSS_RTOL           1e-5  /* |L − L_ref| <= this · (|L_ref| + 1) */
#define SCORE_RTOL          1e-5  /* |s − s_ref| <= this · (max|s_ref| + 1) */

/* A gradient that is this small, or mostly zeros, would make the comparison vacuous. */
#define GRAD_MIN_NORM 1e-3

static const char *OBJ_NAMES[] = {"exact", "sliced", "sliced_vr", "dsm", "ncsn", "vesde"};
/* The kernel sets of this build (SF_FORCE_SCALAR builds have only the scalar one). */
static const int ISAS[] = {SF_ISA_SCALAR, SF_HAVE_SIMD128 ? SF_ISA_SIMD128 : SF_ISA_SCALAR};

/* The worst errors seen by compare(), printed after each test as a record of the margins. */
static double seen_vs_max, seen_normalised;

static void report_margins(void) {
    printf("  # worst |g - g_ref| / max|g_ref| = %.2g (bound %.0e), worst normalised error = %.2g (bound %.0e)\n",
           seen_vs_max, GRAD_TOL_VS_MAX, seen_normalised, GRAD_TOL_NORMALISED);
    seen_vs_max = seen_normalised = 0;
}

typedef struct problem {
    int D, H, depth, N, M;
    float sigma;
    float *x, *aux; /* x (N, D); aux (M, N, D) or (N, D) */
} problem;

static sf_model *make_model_cond(int D, int H, int depth, int isa, uint64_t seed, int cond) {
    sf_net_config nc = {D, H, depth, seed, isa, cond, 0};
    sf_model *m = NULL;
    EXPECT(sf_model_create(&m, &nc) == SF_OK, "create: %s", sf_error());
    return m;
}

static sf_model *make_model(int D, int H, int depth, int isa, uint64_t seed) {
    return make_model_cond(D, H, depth, isa, seed, 0);
}

/* Small nets get fixed, varied parameters of order one (biases included) so that every softplus
 * works away from its linear and flat regions; the tutorial net keeps its Glorot init plus biases
 * of order 0.3, so that the biases' gradients are not trivially those of a zero-bias net. */
static void set_params(sf_model *m, int small) {
    float *p = sf_model_params(m);
    int P = sf_model_param_count(m);
    for (int i = 0; i < P; i++) {
        float w = (float)(0.6 * sin(i * 1.7 + 0.3));
        p[i] = small ? w : p[i] + 0.05f * w;
    }
}

/* aux's length: projections (M, N, D), DSM's noise (N, D), or NCSN's noise and levels (N·D + N). */
static long aux_length(const problem *pb, int objective) {
    long nd = (long)pb->N * pb->D;
    if (objective == SF_OBJ_DSM) return nd;
    if (SF__OBJ_CONDITIONAL(objective)) return nd + pb->N;
    return (long)pb->M * nd;
}

static void make_problem(problem *pb, int objective, uint64_t seed) {
    sf_rng r;
    sf_rng_seed(&r, seed, 7);
    long nd = (long)pb->N * pb->D;
    pb->x = malloc(sizeof(float) * nd);
    for (long i = 0; i < nd; i++) pb->x[i] = (float)(0.8 * sin(i * 2.3 + 1.0)) + 0.3f * sf_rng_normal(&r);
    long na = aux_length(pb, objective);
    pb->aux = malloc(sizeof(float) * na);
    sf_rng_fill_normal(&r, pb->aux, (int)na, 1.0f);
    if (SF__OBJ_CONDITIONAL(objective)) /* each point's noise level, across a ladder's range */
        for (int i = 0; i < pb->N; i++) pb->aux[nd + i] = 0.05f + 1.9f * sf_rng_uniform(&r);
}

static double *to_double(const float *f, long n) {
    double *d = malloc(sizeof(double) * (n ? n : 1));
    for (long i = 0; i < n; i++) d[i] = f[i];
    return d;
}

/* Compares the library's loss and gradient entries idx[] (all if idx is NULL) with the reference. */
static void compare(sf_model *m, int objective, const problem *pb, const int *idx, int n_idx, const char *what) {
    int P = sf_model_param_count(m);
    float loss = 0;
    sf_status st = sf_model_loss_grad(m, &loss, objective, pb->x, pb->aux, pb->N, pb->M, pb->sigma);
    EXPECT(st == SF_OK, "%s: loss_grad: %s", what, sf_error());

    ref_net net = {pb->D, pb->H, pb->depth, SF__OBJ_CONDITIONAL(objective)};
    EXPECT(ref_param_count(net) == P, "%s: param counts differ %d vs %d", what, ref_param_count(net), P);
    double *pd = to_double(sf_model_params(m), P);
    long nd = (long)pb->N * pb->D;
    double *xd = to_double(pb->x, nd);
    double *ad = to_double(pb->aux, aux_length(pb, objective));
    int *all = NULL;
    if (!idx) {
        all = malloc(sizeof(int) * P);
        for (int i = 0; i < P; i++) all[i] = i;
        idx = all, n_idx = P;
    }
    double *gref = malloc(sizeof(double) * n_idx);
    double lref = ref_loss(net, pd, objective, xd, ad, pb->N, pb->M, pb->sigma);
    ref_grad(net, pd, objective, xd, ad, pb->N, pb->M, pb->sigma, idx, n_idx, gref);

    EXPECT(fabs(loss - lref) <= LOSS_RTOL * (fabs(lref) + 1), "%s: loss %.9g vs reference %.9g", what, (double)loss,
           lref);

    const float *g = sf_model_grad(m);
    double gmax = 0, num = 0, den = 0;
    int nonzero = 0;
    for (int i = 0; i < n_idx; i++) {
        gmax = fmax(gmax, fabs(gref[i]));
        nonzero += gref[i] != 0;
    }
    int worst = -1;
    double worst_err = 0;
    for (int i = 0; i < n_idx; i++) {
        double e = fabs(g[idx[i]] - gref[i]);
        num += e * e, den += gref[i] * gref[i];
        if (e > worst_err) worst_err = e, worst = i;
    }
    EXPECT(sqrt(den) > GRAD_MIN_NORM && nonzero > n_idx / 2,
           "%s: reference gradient is trivially small (norm %g, %d of %d nonzero)", what, sqrt(den), nonzero, n_idx);
    EXPECT(worst_err <= GRAD_TOL_VS_MAX * gmax, "%s: param %d: %.9g vs reference %.9g (max |g| %g)", what,
           worst >= 0 ? idx[worst] : -1, worst >= 0 ? (double)g[idx[worst]] : 0.0, worst >= 0 ? gref[worst] : 0.0,
           gmax);
    EXPECT(num / den <= GRAD_TOL_NORMALISED, "%s: normalised error %g", what, num / den);
    seen_vs_max = fmax(seen_vs_max, worst_err / gmax);
    seen_normalised = fmax(seen_normalised, num / den);

    free(pd), free(xd), free(ad), free(gref), free(all);
}

static void free_problem(problem *pb) { free(pb->x), free(pb->aux); }

/* Every parameter of three small nets of different depths, every objective, both kernel sets. */
static void test_loss_grad_matches_reference_on_small_nets(void) {
    const int shapes[][5] = {
        /* D, H, depth, N, M */ {3, 5, 2, 5, 2}, {2, 4, 1, 6, 1}, {3, 6, 3, 4, 3}, {1, 7, 2, 5, 2}};
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
        for (int obj = 0; obj < SF_OBJ_COUNT; obj++)
            for (int ii = 0; ii < 2; ii++) {
                problem pb = {shapes[s][0], shapes[s][1], shapes[s][2], shapes[s][3], shapes[s][4], 0.3f, 0, 0};
                make_problem(&pb, obj, 100 + s);
                sf_model *m = make_model_cond(pb.D, pb.H, pb.depth, ISAS[ii], 1, SF__OBJ_CONDITIONAL(obj));
                if (!m) continue;
                set_params(m, 1);
                char what[96];
                snprintf(what, sizeof what, "%s D=%d H=%d depth=%d isa=%s", OBJ_NAMES[obj], pb.D, pb.H, pb.depth,
                         sf_model_isa_name(m));
                compare(m, obj, &pb, NULL, 0, what);
                sf_model_free(m);
                free_problem(&pb);
            }
    report_margins();
}

/* The tutorial's digits net, 64 → 128 → 128 → 64: a seeded subset of every weight and bias. */
static void test_loss_grad_matches_reference_on_digits_net(void) {
    enum { PER_TENSOR = 8 };
    for (int obj = 0; obj < SF_OBJ_COUNT; obj++) {
        problem pb = {64, 128, 2, obj == SF_OBJ_EXACT ? 2 : 4, 2, 0.2f, 0, 0};
        make_problem(&pb, obj, 200 + obj);
        int cond = SF__OBJ_CONDITIONAL(obj);
        sf_model *m = make_model_cond(64, 128, 2, SF_ISA_AUTO, 42, cond);
        if (!m) continue;
        set_params(m, 0);
        /* Tensor boundaries from the documented layout: W_l (in, out) then b_l (out). */
        int idx[6 * PER_TENSOR], n_idx = 0, off = 0;
        const int in[] = {64 + cond, 128, 128}, out[] = {128, 128, 64};
        sf_rng r;
        sf_rng_seed(&r, 300 + obj, 9);
        for (int l = 0; l < 3; l++) {
            int wn = in[l] * out[l];
            for (int j = 0; j < PER_TENSOR; j++) idx[n_idx++] = off + (int)sf_rng_below(&r, wn);
            off += wn;
            for (int j = 0; j < PER_TENSOR; j++) idx[n_idx++] = off + (int)sf_rng_below(&r, out[l]);
            off += out[l];
        }
        EXPECT(off == sf_model_param_count(m), "layout: %d vs %d params", off, sf_model_param_count(m));
        char what[64];
        snprintf(what, sizeof what, "%s on the 64-d net (%s)", OBJ_NAMES[obj], sf_model_isa_name(m));
        compare(m, obj, &pb, idx, n_idx, what);
        sf_model_free(m);
        free_problem(&pb);
    }
    report_margins();
}

/* The score itself, on a batch larger than one workspace chunk (so sf_model_score chunks it). */
static void test_score_matches_reference(void) {
    const int D = 2, H = 16, depth = 2, N = 20000;
    sf_model *m = make_model(D, H, depth, SF_ISA_AUTO, 3);
    if (!m) return;
    set_params(m, 1);
    float *x = malloc(sizeof(float) * N * D), *s = malloc(sizeof(float) * N * D);
    for (int i = 0; i < N * D; i++) x[i] = (float)(1.5 * sin(i * 0.37));
    EXPECT(sf_model_score(m, s, x, N) == SF_OK, "score: %s", sf_error());
    ref_net net = {D, H, depth, 0};
    int P = sf_model_param_count(m);
    double *pd = to_double(sf_model_params(m), P), *xd = to_double(x, (long)N * D);
    double *sd = malloc(sizeof(double) * N * D);
    ref_score(net, pd, xd, N, sd);
    double smax = 0, emax = 0;
    for (int i = 0; i < N * D; i++) smax = fmax(smax, fabs(sd[i])), emax = fmax(emax, fabs(s[i] - sd[i]));
    EXPECT(smax > 0.1, "score is trivially small: %g", smax);
    EXPECT(emax <= SCORE_RTOL * (smax + 1), "max score error %g (max |s| %g)", emax, smax);
    free(x), free(s), free(pd), free(xd), free(sd);
    sf_model_free(m);
}

/* The score of noise-conditional nets at several levels — the path the samplers take, with
 * net/cond.h's input row (c_in·x, the Fourier features for D = 2, log σ) and output map a·x + b·F —
 * against the reference, which writes that map again from its definition. Points reach |x| = 40, far
 * outside the data, where the Fourier phase is reduced before the sine. */
static void test_cond_score_matches_reference_at_every_level(void) {
    const int Ds[] = {2, 3}, N = 300;
    const float sigmas[] = {0.01f, 0.07f, 0.5f, 3.0f};
    for (int di = 0; di < 2; di++) {
        const int D = Ds[di], H = 16, depth = 2;
        sf_model *m = make_model_cond(D, H, depth, SF_ISA_AUTO, 4, 1);
        if (!m) return;
        set_params(m, 1);
        /* A noise-conditional model scores with its weights' moving average: make that these. */
        memcpy(sf_model_ema_params(m), sf_model_params(m), sizeof(float) * (size_t)sf_model_param_count(m));
        ref_net net = {D, H, depth, 1};
        EXPECT(ref_param_count(net) == sf_model_param_count(m), "D=%d: param counts differ", D);
        int P = sf_model_param_count(m);
        double *pd = to_double(sf_model_params(m), P);
        float *x = malloc(sizeof(float) * N * D), *s = malloc(sizeof(float) * N * D);
        double *rows = malloc(sizeof(double) * N * (D + 1)), *sd = malloc(sizeof(double) * N * D);
        for (int i = 0; i < N * D; i++) x[i] = (float)(1.5 * sin(i * 0.37)) * (i < N * D - 8 ? 1.0f : 26.0f);
        for (int li = 0; li < 4; li++) {
            EXPECT(sf_model_score_sigma(m, s, x, N, sigmas[li]) == SF_OK, "score: %s", sf_error());
            for (int n = 0; n < N; n++) {
                for (int d = 0; d < D; d++) rows[n * (D + 1) + d] = x[n * D + d];
                rows[n * (D + 1) + D] = sigmas[li];
            }
            ref_score(net, pd, rows, N, sd);
            double smax = 0, emax = 0;
            for (int i = 0; i < N * D; i++) smax = fmax(smax, fabs(sd[i])), emax = fmax(emax, fabs(s[i] - sd[i]));
            EXPECT(smax > 0.1, "D=%d sigma %g: score is trivially small: %g", D, (double)sigmas[li], smax);
            EXPECT(emax <= SCORE_RTOL * (smax + 1), "D=%d sigma %g: max score error %g (max |s| %g)", D,
                   (double)sigmas[li], emax, smax);
        }
        free(x), free(s), free(rows), free(sd), free(pd);
        sf_model_free(m);
    }
}

/* A batch split into workspace chunks gives the gradient of the whole batch: the exact objective on
 * the 64-d net needs 65 stack rows per point, so 70 points take several chunks; their gradient must
 * equal the size-weighted mean of the gradients of the pieces computed separately. */
static void test_chunked_batch_gives_the_batch_gradient(void) {
    const int D = 64, N = 70;
    sf_model *m = make_model(D, 128, 2, SF_ISA_AUTO, 5);
    if (!m) return;
    problem pb = {D, 128, 2, N, 1, 0.2f, 0, 0};
    make_problem(&pb, SF_OBJ_EXACT, 11);
    int P = sf_model_param_count(m);
    float loss;
    EXPECT(sf_model_loss_grad(m, &loss, SF_OBJ_EXACT, pb.x, NULL, N, 1, 0) == SF_OK, "%s", sf_error());
    float *whole = malloc(sizeof(float) * P);
    memcpy(whole, sf_model_grad(m), sizeof(float) * P);
    double *mix = calloc(P, sizeof(double)), lmix = 0;
    const int pieces[] = {1, 20, 49}; /* sizes summing to N, each one chunk */
    for (int k = 0, n0 = 0; k < 3; n0 += pieces[k], k++) {
        float l;
        EXPECT(sf_model_loss_grad(m, &l, SF_OBJ_EXACT, pb.x + n0 * D, NULL, pieces[k], 1, 0) == SF_OK, "%s",
               sf_error());
        const float *g = sf_model_grad(m);
        for (int i = 0; i < P; i++) mix[i] += (double)pieces[k] / N * g[i];
        lmix += (double)pieces[k] / N * l;
    }
    double gmax = 0, emax = 0;
    for (int i = 0; i < P; i++) gmax = fmax(gmax, fabs(mix[i])), emax = fmax(emax, fabs(whole[i] - mix[i]));
    EXPECT(gmax > GRAD_MIN_NORM, "gradient trivially small: %g", gmax);
    EXPECT(emax <= GRAD_TOL_VS_MAX * gmax, "chunked vs pieces: max error %g (max |g| %g)", emax, gmax);
    EXPECT(fabs(loss - lmix) <= LOSS_RTOL * (fabs(lmix) + 1), "loss %g vs %g", (double)loss, lmix);
    free(whole), free(mix);
    free_problem(&pb);
    sf_model_free(m);
}

/* The same training run with the scalar and the SIMD128 kernels gives bit-identical losses and
 * parameters, for every objective (the kernels' contract, seen through the whole library). */
static void test_scalar_and_simd128_training_agree_bitwise(void) {
    if (!SF_HAVE_SIMD128) {
        sf_net_config nc = {2, 8, 1, 1, SF_ISA_SIMD128, 0, 0};
        sf_model *m = NULL;
        EXPECT(sf_model_create(&m, &nc) == SF_EINVAL, "a scalar-only build accepted SF_ISA_SIMD128");
        return;
    }
    const int datasets[] = {SF_DATA_SWISS_ROLL, SF_DATA_DIGITS};
    for (int di = 0; di < 2; di++)
        for (int obj = 0; obj < SF_OBJ_COUNT; obj++) {
            int D = sf_data_dim(datasets[di]);
            int cond = SF__OBJ_CONDITIONAL(obj);
            sf_model *a = make_model_cond(D, 32, 2, SF_ISA_SCALAR, 9, cond),
                     *b = make_model_cond(D, 32, 2, SF_ISA_SIMD128, 9, cond);
            if (!a || !b) {
                sf_model_free(a), sf_model_free(b);
                continue;
            }
            sf_train_config tc = sf_train_config_default(datasets[di]);
            tc.objective = obj, tc.batch = 37, tc.n_proj = 2;
            EXPECT(sf_model_set_train(a, &tc) == SF_OK && sf_model_set_train(b, &tc) == SF_OK, "%s", sf_error());
            enum { STEPS = 5 };
            float la[STEPS], lb[STEPS];
            EXPECT(sf_model_train(a, STEPS, la) == SF_OK && sf_model_train(b, STEPS, lb) == SF_OK, "%s", sf_error());
            int P = sf_model_param_count(a);
            EXPECT(memcmp(la, lb, sizeof la) == 0, "%s D=%d: losses differ: %.9g vs %.9g", OBJ_NAMES[obj], D,
                   (double)la[STEPS - 1], (double)lb[STEPS - 1]);
            EXPECT(memcmp(sf_model_params(a), sf_model_params(b), sizeof(float) * P) == 0, "%s D=%d: parameters differ",
                   OBJ_NAMES[obj], D);
            sf_model_free(a), sf_model_free(b);
        }
}

int main(void) {
    RUN(test_loss_grad_matches_reference_on_small_nets);
    RUN(test_loss_grad_matches_reference_on_digits_net);
    RUN(test_score_matches_reference);
    RUN(test_cond_score_matches_reference_at_every_level);
    RUN(test_chunked_batch_gives_the_batch_gradient);
    RUN(test_scalar_and_simd128_training_agree_bitwise);
    return TH_EXIT();
}
