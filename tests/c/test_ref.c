/* test_ref.c — evidence that the double-precision reference (ref.c) is right, before anything is
 * checked against it.
 *
 * What is checked, and against what:
 *   - the parameter layout and forward formula of ref.h, against a plain double forward pass written
 *     here from the header's text;
 *   - ref_jvp and the exact trace, against central differences of ref_score, for plain nets and for
 *     noise-conditional ones (through their input and output maps), and the output map against its
 *     definition;
 *   - ref_loss, against the objectives' definitions assembled from ref_score and those differences;
 *   - ref_grad, for every parameter of several small nets and all four objectives, against central
 *     differences of ref_loss, with a guard that the gradient is not trivially zero;
 *   - identities that hold exactly: sliced SM over a tight frame equals exact SM (loss and gradient),
 *     and the variance-reduced and plain sliced losses differ by a known term;
 *   - a one-unit net whose losses and gradients are worked out by hand below.
 * Left to others: checking the float32 library against this reference (its own tests).
 *
 * Sizes: N samples, D data dimension, H hidden width, M projections, P parameters.
 */
#include "harness.h"
#include "free_all.h"
#include "ref.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Central differences (f(θ+h) − f(θ−h)) / 2h err by about (h²/6)·|f'''| (truncation) plus
 * ε·|f|/h (rounding of f, ε = 2.2e-16). For the O(1) losses and scores here, h = 1e-5 makes both about
 * 1e-11, near the optimum h ≈ ε^(1/3) ≈ 6e-6. The largest differences measured here are 2e-11 for
 * scores and SM losses and 4e-10 for DSM, whose loss is larger (z/σ reaches 5.7) so that the rounding
 * term dominates; each test prints its worst difference as a fraction of the tolerance. FD_REL_TOL
 * leaves a wide margin yet is ~1e5 times smaller than any real bug (a missing term or factor changes
 * a derivative at O(1) relative size). FD_ABS_TOL is the floor for derivatives near zero, where a
 * relative bound means nothing: it sits above the rounding term ε·|f|/h ≈ 2e-11·|f| for |f| up to
 * ~100. */
#define FD_STEP    1e-5
#define FD_REL_TOL 1e-6
#define FD_ABS_TOL 1e-8

/* Identities that hold exactly in real arithmetic differ only by rounding: at most a few hundred
 * operations of relative error ε each, so ≲ 1e-13 of the magnitude of the terms (all pass at 1e-15
 * here). 1e-12 of that magnitude leaves room for another libm or for fused multiply-adds, and still
 * catches any mistake in a formula. */
#define ROUNDING_TOL 1e-12

/* The non-vacuity guard: a gradient with ‖g‖₂ below GRAD_MIN_NORM, or with fewer than
 * GRAD_MIN_NONZERO_FRAC of its entries above GRAD_NONZERO_EPS in magnitude, would let a reference
 * that returns zeros (or forgets a layer) pass. With generic weights no entry is structurally zero. */
#define GRAD_MIN_NORM         1e-2
#define GRAD_NONZERO_EPS      1e-10
#define GRAD_MIN_NONZERO_FRAC 0.9

static const char *const OBJECTIVE_NAME[] = {"exact", "sliced", "sliced_vr", "dsm", "ncsn"};

/* ---- a local, seeded generator: the tests depend on nothing in src/ ---- */

typedef struct test_rng {
    uint64_t s;
} test_rng;

/* splitmix64 (Steele, Lea & Flood 2014): one add, two xor-shift-multiplies; plenty for test data. */
static uint64_t rng_next(test_rng *r) {
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Uniform in [lo, hi), from the top 53 bits. */
static double rng_uniform(test_rng *r, double lo, double hi) {
    return lo + (hi - lo) * (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

static double *alloc_doubles(size_t n) {
    double *p = malloc((n ? n : 1) * sizeof(double));
    if (!p) {
        fprintf(stderr, "test_ref: out of memory\n");
        exit(1);
    }
    return p;
}

/* idx (P) = 0, 1, …, P − 1: every parameter, for ref_grad's list of indices. */
static int *all_indices(int P) {
    int *idx = malloc((size_t)(P > 0 ? P : 1) * sizeof(int));
    if (!idx) {
        fprintf(stderr, "test_ref: out of memory\n");
        exit(1);
    }
    for (int p = 0; p < P; p++) idx[p] = p;
    return idx;
}

/* Weights uniform in ±1.2/√in (so pre-activations land on both sides of the softplus knee, where
 * f'' is largest), biases uniform in ±0.6: varied, nonzero, never all equal. */
static void fill_params(ref_net net, double *params, test_rng *r) {
    int off = 0;
    for (int l = 0; l <= net.depth; l++) {
        int in = l == 0 ? ref_input_width(net) : net.H;
        int out = l == net.depth ? net.D : net.H;
        double a = 1.2 / sqrt((double)in);
        for (int k = 0; k < in * out; k++) params[off + k] = rng_uniform(r, -a, a);
        for (int k = 0; k < out; k++) params[off + in * out + k] = rng_uniform(r, -0.6, 0.6);
        off += in * out + out;
    }
}

/* A net with weights, a batch, and aux sized for every objective. */
typedef struct problem {
    ref_net net;
    int N, M, P;
    double sigma;
    double *params; /* (P) */
    double *x;      /* (N, D) */
    double *v;      /* (M, N, D) projections, unit variance */
    double *z;      /* (N, D) DSM noise, then (N) noise levels σₙ for NCSN */
} problem;

static problem problem_make(ref_net net, int N, int M, uint64_t seed) {
    problem pr;
    test_rng r = {seed};
    pr.net = net;
    pr.N = N;
    pr.M = M;
    pr.P = ref_param_count(net);
    pr.sigma = 0.3;
    pr.params = alloc_doubles((size_t)pr.P);
    pr.x = alloc_doubles((size_t)N * net.D);
    pr.v = alloc_doubles((size_t)M * N * net.D);
    pr.z = alloc_doubles((size_t)N * (net.D + 1));
    fill_params(net, pr.params, &r);
    for (int k = 0; k < N * net.D; k++) pr.x[k] = rng_uniform(&r, -1.5, 1.5);
    /* uniform on ±√3 has variance 1, like the Gaussian or Rademacher v the library draws */
    for (int k = 0; k < M * N * net.D; k++) pr.v[k] = rng_uniform(&r, -sqrt(3.0), sqrt(3.0));
    for (int k = 0; k < N * net.D; k++) pr.z[k] = rng_uniform(&r, -1.7, 1.7);
    for (int k = 0; k < N; k++) pr.z[N * net.D + k] = rng_uniform(&r, 0.05, 2.0); /* levels spanning a ladder's range */
    return pr;
}

static void problem_free(problem *pr) { FREE_ALL(pr->params, pr->x, pr->v, pr->z); }

static const double *problem_aux(const problem *pr, int objective) {
    if (objective == REF_SLICED || objective == REF_SLICED_VR) return pr->v;
    if (objective == REF_DSM || objective == REF_NCSN) return pr->z;
    return NULL;
}

static double problem_loss(const problem *pr, const double *params, int objective) {
    return ref_loss(pr->net, params, objective, pr->x, problem_aux(pr, objective), pr->N, pr->M, pr->sigma);
}

static int within_fd_tol(double got, double want) { return fabs(got - want) <= FD_ABS_TOL + FD_REL_TOL * fabs(want); }

/* |got − want| as a fraction of the FD tolerance: the margin, reported once per test. */
static double fd_tol_ratio(double got, double want) {
    return fabs(got - want) / (FD_ABS_TOL + FD_REL_TOL * fabs(want));
}

/* The small nets whose every parameter is checked: two hidden layers, one, three, and none (a
 * linear score, where J = Wᵀ does not depend on x). */
static const ref_net SMALL_NETS[] = {{3, 5, 2, 0}, {2, 4, 1, 0}, {3, 4, 3, 0}, {2, 3, 0, 0}};
#define N_SMALL_NETS ((int)(sizeof SMALL_NETS / sizeof SMALL_NETS[0]))

/* ---- the layout and the forward formula ---- */

/* The header's forward pass in plain doubles: h_0 = x; z_l = h_l·W_l + b_l with W_l (in_l, out_l)
 * row-major; h_{l+1} = softplus(z_l); s = z_depth. x (D), s (D). */
static void plain_forward(ref_net net, const double *params, const double *x, double *s) {
    double h[64], z[64]; /* widths up to 64 suffice for the nets used here */
    memcpy(h, x, (size_t)net.D * sizeof(double));
    const double *p = params;
    for (int l = 0; l <= net.depth; l++) {
        int in = l == 0 ? ref_input_width(net) : net.H;
        int out = l == net.depth ? net.D : net.H;
        for (int j = 0; j < out; j++) {
            z[j] = p[in * out + j];
            for (int i = 0; i < in; i++) z[j] += h[i] * p[i * out + j];
        }
        p += in * out + out;
        for (int j = 0; j < out; j++) h[j] = l < net.depth ? log(1.0 + exp(z[j])) : z[j];
    }
    memcpy(s, h, (size_t)net.D * sizeof(double));
}

/* ref_param_count follows the layout: Σ_l (in_l·out_l + out_l). */
static void test_ref_param_count_matches_layout(void) {
    ref_net one_unit = {1, 1, 1, 0}; /* 1·1+1 + 1·1+1 */
    ref_net linear = {3, 7, 0, 0};   /* 3·3+3, H unused */
    ref_net big = {64, 128, 2, 0};   /* 64·128+128 + 128·128+128 + 128·64+64 */
    EXPECT(ref_param_count(one_unit) == 4, "got %d", ref_param_count(one_unit));
    EXPECT(ref_param_count(linear) == 12, "got %d", ref_param_count(linear));
    EXPECT(ref_param_count(big) == 33088, "got %d", ref_param_count(big));
}

/* Central differences cannot see a transposed weight (they only check self-consistency), so the
 * layout the library shares is checked against the header's formula directly. Non-square layers
 * (D ≠ H) make a transposition read the wrong entries. */
static void test_ref_score_matches_plain_forward_of_layout(void) {
    static const ref_net nets[] = {{3, 5, 2, 0}, {2, 7, 1, 0}, {4, 3, 3, 0}, {3, 1, 0, 0}};
    for (int t = 0; t < 4; t++) {
        problem pr = problem_make(nets[t], 5, 1, 100 + t);
        int D = pr.net.D;
        double *s = alloc_doubles((size_t)pr.N * D);
        ref_score(pr.net, pr.params, pr.x, pr.N, s);
        for (int n = 0; n < pr.N; n++) {
            double want[64];
            plain_forward(pr.net, pr.params, pr.x + n * D, want);
            for (int j = 0; j < D; j++)
                EXPECT(fabs(s[n * D + j] - want[j]) <= ROUNDING_TOL * (1.0 + fabs(want[j])),
                       "net %d sample %d output %d: ref %.17g, plain %.17g", t, n, j, s[n * D + j], want[j]);
        }
        free(s);
        problem_free(&pr);
    }
}

/* ---- the Jacobian against finite differences of the score ---- */

/* jfd (N, D) = (s(x + h·u) − s(x − h·u)) / 2h, per sample. */
static void fd_jvp(ref_net net, const double *params, const double *x, const double *u, int N, double *jfd) {
    int D = net.D;
    double *xp = alloc_doubles((size_t)N * D), *xm = alloc_doubles((size_t)N * D);
    double *sp = alloc_doubles((size_t)N * D), *sm = alloc_doubles((size_t)N * D);
    for (int k = 0; k < N * D; k++) {
        xp[k] = x[k] + FD_STEP * u[k];
        xm[k] = x[k] - FD_STEP * u[k];
    }
    ref_score(net, params, xp, N, sp);
    ref_score(net, params, xm, N, sm);
    for (int k = 0; k < N * D; k++) jfd[k] = (sp[k] - sm[k]) / (2.0 * FD_STEP);
    FREE_ALL(xp, xm, sp, sm);
}

static void test_ref_jvp_matches_finite_difference_of_score(void) {
    static const ref_net nets[] = {{3, 5, 2, 0}, {2, 4, 1, 0}, {3, 4, 3, 0}, {4, 6, 2, 0}, {2, 3, 0, 0}};
    double worst = 0.0, worst_abs = 0.0;
    for (int t = 0; t < 5; t++) {
        problem pr = problem_make(nets[t], 4, 1, 200 + t);
        int ND = pr.N * pr.net.D;
        double *ju = alloc_doubles((size_t)ND), *jfd = alloc_doubles((size_t)ND);
        /* the projections serve as varied directions u (N, D) */
        ref_jvp(pr.net, pr.params, pr.x, pr.v, pr.N, ju);
        fd_jvp(pr.net, pr.params, pr.x, pr.v, pr.N, jfd);
        double norm = 0.0;
        for (int k = 0; k < ND; k++) {
            EXPECT(within_fd_tol(ju[k], jfd[k]), "net %d entry %d: jvp %.17g, fd %.17g", t, k, ju[k], jfd[k]);
            worst = fmax(worst, fd_tol_ratio(ju[k], jfd[k]));
            worst_abs = fmax(worst_abs, fabs(ju[k] - jfd[k]));
            norm += ju[k] * ju[k];
        }
        EXPECT(sqrt(norm) > GRAD_MIN_NORM, "net %d: J·u is nearly zero (%g)", t, sqrt(norm));
        free(ju);
        free(jfd);
        problem_free(&pr);
    }
    printf("  # worst |jvp - fd| / tolerance = %.3g, largest |jvp - fd| = %.3g\n", worst, worst_abs);
}

/* The same for noise-conditional nets, whose J = ∂s(x, σ)/∂x passes through the input map (c_in, and
 * for D = 2 the Fourier features, whose tangents are 2π·bᵀu·(cos, −sin)) and the output map's a·u.
 * Rows (x, σ) at levels across a ladder's range; σ is not perturbed. */
static void test_ref_jvp_of_cond_net_matches_finite_difference_of_score(void) {
    static const ref_net nets[] = {{2, 4, 1, 1}, {3, 5, 2, 1}, {2, 3, 2, 1}};
    double worst = 0.0, worst_abs = 0.0;
    for (int t = 0; t < 3; t++) {
        problem pr = problem_make(nets[t], 4, 1, 250 + t);
        int N = pr.N, D = pr.net.D, ND = N * D;
        double *rows = alloc_doubles((size_t)N * (D + 1)), *rp = alloc_doubles((size_t)N * (D + 1));
        double *rm = alloc_doubles((size_t)N * (D + 1)), *sp = alloc_doubles((size_t)ND);
        double *sm = alloc_doubles((size_t)ND), *ju = alloc_doubles((size_t)ND);
        for (int n = 0; n < N; n++) {
            for (int d = 0; d < D; d++) {
                rows[n * (D + 1) + d] = pr.x[n * D + d];
                rp[n * (D + 1) + d] = pr.x[n * D + d] + FD_STEP * pr.v[n * D + d];
                rm[n * (D + 1) + d] = pr.x[n * D + d] - FD_STEP * pr.v[n * D + d];
            }
            rows[n * (D + 1) + D] = rp[n * (D + 1) + D] = rm[n * (D + 1) + D] = pr.z[ND + n];
        }
        ref_jvp(pr.net, pr.params, rows, pr.v, N, ju);
        ref_score(pr.net, pr.params, rp, N, sp);
        ref_score(pr.net, pr.params, rm, N, sm);
        double norm = 0.0;
        for (int k = 0; k < ND; k++) {
            double fd = (sp[k] - sm[k]) / (2.0 * FD_STEP);
            EXPECT(within_fd_tol(ju[k], fd), "cond net %d entry %d: jvp %.17g, fd %.17g", t, k, ju[k], fd);
            worst = fmax(worst, fd_tol_ratio(ju[k], fd));
            worst_abs = fmax(worst_abs, fabs(ju[k] - fd));
            norm += ju[k] * ju[k];
        }
        EXPECT(sqrt(norm) > GRAD_MIN_NORM, "cond net %d: J·u is nearly zero (%g)", t, sqrt(norm));
        free(rows), free(rp), free(rm), free(sp), free(sm), free(ju);
        problem_free(&pr);
    }
    printf("  # worst |jvp - fd| / tolerance = %.3g, largest |jvp - fd| = %.3g\n", worst, worst_abs);
}

/* The output map in its limits, from its definition alone: with the last layer zeroed, F = 0 and
 * s(x, σ) = −x/(σ² + σ_d²), the score of N(0, (σ² + σ_d²)·I); with only the last bias β set,
 * s = −x/(σ² + σ_d²) + σ_d·β/(σ·√(σ² + σ_d²)). The input map cannot matter here, so this pins the
 * output coefficients independently of the Fourier features. */
static void test_ref_cond_output_map_matches_definition(void) {
    static const ref_net nets[] = {{2, 4, 1, 1}, {3, 5, 2, 1}};
    for (int t = 0; t < 2; t++) {
        problem pr = problem_make(nets[t], 3, 1, 270 + t);
        int N = pr.N, D = pr.net.D, P = pr.P;
        int last = P - (pr.net.H * D + D); /* the last layer: W (H, D), then b (D) */
        for (int k = last; k < P; k++) pr.params[k] = 0.0;
        for (int j = 0; j < D; j++) pr.params[P - D + j] = 0.25 * (j + 1);
        double *rows = alloc_doubles((size_t)N * (D + 1)), *s = alloc_doubles((size_t)N * D);
        for (int n = 0; n < N; n++) {
            for (int d = 0; d < D; d++) rows[n * (D + 1) + d] = pr.x[n * D + d];
            rows[n * (D + 1) + D] = pr.z[N * D + n];
        }
        ref_score(pr.net, pr.params, rows, N, s);
        for (int n = 0; n < N; n++) {
            double sg = pr.z[N * D + n], v = sg * sg + 0.49;
            for (int j = 0; j < D; j++) {
                double want = -pr.x[n * D + j] / v + 0.7 * 0.25 * (j + 1) / (sg * sqrt(v));
                EXPECT(fabs(s[n * D + j] - want) <= ROUNDING_TOL * (1.0 + fabs(want)),
                       "cond net %d sample %d output %d: ref %.17g, definition %.17g", t, n, j, s[n * D + j], want);
            }
        }
        free(rows), free(s);
        problem_free(&pr);
    }
}

/* A Jacobian-vector product ju (N, D) = J(xₙ)·uₙ per sample: ref_jvp, or fd_jvp above. */
typedef void (*jvp_fn)(ref_net net, const double *params, const double *x, const double *u, int N, double *ju);

/* tr J(xₙ) = Σᵢ (J·eᵢ)ᵢ, column i from `jvp` along the unit vector eᵢ; tr (N). With fd_jvp, column i is
 * (s(x + h·eᵢ) − s(x − h·eᵢ)) / 2h, the full finite-difference Jacobian. */
static void trace_by(jvp_fn jvp, ref_net net, const double *params, const double *x, int N, double *tr) {
    int D = net.D;
    double *u = alloc_doubles((size_t)N * D), *ju = alloc_doubles((size_t)N * D);
    for (int n = 0; n < N; n++) tr[n] = 0.0;
    for (int i = 0; i < D; i++) {
        for (int k = 0; k < N * D; k++) u[k] = k % D == i ? 1.0 : 0.0;
        jvp(net, params, x, u, N, ju);
        for (int n = 0; n < N; n++) tr[n] += ju[n * D + i];
    }
    FREE_ALL(u, ju);
}

static void test_ref_exact_trace_matches_trace_of_fd_jacobian(void) {
    static const ref_net nets[] = {{3, 5, 2, 0}, {2, 4, 1, 0}, {3, 4, 3, 0}, {5, 6, 2, 0}, {2, 3, 0, 0}};
    double worst = 0.0, worst_abs = 0.0;
    for (int t = 0; t < 5; t++) {
        problem pr = problem_make(nets[t], 4, 1, 300 + t);
        double tr[4], tr_fd[4];
        trace_by(ref_jvp, pr.net, pr.params, pr.x, pr.N, tr);
        trace_by(fd_jvp, pr.net, pr.params, pr.x, pr.N, tr_fd);
        for (int n = 0; n < pr.N; n++) {
            EXPECT(within_fd_tol(tr[n], tr_fd[n]), "net %d sample %d: tr %.17g, fd %.17g", t, n, tr[n], tr_fd[n]);
            EXPECT(fabs(tr[n]) > GRAD_MIN_NORM, "net %d sample %d: trace nearly zero (%g)", t, n, tr[n]);
            worst = fmax(worst, fd_tol_ratio(tr[n], tr_fd[n]));
            worst_abs = fmax(worst_abs, fabs(tr[n] - tr_fd[n]));
        }
        problem_free(&pr);
    }
    printf("  # worst |tr - fd tr| / tolerance = %.3g, largest |tr - fd tr| = %.3g\n", worst, worst_abs);
}

/* ---- the objectives against their definitions ---- */

/* Each objective rebuilt from its definition in ref.h, with ref_score for s and central differences
 * for every J·v, so that nothing of ref_loss's own code is reused. */
static double loss_by_definition(const problem *pr, int objective) {
    ref_net net = pr->net;
    int N = pr->N, M = pr->M, D = net.D;
    double *s = alloc_doubles((size_t)N * D), *jv = alloc_doubles((size_t)N * D);
    double sum = 0.0;
    ref_score(net, pr->params, pr->x, N, s);
    if (objective == REF_EXACT) {
        double tr[16];
        trace_by(fd_jvp, net, pr->params, pr->x, N, tr);
        for (int n = 0; n < N; n++) {
            sum += tr[n];
            for (int j = 0; j < D; j++) sum += 0.5 * s[n * D + j] * s[n * D + j];
        }
        sum /= N;
    } else if (objective == REF_SLICED || objective == REF_SLICED_VR) {
        for (int m = 0; m < M; m++) {
            const double *v = pr->v + (size_t)m * N * D; /* (N, D): slice m of (M, N, D) */
            fd_jvp(net, pr->params, pr->x, v, N, jv);
            for (int n = 0; n < N; n++) {
                double vjv = 0.0, vs = 0.0, ss = 0.0;
                for (int j = 0; j < D; j++) {
                    vjv += v[n * D + j] * jv[n * D + j];
                    vs += v[n * D + j] * s[n * D + j];
                    ss += s[n * D + j] * s[n * D + j];
                }
                sum += vjv + 0.5 * (objective == REF_SLICED ? vs * vs : ss);
            }
        }
        sum /= (double)N * M;
    } else {
        double *xt = alloc_doubles((size_t)N * D);
        for (int k = 0; k < N * D; k++) xt[k] = pr->x[k] + pr->sigma * pr->z[k];
        ref_score(net, pr->params, xt, N, s);
        for (int k = 0; k < N * D; k++) {
            double r = s[k] + pr->z[k] / pr->sigma;
            sum += 0.5 * r * r;
        }
        sum /= N;
        free(xt);
    }
    free(s);
    free(jv);
    return sum;
}

static void test_ref_loss_matches_definition_with_fd_jacobian(void) {
    for (int t = 0; t < N_SMALL_NETS; t++) {
        problem pr = problem_make(SMALL_NETS[t], 3, 2, 400 + t);
        for (int obj = REF_EXACT; obj <= REF_DSM; obj++) {
            double got = problem_loss(&pr, pr.params, obj);
            double want = loss_by_definition(&pr, obj);
            EXPECT(within_fd_tol(got, want), "net %d %s: ref_loss %.17g, definition %.17g", t, OBJECTIVE_NAME[obj], got,
                   want);
        }
        problem_free(&pr);
    }
}

/* ---- gradients against central differences of the loss ---- */

/* Every parameter of every small net: ref_grad against (L(θ + h·e_p) − L(θ − h·e_p)) / 2h. */
static void check_grad_against_central_differences(int objective) {
    double worst = 0.0, worst_abs = 0.0;
    for (int t = 0; t < N_SMALL_NETS; t++) {
        ref_net net = SMALL_NETS[t];
        net.cond = objective == REF_NCSN; /* NCSN needs a noise-conditional net (ref.h) */
        problem pr = problem_make(net, 3, 2, 500 + 10 * t + objective);
        int P = pr.P;
        int *idx = all_indices(P);
        double *g = alloc_doubles((size_t)P), *theta = alloc_doubles((size_t)P);
        ref_grad(pr.net, pr.params, objective, pr.x, problem_aux(&pr, objective), pr.N, pr.M, pr.sigma, idx, P, g);
        memcpy(theta, pr.params, (size_t)P * sizeof(double));
        double norm = 0.0;
        int nonzero = 0;
        for (int p = 0; p < P; p++) {
            theta[p] = pr.params[p] + FD_STEP;
            double lp = problem_loss(&pr, theta, objective);
            theta[p] = pr.params[p] - FD_STEP;
            double lm = problem_loss(&pr, theta, objective);
            theta[p] = pr.params[p];
            double fd = (lp - lm) / (2.0 * FD_STEP);
            EXPECT(within_fd_tol(g[p], fd), "net %d (D=%d H=%d depth=%d) param %d: grad %.17g, fd %.17g", t, pr.net.D,
                   pr.net.H, pr.net.depth, p, g[p], fd);
            worst = fmax(worst, fd_tol_ratio(g[p], fd));
            worst_abs = fmax(worst_abs, fabs(g[p] - fd));
            norm += g[p] * g[p];
            nonzero += fabs(g[p]) > GRAD_NONZERO_EPS;
        }
        EXPECT(sqrt(norm) > GRAD_MIN_NORM, "net %d: gradient norm %g", t, sqrt(norm));
        EXPECT(nonzero >= GRAD_MIN_NONZERO_FRAC * P, "net %d: only %d of %d entries nonzero", t, nonzero, P);
        free(idx);
        free(g);
        free(theta);
        problem_free(&pr);
    }
    printf("  # %s: worst |grad - fd| / tolerance = %.3g, largest |grad - fd| = %.3g\n", OBJECTIVE_NAME[objective],
           worst, worst_abs);
}

static void test_ref_grad_matches_central_differences_exact(void) { check_grad_against_central_differences(REF_EXACT); }

static void test_ref_grad_matches_central_differences_sliced(void) {
    check_grad_against_central_differences(REF_SLICED);
}

static void test_ref_grad_matches_central_differences_sliced_vr(void) {
    check_grad_against_central_differences(REF_SLICED_VR);
}

static void test_ref_grad_matches_central_differences_dsm(void) { check_grad_against_central_differences(REF_DSM); }

static void test_ref_grad_matches_central_differences_ncsn(void) { check_grad_against_central_differences(REF_NCSN); }

/* ---- identities between the objectives ---- */

/* If the projections of every sample form a tight frame, Σₘ vₘvₘᵀ = M·I, then
 *     (1/M) Σₘ vₘᵀ J vₘ = (1/M) tr(J Σₘ vₘvₘᵀ) = tr J,
 *     (1/M) Σₘ ½ (vₘᵀ s)² = ½ sᵀ ((1/M) Σₘ vₘvₘᵀ) s = ½ ‖s‖²,
 * so REF_SLICED and REF_SLICED_VR both equal REF_EXACT — as functions of the parameters, hence
 * gradient for gradient too. Two frames with M = D = 4:
 *   - √D·e_m: picks the diagonal of J one entry at a time;
 *   - the rows of the Sylvester–Hadamard matrix (entries ±1, HᵀH = 4I): every vₘᵀJvₘ mixes
 *     off-diagonal entries of J, which must cancel in the sum.
 * Each sample n gets its own frame (rows rotated by n, sign flipped for odd n), which exercises
 * the (M, N, D) indexing of aux. */
static void test_ref_sliced_over_tight_frame_equals_exact(void) {
    static const double hadamard[4][4] = {{1, 1, 1, 1}, {1, -1, 1, -1}, {1, 1, -1, -1}, {1, -1, -1, 1}};
    ref_net net = {4, 6, 2, 0};
    problem pr = problem_make(net, 3, 4, 600);
    int N = pr.N, M = pr.M, D = net.D, P = pr.P;
    int *idx = all_indices(P);
    double *g_exact = alloc_doubles((size_t)P), *g = alloc_doubles((size_t)P);
    ref_grad(net, pr.params, REF_EXACT, pr.x, NULL, N, 0, 0.0, idx, P, g_exact);
    double l_exact = ref_loss(net, pr.params, REF_EXACT, pr.x, NULL, N, 0, 0.0);
    double g_scale = 0.0; /* ‖g‖_∞: rounding in each entry is relative to the terms, not the entry */
    for (int p = 0; p < P; p++) g_scale = fmax(g_scale, fabs(g_exact[p]));

    for (int frame = 0; frame < 2; frame++) {
        for (int m = 0; m < M; m++)
            for (int n = 0; n < N; n++)
                for (int j = 0; j < D; j++) {
                    int row = (m + n) % M;
                    double sign = n % 2 ? -1.0 : 1.0;
                    double e = frame == 0 ? sqrt((double)D) * (row == j) : hadamard[row][j];
                    pr.v[((size_t)m * N + n) * D + j] = sign * e;
                }
        for (int obj = REF_SLICED; obj <= REF_SLICED_VR; obj++) {
            double l = ref_loss(net, pr.params, obj, pr.x, pr.v, N, M, 0.0);
            EXPECT(fabs(l - l_exact) <= ROUNDING_TOL * (1.0 + fabs(l_exact)), "frame %d %s: loss %.17g, exact %.17g",
                   frame, OBJECTIVE_NAME[obj], l, l_exact);
            ref_grad(net, pr.params, obj, pr.x, pr.v, N, M, 0.0, idx, P, g);
            for (int p = 0; p < P; p++)
                EXPECT(fabs(g[p] - g_exact[p]) <= ROUNDING_TOL * g_scale,
                       "frame %d %s param %d: grad %.17g, exact %.17g", frame, OBJECTIVE_NAME[obj], p, g[p],
                       g_exact[p]);
        }
    }
    EXPECT(g_scale > GRAD_MIN_NORM, "exact gradient nearly zero (%g)", g_scale);
    free(idx);
    free(g_exact);
    free(g);
    problem_free(&pr);
}

/* For any v the two sliced objectives share the vᵀJv term and differ only in the second:
 *     L_VR − L_sliced = 1/(N·M) Σₙ Σₘ ½ (‖sₙ‖² − (vₘₙᵀ sₙ)²),
 * which ref_score gives independently. */
static void test_ref_sliced_vr_minus_sliced_is_half_norm_gap(void) {
    for (int t = 0; t < N_SMALL_NETS; t++) {
        problem pr = problem_make(SMALL_NETS[t], 4, 3, 700 + t);
        int N = pr.N, M = pr.M, D = pr.net.D;
        double *s = alloc_doubles((size_t)N * D);
        ref_score(pr.net, pr.params, pr.x, N, s);
        double gap = 0.0, scale = 0.0, spread = 0.0;
        for (int m = 0; m < M; m++)
            for (int n = 0; n < N; n++) {
                const double *v = pr.v + ((size_t)m * N + n) * D;
                double vs = 0.0, ss = 0.0;
                for (int j = 0; j < D; j++) {
                    vs += v[j] * s[n * D + j];
                    ss += s[n * D + j] * s[n * D + j];
                }
                gap += 0.5 * (ss - vs * vs);
                scale += 0.5 * (ss + vs * vs);
                spread += fabs(0.5 * (ss - vs * vs));
            }
        gap /= (double)N * M;
        scale /= (double)N * M;
        double l_vr = problem_loss(&pr, pr.params, REF_SLICED_VR);
        double l_sl = problem_loss(&pr, pr.params, REF_SLICED);
        EXPECT(fabs((l_vr - l_sl) - gap) <= ROUNDING_TOL * (scale + fabs(l_vr) + fabs(l_sl)),
               "net %d: L_VR − L_sliced = %.17g, ½(‖s‖² − (vᵀs)²) mean = %.17g", t, l_vr - l_sl, gap);
        /* The mean gap itself is small by design (E[(vᵀs)²] = ‖s‖² for unit-variance v: that is why
         * the variance-reduced form is unbiased), so the guard asks that the terms are not all zero. */
        spread /= (double)N * M;
        EXPECT(spread > GRAD_MIN_NORM, "net %d: every term of the gap is nearly zero (%g)", t, spread);
        free(s);
        problem_free(&pr);
    }
}

/* ---- a net small enough to do by hand ---- */

/* D = 1, H = 1, depth = 1, parameters (W₀, b₀, W₁, b₁) = (w₀, b₀, w₁, b₁) = (2, −2, 3, −½):
 *     z = 2x − 2,  s(x) = 3·softplus(z) − ½,  J(x) = w₁·σ(z)·w₀ = 6·σ(z).
 * The two inputs are chosen to put z where softplus and σ are closed forms:
 *     x₁ = 1:           z = 0,    softplus = ln 2,  σ = ½, σ' = ¼
 *                       s₁ = 3 ln 2 − ½ = 1.579441541679836,  J₁ = 3
 *     x₂ = 1 + ½ ln 3:  z = ln 3, softplus = ln 4,  σ = ¾, σ' = 3/16
 *                       s₂ = 6 ln 2 − ½ = 3.658883083359672,  J₂ = 9/2
 * With Aₙ = Jₙ + ½sₙ²:
 *   exact:      L = ½(A₁ + A₂)                                   = 7.720515250319888
 *   sliced, M = 2, v (M, N, 1) = {{2, ½}, {−1, 3}}, so Σₘ v²ₘ₁ = 5 and Σₘ v²ₘ₂ = 37/4:
 *               L = ¼(5·A₁ + 37/4·A₂)                            = 31.19460787895049
 *   sliced_vr:  L = ¼(5·J₁ + 2·½s₁² + 37/4·J₂ + 2·½s₂²)          = 18.12676525031989
 *   dsm, σ = ½, z = (1, ½), x = (½, x₂ − ¼), so x̃ = (x₁, x₂) and r = s + z/σ = (s₁ + 2, s₂ + 1):
 *               L = ½(½r₁² + ½r₂²)                               = 8.629398333679560
 * Gradients, per sample, over (w₀, b₀, w₁, b₁):
 *   ∂J = (w₁(σ'·x·w₀ + σ), w₁σ'w₀, σw₀, 0)
 *     sample 1: (3, 3/2, 1, 0);   sample 2: (9x₂/8 + 9/4, 9/8, 3/2, 0)
 *   ∂s = (w₁σx, w₁σ, softplus(z), 1)
 *     sample 1: (3/2, 3/2, ln 2, 1);   sample 2: (9x₂/4, 9/4, 2 ln 2, 1)
 * and the objectives' gradients are
 *   exact ½Σₙ(∂Jₙ + sₙ∂sₙ);  sliced ¼Σₙ(Σₘv²)(∂Jₙ + sₙ∂sₙ);  sliced_vr ¼Σₙ((Σₘv²)∂Jₙ + 2sₙ∂sₙ);
 *   dsm ½Σₙ rₙ∂sₙ.
 * σ'' enters ∂J through σ' = σ(1 − σ): this is the second-order path the hyper-duals must get right. */
static void test_ref_loss_of_known_net(void) {
    const ref_net net = {1, 1, 1, 0};
    const double params[4] = {2.0, -2.0, 3.0, -0.5};
    const double ln2 = log(2.0);
    const double x2 = 1.0 + 0.5 * log(3.0);
    const double x[2] = {1.0, x2};
    const double s[2] = {3.0 * ln2 - 0.5, 6.0 * ln2 - 0.5};
    const double J[2] = {3.0, 4.5};
    const double v[4] = {2.0, 0.5, -1.0, 3.0}; /* (M=2, N=2, D=1) */
    const double vv[2] = {5.0, 9.25};          /* Σₘ v²ₘₙ */
    const double z[2] = {1.0, 0.5};
    const double x_dsm[2] = {0.5, x2 - 0.25};
    const double r[2] = {s[0] + 2.0, s[1] + 1.0};
    const double dJ[2][4] = {{3.0, 1.5, 1.0, 0.0}, {9.0 * x2 / 8.0 + 2.25, 1.125, 1.5, 0.0}};
    const double ds[2][4] = {{1.5, 1.5, ln2, 1.0}, {2.25 * x2, 2.25, 2.0 * ln2, 1.0}};

    double A[2], want_loss[4], want_grad[4][4];
    for (int n = 0; n < 2; n++) A[n] = J[n] + 0.5 * s[n] * s[n];
    want_loss[REF_EXACT] = 0.5 * (A[0] + A[1]);
    want_loss[REF_SLICED] = 0.25 * (vv[0] * A[0] + vv[1] * A[1]);
    want_loss[REF_SLICED_VR] = 0.25 * (vv[0] * J[0] + s[0] * s[0] + vv[1] * J[1] + s[1] * s[1]);
    want_loss[REF_DSM] = 0.5 * (0.5 * r[0] * r[0] + 0.5 * r[1] * r[1]);
    for (int p = 0; p < 4; p++) {
        want_grad[REF_EXACT][p] = 0.0;
        want_grad[REF_SLICED][p] = 0.0;
        want_grad[REF_SLICED_VR][p] = 0.0;
        want_grad[REF_DSM][p] = 0.0;
        for (int n = 0; n < 2; n++) {
            want_grad[REF_EXACT][p] += 0.5 * (dJ[n][p] + s[n] * ds[n][p]);
            want_grad[REF_SLICED][p] += 0.25 * vv[n] * (dJ[n][p] + s[n] * ds[n][p]);
            want_grad[REF_SLICED_VR][p] += 0.25 * (vv[n] * dJ[n][p] + 2.0 * s[n] * ds[n][p]);
            want_grad[REF_DSM][p] += 0.5 * r[n] * ds[n][p];
        }
    }
    /* the closed forms above, to the digits in the comment: guards the comment and the code alike */
    EXPECT(fabs(want_loss[REF_EXACT] - 7.720515250319888) < 1e-14, "%.17g", want_loss[REF_EXACT]);
    EXPECT(fabs(want_loss[REF_SLICED] - 31.19460787895049) < 1e-13, "%.17g", want_loss[REF_SLICED]);
    EXPECT(fabs(want_loss[REF_SLICED_VR] - 18.12676525031989) < 1e-13, "%.17g", want_loss[REF_SLICED_VR]);
    EXPECT(fabs(want_loss[REF_DSM] - 8.629398333679560) < 1e-14, "%.17g", want_loss[REF_DSM]);

    static const int idx[4] = {0, 1, 2, 3};
    for (int obj = REF_EXACT; obj <= REF_DSM; obj++) {
        const double *xs = obj == REF_DSM ? x_dsm : x;
        const double *aux = obj == REF_DSM ? z : obj == REF_EXACT ? NULL : v;
        double l = ref_loss(net, params, obj, xs, aux, 2, 2, 0.5);
        EXPECT(fabs(l - want_loss[obj]) <= ROUNDING_TOL * fabs(want_loss[obj]), "%s: loss %.17g, by hand %.17g",
               OBJECTIVE_NAME[obj], l, want_loss[obj]);
        double g[4];
        ref_grad(net, params, obj, xs, aux, 2, 2, 0.5, idx, 4, g);
        for (int p = 0; p < 4; p++)
            EXPECT(fabs(g[p] - want_grad[obj][p]) <= ROUNDING_TOL * (1.0 + fabs(want_grad[obj][p])),
                   "%s param %d: grad %.17g, by hand %.17g", OBJECTIVE_NAME[obj], p, g[p], want_grad[obj][p]);
    }
}

int main(void) {
    RUN(test_ref_param_count_matches_layout);
    RUN(test_ref_score_matches_plain_forward_of_layout);
    RUN(test_ref_jvp_matches_finite_difference_of_score);
    RUN(test_ref_exact_trace_matches_trace_of_fd_jacobian);
    RUN(test_ref_loss_matches_definition_with_fd_jacobian);
    RUN(test_ref_grad_matches_central_differences_exact);
    RUN(test_ref_grad_matches_central_differences_sliced);
    RUN(test_ref_grad_matches_central_differences_sliced_vr);
    RUN(test_ref_grad_matches_central_differences_dsm);
    RUN(test_ref_grad_matches_central_differences_ncsn);
    RUN(test_ref_jvp_of_cond_net_matches_finite_difference_of_score);
    RUN(test_ref_cond_output_map_matches_definition);
    RUN(test_ref_sliced_over_tight_frame_equals_exact);
    RUN(test_ref_sliced_vr_minus_sliced_is_half_norm_gap);
    RUN(test_ref_loss_of_known_net);
    return TH_EXIT();
}
