/* bench_native.c — the native bench binary: runs bench.c's workloads with one kernel set and prints
 * the results as one JSON object, which bench/run.js reads.
 *
 *   build/bench/bench-native <scalar|simd128> [--quick] [--no-gemm] [--only W1,W3,...] [--cpu-clock]
 *                            [--threads N]
 *
 * --cpu-clock times with the process's CPU time instead of the monotonic clock, as bench/node-run.js
 * does: a development aid for comparing builds on a busy machine (no GEMM pass then: per-call CPU
 * time is too coarse). --threads N runs every model on N threads of par/pool.h's pthread pool (wall
 * clock only: CPU time adds the threads up).
 */
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"
#include "par/pool.h"
#include "scorefield.h"

static clockid_t bench_clock = CLOCK_MONOTONIC;

double bench_now(void) {
    struct timespec t;
    clock_gettime(bench_clock, &t);
    return t.tv_sec * 1e3 + t.tv_nsec * 1e-6;
}

/* The peak loops: as bench/suite.js runs them (3 short warm-up runs, then the best of 5). */
#define PEAK_ITERS  20000000
#define PEAK_WARMUP 3
#define PEAK_RUNS   5

static double max5(const double *v) {
    double m = v[0];
    for (int i = 1; i < PEAK_RUNS; i++) m = v[i] > m ? v[i] : m;
    return m;
}

static const char *const NAMES[BENCH_WORKLOADS] = {"W1", "W2", "W3", "W4a", "W4b"};
static const char *const FIELDS[BENCH_FIELDS] = {"stepsPerS", "msPerStep", "flops",     "gflops",     "hash",
                                                 "segments",  "units",     "gemmShare", "gemmGflops", "gemmFlops"};

/* 1 when a comma-separated token of `only` is a prefix of name ("W4" selects W4a and W4b). */
static int selected(const char *only, const char *name) {
    for (const char *t = only; *t;) {
        const size_t n = strcspn(t, ",");
        if (n > 0 && strncmp(t, name, n) == 0) return 1;
        t += n + (t[n] == ',');
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 2 || (strcmp(argv[1], "scalar") && strcmp(argv[1], "simd128"))) {
        fprintf(stderr,
                "usage: %s <scalar|simd128> [--quick] [--no-gemm] [--only W1,W2,...] [--cpu-clock] [--threads N]\n",
                argv[0]);
        return 2;
    }
    const int isa = strcmp(argv[1], "scalar") ? SF_ISA_SIMD128 : SF_ISA_SCALAR;
    int quick = 0, gemm = 1;
    const char *only = NULL;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--quick"))
            quick = 1;
        else if (!strcmp(argv[i], "--no-gemm"))
            gemm = 0;
        else if (!strcmp(argv[i], "--cpu-clock"))
            bench_clock = CLOCK_PROCESS_CPUTIME_ID, gemm = 0;
        else if (!strcmp(argv[i], "--threads") && i + 1 < argc)
            bench_threads = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--only") && i + 1 < argc)
            only = argv[++i];
        else {
            fprintf(stderr, "unknown argument %s\n", argv[i]);
            return 2;
        }
    }
    if (bench_threads < 1 || bench_threads > SF_MAX_THREADS) {
        fprintf(stderr, "--threads must be 1..%d, got %d\n", SF_MAX_THREADS, bench_threads);
        return 2;
    }
    sf_pool *pool = NULL;
    if (bench_threads > 1) {
        if (bench_clock != CLOCK_MONOTONIC) {
            fprintf(stderr, "--threads needs the wall clock: CPU time adds the threads' time up\n");
            return 2;
        }
        if (sf_pool_create(&pool, bench_threads) != SF_OK || sf_set_runner(sf_pool_run, pool, bench_threads) != SF_OK) {
            fprintf(stderr, "%s\n", sf_error());
            return 2;
        }
    }
    double peak[2];
    float sink = 0.0f, s;
    for (int loop = 0; loop < 2; loop++) {
        double runs[PEAK_RUNS];
        for (int k = 0; k < PEAK_WARMUP; k++)
            bench_peak_gflops(loop, PEAK_ITERS / 10, 0.999f, 1e-3f, 0.01f, &s), sink += s;
        for (int k = 0; k < PEAK_RUNS; k++)
            runs[k] = bench_peak_gflops(loop, PEAK_ITERS, 0.999f, 1e-3f, 0.01f, &s), sink += s;
        peak[loop] = max5(runs); /* a peak: the best run (other work only slows a run down) */
    }
    printf("{\"isa\":\"%s\",\"threads\":%d,\"peakGflops\":%.6g,\"peakChained\":%.6g,\"peakSplit\":%.6g,\"sink\":%g,"
           "\"workloads\":{",
           argv[1], bench_threads, peak[0] > peak[1] ? peak[0] : peak[1], peak[0], peak[1], (double)sink);
    int first = 1;
    for (int w = 0; w < BENCH_WORKLOADS; w++) {
        if (only && !selected(only, NAMES[w])) continue;
        const int st = bench_run(w, isa, quick, gemm);
        printf("%s\"%s\":{\"status\":%d", first ? "" : ",", NAMES[w], st);
        for (int f = 0; f < BENCH_FIELDS; f++) printf(",\"%s\":%.17g", FIELDS[f], bench_results[w * BENCH_FIELDS + f]);
        printf("}");
        fflush(stdout);
        first = 0;
    }
    printf("}}\n");
    sf_set_runner(NULL, NULL, 0);
    sf_pool_destroy(pool);
    return 0;
}
