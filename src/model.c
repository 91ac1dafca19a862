/* model.c — the public model API: checking settings, the one allocation, the training step,
 * scoring. It ties the layers together and owns no maths of its own: the net's passes are net/'s,
 * the objectives loss/'s, the update optim/'s and the kernels', the batches data/'s. */
#include "model.h"

#include <limits.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "base/fmath.h"
#include "base/status.h"
#include "data/data.h"
#include "loss/loss.h"
#include "net/cond.h"
#include "noise/noise.h"
#include "optim/adam.h"
#include "par/par.h"

#define SF__TRAIN_DEFAULT_BATCH 128
#define SF__TRAIN_DEFAULT_LR    1e-3f
/* DSM's σ when nothing else is said: about a tenth of each dataset's spread (the 2-D sets span
 * ~2.5; a digit's pixels span 0..1 in 64 dimensions). */
#define SF__DSM_SIGMA_2D     0.1f
#define SF__DSM_SIGMA_DIGITS 0.2f
/* NCSN's ladder (Song & Ermon 2019, §4.2): σ₁ about the largest distance between data points, so
 * that the first level blurs every mode into one (the 2-D sets fit in about [−1.5, 1.5]²: diameter
 * ~3; digits' pixels lie in [0, 1]: distances between images of order 1, as for the paper's images),
 * σ_L small enough that the last level is the data itself, 10 levels as in the paper. */
#define SF__NCSN_SIGMA_MAX_2D     3.0f
#define SF__NCSN_SIGMA_MAX_DIGITS 1.0f
#define SF__NCSN_SIGMA_MIN        0.01f
#define SF__NCSN_LEVELS           10
/* Classifier-free guidance (Ho & Salimans 2022): a class-conditional net sees the null token instead
 * of the label for this share of its training points, their choice of 0.1 .. 0.2. */
#define SF__LABEL_DROP 0.2f
/* A batch's chunks: a power-of-two count of them, at most SF__MAX_CHUNKS, each of at least
 * SF__CHUNK_MIN_ROWS stack rows where the batch has them (W3's 128 points and 1 projection: 4 chunks
 * of 64 rows), so that threads have chunks to share; the count depends on the batch and the net only,
 * never on the threads, and so do the sums. */
#define SF__MAX_CHUNKS     8
#define SF__CHUNK_MIN_ROWS 64
/* The multiply-adds below which a task is not worth a thread (waking one costs tens of µs). */
#define SF__PAR_MIN_WORK (1L << 18)

sf_net_config sf_net_config_default(int dim) {
    sf_net_config c = {dim, 128, 2, 42, SF_ISA_AUTO, 0, 0};
    return c;
}

sf_train_config sf_train_config_default(int dataset) {
    sf_train_config c;
    c.dataset = dataset;
    c.objective = SF_OBJ_SLICED;
    c.batch = SF__TRAIN_DEFAULT_BATCH;
    c.n_proj = 1;
    c.lr = SF__TRAIN_DEFAULT_LR;
    c.sigma = dataset == SF_DATA_DIGITS ? SF__DSM_SIGMA_DIGITS : SF__DSM_SIGMA_2D;
    c.data_noise = sf_data_default_noise(dataset);
    c.sigma_max = dataset == SF_DATA_DIGITS ? SF__NCSN_SIGMA_MAX_DIGITS : SF__NCSN_SIGMA_MAX_2D;
    c.sigma_min = SF__NCSN_SIGMA_MIN;
    c.levels = SF__NCSN_LEVELS;
    c.sigma_dist = SF_SIGMA_LOG_UNIFORM;
    return c;
}

static sf_status check_net_config(const sf_net_config *c) {
    if (!c) return sf__fail(SF_EINVAL, "net config is NULL");
    if (c->dim < 1 || c->dim > SF_MAX_DIM)
        return sf__fail(SF_EINVAL, "dimension must be 1..%d, got %d", SF_MAX_DIM, c->dim);
    if (c->hidden < 1 || c->hidden > SF_MAX_HIDDEN)
        return sf__fail(SF_EINVAL, "hidden width must be 1..%d, got %d", SF_MAX_HIDDEN, c->hidden);
    if (c->depth < 1 || c->depth > SF_MAX_DEPTH)
        return sf__fail(SF_EINVAL, "depth must be 1..%d hidden layers, got %d", SF_MAX_DEPTH, c->depth);
    if (c->seed > SF_MAX_SEED)
        return sf__fail(SF_EINVAL, "seed must be 0..%llu, got %llu", SF_MAX_SEED, (unsigned long long)c->seed);
    if (c->isa < SF_ISA_AUTO || c->isa > SF_ISA_SIMD128)
        return sf__fail(SF_EINVAL, "unknown instruction set id %d", c->isa);
    if (c->isa == SF_ISA_SIMD128 && !SF_HAVE_SIMD128) return sf__fail(SF_EINVAL, "this build has no SIMD128 kernels");
    if (c->noise_conditional != 0 && c->noise_conditional != 1)
        return sf__fail(SF_EINVAL, "noise_conditional must be 0 or 1, got %d", c->noise_conditional);
    if (c->classes != 0 && (c->classes < 2 || c->classes > SF_MAX_CLASSES))
        return sf__fail(SF_EINVAL, "classes must be 0 (unconditional) or 2..%d, got %d", SF_MAX_CLASSES, c->classes);
    if (c->classes && !c->noise_conditional)
        return sf__fail(SF_EINVAL, "a class-conditional net (classes %d) must be noise-conditional", c->classes);
    return SF_OK;
}

static const sf_kernels *pick_kernels(int isa) {
#if SF_HAVE_SIMD128
    if (isa != SF_ISA_SCALAR) return &sf_kernels_simd128;
#endif
    (void)isa;
    return &sf_kernels_scalar;
}

sf_status sf_model_create(sf_model **out, const sf_net_config *cfg) {
    if (!out) return sf__fail(SF_EINVAL, "sf_model_create: out is NULL");
    *out = NULL;
    sf_status st = check_net_config(cfg);
    if (st) return st;

    sf_mlp net;
    sf__mlp_shape(&net, cfg->dim, cfg->hidden, cfg->depth, cfg->noise_conditional, cfg->classes);
    int rows = sf__mlp_ws_rows(&net);
    /* One allocation: the struct, then 8 arrays of P floats (the last lane 0's chunk gradient), the painted points (2-D models), the
     * weights' average and the per-point noise levels and noisy points of a chunk (noise-conditional
     * nets), then the workspace. */
    size_t head = (sizeof(sf_model) + 15) & ~(size_t)15;
    size_t n_points = cfg->dim == 2 ? 2 * SF_MAX_POINTS : 0;
    size_t n_rows = cfg->noise_conditional ? (size_t)net.P + (size_t)rows * (size_t)(1 + cfg->dim) : 0;
    size_t floats = (size_t)8 * net.P + n_points + n_rows + (size_t)sf__mlp_ws_floats(&net, rows);
    sf_model *m = malloc(head + floats * sizeof(float));
    if (!m) return sf__fail(SF_ENOMEM, "could not allocate %zu bytes for the model", head + floats * 4);
    memset(m, 0, sizeof *m);
    float *mem = (float *)((char *)m + head);

    m->net = net;
    m->nc = *cfg;
    m->k = pick_kernels(cfg->isa);
    m->score_class = -1;
    float **arrays[] = {&m->p, &m->m1, &m->m2, &m->p_next, &m->m1_next, &m->m2_next, &m->grad};
    for (int i = 0; i < 7; i++) *arrays[i] = mem, mem += net.P;
    float *grad0 = mem; /* right after grad: see lane0_grad */
    mem += net.P;
    m->points = mem, mem += n_points;
    if (cfg->noise_conditional) {
        m->ema = mem, mem += net.P;
        m->row_sigma = mem, mem += rows;
        m->row_x = mem, mem += (size_t)rows * (size_t)cfg->dim;
    }
    sf__mlp_ws_init(&m->ws, &net, rows, mem);
    m->threads = 1;
    m->lanes[0] = (sf__lane){m->ws, m->row_sigma, m->row_x, grad0, 0.0, 0};

    sf_rng init;
    sf_rng_seed(&init, cfg->seed, SF__STREAM_INIT);
    sf__mlp_init(&net, m->p, &init);
    memset(m->m1, 0, sizeof(float) * (size_t)net.P);
    memset(m->m2, 0, sizeof(float) * (size_t)net.P);
    memset(m->grad, 0, sizeof(float) * (size_t)net.P);
    if (m->ema) memcpy(m->ema, m->p, sizeof(float) * (size_t)net.P);
    sf_rng_seed(&m->rng_train, cfg->seed, SF__STREAM_TRAIN);

    int dataset = cfg->dim == 2 ? SF_DATA_SWISS_ROLL : cfg->dim == 64 ? SF_DATA_DIGITS : -1;
    m->tc = sf_train_config_default(dataset < 0 ? SF_DATA_SWISS_ROLL : dataset);
    m->tc.dataset = dataset;
    m->has_dataset = dataset >= 0;
    if (cfg->noise_conditional) m->tc.objective = SF_OBJ_NCSN;
    *out = m;
    return SF_OK;
}

void sf_model_free(sf_model *m) {
    if (m) free(m->lane_mem);
    free(m);
}

/* Lane 0's chunk gradient: the 8th array of P floats of the model's allocation. */
static float *lane0_grad(sf_model *m) { return m->grad + m->net.P; }

sf_status sf_model_set_threads(sf_model *m, int threads) {
    if (!m) return sf__fail(SF_EINVAL, "model is NULL");
    const int max = sf__par_threads();
    if (threads < 1 || threads > max)
        return sf__fail(SF_EINVAL, "threads must be 1..%d (what the installed runner offers), got %d", max, threads);
    if (threads == m->threads) return SF_OK;
    const sf_mlp *net = &m->net;
    const size_t P = (size_t)net->P, rows = (size_t)m->ws.rows, D = (size_t)net->D;
    const size_t ws_f = (size_t)sf__mlp_ws_floats(net, m->ws.rows), row_f = net->cond ? rows * (1 + D) : 0;
    float *mem = NULL;
    if (threads > 1) {
        size_t floats = (size_t)threads * (P + 2 * rows * D) + (size_t)(threads - 1) * (ws_f + row_f);
        mem = malloc(floats * sizeof(float));
        if (!mem) return sf__fail(SF_ENOMEM, "could not allocate %zu bytes for %d threads", floats * 4, threads);
    }
    sf_model_step_cancel(m);
    free(m->lane_mem);
    m->lane_mem = mem, m->sbuf = NULL, m->zbuf = NULL, m->threads = threads;
    m->lanes[0].grad = lane0_grad(m);
    if (threads == 1) return SF_OK;
    float *gbuf = mem;
    mem += (size_t)threads * P;
    m->sbuf = mem, mem += (size_t)threads * rows * D;
    m->zbuf = mem, mem += (size_t)threads * rows * D;
    m->lanes[0].grad = gbuf;
    for (int j = 1; j < threads; j++) {
        sf__lane *l = &m->lanes[j];
        memset(l, 0, sizeof *l);
        l->grad = gbuf + (size_t)j * P;
        sf__mlp_ws_init(&l->ws, net, m->ws.rows, mem);
        mem += ws_f;
        if (net->cond) l->row_sigma = mem, l->row_x = mem + rows, mem += row_f;
    }
    return SF_OK;
}

int sf_model_threads(const sf_model *m) { return m ? m->threads : 0; }

static int any_dataset_has_dim(int D) {
    for (int id = 0; id < SF_DATA_COUNT; id++)
        if (sf_data_dim(id) == D) return 1;
    return 0;
}

/* Why a model without a training dataset cannot train: none of its dimension exists, or (a model read
 * from a file saved without one) none was set. */
static sf_status no_dataset(const sf_model *m) {
    if (!any_dataset_has_dim(m->net.D)) return sf__fail(SF_EINVAL, SF__NO_DATASET_FMT, m->net.D);
    return sf__fail(SF_EINVAL, "the model has no training dataset: set one with sf_model_set_train");
}

sf_status sf__check_train_config(const sf_train_config *c, int D, int with_dataset, int cond) {
    if (!c) return sf__fail(SF_EINVAL, "train config is NULL");
    if (with_dataset) {
        int dim = sf_data_dim(c->dataset);
        if (dim == 0) return sf__fail(SF_EINVAL, "unknown dataset id %d", c->dataset);
        if (dim != D && !any_dataset_has_dim(D)) return sf__fail(SF_EINVAL, SF__NO_DATASET_FMT, D);
        if (dim != D)
            return sf__fail(SF_EINVAL, "dataset %d has dimension %d but the model's is %d", c->dataset, dim, D);
    }
    if (c->objective < 0 || c->objective >= SF_OBJ_COUNT)
        return sf__fail(SF_EINVAL, "unknown objective id %d", c->objective);
    if (c->batch < 1 || c->batch > SF_MAX_BATCH)
        return sf__fail(SF_EINVAL, "batch size must be 1..%d, got %d", SF_MAX_BATCH, c->batch);
    if (c->n_proj < 1 || c->n_proj > SF_MAX_PROJ)
        return sf__fail(SF_EINVAL, "projections must be 1..%d, got %d", SF_MAX_PROJ, c->n_proj);
    sf_status st = sf__check_positive(c->lr, "learning rate");
    if (!st) st = sf__check_positive(c->sigma, "sigma");
    if (!st) st = sf__check_nonnegative(c->data_noise, "data noise");
    if (!st) st = sf__check_ladder(c->levels, c->sigma_max, c->sigma_min);
    if (st) return st;
    if (c->sigma_dist != SF_SIGMA_LOG_UNIFORM && c->sigma_dist != SF_SIGMA_EDM)
        return sf__fail(SF_EINVAL, "sigma distribution must be 0 (log-uniform) or 1 (EDM log-normal), got %d",
                        c->sigma_dist);
    if (cond && !SF__OBJ_CONDITIONAL(c->objective))
        return sf__fail(SF_EINVAL, "a noise-conditional net trains with the ncsn objective only (or vesde)");
    if (!cond && SF__OBJ_CONDITIONAL(c->objective))
        return sf__fail(SF_EINVAL, "the %s objective needs a noise-conditional net (s(x, sigma))",
                        c->objective == SF_OBJ_NCSN ? "ncsn" : "vesde");
    return SF_OK;
}

sf_status sf_model_set_train(sf_model *m, const sf_train_config *tc) {
    if (!m) return sf__fail(SF_EINVAL, "model is NULL");
    sf_status st = sf__check_train_config(tc, m->net.D, 1, m->net.cond);
    if (st) return st;
    if (tc->dataset == SF_DATA_POINTS && m->n_points == 0)
        return sf__fail(SF_EINVAL, "the painted-points dataset is empty: give the model points first");
    if (tc->dataset == SF_DATA_DIGITS && !sf__digits_ready()) return sf__fail(SF_EINVAL, SF__DIGITS_NOT_LOADED);
    if (m->net.classes) {
        int k = sf_data_classes(tc->dataset);
        if (k == 0)
            return sf__fail(SF_EINVAL, "dataset %d has no labels for a class-conditional net to learn", tc->dataset);
        if (k > m->net.classes)
            return sf__fail(SF_EINVAL, "dataset %d has %d classes but the net only %d", tc->dataset, k, m->net.classes);
    }
    sf_model_step_cancel(m);
    m->tc = *tc;
    m->has_dataset = 1;
    return SF_OK;
}

sf_train_config sf_model_train_config(const sf_model *m) {
    return m ? m->tc : sf_train_config_default(SF_DATA_SWISS_ROLL);
}

/* Points per chunk of a batch of N points with K tangents (see SF__MAX_CHUNKS); a point and its K
 * tangents always fit the workspace. */
static int chunk_points(const sf_model *m, int N, int K) {
    const int cap = m->ws.rows / (1 + K);
    const long rows = (long)N * (1 + K);
    int c = 1;
    while (c < SF__MAX_CHUNKS && rows / (2 * c) >= SF__CHUNK_MIN_ROWS) c *= 2;
    int per = (N + c - 1) / c;
    return per < cap ? per : cap;
}

/* Row i of a noise-conditional input stack: x̃ = x + σz from x (already at the row's start), z (D)
 * and the level σ, made into net/cond.h's input row (with the label's one-hot for a class-conditional
 * net; −1 is the null token); x̃ goes to row_x for the output map, z to the loss's buffer and σ to
 * row_sigma. */
static void ncsn_row(const sf_model *m, sf__lane *l, int i, const float *z, float sigma, int label) {
    const int D = m->net.D;
    float *row = l->ws.h[0] + (long)i * m->net.in[0], *xt = l->row_x + (long)i * D;
    memcpy(l->ws.adj[0] + (long)i * D, z, sizeof(float) * (size_t)D);
    for (int d = 0; d < D; d++) xt[d] = row[d] + sigma * z[d];
    sf__cond_input(row, xt, D, sigma);
    if (m->net.classes) sf__cond_label(row + sf__cond_in(D, 0), m->net.classes, label);
    l->row_sigma[i] = sigma;
}

/* VESDE's continuous σ (Song et al. 2021; Karras et al. 2022): log-uniform on [σ_min, σ_max], or EDM's
 * log-normal ln σ ~ N(P_mean, P_std²) clamped to [σ_min, σ_max]. Our own exp (same bits everywhere). */
#define SF__EDM_P_MEAN (-1.2)
#define SF__EDM_P_STD  1.2
static float draw_sigma(sf_model *m) {
    const sf_train_config *tc = &m->tc;
    double lmin = sf__log(tc->sigma_min), lmax = sf__log(tc->sigma_max), l;
    if (tc->sigma_dist == SF_SIGMA_EDM) {
        l = SF__EDM_P_MEAN + SF__EDM_P_STD * (double)sf_rng_normal(&m->rng_train);
        l = l < lmin ? lmin : l > lmax ? lmax : l;
    } else {
        l = lmin + (lmax - lmin) * sf_rng_uniform_d(&m->rng_train);
    }
    float sigma = (float)sf__exp(l);
    return sigma < tc->sigma_min ? tc->sigma_min : sigma > tc->sigma_max ? tc->sigma_max : sigma;
}

/* Fills the input stack of a training chunk of n points from the generator, point by point (the
 * point, then its projections or noise, or its noise level and noise), so the draws do not depend
 * on the chunk size. */
static void fill_from_rng(sf_model *m, sf__lane *l, int n, int K, const float *sigmas) {
    const int D = m->net.D, in0 = m->net.in[0];
    const long size = (long)n * D;
    const sf_train_config *tc = &m->tc;
    float *h0 = l->ws.h[0], *z = l->ws.adj[0];
    l->n = n;
    for (int i = 0; i < n; i++) {
        float *xi = h0 + (long)i * in0;
        int label = -1;
        if (tc->dataset == SF_DATA_POINTS)
            sf__points_draw(xi, m->points, m->n_points, 1, tc->data_noise, &m->rng_train);
        else
            sf__data_draw(xi, m->net.classes ? &label : NULL, tc->dataset, 1, tc->data_noise, &m->rng_train);
        if (tc->objective == SF_OBJ_SLICED || tc->objective == SF_OBJ_SLICED_VR) {
            for (int j = 1; j <= K; j++) sf_rng_fill_normal(&m->rng_train, h0 + j * size + (long)i * D, D, 1.0f);
        } else if (tc->objective == SF_OBJ_DSM) {
            float *zi = z + (long)i * D;
            sf_rng_fill_normal(&m->rng_train, zi, D, 1.0f);
            for (int d = 0; d < D; d++) xi[d] = xi[d] + tc->sigma * zi[d];
        } else if (tc->objective == SF_OBJ_NCSN) {
            int level = (int)sf_rng_below(&m->rng_train, (uint32_t)tc->levels);
            float zi[SF_MAX_DIM];
            sf_rng_fill_normal(&m->rng_train, zi, D, 1.0f);
            /* Classifier-free guidance's training: the label is dropped (the null token) with
             * probability SF__LABEL_DROP, so one net learns s(x, σ, c) and s(x, σ, ∅). */
            if (m->net.classes && sf_rng_uniform(&m->rng_train) < SF__LABEL_DROP) label = -1;
            ncsn_row(m, l, i, zi, sigmas[level], label);
        } else if (tc->objective == SF_OBJ_VESDE) {
            float sigma = draw_sigma(m), zi[SF_MAX_DIM];
            sf_rng_fill_normal(&m->rng_train, zi, D, 1.0f);
            if (m->net.classes && sf_rng_uniform(&m->rng_train) < SF__LABEL_DROP) label = -1;
            ncsn_row(m, l, i, zi, sigma, label);
        }
    }
}

/* The same from caller-given arrays: x (N, D) and aux (see sf_model_loss_grad), points n0 .. n0+n. */
static void fill_from_arrays(const sf_model *m, sf__lane *l, int objective, const float *x, const float *aux, int N,
                             int M, float sigma, int n0, int n) {
    const int D = m->net.D;
    const long size = (long)n * D;
    float *h0 = l->ws.h[0];
    l->n = n;
    if (SF__OBJ_CONDITIONAL(objective)) {
        const float *sig = aux + (long)N * D, *lab = sig + N; /* σ_i after z, then the labels */
        for (int i = 0; i < n; i++) {
            memcpy(h0 + (long)i * m->net.in[0], x + (long)(n0 + i) * D, sizeof(float) * (size_t)D);
            ncsn_row(m, l, i, aux + (long)(n0 + i) * D, sig[n0 + i], m->net.classes ? (int)lab[n0 + i] : -1);
        }
        return;
    }
    memcpy(h0, x + (long)n0 * D, sizeof(float) * (size_t)size);
    if (objective == SF_OBJ_SLICED || objective == SF_OBJ_SLICED_VR) {
        for (int j = 0; j < M; j++)
            memcpy(h0 + (1 + j) * size, aux + ((long)j * N + n0) * D, sizeof(float) * (size_t)size);
    } else if (objective == SF_OBJ_DSM) {
        float *z = l->ws.adj[0];
        memcpy(z, aux + (long)n0 * D, sizeof(float) * (size_t)size);
        for (long i = 0; i < size; i++) h0[i] = h0[i] + sigma * z[i];
    }
}

/* A round: the chunks in lanes 0 .. t − 1 (filled in chunk order), computed on the model's threads. */
typedef struct round_ctx {
    sf_model *m;
    const sf_loss_args *a;
} round_ctx;

static void chunk_task(void *ctx, int j) {
    const round_ctx *r = ctx;
    sf_model *m = r->m;
    sf__lane *l = &m->lanes[j];
    sf_loss_args a = *r->a;
    a.row_sigma = l->row_sigma, a.row_x = l->row_x;
    l->loss = sf__loss_chunk(&m->net, m->k, m->p, &l->ws, l->n, &a, l->grad, 0);
}

/* Computes the t filled lanes' chunks, on threads when the work pays for them, then adds them to the
 * batch's loss (*loss) and gradient in chunk order, each chunk's loss to the running sum and its
 * gradient row to m->grad (first: lane 0 holds the batch's first chunk, which m->grad becomes). The
 * same additions in the same order for every thread count. */
static void run_round(sf_model *m, const sf_loss_args *a, int K, int t, int first, double *loss) {
    round_ctx r = {m, a};
    const long work = 3L * m->lanes[0].n * (1 + K) * m->net.P;
    if (t > 1 && work >= SF__PAR_MIN_WORK)
        sf__par_run(chunk_task, &r, t);
    else
        for (int j = 0; j < t; j++) chunk_task(&r, j);
    for (int j = 0; j < t; j++) *loss += m->lanes[j].loss;
    const int P = m->net.P;
    if (first) memcpy(m->grad, m->lanes[0].grad, sizeof(float) * (size_t)P);
    /* Lanes' gradients are contiguous rows (threads, P) when t > 1. */
    if (t > first) m->k->add_rows(m->grad, m->lanes[first].grad, t - first, P, P);
}

/* Loss and gradient of one batch of N points, filled chunk by chunk from the arrays or the generator. */
static double batch_loss_grad(sf_model *m, const sf_loss_args *a, const float *x, const float *aux) {
    int K = sf__loss_tangents(a->objective, m->net.D, a->M);
    int per = chunk_points(m, a->N, K);
    double loss = 0.0;
    float sigmas[SF_MAX_LEVELS];
    if (!x && a->objective == SF_OBJ_NCSN) sf_noise_ladder(sigmas, m->tc.levels, m->tc.sigma_max, m->tc.sigma_min);
    for (int n0 = 0; n0 < a->N;) {
        const int first = n0 == 0;
        int t = 0;
        for (; t < m->threads && n0 < a->N; t++) {
            int n = a->N - n0 < per ? a->N - n0 : per;
            if (x)
                fill_from_arrays(m, &m->lanes[t], a->objective, x, aux, a->N, a->M, a->sigma, n0, n);
            else
                fill_from_rng(m, &m->lanes[t], n, K, sigmas);
            n0 += n;
        }
        run_round(m, a, K, t, first, &loss);
    }
    return loss;
}

sf_status sf_model_loss_grad(sf_model *m, float *loss, int objective, const float *x, const float *aux, int n,
                             int n_proj, float sigma) {
    if (!m || !loss || !x) return sf__fail(SF_EINVAL, "sf_model_loss_grad: model, loss and x must not be NULL");
    if (objective < 0 || objective >= SF_OBJ_COUNT) return sf__fail(SF_EINVAL, "unknown objective id %d", objective);
    if (n < 1 || n > SF_MAX_BATCH) return sf__fail(SF_EINVAL, "batch size must be 1..%d, got %d", SF_MAX_BATCH, n);
    int sliced = objective == SF_OBJ_SLICED || objective == SF_OBJ_SLICED_VR;
    if (sliced && (n_proj < 1 || n_proj > SF_MAX_PROJ))
        return sf__fail(SF_EINVAL, "projections must be 1..%d, got %d", SF_MAX_PROJ, n_proj);
    if (objective == SF_OBJ_DSM && (!sf__finite(sigma) || sigma <= 0))
        return sf__fail(SF_EINVAL, "sigma must be finite and > 0, got %g", (double)sigma);
    if (SF__OBJ_CONDITIONAL(objective) != m->net.cond)
        return sf__fail(SF_EINVAL, m->net.cond
                                       ? "a noise-conditional net trains with the ncsn objective only (or vesde)"
                                       : "the ncsn or vesde objective needs a noise-conditional net (s(x, sigma))");
    if (objective != SF_OBJ_EXACT && !aux)
        return sf__fail(SF_EINVAL, "this objective needs aux (projections or noise), got NULL");
    const long D = m->net.D;
    if (!sf__all_finite(x, n * D)) return sf__fail(SF_EINVAL, "x contains NaN or infinity");
    long aux_len = SF__OBJ_CONDITIONAL(objective) ? n * (D + 1 + (m->net.classes > 0)) : (sliced ? n_proj : 1) * n * D;
    if (aux && objective != SF_OBJ_EXACT && !sf__all_finite(aux, aux_len))
        return sf__fail(SF_EINVAL, "aux contains NaN or infinity");
    if (SF__OBJ_CONDITIONAL(objective)) {
        for (int i = 0; i < n; i++)
            if (!(aux[n * D + i] > 0)) return sf__fail(SF_EINVAL, "noise level %d is not > 0", i);
        for (int i = 0; i < n && m->net.classes; i++) {
            float c = aux[n * (D + 1) + i];
            if (c != (float)(int)c || c < -1 || c >= m->net.classes)
                return sf__fail(SF_EINVAL, "label %d must be -1 (none) or a class 0..%d, got %g", i, m->net.classes - 1,
                                (double)c);
        }
    }

    sf_model_step_cancel(m); /* the gradient and the workspace are this call's now */
    sf_loss_args a = {objective, n, sliced ? n_proj : 1, sigma, m->row_sigma, m->row_x, m->tc.sigma_dist};
    *loss = (float)batch_loss_grad(m, &a, x, aux);
    if (!sf__finite(*loss)) return sf__fail(SF_ENONFINITE, "the loss is not finite");
    return SF_OK;
}

/* ema ← β·ema + (1 − β)·p after step t (t >= 1), β = min(SF__EMA_DECAY, (1 + t)/(10 + t)): the
 * average of a noise-conditional net's weights, which it samples with. Which ring or Gaussian gets
 * how much mass moves with the last few hundred updates of the raw weights (rings: energy distance
 * 0.0067 .. 0.020 over three seeds); their average holds it (0.0012 .. 0.0035). The warm-up keeps a
 * short run's average from being mostly the initial weights (at step 300 β is 0.97, not 0.999). β and
 * 1 − β are rounded to float once; plain float arithmetic, so every build gives the same bits. */
#define SF__EMA_DECAY 0.999
static void ema_update(float *ema, const float *p, int P, long long t) {
    double beta = (1.0 + (double)t) / (10.0 + (double)t);
    if (beta > SF__EMA_DECAY) beta = SF__EMA_DECAY;
    const float b = (float)beta, c = (float)(1.0 - beta);
    for (int i = 0; i < P; i++) ema[i] = b * ema[i] + c * p[i];
}

void sf_model_step_cancel(sf_model *m) {
    if (!m || !m->pending.active) return;
    m->rng_train = m->pending.rng_before;
    m->pending.active = 0;
}

sf_status sf_model_step_begin(sf_model *m) {
    if (!m) return sf__fail(SF_EINVAL, "model is NULL");
    sf_model_step_cancel(m);
    if (!m->has_dataset) return no_dataset(m);
    if (m->tc.dataset == SF_DATA_DIGITS && !sf__digits_ready()) return sf__fail(SF_EINVAL, SF__DIGITS_NOT_LOADED);
    if ((unsigned long long)m->step >= SF_MAX_STEP_COUNT)
        return sf__fail(SF_EINVAL,
                        "the model has taken %lld steps, the most a weights file counts (2^53 - 1); "
                        "it cannot train further",
                        m->step);
    const sf_train_config *tc = &m->tc;
    m->pending.a =
        (sf_loss_args){tc->objective, tc->batch, tc->n_proj, tc->sigma, m->row_sigma, m->row_x, tc->sigma_dist};
    m->pending.K = sf__loss_tangents(tc->objective, m->net.D, tc->n_proj);
    m->pending.per = chunk_points(m, tc->batch, m->pending.K);
    m->pending.n0 = 0;
    m->pending.loss = 0.0;
    m->pending.rng_before = m->rng_train;
    if (tc->objective == SF_OBJ_NCSN) sf_noise_ladder(m->pending.sigmas, tc->levels, tc->sigma_max, tc->sigma_min);
    m->pending.active = 1;
    return SF_OK;
}

sf_status sf_model_step_chunk(sf_model *m, int max_points, int *points_done) {
    if (!m || !points_done) return sf__fail(SF_EINVAL, "sf_model_step_chunk: model and points_done must not be NULL");
    if (!m->pending.active) return sf__fail(SF_EINVAL, "no step in progress: call sf_model_step_begin first");
    if (max_points < 1) return sf__fail(SF_EINVAL, "max_points must be >= 1, got %d", max_points);
    const int N = m->pending.a.N, per = m->pending.per;
    /* The batch's chunks are those of sf_model_train whatever max_points (so the sums are the same):
     * whole chunks, at least one, in rounds of up to one chunk per thread. */
    int taken = 0;
    while (m->pending.n0 < N && (taken == 0 || taken + per <= max_points)) {
        const int first = m->pending.n0 == 0;
        int t = 0, n0 = m->pending.n0;
        for (; t < m->threads && n0 < N && (taken == 0 || taken + per <= max_points); t++) {
            int n = N - n0 < per ? N - n0 : per;
            fill_from_rng(m, &m->lanes[t], n, m->pending.K, m->pending.sigmas);
            n0 += n;
            taken += n;
        }
        run_round(m, &m->pending.a, m->pending.K, t, first, &m->pending.loss);
        m->pending.n0 = n0;
    }
    *points_done = m->pending.n0;
    return SF_OK;
}

/* How many of the model's threads a call of `work` multiply-adds pays for: one per SF__PAR_MIN_WORK,
 * at most the model's count (1 or less: stay on the calling thread). */
static long threads_that_pay(const sf_model *m, long work) {
    const long t = work / SF__PAR_MIN_WORK;
    return t < m->threads ? t : m->threads;
}

/* Adam on threads: the parameters in slices of whole 16-float blocks (the kernel's SIMD body and its
 * scalar tail give the same bits, and the update is elementwise, so any split gives the same bits);
 * each slice's check is 0 unless a value in it became NaN or infinite. */
typedef struct adam_ctx {
    sf_model *m;
    sf_adam_coef c;
    int slice;
    float bad[SF_MAX_THREADS];
} adam_ctx;

static void adam_task(void *ctx, int j) {
    adam_ctx *a = ctx;
    sf_model *m = a->m;
    const int i0 = j * a->slice, n = m->net.P - i0 < a->slice ? m->net.P - i0 : a->slice;
    a->bad[j] = n <= 0 ? 0.0f
                       : m->k->adam(m->p_next + i0, m->m1_next + i0, m->m2_next + i0, m->p + i0, m->m1 + i0, m->m2 + i0,
                                    m->grad + i0, n, a->c);
}

/* Adam's cost per parameter in the multiply-adds SF__PAR_MIN_WORK counts (a square root and a
 * division among its dozen operations): the tutorial's digits net (33,088 parameters) takes two
 * threads, which measured natively W3 1.69x -> 1.73-1.80x on two; the swiss roll's (17,282) one. */
#define SF__ADAM_WORK 16

/* One Adam step from m->p, m1, m2 and grad into the _next arrays; nonzero if a value became NaN or
 * infinite. On the model's threads when the parameters are many enough to pay for waking them. */
static int adam_step(sf_model *m, sf_adam_coef c) {
    const int P = m->net.P;
    const long t = threads_that_pay(m, (long)P * SF__ADAM_WORK);
    if (t <= 1) return m->k->adam(m->p_next, m->m1_next, m->m2_next, m->p, m->m1, m->m2, m->grad, P, c) != 0.0f;
    adam_ctx a = {m, c, (int)(((P + t - 1) / t + 15) / 16 * 16), {0}};
    sf__par_run(adam_task, &a, (int)t);
    int bad = 0;
    for (int j = 0; j < t; j++) bad |= a.bad[j] != 0.0f;
    return bad;
}

sf_status sf_model_step_end(sf_model *m, float *loss_out) {
    if (!m) return sf__fail(SF_EINVAL, "model is NULL");
    if (!m->pending.active || m->pending.n0 < m->pending.a.N)
        return sf__fail(SF_EINVAL, "the step's batch is not complete: call sf_model_step_chunk until done");
    m->pending.active = 0;
    const sf_train_config *tc = &m->tc;
    const int P = m->net.P;
    float loss = (float)m->pending.loss;
    if (loss_out) *loss_out = loss;
    if (!sf__finite(loss))
        return sf__fail(SF_ENONFINITE, "the loss became %g at step %lld; the step was not applied", (double)loss,
                        m->step + 1);
    sf_adam_coef c = sf__adam_coef(tc->lr, m->step + 1);
    if (adam_step(m, c))
        return sf__fail(SF_ENONFINITE,
                        "the parameters became non-finite at step %lld (learning rate %g); "
                        "the step was not applied",
                        m->step + 1, (double)tc->lr);
    float *t;
    t = m->p, m->p = m->p_next, m->p_next = t;
    t = m->m1, m->m1 = m->m1_next, m->m1_next = t;
    t = m->m2, m->m2 = m->m2_next, m->m2_next = t;
    m->step++;
    if (m->ema) ema_update(m->ema, m->p, P, m->step);
    return SF_OK;
}

sf_status sf_model_train(sf_model *m, int steps, float *losses) {
    if (!m) return sf__fail(SF_EINVAL, "model is NULL");
    if (steps < 0) return sf__fail(SF_EINVAL, "steps must be >= 0, got %d", steps);
    sf_model_step_cancel(m);
    if (!m->has_dataset) return no_dataset(m);
    if (m->tc.dataset == SF_DATA_DIGITS && !sf__digits_ready()) return sf__fail(SF_EINVAL, SF__DIGITS_NOT_LOADED);
    for (int s = 0; s < steps; s++) {
        int done = 0;
        sf_status st = sf_model_step_begin(m);
        while (st == SF_OK && done < m->tc.batch) st = sf_model_step_chunk(m, INT_MAX, &done);
        if (st == SF_OK) st = sf_model_step_end(m, losses ? &losses[s] : NULL);
        if (st != SF_OK) return st;
    }
    return SF_OK;
}

/* Scores of n points (n <= the workspace's rows) into ws->h[L]; returns that pointer. A
 * noise-conditional net gets net/cond.h's input rows, and its output F becomes a·x + b·F; it is
 * evaluated with the average of its weights (ema), not the last iterate. */
static const float *score_ws(const sf_model *m, sf_mlp_ws *ws, const float *x, int n, float sigma) {
    const int D = m->net.D;
    if (m->net.cond) {
        for (int i = 0; i < n; i++) {
            float *row = ws->h[0] + (long)i * m->net.in[0];
            sf__cond_input(row, x + (long)i * D, D, sigma);
            if (m->net.classes) sf__cond_label(row + sf__cond_in(D, 0), m->net.classes, m->score_class);
        }
    } else {
        memcpy(ws->h[0], x, sizeof(float) * (size_t)n * (size_t)D);
    }
    sf__mlp_forward(&m->net, m->k, m->net.cond ? m->ema : m->p, ws, n, 0, 0);
    float *s = ws->h[m->net.L];
    if (m->net.cond) {
        float a, b;
        sf__cond_output(&a, &b, sigma);
        for (long i = 0; i < (long)n * D; i++) s[i] = a * x[i] + b * s[i];
    }
    return s;
}

const float *sf__model_score_sigma_chunk(sf_model *m, const float *x, int n, float sigma) {
    return score_ws(m, &m->ws, x, n, sigma);
}

int sf__model_score_points(const sf_model *m) { return m->threads * m->ws.rows; }

/* Scoring on threads: piece j of `per` points in lane j, its scores copied to the score buffer. */
typedef struct score_ctx {
    sf_model *m;
    const float *x;
    int n, per;
    float sigma;
} score_ctx;

static void score_task(void *ctx, int j) {
    const score_ctx *c = ctx;
    const long D = c->m->net.D, i0 = (long)j * c->per;
    const int n = c->n - i0 < c->per ? c->n - (int)i0 : c->per;
    const float *s = score_ws(c->m, &c->m->lanes[j].ws, c->x + i0 * D, n, c->sigma);
    memcpy(c->m->sbuf + i0 * D, s, sizeof(float) * (size_t)(n * D));
}

const float *sf__model_score_par(sf_model *m, const float *x, int n, float sigma) {
    const int rows = m->ws.rows, tmin = (n + rows - 1) / rows;
    const long work = (long)n * m->net.P;
    long t = threads_that_pay(m, work);
    if (t < tmin) t = tmin;
    if (t <= 1) return score_ws(m, &m->ws, x, n, sigma);
    score_ctx c = {m, x, n, (int)((n + t - 1) / t), sigma};
    int tasks = (n + c.per - 1) / c.per;
    if (work / tasks >= SF__PAR_MIN_WORK)
        sf__par_run(score_task, &c, tasks);
    else
        for (int j = 0; j < tasks; j++) score_task(&c, j);
    return m->sbuf;
}

/* Scoring on threads while task 0 draws the normals first: blocks of rows taken from a shared counter
 * by whichever task is free, each scored in that task's lane. Which lane scores a row changes no bit
 * (rows are independent, as in score_task). */
typedef struct score_noise_ctx {
    sf_model *m;
    const float *x;
    int n, block;
    float sigma;
    sf_rng *r;
    atomic_int next; /* the next block to score */
} score_noise_ctx;

static void score_noise_task(void *ctx, int j) {
    score_noise_ctx *c = ctx;
    const long D = c->m->net.D;
    if (j == 0) sf_rng_fill_normal(c->r, c->m->zbuf, (int)(c->n * D), 1.0f);
    for (long i0; (i0 = (long)atomic_fetch_add(&c->next, 1) * c->block) < c->n;) {
        const int n = c->n - i0 < c->block ? c->n - (int)i0 : c->block;
        const float *s = score_ws(c->m, &c->m->lanes[j].ws, c->x + i0 * D, n, c->sigma);
        memcpy(c->m->sbuf + i0 * D, s, sizeof(float) * (size_t)(n * D));
    }
}

/* Blocks per task: enough that the task drawing the normals can take fewer of them. */
#define SF__NOISE_BLOCKS_PER_TASK 8

const float *sf__model_score_noise(sf_model *m, const float *x, int n, float sigma, sf_rng *r, const float **z) {
    *z = NULL;
    const long t = threads_that_pay(m, (long)n * m->net.P);
    if (t <= 1) return sf__model_score_par(m, x, n, sigma);
    int block = (int)((n + t * SF__NOISE_BLOCKS_PER_TASK - 1) / (t * SF__NOISE_BLOCKS_PER_TASK));
    if (block < SF__CHUNK_MIN_ROWS) block = SF__CHUNK_MIN_ROWS;
    if (block > m->ws.rows) block = m->ws.rows;
    score_noise_ctx c = {m, x, n, block, sigma, r, 0};
    sf__par_run(score_noise_task, &c, (int)t);
    *z = m->zbuf;
    return m->sbuf;
}

const float *sf__model_score_chunk(sf_model *m, const float *x, int n) {
    return sf__model_score_sigma_chunk(m, x, n, m->tc.sigma_min);
}

sf_status sf_model_score_sigma(sf_model *m, float *s, const float *x, int n, float sigma) {
    if (!m || (n > 0 && (!s || !x))) return sf__fail(SF_EINVAL, "sf_model_score: NULL argument");
    if (n < 0) return sf__fail(SF_EINVAL, "point count must be >= 0, got %d", n);
    if (!sf__finite(sigma) || sigma <= 0)
        return sf__fail(SF_EINVAL, "sigma must be finite and > 0, got %g", (double)sigma);
    const long D = m->net.D;
    if (!sf__all_finite(x, n * D)) return sf__fail(SF_EINVAL, "x contains NaN or infinity");
    const int chunk = sf__model_score_points(m);
    for (int n0 = 0; n0 < n; n0 += chunk) {
        int c = n - n0 < chunk ? n - n0 : chunk;
        memcpy(s + n0 * D, sf__model_score_par(m, x + n0 * D, c, sigma), sizeof(float) * (size_t)(c * D));
    }
    if (!sf__all_finite(s, n * D)) return sf__fail(SF_ENONFINITE, "the score is not finite at some point");
    return SF_OK;
}

sf_status sf__model_score_class(sf_model *m, float *s, const float *x, int n, float sigma, int cls) {
    m->score_class = cls;
    sf_status st = sf_model_score_sigma(m, s, x, n, sigma);
    m->score_class = -1;
    return st;
}

sf_status sf_model_score(sf_model *m, float *s, const float *x, int n) {
    return sf_model_score_sigma(m, s, x, n, m ? m->tc.sigma_min : 1.0f);
}

sf_status sf_model_set_points(sf_model *m, const float *points, int n) {
    if (!m) return sf__fail(SF_EINVAL, "model is NULL");
    if (m->net.D != 2) return sf__fail(SF_EINVAL, "painted points need a model of dimension 2, not %d", m->net.D);
    if (n < 1 || n > SF_MAX_POINTS) return sf__fail(SF_EINVAL, "point count must be 1..%d, got %d", SF_MAX_POINTS, n);
    if (!points) return sf__fail(SF_EINVAL, "sf_model_set_points: points is NULL");
    if (!sf__all_finite(points, 2L * n)) return sf__fail(SF_EINVAL, "the points contain NaN or infinity");
    sf_model_step_cancel(m);
    memcpy(m->points, points, sizeof(float) * 2 * (size_t)n);
    m->n_points = n;
    return SF_OK;
}

int sf_model_param_count(const sf_model *m) { return m ? m->net.P : 0; }
float *sf_model_params(sf_model *m) { return m ? m->p : NULL; }
float *sf_model_ema_params(sf_model *m) { return m ? m->ema : NULL; }
const float *sf_model_grad(const sf_model *m) { return m ? m->grad : NULL; }
sf_net_config sf_model_net_config(const sf_model *m) { return m ? m->nc : sf_net_config_default(0); }
long long sf_model_step_count(const sf_model *m) { return m ? m->step : 0; }
const char *sf_model_isa_name(const sf_model *m) { return m ? m->k->name : ""; }
