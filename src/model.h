/* model.h — what an sf_model holds (private to the library). */
#ifndef SF_MODEL_H
#define SF_MODEL_H

#include "base/rng.h"
#include "base/streams.h"
#include "loss/loss.h"
#include "net/mlp.h"
#include "scorefield.h"

/* One thread's buffers: a workspace and (noise-conditional nets) its chunk's noise levels and noisy
 * points, the gradient of the chunk it computes last, and that chunk's loss and size. Lane 0 is the
 * model's own ws, row_sigma and row_x. */
typedef struct sf__lane {
    sf_mlp_ws ws;
    float *row_sigma, *row_x;
    float *grad; /* (P) */
    double loss;
    int n;
} sf__lane;

struct sf_model {
    sf_mlp net;
    const sf_kernels *k;
    sf_net_config nc;
    sf_train_config tc;
    int has_dataset; /* tc holds a dataset of dimension D */
    sf_rng rng_train;
    long long step; /* training steps taken */
    /* Parameters and Adam's moments (P each), double-buffered: a step writes the other set and the
     * sets swap only when the result is finite. */
    float *p, *m1, *m2;
    float *p_next, *m1_next, *m2_next;
    float *grad;   /* (P) */
    float *ema;    /* (P) noise-conditional nets: the moving average of p they sample with */
    float *points; /* (SF_MAX_POINTS, 2) painted points for SF_DATA_POINTS, D = 2 only */
    int n_points;
    float *row_sigma;      /* (ws.rows) NCSN: each chunk point's noise level (noise-conditional nets) */
    float *row_x;          /* (ws.rows, D) NCSN: each chunk point's noisy x̃, for the output map */
    int score_class;       /* the label a class-conditional net scores with: −1 the null token ∅ */
    float sigma_min_score; /* the σ at which sf_model_score evaluates a noise-conditional net */
    /* A training step taken in pieces (sf_model_step_begin .. _end): the batch's points done so far,
     * the loss summed over them, and the generator as it was before the step (for _cancel). */
    struct {
        int active;
        int n0, K, per;
        double loss;
        sf_loss_args a;
        sf_rng rng_before;
        float sigmas[SF_MAX_LEVELS];
    } pending;
    sf_mlp_ws ws;
    /* Threads (sf_model_set_threads): lanes[0 .. threads), lanes 1.. and, with more than one, the
     * lanes' contiguous gradients (threads, P), the samplers' scores (threads · ws.rows, D) and their
     * normals (as many) in lane_mem, one allocation of its own. */
    int threads;
    void *lane_mem;
    float *sbuf, *zbuf;
    sf__lane lanes[SF_MAX_THREADS];
};

/* 1 for the objectives of a noise-conditional net. */
#define SF__OBJ_CONDITIONAL(o) ((o) == SF_OBJ_NCSN || (o) == SF_OBJ_VESDE)

/* The scores of n <= ws.rows points, left in the workspace: returns ws.h[L] (n, D). A
 * noise-conditional net is evaluated at level sigma (ignored otherwise; the _chunk form uses the
 * smallest level of the training ladder). */
const float *sf__model_score_chunk(sf_model *m, const float *x, int n);
const float *sf__model_score_sigma_chunk(sf_model *m, const float *x, int n, float sigma);

/* The same for n <= sf__model_score_points(m) points on the model's threads: the scores (n, D) in
 * lane 0's workspace or the model's score buffer, the same bits whatever the thread count. */
const float *sf__model_score_par(sf_model *m, const float *x, int n, float sigma);
int sf__model_score_points(const sf_model *m);

/* sf__model_score_par, and meanwhile n·D normals drawn from r into *z as sf_rng_fill_normal(r, *z,
 * n·D, 1) draws them: on threads, one thread draws them while the others start on the scores, and
 * the rows go out in blocks to whichever thread is free, so the draws cost no wall time of their own.
 * *z is NULL (nothing drawn) when the scores run on one thread. Same scores, same normals. */
const float *sf__model_score_noise(sf_model *m, const float *x, int n, float sigma, sf_rng *r, const float **z);

/* sf_model_score_sigma with the label's one-hot of a class-conditional net set to cls (−1: ∅). */
sf_status sf__model_score_class(sf_model *m, float *s, const float *x, int n, float sigma, int cls);

/* Checks training settings for a net of dimension D, noise-conditional or not (the dataset too when
 * with_dataset); SF_EINVAL with a message naming the bad field. */
sf_status sf__check_train_config(const sf_train_config *c, int D, int with_dataset, int cond);

#endif
