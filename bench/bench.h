/* bench.h — the benchmark's C surface, shared by the wasm bench modules (bench_wasm.c) and the native
 * bench binary (bench_native.c). See bench.c for the workloads and the FLOP count.
 *
 * Keep the workload and field numbers in sync with bench/suite.js (WORKLOADS, FIELDS).
 */
#ifndef SF_BENCH_H
#define SF_BENCH_H

enum { BENCH_W1, BENCH_W2, BENCH_W3, BENCH_W4_ONE, BENCH_W4_MANY, BENCH_WORKLOADS };

enum {
    BENCH_F_STEPS_PER_S, /* median rate of the timed segments: training steps or Langevin steps per s */
    BENCH_F_MS_PER_STEP, /* 1000 / that rate */
    BENCH_F_FLOPS,       /* nominal layer-product FLOPs of one step (bench.c's formula) */
    BENCH_F_GFLOPS,      /* FLOPS · rate */
    BENCH_F_HASH,        /* FNV-1a of the parameters after the workload (sampler: of the last frame) */
    BENCH_F_SEGMENTS,    /* timed segments in the median */
    BENCH_F_UNITS,       /* steps per workload run */
    BENCH_F_GEMM_SHARE,  /* instrumented pass: GEMM time / step time */
    BENCH_F_GEMM_GFLOPS, /* instrumented pass: GEMM FLOPs / GEMM time */
    BENCH_F_GEMM_FLOPS,  /* instrumented pass: GEMM FLOPs actually issued per step */
    BENCH_FIELDS
};

/* Milliseconds from an arbitrary origin: performance.now() in wasm (an import), CLOCK_MONOTONIC natively. */
double bench_now(void);

/* Runs one workload with an sf_isa; quick: a fifth of the steps (development only); instrument_gemm:
 * a second, GEMM-timed pass. Fills bench_results[workload·BENCH_FIELDS ...] (−1 where not measured).
 * Returns 0, or non-zero when a model call failed. */
int bench_run(int workload, int isa, int quick, int instrument_gemm);

/* One timed run of a register-only f32x4 multiply+add loop (bench.c; loop 0: chained, 1: split) of
 * `iters` iterations, in GFLOP/s, or −1 when this build has no SIMD128. Pass a = 0.999, b = 1e-3,
 * c = 0.01 (run-time values on purpose); *sink receives a value that depends on every chain. The
 * caller warms up, repeats, and takes the best run of the faster loop: the practical peak. */
double bench_peak_gflops(int loop, int iters, float a, float b, float c, float *sink);

/* GFLOP/s of `calls` calls of one kernel set's gemm on an (M, N, K) shape (A transposed or not,
 * accumulating into C or starting from a bias), timed as a whole. */
double bench_gemm(int isa, int M, int N, int K, int trans, int acc, int calls);

/* ns per element of `calls` calls of one kernel set's elementwise kernel on n elements: which = 0
 * softplus_sigmoid, 1 mul, 2 adam. */
double bench_elementwise(int isa, int which, int n, int calls);

extern double bench_results[BENCH_WORKLOADS * BENCH_FIELDS];

/* The threads of every bench model (sf_model_set_threads; the host installs the runner). 1 unless set. */
extern int bench_threads;

/* The instrumented pass of the last bench_run, per GEMM shape: bench_shape_count records of
 * BENCH_SHAPE_FIELDS doubles (M, N, K, transposed A, calls, ms, FLOPs). */
#define BENCH_MAX_SHAPES   32
#define BENCH_SHAPE_FIELDS 7
extern double bench_shapes[BENCH_MAX_SHAPES * BENCH_SHAPE_FIELDS];
extern int bench_shape_count;

#endif
