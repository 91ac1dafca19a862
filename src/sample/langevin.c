/* langevin.c — unadjusted Langevin dynamics for many chains at once, on any scorer, and the one
 * stepper that plain and annealed Langevin share.
 *
 *   x ← x + ε/2·s(x) + √ε·T·z,  z ~ N(0, I),  ε ← ε·decay      (the tutorial's sample_langevin)
 *
 * Chains live in one flat (n, D) buffer; with keep_all every step is a frame of a (steps + 1, n, D)
 * buffer. The score is evaluated a chunk of chains at a time (the model's workspace, or a stack buffer
 * for a score function), but the noise is drawn chain by chain in order, so the result does not
 * depend on the chunk size. A model on threads draws a chunk's noise on one of them while the others
 * score it (the scorer's score_noise): the same normals in the same order. For s(x) = −x and fixed ε
 * the chain's stationary variance is exactly 1/(1 − ε/4) (not 1: the discretisation bias of the
 * unadjusted sampler); tests/c/test_sample.c checks that.
 */
#include <math.h>
#include <string.h>

#include "base/status.h"
#include "base/streams.h"
#include "sample/sample.h"

/* Normals drawn at a time when the scorer does not draw them: sf_rng_fill_normal into the stack is
 * faster than a call per draw, and gives the same numbers in the same order. */
#define SF__NOISE_BLOCK 1024

static void update(float *x, const float *s, const float *z, long len, float drift, float noise) {
    for (long i = 0; i < len; i++) x[i] = x[i] + drift * s[i] + noise * z[i];
}

sf_status sf__langevin_step(const sf__scorer *sc, float *x, int n, float sigma, float drift, float noise, sf_rng *r) {
    const int D = sc->dim;
    for (int c0 = 0; c0 < n; c0 += sc->chunk) {
        int c = n - c0 < sc->chunk ? n - c0 : sc->chunk;
        float *xc = x + (long)c0 * D;
        const float *z = NULL;
        const float *s =
            sc->score_noise ? sc->score_noise(sc->ctx, xc, c, sigma, r, &z) : sc->score(sc->ctx, xc, c, sigma);
        if (!s) return SF_EINVAL;
        const long len = (long)c * D;
        if (z) {
            update(xc, s, z, len, drift, noise);
            continue;
        }
        float block[SF__NOISE_BLOCK];
        for (long i = 0; i < len; i += SF__NOISE_BLOCK) {
            const int b = len - i < SF__NOISE_BLOCK ? (int)(len - i) : SF__NOISE_BLOCK;
            sf_rng_fill_normal(r, block, b, 1.0f);
            update(xc + i, s + i, block, b, drift, noise);
        }
    }
    return SF_OK;
}

sf_status sf__langevin_check(const sf_langevin_config *lc, int n, const float *out, const float *x0) {
    if (!lc) return sf__fail(SF_EINVAL, "sampler config is NULL");
    if (n < 0) return sf__fail(SF_EINVAL, "chain count must be >= 0, got %d", n);
    if (n > 0 && (!out || !x0)) return sf__fail(SF_EINVAL, "sampler: out and x0 must not be NULL");
    sf_status st = sf__check_positive(lc->eps, "step size eps");
    if (!st) st = sf__check_positive(lc->decay, "eps decay");
    if (!st) st = sf__check_nonnegative(lc->temperature, "temperature");
    if (st) return st;
    if (lc->steps < 0 || lc->steps > SF_MAX_STEPS)
        return sf__fail(SF_EINVAL, "sampler steps must be 0..%d, got %d", SF_MAX_STEPS, lc->steps);
    return SF_OK;
}

sf_status sf__langevin_run(const sf__scorer *sc, float sigma, float *out, const float *x0, int n,
                           const sf_langevin_config *lc, int keep_all) {
    const long size = (long)n * sc->dim;
    if (!sf__all_finite(x0, size)) return sf__fail(SF_EINVAL, "the start points contain NaN or infinity");

    sf_rng r;
    sf_rng_seed(&r, lc->seed, SF__STREAM_SAMPLER);
    float *x = out;
    memcpy(x, x0, sizeof(float) * (size_t)size);
    float eps = lc->eps;
    for (int t = 0; t < lc->steps; t++) {
        if (keep_all) {
            memcpy(x + size, x, sizeof(float) * (size_t)size);
            x += size;
        }
        const float half = 0.5f * eps, noise = sqrtf(eps) * lc->temperature;
        if (sf__langevin_step(sc, x, n, sigma, half, noise, &r))
            return sf__fail(SF_EINVAL, "the score function failed at step %d", t + 1);
        eps *= lc->decay;
        if (!sf__all_finite(x, size))
            return sf__fail(SF_ENONFINITE, "a chain became NaN or infinite at step %d; try a smaller eps", t + 1);
    }
    return SF_OK;
}

sf_status sf_langevin_fn(sf_score_fn fn, void *ctx, int dim, float *out, const float *x0, int n,
                         const sf_langevin_config *lc, int keep_all) {
    if (!fn) return sf__fail(SF_EINVAL, "score function is NULL");
    if (dim < 1 || dim > SF_MAX_DIM) return sf__fail(SF_EINVAL, "dimension must be 1..%d, got %d", SF_MAX_DIM, dim);
    sf_status st = sf__langevin_check(lc, n, out, x0);
    if (st) return st;
    sf__fn_scorer f;
    sf__scorer sc = sf__fn_scorer_init(&f, NULL, fn, ctx, dim);
    return sf__langevin_run(&sc, 0.0f, out, x0, n, lc, keep_all);
}

/* ---- A run in chunks ---------------------------------------------------------------------------
 * The same steps as sf__langevin_run, a chunk at a time from the run's saved state: ε and the
 * generator carried over, so a run cut anywhere ends with the bits of one call. */

sf_status sf_langevin_begin(sf_langevin_run *r, const sf_langevin_config *c, int dim, float *x, const float *x0,
                            int n) {
    if (!r) return sf__fail(SF_EINVAL, "sf_langevin_begin: run is NULL");
    if (dim < 1 || dim > SF_MAX_DIM) return sf__fail(SF_EINVAL, "dimension must be 1..%d, got %d", SF_MAX_DIM, dim);
    sf_status st = sf__langevin_check(c, n, x, x0);
    if (st) return st;
    if (!sf__all_finite(x0, (long)n * dim)) return sf__fail(SF_EINVAL, "the start points contain NaN or infinity");
    memset(r, 0, sizeof *r);
    r->c = *c, r->dim = dim, r->n = n, r->eps = c->eps;
    sf_rng g;
    sf_rng_seed(&g, c->seed, SF__STREAM_SAMPLER);
    r->rng[0] = g.state, r->rng[1] = g.inc;
    if (n > 0) memmove(x, x0, sizeof(float) * (size_t)n * (size_t)dim);
    return SF_OK;
}

sf_status sf_langevin_step_fn(sf_langevin_run *r, sf_score_fn fn, void *ctx, float *x, int steps) {
    if (!r || !fn || (r->n > 0 && !x)) return sf__fail(SF_EINVAL, "sf_langevin_step_fn: NULL argument");
    sf__fn_scorer f;
    sf__scorer sc = sf__fn_scorer_init(&f, NULL, fn, ctx, r->dim);
    return sf__langevin_advance(r, &sc, 0.0f, x, steps);
}

sf_status sf__langevin_advance(sf_langevin_run *r, const sf__scorer *sc, float sigma, float *x, int steps) {
    if (steps < 0) return sf__fail(SF_EINVAL, "steps must be >= 0, got %d", steps);
    const long size = (long)r->n * r->dim;
    sf_rng g = {r->rng[0], r->rng[1]};
    sf_status st = SF_OK;
    for (int k = 0; k < steps && r->step < r->c.steps; k++) {
        const float half = 0.5f * r->eps, noise = sqrtf(r->eps) * r->c.temperature;
        if (sf__langevin_step(sc, x, r->n, sigma, half, noise, &g)) {
            st = sf__fail(SF_EINVAL, "the score function failed at step %d", r->step + 1);
            break;
        }
        r->eps *= r->c.decay;
        r->step++;
        if (!sf__all_finite(x, size)) {
            st = sf__fail(SF_ENONFINITE, "a chain became NaN or infinite at step %d; try a smaller eps", r->step);
            break;
        }
    }
    r->rng[0] = g.state, r->rng[1] = g.inc;
    return st;
}

sf_langevin_config sf_langevin_config_default(int dataset) {
    sf_langevin_config c = {0.01f, 0.9f, 1.0f, 15, 0};
    if (dataset == SF_DATA_DIGITS) {
        c.eps = 0.05f, c.decay = 0.98f, c.temperature = 0.02f, c.steps = 50;
    }
    return c;
}
