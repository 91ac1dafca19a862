/* pool.h — a fixed pthread pool that implements sf_run_fn (native builds only: tests and bench; the
 * WebAssembly modules do not compile pool.c). The calling thread runs task 0 itself and worker k
 * runs task k, so n tasks use n threads; the workers sleep on a condition variable between calls. */
#ifndef SF_POOL_H
#define SF_POOL_H

#include "scorefield.h"

typedef struct sf_pool sf_pool;

/* A pool of `threads` threads in all (threads − 1 workers besides the caller), 1 .. SF_MAX_THREADS. */
sf_status sf_pool_create(sf_pool **out, int threads);
void sf_pool_destroy(sf_pool *p);

/* sf_run_fn: runs fn(ctx, i) for i < n (n <= the pool's threads) and returns when all are done. Not
 * reentrant: one call at a time per pool. */
void sf_pool_run(void *pool, sf_task_fn fn, void *ctx, int n);

#endif
