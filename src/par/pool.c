/* pool.c — the native pthread pool (see pool.h). A call publishes the task (fn, ctx, n) under the
 * mutex with a new generation number and wakes the workers; worker k runs task k if k < n, and the
 * last one to finish wakes the caller. */
#include "par/pool.h"

#include <pthread.h>
#include <stdlib.h>

#include "base/status.h"

struct sf_pool {
    int threads;
    pthread_t *ids;
    pthread_mutex_t mu;
    pthread_cond_t go, done;
    unsigned long gen; /* incremented by every call */
    int quit;
    sf_task_fn fn;
    void *ctx;
    int n;
    int pending; /* tasks of the current call not finished by a worker */
};

typedef struct worker_arg {
    sf_pool *p;
    int k;
} worker_arg;

static void *worker(void *arg) {
    worker_arg *w = arg;
    sf_pool *p = w->p;
    const int k = w->k;
    free(w);
    unsigned long seen = 0;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->quit && p->gen == seen) pthread_cond_wait(&p->go, &p->mu);
        if (p->quit) break;
        seen = p->gen;
        if (k >= p->n) continue;
        sf_task_fn fn = p->fn;
        void *ctx = p->ctx;
        pthread_mutex_unlock(&p->mu);
        fn(ctx, k);
        pthread_mutex_lock(&p->mu);
        if (--p->pending == 0) pthread_cond_signal(&p->done);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

sf_status sf_pool_create(sf_pool **out, int threads) {
    if (!out) return sf__fail(SF_EINVAL, "sf_pool_create: out is NULL");
    *out = NULL;
    if (threads < 1 || threads > SF_MAX_THREADS)
        return sf__fail(SF_EINVAL, "thread count must be 1..%d, got %d", SF_MAX_THREADS, threads);
    sf_pool *p = calloc(1, sizeof *p);
    if (!p) return sf__fail(SF_ENOMEM, "could not allocate the thread pool");
    p->threads = threads;
    p->ids = calloc((size_t)threads, sizeof *p->ids);
    if (!p->ids) {
        free(p);
        return sf__fail(SF_ENOMEM, "could not allocate the thread pool");
    }
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->go, NULL);
    pthread_cond_init(&p->done, NULL);
    for (int k = 1; k < threads; k++) {
        worker_arg *w = malloc(sizeof *w);
        if (w) w->p = p, w->k = k;
        if (!w || pthread_create(&p->ids[k], NULL, worker, w) != 0) {
            free(w);
            p->threads = k; /* the workers started so far */
            sf_pool_destroy(p);
            return sf__fail(SF_ENOMEM, "could not start thread %d of %d", k + 1, threads);
        }
    }
    *out = p;
    return SF_OK;
}

void sf_pool_destroy(sf_pool *p) {
    if (!p) return;
    pthread_mutex_lock(&p->mu);
    p->quit = 1;
    pthread_cond_broadcast(&p->go);
    pthread_mutex_unlock(&p->mu);
    for (int k = 1; k < p->threads; k++) pthread_join(p->ids[k], NULL);
    pthread_cond_destroy(&p->go);
    pthread_cond_destroy(&p->done);
    pthread_mutex_destroy(&p->mu);
    free(p->ids);
    free(p);
}

void sf_pool_run(void *pool, sf_task_fn fn, void *ctx, int n) {
    sf_pool *p = pool;
    const int workers_n = n < p->threads ? n : p->threads;
    pthread_mutex_lock(&p->mu);
    p->fn = fn, p->ctx = ctx, p->n = workers_n, p->pending = workers_n - 1;
    p->gen++;
    pthread_cond_broadcast(&p->go);
    pthread_mutex_unlock(&p->mu);
    fn(ctx, 0);
    for (int i = workers_n; i < n; i++) fn(ctx, i); /* beyond the contract (n > threads): the caller's */
    pthread_mutex_lock(&p->mu);
    while (p->pending > 0) pthread_cond_wait(&p->done, &p->mu);
    pthread_mutex_unlock(&p->mu);
}
