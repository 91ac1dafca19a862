/* fn_scorer.c — what the samplers share: a public score function (sf_score_fn or sf_score_sigma_fn)
 * as a scorer, the adapter every _fn sampler (plain, annealed, SDE) stands on, its chunk a buffer the
 * caller owns; and the start of a chunked run. */
#include <string.h>

#include "base/streams.h"
#include "sample/sample.h"

static const float *score_sigma_chunk(void *ctx, const float *x, int n, float sigma) {
    sf__fn_scorer *f = ctx;
    return f->fn(f->ctx, f->s, x, n, f->dim, sigma) == 0 ? f->s : NULL;
}

static const float *score_plain_chunk(void *ctx, const float *x, int n, float sigma) {
    sf__fn_scorer *f = ctx;
    (void)sigma;
    return f->plain(f->ctx, f->s, x, n, f->dim) == 0 ? f->s : NULL;
}

sf__scorer sf__fn_scorer_init(sf__fn_scorer *f, sf_score_sigma_fn fn, sf_score_fn plain, void *ctx, int dim) {
    f->fn = fn, f->plain = plain, f->ctx = ctx, f->dim = dim;
    sf__scorer sc = {fn ? score_sigma_chunk : score_plain_chunk, f, dim, SF__FN_CHUNK_FLOATS / dim, NULL};
    return sc;
}

void sf__run_start(float *x, const float *x0, int n, int dim, uint64_t seed, float sigma_max, uint64_t rng[2]) {
    sf_rng g;
    sf_rng_seed(&g, seed, SF__STREAM_SAMPLER);
    if (x0)
        memmove(x, x0, sizeof(float) * (size_t)n * (size_t)dim);
    else
        sf_rng_fill_normal(&g, x, n * dim, sigma_max);
    rng[0] = g.state, rng[1] = g.inc;
}
