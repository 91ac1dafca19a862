/* model_sample.c — the adapter between a model and the samplers: it turns a model into an
 * sf__scorer (its workspace is the chunk; a noise-conditional net scores with its moving average)
 * so that sample/ never reads model internals, and holds the samplers' defaults that follow from
 * the training defaults. */
#include <string.h>

#include "base/status.h"
#include "model.h"
#include "net/cond.h"
#include "sample/sample.h"

static const float *model_chunk(void *ctx, const float *x, int n, float sigma) {
    return sf__model_score_par(ctx, x, n, sigma);
}

static const float *model_chunk_noise(void *ctx, const float *x, int n, float sigma, sf_rng *r, const float **z) {
    return sf__model_score_noise(ctx, x, n, sigma, r, z);
}

static sf__scorer model_scorer(sf_model *m) {
    sf__scorer sc = {model_chunk, m, m->net.D, sf__model_score_points(m), model_chunk_noise};
    return sc;
}

sf_status sf_langevin(sf_model *m, float *out, const float *x0, int n, const sf_langevin_config *lc, int keep_all) {
    if (!m) return sf__fail(SF_EINVAL, "model is NULL");
    sf_status st = sf__langevin_check(lc, n, out, x0);
    if (st) return st;
    sf__scorer sc = model_scorer(m);
    /* A noise-conditional model scores at σ_L, as sf_model_score does. */
    return sf__langevin_run(&sc, m->tc.sigma_min, out, x0, n, lc, keep_all);
}

sf_status sf_langevin_step(sf_langevin_run *r, sf_model *m, float *x, int steps) {
    if (!m) return sf__fail(SF_EINVAL, "model is NULL");
    if (!r || (r->n > 0 && !x)) return sf__fail(SF_EINVAL, "sf_langevin_step: NULL argument");
    if (r->dim != m->net.D)
        return sf__fail(SF_EINVAL, "the run has dimension %d but the model's is %d", r->dim, m->net.D);
    sf__scorer sc = model_scorer(m);
    return sf__langevin_advance(r, &sc, m->tc.sigma_min, x, steps);
}

sf_status sf_annealed_langevin(sf_model *m, float *out, const float *x0, int n, const sf_anneal_config *ac, int keep) {
    if (!m) return sf__fail(SF_EINVAL, "model is NULL");
    if (!m->nc.noise_conditional)
        return sf__fail(SF_EINVAL, "annealed Langevin needs a noise-conditional model (s(x, sigma))");
    sf_status st = sf__anneal_check(ac, n, keep, out, x0);
    if (st) return st;
    sf__scorer sc = model_scorer(m);
    return sf__anneal_run(&sc, out, x0, n, ac, keep);
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

static sf_status check_sde_model(const sf_model *m) {
    if (!m) return sf__fail(SF_EINVAL, "model is NULL");
    if (!m->nc.noise_conditional)
        return sf__fail(SF_EINVAL, "the SDE samplers need a noise-conditional model (s(x, sigma))");
    return SF_OK;
}

sf_status sf_sde_step(sf_sde_run *r, sf_model *m, float *x, int steps) {
    sf_status st = check_sde_model(m);
    if (st) return st;
    if (!r || (r->n > 0 && !x)) return sf__fail(SF_EINVAL, "sf_sde_step: NULL argument");
    if (r->dim != m->net.D)
        return sf__fail(SF_EINVAL, "the run has dimension %d but the model's is %d", r->dim, m->net.D);
    sf__scorer sc = model_scorer(m);
    return sf__sde_advance(r, &sc, x, steps);
}

sf_status sf_anneal_step(sf_anneal_run *r, sf_model *m, float *x, int steps) {
    if (!m) return sf__fail(SF_EINVAL, "model is NULL");
    if (!m->nc.noise_conditional)
        return sf__fail(SF_EINVAL, "annealed Langevin needs a noise-conditional model (s(x, sigma))");
    if (!r || (r->n > 0 && !x)) return sf__fail(SF_EINVAL, "sf_anneal_step: NULL argument");
    if (r->dim != m->net.D)
        return sf__fail(SF_EINVAL, "the run has dimension %d but the model's is %d", r->dim, m->net.D);
    sf__scorer sc = model_scorer(m);
    return sf__anneal_advance(r, &sc, x, steps);
}

sf_status sf_sde_sample(sf_model *m, float *out, const float *x0, int n, const sf_sde_config *c, int keep_all,
                        long long *nfe) {
    sf_status st = check_sde_model(m);
    if (st) return st;
    st = sf__sde_check(c, m->net.D, out, x0, n);
    if (st) return st;
    sf__scorer sc = model_scorer(m);
    return sf__sde_sample(&sc, out, x0, n, c, keep_all, nfe);
}

/* s and the divergence of a noise-conditional model at level sigma, by one forward pass of n points
 * with K tangents: the unit vectors (exact: ∇·s = D·a + b·Σ_d (J_F e_d)_d) or the probes v (K, n, D)
 * (vᵀ(∂s/∂x)v = a·vᵀv + b·vᵀJ_F v, averaged over k). */
static int model_div(void *ctx, const float *x, int n, float sigma, const float *v, int K, float *s, float *div) {
    sf_model *m = ctx;
    const int D = m->net.D, in0 = m->net.in[0], Kt = v ? K : D;
    float *h0 = m->ws.h[0];
    float e[SF_MAX_DIM];
    for (int i = 0; i < n; i++) sf__cond_input(h0 + (long)i * in0, x + (long)i * D, D, sigma);
    for (int k = 0; k < Kt; k++) {
        if (!v) {
            memset(e, 0, sizeof(float) * (size_t)D);
            e[k] = 1.0f;
        }
        for (int i = 0; i < n; i++)
            sf__cond_input_tangent(h0 + ((long)(1 + k) * n + i) * in0, h0 + (long)i * in0,
                                   v ? v + ((long)k * n + i) * D : e, D, sigma);
    }
    sf__mlp_forward(&m->net, m->k, m->ema, &m->ws, n, Kt, 1);
    const float *out = m->ws.h[m->net.L];
    float a, b;
    sf__cond_output(&a, &b, sigma);
    for (long i = 0; i < (long)n * D; i++) s[i] = a * x[i] + b * out[i];
    for (int i = 0; i < n; i++) {
        double t = 0;
        if (!v) {
            for (int k = 0; k < D; k++) t += out[((long)(1 + k) * n + i) * D + k];
            div[i] = (float)(D * (double)a + b * t);
        } else {
            for (int k = 0; k < K; k++) {
                const float *vk = v + ((long)k * n + i) * D, *jk = out + ((long)(1 + k) * n + i) * D;
                for (int d = 0; d < D; d++) t += (double)vk[d] * (a * vk[d] + b * jk[d]);
            }
            div[i] = (float)(t / K);
        }
    }
    return 0;
}

sf_status sf_log_likelihood(sf_model *m, double *out, const float *x, int n, const sf_likelihood_config *c) {
    return sf_log_likelihood_at(m, out, x, n, c, 0);
}

sf_status sf_log_likelihood_at(sf_model *m, double *out, const float *x, int n, const sf_likelihood_config *c,
                               long long first) {
    if (first < 0) return sf__fail(SF_EINVAL, "first point index must be >= 0, got %lld", first);
    sf_status st = check_sde_model(m);
    if (st) return st;
    st = sf__likelihood_check(c, m->net.D, out, x, n);
    if (st) return st;
    const int K = c->probes > 0 ? c->probes : m->net.D;
    sf__div_scorer sc = {model_div, m, m->net.D, m->ws.rows / (1 + K)};
    return sf__log_likelihood(&sc, out, x, n, c, first);
}
