/* sde.c — samplers of the variance-exploding score SDE (Song et al. 2021) and EDM's (Karras et al.
 * 2022), on any scorer: reverse SDE, predictor–corrector, probability-flow ODE by Euler and by Heun,
 * and EDM's stochastic Heun. scorefield.h gives each update; this file walks the σ grid.
 *
 * A run advances a chunk of steps at a time (sf_sde_begin, then sf_sde_step until step == steps).
 * Within a step every noise draw of chain j comes before chain j + 1's, and the corrector's draws of
 * all chains before the predictor's, so the chains depend neither on the scorer's chunk size nor on
 * how the run is cut into calls.
 */
#include <math.h>
#include <string.h>

#include "base/fmath.h"
#include "base/status.h"
#include "base/streams.h"
#include "noise/noise.h"
#include "sample/sample.h"

#define SF__SQRT2_MINUS_1 0.41421356f

sf_sde_config sf_sde_config_default(int dataset, int sampler) {
    sf_train_config tc = sf_train_config_default(dataset);
    sf_sde_config c = {sampler, 100, tc.sigma_max, tc.sigma_min, 0.16f, 7.0f, 10.0f, 0};
    return c;
}

static sf_status check_config(const sf_sde_config *c, int n) {
    if (!c) return sf__fail(SF_EINVAL, "sampler config is NULL");
    if (c->sampler <= SF_SAMPLER_ANNEALED || c->sampler >= SF_SAMPLER_COUNT)
        return sf__fail(SF_EINVAL, "unknown SDE sampler id %d (annealed Langevin has its own call)", c->sampler);
    if (c->steps < 1 || c->steps > SF_MAX_STEPS)
        return sf__fail(SF_EINVAL, "sampler steps must be 1..%d, got %d", SF_MAX_STEPS, c->steps);
    sf_status st = sf__check_ladder(1, c->sigma_max, c->sigma_min);
    if (st) return st;
    if (!sf__finite(c->snr) || !(c->snr > 0))
        return sf__fail(SF_EINVAL, "snr must be finite and > 0, got %g", (double)c->snr);
    if (!sf__finite(c->rho) || !(c->rho >= 1))
        return sf__fail(SF_EINVAL, "rho must be finite and >= 1, got %g", (double)c->rho);
    if (!sf__finite(c->churn) || !(c->churn >= 0))
        return sf__fail(SF_EINVAL, "churn must be finite and >= 0, got %g", (double)c->churn);
    if (n < 0) return sf__fail(SF_EINVAL, "chain count must be >= 0, got %d", n);
    return SF_OK;
}

/* σ_i of the run's grid, i = 0 .. N; σ_N = 0. The SDE and PC walk the geometric grid, the ODE and
 * EDM samplers EDM's ρ grid, through our own exp/log (same bits on every build), ends exact. */
static float grid(const sf_sde_config *c, int i) {
    const int N = c->steps;
    if (i >= N) return 0.0f;
    if (i == 0) return c->sigma_max;
    if (i == N - 1) return c->sigma_min;
    const double f = (double)i / (N - 1), lmax = sf__log(c->sigma_max), lmin = sf__log(c->sigma_min);
    if (c->sampler == SF_SAMPLER_SDE || c->sampler == SF_SAMPLER_PC) return (float)sf__exp(lmax + (lmin - lmax) * f);
    const double a = sf__exp(lmax / c->rho), b = sf__exp(lmin / c->rho);
    return (float)sf__exp(c->rho * sf__log(a + f * (b - a)));
}

static void rng_load(sf_rng *g, const sf_sde_run *r) { g->state = r->rng[0], g->inc = r->rng[1]; }
static void rng_save(sf_sde_run *r, const sf_rng *g) { r->rng[0] = g->state, r->rng[1] = g->inc; }

sf_status sf_sde_grid(float *sigmas, const sf_sde_config *c) {
    sf_status st = check_config(c, 0);
    if (st) return st;
    if (!sigmas) return sf__fail(SF_EINVAL, "sf_sde_grid: sigmas is NULL");
    for (int i = 0; i <= c->steps; i++) sigmas[i] = grid(c, i);
    return SF_OK;
}

sf_status sf__sde_check(const sf_sde_config *c, int dim, float *x, const float *x0, int n) {
    sf_status st = check_config(c, n);
    if (st) return st;
    if (dim < 1 || dim > SF_MAX_DIM) return sf__fail(SF_EINVAL, "dimension must be 1..%d, got %d", SF_MAX_DIM, dim);
    if (n > 0 && !x) return sf__fail(SF_EINVAL, "sampler: x must not be NULL");
    if (x0 && !sf__all_finite(x0, (long)n * dim))
        return sf__fail(SF_EINVAL, "the start points contain NaN or infinity");
    return SF_OK;
}

sf_status sf_sde_begin(sf_sde_run *r, const sf_sde_config *c, int dim, float *x, const float *x0, int n) {
    if (!r) return sf__fail(SF_EINVAL, "sf_sde_begin: run is NULL");
    sf_status st = sf__sde_check(c, dim, x, x0, n);
    if (st) return st;
    memset(r, 0, sizeof *r);
    r->c = *c, r->dim = dim, r->n = n;
    sf__run_start(x, x0, n, dim, c->seed, c->sigma_max, r->rng);
    return SF_OK;
}

/* One Heun step of every chain from sigma to next (Karras Alg. 1's body), after EDM's churn when
 * gamma > 0. buf holds a chunk's d and x'. */
static sf_status heun(const sf__scorer *sc, float *x, int n, float sigma, float next, float gamma, int second,
                      sf_rng *g) {
    const int D = sc->dim;
    const int chunk = sc->chunk < SF__FN_CHUNK_FLOATS / D ? sc->chunk : SF__FN_CHUNK_FLOATS / D;
    float d1[SF__FN_CHUNK_FLOATS], xp[SF__FN_CHUNK_FLOATS];
    float hat = sigma;
    if (gamma > 0) hat = sigma * (1.0f + gamma);
    const float lift = gamma > 0 ? sqrtf(hat * hat - sigma * sigma) : 0.0f, h = next - hat;
    for (int c0 = 0; c0 < n; c0 += chunk) {
        int c = n - c0 < chunk ? n - c0 : chunk;
        const long len = (long)c * D;
        float *xc = x + (long)c0 * D;
        if (gamma > 0)
            for (long i = 0; i < len; i++) xc[i] = xc[i] + lift * sf_rng_normal(g);
        const float *s = sc->score(sc->ctx, xc, c, hat);
        if (!s) return SF_EINVAL;
        for (long i = 0; i < len; i++) {
            d1[i] = -hat * s[i];
            xp[i] = xc[i] + h * d1[i];
        }
        if (!second || next <= 0) {
            memcpy(xc, xp, sizeof(float) * (size_t)len);
            continue;
        }
        s = sc->score(sc->ctx, xp, c, next);
        if (!s) return SF_EINVAL;
        for (long i = 0; i < len; i++) xc[i] = xc[i] + h * (0.5f * (d1[i] + -next * s[i]));
    }
    return SF_OK;
}

sf_status sf__sde_advance(sf_sde_run *r, const sf__scorer *sc, float *x, int steps) {
    if (steps < 0) return sf__fail(SF_EINVAL, "steps must be >= 0, got %d", steps);
    const sf_sde_config *c = &r->c;
    const int n = r->n, N = c->steps;
    const long size = (long)n * r->dim;
    sf_rng g;
    rng_load(&g, r);
    sf_status st = SF_OK;
    for (int k = 0; k < steps && r->step < N; k++) {
        const int i = r->step;
        const float sigma = grid(c, i), next = grid(c, i + 1);
        switch (c->sampler) {
        case SF_SAMPLER_PC:
        case SF_SAMPLER_SDE: {
            if (c->sampler == SF_SAMPLER_PC) {
                /* Langevin at σ_i with ε = 2(snr·σ_i)²: Song et al.'s 2(snr·‖z‖/‖s‖)² with the norms'
                 * expectations (E‖z‖² = D, E‖s(x, σ)‖² ≈ D/σ²), so one chain's step never depends on
                 * another's nor blows up where its own score vanishes. */
                const float eps = 2.0f * (c->snr * sigma) * (c->snr * sigma);
                st = sf__langevin_step(sc, x, n, sigma, eps, sqrtf(2.0f * eps), &g);
                r->nfe++;
                if (st) break;
            }
            const float g2 = sigma * sigma - next * next;
            st = sf__langevin_step(sc, x, n, sigma, g2, next > 0 ? sqrtf(g2) : 0.0f, &g);
            r->nfe++;
            break;
        }
        case SF_SAMPLER_ODE_EULER:
            st = heun(sc, x, n, sigma, next, 0.0f, 0, &g);
            r->nfe++;
            break;
        default: { /* ODE Heun, EDM */
            float gamma = 0.0f;
            if (c->sampler == SF_SAMPLER_EDM) {
                gamma = c->churn / (float)N;
                if (gamma > SF__SQRT2_MINUS_1) gamma = SF__SQRT2_MINUS_1;
            }
            st = heun(sc, x, n, sigma, next, gamma, 1, &g);
            r->nfe += next > 0 ? 2 : 1;
            break;
        }
        }
        if (st) {
            rng_save(r, &g);
            return sf__fail(SF_EINVAL, "the score function failed at step %d", i + 1);
        }
        r->step++;
        if (!sf__all_finite(x, size)) {
            rng_save(r, &g);
            return sf__fail(SF_ENONFINITE, "a chain became NaN or infinite at step %d of %d", i + 1, N);
        }
    }
    rng_save(r, &g);
    return SF_OK;
}

sf_status sf__sde_sample(const sf__scorer *sc, float *out, const float *x0, int n, const sf_sde_config *c, int keep_all,
                         long long *nfe) {
    sf_sde_run r;
    sf_status st = sf_sde_begin(&r, c, sc->dim, out, x0, n);
    if (st) return st;
    const long size = (long)n * sc->dim;
    float *x = out;
    while (r.step < c->steps) {
        if (keep_all) {
            memcpy(x + size, x, sizeof(float) * (size_t)size);
            x += size;
        }
        st = sf__sde_advance(&r, sc, x, 1);
        if (st) break;
    }
    if (nfe) *nfe = r.nfe;
    return st;
}

sf_status sf_sde_step_fn(sf_sde_run *r, sf_score_sigma_fn fn, void *ctx, float *x, int steps) {
    if (!r || !fn || (r->n > 0 && !x)) return sf__fail(SF_EINVAL, "sf_sde_step_fn: NULL argument");
    sf__fn_scorer f;
    sf__scorer sc = sf__fn_scorer_init(&f, fn, NULL, ctx, r->dim);
    return sf__sde_advance(r, &sc, x, steps);
}

sf_status sf_sde_sample_fn(sf_score_sigma_fn fn, void *ctx, int dim, float *out, const float *x0, int n,
                           const sf_sde_config *c, int keep_all, long long *nfe) {
    if (!fn) return sf__fail(SF_EINVAL, "score function is NULL");
    sf_status st = sf__sde_check(c, dim, out, x0, n);
    if (st) return st;
    sf__fn_scorer f;
    sf__scorer sc = sf__fn_scorer_init(&f, fn, NULL, ctx, dim);
    return sf__sde_sample(&sc, out, x0, n, c, keep_all, nfe);
}
