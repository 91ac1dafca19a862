/* loss.h — the score-matching objectives on one chunk of a batch: value and output adjoints.
 *
 * A chunk is n points of a batch of N. The caller fills the input stack ws->h[0] (see net/mlp.h):
 *   EXACT      block 0 = x; the D one-hot tangent blocks are written here
 *   SLICED/VR  block 0 = x, block m = the projections v_m of each point (M blocks)
 *   DSM        block 0 = x̃ = x + σz, and z itself in block 0 of ws->adj[0]
 *   NCSN       block 0 = net/cond.h's input rows of x̃ = x + σ_i·z at σ_i, z in ws->adj[0] as for
 *              DSM, σ_i in row_sigma and x̃ in row_x
 * sf__loss_chunk then runs the forward pass, adds the chunk's share of the batch mean to the loss,
 * writes the adjoints of the outputs and runs the backward pass, adding to the gradient. Summing the
 * chunks of a batch gives exactly the batch objective of scorefield.h and its gradient.
 */
#ifndef SF_LOSS_H
#define SF_LOSS_H

#include "net/mlp.h"

typedef struct sf_loss_args {
    int objective;          /* an sf_objective */
    int N;                  /* points in the whole batch: the mean divides by it */
    int M;                  /* projections per point (sliced objectives) */
    float sigma;            /* DSM's σ */
    const float *row_sigma; /* NCSN: the σ_i of each point of the chunk (n) */
    const float *row_x;     /* NCSN: the noisy points x̃ of the chunk (n, D), for the output map */
    int sigma_dist;         /* VESDE: an sf_sigma_dist (EDM's weights the terms) */
} sf_loss_args;

/* K, the number of tangent directions per point that an objective needs. */
int sf__loss_tangents(int objective, int D, int M);

/* Returns the chunk's contribution to the batch loss and adds its gradient to grad (P), or with
 * acc = 0 writes it there (the batch's first chunk: grad need not be zeroed first).
 * grad = NULL skips the backward pass (the value alone). */
double sf__loss_chunk(const sf_mlp *net, const sf_kernels *k, const float *params, sf_mlp_ws *ws, int n,
                      const sf_loss_args *a, float *grad, int acc);

#endif
