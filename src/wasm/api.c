/* api.c — the WebAssembly export surface of Scorefield: scorefield.h flattened to ints, floats,
 * doubles and pointers, so that JavaScript can call it without any glue code.
 *
 * This is the only file that knows it is compiled for the web. Each `sfw_` function is one call of
 * the public API with its config struct spelled out as arguments; checks stay in the library, which
 * answers bad input with a status and a message (sfw_error). What this file adds:
 *   - seeds arrive as doubles, because a JavaScript number holds integers exactly only below 2^53 and
 *     wasm's i64 would need BigInt on the JS side; sfw__seed checks that the double is an integer in
 *     [0, 2^53) before converting it, so no seed is silently rounded or wrapped;
 *   - functions that return a pointer return 0 on failure, with the message in sfw_error().
 * Buffers are the caller's: JS allocates them with the exported malloc/free (see web/core/loader.js).
 * Only sfw_model_create, the run begins (sfw_langevin_begin, sfw_anneal_begin, sfw_sde_begin: the run's
 * state) and malloc allocate (and so may grow memory, detaching JS views of it); training, scoring and
 * sampling work in the model's or the run's own buffers.
 *
 * Keep it free of I/O: printf, abort, assert without NDEBUG or clock would add WASI imports, and the
 * modules must import nothing but env.emscripten_notify_memory_growth (build-wasm.sh checks).
 */
#include <emscripten/emmalloc.h>
#include <stdint.h>
#include <stdlib.h>

#include "base/status.h"
#include "scorefield.h"

/* Marks a function as a wasm export under its own name (clang-only; api.c is only built by emcc). */
#define SFW_EXPORT(name) __attribute__((export_name(#name)))

#define SFW__SEED_LIMIT ((double)SF_MAX_SEED + 1.0) /* 2^53: above it, doubles skip integers */

/* *seed = s when s is an integer in [0, 2^53); else SF_EINVAL naming the argument. The comparisons
 * are written so that NaN fails them. */
static sf_status sfw__seed(uint64_t *seed, double s, const char *what) {
    if (!(s >= 0.0 && s < SFW__SEED_LIMIT) || (double)(uint64_t)s != s)
        return sf__fail(SF_EINVAL, "%s must be an integer in [0, 2^53), got %g", what, s);
    *seed = (uint64_t)s;
    return SF_OK;
}

/* ---- Limits ----------------------------------------------------------------------------------
 * The SF_MAX_* limits of scorefield.h by name (the macro's suffix in lower case), so that JavaScript
 * reads them from the library instead of copying them: i = 0, 1, … until sfw_limit_name(i) is 0. */
static const struct {
    const char *name;
    double value;
} sfw__limits[] = {
    {"dim", SF_MAX_DIM},           {"hidden", SF_MAX_HIDDEN},
    {"depth", SF_MAX_DEPTH},       {"batch", SF_MAX_BATCH},
    {"proj", SF_MAX_PROJ},         {"steps", SF_MAX_STEPS},
    {"levels", SF_MAX_LEVELS},     {"points", SF_MAX_POINTS},
    {"seed", (double)SF_MAX_SEED}, {"step_count", (double)SF_MAX_STEP_COUNT},
    {"classes", SF_MAX_CLASSES},   {"guidance", SF_MAX_GUIDANCE},
    {"threads", SF_MAX_THREADS},
};
#define SFW__LIMIT_COUNT ((int)(sizeof sfw__limits / sizeof sfw__limits[0]))

/* The name of limit i ("dim", "hidden", …), or 0 past the last. */
SFW_EXPORT(sfw_limit_name)
const char *sfw_limit_name(int i) { return i >= 0 && i < SFW__LIMIT_COUNT ? sfw__limits[i].name : 0; }

/* The value of limit i (a double: SF_MAX_SEED needs 53 bits), or −1 past the last. */
SFW_EXPORT(sfw_limit_value)
double sfw_limit_value(int i) { return i >= 0 && i < SFW__LIMIT_COUNT ? sfw__limits[i].value : -1.0; }

/* ---- Errors ---------------------------------------------------------------------------------- */

/* sf_error()'s message: a NUL-terminated UTF-8 string in the module's memory. */
SFW_EXPORT(sfw_error)
const char *sfw_error(void) { return sf_error(); }

/* sf_status_name(status), e.g. "invalid argument". */
SFW_EXPORT(sfw_status_name)
const char *sfw_status_name(int status) { return sf_status_name((sf_status)status); }

/* ---- Memory ---------------------------------------------------------------------------------- */

/* Bytes of the heap in use by live allocations (emmalloc's heap minus its free blocks): what a test
 * watches to prove that disposing of everything gives every byte back. Memory itself never shrinks. */
SFW_EXPORT(sfw_heap_used)
double sfw_heap_used(void) { return (double)(emmalloc_dynamic_heap_size() - emmalloc_free_dynamic_memory()); }

/* ---- Data ------------------------------------------------------------------------------------ */

SFW_EXPORT(sfw_data_dim)
int sfw_data_dim(int dataset) { return sf_data_dim(dataset); }

/* sf_data_classes(dataset): the label count of a dataset, 0 for none. */
SFW_EXPORT(sfw_data_classes)
int sfw_data_classes(int dataset) { return sf_data_classes(dataset); }

/* Gives the module the digits table (scorefield-digits.bin, size bytes); see sf_data_load_digits. */
SFW_EXPORT(sfw_data_load_digits)
int sfw_data_load_digits(const unsigned char *table, int size) {
    if (size < 0) return sf__fail(SF_EINVAL, "table size must be >= 0, got %d", size);
    return sf_data_load_digits(table, (size_t)size);
}

/* sf_data_default_noise(dataset). */
SFW_EXPORT(sfw_data_default_noise)
float sfw_data_default_noise(int dataset) { return sf_data_default_noise(dataset); }

/* s (n, 2) = sf_data_score: the exact score of a Gaussian-mixture dataset blurred by sigma. */
SFW_EXPORT(sfw_data_score)
int sfw_data_score(float *s, const float *x, int n, int dataset, float noise, float sigma) {
    return sf_data_score(s, x, n, dataset, noise, sigma);
}

/* *out = the energy distance between x (n, D) and y (m, D). */
SFW_EXPORT(sfw_energy_distance)
int sfw_energy_distance(double *out, const float *x, int n, const float *y, int m, int D) {
    return sf_energy_distance(out, x, n, y, m, D);
}

/* sigmas (levels) = the geometric noise ladder. */
SFW_EXPORT(sfw_noise_ladder)
int sfw_noise_ladder(float *sigmas, int levels, float sigma_max, float sigma_min) {
    return sf_noise_ladder(sigmas, levels, sigma_max, sigma_min);
}

/* x (n, D) and labels (n, may be 0) = sf_data_sample(dataset, n, noise, seed). */
SFW_EXPORT(sfw_data_sample)
int sfw_data_sample(float *x, int *labels, int dataset, int n, float noise, double seed) {
    uint64_t s;
    sf_status st = sfw__seed(&s, seed, "data seed");
    return st != SF_OK ? st : sf_data_sample(x, labels, dataset, n, noise, s);
}

/* out (n) = uniform draws in [lo, hi). */
SFW_EXPORT(sfw_uniform)
int sfw_uniform(float *out, int n, float lo, float hi, double seed) {
    uint64_t s;
    sf_status st = sfw__seed(&s, seed, "uniform seed");
    return st != SF_OK ? st : sf_uniform(out, n, lo, hi, s);
}

/* out (n, dim) = points uniform in the box [lo_d, hi_d) (lo, hi: dim floats); see sf_uniform_box. */
SFW_EXPORT(sfw_uniform_box)
int sfw_uniform_box(float *out, int n, int dim, const float *lo, const float *hi, double seed) {
    uint64_t s;
    sf_status st = sfw__seed(&s, seed, "uniform seed");
    return st != SF_OK ? st : sf_uniform_box(out, n, dim, lo, hi, s);
}

/* x (n, 2) = fresh draws of the painted points (count, 2); see sf_points_sample. */
SFW_EXPORT(sfw_points_sample)
int sfw_points_sample(float *x, const float *points, int count, int n, float noise, double seed) {
    uint64_t s;
    sf_status st = sfw__seed(&s, seed, "points seed");
    return st != SF_OK ? st : sf_points_sample(x, points, count, n, noise, s);
}

/* out (n, 2) = points (n, 2) centred and scaled into a box; see sf_points_fit_box. */
SFW_EXPORT(sfw_points_fit_box)
int sfw_points_fit_box(float *out, const float *points, int n, float xmin, float xmax, float ymin, float ymax,
                       float fill) {
    return sf_points_fit_box(out, points, n, xmin, xmax, ymin, ymax, fill);
}

/* ---- Samplers over a dataset's exact score ---------------------------------------------------
 * sf_langevin_fn and sf_annealed_langevin_fn driven by sf_data_score (the Gaussian mixtures), so that
 * JavaScript samples a closed-form score without a loop or a random number of its own. */

typedef struct sfw__data_score {
    int dataset;
    float noise;
    float sigma; /* plain Langevin's blur; the annealed sampler passes each level's */
} sfw__data_score;

static int sfw__data_score_fn(void *ctx, float *s, const float *x, int n, int dim) {
    const sfw__data_score *d = ctx;
    (void)dim;
    return sf_data_score(s, x, n, d->dataset, d->noise, d->sigma);
}

static int sfw__data_score_sigma_fn(void *ctx, float *s, const float *x, int n, int dim, float sigma) {
    const sfw__data_score *d = ctx;
    (void)dim;
    return sf_data_score(s, x, n, d->dataset, d->noise, sigma);
}

/* Checks that a dataset has a closed-form score before a sampler runs on it (a clear message, not
 * "the score function failed"). */
static sf_status sfw__data_score_check(int dataset, float noise, float sigma) {
    float s[2], x[2] = {0.0f, 0.0f};
    return sf_data_score(s, x, 1, dataset, noise, sigma);
}

/* sf_langevin_fn on the exact score of a mixture dataset drawn with `noise` and blurred by sigma,
 * then the fields of sf_langevin_config in order; keep_all as in sfw_langevin. */
SFW_EXPORT(sfw_data_langevin)
int sfw_data_langevin(float *out, const float *x0, int n, int dataset, float noise, float sigma, float eps, float decay,
                      float temperature, int steps, double seed, int keep_all) {
    sf_langevin_config lc = {.eps = eps, .decay = decay, .temperature = temperature, .steps = steps};
    sf_status st = sfw__seed(&lc.seed, seed, "sampler seed");
    if (st == SF_OK) st = sfw__data_score_check(dataset, noise, sigma);
    if (st != SF_OK) return st;
    sfw__data_score d = {dataset, noise, sigma};
    return sf_langevin_fn(sfw__data_score_fn, &d, 2, out, x0, n, &lc, keep_all);
}

/* sf_annealed_langevin_fn on the exact score of a mixture dataset drawn with `noise`, then the fields
 * of sf_anneal_config in order; keep an sf_keep. */
SFW_EXPORT(sfw_data_annealed_langevin)
int sfw_data_annealed_langevin(float *out, const float *x0, int n, int dataset, float noise, float sigma_max,
                               float sigma_min, int levels, int steps, float eps, double seed, int keep) {
    sf_anneal_config ac = {
        .sigma_max = sigma_max, .sigma_min = sigma_min, .levels = levels, .steps = steps, .eps = eps};
    sf_status st = sfw__seed(&ac.seed, seed, "sampler seed");
    if (st == SF_OK) st = sfw__data_score_check(dataset, noise, sigma_min);
    if (st != SF_OK) return st;
    sfw__data_score d = {dataset, noise, 0.0f};
    return sf_annealed_langevin_fn(sfw__data_score_sigma_fn, &d, 2, out, x0, n, &ac, keep);
}

/* ---- The digit classifier ------------------------------------------------------------------- */

/* probs (n, 10) and labels (n), either may be 0 = sf_classify of images x (n, 64). */
SFW_EXPORT(sfw_classify)
int sfw_classify(float *probs, int *labels, const float *x, int n) { return sf_classify(probs, labels, x, n); }

/* out (23 doubles) = sf_digits_quality's fields in order: confident, class_share (10), min_class_share,
 * accuracy, class_accuracy (10). want (n) may be 0. */
SFW_EXPORT(sfw_digits_quality)
int sfw_digits_quality(double *out, const float *x, int n, const int *want) {
    if (!out) return sf__fail(SF_EINVAL, "sfw_digits_quality: NULL argument");
    sf_digit_quality q;
    sf_status st = sf_digits_quality(&q, x, n, want);
    if (st != SF_OK) return st;
    out[0] = q.confident;
    for (int c = 0; c < SF_DIGIT_CLASSES; c++) out[1 + c] = q.class_share[c], out[13 + c] = q.class_accuracy[c];
    out[11] = q.min_class_share, out[12] = q.accuracy;
    return SF_OK;
}

/* x (n, 64) and labels (n, may be 0) = the first n held-out digits with noise. */
SFW_EXPORT(sfw_digits_heldout)
int sfw_digits_heldout(float *x, int *labels, int n, float noise, double seed) {
    uint64_t s;
    sf_status st = sfw__seed(&s, seed, "held-out seed");
    return st != SF_OK ? st : sf_digits_heldout(x, labels, n, noise, s);
}

/* ---- The model ------------------------------------------------------------------------------- */

/* A new model (D = dim, H = hidden, `depth` hidden layers, an sf_isa, noise-conditional or not, 0 or
 * 2 .. SF_MAX_CLASSES classes), or 0 with sfw_error() set. */
SFW_EXPORT(sfw_model_create)
sf_model *sfw_model_create(int dim, int hidden, int depth, double seed, int isa, int noise_conditional, int classes) {
    sf_net_config nc = {.dim = dim,
                        .hidden = hidden,
                        .depth = depth,
                        .isa = isa,
                        .noise_conditional = noise_conditional,
                        .classes = classes};
    if (sfw__seed(&nc.seed, seed, "model seed") != SF_OK) return 0;
    sf_model *m;
    return sf_model_create(&m, &nc) == SF_OK ? m : 0;
}

SFW_EXPORT(sfw_model_free)
void sfw_model_free(sf_model *m) { sf_model_free(m); }

/* sf_model_set_train with the fields of sf_train_config in order. */
SFW_EXPORT(sfw_model_set_train)
int sfw_model_set_train(sf_model *m, int dataset, int objective, int batch, int n_proj, float lr, float sigma,
                        float data_noise, float sigma_max, float sigma_min, int levels, int sigma_dist) {
    sf_train_config tc = {.dataset = dataset,
                          .objective = objective,
                          .batch = batch,
                          .n_proj = n_proj,
                          .lr = lr,
                          .sigma = sigma,
                          .data_noise = data_noise,
                          .sigma_max = sigma_max,
                          .sigma_min = sigma_min,
                          .levels = levels,
                          .sigma_dist = sigma_dist};
    return sf_model_set_train(m, &tc);
}

/* losses (steps) may be 0. */
SFW_EXPORT(sfw_model_train)
int sfw_model_train(sf_model *m, int steps, float *losses) { return sf_model_train(m, steps, losses); }

/* One step in pieces (sf_model_step_begin/_chunk/_end/_cancel): *points_done (an int) is set by
 * _chunk, the loss (a float, may be 0) by _end. */
SFW_EXPORT(sfw_model_step_begin)
int sfw_model_step_begin(sf_model *m) { return sf_model_step_begin(m); }

SFW_EXPORT(sfw_model_step_chunk)
int sfw_model_step_chunk(sf_model *m, int max_points, int *points_done) {
    return sf_model_step_chunk(m, max_points, points_done);
}

SFW_EXPORT(sfw_model_step_end)
int sfw_model_step_end(sf_model *m, float *loss) { return sf_model_step_end(m, loss); }

SFW_EXPORT(sfw_model_step_cancel)
void sfw_model_step_cancel(sf_model *m) { sf_model_step_cancel(m); }

/* s (n, D) = the score at x (n, D). */
SFW_EXPORT(sfw_model_score)
int sfw_model_score(sf_model *m, float *s, const float *x, int n) { return sf_model_score(m, s, x, n); }

/* s (n, D) = the score at noise level sigma (a noise-conditional model; sigma is ignored otherwise). */
SFW_EXPORT(sfw_model_score_sigma)
int sfw_model_score_sigma(sf_model *m, float *s, const float *x, int n, float sigma) {
    return sf_model_score_sigma(m, s, x, n, sigma);
}

/* s (n, D) = the guided score (1 + w)·s(x, σ, c) − w·s(x, σ, ∅) of a class-conditional model; cls −1
 * for the unconditional score. */
SFW_EXPORT(sfw_model_score_guided)
int sfw_model_score_guided(sf_model *m, float *s, const float *x, int n, float sigma, int cls, float w) {
    return sf_model_score_guided(m, s, x, n, sigma, cls, w);
}

/* The painted points (n, 2) of SF_DATA_POINTS, copied into the model. */
SFW_EXPORT(sfw_model_set_points)
int sfw_model_set_points(sf_model *m, const float *points, int n) { return sf_model_set_points(m, points, n); }

SFW_EXPORT(sfw_model_param_count)
int sfw_model_param_count(const sf_model *m) { return sf_model_param_count(m); }

/* The parameters (P); fetch again after every training call (the optimiser is double-buffered). */
SFW_EXPORT(sfw_model_params)
float *sfw_model_params(sf_model *m) { return sf_model_params(m); }

/* Steps taken, as a double: exact up to 2^53, which no page will reach. */
SFW_EXPORT(sfw_model_step_count)
double sfw_model_step_count(const sf_model *m) { return (double)sf_model_step_count(m); }

/* "scalar" or "simd128". */
SFW_EXPORT(sfw_model_isa_name)
const char *sfw_model_isa_name(const sf_model *m) { return sf_model_isa_name(m); }

/* out (6 doubles) = sf_model_net_config's dim, hidden, depth, seed (exact below 2^53),
 * noise_conditional and classes. */
SFW_EXPORT(sfw_model_net_config)
int sfw_model_net_config(const sf_model *m, double *out) {
    if (!m || !out) return sf__fail(SF_EINVAL, "sfw_model_net_config: NULL argument");
    sf_net_config nc = sf_model_net_config(m);
    out[0] = nc.dim, out[1] = nc.hidden, out[2] = nc.depth, out[3] = (double)nc.seed;
    out[4] = nc.noise_conditional, out[5] = nc.classes;
    return SF_OK;
}

/* out (11 doubles) = sf_model_train_config's fields in order: dataset (−1 for none), objective, batch,
 * n_proj, lr, sigma, data_noise, sigma_max, sigma_min, levels, sigma_dist. */
SFW_EXPORT(sfw_model_train_config)
int sfw_model_train_config(const sf_model *m, double *out) {
    if (!m || !out) return sf__fail(SF_EINVAL, "sfw_model_train_config: NULL argument");
    sf_train_config tc = sf_model_train_config(m);
    const double v[11] = {tc.dataset,    tc.objective, tc.batch,     tc.n_proj, tc.lr,        tc.sigma,
                          tc.data_noise, tc.sigma_max, tc.sigma_min, tc.levels, tc.sigma_dist};
    for (int i = 0; i < 11; i++) out[i] = v[i];
    return SF_OK;
}

/* ---- Langevin sampling ----------------------------------------------------------------------- */

/* sf_langevin with the fields of sf_langevin_config in order. keep_all: out is (steps + 1, n, D),
 * else (n, D). */
SFW_EXPORT(sfw_langevin)
int sfw_langevin(sf_model *m, float *out, const float *x0, int n, float eps, float decay, float temperature, int steps,
                 double seed, int keep_all) {
    sf_langevin_config lc = {.eps = eps, .decay = decay, .temperature = temperature, .steps = steps};
    sf_status st = sfw__seed(&lc.seed, seed, "sampler seed");
    return st != SF_OK ? st : sf_langevin(m, out, x0, n, &lc, keep_all);
}

/* sf_annealed_langevin with the fields of sf_anneal_config in order; keep an sf_keep. */
SFW_EXPORT(sfw_annealed_langevin)
int sfw_annealed_langevin(sf_model *m, float *out, const float *x0, int n, float sigma_max, float sigma_min, int levels,
                          int steps, float eps, double seed, int keep) {
    sf_anneal_config ac = {
        .sigma_max = sigma_max, .sigma_min = sigma_min, .levels = levels, .steps = steps, .eps = eps};
    sf_status st = sfw__seed(&ac.seed, seed, "sampler seed");
    return st != SF_OK ? st : sf_annealed_langevin(m, out, x0, n, &ac, keep);
}

/* sfw_annealed_langevin of a class-conditional model for class cls (−1: any) with guidance w. */
SFW_EXPORT(sfw_annealed_langevin_guided)
int sfw_annealed_langevin_guided(sf_model *m, float *out, const float *x0, int n, float sigma_max, float sigma_min,
                                 int levels, int steps, float eps, double seed, int keep, int cls, float w) {
    sf_anneal_config ac = {
        .sigma_max = sigma_max, .sigma_min = sigma_min, .levels = levels, .steps = steps, .eps = eps};
    sf_status st = sfw__seed(&ac.seed, seed, "sampler seed");
    return st != SF_OK ? st : sf_annealed_langevin_guided(m, out, x0, n, &ac, keep, cls, w);
}

/* ---- Sampler runs in chunks (the SDE samplers, annealed and plain Langevin) ---------------------
 * A run is begun by sfw_sde_begin, sfw_anneal_begin or sfw_langevin_begin, which allocate it (memory
 * may grow) and return it, or 0 with sfw_error() set; sfw_run_step (a model), sfw_run_guided_step (a
 * class-conditional model's guided score) or sfw_run_data_step (a mixture's exact score) advance the chains x (n, D) in place by up to `steps` steps; sfw_run_progress reads where it
 * is; sfw_run_end frees it. The chains are the caller's buffer, the same one every call. */

enum { SFW__RUN_SDE, SFW__RUN_ANNEAL, SFW__RUN_LANGEVIN };

typedef struct sfw__run {
    int kind; /* SFW__RUN_*: which of s, a, l */
    sf_sde_run s;
    sf_anneal_run a;
    sf_langevin_run l;
} sfw__run;

/* A heap copy of a run begun on the stack, so that a bad config allocates nothing; 0 with sfw_error()
 * set when its begin failed (st) or memory ran out. */
static sfw__run *sfw__run_copy(sf_status st, const sfw__run *probe) {
    sfw__run *r = st == SF_OK ? malloc(sizeof *r) : 0;
    if (st == SF_OK && !r) sf__fail(SF_ENOMEM, "cannot allocate a sampler run");
    if (r) *r = *probe;
    return r;
}

/* sf_sde_config from its fields in order, seed 0: sfw_sde_begin and sfw_sde_grid take the same list. */
static sf_sde_config sfw__sde_config(int sampler, int steps, float sigma_max, float sigma_min, float snr, float rho,
                                     float churn) {
    sf_sde_config c = {.sampler = sampler,
                       .steps = steps,
                       .sigma_max = sigma_max,
                       .sigma_min = sigma_min,
                       .snr = snr,
                       .rho = rho,
                       .churn = churn};
    return c;
}

/* A run of an SDE sampler (an sf_sampler other than annealed) on n chains of dimension dim in x,
 * from x0 (n, D) or, with x0 = 0, from the prior N(0, sigma_max² I); then sf_sde_config's fields. */
SFW_EXPORT(sfw_sde_begin)
sfw__run *sfw_sde_begin(float *x, const float *x0, int n, int dim, int sampler, int steps, float sigma_max,
                        float sigma_min, float snr, float rho, float churn, double seed) {
    sf_sde_config c = sfw__sde_config(sampler, steps, sigma_max, sigma_min, snr, rho, churn);
    sfw__run probe = {.kind = SFW__RUN_SDE};
    sf_status st = sfw__seed(&c.seed, seed, "sampler seed");
    if (st == SF_OK) st = sf_sde_begin(&probe.s, &c, dim, x, x0, n);
    return sfw__run_copy(st, &probe);
}

/* A run of annealed Langevin on n chains of dimension dim in x, from x0 or the prior (x0 = 0); then
 * sf_anneal_config's fields. */
SFW_EXPORT(sfw_anneal_begin)
sfw__run *sfw_anneal_begin(float *x, const float *x0, int n, int dim, float sigma_max, float sigma_min, int levels,
                           int steps, float eps, double seed) {
    sf_anneal_config c = {.sigma_max = sigma_max, .sigma_min = sigma_min, .levels = levels, .steps = steps, .eps = eps};
    sfw__run probe = {.kind = SFW__RUN_ANNEAL};
    sf_status st = sfw__seed(&c.seed, seed, "sampler seed");
    if (st == SF_OK) st = sf_anneal_begin(&probe.a, &c, dim, x, x0, n);
    return sfw__run_copy(st, &probe);
}

/* A run of plain Langevin on n chains of dimension dim in x, from x0 (n, D) (x0 may be x); then
 * sf_langevin_config's fields. It runs on a model (sfw_run_step, sfw_run_guided_step refuses it). */
SFW_EXPORT(sfw_langevin_begin)
sfw__run *sfw_langevin_begin(float *x, const float *x0, int n, int dim, float eps, float decay, float temperature,
                             int steps, double seed) {
    sf_langevin_config c = {.eps = eps, .decay = decay, .temperature = temperature, .steps = steps};
    sfw__run probe = {.kind = SFW__RUN_LANGEVIN};
    sf_status st = sfw__seed(&c.seed, seed, "sampler seed");
    if (st == SF_OK) st = sf_langevin_begin(&probe.l, &c, dim, x, x0, n);
    return sfw__run_copy(st, &probe);
}

/* Advances a run on a noise-conditional model by up to `steps` steps. */
SFW_EXPORT(sfw_run_step)
int sfw_run_step(sfw__run *r, sf_model *m, float *x, int steps) {
    if (!r) return sf__fail(SF_EINVAL, "sfw_run_step: run is NULL");
    switch (r->kind) {
    case SFW__RUN_ANNEAL:
        return sf_anneal_step(&r->a, m, x, steps);
    case SFW__RUN_LANGEVIN:
        return sf_langevin_step(&r->l, m, x, steps);
    default:
        return sf_sde_step(&r->s, m, x, steps);
    }
}

/* Advances an annealed run on a class-conditional model's guided score for class cls (−1: the null
 * token) with guidance w, as sfw_annealed_langevin_guided of one class does in one call. */
SFW_EXPORT(sfw_run_guided_step)
int sfw_run_guided_step(sfw__run *r, sf_model *m, float *x, int steps, int cls, float w) {
    if (!r) return sf__fail(SF_EINVAL, "sfw_run_guided_step: run is NULL");
    if (r->kind != SFW__RUN_ANNEAL) return sf__fail(SF_EINVAL, "guided steps need an annealed Langevin run");
    if (!m) return sf__fail(SF_EINVAL, "model is NULL");
    sf_status st = sf_model_score_guided(m, NULL, NULL, 0, 1.0f, cls, w); /* names a bad class or w */
    if (st != SF_OK) return st;
    const int dim = sf_model_net_config(m).dim;
    if (r->a.dim != dim) return sf__fail(SF_EINVAL, "the run has dimension %d but the model's is %d", r->a.dim, dim);
    sf_guide g = {m, cls, w};
    return sf_anneal_step_fn(&r->a, sf_guided_score, &g, x, steps);
}

/* Advances a run (of dimension 2) on the exact score of a mixture dataset drawn with `noise`. */
SFW_EXPORT(sfw_run_data_step)
int sfw_run_data_step(sfw__run *r, float *x, int steps, int dataset, float noise) {
    if (!r) return sf__fail(SF_EINVAL, "sfw_run_data_step: run is NULL");
    if (r->kind == SFW__RUN_LANGEVIN) return sf__fail(SF_EINVAL, "a plain Langevin run steps on a model only");
    const int annealed = r->kind == SFW__RUN_ANNEAL;
    const int dim = annealed ? r->a.dim : r->s.dim;
    if (dim != 2) return sf__fail(SF_EINVAL, "a dataset's exact score is 2-D, the run has dimension %d", dim);
    sf_status st = sfw__data_score_check(dataset, noise, 1.0f);
    if (st != SF_OK) return st;
    sfw__data_score d = {dataset, noise, 0.0f};
    return annealed ? sf_anneal_step_fn(&r->a, sfw__data_score_sigma_fn, &d, x, steps)
                    : sf_sde_step_fn(&r->s, sfw__data_score_sigma_fn, &d, x, steps);
}

/* out (3 doubles) = steps done, steps in all, score evaluations per chain so far. */
SFW_EXPORT(sfw_run_progress)
int sfw_run_progress(const sfw__run *r, double *out) {
    if (!r || !out) return sf__fail(SF_EINVAL, "sfw_run_progress: NULL argument");
    if (r->kind == SFW__RUN_ANNEAL)
        out[0] = r->a.step, out[1] = (double)r->a.c.levels * r->a.c.steps, out[2] = (double)r->a.nfe;
    else if (r->kind == SFW__RUN_LANGEVIN)
        out[0] = r->l.step, out[1] = r->l.c.steps, out[2] = r->l.step;
    else
        out[0] = r->s.step, out[1] = r->s.c.steps, out[2] = (double)r->s.nfe;
    return SF_OK;
}

/* Frees a run (0 is a no-op). */
SFW_EXPORT(sfw_run_end)
void sfw_run_end(sfw__run *r) { free(r); }

/* sigmas (steps + 1) = sf_sde_grid: the σ of each frame of an SDE sampler's run. */
SFW_EXPORT(sfw_sde_grid)
int sfw_sde_grid(float *sigmas, int sampler, int steps, float sigma_max, float sigma_min, float snr, float rho,
                 float churn) {
    sf_sde_config c = sfw__sde_config(sampler, steps, sigma_max, sigma_min, snr, rho, churn);
    return sf_sde_grid(sigmas, &c);
}

/* ---- Likelihood through the probability-flow ODE ---------------------------------------------- */

/* out (n) = sf_log_likelihood_at of points first .. first + n − 1 (x (n, D)) on a model, then
 * sf_likelihood_config's fields; first as a double (an integer in [0, 2^53)). */
SFW_EXPORT(sfw_log_likelihood)
int sfw_log_likelihood(sf_model *m, double *out, const float *x, int n, int steps, float sigma_max, float sigma_min,
                       float rho, int probes, double seed, double first) {
    sf_likelihood_config c = {
        .steps = steps, .sigma_max = sigma_max, .sigma_min = sigma_min, .rho = rho, .probes = probes};
    uint64_t f;
    sf_status st = sfw__seed(&c.seed, seed, "likelihood seed");
    if (st == SF_OK) st = sfw__seed(&f, first, "first point index");
    return st != SF_OK ? st : sf_log_likelihood_at(m, out, x, n, &c, (long long)f);
}

/* out (n) = log p(x) through the ODE of a mixture dataset's exact score (drawn with `noise`), the
 * divergence by central differences (probes 0). */
SFW_EXPORT(sfw_data_log_likelihood)
int sfw_data_log_likelihood(double *out, const float *x, int n, int dataset, float noise, int steps, float sigma_max,
                            float sigma_min, float rho) {
    sf_likelihood_config c = {.steps = steps, .sigma_max = sigma_max, .sigma_min = sigma_min, .rho = rho};
    sf_status st = sfw__data_score_check(dataset, noise, 1.0f);
    if (st != SF_OK) return st;
    sfw__data_score d = {dataset, noise, 0.0f};
    return sf_log_likelihood_fn(sfw__data_score_sigma_fn, &d, 2, out, x, n, &c);
}

/* out (4 doubles) = sf_likelihood_summary: mean log p, its standard error, NLL in bits/dim and its SE. */
SFW_EXPORT(sfw_likelihood_summary)
int sfw_likelihood_summary(double *out, const double *logp, int n, int dim) {
    return sf_likelihood_summary(out, logp, n, dim);
}

/* fit (SF_GAUSSIAN_FIT_SIZE(dim) doubles) = the Gaussian fitted to x (n, dim): sf_gaussian_fit. */
SFW_EXPORT(sfw_gaussian_fit)
int sfw_gaussian_fit(double *fit, const float *x, int n, int dim) { return sf_gaussian_fit(fit, x, n, dim); }

/* out (n) = log N(x_i; μ, C) under a fit of sfw_gaussian_fit: sf_gaussian_log_density. */
SFW_EXPORT(sfw_gaussian_log_density)
int sfw_gaussian_log_density(double *out, const double *fit, const float *x, int n, int dim) {
    return sf_gaussian_log_density(out, fit, x, n, dim);
}

/* ---- Defaults -------------------------------------------------------------------------------- */

/* The library's defaults for a dataset, so that JavaScript never keeps copies of them: out (19
 * floats) = sf_net_config_default's hidden, depth, seed; sf_train_config_default's objective, batch,
 * n_proj, lr, sigma, data_noise, sigma_max, sigma_min, levels; sf_langevin_config_default's eps, decay,
 * temperature, steps; sf_anneal_config_default's steps and eps (the samplers' seeds are 0); then (a
 * 19th float) sf_train_config_default's sigma_dist.
 * SF_EINVAL for an unknown dataset. */
SFW_EXPORT(sfw_defaults)
int sfw_defaults(float *out, int dataset) {
    int dim = sf_data_dim(dataset);
    if (dim == 0) return sf__fail(SF_EINVAL, "unknown dataset id %d", dataset);
    sf_net_config nc = sf_net_config_default(dim);
    sf_train_config tc = sf_train_config_default(dataset);
    sf_langevin_config lc = sf_langevin_config_default(dataset);
    sf_anneal_config ac = sf_anneal_config_default(dataset);
    const float v[19] = {(float)nc.hidden,
                         (float)nc.depth,
                         (float)nc.seed,
                         (float)tc.objective,
                         (float)tc.batch,
                         (float)tc.n_proj,
                         tc.lr,
                         tc.sigma,
                         tc.data_noise,
                         tc.sigma_max,
                         tc.sigma_min,
                         (float)tc.levels,
                         lc.eps,
                         lc.decay,
                         lc.temperature,
                         (float)lc.steps,
                         (float)ac.steps,
                         ac.eps,
                         (float)tc.sigma_dist};
    for (int i = 0; i < 19; i++) out[i] = v[i];
    return SF_OK;
}

/* The score-SDE samplers' and the likelihood's defaults for a dataset: out (9 floats) =
 * sf_sde_config_default's steps, snr, rho, churn; sf_likelihood_config_default's steps, rho, probes;
 * sf_sde_config_default's sigma_max and sigma_min (the training ladder's ends; seeds are 0). */
SFW_EXPORT(sfw_sde_defaults)
int sfw_sde_defaults(float *out, int dataset) {
    if (sf_data_dim(dataset) == 0) return sf__fail(SF_EINVAL, "unknown dataset id %d", dataset);
    sf_sde_config c = sf_sde_config_default(dataset, SF_SAMPLER_ODE_HEUN);
    sf_likelihood_config l = sf_likelihood_config_default(dataset);
    const float v[9] = {(float)c.steps, c.snr,           c.rho,       c.churn,    (float)l.steps,
                        l.rho,          (float)l.probes, c.sigma_max, c.sigma_min};
    for (int i = 0; i < 9; i++) out[i] = v[i];
    return SF_OK;
}

/* ---- Weights files --------------------------------------------------------------------------- */

/* The weights file's size in bytes (sizes stay far below 2^31: P is at most about a million). */
SFW_EXPORT(sfw_model_save_size)
int sfw_model_save_size(const sf_model *m) { return (int)sf_model_save_size(m); }

SFW_EXPORT(sfw_model_save)
int sfw_model_save(const sf_model *m, void *buf, int size) {
    if (size < 0) return sf__fail(SF_EINVAL, "buffer size must be >= 0, got %d", size);
    return sf_model_save(m, buf, (size_t)size);
}

/* Restores a weights file into m; on failure m is unchanged and sfw_error() says why. */
SFW_EXPORT(sfw_model_load)
int sfw_model_load(sf_model *m, const void *buf, int size) {
    if (size < 0) return sf__fail(SF_EINVAL, "file size must be >= 0, got %d", size);
    return sf_model_load(m, buf, (size_t)size);
}

/* A new model restored from a weights file, or 0 with sfw_error() set. */
SFW_EXPORT(sfw_model_from_weights)
sf_model *sfw_model_from_weights(const void *buf, int size, int isa) {
    if (size < 0) {
        sf__fail(SF_EINVAL, "file size must be >= 0, got %d", size);
        return 0;
    }
    sf_model *m;
    return sf_model_from_weights(&m, buf, (size_t)size, isa) == SF_OK ? m : 0;
}
