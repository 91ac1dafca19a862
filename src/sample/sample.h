/* sample.h — the samplers' private interface (the public one is scorefield.h's sampling sections).
 *
 * A sampler sees the score only through an sf__scorer: a function that scores a chunk of at most
 * `chunk` points of dimension `dim` at a noise level σ. sample/ knows nothing of models: the adapter
 * model_sample.c turns a model into a scorer (its workspace is the chunk), and the _fn samplers wrap
 * a public score function (a stack buffer is the chunk). The layers: noise/ below model/ and sample/;
 * model_sample.c above both.
 */
#ifndef SF_SAMPLE_H
#define SF_SAMPLE_H

#include "base/rng.h"
#include "scorefield.h"

/* Scores of n <= chunk points x (n, dim) at level sigma (a scorer without levels ignores it): a
 * pointer to them (n, dim), valid until the next call, or NULL on failure. */
typedef const float *(*sf__chunk_score)(void *ctx, const float *x, int n, float sigma);

/* Optional: the scores as sf__chunk_score gives them, and n·dim normals drawn from r into *z as
 * sf_rng_fill_normal(r, *z, n·dim, 1) draws them, or *z NULL when it drew none (a model on threads
 * draws them on one thread while the others score: model_sample.c). */
typedef const float *(*sf__chunk_score_noise)(void *ctx, const float *x, int n, float sigma, sf_rng *r,
                                              const float **z);

typedef struct sf__scorer {
    sf__chunk_score score;
    void *ctx;
    int dim;                           /* D */
    int chunk;                         /* the most points one call of score takes, >= 1 */
    sf__chunk_score_noise score_noise; /* NULL: the stepper draws the normals itself */
} sf__scorer;

/* Floats of the stack buffer a score-function scorer evaluates into: 16 KiB, 4096/dim points a call. */
#define SF__FN_CHUNK_FLOATS 4096

/* A public score function as a scorer (fn_scorer.c): fn with noise levels, or plain without (the other
 * NULL), scoring into s. Lives in the caller's frame for the duration of one sampler call. */
typedef struct sf__fn_scorer {
    sf_score_sigma_fn fn;
    sf_score_fn plain;
    void *ctx;
    int dim;
    float s[SF__FN_CHUNK_FLOATS];
} sf__fn_scorer;

/* The scorer over f, after filling f (dim 1..SF_MAX_DIM: the caller has checked it). */
sf__scorer sf__fn_scorer_init(sf__fn_scorer *f, sf_score_sigma_fn fn, sf_score_fn plain, void *ctx, int dim);

/* One Langevin step of all n chains x (n, D), in place, the score evaluated a chunk at a time:
 *   x ← x + drift·s(x, σ) + noise·z,  z ~ N(0, I) drawn from r chain by chain in order,
 * so the result does not depend on the chunk size. Plain Langevin (drift ε/2, noise √ε·T) and
 * annealed Langevin (drift α_i, noise √(2α_i)) both step with it. SF_EINVAL if the scorer fails. */
sf_status sf__langevin_step(const sf__scorer *sc, float *x, int n, float sigma, float drift, float noise, sf_rng *r);

/* sf_langevin's checks and run on a scorer, the score taken at level sigma. */
sf_status sf__langevin_check(const sf_langevin_config *lc, int n, const float *out, const float *x0);
sf_status sf__langevin_run(const sf__scorer *sc, float sigma, float *out, const float *x0, int n,
                           const sf_langevin_config *lc, int keep_all);

/* Steps of a plain Langevin run (sf_langevin_run) on a scorer, the score taken at level sigma. */
sf_status sf__langevin_advance(sf_langevin_run *r, const sf__scorer *sc, float sigma, float *x, int steps);

/* The start of a chunked sampler run (sf_sde_begin, sf_anneal_begin): x (n, D) = x0 when given, else
 * draws of the prior N(0, sigma_max² I) from the sampler's stream of seed; rng receives the generator
 * after them, where the run's own noise continues. */
void sf__run_start(float *x, const float *x0, int n, int dim, uint64_t seed, float sigma_max, uint64_t rng[2]);

/* sf_annealed_langevin's checks and run on a scorer. */
sf_status sf__anneal_check(const sf_anneal_config *ac, int n, int keep, const float *out, const float *x0);
sf_status sf__anneal_run(const sf__scorer *sc, float *out, const float *x0, int n, const sf_anneal_config *ac,
                         int keep);

/* Steps of an annealed run (sf_anneal_run) on a scorer. */
sf_status sf__anneal_advance(sf_anneal_run *r, const sf__scorer *sc, float *x, int steps);

/* The SDE samplers on a scorer (sde.c): the checks of sf_sde_begin, steps of a run, a whole run. */
sf_status sf__sde_check(const sf_sde_config *c, int dim, float *x, const float *x0, int n);
sf_status sf__sde_advance(sf_sde_run *r, const sf__scorer *sc, float *x, int steps);
sf_status sf__sde_sample(const sf__scorer *sc, float *out, const float *x0, int n, const sf_sde_config *c, int keep_all,
                         long long *nfe);

/* A scorer with divergence (likelihood.c): s (n, D) and div (n) at level sigma for n <= chunk points;
 * v NULL: the exact divergence; else v (K, n, D) probes and div = mean over k of v_kᵀ(∂s/∂x)v_k.
 * Returns 0 on success. */
typedef struct sf__div_scorer {
    int (*eval)(void *ctx, const float *x, int n, float sigma, const float *v, int K, float *s, float *div);
    void *ctx;
    int dim;
    int chunk;
} sf__div_scorer;

sf_status sf__likelihood_check(const sf_likelihood_config *c, int dim, const double *out, const float *x, int n);
/* x is points first .. first + n − 1 of a larger set (sf_log_likelihood_at): the probes of the
 * points before it are drawn and dropped. */
sf_status sf__log_likelihood(const sf__div_scorer *sc, double *out, const float *x, int n,
                             const sf_likelihood_config *c, long long first);

#endif
