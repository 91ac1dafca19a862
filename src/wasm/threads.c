/* threads.c — the threaded wasm module's extra exports (build-wasm.sh compiles it into
 * scorefield-simd128-threads.wasm only; the single-threaded modules do not import a runner). The
 * runner is an imported JS function (env.sfw_run, web/core/threads.js) that hands tasks to other
 * instances of the same module over the same shared memory; those instances call sfw_run_task. A
 * function pointer is a table index, the same in every instance of one module. */
#include "scorefield.h"

#define SFW_EXPORT(name) __attribute__((export_name(#name)))

__attribute__((import_module("env"), import_name("sfw_run"))) extern void js_run(sf_task_fn fn, void *ctx, int n);

static void run(void *pool, sf_task_fn fn, void *ctx, int n) {
    (void)pool;
    js_run(fn, ctx, n);
}

/* Installs the runner for `threads` threads; 1 removes it (the tasks of every model then run inline,
 * as after the helpers are terminated). */
SFW_EXPORT(sfw_threads_init)
int sfw_threads_init(int threads) {
    return threads == 1 ? sf_set_runner(NULL, NULL, 0) : sf_set_runner(run, NULL, threads);
}

SFW_EXPORT(sfw_model_set_threads)
int sfw_model_set_threads(sf_model *m, int threads) { return sf_model_set_threads(m, threads); }

SFW_EXPORT(sfw_run_task)
void sfw_run_task(sf_task_fn fn, void *ctx, int i) { fn(ctx, i); }
