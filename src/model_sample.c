/* model_sample.c — the adapter between a model and the samplers: it turns a model into an
 * sf__scorer (its workspace is the chunk; a noise-conditional net scores with its moving average)
 * so that sample/ never reads model internals, and holds the samplers' defaults that follow from
 * the training defaults. */
#include "base/status.h"
#include "model.h"
#include "sample/sample.h"

static const float *model_chunk(void *ctx, const float *x, int n, float sigma) {
    return sf__model_score_sigma_chunk(ctx, x, n, sigma);
}

static sf__scorer model_scorer(sf_model *m) {
    sf__scorer sc = {model_chunk, m, m->net.D, m->ws.rows};
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

sf_status sf_sde_sample(sf_model *m, float *out, const float *x0, int n, const sf_sde_config *c, int keep_all,
                        long long *nfe) {
    sf_status st = check_sde_model(m);
    if (st) return st;
    st = sf__sde_check(c, m->net.D, out, x0, n);
    if (st) return st;
    sf__scorer sc = model_scorer(m);
    return sf__sde_sample(&sc, out, x0, n, c, keep_all, nfe);
}
