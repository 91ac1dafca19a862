/* guide.c — classifier-free guidance (Ho & Salimans 2022) on a class-conditional score net:
 *
 *   s_w(x, σ, c) = (1 + w)·s(x, σ, c) − w·s(x, σ, ∅),
 *
 * the score of p(x | c)·p(c | x)^w, a sharper class-conditional density, from one net trained with
 * its labels dropped now and then (model.c, SF__LABEL_DROP). Samplers see it only through one adapter,
 * sf_guided_score, an sf_score_sigma_fn: whatever sampler takes such a function samples with guidance,
 * and none of them needs to know about labels.
 */
#include <stdlib.h>
#include <string.h>

#include "base/status.h"
#include "model.h"
#include "sample/sample.h"

sf_status sf_model_score_guided(sf_model *m, float *s, const float *x, int n, float sigma, int cls, float w) {
    if (!m) return sf__fail(SF_EINVAL, "model is NULL");
    if (!m->net.classes) return sf__fail(SF_EINVAL, "guidance needs a class-conditional model (classes > 0)");
    if (cls < -1 || cls >= m->net.classes)
        return sf__fail(SF_EINVAL, "class must be -1 (any) or 0..%d, got %d", m->net.classes - 1, cls);
    if (!sf__finite(w) || w < 0 || w > SF_MAX_GUIDANCE)
        return sf__fail(SF_EINVAL, "guidance must be in 0..%d, got %g", SF_MAX_GUIDANCE, (double)w);
    if (n < 0) return sf__fail(SF_EINVAL, "point count must be >= 0, got %d", n);
    if (n > 0 && (!s || !x)) return sf__fail(SF_EINVAL, "sf_model_score_guided: NULL argument");
    const int D = m->net.D;
    sf_status st = sf__model_score_class(m, s, x, n, sigma, -1);
    if (st != SF_OK || cls < 0) return st;
    /* The conditional score a chunk at a time, combined into s in place. */
    for (int n0 = 0; n0 < n; n0 += m->ws.rows) {
        int c = n - n0 < m->ws.rows ? n - n0 : m->ws.rows;
        m->score_class = cls;
        const float *sc = sf__model_score_sigma_chunk(m, x + (long)n0 * D, c, sigma);
        m->score_class = -1;
        float *sn = s + (long)n0 * D;
        for (long i = 0; i < (long)c * D; i++) sn[i] = (1.0f + w) * sc[i] - w * sn[i];
    }
    if (!sf__all_finite(s, (long)n * D)) return sf__fail(SF_ENONFINITE, "the guided score is not finite at some point");
    return SF_OK;
}

int sf_guided_score(void *ctx, float *s, const float *x, int n, int dim, float sigma) {
    const sf_guide *g = ctx;
    if (!g || !g->model || dim != g->model->net.D) return 1;
    return sf_model_score_guided(g->model, s, x, n, sigma, g->cls, g->guidance) != SF_OK;
}

/* SF_CLASS_PRIOR: chain i is drawn for class i mod K, so a run of n chains samples p(x) = Σ_c p(c)·p(x | c)
 * with p(c) the labels' shares (equal for the digits), each class's chains a run of their own (seed
 * ac->seed + c) gathered from x0 and scattered back into every kept frame. */
static sf_status anneal_prior(sf_model *m, float *out, const float *x0, int n, const sf_anneal_config *ac, int keep,
                              float w) {
    const int D = m->net.D, K = m->net.classes;
    const long frames = keep == SF_KEEP_ALL      ? (long)ac->levels * ac->steps + 1
                        : keep == SF_KEEP_LEVELS ? ac->levels + 1
                                                 : 1;
    const int per = (n + K - 1) / K;
    float *xc = malloc(sizeof(float) * (size_t)per * (size_t)D);
    float *oc = malloc(sizeof(float) * (size_t)frames * (size_t)per * (size_t)D);
    sf_status result = xc && oc ? SF_OK : sf__fail(SF_ENOMEM, "out of memory for %d chains", n);
    for (int c = 0; c < K && c < n && (result == SF_OK || result == SF_ENONFINITE); c++) {
        const int k = (n - c + K - 1) / K; /* chains c, c + K, c + 2K, … */
        for (int j = 0; j < k; j++) memcpy(xc + (long)j * D, x0 + ((long)j * K + c) * D, sizeof(float) * (size_t)D);
        sf_anneal_config acc = *ac;
        acc.seed = ac->seed + (uint64_t)c;
        sf_guide g = {m, c, w};
        sf_status st = sf_annealed_langevin_fn(sf_guided_score, &g, D, oc, xc, k, &acc, keep);
        if (st != SF_OK) result = st; /* SF_ENONFINITE: the chains are written all the same, as a run's are */
        if (st != SF_OK && st != SF_ENONFINITE) break;
        for (long f = 0; f < frames; f++)
            for (int j = 0; j < k; j++)
                memcpy(out + (f * n + (long)j * K + c) * D, oc + (f * k + j) * D, sizeof(float) * (size_t)D);
    }
    free(xc);
    free(oc);
    return result;
}

sf_status sf_annealed_langevin_guided(sf_model *m, float *out, const float *x0, int n, const sf_anneal_config *ac,
                                      int keep, int cls, float w) {
    if (!m) return sf__fail(SF_EINVAL, "model is NULL");
    sf_guide g = {m, cls, w};
    /* Check the class and guidance once, up front, so a bad one is named rather than reported as a
     * failing score function. */
    sf_status st = sf_model_score_guided(m, NULL, NULL, 0, 1.0f, cls == SF_CLASS_PRIOR ? 0 : cls, w);
    if (st != SF_OK) return st;
    if (cls == SF_CLASS_PRIOR) {
        if ((st = sf__anneal_check(ac, n, keep, out, x0)) != SF_OK) return st;
        return n == 0 ? SF_OK : anneal_prior(m, out, x0, n, ac, keep, w);
    }
    return sf_annealed_langevin_fn(sf_guided_score, &g, m->net.D, out, x0, n, ac, keep);
}
