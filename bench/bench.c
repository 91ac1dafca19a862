/* bench.c — Scorefield's benchmark workloads, timed from inside the engine: the same C runs in the
 * wasm bench modules (Node and Chromium) and in the native bench binary, so every build times exactly
 * the same calls.
 *
 * Workloads (the JAX tutorial's settings: net D → 128 → 128 → D with softplus, Adam 1e-3, batch 128,
 * seed 42):
 *   W1  exact SM on the swiss roll, 2000 steps          (K = D = 2 tangents: R = 3·128 stack rows)
 *   W2  sliced SM on the swiss roll, 2000 steps         (K = M = 1: R = 2·128)
 *   W3  sliced SM on the digits, 5000 steps             (D = 64, K = 1: R = 2·128)
 *   W4a the digits Langevin sampler (ε 0.05, ×0.98, T 0.02, 50 steps, every frame kept), 1 chain
 *   W4b the same for 1024 chains at once
 * A training workload runs its whole step count in equal segments; the first segment is the warm-up
 * (V8 starts wasm in its baseline compiler and tiers up while it runs) and the result is the median
 * of the other segments' rates. A sampler workload repeats sampler calls in segments the same way.
 *
 * FLOP count (written next to the numbers in BENCHMARKS.md): only the layer products are counted,
 * 2 FLOPs per multiply-add. A training step over R = (1 + K)·N stack rows costs, per linear layer
 * l (in_l × out_l), the forward product 2·R·in_l·out_l, the weight-gradient product 2·R·in_l·out_l and,
 * for l > 0, the input-adjoint product 2·R·in_l·out_l, except that the output layer's forward product
 * covers the N primal rows only (the objectives' tangent term comes out of the backward pass, see
 * net/mlp.h), which leaves out 2·K·N·H·D:
 *   F_train = Σ_l 2·R·in_l·out_l·(l == 0 ? 2 : 3) − 2·K·N·H·D
 * and one Langevin step of one chain is a forward pass of the primal row: F_chain = Σ_l 2·in_l·out_l.
 *
 * GEMM time: a second pass after the timed one swaps the model's kernel table for a copy whose gemm
 * entry times each call (bench_now) and counts its 2·M·N·K FLOPs, so the GEMM share of a step and
 * the GEMM GFLOP/s come from the real calls of the real step, never from a synthetic shape.
 *
 * The peak: bench_peak runs 12 independent chains c = c·a + b of f32x4 multiply and add, all in
 * registers — the most multiply+add throughput a SIMD128 loop gets on this machine's engine.
 *
 * Results go to a flat array of doubles (bench_results), BENCH_FIELDS per workload; bench/run.js and
 * bench/native.c read it. This file is bench-only: it is not part of the library or of build-wasm.sh.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "kernels/kernels.h"
#include "model.h"
#include "scorefield.h"

#if SF_HAVE_SIMD128
#include "kernels/simd128.h"
#endif

#define BENCH_H           128
#define BENCH_DEPTH       2
#define BENCH_SEED        42
#define BENCH_CHAINS_MANY 1024

double bench_results[BENCH_WORKLOADS * BENCH_FIELDS];

/* ---- GEMM timing ------------------------------------------------------------------------------ */

static sf_kernels timed_table;
static void (*inner_gemm)(float *, const float *, const float *, const float *, int, int, int, int, int, int, int, int);
static double gemm_ms, gemm_flops;
double bench_shapes[BENCH_MAX_SHAPES * BENCH_SHAPE_FIELDS];
int bench_shape_count;

/* Adds one call to the per-shape table (M, N, K, transposed A, calls, ms, FLOPs). */
static void count_shape(int M, int N, int K, int trans, double ms) {
    double *e = bench_shapes;
    int i = 0;
    for (; i < bench_shape_count; i++, e += BENCH_SHAPE_FIELDS)
        if (e[0] == M && e[1] == N && e[2] == K && e[3] == trans) break;
    if (i == bench_shape_count) {
        if (i == BENCH_MAX_SHAPES) return;
        bench_shape_count++;
        e[0] = M, e[1] = N, e[2] = K, e[3] = trans, e[4] = e[5] = e[6] = 0.0;
    }
    e[4] += 1.0, e[5] += ms, e[6] += 2.0 * M * N * K;
}

static void timed_gemm(float *C, const float *A, const float *B, const float *bias, int M, int N, int K, int ars,
                       int acs, int ldb, int ldc, int acc) {
    const double t0 = bench_now();
    inner_gemm(C, A, B, bias, M, N, K, ars, acs, ldb, ldc, acc);
    const double ms = bench_now() - t0;
    gemm_ms += ms;
    gemm_flops += 2.0 * M * N * K;
    count_shape(M, N, K, acs != 1, ms);
}

static const sf_kernels *instrument(sf_model *m) {
    const sf_kernels *plain = m->k;
    timed_table = *plain;
    inner_gemm = plain->gemm;
    timed_table.gemm = timed_gemm;
    m->k = &timed_table;
    gemm_ms = gemm_flops = 0.0;
    bench_shape_count = 0;
    return plain;
}

/* ---- Helpers ------------------------------------------------------------------------------------ */

static uint32_t fnv1a(const float *x, long n) {
    const unsigned char *b = (const unsigned char *)x;
    uint32_t h = 0x811c9dc5u;
    for (long i = 0; i < 4 * n; i++) h = (h ^ b[i]) * 0x01000193u;
    return h;
}

static int cmp_double(const void *a, const void *b) {
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n) {
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* The nominal layer-product FLOPs of one step (see the file comment). */
static double train_flops(int D, int K, int N) {
    const double R = (double)(1 + K) * N;
    return 2.0 * R * (D * BENCH_H * 2.0 + BENCH_H * BENCH_H * 3.0 + BENCH_H * D * 3.0) - 2.0 * K * N * BENCH_H * D;
}

static double chain_flops(int D) { return 2.0 * (D * BENCH_H + BENCH_H * BENCH_H + BENCH_H * D); }

#define MAX_SEGMENTS 64

int bench_threads = 1;

/* The tutorial's net for data of dimension D on the given kernels (sf_isa) and bench_threads
 * threads, or NULL. */
static sf_model *bench_model(int D, int isa) {
    sf_net_config nc = sf_net_config_default(D);
    nc.hidden = BENCH_H, nc.depth = BENCH_DEPTH, nc.seed = BENCH_SEED, nc.isa = isa;
    sf_model *m;
    if (sf_model_create(&m, &nc) != SF_OK) return NULL;
    if (sf_model_set_threads(m, bench_threads) != SF_OK) {
        sf_model_free(m);
        return NULL;
    }
    return m;
}

/* ---- Training workloads ------------------------------------------------------------------------- */

static int run_train(double *r, int isa, int dataset, int objective, int steps, int segments, int instrument_steps) {
    const int D = sf_data_dim(dataset);
    sf_model *m = bench_model(D, isa);
    if (!m) return 1;
    sf_train_config tc = sf_train_config_default(dataset);
    tc.objective = objective;
    if (sf_model_set_train(m, &tc) != SF_OK) {
        sf_model_free(m);
        return 1;
    }

    double rate[MAX_SEGMENTS];
    const int per = steps / segments;
    int st = 0;
    for (int s = 0; s < segments && !st; s++) {
        const double t0 = bench_now();
        st = sf_model_train(m, per, NULL);
        rate[s] = per / ((bench_now() - t0) * 1e-3);
    }
    const int K = objective == SF_OBJ_EXACT ? D : tc.n_proj;
    r[BENCH_F_STEPS_PER_S] = median(rate + 1, segments - 1);
    r[BENCH_F_MS_PER_STEP] = 1e3 / r[BENCH_F_STEPS_PER_S];
    r[BENCH_F_FLOPS] = train_flops(D, K, tc.batch);
    r[BENCH_F_GFLOPS] = r[BENCH_F_FLOPS] * r[BENCH_F_STEPS_PER_S] * 1e-9;
    r[BENCH_F_HASH] = fnv1a(sf_model_params(m), sf_model_param_count(m));
    r[BENCH_F_SEGMENTS] = segments - 1;
    r[BENCH_F_UNITS] = steps;

    if (instrument_steps > 0 && !st) {
        const sf_kernels *plain = instrument(m);
        const double t0 = bench_now();
        st = sf_model_train(m, instrument_steps, NULL);
        const double total = bench_now() - t0;
        m->k = plain;
        r[BENCH_F_GEMM_SHARE] = gemm_ms / total;
        r[BENCH_F_GEMM_GFLOPS] = gemm_flops / (gemm_ms * 1e-3) * 1e-9;
        r[BENCH_F_GEMM_FLOPS] = gemm_flops / instrument_steps;
    }
    sf_model_free(m);
    return st ? 2 : 0;
}

/* ---- Sampler workloads -------------------------------------------------------------------------- */

static int run_langevin(double *r, int isa, int chains, int calls_per_segment, int segments, int instrument_calls) {
    const int D = sf_data_dim(SF_DATA_DIGITS);
    sf_model *m = bench_model(D, isa);
    if (!m) return 1;
    const sf_langevin_config lc = sf_langevin_config_default(SF_DATA_DIGITS);
    const long frame = (long)chains * D;
    float *x0 = malloc(sizeof(float) * (size_t)frame);
    float *out = malloc(sizeof(float) * (size_t)(frame * (lc.steps + 1)));
    int st = !x0 || !out;
    if (!st) st = sf_uniform(x0, (int)frame, 0.0f, 0.1f, 0);

    double rate[MAX_SEGMENTS];
    for (int s = 0; s < segments && !st; s++) {
        const double t0 = bench_now();
        for (int c = 0; c < calls_per_segment && !st; c++) st = sf_langevin(m, out, x0, chains, &lc, 1);
        rate[s] = (double)calls_per_segment * lc.steps / ((bench_now() - t0) * 1e-3);
    }
    if (!st) {
        r[BENCH_F_STEPS_PER_S] = median(rate + 1, segments - 1);
        r[BENCH_F_MS_PER_STEP] = 1e3 / r[BENCH_F_STEPS_PER_S];
        r[BENCH_F_FLOPS] = chain_flops(D) * chains;
        r[BENCH_F_GFLOPS] = r[BENCH_F_FLOPS] * r[BENCH_F_STEPS_PER_S] * 1e-9;
        r[BENCH_F_HASH] = fnv1a(out + frame * lc.steps, frame);
        r[BENCH_F_SEGMENTS] = segments - 1;
        r[BENCH_F_UNITS] = lc.steps;
    }
    if (instrument_calls > 0 && !st) {
        const sf_kernels *plain = instrument(m);
        const double t0 = bench_now();
        for (int c = 0; c < instrument_calls && !st; c++) st = sf_langevin(m, out, x0, chains, &lc, 1);
        const double total = bench_now() - t0;
        m->k = plain;
        r[BENCH_F_GEMM_SHARE] = gemm_ms / total;
        r[BENCH_F_GEMM_GFLOPS] = gemm_flops / (gemm_ms * 1e-3) * 1e-9;
        r[BENCH_F_GEMM_FLOPS] = gemm_flops / ((double)instrument_calls * lc.steps);
    }
    free(x0);
    free(out);
    sf_model_free(m);
    return st ? 2 : 0;
}

/* ---- The suite ---------------------------------------------------------------------------------- */

int bench_run(int workload, int isa, int quick, int instrument_gemm) {
    double *r = bench_results + workload * BENCH_FIELDS;
    for (int f = 0; f < BENCH_FIELDS; f++) r[f] = -1.0;
    /* Segments: the full tutorial step counts in 10 parts (the first is the warm-up); quick mode runs
     * a fifth of them, for development only (its parameter hashes then differ from the full run's). */
    const int q = quick ? 5 : 1;
    switch (workload) {
    case BENCH_W1:
        return run_train(r, isa, SF_DATA_SWISS_ROLL, SF_OBJ_EXACT, 2000 / q, 10, instrument_gemm ? 200 / q : 0);
    case BENCH_W2:
        return run_train(r, isa, SF_DATA_SWISS_ROLL, SF_OBJ_SLICED, 2000 / q, 10, instrument_gemm ? 200 / q : 0);
    case BENCH_W3:
        return run_train(r, isa, SF_DATA_DIGITS, SF_OBJ_SLICED, 5000 / q, 10, instrument_gemm ? 500 / q : 0);
    case BENCH_W4_ONE:
        return run_langevin(r, isa, 1, 200 / q, 8, instrument_gemm ? 100 / q : 0);
    case BENCH_W4_MANY:
        return run_langevin(r, isa, BENCH_CHAINS_MANY, quick ? 1 : 2, quick ? 4 : 6, instrument_gemm ? 1 : 0);
    default:
        return 1;
    }
}

/* The kernel table of an sf_isa (the scalar one where SIMD128 is not built). */
static const sf_kernels *kernels_for(int isa) {
#if SF_HAVE_SIMD128
    if (isa == SF_ISA_SIMD128) return &sf_kernels_simd128;
#else
    (void)isa;
#endif
    return &sf_kernels_scalar;
}

/* ---- One GEMM shape --------------------------------------------------------------------------- */

double bench_gemm(int isa, int M, int N, int K, int trans, int acc, int calls) {
    const sf_kernels *k = kernels_for(isa);
    const int lda = trans ? M : K;
    float *A = malloc(sizeof(float) * (size_t)M * K), *B = malloc(sizeof(float) * (size_t)K * N);
    float *C = malloc(sizeof(float) * (size_t)M * N), *bias = malloc(sizeof(float) * (size_t)N);
    if (!A || !B || !C || !bias) {
        free(A), free(B), free(C), free(bias);
        return -1.0;
    }
    /* values of magnitude ~1/K, so that accumulating calls neither overflow nor go subnormal */
    for (long i = 0; i < (long)M * K; i++) A[i] = (float)((i * 7919) % 1000) * 1e-3f - 0.5f;
    for (long i = 0; i < (long)K * N; i++) B[i] = ((float)((i * 104729) % 1000) * 1e-3f - 0.5f) / (float)K;
    for (long i = 0; i < (long)M * N; i++) C[i] = 0.0f;
    for (int j = 0; j < N; j++) bias[j] = 0.01f * (float)j;
    const double t0 = bench_now();
    for (int c = 0; c < calls; c++)
        k->gemm(C, A, B, acc ? NULL : bias, M, N, K, trans ? 1 : lda, trans ? lda : 1, N, N, acc);
    const double ms = bench_now() - t0;
    free(A), free(B), free(C), free(bias);
    return 2.0 * M * N * K * calls / (ms * 1e-3) * 1e-9;
}

/* ---- One elementwise kernel -------------------------------------------------------------------- */

double bench_elementwise(int isa, int which, int n, int calls) {
    const sf_kernels *k = kernels_for(isa);
    float *x = malloc(sizeof(float) * (size_t)n * 7);
    if (!x) return -1.0;
    for (long i = 0; i < (long)n * 7; i++) x[i] = (float)((i * 7919) % 2000) * 4e-3f - 4.0f;
    float *y = x + n, *z = y + n, *a = z + n, *b = a + n, *c = b + n, *d = c + n;
    sf_adam_coef ac = {1e-3f, 0.9f, 0.999f, 1e-8f, 1.5f, 1.5f};
    for (long i = 0; i < n; i++) b[i] = b[i] * b[i]; /* a second moment is >= 0 */
    const double t0 = bench_now();
    for (int r = 0; r < calls; r++) {
        switch (which) {
        case 0:
            k->softplus_sigmoid(a, b, x, n);
            break;
        case 1:
            k->mul(c, x, y, n);
            break;
        default:
            k->adam(a, z, c, x, y, b, d, n, ac);
            break;
        }
    }
    const double ms = bench_now() - t0;
    free(x);
    return ms * 1e6 / ((double)n * calls); /* ns per element */
}

/* ---- The SIMD128 multiply+add peak ------------------------------------------------------------- */

#if SF_HAVE_SIMD128
#define MUL(x, y) wasm_f32x4_mul(x, y)
#define ADD(x, y) wasm_f32x4_add(x, y)

/* Two loops of f32x4 multiplies and adds in registers, no memory. Their operands come from the
 * caller at run time, so that clang cannot fold them into v128.const operands (which V8 rebuilds at
 * every use) or precompute anything. Each returns a value that depends on every chain.
 *
 * chained: 12 chains c = c·a + b, the multiply and the add in one dependency chain (latency of both
 *   per iteration); |a| < 1 makes every chain converge to b/(1 − a): no overflow, no subnormals.
 * split: 7 multiply chains p = p·a and 7 add chains q = q + p, each chain one operation long, so a
 *   chain waits for one latency only; a = 1 keeps p constant and q grows linearly (no overflow within
 *   any iteration count used here). 7 + 7 chains and the constant fill 15 of x86's 16 vector
 *   registers, which is what V8 allocates from.
 * The peak is the faster of the two (the callers take it after warm-up runs). Each run is one call of
 * its own: V8 cannot switch a running wasm function from its baseline code to its optimised code, so
 * only calls that start after the tier-up measure the optimised loop. */
__attribute__((noinline)) static float peak_chained(int iters, v128_t a, v128_t b, v128_t d) {
    v128_t c0 = d, c1 = ADD(c0, d), c2 = ADD(c1, d), c3 = ADD(c2, d), c4 = ADD(c3, d), c5 = ADD(c4, d);
    v128_t c6 = ADD(c5, d), c7 = ADD(c6, d), c8 = ADD(c7, d), c9 = ADD(c8, d), c10 = ADD(c9, d);
    v128_t c11 = ADD(c10, d);
    for (int i = 0; i < iters; i++) {
        c0 = ADD(MUL(c0, a), b), c1 = ADD(MUL(c1, a), b), c2 = ADD(MUL(c2, a), b);
        c3 = ADD(MUL(c3, a), b), c4 = ADD(MUL(c4, a), b), c5 = ADD(MUL(c5, a), b);
        c6 = ADD(MUL(c6, a), b), c7 = ADD(MUL(c7, a), b), c8 = ADD(MUL(c8, a), b);
        c9 = ADD(MUL(c9, a), b), c10 = ADD(MUL(c10, a), b), c11 = ADD(MUL(c11, a), b);
    }
    v128_t s = ADD(ADD(ADD(c0, c1), ADD(c2, c3)), ADD(ADD(c4, c5), ADD(c6, c7)));
    s = ADD(s, ADD(ADD(c8, c9), ADD(c10, c11)));
    return wasm_f32x4_extract_lane(s, 0) + wasm_f32x4_extract_lane(s, 1) + wasm_f32x4_extract_lane(s, 2) +
           wasm_f32x4_extract_lane(s, 3);
}

__attribute__((noinline)) static float peak_split(int iters, v128_t a, v128_t d) {
    v128_t p0 = d, p1 = ADD(p0, d), p2 = ADD(p1, d), p3 = ADD(p2, d), p4 = ADD(p3, d), p5 = ADD(p4, d);
    v128_t p6 = ADD(p5, d);
    v128_t q0 = p0, q1 = p1, q2 = p2, q3 = p3, q4 = p4, q5 = p5, q6 = p6;
    for (int i = 0; i < iters; i++) {
        q0 = ADD(q0, p0), q1 = ADD(q1, p1), q2 = ADD(q2, p2), q3 = ADD(q3, p3);
        q4 = ADD(q4, p4), q5 = ADD(q5, p5), q6 = ADD(q6, p6);
        p0 = MUL(p0, a), p1 = MUL(p1, a), p2 = MUL(p2, a), p3 = MUL(p3, a);
        p4 = MUL(p4, a), p5 = MUL(p5, a), p6 = MUL(p6, a);
    }
    v128_t s = ADD(ADD(ADD(q0, q1), ADD(q2, q3)), ADD(ADD(q4, q5), q6));
    s = ADD(s, ADD(ADD(ADD(p0, p1), ADD(p2, p3)), ADD(ADD(p4, p5), p6)));
    return wasm_f32x4_extract_lane(s, 0) + wasm_f32x4_extract_lane(s, 1) + wasm_f32x4_extract_lane(s, 2) +
           wasm_f32x4_extract_lane(s, 3);
}
#endif

double bench_peak_gflops(int loop, int iters, float a, float b, float c, float *sink) {
#if SF_HAVE_SIMD128
    const v128_t av = wasm_f32x4_splat(a), bv = wasm_f32x4_splat(b), cv = wasm_f32x4_splat(c);
    const v128_t one = wasm_f32x4_splat(a + (1.0f - a)); /* 1, computed at run time */
    /* The loops are pure functions: their results go to *sink (which bench_now might read, as far
     * as the compiler knows) before the clock is read again, or the calls could move past it. */
    const double t0 = bench_now();
    *sink = loop == 0 ? peak_chained(iters, av, bv, cv) : peak_split(iters, one, cv);
    const double flops = (loop == 0 ? 12.0 : 7.0) * 8.0 * iters;
    return flops / ((bench_now() - t0) * 1e-3) * 1e-9;
#else
    (void)loop, (void)iters, (void)a, (void)b, (void)c;
    *sink = 0.0f;
    return -1.0;
#endif
}
