/* anneal.c — annealed Langevin dynamics (Song & Ermon 2019, Algorithm 1) on any scorer.
 *
 * For each level i = 1 .. L of a geometric ladder σ₁ > … > σ_L (noise/), T steps of
 *   x ← x + α_i·s(x, σ_i) + √(2α_i)·z,  z ~ N(0, I),  α_i = ε·σ_i²/σ_L².
 * Large σ first: the blurred density is smooth and connects the modes, so chains find every mode in
 * proportion to its mass; each level then starts from where the last one left off. The step scales
 * with σ_i² so that the signal-to-noise ratio of a step is the same at every level (the paper's §4.3).
 *
 * Each step is sf__langevin_step, the stepper plain Langevin uses: the score evaluated a chunk at a
 * time and the noise drawn chain by chain in order, so the chains do not depend on the chunk size.
 */
#include <math.h>
#include <string.h>

#include "base/status.h"
#include "base/streams.h"
#include "noise/noise.h"
#include "sample/sample.h"

sf_status sf__anneal_check(const sf_anneal_config *ac, int n, int keep, const float *out, const float *x0) {
    if (!ac) return sf__fail(SF_EINVAL, "annealed sampler config is NULL");
    if (n < 0) return sf__fail(SF_EINVAL, "chain count must be >= 0, got %d", n);
    if (n > 0 && (!out || !x0)) return sf__fail(SF_EINVAL, "sampler: out and x0 must not be NULL");
    sf_status st = sf__check_ladder(ac->levels, ac->sigma_max, ac->sigma_min);
    if (st) return st;
    if (ac->steps < 0 || ac->steps > SF_MAX_STEPS / ac->levels)
        return sf__fail(SF_EINVAL, "steps per level must be 0..%d for %d levels, got %d", SF_MAX_STEPS / ac->levels,
                        ac->levels, ac->steps);
    if (!sf__finite(ac->eps) || ac->eps <= 0)
        return sf__fail(SF_EINVAL, "step size eps must be finite and > 0, got %g", (double)ac->eps);
    if (keep < SF_KEEP_LAST || keep > SF_KEEP_LEVELS) return sf__fail(SF_EINVAL, "unknown keep mode %d", keep);
    return SF_OK;
}

sf_status sf__anneal_run(const sf__scorer *sc, float *out, const float *x0, int n, const sf_anneal_config *ac,
                         int keep) {
    const long size = (long)n * sc->dim;
    if (!sf__all_finite(x0, size)) return sf__fail(SF_EINVAL, "the start points contain NaN or infinity");
    float sigmas[SF_MAX_LEVELS];
    sf_noise_ladder(sigmas, ac->levels, ac->sigma_max, ac->sigma_min);
    const float last = sigmas[ac->levels - 1];

    sf_rng r;
    sf_rng_seed(&r, ac->seed, SF__STREAM_SAMPLER);
    float *x = out;
    memcpy(x, x0, sizeof(float) * (size_t)size);
    for (int level = 0; level < ac->levels; level++) {
        const float sigma = sigmas[level];
        const float alpha = ac->eps * (sigma / last) * (sigma / last), noise = sqrtf(2.0f * alpha);
        if (keep == SF_KEEP_LEVELS) { /* this level's frame starts as a copy of the last one's */
            memcpy(x + size, x, sizeof(float) * (size_t)size);
            x += size;
        }
        for (int t = 0; t < ac->steps; t++) {
            if (keep == SF_KEEP_ALL) {
                memcpy(x + size, x, sizeof(float) * (size_t)size);
                x += size;
            }
            if (sf__langevin_step(sc, x, n, sigma, alpha, noise, &r))
                return sf__fail(SF_EINVAL, "the score function failed at level %d", level + 1);
            if (!sf__all_finite(x, size))
                return sf__fail(SF_ENONFINITE, "a chain became NaN or infinite at level %d, step %d; try a smaller eps",
                                level + 1, t + 1);
        }
    }
    return SF_OK;
}

sf_status sf_annealed_langevin_fn(sf_score_sigma_fn fn, void *ctx, int dim, float *out, const float *x0, int n,
                                  const sf_anneal_config *ac, int keep) {
    if (!fn) return sf__fail(SF_EINVAL, "score function is NULL");
    if (dim < 1 || dim > SF_MAX_DIM) return sf__fail(SF_EINVAL, "dimension must be 1..%d, got %d", SF_MAX_DIM, dim);
    sf_status st = sf__anneal_check(ac, n, keep, out, x0);
    if (st) return st;
    sf__fn_scorer f;
    sf__scorer sc = sf__fn_scorer_init(&f, fn, NULL, ctx, dim);
    return sf__anneal_run(&sc, out, x0, n, ac, keep);
}

/* ---- A run in chunks ---------------------------------------------------------------------------
 * The same steps as sf__anneal_run, one at a time from the run's saved state: level step / T, the
 * ladder and α recomputed the same way, the generator carried over, so a run cut anywhere ends with
 * the bits of one call. */

sf_status sf_anneal_begin(sf_anneal_run *r, const sf_anneal_config *c, int dim, float *x, const float *x0, int n) {
    if (!r) return sf__fail(SF_EINVAL, "sf_anneal_begin: run is NULL");
    if (dim < 1 || dim > SF_MAX_DIM) return sf__fail(SF_EINVAL, "dimension must be 1..%d, got %d", SF_MAX_DIM, dim);
    /* A run in chunks bounds each level, not the whole ladder: T up to SF_MAX_STEPS per level (the
     * page's 10^6 steps per level of the digits), levels·T <= 64·10^6 fits the int step counter. */
    if (!c) return sf__fail(SF_EINVAL, "annealed sampler config is NULL");
    sf_anneal_config ladder = *c;
    ladder.steps = 0; /* checked below */
    sf_status st = sf__anneal_check(&ladder, n, SF_KEEP_LAST, x, x0 ? x0 : x);
    if (st) return st;
    if (c->steps < 0 || c->steps > SF_MAX_STEPS)
        return sf__fail(SF_EINVAL, "steps per level must be 0..%d, got %d", SF_MAX_STEPS, c->steps);
    if (x0 && !sf__all_finite(x0, (long)n * dim))
        return sf__fail(SF_EINVAL, "the start points contain NaN or infinity");
    memset(r, 0, sizeof *r);
    r->c = *c, r->dim = dim, r->n = n;
    sf__run_start(x, x0, n, dim, c->seed, c->sigma_max, r->rng);
    return SF_OK;
}

sf_status sf__anneal_advance(sf_anneal_run *r, const sf__scorer *sc, float *x, int steps) {
    if (steps < 0) return sf__fail(SF_EINVAL, "steps must be >= 0, got %d", steps);
    const sf_anneal_config *c = &r->c;
    const int total = c->levels * c->steps;
    const long size = (long)r->n * r->dim;
    float sigmas[SF_MAX_LEVELS];
    sf_noise_ladder(sigmas, c->levels, c->sigma_max, c->sigma_min);
    const float last = sigmas[c->levels - 1];
    sf_rng g = {r->rng[0], r->rng[1]};
    sf_status st = SF_OK;
    for (int k = 0; k < steps && r->step < total; k++) {
        const int level = r->step / c->steps;
        const float sigma = sigmas[level];
        const float alpha = c->eps * (sigma / last) * (sigma / last), noise = sqrtf(2.0f * alpha);
        if (sf__langevin_step(sc, x, r->n, sigma, alpha, noise, &g)) {
            st = sf__fail(SF_EINVAL, "the score function failed at level %d", level + 1);
            break;
        }
        r->step++, r->nfe++;
        if (!sf__all_finite(x, size)) {
            st = sf__fail(SF_ENONFINITE, "a chain became NaN or infinite at level %d, step %d; try a smaller eps",
                          level + 1, r->step - level * c->steps);
            break;
        }
    }
    r->rng[0] = g.state, r->rng[1] = g.inc;
    return st;
}

sf_status sf_anneal_step_fn(sf_anneal_run *r, sf_score_sigma_fn fn, void *ctx, float *x, int steps) {
    if (!r || !fn || (r->n > 0 && !x)) return sf__fail(SF_EINVAL, "sf_anneal_step_fn: NULL argument");
    sf__fn_scorer f;
    sf__scorer sc = sf__fn_scorer_init(&f, fn, NULL, ctx, r->dim);
    return sf__anneal_advance(r, &sc, x, steps);
}
