/* bench_wasm.c — the bench modules' exports and their one extra import, the clock.
 * Built only by bench/build.sh, never by build-wasm.sh. */
#include "bench.h"

#define BENCH_EXPORT(name) __attribute__((export_name(#name)))

/* performance.now(), supplied by bench/suite.js. */
__attribute__((import_module("env"), import_name("bench_now"))) double bench_now_import(void);

double bench_now(void) { return bench_now_import(); }

BENCH_EXPORT(bench_run)
int bench_run_export(int workload, int isa, int quick, int instrument_gemm) {
    return bench_run(workload, isa, quick, instrument_gemm);
}

static float peak_sink;

BENCH_EXPORT(bench_peak_gflops)
double bench_peak_export(int loop, int iters, float a, float b, float c) {
    return bench_peak_gflops(loop, iters, a, b, c, &peak_sink);
}

BENCH_EXPORT(bench_results)
double *bench_results_export(void) { return bench_results; }

BENCH_EXPORT(bench_shapes)
double *bench_shapes_export(void) { return bench_shapes; }

BENCH_EXPORT(bench_shape_count)
int bench_shape_count_export(void) { return bench_shape_count; }

BENCH_EXPORT(bench_gemm)
double bench_gemm_export(int isa, int M, int N, int K, int trans, int acc, int calls) {
    return bench_gemm(isa, M, N, K, trans, acc, calls);
}

BENCH_EXPORT(bench_elementwise)
double bench_elementwise_export(int isa, int which, int n, int calls) {
    return bench_elementwise(isa, which, n, calls);
}
