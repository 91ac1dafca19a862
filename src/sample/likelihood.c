/* likelihood.c — log p(x) through the probability-flow ODE of the VE SDE (scorefield.h's formula):
 * Heun from σ_min up to σ_max on EDM's ρ grid, integrating x and ∫ σ·∇·s dσ together, then the
 * Gaussian prior at σ_max. Points are solved a chunk at a time, each from its own start to its own
 * end, and Hutchinson's probes are drawn point by point, so the result does not depend on the chunk. */
#include <math.h>
#include <string.h>

#include "base/fmath.h"
#include "base/status.h"
#include "base/streams.h"
#include "noise/noise.h"
#include "sample/sample.h"

#define SF__LL_FLOATS 4096 /* each of the chunk buffers: 16 KiB */
#define SF__LOG_2PI   1.83787706640934548356

sf_likelihood_config sf_likelihood_config_default(int dataset) {
    sf_train_config tc = sf_train_config_default(dataset);
    sf_likelihood_config c = {100, tc.sigma_max, tc.sigma_min, 7.0f, sf_data_dim(dataset) <= 8 ? 0 : 1, 0};
    return c;
}

sf_status sf__likelihood_check(const sf_likelihood_config *c, int dim, const double *out, const float *x, int n) {
    if (!c) return sf__fail(SF_EINVAL, "likelihood config is NULL");
    if (c->steps < 1 || c->steps > SF_MAX_STEPS)
        return sf__fail(SF_EINVAL, "likelihood steps must be 1..%d, got %d", SF_MAX_STEPS, c->steps);
    sf_status st = sf__check_ladder(1, c->sigma_max, c->sigma_min);
    if (st) return st;
    if (!sf__finite(c->rho) || !(c->rho >= 1))
        return sf__fail(SF_EINVAL, "rho must be finite and >= 1, got %g", (double)c->rho);
    if (c->probes < 0 || c->probes > SF_MAX_PROJ)
        return sf__fail(SF_EINVAL, "probes must be 0 (exact) .. %d, got %d", SF_MAX_PROJ, c->probes);
    if (dim < 1 || dim > SF_MAX_DIM) return sf__fail(SF_EINVAL, "dimension must be 1..%d, got %d", SF_MAX_DIM, dim);
    if (c->probes * dim > SF__LL_FLOATS)
        return sf__fail(SF_EINVAL, "probes x dimension must be <= %d, got %d x %d", SF__LL_FLOATS, c->probes, dim);
    if (n < 0) return sf__fail(SF_EINVAL, "point count must be >= 0, got %d", n);
    if (n > 0 && (!out || !x)) return sf__fail(SF_EINVAL, "likelihood: out and x must not be NULL");
    if (!sf__all_finite(x, (long)n * dim)) return sf__fail(SF_EINVAL, "the points contain NaN or infinity");
    return SF_OK;
}

/* σ_j = (σ_min^(1/ρ) + j/N·(σ_max^(1/ρ) − σ_min^(1/ρ)))^ρ, j = 0 .. N, ends exact. */
static float grid_up(const sf_likelihood_config *c, int j) {
    if (j <= 0) return c->sigma_min;
    if (j >= c->steps) return c->sigma_max;
    const double a = sf__exp(sf__log(c->sigma_min) / c->rho), b = sf__exp(sf__log(c->sigma_max) / c->rho);
    return (float)sf__exp(c->rho * sf__log(a + (double)j / c->steps * (b - a)));
}

sf_status sf__log_likelihood(const sf__div_scorer *sc, double *out, const float *x, int n,
                             const sf_likelihood_config *c, long long first) {
    const int D = sc->dim, K = c->probes;
    int chunk = SF__LL_FLOATS / (D * (K > 0 ? K : 1));
    if (chunk > sc->chunk) chunk = sc->chunk;
    if (chunk > 256) chunk = 256;
    float xc[SF__LL_FLOATS], xp[SF__LL_FLOATS], s1[SF__LL_FLOATS], s2[SF__LL_FLOATS], v[SF__LL_FLOATS];
    float d1[256], d2[256];
    double integral[256];
    sf_rng r;
    sf_rng_seed(&r, c->seed, SF__STREAM_SAMPLER);
    for (long long i = 0; i < first * K * D; i++) (void)sf_rng_normal(&r);
    for (int c0 = 0; c0 < n; c0 += chunk) {
        const int m = n - c0 < chunk ? n - c0 : chunk;
        const long len = (long)m * D;
        memcpy(xc, x + (long)c0 * D, sizeof(float) * (size_t)len);
        for (int i = 0; i < m; i++) {
            integral[i] = 0.0;
            for (int k = 0; k < K; k++)
                for (int d = 0; d < D; d++) v[((long)k * m + i) * D + d] = sf_rng_normal(&r);
        }
        const float *probes = K > 0 ? v : NULL;
        for (int j = 0; j < c->steps; j++) {
            const float sa = grid_up(c, j), sb = grid_up(c, j + 1), h = sb - sa;
            if (sc->eval(sc->ctx, xc, m, sa, probes, K, s1, d1)) goto failed;
            for (long i = 0; i < len; i++) xp[i] = xc[i] + h * (-sa * s1[i]);
            if (sc->eval(sc->ctx, xp, m, sb, probes, K, s2, d2)) goto failed;
            for (long i = 0; i < len; i++) xc[i] = xc[i] + h * (0.5f * (-sa * s1[i] + -sb * s2[i]));
            for (int i = 0; i < m; i++) integral[i] += 0.5 * (double)h * ((double)sa * d1[i] + (double)sb * d2[i]);
            if (!sf__all_finite(xc, len))
                return sf__fail(SF_ENONFINITE, "a path became NaN or infinite at step %d of %d", j + 1, c->steps);
        }
        const double var = (double)c->sigma_max * c->sigma_max;
        for (int i = 0; i < m; i++) {
            double q = 0;
            for (int d = 0; d < D; d++) q += (double)xc[(long)i * D + d] * xc[(long)i * D + d];
            out[c0 + i] = -0.5 * q / var - 0.5 * D * (SF__LOG_2PI + sf__log(var)) - integral[i];
        }
    }
    return SF_OK;
failed:
    return sf__fail(SF_EINVAL, "the score function failed");
}

typedef struct fn_ctx {
    sf_score_sigma_fn fn;
    void *ctx;
    int dim;
    float xs[SF__LL_FLOATS], sp[SF__LL_FLOATS], sm[SF__LL_FLOATS];
} fn_ctx;

/* The exact divergence by central differences, one coordinate at a time over the chunk. */
static int fn_eval(void *ctx, const float *x, int n, float sigma, const float *v, int K, float *s, float *div) {
    fn_ctx *f = ctx;
    const int D = f->dim;
    (void)v, (void)K;
    if (f->fn(f->ctx, s, x, n, D, sigma)) return 1;
    for (int i = 0; i < n; i++) div[i] = 0.0f;
    memcpy(f->xs, x, sizeof(float) * (size_t)n * (size_t)D);
    for (int d = 0; d < D; d++) {
        float hs[256];
        for (int i = 0; i < n; i++) {
            const float x0 = x[(long)i * D + d], hh = 2e-3f * (fabsf(x0) > sigma ? fabsf(x0) : sigma);
            hs[i] = hh;
            f->xs[(long)i * D + d] = x0 + hh;
        }
        if (f->fn(f->ctx, f->sp, f->xs, n, D, sigma)) return 1;
        for (int i = 0; i < n; i++) f->xs[(long)i * D + d] = x[(long)i * D + d] - hs[i];
        if (f->fn(f->ctx, f->sm, f->xs, n, D, sigma)) return 1;
        for (int i = 0; i < n; i++) {
            const long at = (long)i * D + d;
            const float up = x[at] + hs[i], down = x[at] - hs[i];
            div[i] += (f->sp[at] - f->sm[at]) / (up - down);
            f->xs[at] = x[at];
        }
    }
    return 0;
}

sf_status sf_log_likelihood_fn(sf_score_sigma_fn fn, void *ctx, int dim, double *out, const float *x, int n,
                               const sf_likelihood_config *c) {
    if (!fn) return sf__fail(SF_EINVAL, "score function is NULL");
    sf_status st = sf__likelihood_check(c, dim, out, x, n);
    if (st) return st;
    if (c->probes != 0) return sf__fail(SF_EINVAL, "a score function's likelihood takes probes 0, got %d", c->probes);
    static fn_ctx f; /* 48 KiB: off the stack */
    f.fn = fn, f.ctx = ctx, f.dim = dim;
    sf__div_scorer sc = {fn_eval, &f, dim, SF__LL_FLOATS / dim};
    return sf__log_likelihood(&sc, out, x, n, c, 0);
}

sf_status sf_likelihood_summary(double *out, const double *logp, int n, int dim) {
    if (!out || !logp) return sf__fail(SF_EINVAL, "sf_likelihood_summary: NULL argument");
    if (n < 1) return sf__fail(SF_EINVAL, "likelihood summary needs at least 1 value, got %d", n);
    if (dim < 1 || dim > SF_MAX_DIM) return sf__fail(SF_EINVAL, "dimension must be 1..%d, got %d", SF_MAX_DIM, dim);
    double mean = 0;
    for (int i = 0; i < n; i++) {
        if (!isfinite(logp[i])) return sf__fail(SF_EINVAL, "log p[%d] is not finite: %g", i, logp[i]);
        mean += logp[i];
    }
    mean /= n;
    double ss = 0;
    for (int i = 0; i < n; i++) ss += (logp[i] - mean) * (logp[i] - mean);
    const double se = n > 1 ? sqrt(ss / (n - 1) / n) : 0.0, bits = dim * 0.69314718055994530942;
    out[0] = mean, out[1] = se, out[2] = -mean / bits, out[3] = se / bits;
    return SF_OK;
}

sf_status sf_gaussian_fit(double *fit, const float *x, int n, int dim) {
    if (!fit || !x) return sf__fail(SF_EINVAL, "sf_gaussian_fit: NULL argument");
    if (dim < 1 || dim > SF_MAX_DIM) return sf__fail(SF_EINVAL, "dimension must be 1..%d, got %d", SF_MAX_DIM, dim);
    if (n < 2) return sf__fail(SF_EINVAL, "a Gaussian fit needs at least 2 points, got %d", n);
    for (long i = 0; i < (long)n * dim; i++)
        if (!sf__finite(x[i])) return sf__fail(SF_EINVAL, "point %ld of the fit is not finite", i / dim);
    double *mu = fit + 1, *L = fit + 1 + dim;
    for (int d = 0; d < dim; d++) mu[d] = 0;
    for (int i = 0; i < n; i++)
        for (int d = 0; d < dim; d++) mu[d] += x[(long)i * dim + d];
    for (int d = 0; d < dim; d++) mu[d] /= n;
    /* C into L's lower triangle, then factored in place (Cholesky–Banachiewicz, row by row). */
    for (int a = 0; a < dim; a++)
        for (int b = 0; b < dim; b++) L[a * dim + b] = 0;
    for (int i = 0; i < n; i++) {
        const float *xi = x + (long)i * dim;
        for (int a = 0; a < dim; a++)
            for (int b = 0; b <= a; b++) L[a * dim + b] += (xi[a] - mu[a]) * (xi[b] - mu[b]);
    }
    double log_det = 0;
    for (int a = 0; a < dim; a++)
        for (int b = 0; b <= a; b++) {
            double v = L[a * dim + b] / (n - 1);
            for (int k = 0; k < b; k++) v -= L[a * dim + k] * L[b * dim + k];
            if (a == b) {
                if (!(v > 0))
                    return sf__fail(SF_EINVAL,
                                    "the covariance of the %d points is not positive definite (pivot %g at "
                                    "dimension %d): they lie on a line or a plane",
                                    n, v, a);
                L[a * dim + a] = sqrt(v);
                log_det += 2 * sf__log(L[a * dim + a]);
            } else {
                L[a * dim + b] = v / L[b * dim + b];
            }
        }
    fit[0] = log_det;
    return SF_OK;
}

sf_status sf_gaussian_log_density(double *out, const double *fit, const float *x, int n, int dim) {
    if (!fit) return sf__fail(SF_EINVAL, "sf_gaussian_log_density: the fit is NULL");
    if (dim < 1 || dim > SF_MAX_DIM) return sf__fail(SF_EINVAL, "dimension must be 1..%d, got %d", SF_MAX_DIM, dim);
    if (n < 0) return sf__fail(SF_EINVAL, "point count must be >= 0, got %d", n);
    if (n > 0 && (!out || !x)) return sf__fail(SF_EINVAL, "sf_gaussian_log_density: NULL argument");
    const double *mu = fit + 1, *L = fit + 1 + dim;
    if (!isfinite(fit[0])) return sf__fail(SF_EINVAL, "the fit's log det is not finite: %g", fit[0]);
    for (int d = 0; d < dim; d++)
        if (!(L[d * dim + d] > 0) || !isfinite(L[d * dim + d]))
            return sf__fail(SF_EINVAL, "the fit's Cholesky factor has pivot %g at dimension %d", L[d * dim + d], d);
    if (!sf__all_finite(x, (long)n * dim)) return sf__fail(SF_EINVAL, "the points contain NaN or infinity");
    double z[SF_MAX_DIM];
    for (int i = 0; i < n; i++) {
        const float *xi = x + (long)i * dim;
        double q = 0;
        for (int a = 0; a < dim; a++) { /* L z = x − μ, forward substitution */
            double v = xi[a] - mu[a];
            for (int k = 0; k < a; k++) v -= L[a * dim + k] * z[k];
            z[a] = v / L[a * dim + a];
            q += z[a] * z[a];
        }
        out[i] = -0.5 * (q + fit[0] + dim * SF__LOG_2PI);
    }
    return SF_OK;
}
