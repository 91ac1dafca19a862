/* par.c — the installed runner (see par.h). */
#include "par/par.h"

#include "base/status.h"

static sf_run_fn g_run;
static void *g_pool;
static int g_threads = 1;

sf_status sf_set_runner(sf_run_fn run, void *pool, int threads) {
    if (!run) {
        g_run = NULL, g_pool = NULL, g_threads = 1;
        return SF_OK;
    }
    if (threads < 1 || threads > SF_MAX_THREADS)
        return sf__fail(SF_EINVAL, "a runner's thread count must be 1..%d, got %d", SF_MAX_THREADS, threads);
    g_run = run, g_pool = pool, g_threads = threads;
    return SF_OK;
}

int sf__par_threads(void) { return g_threads; }

void sf__par_run(sf_task_fn fn, void *ctx, int n) {
    if (n <= 1 || !g_run) {
        for (int i = 0; i < n; i++) fn(ctx, i);
        return;
    }
    g_run(g_pool, fn, ctx, n);
}
