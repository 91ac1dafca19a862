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
 * Only sfw_model_create and malloc allocate (and so may grow memory, detaching JS views of it);
 * training, scoring and sampling work in the model's own buffers.
 *
 * Keep it free of I/O: printf, abort, assert without NDEBUG or clock would add WASI imports, and the
 * modules must import nothing but env.emscripten_notify_memory_growth (build-wasm.sh checks).
 */
#include <stdint.h>

#include "base/status.h"
#include "scorefield.h"

/* Marks a function as a wasm export under its own name (clang-only; api.c is only built by emcc). */
#define SFW_EXPORT(name) __attribute__((export_name(#name)))

#define SFW__SEED_LIMIT 9007199254740992.0 /* 2^53: above it, doubles skip integers */

/* *seed = s when s is an integer in [0, 2^53); else SF_EINVAL naming the argument. The comparisons
 * are written so that NaN fails them. */
static sf_status sfw__seed(uint64_t *seed, double s, const char *what) {
    if (!(s >= 0.0 && s < SFW__SEED_LIMIT) || (double)(uint64_t)s != s)
        return sf__fail(SF_EINVAL, "%s must be an integer in [0, 2^53), got %g", what, s);
    *seed = (uint64_t)s;
    return SF_OK;
}

/* ---- Errors ---------------------------------------------------------------------------------- */

/* sf_error()'s message: a NUL-terminated UTF-8 string in the module's memory. */
SFW_EXPORT(sfw_error)
const char *sfw_error(void) { return sf_error(); }

/* sf_status_name(status), e.g. "invalid argument". */
SFW_EXPORT(sfw_status_name)
const char *sfw_status_name(int status) { return sf_status_name((sf_status)status); }

/* ---- Data ------------------------------------------------------------------------------------ */

SFW_EXPORT(sfw_data_dim)
int sfw_data_dim(int dataset) { return sf_data_dim(dataset); }

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

/* ---- The model ------------------------------------------------------------------------------- */

/* A new model (D = dim, H = hidden, `depth` hidden layers, an sf_isa), or 0 with sfw_error() set. */
SFW_EXPORT(sfw_model_create)
sf_model *sfw_model_create(int dim, int hidden, int depth, double seed, int isa) {
    sf_net_config nc = {.dim = dim, .hidden = hidden, .depth = depth, .isa = isa};
    if (sfw__seed(&nc.seed, seed, "model seed") != SF_OK) return 0;
    sf_model *m;
    return sf_model_create(&m, &nc) == SF_OK ? m : 0;
}

SFW_EXPORT(sfw_model_free)
void sfw_model_free(sf_model *m) { sf_model_free(m); }

/* sf_model_set_train with the fields of sf_train_config in order. */
SFW_EXPORT(sfw_model_set_train)
int sfw_model_set_train(sf_model *m, int dataset, int objective, int batch, int n_proj, float lr, float sigma,
                        float data_noise) {
    sf_train_config tc = {.dataset = dataset, .objective = objective, .batch = batch, .n_proj = n_proj,
                          .lr = lr, .sigma = sigma, .data_noise = data_noise};
    return sf_model_set_train(m, &tc);
}

/* losses (steps) may be 0. */
SFW_EXPORT(sfw_model_train)
int sfw_model_train(sf_model *m, int steps, float *losses) { return sf_model_train(m, steps, losses); }

/* s (n, D) = the score at x (n, D). */
SFW_EXPORT(sfw_model_score)
int sfw_model_score(sf_model *m, float *s, const float *x, int n) { return sf_model_score(m, s, x, n); }

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

/* ---- Langevin sampling ----------------------------------------------------------------------- */

/* sf_langevin with the fields of sf_langevin_config in order. keep_all: out is (steps + 1, n, D),
 * else (n, D). */
SFW_EXPORT(sfw_langevin)
int sfw_langevin(sf_model *m, float *out, const float *x0, int n, float eps, float decay, float temperature,
                 int steps, double seed, int keep_all) {
    sf_langevin_config lc = {.eps = eps, .decay = decay, .temperature = temperature, .steps = steps};
    sf_status st = sfw__seed(&lc.seed, seed, "sampler seed");
    return st != SF_OK ? st : sf_langevin(m, out, x0, n, &lc, keep_all);
}
