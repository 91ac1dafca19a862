/* threads.c — the experimental threaded wasm module's extra exports (bench/wasm-threads/build.sh;
 * not part of build-wasm.sh, whose modules stay single-threaded). The runner is an imported JS
 * function (env.sfw_run) that hands tasks to other instances of the same module over the same shared
 * memory; those instances call sfw_run_task. A function pointer is a table index, the same in every
 * instance of one module. */
#include "scorefield.h"

#define SFW_EXPORT(name) __attribute__((export_name(#name)))

__attribute__((import_module("env"), import_name("sfw_run"))) extern void js_run(sf_task_fn fn, void *ctx, int n);

static void run(void *pool, sf_task_fn fn, void *ctx, int n) {
    (void)pool;
    js_run(fn, ctx, n);
}

SFW_EXPORT(sfw_threads_init)
int sfw_threads_init(int threads) { return sf_set_runner(run, NULL, threads); }

SFW_EXPORT(sfw_model_set_threads)
int sfw_model_set_threads(sf_model *m, int threads) { return sf_model_set_threads(m, threads); }

SFW_EXPORT(sfw_run_task)
void sfw_run_task(sf_task_fn fn, void *ctx, int i) { fn(ctx, i); }
