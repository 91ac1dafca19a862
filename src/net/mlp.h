/* mlp.h — the score net: shapes, initialisation, and its three passes over one chunk of rows.
 *
 * The net is an MLP with L = depth + 1 linear layers, softplus after every layer but the last:
 *   h_0 = x,  z_l = h_l·W_l + b_l,  h_{l+1} = softplus(z_l) (l < depth),  s = z_depth.
 *
 * The objectives need the score s(x) and Jacobian-vector products J(x)·v for K directions v per
 * point. Forward mode carries a tangent ḣ beside every activation:
 *   ż_l = ḣ_l·W_l (no bias),  ḣ_{l+1} = σ(z_l) ⊙ ż_l   (σ = sigmoid = softplus'),  ṡ = ż_depth = J·v.
 * Both are products with the same W_l, so they travel as ONE matrix: a "stack" of (1 + K)·n rows,
 * block 0 the n primal rows and block k the n rows of tangent direction k (each block contiguous,
 * (n, width) row-major). Every layer is then one GEMM over all streams. The backward pass returns
 * the same way: given the adjoints of the output stack (ds, dṡ_1 … dṡ_K), one GEMM per layer gives
 * dW_l = [h; ḣ]ᵀ·[dz; dż] and the adjoints of the layer below, and the softplus step is
 *   dż_k = dḣ_k ⊙ σ,   dz = dh ⊙ σ + (Σₖ dḣ_k ⊙ ż_k) ⊙ σ(1 − σ),
 * the second term because ḣ_k = σ(z) ⊙ ż_k depends on z too. That term is what makes the gradient of
 * a Jacobian-based loss exact; tests/c/ref.c checks it with hyper-dual numbers.
 *
 * Shapes: n points in a chunk, K tangent directions, R = (1 + K)·n rows, D data, H hidden,
 * in_l/out_l the widths of layer l, P parameters.
 */
#ifndef SF_MLP_H
#define SF_MLP_H

#include "base/rng.h"
#include "kernels/kernels.h"
#include "scorefield.h"

#define SF_MAX_LAYERS (SF_MAX_DEPTH + 1)

/* The shape of a net and where each layer's parameters sit in the flat array. */
typedef struct sf_mlp {
    int D, H, depth, L;       /* L = depth + 1 linear layers */
    int cond;                 /* 1: noise-conditional, the input row is net/cond.h's, in_0 = sf__cond_in(D, classes) */
    int classes;              /* 0, or the labels of a class-conditional net (one-hot of classes + 1 inputs) */
    int P;                    /* parameter count */
    int in[SF_MAX_LAYERS];    /* in_l */
    int out[SF_MAX_LAYERS];   /* out_l */
    int w_off[SF_MAX_LAYERS]; /* W_l (in_l, out_l) at params + w_off[l] */
    int b_off[SF_MAX_LAYERS]; /* b_l (out_l) at params + b_off[l] */
} sf_mlp;

/* The buffers of the passes over one chunk of at most `rows` stack rows. All point into one
 * allocation owned by the model (see sf__mlp_ws_floats). */
typedef struct sf_mlp_ws {
    int rows;                    /* capacity R in stack rows */
    float *h[SF_MAX_LAYERS + 1]; /* h[0] (R, in_0) input stack, h[l] (R, H) for 1 <= l <= depth,
                                      h[L] (R, D) output stack: s in block 0, J·v_k in block k */
    float *zs[SF_MAX_LAYERS];    /* zs[l] (R, H) for l < depth: σ(z_l) in block 0, ż_l in block k */
    float *adj[2];               /* (R, max(H, D)) adjoint stacks, used in turn by the backward
                                      pass; adj[0] receives the output adjoints [ds; dṡ_1 … dṡ_K] */
    float *wt;                   /* (max(H, D), max(H, D)) a transposed weight */
} sf_mlp_ws;

/* Fills in the shape of a D (or a noise-conditional row, cond) → H (× depth) → D net; the caller has
 * checked the ranges. */
void sf__mlp_shape(sf_mlp *net, int D, int H, int depth, int cond, int classes);

/* Initialises params (P) like stax.Dense: W ~ Glorot normal truncated at ±2 (std
 * sqrt(2/(in + out)) / 0.8796..., as jax.nn.initializers.glorot_normal), b ~ N(0, 0.01²). */
void sf__mlp_init(const sf_mlp *net, float *params, sf_rng *r);

/* How many stack rows the workspace holds, and how many floats it needs for that. */
int sf__mlp_ws_rows(const sf_mlp *net);
long long sf__mlp_ws_floats(const sf_mlp *net, int rows);

/* Carves the workspace out of `mem` (sf__mlp_ws_floats(net, rows) floats). */
void sf__mlp_ws_init(sf_mlp_ws *ws, const sf_mlp *net, int rows, float *mem);

/* Forward pass of a stack of n points and K tangents, (1 + K)·n <= ws->rows. Reads ws->h[0];
 * leaves every activation the backward pass needs in ws, and the outputs in ws->h[L]. With
 * out_tangents = 0 the output layer forms the primal block only: the tangent blocks of ws->h[L]
 * (the JVPs ṡ_k) are left unwritten, which saves the output layer's tangent product (4.5 % of the
 * products of a sliced digits step) when a loss needs ṡ_k only through ⟨dṡ, ṡ⟩ (sf__mlp_backward). */
void sf__mlp_forward(const sf_mlp *net, const sf_kernels *k, const float *params, sf_mlp_ws *ws, int n, int K,
                     int out_tangents);

/* Backward pass after sf__mlp_forward with the same n and K: reads the output adjoint stack from
 * ws->adj[0] ((1 + K)·n, D) and ADDS the parameter gradient to grad (P), or with acc = 0 stores it
 * (the same bits as zeroing grad and adding). Overwrites ws->adj and ws->wt. If tangent_dot is not NULL (and K > 0), it receives ⟨dṡ, ṡ⟩ over the tangent rows of the
 * output stack, computed as ⟨dḣ, ḣ⟩ over the tangent rows of the last hidden layer (equal since
 * ṡ = ḣ·W_depth and dḣ = dṡ·W_depthᵀ; the same value up to rounding, in the order of k->dot_rows),
 * so it needs no ṡ: the forward pass may have run with out_tangents = 0. */
void sf__mlp_backward(const sf_mlp *net, const sf_kernels *k, const float *params, sf_mlp_ws *ws, int n, int K,
                      float *grad, int acc, double *tangent_dot);

#endif
