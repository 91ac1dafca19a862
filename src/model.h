/* model.h — what an sf_model holds (private to the library). */
#ifndef SF_MODEL_H
#define SF_MODEL_H

#include "base/rng.h"
#include "base/streams.h"
#include "net/mlp.h"
#include "scorefield.h"

struct sf_model {
    sf_mlp net;
    const sf_kernels *k;
    sf_net_config nc;
    sf_train_config tc;
    int has_dataset;       /* tc holds a dataset of dimension D */
    sf_rng rng_train;
    long long step;        /* training steps taken */
    /* Parameters and Adam's moments (P each), double-buffered: a step writes the other set and the
     * sets swap only when the result is finite. */
    float *p, *m1, *m2;
    float *p_next, *m1_next, *m2_next;
    float *grad;           /* (P) */
    sf_mlp_ws ws;
};

/* The scores of n <= ws.rows points, left in the workspace: returns ws.h[L] (n, D). */
const float *sf__model_score_chunk(sf_model *m, const float *x, int n);

/* Checks training settings for a net of dimension D (the dataset too when with_dataset); SF_EINVAL
 * with a message naming the bad field. */
sf_status sf__check_train_config(const sf_train_config *c, int D, int with_dataset);

#endif
