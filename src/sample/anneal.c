/* anneal.c — annealed Langevin dynamics (Song & Ermon 2019, Algorithm 1), the noise ladder it walks
 * down, and the energy distance that scores what it produced.
 *
 * For each level i = 1 .. L of a geometric ladder σ₁ > … > σ_L, T steps of
 *   x ← x + α_i·s(x, σ_i) + √(2α_i)·z,  z ~ N(0, I),  α_i = ε·σ_i²/σ_L².
 * Large σ first: the blurred density is smooth and connects the modes, so chains find every mode in
 * proportion to its mass; each level then starts from where the last one left off. The step scales
 * with σ_i² so that the signal-to-noise ratio of a step is the same at every level (the paper's §4.3).
 *
 * Like langevin.c, the score is evaluated a chunk at a time and the noise drawn chain by chain in
 * order, so the chains do not depend on the chunk size.
 */
#include <math.h>
#include <string.h>

#include "base/fmath.h"
#include "base/status.h"
#include "base/streams.h"
#include "model.h"

#define SF__FN_CHUNK_FLOATS 4096 /* stack buffer for sf_annealed_langevin_fn: 16 KiB */

sf_status sf__check_ladder(int levels, float sigma_max, float sigma_min) {
    if (levels < 1 || levels > SF_MAX_LEVELS)
        return sf__fail(SF_EINVAL, "noise levels must be 1..%d, got %d", SF_MAX_LEVELS, levels);
    if (!sf__finite(sigma_max) || !sf__finite(sigma_min) || !(sigma_min > 0) || !(sigma_max >= sigma_min))
        return sf__fail(SF_EINVAL, "the noise ladder needs finite sigma_max >= sigma_min > 0, got %g and %g",
                        (double)sigma_max, (double)sigma_min);
    return SF_OK;
}

sf_status sf_noise_ladder(float *sigmas, int levels, float sigma_max, float sigma_min) {
    sf_status st = sf__check_ladder(levels, sigma_max, sigma_min);
    if (st) return st;
    if (!sigmas) return sf__fail(SF_EINVAL, "sf_noise_ladder: sigmas is NULL");
    /* σ_i = σ₁·(σ_L/σ₁)^((i−1)/(L−1)) through our own exp/log (same bits on every build); the ends are
     * set exactly rather than trusted to round-trip. */
    double lmax = sf__log(sigma_max), lmin = sf__log(sigma_min);
    for (int i = 0; i < levels; i++) {
        double f = levels > 1 ? (double)i / (levels - 1) : 0.0;
        sigmas[i] = (float)sf__exp(lmax + (lmin - lmax) * f);
    }
    sigmas[0] = sigma_max;
    if (levels > 1) sigmas[levels - 1] = sigma_min;
    return SF_OK;
}

sf_anneal_config sf_anneal_config_default(int dataset) {
    sf_train_config tc = sf_train_config_default(dataset);
    /* What sets the sampler's stability is ε/σ_L² = α_i/σ_i², the step relative to each level's
     * scale: the paper's toy experiment ran at 0.1 (ε 0.1, σ_L 1) and its images at 0.2 (ε 2e-5,
     * σ_L 0.01). The 2-D sets use 0.1 with their σ_L, the digits the image setting. */
    sf_anneal_config c = {
        tc.sigma_max, tc.sigma_min, tc.levels, 100, (float)(0.1 * (double)tc.sigma_min * tc.sigma_min), 0};
    if (dataset == SF_DATA_DIGITS) c.eps = 2e-5f;
    return c;
}

static sf_status check_config(const sf_anneal_config *ac, int n, int keep, const float *out, const float *x0) {
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

/* Scores of n points of a chunk at level sigma; a pointer to them (n, D), or NULL on failure. */
typedef const float *(*chunk_score)(void *ctx, const float *x, int n, float sigma);

static sf_status run(chunk_score score, void *ctx, int D, int chunk, float *out, const float *x0, int n,
                     const sf_anneal_config *ac, int keep) {
    const long size = (long)n * D;
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
            for (int c0 = 0; c0 < n; c0 += chunk) {
                int c = n - c0 < chunk ? n - c0 : chunk;
                float *xc = x + (long)c0 * D;
                const float *s = score(ctx, xc, c, sigma);
                if (!s) return sf__fail(SF_EINVAL, "the score function failed at level %d", level + 1);
                for (long i = 0; i < (long)c * D; i++) xc[i] = xc[i] + alpha * s[i] + noise * sf_rng_normal(&r);
            }
            if (!sf__all_finite(x, size))
                return sf__fail(SF_ENONFINITE, "a chain became NaN or infinite at level %d, step %d; try a smaller eps",
                                level + 1, t + 1);
        }
    }
    return SF_OK;
}

static const float *model_chunk(void *ctx, const float *x, int n, float sigma) {
    return sf__model_score_sigma_chunk(ctx, x, n, sigma);
}

sf_status sf_annealed_langevin(sf_model *m, float *out, const float *x0, int n, const sf_anneal_config *ac, int keep) {
    if (!m) return sf__fail(SF_EINVAL, "model is NULL");
    if (!m->nc.noise_conditional)
        return sf__fail(SF_EINVAL, "annealed Langevin needs a noise-conditional model (s(x, sigma))");
    sf_status st = check_config(ac, n, keep, out, x0);
    if (st) return st;
    return run(model_chunk, m, m->net.D, m->ws.rows, out, x0, n, ac, keep);
}

typedef struct fn_ctx {
    sf_score_sigma_fn fn;
    void *ctx;
    int dim;
    float s[SF__FN_CHUNK_FLOATS];
} fn_ctx;

static const float *fn_chunk(void *ctx, const float *x, int n, float sigma) {
    fn_ctx *f = ctx;
    return f->fn(f->ctx, f->s, x, n, f->dim, sigma) == 0 ? f->s : NULL;
}

sf_status sf_annealed_langevin_fn(sf_score_sigma_fn fn, void *ctx, int dim, float *out, const float *x0, int n,
                                  const sf_anneal_config *ac, int keep) {
    if (!fn) return sf__fail(SF_EINVAL, "score function is NULL");
    if (dim < 1 || dim > SF_MAX_DIM) return sf__fail(SF_EINVAL, "dimension must be 1..%d, got %d", SF_MAX_DIM, dim);
    sf_status st = check_config(ac, n, keep, out, x0);
    if (st) return st;
    fn_ctx f;
    f.fn = fn, f.ctx = ctx, f.dim = dim;
    return run(fn_chunk, &f, dim, SF__FN_CHUNK_FLOATS / dim, out, x0, n, ac, keep);
}

/* ---- Energy distance ------------------------------------------------------------------------- */

/* The mean Euclidean distance over pairs of rows of a (na, D) and b (nb, D); with same = 1 (a = b),
 * over the pairs i < j only (the diagonal's zeros would bias it). Sums in double. */
static double mean_distance(const float *a, int na, const float *b, int nb, int D, int same) {
    double total = 0.0;
    for (int i = 0; i < na; i++) {
        for (int j = same ? i + 1 : 0; j < nb; j++) {
            double d2 = 0.0;
            for (int d = 0; d < D; d++) {
                double t = (double)a[(long)i * D + d] - b[(long)j * D + d];
                d2 += t * t;
            }
            total += sqrt(d2);
        }
    }
    double pairs = same ? 0.5 * (double)na * (na - 1) : (double)na * nb;
    return total / pairs;
}

sf_status sf_energy_distance(double *out, const float *x, int n, const float *y, int m, int D) {
    if (!out || !x || !y) return sf__fail(SF_EINVAL, "sf_energy_distance: NULL argument");
    if (n < 2 || m < 2)
        return sf__fail(SF_EINVAL, "energy distance needs at least 2 points a side, got %d and %d", n, m);
    if (D < 1 || D > SF_MAX_DIM) return sf__fail(SF_EINVAL, "dimension must be 1..%d, got %d", SF_MAX_DIM, D);
    if (!sf__all_finite(x, (long)n * D) || !sf__all_finite(y, (long)m * D))
        return sf__fail(SF_EINVAL, "the samples contain NaN or infinity");
    *out = 2.0 * mean_distance(x, n, y, m, D, 0) - mean_distance(x, n, x, n, D, 1) - mean_distance(y, m, y, m, D, 1);
    return SF_OK;
}
