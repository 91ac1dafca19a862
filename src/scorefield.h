/* scorefield.h — score-based generative modelling in plain C11, for WebAssembly and native.
 *
 * Scorefield trains a score network s(x) ≈ ∇ₓ log p(x) — an MLP D → H → … → H → D with softplus
 * between layers — on data it generates itself, and samples from it with Langevin dynamics. It is the
 * engine of the Scorefield web page, widget and Node API, and it reproduces the JAX tutorial
 * "Generative Modeling by Estimating Gradients of Data Distribution": a 2-D swiss roll and the 8x8
 * digits, trained with exact, sliced or denoising score matching and Adam.
 *
 * Data flow of one training step (sf_model_train):
 *
 *   data/    draw a batch x (N, D) with the model's seeded generator (and projections v, or noise z)
 *   net/     forward pass of the primal x and K tangent directions together: s(x) and J(x)·v
 *   loss/    the objective from s and J·v, and its adjoint
 *   net/     backward pass through primal and tangents: the exact parameter gradient
 *   optim/   Adam, out of place: a step whose loss or result is not finite is thrown away
 *
 * All memory is allocated once, in sf_model_create; training, scoring and sampling never allocate.
 * The library does no I/O, never prints and never exits: every function that can fail on user input
 * returns an sf_status, and sf_error() says what went wrong in words a page can show.
 *
 * Usage:
 *
 *   sf_net_config nc = sf_net_config_default(2);           // D = 2, H = 128, 2 hidden layers
 *   sf_model *m;
 *   if (sf_model_create(&m, &nc) != SF_OK) fail(sf_error());
 *   sf_train_config tc = sf_train_config_default(SF_DATA_SWISS_ROLL);
 *   tc.objective = SF_OBJ_EXACT;
 *   sf_model_set_train(m, &tc);
 *   float losses[2000];
 *   sf_model_train(m, 2000, losses);                       // the tutorial's 2000 steps
 *   float s[2];
 *   sf_model_score(m, s, (const float[]){0.5f, 0.5f}, 1); // the learned score at one point
 *   sf_langevin_config lc = sf_langevin_config_default(SF_DATA_SWISS_ROLL);
 *   float chain[16 * 2];                                   // keep_all: (steps + 1, 1, D)
 *   sf_langevin(m, chain, (const float[]){1.5f, 0.0f}, 1, &lc, 1);
 *   sf_model_free(m);
 *
 * Shapes: N batch or number of points, D data dimension, H hidden width, K tangent directions,
 * M projections per sample, P parameters. Arrays are float32, row-major, (N, D) unless said.
 * Enumerations mirrored in JavaScript carry "keep in sync" notes; their values never change.
 */
#ifndef SCOREFIELD_H
#define SCOREFIELD_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Status ----------------------------------------------------------------------------------
 * Keep in sync with the JavaScript loader's status names. */
typedef enum sf_status {
    SF_OK = 0,
    SF_EINVAL = 1,    /* an argument is out of range, NULL or not finite; nothing was changed */
    SF_ENOMEM = 2,    /* allocation failed; nothing was changed */
    SF_ENONFINITE = 3 /* a loss, gradient or sample became NaN or infinite (see each function) */
} sf_status;

/* The message of the last call on this thread that did not return SF_OK (a static string,
 * overwritten by the next failure; "" before any). */
const char *sf_error(void);

/* A short name for a status: "ok", "invalid argument", "out of memory", "not finite". */
const char *sf_status_name(sf_status s);

/* ---- Limits ---------------------------------------------------------------------------------- */
#define SF_MAX_DIM      256     /* D */
#define SF_MAX_HIDDEN   512     /* H */
#define SF_MAX_DEPTH    4       /* hidden layers */
#define SF_MAX_BATCH    65536   /* batch size; memory does not grow with it (batches run in chunks) */
#define SF_MAX_PROJ     64      /* projections per sample for sliced score matching */
#define SF_MAX_STEPS    1000000 /* Langevin steps in one call */
#define SF_MAX_LEVELS   64      /* noise levels of a ladder */
#define SF_MAX_POINTS   4096    /* painted points a model holds */
#define SF_MAX_THREADS  64      /* threads of one model (sf_model_set_threads) */
#define SF_MAX_CLASSES  16      /* labels of a class-conditional net (sf_net_config.classes) */
#define SF_MAX_GUIDANCE 20      /* w of classifier-free guidance, 0 .. SF_MAX_GUIDANCE */
/* 2^53 − 1: the largest seed every front end writes exactly (a JavaScript number holds integers
 * exactly up to it). */
#define SF_MAX_SEED 9007199254740991ULL
/* 2^53 − 1: the most training steps a model counts (a weights file holds the count and JavaScript
 * reads it as a number); sf_model_train refuses a step past it, so every model it trains still saves
 * a file the reader accepts. */
#define SF_MAX_STEP_COUNT 9007199254740991ULL
/* Every SF_MAX_* above is exported by name to JavaScript (src/wasm/api.c: sfw_limit_*), where the
 * settings and checks read them; tests/node/enums.test.js compares the two. */

/* ---- Enumerations (keep in sync with web/core/enums.js) -------------------------------------- */
typedef enum sf_objective {
    SF_OBJ_EXACT = 0,     /* mean of tr(∂s/∂x) + ½‖s‖², the trace from D forward-mode passes */
    SF_OBJ_SLICED = 1,    /* mean of vᵀ(∂s/∂x)v + ½(vᵀs)², v ~ N(0, I) per sample and step */
    SF_OBJ_SLICED_VR = 2, /* mean of vᵀ(∂s/∂x)v + ½‖s‖² (variance reduced) */
    SF_OBJ_DSM = 3,       /* mean of ½‖s(x̃) + (x̃ − x)/σ²‖², x̃ = x + σz, z ~ N(0, I) */
    SF_OBJ_NCSN = 4,      /* DSM over a noise ladder σ₁ > … > σ_L, a level i uniform per sample, weighted
                             λ(σ) = σ²: mean of ½‖σ_i·s(x̃, σ_i) + z‖² (a noise-conditional net only) */
    SF_OBJ_VESDE = 5,     /* the VE SDE's continuous-σ DSM (Song et al. 2021): NCSN's term with σ drawn per
                             sample from sigma_dist between sigma_min and sigma_max (a noise-conditional
                             net only; sample it with the sf_sde samplers) */
    SF_OBJ_COUNT
} sf_objective;

typedef enum sf_dataset {
    SF_DATA_SWISS_ROLL = 0,      /* D = 2: scikit-learn's make_swiss_roll, columns x and z, divided by 10 */
    SF_DATA_DIGITS = 1,          /* D = 64: the 1797 8x8 digits as X/16 plus Gaussian noise */
    SF_DATA_MOONS = 2,           /* D = 2: scikit-learn's make_moons, centred */
    SF_DATA_EIGHT_GAUSSIANS = 3, /* D = 2: eight equal Gaussians on the unit circle */
    SF_DATA_RINGS = 4,           /* D = 2: two concentric rings, radius 1 and 0.5 */
    SF_DATA_CHECKERBOARD = 5,    /* D = 2: uniform on the dark squares of a 4 × 4 board over [−1, 1]² */
    SF_DATA_MIXTURE = 6,         /* D = 2: NCSN's mixture, 0.2·N((−1,−1), ·) + 0.8·N((1,1), ·) */
    SF_DATA_POINTS = 7,          /* D = 2: points a user painted, given to the model (sf_model_set_points) */
    SF_DATA_COUNT
} sf_dataset;

/* SF_OBJ_VESDE's distribution of σ (sf_train_config.sigma_dist). */
typedef enum sf_sigma_dist {
    SF_SIGMA_LOG_UNIFORM = 0, /* log σ uniform on [log σ_min, log σ_max] (Song et al. 2021) */
    SF_SIGMA_EDM = 1          /* EDM: ln σ ~ N(−1.2, 1.2²) clamped to [σ_min, σ_max], each term weighted by
                                 (σ² + σ_d²)/σ_d² (Karras et al. 2022) */
} sf_sigma_dist;

/* How much of a sampler's run to keep (see sf_langevin and sf_annealed_langevin). */
typedef enum sf_keep {
    SF_KEEP_LAST = 0,  /* (n, D): the chains after the last step */
    SF_KEEP_ALL = 1,   /* (steps + 1, n, D): every step, frame 0 the start */
    SF_KEEP_LEVELS = 2 /* annealed only, (levels + 1, n, D): the chains after each noise level */
} sf_keep;

typedef enum sf_isa {
    SF_ISA_AUTO = 0,   /* SIMD128 when this build has it, else scalar */
    SF_ISA_SCALAR = 1, /* the scalar twins, on any build */
    SF_ISA_SIMD128 = 2 /* the SIMD128 twins; SF_EINVAL on a build without them */
} sf_isa;

/* ---- Data ------------------------------------------------------------------------------------ */

/* The dimension D of a dataset's points, or 0 for an unknown id. */
int sf_data_dim(int dataset);

/* Gives a build without the embedded digits table (the WebAssembly modules, which leave its 44 KB
 * out of every download) the table: 1797 × 64 pixel values 0..16 row by row, then the 1797 labels
 * (116 805 bytes; build-wasm.sh writes them as web/core/scorefield-digits.bin). SF_EINVAL when the
 * bytes lack the table's published check sums. Until it is given, digits calls fail with SF_EINVAL.
 * A native build has the table built in and only checks the bytes. */
sf_status sf_data_load_digits(const unsigned char *table, size_t size);

/* The noise a dataset is drawn with unless told otherwise (see sf_data_sample; 0 for an unknown id). */
float sf_data_default_noise(int dataset);

/* x (n, D) = n fresh points of a dataset with the given noise (swiss roll: σ of the Gaussian noise
 * added before dividing by 10, tutorial 1.0; digits: σ of the noise added to X/16, tutorial 0.1),
 * drawn from a generator seeded with `seed`. labels (n), if not NULL, receives each digit's class
 * (−1 for the swiss roll). */
sf_status sf_data_sample(float *x, int *labels, int dataset, int n, float noise, uint64_t seed);

/* s (n, 2) = the exact score ∇ log p_σ(x) of a Gaussian-mixture dataset (eight Gaussians, mixture)
 * drawn with the given noise and then blurred by N(0, σ² I): the target a learned field is compared
 * with. SF_EINVAL for a dataset without a closed form. */
sf_status sf_data_score(float *s, const float *x, int n, int dataset, float noise, float sigma);

/* The energy distance between samples x (n, D) and y (m, D): 2·E‖X − Y‖ − E‖X − X'‖ − E‖Y − Y'‖, the
 * mean over all pairs (zero in expectation only when the distributions agree; Székely & Rizzo). A
 * sample-quality number for a sampler against fresh data. n, m >= 2. */
sf_status sf_energy_distance(double *out, const float *x, int n, const float *y, int m, int D);

/* out (n) = uniform draws in [lo, hi) from a generator seeded with `seed`: the digits sampler's
 * start 0.1·U(0, 1)⁶⁴ is sf_uniform(x0, 64 * n, 0, 0.1f, seed). */
sf_status sf_uniform(float *out, int n, float lo, float hi, uint64_t seed);

/* out (n, dim) = n points uniform in the box [lo_d, hi_d) of each coordinate d (lo, hi: dim values,
 * finite, lo <= hi), drawn in order from the generator sf_uniform uses: the start of samplers. */
sf_status sf_uniform_box(float *out, int n, int dim, const float *lo, const float *hi, uint64_t seed);

/* x (n, 2) = n fresh draws of painted points (count, 2), 1 <= count <= SF_MAX_POINTS, as training on
 * SF_DATA_POINTS draws them: a point chosen uniformly, plus noise·N(0, I), from a generator seeded
 * with `seed` (its own stream): the reference data samples of painted points are compared with. */
sf_status sf_points_sample(float *x, const float *points, int count, int n, float noise, uint64_t seed);

/* out (n, 2) = points (n, 2), 1 <= n <= SF_MAX_POINTS, centred and scaled into the box [xmin, xmax] ×
 * [ymin, ymax]: out = c_box + s·(p − c_pts), c the centre of each bounding box and one scale for both
 * axes (the shape is kept), s = fill·min(box width / points' width, box height / points' height), so
 * the points span `fill` (0 < fill <= 1) of the box's tighter side. Points all on one vertical or
 * horizontal line scale by the other axis; points all at one place are only moved to the centre.
 * out may be points. On an error out is unchanged. */
sf_status sf_points_fit_box(float *out, const float *points, int n, float xmin, float xmax, float ymin, float ymax,
                            float fill);

/* ---- Noise ----------------------------------------------------------------------------------- */

/* sigmas (levels) = the geometric ladder from sigma_max down to sigma_min, ends exact. */
sf_status sf_noise_ladder(float *sigmas, int levels, float sigma_max, float sigma_min);

/* ---- The digit classifier (the digit-quality measure) ------------------------------------------
 * A multinomial logistic regression on the 64 pixels, trained by the core on the digits table the first
 * time one of these is called (deterministic: the same weights on every build, about 0.1 s; the first
 * call is not thread-safe). It trains on the rows r with r mod 5 != 4 and is tested on the other 359
 * (sf_digits_heldout), whose accuracy it reaches about 96 % of at the tutorial's noise 0.1. Every call
 * fails with SF_EINVAL until the digits table is loaded (see sf_data_load_digits). */
#define SF_DIGIT_CLASSES   10
#define SF_DIGITS_HELDOUT  359 /* held-out images: rows 4, 9, 14, … of the table */
#define SF_DIGIT_CONFIDENT 0.9 /* a sample is "confident" when its top class probability is >= this */

/* probs (n, 10), if not NULL, = p(c | x) of each image x (n, 64) (pixels on the X/16 scale); labels (n),
 * if not NULL, = the most probable class. SF_EINVAL for a non-finite pixel, naming it. */
sf_status sf_classify(float *probs, int *labels, const float *x, int n);

typedef struct sf_digit_quality {
    double confident;                        /* share of images with top probability >= 0.9 */
    double class_share[SF_DIGIT_CLASSES];    /* share of images whose top class is c */
    double min_class_share;                  /* the smallest of class_share */
    double accuracy;                         /* share with top class == want[i]; −1 without want */
    double class_accuracy[SF_DIGIT_CLASSES]; /* the same among images asked to be c; −1 if none */
} sf_digit_quality;

/* The digit-quality measure of images x (n >= 1, 64): how many the classifier is confident about, the
 * class histogram and, when want (n) is given (the class each image was drawn for), the conditional
 * accuracy overall and per class. */
sf_status sf_digits_quality(sf_digit_quality *q, const float *x, int n, const int *want);

/* x (n, 64) = the first n held-out images (n <= SF_DIGITS_HELDOUT) as X/16 + noise·N(0, 1), the noise
 * from a generator seeded with `seed`; labels (n), if not NULL, their classes. The real digits a
 * generator's samples are measured against. */
sf_status sf_digits_heldout(float *x, int *labels, int n, float noise, uint64_t seed);

/* ---- The model ------------------------------------------------------------------------------- */
typedef struct sf_model sf_model;

typedef struct sf_net_config {
    int dim;               /* D, 1 .. SF_MAX_DIM */
    int hidden;            /* H, 1 .. SF_MAX_HIDDEN (tutorial 128) */
    int depth;             /* hidden layers, 1 .. SF_MAX_DEPTH (tutorial 2) */
    uint64_t seed;         /* seeds initialisation and training batches */
    int isa;               /* an sf_isa */
    int noise_conditional; /* 1: the net is s(x, σ), an MLP of (c_in·x, Fourier features for D = 2,
                              log σ) with EDM's output scaling (src/net/cond.h; train it with
                              SF_OBJ_NCSN); 0: the tutorial's s(x) */
    int classes;           /* 0: unconditional; 2 .. SF_MAX_CLASSES: a class-conditional s(x, σ, c) (needs
                              noise_conditional), the label one-hot among classes + 1 inputs, the last
                              the "no label" token ∅ that training feeds 20 % of the time (classifier-free
                              guidance: sf_model_score_guided) */
} sf_net_config;

/* D = dim, H = 128, depth 2, seed 42, SF_ISA_AUTO, not noise-conditional, no classes. */
sf_net_config sf_net_config_default(int dim);

/* Allocates and initialises a model like the tutorial's stax.Dense layers: weights Glorot-normal
 * (truncated at ±2σ, as jax.nn.initializers.glorot_normal), biases N(0, 0.01²). Its training
 * settings start as sf_train_config_default of the dataset of dimension D (swiss roll for D = 2,
 * digits for D = 64, else a config whose dataset must be set before training). */
sf_status sf_model_create(sf_model **out, const sf_net_config *cfg);

/* Frees everything the model allocated. NULL is a no-op. */
void sf_model_free(sf_model *m);

/* Threads. The library has no thread library of its own: the host installs a runner, a function that
 * runs tasks fn(ctx, 0) .. fn(ctx, n − 1) (n <= threads) concurrently and returns when all are done
 * (natively par/pool.h's pthread pool). sf_set_runner(NULL, NULL, 0) removes it (tasks then run
 * inline). It must not change while a model call runs. */
typedef void (*sf_task_fn)(void *ctx, int task);
typedef void (*sf_run_fn)(void *pool, sf_task_fn fn, void *ctx, int n);
sf_status sf_set_runner(sf_run_fn run, void *pool, int threads);

/* How many threads a model's training steps and samplers use, 1 .. the runner's threads (1 without a
 * runner). Results do not depend on it, bit for bit: a batch is cut into chunks that depend only on
 * the batch and the net, each chunk's gradient goes to its own buffer and the buffers are summed in
 * chunk order; sampler chains are scored in independent rows. Each thread beyond the first costs one
 * workspace. A call uses fewer threads when the work is too small to pay for them. Abandons a step
 * in pieces. */
sf_status sf_model_set_threads(sf_model *m, int threads);
int sf_model_threads(const sf_model *m);

typedef struct sf_train_config {
    int dataset;      /* an sf_dataset, of dimension D */
    int objective;    /* an sf_objective */
    int batch;        /* N, 1 .. SF_MAX_BATCH (tutorial 128) */
    int n_proj;       /* M, projections per sample for the sliced objectives, 1 .. SF_MAX_PROJ */
    float lr;         /* Adam's learning rate, finite and > 0 (tutorial 1e-3) */
    float sigma;      /* σ of denoising score matching, finite and > 0 */
    float data_noise; /* the dataset's noise (see sf_data_sample), finite and >= 0 */
    float sigma_max;  /* SF_OBJ_NCSN's ladder: σ₁ >= σ_L > 0, finite */
    float sigma_min;  /* σ_L */
    int levels;       /* L, 1 .. SF_MAX_LEVELS */
    int sigma_dist;   /* SF_OBJ_VESDE: an sf_sigma_dist (σ between sigma_min and sigma_max) */
} sf_train_config;

/* The tutorial's settings for a dataset: sliced SM, batch 128, 1 projection, lr 1e-3, σ 0.1 for the
 * 2-D sets and 0.2 for digits, the dataset's default noise; the NCSN ladder 10 levels from σ₁ (about
 * the data's diameter: 3 for the 2-D sets, 1 for digits) down to 0.01. */
sf_train_config sf_train_config_default(int dataset);

/* Checks and applies training settings. On SF_EINVAL the model keeps its previous settings.
 * Changing the learning rate or objective keeps the parameters and Adam's state. */
sf_status sf_model_set_train(sf_model *m, const sf_train_config *tc);
sf_train_config sf_model_train_config(const sf_model *m);

/* Runs `steps` training steps; losses (steps), if not NULL, receives each step's loss.
 * A step whose loss, gradient or updated parameters are not finite is rolled back: the parameters,
 * Adam's moments and the step count stay exactly as before it, the call stops there and returns
 * SF_ENONFINITE (losses[i] of that step holds the offending loss). Steps before it are kept. */
sf_status sf_model_train(sf_model *m, int steps, float *losses);

/* One training step in pieces, so that a caller with a loop of its own (a web worker answering the
 * page) is never inside the library for long: sf_model_step_begin starts the step (the same checks
 * as sf_model_train); each sf_model_step_chunk processes the next points of the batch, at least one
 * of the library's chunks and otherwise at most max_points (>= 1), and sets *points_done to the
 * points of the batch processed so far (the batch is complete at the batch size); sf_model_step_end applies the step and writes its loss (may be NULL), with
 * sf_model_train's rollback of a non-finite step. The result is the same, bit for bit, as
 * sf_model_train(m, 1, loss) whatever max_points. Scoring and sampling may run between the pieces;
 * sf_model_step_cancel (or changing the settings, the points or the weights, or sf_model_train)
 * abandons the step and leaves the model as it was before it began; sf_model_save meanwhile saves
 * the model as it was before the step. */
sf_status sf_model_step_begin(sf_model *m);
sf_status sf_model_step_chunk(sf_model *m, int max_points, int *points_done);
sf_status sf_model_step_end(sf_model *m, float *loss);
void sf_model_step_cancel(sf_model *m);

/* s (n, D) = the score at x (n, D), any n >= 0. */
sf_status sf_model_score(sf_model *m, float *s, const float *x, int n);

/* The objective and its gradient for a given batch, without drawing anything or updating:
 * x (n, D); aux = v (M, n, D) as v[(m·n + i)·D + d] for the sliced objectives, z (n, D) for DSM,
 * unused for EXACT. *loss receives the loss; the gradient (P) is left in sf_model_grad(m).
 * This is what training computes after drawing its batch; tests check it against a double-precision
 * reference. */
sf_status sf_model_loss_grad(sf_model *m, float *loss, int objective, const float *x, const float *aux, int n,
                             int n_proj, float sigma);

/* Gives a model of dimension 2 the points a user painted, for SF_DATA_POINTS: points (n, 2) are
 * copied, 1 <= n <= SF_MAX_POINTS, finite. Training on SF_DATA_POINTS draws them uniformly and adds
 * the config's data noise. */
sf_status sf_model_set_points(sf_model *m, const float *points, int n);

/* s (n, D) = the score at noise level sigma: s(x, σ) for a noise-conditional model (sigma finite and
 * > 0). sf_model_score on such a model evaluates it at σ_L, the smallest level of its training ladder;
 * on a plain model sigma is ignored. A noise-conditional model scores, and so samples, with the
 * moving average of its weights (sf_model_ema_params), a plain one with its weights. */
sf_status sf_model_score_sigma(sf_model *m, float *s, const float *x, int n, float sigma);

/* The number of classes of a dataset's labels (digits 10, moons 2, eight Gaussians 8, rings 2, mixture
 * 2), or 0 for one without labels: what a class-conditional net on it needs at least. */
int sf_data_classes(int dataset);

/* Classifier-free guidance on a class-conditional model: s (n, D) = (1 + w)·s(x, σ, c) − w·s(x, σ, ∅)
 * at level sigma, for class cls (0 .. classes − 1, or −1 for the unconditional s(x, σ, ∅), where w is
 * ignored) and guidance w in [0, SF_MAX_GUIDANCE]. SF_EINVAL naming the value for a bad class or w, or
 * for a model that is not class-conditional. */
sf_status sf_model_score_guided(sf_model *m, float *s, const float *x, int n, float sigma, int cls, float w);

/* The one adapter through which every sampler of a noise-conditional score function samples with
 * guidance: pass sf_guided_score and a filled sf_guide as (fn, ctx) to sf_annealed_langevin_fn (or any
 * sampler taking an sf_score_sigma_fn). Returns 0, or 1 if sf_model_score_guided failed. */
typedef struct sf_guide {
    sf_model *model;
    int cls;        /* −1: unconditional */
    float guidance; /* w */
} sf_guide;
int sf_guided_score(void *ctx, float *s, const float *x, int n, int dim, float sigma);

/* Views of the model. The parameter and gradient arrays (P) are laid out layer by layer, l = 0 ..
 * depth: W_l (in_l, out_l) row-major, then b_l (out_l). sf_model_params may point elsewhere after
 * each training step (the optimiser is double-buffered): fetch it again rather than keeping it. */
int sf_model_param_count(const sf_model *m);
float *sf_model_params(sf_model *m);
/* The exponential moving average of the parameters (P, same layout, fixed address) that a
 * noise-conditional model scores with: β = min(0.999, (1 + t)/(10 + t)) after step t, the initial
 * weights before training; NULL for a plain model. */
float *sf_model_ema_params(sf_model *m);
const float *sf_model_grad(const sf_model *m);
sf_net_config sf_model_net_config(const sf_model *m);
long long sf_model_step_count(const sf_model *m);
const char *sf_model_isa_name(const sf_model *m); /* "scalar" or "simd128" */

/* ---- Weights files ---------------------------------------------------------------------------
 * A model's whole training state as bytes: the architecture, the training settings, the step count,
 * the training generator's state, the parameters and Adam's two moments, with checksums. Saving and
 * loading it lets training go on exactly — bit for bit — as if it had never stopped. The layout is
 * documented in the README ("Weights file format"); every integer and float is little-endian. */
#define SF_WEIGHTS_VERSION 3 /* the version this library writes, and the newest it reads */

/* The size in bytes of m's weights file: 128 + (12 + 4E)·P + 8·Q (P parameters, Q painted points,
 * E = 1 for a noise-conditional net, whose file carries the weights' moving average). */
size_t sf_model_save_size(const sf_model *m);

/* Writes m's weights file to buf, which holds `size` >= sf_model_save_size(m) bytes. */
sf_status sf_model_save(const sf_model *m, void *buf, size_t size);

/* Restores the weights file buf (size bytes) into m, whose net must have the file's shape. SF_EINVAL,
 * with a message that says which, for a file that is not a weights file, is from a newer version, is
 * truncated, is corrupted (a checksum or a field out of range) or holds another architecture; then m
 * is exactly as before. */
sf_status sf_model_load(sf_model *m, const void *buf, size_t size);

/* A new model with the file's architecture and seed, restored from it as sf_model_load does; isa as
 * in sf_net_config. On failure *out is NULL. */
sf_status sf_model_from_weights(sf_model **out, const void *buf, size_t size, int isa);

/* ---- Langevin sampling ----------------------------------------------------------------------- */
typedef struct sf_langevin_config {
    float eps;         /* ε at the first step, finite and > 0 */
    float decay;       /* ε ← ε·decay after each step, finite and > 0 */
    float temperature; /* T, finite and >= 0 */
    int steps;         /* 0 .. SF_MAX_STEPS */
    uint64_t seed;     /* seeds the sampler's noise: same seed, same chains */
} sf_langevin_config;

/* The tutorial's sampler: 2-D ε 0.01, decay 0.9, 15 steps, T 1; digits ε 0.05, decay 0.98,
 * 50 steps, T 0.02; seed 0. */
sf_langevin_config sf_langevin_config_default(int dataset);

/* Runs n chains of unadjusted Langevin dynamics on the model's score, from x0 (n, D):
 *   x ← x + ε/2·s(x) + √ε·T·z,  z ~ N(0, I),  then ε ← ε·decay.
 * keep_all (SF_KEEP_ALL): out is (steps + 1, n, D), frame 0 = x0 and frame t the chains after t
 * steps; otherwise out is (n, D), the chains after the last step. out must not overlap x0.
 * Returns SF_ENONFINITE if a chain became NaN or infinite (out is written all the same). */
sf_status sf_langevin(sf_model *m, float *out, const float *x0, int n, const sf_langevin_config *lc, int keep_all);

/* A score function for sf_langevin_fn: s (n, dim) = score at x (n, dim). Returns 0 on success. */
typedef int (*sf_score_fn)(void *ctx, float *s, const float *x, int n, int dim);

/* The same sampler on any score function (an analytic one, for instance), in chunks of at most
 * 4096/dim points per call of fn. */
sf_status sf_langevin_fn(sf_score_fn fn, void *ctx, int dim, float *out, const float *x0, int n,
                         const sf_langevin_config *lc, int keep_all);

/* A run in chunks: a sampler that advances a chunk of steps at a time, so that a page's worker can
 * sample between its frames and messages (a chain of 10^6 steps, say). Each sampler has one
 * (sf_langevin_run, sf_anneal_run, sf_sde_run) with the same contract:
 *   - sf_*_begin checks c and starts a run of n chains of dimension dim in x (n, D), copied from
 *     x0 (n, D); the run's fields are read-only from then on;
 *   - sf_*_step advances the run by up to `steps` steps (fewer at its end) on x in place, on a model
 *     of dimension r->dim; sf_*_step_fn does the same on a score function;
 *   - the result does not depend on how a run is cut into chunks, and a step returns SF_ENONFINITE
 *     if a chain became NaN or infinite.
 * The declarations below add what each sampler's run does beyond that. */
typedef struct sf_langevin_run {
    sf_langevin_config c;
    int dim, n;      /* D and the chain count */
    int step;        /* steps done, 0 .. c.steps */
    float eps;       /* ε of the next step (c.eps·decay^step, in float as one call computes it) */
    uint64_t rng[2]; /* the sampler's generator */
} sf_langevin_run;

/* x0 may be x itself. The run ends with the same bits as sf_langevin(…, keep_all 0) from x0. */
sf_status sf_langevin_begin(sf_langevin_run *r, const sf_langevin_config *c, int dim, float *x, const float *x0, int n);

/* A noise-conditional model scores at σ_L, as sf_langevin does. */
sf_status sf_langevin_step(sf_langevin_run *r, sf_model *m, float *x, int steps);
sf_status sf_langevin_step_fn(sf_langevin_run *r, sf_score_fn fn, void *ctx, float *x, int steps);

/* ---- Annealed Langevin sampling (Song & Ermon 2019, Algorithm 1) ----------------------------- */
typedef struct sf_anneal_config {
    float sigma_max; /* σ₁, the first and largest noise level, finite, >= sigma_min */
    float sigma_min; /* σ_L, the last, finite and > 0 */
    int levels;      /* L, 1 .. SF_MAX_LEVELS; the levels are sf_noise_ladder's */
    int steps;       /* T, steps per level, 0 .. SF_MAX_STEPS / levels */
    float eps;       /* ε: level i steps with α_i = ε·σ_i²/σ_L², finite and > 0 */
    uint64_t seed;   /* seeds the sampler's noise */
} sf_anneal_config;

/* NCSN's settings: T = 100, the ladder of sf_train_config_default, seed 0, and ε such that each
 * step moves α_i/σ_i² = ε/σ_L² of its level's variance: 0.1 for the 2-D sets (the paper's toy
 * experiment: ε 0.1 at σ_L 1), ε = 2e-5 for digits (the paper's image setting, ratio 0.2). */
sf_anneal_config sf_anneal_config_default(int dataset);

/* Runs n chains of annealed Langevin dynamics on a noise-conditional model, from x0 (n, D): for each
 * level i = 1 .. L, T steps of
 *   x ← x + α_i·s(x, σ_i) + √(2α_i)·z,  z ~ N(0, I),  α_i = ε·σ_i²/σ_L².
 * NB: the step is α·s with noise √(2α) — Langevin's own convention, which the tutorial's sampler
 * (sf_langevin) writes with ε = 2α as ε/2·s and √ε. keep: an sf_keep (SF_KEEP_ALL gives L·T + 1
 * frames, SF_KEEP_LEVELS gives L + 1). SF_EINVAL for a model that is not noise-conditional. */
sf_status sf_annealed_langevin(sf_model *m, float *out, const float *x0, int n, const sf_anneal_config *ac, int keep);

/* A score function of the noise level for sf_annealed_langevin_fn: s (n, dim) = s(x, sigma). */
typedef int (*sf_score_sigma_fn)(void *ctx, float *s, const float *x, int n, int dim, float sigma);

/* The same sampler on any noise-conditional score function (sf_data_score's, for instance). */
sf_status sf_annealed_langevin_fn(sf_score_sigma_fn fn, void *ctx, int dim, float *out, const float *x0, int n,
                                  const sf_anneal_config *ac, int keep);

/* Annealed Langevin of a class-conditional model for class cls (−1: any) with guidance w, through
 * sf_guided_score: sf_annealed_langevin_fn(sf_guided_score, &(sf_guide){m, cls, w}, …).
 * cls = SF_CLASS_PRIOR samples p(x) through the labels instead of the null token: chain i is drawn for
 * class i mod K (K = the model's classes; the label prior when the classes are equally frequent, as
 * the digits' are to within 1 %), each class's chains a run of their own with seed ac->seed + c and
 * guidance w (0: p(x | c) itself), written back in place, every kept frame. */
#define SF_CLASS_PRIOR (-2)
sf_status sf_annealed_langevin_guided(sf_model *m, float *out, const float *x0, int n, const sf_anneal_config *ac,
                                      int keep, int cls, float w);

/* Annealed Langevin as a run in chunks (the contract is at sf_langevin_run). */
typedef struct sf_anneal_run {
    sf_anneal_config c;
    int dim, n;      /* D and the chain count */
    int step;        /* Langevin steps done, 0 .. c.levels·c.steps (level step / c.steps) */
    long long nfe;   /* score evaluations per chain so far */
    uint64_t rng[2]; /* the sampler's generator */
} sf_anneal_run;

/* x0 may be NULL: then the chains are drawn from N(0, σ_max² I) with the run's generator (the SDE
 * samplers' prior). With x0 given, the run ends with the same bits as sf_annealed_langevin(…,
 * SF_KEEP_LAST) from x0. A run in chunks bounds each level, not the ladder: c->steps may be up to
 * SF_MAX_STEPS whatever c->levels. */
sf_status sf_anneal_begin(sf_anneal_run *r, const sf_anneal_config *c, int dim, float *x, const float *x0, int n);

/* `steps` counts Langevin steps (T per level); a model must be noise-conditional. */
sf_status sf_anneal_step(sf_anneal_run *r, sf_model *m, float *x, int steps);
sf_status sf_anneal_step_fn(sf_anneal_run *r, sf_score_sigma_fn fn, void *ctx, float *x, int steps);

/* ---- Score-SDE samplers (Song et al. 2021; Karras et al. 2022) ------------------------------
 * The variance-exploding SDE: data blurred by N(0, σ² I) with σ growing from σ_min to σ_max. Samplers
 * walk σ back down from the prior N(0, σ_max² I) on a noise-conditional score s(x, σ) (a model trained
 * with SF_OBJ_NCSN or SF_OBJ_VESDE, or a score function). Keep in sync with web/core/enums.js. */
typedef enum sf_sampler {
    SF_SAMPLER_ANNEALED = 0,  /* annealed Langevin (sf_annealed_langevin; not an sf_sde sampler) */
    SF_SAMPLER_SDE = 1,       /* reverse-time VE SDE, Euler–Maruyama on the geometric σ grid:
                                 x ← x + (σ_i² − σ_{i+1}²)·s(x, σ_i) + √(σ_i² − σ_{i+1}²)·z, no noise at
                                 the last step (σ_N = 0). NFE = steps */
    SF_SAMPLER_PC = 2,        /* predictor–corrector: before each SDE step one Langevin corrector step
                                 x ← x + ε·s + √(2ε)·z at σ_i with ε = 2(snr·σ_i)² (Song et al.'s
                                 2(snr·‖z‖/‖s‖)² at the norms' expectations). NFE = 2·steps */
    SF_SAMPLER_ODE_EULER = 3, /* probability-flow ODE dx/dσ = −σ·s(x, σ), Euler on EDM's ρ grid. NFE = steps */
    SF_SAMPLER_ODE_HEUN = 4,  /* the same ODE, Heun (Karras Alg. 1): NFE = 2·steps − 1 */
    SF_SAMPLER_EDM = 5,       /* Karras Alg. 2: Heun with churn γ = min(churn/steps, √2 − 1) (noise added
                                 to raise σ_i to σ_i(1 + γ) before each step). NFE = 2·steps − 1 */
    SF_SAMPLER_COUNT
} sf_sampler;

typedef struct sf_sde_config {
    int sampler;     /* an sf_sampler other than SF_SAMPLER_ANNEALED */
    int steps;       /* N, 1 .. SF_MAX_STEPS */
    float sigma_max; /* σ_max >= sigma_min > 0, finite: the prior's scale and the first level */
    float sigma_min; /* the last level before σ = 0 */
    float snr;       /* PC's corrector signal-to-noise ratio, finite and > 0 (Song et al.: 0.16) */
    float rho;       /* EDM's grid σ_i = (σ_max^(1/ρ) + i/(N−1)·(σ_min^(1/ρ) − σ_max^(1/ρ)))^ρ, >= 1 (7) */
    float churn;     /* EDM's S_churn, finite and >= 0 */
    uint64_t seed;   /* seeds the prior draw and the sampler's noise */
} sf_sde_config;

/* The defaults: the dataset's training ladder ends (sf_train_config_default), 100 steps, snr 0.16,
 * ρ 7, churn 10, seed 0. */
sf_sde_config sf_sde_config_default(int dataset, int sampler);

/* The SDE samplers as a run in chunks (the contract is at sf_langevin_run). */
typedef struct sf_sde_run {
    sf_sde_config c;
    int dim, n;      /* D and the chain count */
    int step;        /* steps done, 0 .. c.steps */
    long long nfe;   /* score evaluations per chain so far */
    uint64_t rng[2]; /* the sampler's generator */
} sf_sde_run;

/* x0 may be NULL: then the chains are drawn from the prior N(0, σ_max² I) with the run's generator. */
sf_status sf_sde_begin(sf_sde_run *r, const sf_sde_config *c, int dim, float *x, const float *x0, int n);

/* A model must be noise-conditional. */
sf_status sf_sde_step(sf_sde_run *r, sf_model *m, float *x, int steps);
sf_status sf_sde_step_fn(sf_sde_run *r, sf_score_sigma_fn fn, void *ctx, float *x, int steps);

/* sigmas (c->steps + 1) = the σ grid a run of c walks: σ_0 = σ_max, …, σ_{N−1} = σ_min, σ_N = 0 (the
 * geometric grid for SDE and PC, EDM's ρ grid for the others); frame i of a kept run is at σ_i. */
sf_status sf_sde_grid(float *sigmas, const sf_sde_config *c);

/* The whole run at once: out (n, D), or with keep_all (steps + 1, n, D), frame 0 the start; x0 as in
 * sf_sde_begin. *nfe (may be NULL) receives the score evaluations per chain. */
sf_status sf_sde_sample(sf_model *m, float *out, const float *x0, int n, const sf_sde_config *c, int keep_all,
                        long long *nfe);
sf_status sf_sde_sample_fn(sf_score_sigma_fn fn, void *ctx, int dim, float *out, const float *x0, int n,
                           const sf_sde_config *c, int keep_all, long long *nfe);

/* ---- Likelihood through the probability-flow ODE (Song et al. 2021, §4.3) ---------------------
 * log p_σmin(x) = log N(x(σ_max); 0, σ_max² I) − ∫ σ·∇·s(x(σ), σ) dσ from σ_min to σ_max along the ODE
 * dx/dσ = −σ·s(x, σ) started at x: the density of the data blurred by σ_min (the data noise a model
 * learned with is part of the density it reports). Heun on EDM's ρ grid, 2·steps score evaluations
 * with their divergence. Nats per point; bits per dimension are −log p/(D·ln 2). */
typedef struct sf_likelihood_config {
    int steps;       /* 1 .. SF_MAX_STEPS */
    float sigma_max; /* the prior's scale, finite, >= sigma_min */
    float sigma_min; /* > 0 */
    float rho;       /* EDM's grid exponent, >= 1 */
    int probes;      /* 0: the exact divergence (D tangents); else Hutchinson with this many Gaussian
                        probes per point, 1 .. SF_MAX_PROJ, fixed along each point's path */
    uint64_t seed;   /* seeds the probes */
} sf_likelihood_config;

/* The training ladder's ends, 100 steps, ρ 7, exact divergence for D <= 8 else 1 probe, seed 0. */
sf_likelihood_config sf_likelihood_config_default(int dataset);

/* out (n) = log p(x_i) in nats for x (n, D) on a noise-conditional model. */
sf_status sf_log_likelihood(sf_model *m, double *out, const float *x, int n, const sf_likelihood_config *c);

/* sf_log_likelihood of points first .. first + n − 1 of a larger set x: the Hutchinson probes are
 * those a call on the whole set draws for these points, so a set cut into pieces (a density grid
 * computed a row at a time) gives the same bits as one call. first >= 0. */
sf_status sf_log_likelihood_at(sf_model *m, double *out, const float *x, int n, const sf_likelihood_config *c,
                               long long first);

/* out (4) = the mean of log p over n >= 1 values logp (nats), its standard error (the sample standard
 * deviation / √n; 0 for n = 1), and the same two as negative log-likelihood in bits per dimension
 * (−log p/(D·ln 2)) for points of dimension dim. SF_EINVAL for a non-finite value, naming its index. */
sf_status sf_likelihood_summary(double *out, const double *logp, int n, int dim);

/* The same on a score function; its divergence by central differences (step 2e-3 of each coordinate's
 * scale), so probes must be 0. */
sf_status sf_log_likelihood_fn(sf_score_sigma_fn fn, void *ctx, int dim, double *out, const float *x, int n,
                               const sf_likelihood_config *c);

/* ---- A Gaussian fitted to data: the baseline a learned density's NLL is read against ------------
 * fit (SF_GAUSSIAN_FIT_SIZE(dim) doubles) = log det C, the mean μ (dim), then the lower Cholesky
 * factor L of C (dim × dim, row-major, C = L·Lᵀ), C the sample covariance of x (n, dim) with
 * divisor n − 1. n >= 2; SF_EINVAL for a non-finite point (naming its index) or a covariance that is
 * not positive definite (points on a line: naming the dimension and its pivot). */
#define SF_GAUSSIAN_FIT_SIZE(dim) (1 + (dim) + (dim) * (dim))
sf_status sf_gaussian_fit(double *fit, const float *x, int n, int dim);

/* out (n) = log N(x_i; μ, C) in nats under a fit of sf_gaussian_fit, for x (n, dim), n >= 0: the fit
 * once, then held-out points in as many pieces as wanted (each point on its own). */
sf_status sf_gaussian_log_density(double *out, const double *fit, const float *x, int n, int dim);

#ifdef __cplusplus
}
#endif

#endif
