/* test_kernels.c — native tests of src/kernels: the SIMD128 twins (through SIMDe) against the scalar
 * twins bit for bit, and the scalar twins against double-precision references.
 *
 * In the manner of XNNPACK's kernel tests: sizes around the vector width (4) and the GEMM register
 * blocks (4 × 8, 1 × 32, 2 × 16, 3 × 8; the small-N blocks of 4·rv rows or row pairs; runs of 256
 * values of k), outputs filled with NaN first (so an element a kernel forgets shows up),
 * a sentinel bit pattern after the end of every output and in the gaps between C's rows (so a write
 * past the sizes shows up), seeded inputs that are neither zeros nor ones, and the first failing index
 * with both values on failure. Accuracy tolerances are named constants with their reasons.
 * Built with -DSF_SIMDE and -ffp-contract=off; without SF_SIMDE only the scalar checks run.
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "free_all.h"
#include "base/bits.h"
#include "kernels/kernels.h"

/* ---- Tolerances --------------------------------------------------------------------------------- */

/* Max error of the activations in ulp of the float result. Measured over every float in [−87, 87]
 * (an exhaustive run, too slow for this test): softplus 2.80 ulp (at z = −2.757), sigmoid 2.40 ulp
 * (at z = −4.157) — the exp's ~1 ulp, then the roundings of 2 + e and the division in log1p, or of
 * 1 + e and the division in the sigmoid. act_grid() contains those worst points. The bounds leave
 * 0.2 and 0.6 ulp of margin. Checked by mutating act_coef.h: dropping the r⁷ term or doubling 1/7!
 * gives 3.9–4.0 ulp, a wrong 1/6!..1/2!, LN2_HI or LN2_LO gives 40 to 10⁶ ulp, and a wrong 1/3..1/11
 * of the atanh series 3.6–4000 ulp, all failing here; a wrong 1/13 or 1/15 fails the exact
 * softplus(0) ≈ ln 2 check. Only small errors in 1/15 (the u¹⁴ term, < 0.1 ulp) pass unseen. */
#define ACT_ULP_BOUND_A 3.0
#define ACT_ULP_BOUND_S 3.0

/* For z < −20 the kernel flushes e = exp(−|z|) to 0 (act_coef.h, SF__ACT_W_FLUSH): softplus and
 * sigmoid are exactly 0 there, off by less than exp(−20) < 2.1e-9. The ulp bounds hold above. */
#define ACT_FLUSH_Z       (-20.0f)
#define ACT_FLUSH_ABS_ERR 2.1e-9

/* Unit roundoff of float. */
#define U24 0x1p-24

/* ---- Helpers ------------------------------------------------------------------------------------- */

#define CANARY_BITS 0x7FA5A5A5u /* a signalling-NaN pattern no kernel produces */
#define CANARY_N    8           /* sentinels after the end of every output */

static const int SIZES[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 31, 32, 33, 64, 67};
#define N_SIZES ((int)(sizeof SIZES / sizeof SIZES[0]))

/* A small LCG (Numerical Recipes constants): the tests' only randomness, seeded per case. */
static uint32_t lcg_next(uint32_t *s) {
    *s = *s * 1664525u + 1013904223u;
    return *s;
}

/* Uniform in [lo, hi) from the top 24 bits. */
static float lcg_float(uint32_t *s, float lo, float hi) {
    return lo + (hi - lo) * (float)(lcg_next(s) >> 8) * 0x1p-24f;
}

static void fill_uniform(float *x, size_t n, uint32_t seed, float lo, float hi) {
    uint32_t s = seed * 2654435761u + 12345u;
    for (size_t i = 0; i < n; i++) x[i] = lcg_float(&s, lo, hi);
}

/* Through memcpy, so that a signalling-NaN pattern is stored as is. */
static void fill_bits(float *x, size_t n, uint32_t b) {
    for (size_t i = 0; i < n; i++) memcpy(&x[i], &b, sizeof b);
}

static float *xmalloc_floats(size_t n) {
    float *p = malloc(n * sizeof *p);
    if (!p) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    return p;
}

/* An output of n floats filled with NaN, followed by CANARY_N sentinels. */
static float *out_alloc(size_t n) {
    float *p = xmalloc_floats(n + CANARY_N);
    fill_bits(p, n, 0x7FC00000u);
    fill_bits(p + n, CANARY_N, CANARY_BITS);
    return p;
}

static float *in_alloc(size_t n, uint32_t seed, float lo, float hi) {
    float *p = out_alloc(n);
    fill_uniform(p, n, seed, lo, hi);
    return p;
}

static int canaries_intact(const float *p, size_t n) {
    for (size_t i = n; i < n + CANARY_N; i++)
        if (sf__bits_of_float(p[i]) != CANARY_BITS) return 0;
    return 1;
}

/* Index of the first element whose bits differ, or −1. */
static long first_bit_diff(const float *x, const float *y, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (sf__bits_of_float(x[i]) != sf__bits_of_float(y[i])) return (long)i;
    return -1;
}

#if SF_HAVE_SIMD128
/* Index of the first element that differs in bits, treating any two NaNs as equal (a NaN's payload is
 * not part of the contract), or −1. */
static long first_diff_nan_equal(const float *x, const float *y, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (sf__bits_of_float(x[i]) != sf__bits_of_float(y[i]) && !(isnan(x[i]) && isnan(y[i]))) return (long)i;
    return -1;
}
#endif

/* The twins compiled into this binary: the scalar one always, the SIMD one under SF_HAVE_SIMD128. */
#define N_TWINS (1 + SF_HAVE_SIMD128)
static const sf_kernels *twin_table(int twin) {
#if SF_HAVE_SIMD128
    if (twin == 1) return &sf_kernels_simd128;
#endif
    (void)twin;
    return &sf_kernels_scalar;
}

/* Error of y against a double reference, in ulp of the float nearest to ref. */
static double ulp_err(float y, double ref) {
    if (ref == 0.0) return y == 0.0f ? 0.0 : INFINITY;
    int ex;
    frexp(fabs(ref), &ex); /* |ref| = m·2^ex, m in [0.5, 1): the float ulp there is 2^(ex − 24) */
    double ulp = ldexp(1.0, ex - 24);
    if (ulp < 0x1p-149) ulp = 0x1p-149;
    return fabs((double)y - ref) / ulp;
}

/* ---- GEMM ---------------------------------------------------------------------------------------- */

typedef struct gemm_case {
    int M, N, K;
    int trans;               /* A stored as a row-major (K,M) matrix, read with (ars, acs) = (1, lda) */
    int acc, has_bias;       /* the four init modes */
    int pad_a, pad_b, pad_c; /* lda = (trans ? M : K) + pad_a, ldb = N + pad_b, ldc = N + pad_c */
} gemm_case;

/* C holds rows of ldc floats; elements (i, j) with j >= N are the gaps, filled with the canary. */
static float *gemm_c_alloc(const gemm_case *g, int ldc, uint32_t seed) {
    const size_t n = (size_t)g->M * ldc;
    float *C = out_alloc(n);
    fill_bits(C, n, CANARY_BITS);
    uint32_t s = seed;
    for (int i = 0; i < g->M; i++)
        for (int j = 0; j < g->N; j++)
            C[(size_t)i * ldc + j] = g->acc ? lcg_float(&s, -1.0f, 1.0f) : sf__float_of_bits(0x7FC00000u);
    return C;
}

/* Index of the first gap or trailing element that lost its canary, or −1. */
static long gemm_first_bad_canary(const float *C, const gemm_case *g, int ldc) {
    const size_t n = (size_t)g->M * ldc;
    for (size_t idx = 0; idx < n + CANARY_N; idx++)
        if ((idx >= n || (int)(idx % (size_t)ldc) >= g->N) && sf__bits_of_float(C[idx]) != CANARY_BITS)
            return (long)idx;
    return -1;
}

/* Runs one case through the scalar twin (and the SIMD twin when compiled in), checks canaries and
 * bitwise agreement, and with check_bound the scalar result against a double-precision sum:
 * |y − ref| <= 2·(K + 1)·2⁻²⁴·(|init| + Σₖ|A(i,k)·B[k][j]|), the standard bound for a sum of K + 1
 * rounded terms (the +1 is init's own add). Returns 1 when the output is not constant (for the
 * trivial-output guard). */
static int gemm_run_case(const gemm_case *g, int check_bound) {
    const int M = g->M, N = g->N, K = g->K;
    const int lda = (g->trans ? M : K) + g->pad_a;
    const int ldb = N + g->pad_b, ldc = N + g->pad_c;
    const int ars = g->trans ? 1 : lda, acs = g->trans ? lda : 1;
    const size_t a_n = (size_t)(g->trans ? K : M) * lda, b_n = (size_t)K * ldb;
    const uint32_t seed = (uint32_t)(M * 1000003 + N * 10007 + K * 101 + g->trans * 7 + g->acc * 3 + g->has_bias);
    float *A = in_alloc(a_n, seed, -1.0f, 1.0f);
    float *B = in_alloc(b_n, seed + 1, -1.0f, 1.0f);
    float *bias = in_alloc((size_t)N, seed + 2, -0.5f, 0.5f);
    float *C0 = gemm_c_alloc(g, ldc, seed + 3);
    const size_t c_all = (size_t)M * ldc + CANARY_N;
    float *Cinit = xmalloc_floats(c_all);
    memcpy(Cinit, C0, c_all * sizeof *Cinit);

    sf_f32_gemm_scalar(C0, A, B, g->has_bias ? bias : NULL, M, N, K, ars, acs, ldb, ldc, g->acc);
    long bad = gemm_first_bad_canary(C0, g, ldc);
    EXPECT(bad < 0, "scalar M=%d N=%d K=%d trans=%d acc=%d bias=%d: canary at %ld overwritten", M, N, K, g->trans,
           g->acc, g->has_bias, bad);

#if SF_HAVE_SIMD128
    float *C1 = xmalloc_floats(c_all);
    memcpy(C1, Cinit, c_all * sizeof *C1);
    sf_f32_gemm_simd128(C1, A, B, g->has_bias ? bias : NULL, M, N, K, ars, acs, ldb, ldc, g->acc);
    bad = gemm_first_bad_canary(C1, g, ldc);
    EXPECT(bad < 0, "simd128 M=%d N=%d K=%d trans=%d acc=%d bias=%d: canary at %ld overwritten", M, N, K, g->trans,
           g->acc, g->has_bias, bad);
    const long d = first_bit_diff(C0, C1, c_all);
    EXPECT(d < 0,
           "M=%d N=%d K=%d trans=%d acc=%d bias=%d ldc=%d: C[%ld] (row %ld, col %ld) scalar %.9g "
           "(0x%08x) simd128 %.9g (0x%08x)",
           M, N, K, g->trans, g->acc, g->has_bias, ldc, d, d / ldc, d % ldc, C0[d], sf__bits_of_float(C0[d]), C1[d],
           sf__bits_of_float(C1[d]));
    free(C1);
#endif

    int varied = 0;
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++)
            if (sf__bits_of_float(C0[(size_t)i * ldc + j]) != sf__bits_of_float(C0[0])) varied = 1;

    if (check_bound) {
        double worst = 0.0; /* largest |y − ref| / bound */
        int wi = 0, wj = 0;
        for (int i = 0; i < M; i++) {
            for (int j = 0; j < N; j++) {
                const double c = g->acc ? Cinit[(size_t)i * ldc + j] : 0.0;
                const double b = g->has_bias ? bias[j] : 0.0;
                double ref = c + b, mag = fabs(c) + fabs(b);
                for (int k = 0; k < K; k++) {
                    const double t = (double)A[(size_t)i * ars + (size_t)k * acs] * B[(size_t)k * ldb + j];
                    ref += t;
                    mag += fabs(t);
                }
                const double bound = 2.0 * (K + 1) * U24 * mag;
                const double y = C0[(size_t)i * ldc + j];
                const double ratio = y == ref ? 0.0 : fabs(y - ref) / bound;
                if (isnan(ratio) || ratio > worst) { /* a NaN y sticks and fails below */
                    worst = ratio;
                    wi = i;
                    wj = j;
                }
            }
        }
        EXPECT(worst <= 1.0,
               "M=%d N=%d K=%d trans=%d acc=%d bias=%d: C(%d,%d) = %.9g is %.3g bounds "
               "from the double sum",
               M, N, K, g->trans, g->acc, g->has_bias, wi, wj, C0[(size_t)wi * ldc + wj], worst);
    }

    free(A);
    free(B);
    free(bias);
    free(C0);
    free(Cinit);
    return varied;
}

static const int GEMM_K[] = {0, 1, 2, 3, 4, 5, 8, 9, 17, 33, 67};
#define N_GEMM_K ((int)(sizeof GEMM_K / sizeof GEMM_K[0]))

/* Every (M, N) from SIZES with K from GEMM_K. The 8 combinations of layout (row-major / transposed A)
 * and init mode (acc 0/1 × bias NULL/non-NULL) rotate along K, so every (M, N) — every row and column
 * tail — meets all of them; the strides rotate likewise between tight and padded. */
static void gemm_sweep(int check_bound, int m_step) {
    int varied = 0, cases = 0;
    for (int im = 0; im < N_SIZES; im += m_step) {
        for (int in = 0; in < N_SIZES; in++) {
            for (int ik = 0; ik < N_GEMM_K; ik++) {
                const int r = im + in + ik;
                gemm_case g = {SIZES[im], SIZES[in], GEMM_K[ik],  (r >> 2) & 1, (r >> 1) & 1,
                               r & 1,     r % 2 * 2, (r + 1) % 2, r % 3 * 2};
                varied += gemm_run_case(&g, check_bound);
                cases++;
            }
        }
    }
    /* guard: most outputs with more than one element must vary, or the inputs were degenerate */
    EXPECT(varied > cases / 2, "only %d of %d GEMM outputs were non-constant", varied, cases);
}

static void test_gemm_simd128_matches_scalar_bitwise(void) { gemm_sweep(0, 1); }

static void test_gemm_scalar_within_bound_of_double(void) { gemm_sweep(1, 1); }

/* All four init modes and both layouts at one size per register-block class, exhaustively. */
static void test_gemm_all_init_modes_and_layouts(void) {
    static const int MN[][3] = {{1, 1, 1}, {3, 7, 5}, {4, 8, 3}, {5, 13, 9}, {9, 17, 16}};
    for (int c = 0; c < (int)(sizeof MN / sizeof MN[0]); c++)
        for (int mode = 0; mode < 8; mode++) {
            gemm_case g = {MN[c][0], MN[c][1], MN[c][2], mode >> 2, (mode >> 1) & 1, mode & 1, 1, 2, 3};
            gemm_run_case(&g, 1);
        }
}

/* The shapes the net runs: a hidden layer's forward product and the transposed-A product Xᵀ·dZ
 * of its backward pass; a tall, narrow output layer and its weight gradient (N = 2: the row-pair and
 * column blocks); the sampler's single rows. */
static void test_gemm_realistic_shapes(void) {
    const gemm_case shapes[] = {
        {256, 128, 128, 0, 0, 1, 0, 0, 0}, {128, 128, 256, 1, 1, 0, 0, 0, 0}, {1001, 2, 64, 0, 0, 1, 0, 0, 1},
        {64, 64, 1001, 1, 0, 0, 0, 0, 0},  {128, 2, 384, 1, 1, 0, 0, 0, 0},   {1, 128, 128, 0, 0, 1, 0, 0, 0},
        {1, 64, 128, 0, 0, 1, 0, 0, 0},
    };
    for (int c = 0; c < (int)(sizeof shapes / sizeof shapes[0]); c++) {
        const int varied = gemm_run_case(&shapes[c], 1);
        EXPECT(varied, "shape %d: constant output", c);
    }
}

/* K beyond one run of k (SF__KC = 256 in gemm_simd128.c): C is stored after each run and continued
 * from memory, for A read in place (transposed) and through the panel copy (row-major), every init
 * mode, and row counts that use every register block. */
static void test_gemm_long_k_runs(void) {
    static const int KS[] = {255, 256, 257, 513, 700};
    static const int MS[] = {1, 2, 3, 4, 5, 9};
    static const int NS[] = {2, 4, 13, 40};
    int c = 0;
    for (int ik = 0; ik < (int)(sizeof KS / sizeof KS[0]); ik++)
        for (int im = 0; im < (int)(sizeof MS / sizeof MS[0]); im++)
            for (int in = 0; in < (int)(sizeof NS / sizeof NS[0]); in++, c++) {
                gemm_case g = {MS[im], NS[in], KS[ik], c & 1, (c >> 1) & 1, (c >> 2) & 1, c % 3, c % 2, c % 3};
                gemm_run_case(&g, 1);
            }
}

/* A run of k that starts from memory must continue the partial sums exactly, not re-apply an init:
 * with init = −0 (acc, C = −0, bias = −0) and products that are all −0 (A = 0, B < 0), the scalar
 * twin keeps −0 to the end; an extra + 0 at the start of a later run would give +0. */
static void test_gemm_keeps_negative_zero_across_runs(void) {
    enum { M = 5, N = 8, K = 600 };
    static float A[M * K], B[K * N], C[M * N], bias[N];
    for (int i = 0; i < M * K; i++) A[i] = 0.0f;
    for (int i = 0; i < K * N; i++) B[i] = -1.0f - (float)(i % 7);
    for (int j = 0; j < N; j++) bias[j] = -0.0f;
    for (int twin = 0; twin < N_TWINS; twin++) {
        const sf_kernels *kt = twin_table(twin);
        for (int trans = 0; trans < 2; trans++) {
            for (int i = 0; i < M * N; i++) C[i] = -0.0f;
            kt->gemm(C, A, B, bias, M, N, K, trans ? 1 : K, trans ? M : 1, N, N, 1);
            int pos = 0;
            for (int i = 0; i < M * N; i++) pos += sf__bits_of_float(C[i]) != 0x80000000u;
            EXPECT(pos == 0, "%s trans=%d: %d of %d elements lost the sign of −0", kt->name, trans, pos, M * N);
        }
    }
}

/* M = 0 or N = 0 writes nothing; K = 0 leaves exactly init = (acc ? C : 0) + bias. */
static void test_gemm_degenerate_sizes(void) {
    const float A[4] = {0.25f, -0.5f, 0.75f, 1.5f}, B[6] = {1.0f, 2.0f, 3.0f, 4.0f, -5.0f, 6.0f};
    const float bias[3] = {0.5f, -0.25f, -0.0f};
    for (int twin = 0; twin < N_TWINS; twin++) {
        const sf_kernels *kt = twin_table(twin);
        float C[6];
        fill_bits(C, 6, CANARY_BITS);
        kt->gemm(C, A, B, bias, 0, 3, 2, 2, 1, 3, 3, 0);
        kt->gemm(C, A, B, bias, 2, 0, 2, 2, 1, 3, 3, 0);
        for (int k = 0; k < 6; k++)
            EXPECT(sf__bits_of_float(C[k]) == CANARY_BITS, "%s: M = 0 or N = 0 wrote C[%d]", kt->name, k);
        kt->gemm(C, A, B, bias, 2, 3, 0, 2, 1, 3, 3, 0);
        for (int k = 0; k < 6; k++)
            EXPECT(sf__bits_of_float(C[k]) == sf__bits_of_float(0.0f + bias[k % 3]), "%s: K = 0, acc = 0: C[%d] = %g",
                   kt->name, k, C[k]);
        const float c_before[6] = {1.0f, 2.0f, -3.0f, 4.0f, 5.0f, 6.0f};
        memcpy(C, c_before, sizeof C);
        kt->gemm(C, A, B, NULL, 2, 3, 0, 2, 1, 3, 3, 1);
        EXPECT(memcmp(C, c_before, sizeof C) == 0, "%s: K = 0, acc = 1, no bias changed C", kt->name);
    }
}

/* ---- Activation ---------------------------------------------------------------------------------- */

static double softplus_ref(double z) { return log1p(exp(z)); }
static double sigmoid_ref(double z) { return 1.0 / (1.0 + exp(-z)); }

/* The accuracy grid, all in [−87, 87]: every float within 2¹⁵ floats of a set of centres (the two
 * ends, where the reduction's n steps, around 0 and the subnormals, and a few magnitudes), a 10⁶-point
 * uniform sweep, and a log-spaced sweep of small |z|. Returns the count; z must hold ACT_GRID_CAP
 * (24 centres × 2¹⁶ + 10⁶ + 4·10⁴ = 2.61·10⁶ at most). */
#define ACT_GRID_CAP 3000000
static int act_grid(float *z) {
    const double ln2 = 0.6931471805599453;
    const float centres[] = {
        0.0f,
        1e-3f,
        -1e-3f,
        (float)(0.5 * ln2),
        (float)(-0.5 * ln2),
        (float)(1.5 * ln2),
        (float)(-1.5 * ln2),
        1.0f,
        -1.0f,
        2.0f,
        -2.0f,
        10.0f,
        -10.0f,
        16.0f,
        -16.0f,
        (float)(60.5 * ln2),
        (float)(-60.5 * ln2),
        86.75f,
        -86.75f,
        (float)(-125.5 * ln2 / 1.0001),
        /* the worst cases of an exhaustive run over every float in [−87, 87] */
        -2.7570076f,
        0.319684893f,
        -4.1572938f,
        7.85921097f,
    };
    int n = 0;
    for (int c = 0; c < (int)(sizeof centres / sizeof centres[0]); c++) {
        float lo = centres[c];
        for (int k = 0; k < 32768; k++) lo = nextafterf(lo, -INFINITY);
        float x = lo;
        for (int k = 0; k < 65536; k++, x = nextafterf(x, INFINITY))
            if (x >= -87.0f && x <= 87.0f) z[n++] = x;
    }
    for (int k = 0; k < 1000000; k++) z[n++] = (float)(-87.0 + 174.0 * k / 999999.0);
    for (int k = 0; k < 20000; k++) {
        const float m = (float)pow(10.0, -30.0 + 30.0 * k / 19999.0);
        z[n++] = m;
        z[n++] = -m;
    }
    return n;
}

/* Special inputs: zeros, tiny and huge, the flush and clamp edges, infinities and NaN. */
static const float ACT_SPECIAL[] = {0.0f,    -0.0f,   0x1p-149f, -0x1p-149f, FLT_MIN,   -FLT_MIN, 1e-20f,
                                    -1e-20f, 20.0f,   -20.0f,    20.5f,      -20.5f,    86.99f,   -86.99f,
                                    87.0f,   -87.0f,  88.0f,     -88.0f,     100.0f,    -100.0f,  1e10f,
                                    -1e10f,  FLT_MAX, -FLT_MAX,  INFINITY,   -INFINITY, NAN};
#define N_ACT_SPECIAL ((int)(sizeof ACT_SPECIAL / sizeof ACT_SPECIAL[0]))

#if SF_HAVE_SIMD128
static void test_softplus_sigmoid_simd128_matches_scalar_bitwise(void) {
    /* sizes around the vector width, on seeded z in [−12, 12], with canaries */
    for (int n = 0; n <= 67; n++) {
        float *z = in_alloc((size_t)n, (uint32_t)n, -12.0f, 12.0f);
        float *a0 = out_alloc((size_t)n), *s0 = out_alloc((size_t)n);
        float *a1 = out_alloc((size_t)n), *s1 = out_alloc((size_t)n);
        sf_f32_softplus_sigmoid_scalar(a0, s0, z, n);
        sf_f32_softplus_sigmoid_simd128(a1, s1, z, n);
        long d = first_bit_diff(a0, a1, (size_t)n);
        EXPECT(d < 0, "n=%d: a[%ld] for z=%.9g: scalar %.9g simd128 %.9g", n, d, z[d], a0[d], a1[d]);
        d = first_bit_diff(s0, s1, (size_t)n);
        EXPECT(d < 0, "n=%d: s[%ld] for z=%.9g: scalar %.9g simd128 %.9g", n, d, z[d], s0[d], s1[d]);
        EXPECT(canaries_intact(a1, (size_t)n) && canaries_intact(s1, (size_t)n) && canaries_intact(a0, (size_t)n) &&
                   canaries_intact(s0, (size_t)n),
               "n=%d: canary overwritten", n);
        /* s may alias z */
        sf_f32_softplus_sigmoid_simd128(a1, z, z, n);
        d = first_bit_diff(s0, z, (size_t)n);
        EXPECT(d < 0, "n=%d, s aliasing z: s[%ld] scalar %.9g simd128 %.9g", n, d, s0[d], z[d]);
        free(z);
        free(a0);
        free(s0);
        free(a1);
        free(s1);
    }
    /* the whole accuracy grid, and the special values in every lane position */
    float *z = xmalloc_floats(ACT_GRID_CAP + 4 * N_ACT_SPECIAL);
    int n = act_grid(z);
    for (int lane = 0; lane < 4; lane++)
        for (int k = 0; k < N_ACT_SPECIAL; k++) z[n++] = ACT_SPECIAL[(k + lane) % N_ACT_SPECIAL];
    float *a0 = out_alloc((size_t)n), *s0 = out_alloc((size_t)n);
    float *a1 = out_alloc((size_t)n), *s1 = out_alloc((size_t)n);
    sf_f32_softplus_sigmoid_scalar(a0, s0, z, n);
    sf_f32_softplus_sigmoid_simd128(a1, s1, z, n);
    long d = first_diff_nan_equal(a0, a1, (size_t)n);
    EXPECT(d < 0, "grid: a[%ld] for z=%.9g: scalar %.9g simd128 %.9g", d, z[d], a0[d], a1[d]);
    d = first_diff_nan_equal(s0, s1, (size_t)n);
    EXPECT(d < 0, "grid: s[%ld] for z=%.9g: scalar %.9g simd128 %.9g", d, z[d], s0[d], s1[d]);
    free(z);
    free(a0);
    free(s0);
    free(a1);
    free(s1);
}
#endif

static void test_softplus_sigmoid_within_ulp_bound(void) {
    float *z = xmalloc_floats(ACT_GRID_CAP);
    const int n = act_grid(z);
    float *a = out_alloc((size_t)n), *s = out_alloc((size_t)n);
    sf_f32_softplus_sigmoid_scalar(a, s, z, n);
    double max_a = 0.0, max_s = 0.0;
    float za = 0.0f, zs = 0.0f;
    int flushed = 0;
    for (int i = 0; i < n; i++) {
        if (z[i] < ACT_FLUSH_Z) {
            EXPECT(a[i] == 0.0f && s[i] == 0.0f && softplus_ref(z[i]) < ACT_FLUSH_ABS_ERR,
                   "z = %.9g below the flush gave a = %g, s = %g", z[i], a[i], s[i]);
            flushed++;
            continue;
        }
        const double ea = ulp_err(a[i], softplus_ref(z[i])), es = ulp_err(s[i], sigmoid_ref(z[i]));
        if (isnan(ea) || ea > max_a) { /* a NaN result sticks and fails below */
            max_a = ea;
            za = z[i];
        }
        if (isnan(es) || es > max_s) {
            max_s = es;
            zs = z[i];
        }
    }
    printf("# softplus: max %.3f ulp at z = %.9g; sigmoid: max %.3f ulp at z = %.9g (%d points)\n", max_a, za, max_s,
           zs, n);
    EXPECT(max_a <= ACT_ULP_BOUND_A, "softplus is %.3f ulp off at z = %.9g", max_a, za);
    EXPECT(max_s <= ACT_ULP_BOUND_S, "sigmoid is %.3f ulp off at z = %.9g", max_s, zs);
    /* guard: the grid is dense where it matters, and the errors are not all zero (an unused check) */
    EXPECT(n - flushed > 1500000 && flushed > 0 && max_a > 0.0 && max_s > 0.0, "grid of %d points, max errors %g %g", n,
           max_a, max_s);
    free(z);
    free(a);
    free(s);
}

static void test_softplus_sigmoid_exact_points_and_limits(void) {
    for (int twin = 0; twin < N_TWINS; twin++) {
        void (*act)(float *, float *, const float *, int) = twin_table(twin)->softplus_sigmoid;
        /* five copies so that the SIMD twin puts each value in a vector lane, not only the tail */
        float z[5 * N_ACT_SPECIAL], a[5 * N_ACT_SPECIAL], s[5 * N_ACT_SPECIAL];
        for (int k = 0; k < 5 * N_ACT_SPECIAL; k++) z[k] = ACT_SPECIAL[k / 5];
        act(a, s, z, 5 * N_ACT_SPECIAL);
        for (int k = 0; k < 5 * N_ACT_SPECIAL; k++) {
            const float zk = z[k];
            if (isnan(zk)) {
                EXPECT(isnan(a[k]) && isnan(s[k]), "twin %d: NaN in gave a=%g s=%g", twin, a[k], s[k]);
                continue;
            }
            EXPECT(!isnan(a[k]) && !isnan(s[k]), "twin %d: z=%g gave a=%g s=%g", twin, zk, a[k], s[k]);
            if (zk < ACT_FLUSH_Z) { /* flushed: exactly 0, −inf included */
                EXPECT(a[k] == 0.0f && s[k] == 0.0f, "twin %d: z=%g gave a=%g s=%g", twin, zk, a[k], s[k]);
                continue;
            }
            /* softplus > max(z, 0) (>= once z + log1p(e) rounds to z), sigmoid in (0, 1] */
            EXPECT(a[k] > 0.0f && a[k] >= zk, "twin %d: softplus(%g) = %g", twin, zk, a[k]);
            EXPECT(s[k] > 0.0f && s[k] <= 1.0f, "twin %d: sigmoid(%g) = %g", twin, zk, s[k]);
            if (zk > 87.0f) {
                EXPECT(a[k] == zk && s[k] == 1.0f, "twin %d: z=%g gave a=%.9g s=%.9g", twin, zk, a[k], s[k]);
            }
        }
        const float pts[8] = {0.0f, -0.0f, 80.0f, -80.0f, 20.0f, -20.0f, 1e-30f, -1e-30f};
        float pa[8], ps[8];
        act(pa, ps, pts, 8);
        EXPECT(ps[0] == 0.5f && ps[1] == 0.5f, "twin %d: sigmoid(±0) = %.9g, %.9g", twin, ps[0], ps[1]);
        EXPECT(ulp_err(pa[0], log(2.0)) <= 1.0 && sf__bits_of_float(pa[0]) == sf__bits_of_float(pa[1]),
               "twin %d: softplus(±0) = %.9g, %.9g vs ln 2", twin, pa[0], pa[1]);
        /* softplus(80) = 80 + 1.8e-35: the float is exactly 80; sigmoid(80) rounds to 1 */
        EXPECT(pa[2] == 80.0f && ps[2] == 1.0f, "twin %d: z=80 gave a=%.9g s=%.9g", twin, pa[2], ps[2]);
        /* far left both are e^z ≈ 1.8e-35, flushed to exactly 0 (no subnormal products later) */
        EXPECT(pa[3] == 0.0f && ps[3] == 0.0f, "twin %d: z=-80 gave a=%.9g s=%.9g", twin, pa[3], ps[3]);
        /* sigmoid(20) = 1 − 2.1e-9 rounds to 1; softplus(20) = 20 + 2.1e-9 to 20; at z = −20, the
         * flush's edge, both are still e^z to within the ulp bounds */
        EXPECT(ps[4] == 1.0f && pa[4] == 20.0f && ulp_err(pa[5], softplus_ref(-20.0)) <= ACT_ULP_BOUND_A &&
                   ulp_err(ps[5], sigmoid_ref(-20.0)) <= ACT_ULP_BOUND_S,
               "twin %d: z=±20 gave a=%.9g,%.9g s=%.9g,%.9g", twin, pa[4], pa[5], ps[4], ps[5]);
        EXPECT(ps[6] == 0.5f && ps[7] == 0.5f && ulp_err(pa[6], log(2.0)) <= 1.0,
               "twin %d: z=±1e-30 gave a=%.9g s=%.9g,%.9g", twin, pa[6], ps[6], ps[7]);
    }
}

/* The backward step over a stack of 1 + K blocks, K = 0 .. 5 and n around the vector width:
 *   - the twins agree bit for bit, NaN-filled outputs are all written, canaries after every block
 *     of d and of zs stay intact, and zs is not modified;
 *   - every tangent output is exactly dk·s rounded once, and with K = 0 so is d0;
 *   - with K = 1, d0 is exactly fl(fl(d0·s) + fl(fl(d1·ż1)·fl(s·fl(1 − s)))): every product rounded
 *     before the add. In double each product of two floats is exact and so is 1 − s; the double sum
 *     of the two rounded products may be inexact only when one is below 2⁻²⁹ of the other, and then
 *     rounding it to float still gives the larger one's correct neighbour, so rounding the double
 *     expression once is the exact reference (and a fused multiply-add would miss it: guarded);
 *   - with K >= 2, d0 is within (2K + 6)·2⁻²⁴·(|d0·s| + |s(1 − s)|·Σₖ|dk·żk|) of the double value. */
static void test_softplus_backward_stack_exact_and_simd128_matches_scalar(void) {
    int fused_differs = 0; /* K = 1 elements where rounding d1·ż1 first matters */
    for (int K = 0; K <= 5; K++) {
        for (int n = 0; n <= 67; n++) {
            const size_t all = (size_t)(1 + K) * n;
            float *zs = in_alloc(all, (uint32_t)(97 * K + 3 * n), -2.0f, 2.0f);
            fill_uniform(zs, (size_t)n, (uint32_t)(97 * K + 3 * n + 1), 0.0f, 1.0f); /* block 0: s */
            float *d = in_alloc(all, (uint32_t)(97 * K + 3 * n + 2), -2.0f, 2.0f);
            float *zs_before = xmalloc_floats(all + CANARY_N);
            memcpy(zs_before, zs, (all + CANARY_N) * sizeof *zs);
            float *out[N_TWINS];
            for (int twin = 0; twin < N_TWINS; twin++) {
                out[twin] = out_alloc(all);
                memcpy(out[twin], d, all * sizeof *d);
                twin_table(twin)->softplus_backward(out[twin], zs, n, K);
                EXPECT(canaries_intact(out[twin], all), "twin %d K=%d n=%d: canary overwritten", twin, K, n);
                EXPECT(memcmp(zs, zs_before, (all + CANARY_N) * sizeof *zs) == 0, "twin %d K=%d n=%d: zs was modified",
                       twin, K, n);
            }
#if SF_HAVE_SIMD128
            const long bad = first_bit_diff(out[0], out[1], all);
            EXPECT(bad < 0, "K=%d n=%d: d[%ld] (block %ld) scalar %.9g simd128 %.9g", K, n, bad, n ? bad / n : 0,
                   out[0][bad], out[1][bad]);
#endif
            const float *y = out[0];
            for (int i = 0; i < n; i++) {
                const double s = zs[i], curv = s * (1.0 - s);
                for (int k = 1; k <= K; k++) {
                    const float want = (float)((double)d[k * n + i] * s);
                    EXPECT(sf__bits_of_float(y[k * n + i]) == sf__bits_of_float(want),
                           "K=%d n=%d: d%d[%d] = %.9g, want %.9g", K, n, k, i, y[k * n + i], want);
                }
                if (K == 0) {
                    const float want = (float)((double)d[i] * s);
                    EXPECT(sf__bits_of_float(y[i]) == sf__bits_of_float(want), "K=0 n=%d: d0[%d] = %.9g, want %.9g", n,
                           i, y[i], want);
                } else if (K == 1) {
                    const float t = (float)((double)d[n + i] * zs[n + i]);
                    const float c = (float)(s * (float)(1.0 - s));
                    const float want = (float)((double)(float)((double)d[i] * s) + (double)(float)((double)t * c));
                    const float fused = (float)((double)(float)((double)d[i] * s) + (double)d[n + i] * zs[n + i] * c);
                    fused_differs += sf__bits_of_float(fused) != sf__bits_of_float(want);
                    EXPECT(sf__bits_of_float(y[i]) == sf__bits_of_float(want), "K=1 n=%d: d0[%d] = %.9g, want %.9g", n,
                           i, y[i], want);
                } else {
                    double t = 0.0, mag = 0.0;
                    for (int k = 1; k <= K; k++) {
                        t += (double)d[k * n + i] * zs[k * n + i];
                        mag += fabs((double)d[k * n + i] * zs[k * n + i]);
                    }
                    const double ref = (double)d[i] * s + t * curv;
                    const double bound = (2 * K + 6) * U24 * (fabs((double)d[i] * s) + curv * mag);
                    EXPECT(fabs(y[i] - ref) <= bound, "K=%d n=%d: d0[%d] = %.9g, double %.9g", K, n, i, y[i], ref);
                }
            }
            for (int twin = 0; twin < N_TWINS; twin++) free(out[twin]);
            free(zs);
            free(d);
            free(zs_before);
        }
    }
    EXPECT(fused_differs > 0, "no element tells a rounded product from a fused one");
}

/* ---- Elementwise and data movement --------------------------------------------------------------- */

/* mul must be the correctly rounded product (in double a product of two floats is exact, so rounding
 * it once is the exact reference), for both twins, also with out aliasing x or y. */
static void test_mul_exact_and_simd128_matches_scalar_bitwise(void) {
    for (int n = 0; n <= 67; n++) {
        float *x = in_alloc((size_t)n, (uint32_t)(5 * n), -2.0f, 2.0f);
        float *y = in_alloc((size_t)n, (uint32_t)(5 * n + 1), -2.0f, 2.0f);
        for (int twin = 0; twin < N_TWINS; twin++) {
            const sf_kernels *kt = twin_table(twin);
            float *mul = out_alloc((size_t)n);
            kt->mul(mul, x, y, n);
            for (int i = 0; i < n; i++) {
                const float p = (float)((double)x[i] * y[i]);
                EXPECT(sf__bits_of_float(mul[i]) == sf__bits_of_float(p), "%s n=%d: mul[%d] = %.9g, want %.9g",
                       kt->name, n, i, mul[i], p);
            }
            EXPECT(canaries_intact(mul, (size_t)n), "%s n=%d: canary overwritten", kt->name, n);
            float *xc = out_alloc((size_t)n), *yc = out_alloc((size_t)n);
            memcpy(xc, x, (size_t)n * sizeof *x);
            memcpy(yc, y, (size_t)n * sizeof *y);
            kt->mul(xc, xc, y, n);
            kt->mul(yc, x, yc, n);
            EXPECT(first_bit_diff(xc, mul, (size_t)n) < 0 && first_bit_diff(yc, mul, (size_t)n) < 0,
                   "%s n=%d: aliased mul differs", kt->name, n);
            free(mul);
            free(xc);
            free(yc);
        }
        free(x);
        free(y);
    }
}

/* add_rows: rows × n with padded row strides; the twins bitwise, canaries after out, and the scalar
 * twin within the bound of a sum of rows + 1 terms, rows·2⁻²⁴·Σ|terms|, of the double sum. */
static void test_add_rows_simd128_matches_scalar_and_double(void) {
    static const int ROWS[] = {0, 1, 2, 3, 5, 17, 128};
    int varied = 0;
    for (int ir = 0; ir < (int)(sizeof ROWS / sizeof ROWS[0]); ir++) {
        for (int is = 0; is < N_SIZES; is++) {
            const int rows = ROWS[ir], n = SIZES[is], ldx = n + (ir + is) % 3;
            const uint32_t seed = (uint32_t)(rows * 1009 + n);
            float *x = in_alloc((size_t)rows * ldx, seed, -2.0f, 2.0f);
            float *init = in_alloc((size_t)n, seed + 1, -2.0f, 2.0f);
            float *out[N_TWINS];
            for (int twin = 0; twin < N_TWINS; twin++) {
                out[twin] = out_alloc((size_t)n);
                memcpy(out[twin], init, (size_t)n * sizeof *init);
                twin_table(twin)->add_rows(out[twin], x, rows, n, ldx);
                EXPECT(canaries_intact(out[twin], (size_t)n), "twin %d rows=%d n=%d: canary overwritten", twin, rows,
                       n);
            }
#if SF_HAVE_SIMD128
            const long bad = first_bit_diff(out[0], out[1], (size_t)n);
            EXPECT(bad < 0, "rows=%d n=%d: out[%ld] scalar %.9g simd128 %.9g", rows, n, bad, out[0][bad], out[1][bad]);
#endif
            for (int j = 0; j < n; j++) {
                double ref = init[j], mag = fabs(init[j]);
                for (int r = 0; r < rows; r++) {
                    ref += x[(size_t)r * ldx + j];
                    mag += fabs(x[(size_t)r * ldx + j]);
                }
                EXPECT(fabs(out[0][j] - ref) <= rows * U24 * mag, "rows=%d n=%d: out[%d] = %.9g, double %.9g", rows, n,
                       j, out[0][j], ref);
                varied += rows > 0 && out[0][j] != init[j];
            }
            for (int twin = 0; twin < N_TWINS; twin++) free(out[twin]);
            free(x);
            free(init);
        }
    }
    EXPECT(varied > 1000, "only %d sums changed their output", varied);
}

/* dot_rows: rows × n with padded row strides whose gaps (and the canaries after the end) hold NaN, so
 * that reading anything but the rows' n elements shows up; the twins bitwise, and every row's float dot
 * of the scalar twin within the bound of an n-term sum, n·2⁻²⁴·Σ|xⱼyⱼ| (the products' roundings
 * and the additions'), of the double dot; the double total of the rows then within their sum. */
static void test_dot_rows_simd128_matches_scalar_and_double(void) {
    static const int ROWS[] = {0, 1, 2, 3, 4, 5, 7, 9, 128};
    int nonzero = 0;
    for (int ir = 0; ir < (int)(sizeof ROWS / sizeof ROWS[0]); ir++) {
        for (int is = 0; is < N_SIZES; is++) {
            const int rows = ROWS[ir], n = SIZES[is], ld = n + (ir + is) % 3;
            const size_t len = (size_t)rows * ld;
            const uint32_t seed = (uint32_t)(rows * 7919 + n);
            float *x = in_alloc(len, seed, -2.0f, 2.0f), *y = in_alloc(len, seed + 1, -1.5f, 2.5f);
            for (size_t i = 0; i < len; i++)
                if ((int)(i % (size_t)ld) >= n) fill_bits(x + i, 1, CANARY_BITS), fill_bits(y + i, 1, 0x7FC00000u);
            double got[N_TWINS];
            for (int twin = 0; twin < N_TWINS; twin++) got[twin] = twin_table(twin)->dot_rows(x, y, rows, n, ld);
#if SF_HAVE_SIMD128
            EXPECT(memcmp(&got[0], &got[1], sizeof got[0]) == 0, "rows=%d n=%d: scalar %.17g simd128 %.17g", rows, n,
                   got[0], got[1]);
#endif
            double total = 0.0, bound = 0.0;
            for (int r = 0; r < rows; r++) {
                const float *xr = x + (size_t)r * ld, *yr = y + (size_t)r * ld;
                double ref = 0.0, mag = 0.0;
                for (int j = 0; j < n; j++) {
                    ref += (double)xr[j] * yr[j];
                    mag += fabs((double)xr[j] * yr[j]);
                }
                const double row = sf_f32_dot_rows_scalar(xr, yr, 1, n, ld);
                EXPECT(fabs(row - ref) <= n * U24 * mag, "rows=%d n=%d: row %d = %.9g, double %.9g", rows, n, r, row,
                       ref);
                total += row, bound += fabs(row);
            }
            EXPECT(fabs(got[0] - total) <= rows * 0x1p-53 * bound, "rows=%d n=%d: total %.17g, rows add to %.17g", rows,
                   n, got[0], total);
            nonzero += got[0] != 0.0;
            free(x);
            free(y);
        }
    }
    EXPECT(nonzero == (int)(sizeof ROWS / sizeof ROWS[0] - 1) * N_SIZES, "only %d sums were non-zero", nonzero);
}

/* transpose: every (rows, cols) from SIZES with padded strides: each element lands where it should,
 * bit for bit, and the gaps between out's rows and the canaries after it are untouched. */
static void test_transpose_places_every_element(void) {
    for (int twin = 0; twin < N_TWINS; twin++) {
        const sf_kernels *kt = twin_table(twin);
        for (int ir = 0; ir < N_SIZES; ir++) {
            for (int ic = 0; ic < N_SIZES; ic++) {
                const int rows = SIZES[ir], cols = SIZES[ic];
                const int ldi = cols + ic % 3, ldo = rows + ir % 2;
                float *in = in_alloc((size_t)rows * ldi, (uint32_t)(rows * 131 + cols), -2.0f, 2.0f);
                const size_t n_out = (size_t)cols * ldo;
                float *out = out_alloc(n_out);
                fill_bits(out, n_out, CANARY_BITS);
                kt->transpose(out, in, rows, cols, ldi, ldo);
                long bad = -1;
                for (size_t idx = 0; idx < n_out + CANARY_N && bad < 0; idx++) {
                    const size_t j = idx / ldo, i = idx % ldo;
                    const uint32_t want =
                        idx < n_out && (int)i < rows ? sf__bits_of_float(in[i * ldi + j]) : CANARY_BITS;
                    if (sf__bits_of_float(out[idx]) != want) bad = (long)idx;
                }
                EXPECT(bad < 0, "%s rows=%d cols=%d: out[%ld] (row %ld, col %ld) is wrong", kt->name, rows, cols, bad,
                       bad / ldo, bad % ldo);
                free(in);
                free(out);
            }
        }
    }
}

/* ---- Adam ---------------------------------------------------------------------------------------- */

/* Step t = 3 of Adam with jax's defaults and a learning rate of 1e-2. */
static sf_adam_coef adam_coef(void) {
    sf_adam_coef c = {1e-2f, 0.9f, 0.999f, 1e-8f, 0.0f, 0.0f};
    c.r1 = (float)(1.0 / (1.0 - pow(0.9, 3)));
    c.r2 = (float)(1.0 / (1.0 - pow(0.999, 3)));
    return c;
}

typedef struct adam_io {
    float *p0, *m0, *v0, *g, *p1, *m1, *v1;
} adam_io;

static adam_io adam_alloc(int n, uint32_t seed) {
    adam_io io;
    io.p0 = in_alloc((size_t)n, seed, -1.0f, 1.0f);
    io.m0 = in_alloc((size_t)n, seed + 1, -0.1f, 0.1f);
    io.v0 = in_alloc((size_t)n, seed + 2, 0.0f, 0.01f); /* a second moment is >= 0 */
    io.g = in_alloc((size_t)n, seed + 3, -0.5f, 0.5f);
    io.p1 = out_alloc((size_t)n);
    io.m1 = out_alloc((size_t)n);
    io.v1 = out_alloc((size_t)n);
    return io;
}

static void adam_free(adam_io *io) { FREE_ALL(io->p0, io->m0, io->v0, io->g, io->p1, io->m1, io->v1); }

static float adam_run(const sf_kernels *kt, adam_io *io, int n) {
    return kt->adam(io->p1, io->m1, io->v1, io->p0, io->m0, io->v0, io->g, n, adam_coef());
}

#if SF_HAVE_SIMD128
static void test_adam_simd128_matches_scalar_bitwise(void) {
    for (int n = 0; n <= 67; n++) {
        adam_io a = adam_alloc(n, (uint32_t)(7 * n)), b = adam_alloc(n, (uint32_t)(7 * n));
        const float f0 = adam_run(&sf_kernels_scalar, &a, n), f1 = adam_run(&sf_kernels_simd128, &b, n);
        EXPECT(sf__bits_of_float(f0) == 0 && sf__bits_of_float(f1) == 0, "n=%d: finite step flagged %g, %g", n, f0, f1);
        long d = first_bit_diff(a.p1, b.p1, (size_t)n);
        EXPECT(d < 0, "n=%d: p1[%ld] scalar %.9g simd128 %.9g", n, d, a.p1[d], b.p1[d]);
        d = first_bit_diff(a.m1, b.m1, (size_t)n);
        EXPECT(d < 0, "n=%d: m1[%ld] scalar %.9g simd128 %.9g", n, d, a.m1[d], b.m1[d]);
        d = first_bit_diff(a.v1, b.v1, (size_t)n);
        EXPECT(d < 0, "n=%d: v1[%ld] scalar %.9g simd128 %.9g", n, d, a.v1[d], b.v1[d]);
        EXPECT(canaries_intact(b.p1, (size_t)n) && canaries_intact(b.m1, (size_t)n) && canaries_intact(b.v1, (size_t)n),
               "n=%d: simd128 canary overwritten", n);
        /* in place: p, m, v updated over their own inputs */
        sf_f32_adam_simd128(b.p0, b.m0, b.v0, b.p0, b.m0, b.v0, b.g, n, adam_coef());
        EXPECT(first_bit_diff(a.p1, b.p0, (size_t)n) < 0 && first_bit_diff(a.m1, b.m0, (size_t)n) < 0 &&
                   first_bit_diff(a.v1, b.v0, (size_t)n) < 0,
               "n=%d: in-place step differs", n);
        adam_free(&a);
        adam_free(&b);
    }
}
#endif

/* The scalar twin against a double evaluation of the same formulas. m1 and v1 are sums of two rounded
 * products: within 2·2⁻²⁴·(sum of the terms' magnitudes). p1 is checked against the double formula
 * applied to the float m1, v1 (isolating the update): the step has six roundings (three products, the
 * sqrt, the add of eps, the division) and the subtraction one: |p1 − ref| <= 2⁻²⁴·(|ref| + 8·|step|). */
static void test_adam_scalar_within_bound_of_double(void) {
    const sf_adam_coef c = adam_coef();
    const double ob1 = (float)(1.0f - c.b1), ob2 = (float)(1.0f - c.b2);
    for (int is = 0; is < N_SIZES; is++) {
        const int n = SIZES[is];
        adam_io io = adam_alloc(n, (uint32_t)(11 * n));
        adam_run(&sf_kernels_scalar, &io, n);
        int moved = 0;
        for (int i = 0; i < n; i++) {
            const double g = io.g[i];
            const double m = c.b1 * (double)io.m0[i] + ob1 * g;
            const double v = c.b2 * (double)io.v0[i] + ob2 * (g * g);
            EXPECT(fabs(io.m1[i] - m) <= 2 * U24 * (fabs(c.b1 * (double)io.m0[i]) + fabs(ob1 * g)),
                   "n=%d: m1[%d] = %.9g, double %.9g", n, i, io.m1[i], m);
            EXPECT(fabs(io.v1[i] - v) <= 2 * U24 * v, "n=%d: v1[%d] = %.9g, double %.9g", n, i, io.v1[i], v);
            const double step = c.lr * ((double)io.m1[i] * c.r1) / (sqrt((double)io.v1[i] * c.r2) + c.eps);
            const double p = io.p0[i] - step;
            EXPECT(fabs(io.p1[i] - p) <= U24 * (fabs(p) + 8 * fabs(step)), "n=%d: p1[%d] = %.9g, double %.9g", n, i,
                   io.p1[i], p);
            moved += io.p1[i] != io.p0[i];
        }
        /* guard: the step is not trivially zero */
        EXPECT(moved == n, "n=%d: only %d of %d parameters moved", n, moved, n);
        adam_free(&io);
    }
}

/* The return value: +0 for finite data; NaN when one g is NaN, or so large that g·g (and so v1)
 * overflows — at the first, a middle and the last (tail) index, for both twins. */
static void test_adam_flags_non_finite_steps(void) {
    for (int is = 0; is < N_SIZES; is++) {
        const int n = SIZES[is];
        const int where[3] = {0, n / 2, n - 1};
        for (int twin = 0; twin < N_TWINS; twin++) {
            const sf_kernels *kt = twin_table(twin);
            adam_io io = adam_alloc(n, (uint32_t)(13 * n));
            const float f = adam_run(kt, &io, n);
            EXPECT(sf__bits_of_float(f) == 0, "%s n=%d: finite step returned %g", kt->name, n, f);
            for (int w = 0; w < 3; w++) {
                const float saved = io.g[where[w]];
                io.g[where[w]] = NAN;
                const float fn = adam_run(kt, &io, n);
                io.g[where[w]] = 1e30f;
                const float fh = adam_run(kt, &io, n);
                EXPECT(isnan(fn) && isnan(fh), "%s n=%d: bad g at %d returned %g (NaN g), %g (huge g)", kt->name, n,
                       where[w], fn, fh);
                io.g[where[w]] = saved;
            }
            adam_free(&io);
        }
    }
}

/* ---- The tables ---------------------------------------------------------------------------------- */

/* Each table names its ISA and points at that ISA's twin of every kernel. */
static int table_is(const sf_kernels *kt, const char *name, const sf_kernels *want) {
    return strcmp(kt->name, name) == 0 && kt->gemm == want->gemm && kt->softplus_sigmoid == want->softplus_sigmoid &&
           kt->softplus_backward == want->softplus_backward && kt->mul == want->mul && kt->add_rows == want->add_rows &&
           kt->transpose == want->transpose && kt->dot_rows == want->dot_rows && kt->adam == want->adam;
}

static void test_kernel_tables_point_at_their_twins(void) {
    const sf_kernels scalar = {
        "scalar",          sf_f32_gemm_scalar,     sf_f32_softplus_sigmoid_scalar, sf_f32_softplus_backward_scalar,
        sf_f32_mul_scalar, sf_f32_add_rows_scalar, sf_f32_transpose_scalar,        sf_f32_dot_rows_scalar,
        sf_f32_adam_scalar};
    EXPECT(table_is(&sf_kernels_scalar, "scalar", &scalar), "the scalar table is wrong");
#if SF_HAVE_SIMD128
    const sf_kernels simd = {
        "simd128",          sf_f32_gemm_simd128,     sf_f32_softplus_sigmoid_simd128, sf_f32_softplus_backward_simd128,
        sf_f32_mul_simd128, sf_f32_add_rows_simd128, sf_f32_transpose_simd128,        sf_f32_dot_rows_simd128,
        sf_f32_adam_simd128};
    EXPECT(table_is(&sf_kernels_simd128, "simd128", &simd), "the simd128 table is wrong");
#endif
}

int main(void) {
    RUN(test_kernel_tables_point_at_their_twins);
    RUN(test_gemm_simd128_matches_scalar_bitwise);
    RUN(test_gemm_scalar_within_bound_of_double);
    RUN(test_gemm_all_init_modes_and_layouts);
    RUN(test_gemm_realistic_shapes);
    RUN(test_gemm_long_k_runs);
    RUN(test_gemm_keeps_negative_zero_across_runs);
    RUN(test_gemm_degenerate_sizes);
#if SF_HAVE_SIMD128
    RUN(test_softplus_sigmoid_simd128_matches_scalar_bitwise);
#endif
    RUN(test_softplus_sigmoid_within_ulp_bound);
    RUN(test_softplus_sigmoid_exact_points_and_limits);
    RUN(test_softplus_backward_stack_exact_and_simd128_matches_scalar);
    RUN(test_mul_exact_and_simd128_matches_scalar_bitwise);
    RUN(test_add_rows_simd128_matches_scalar_and_double);
    RUN(test_transpose_places_every_element);
    RUN(test_dot_rows_simd128_matches_scalar_and_double);
#if SF_HAVE_SIMD128
    RUN(test_adam_simd128_matches_scalar_bitwise);
#endif
    RUN(test_adam_scalar_within_bound_of_double);
    RUN(test_adam_flags_non_finite_steps);
    return TH_EXIT();
}
