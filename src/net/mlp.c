/* mlp.c — the score net's shape, initialisation, and forward/backward passes over a stack of a primal
 * block and K tangent blocks (see mlp.h for the maths). The products and elementwise work go through
 * the kernel table; what the loss does with the outputs is loss/'s business. */
#include "net/mlp.h"

#include <math.h>
#include <string.h>

#include "net/cond.h"

/* Widest buffer of the workspace in floats: 2^18 floats = 1 MiB. With H = 128 that is 2048 stack
 * rows — the tutorial's sliced batch (256 rows) and exact 2-D batch (384 rows) in one chunk — while
 * H = 512 nets still fit a workspace of a few MiB in the browser. */
#define SF__WS_WIDEST_FLOATS (1 << 18)

/* JAX's truncated normal on [−2, 2] has standard deviation 0.8796256610342398; variance_scaling
 * divides by it so that the truncated weights keep the intended variance. */
#define SF__TRUNC2_STD 0.87962566103423978

#define SF__BIAS_STD 0.01f /* stax.Dense's b_init = normal(1e-2) */

static int imax(int a, int b) { return a > b ? a : b; }

/* The widest row of any buffer: H, D, or a noise-conditional input row (sf__cond_in). */
static int widest(const sf_mlp *net) { return imax(net->H, net->in[0]); }

void sf__mlp_shape(sf_mlp *net, int D, int H, int depth, int cond, int classes) {
    memset(net, 0, sizeof *net);
    net->D = D;
    net->cond = cond;
    net->classes = classes;
    net->H = H;
    net->depth = depth;
    net->L = depth + 1;
    int off = 0;
    for (int l = 0; l < net->L; l++) {
        net->in[l] = l == 0 ? (cond ? sf__cond_in(D, classes) : D) : H;
        net->out[l] = l == depth ? D : H;
        net->w_off[l] = off;
        off += net->in[l] * net->out[l];
        net->b_off[l] = off;
        off += net->out[l];
    }
    net->P = off;
}

void sf__mlp_init(const sf_mlp *net, float *params, sf_rng *r) {
    for (int l = 0; l < net->L; l++) {
        int in = net->in[l], out = net->out[l];
        float std = (float)(sqrt(2.0 / (in + out)) / SF__TRUNC2_STD);
        float *W = params + net->w_off[l], *b = params + net->b_off[l];
        for (int i = 0; i < in * out; i++) W[i] = std * sf_rng_truncated_normal2(r);
        for (int j = 0; j < out; j++) b[j] = SF__BIAS_STD * sf_rng_normal(r);
    }
}

int sf__mlp_ws_rows(const sf_mlp *net) {
    /* A chunk must hold at least one point with all its tangents: 1 + K rows, K <= max(D, M). */
    int min_rows = 1 + imax(net->D, SF_MAX_PROJ);
    return imax(min_rows, SF__WS_WIDEST_FLOATS / widest(net));
}

long long sf__mlp_ws_floats(const sf_mlp *net, int rows) {
    long long R = rows, W = widest(net);
    return R * net->in[0]            /* h[0] */
           + R * net->H * net->depth /* h[1 .. depth] */
           + R * net->D              /* h[L] */
           + R * net->H * net->depth /* zs */
           + 2 * R * W               /* adj[0], adj[1] */
           + W * W;                  /* wt */
}

void sf__mlp_ws_init(sf_mlp_ws *ws, const sf_mlp *net, int rows, float *mem) {
    long long R = rows, W = widest(net);
    memset(ws, 0, sizeof *ws);
    ws->rows = rows;
    ws->h[0] = mem, mem += R * net->in[0];
    for (int l = 1; l <= net->depth; l++) ws->h[l] = mem, mem += R * net->H;
    ws->h[net->L] = mem, mem += R * net->D;
    for (int l = 0; l < net->depth; l++) ws->zs[l] = mem, mem += R * net->H;
    ws->adj[0] = mem, mem += R * W;
    ws->adj[1] = mem, mem += R * W;
    ws->wt = mem;
}

void sf__mlp_forward(const sf_mlp *net, const sf_kernels *k, const float *params, sf_mlp_ws *ws, int n, int K,
                     int out_tangents) {
    for (int l = 0; l < net->L; l++) {
        int in = net->in[l], out = net->out[l];
        const float *W = params + net->w_off[l], *b = params + net->b_off[l];
        const float *x = ws->h[l];                             /* (R, in) */
        float *z = l < net->depth ? ws->zs[l] : ws->h[net->L]; /* (R, out) */
        /* z = x·W + b for the primal block; ż = ẋ·W for the tangent blocks (a bias has no tangent). */
        k->gemm(z, x, W, b, n, out, in, in, 1, out, out, 0);
        if (K > 0 && (out_tangents || l < net->depth))
            k->gemm(z + (long)n * out, x + (long)n * in, W, NULL, K * n, out, in, in, 1, out, out, 0);
        if (l == net->depth) break;
        long size = (long)n * out;
        float *h = ws->h[l + 1];
        k->softplus_sigmoid(h, z, z, (int)size); /* h = softplus(z); block 0 of z becomes σ(z) */
        for (int t = 1; t <= K; t++) k->mul(h + t * size, z + t * size, z, (int)size); /* ḣ = σ ⊙ ż */
    }
}

void sf__mlp_backward(const sf_mlp *net, const sf_kernels *k, const float *params, sf_mlp_ws *ws, int n, int K,
                      float *grad, int acc, double *tangent_dot) {
    int rows = (1 + K) * n;
    float *dz = ws->adj[0], *dh = ws->adj[1];
    for (int l = net->L - 1; l >= 0; l--) {
        int in = net->in[l], out = net->out[l];
        /* dW_l += [h; ḣ]ᵀ·[dz; dż]: (in, rows)·(rows, out), the stack read transposed. */
        /* (acc = 0: the product starts from +0 instead of from grad, the same bits as zeroing grad first) */
        k->gemm(grad + net->w_off[l], ws->h[l], dz, NULL, in, out, rows, 1, in, out, out, acc);
        /* db_l += Σ over the primal rows of dz (the tangent rows never saw the bias). */
        if (!acc) memset(grad + net->b_off[l], 0, sizeof(float) * (size_t)out);
        k->add_rows(grad + net->b_off[l], dz, n, out, out);
        if (l == 0) break; /* nobody needs the adjoint of the input */

        /* [dh; dḣ] (rows, in) = [dz; dż]·W_lᵀ */
        k->transpose(ws->wt, params + net->w_off[l], in, out, out, in);
        k->gemm(dh, dz, ws->wt, NULL, rows, in, out, out, 1, in, in, 0);
        /* ⟨dṡ, ṡ⟩ = ⟨dḣ, ḣ⟩ below the output layer (ṡ = ḣ·W, dḣ = dṡ·Wᵀ): the tangent rows' share of the
         * output stack's inner product, without the product that would have formed ṡ. */
        if (tangent_dot && l == net->depth)
            *tangent_dot = k->dot_rows(ws->h[l] + (long)n * in, dh + (long)n * in, K * n, in, in);

        /* Through h_l = softplus(z_{l−1}): zs[l−1] holds σ in block 0 and ż_k in block k; one pass
         * over all blocks gives dz = dh ⊙ σ + (Σₖ dḣ_k ⊙ ż_k) ⊙ σ(1 − σ) and dż_k = dḣ_k ⊙ σ. */
        k->softplus_backward(dh, ws->zs[l - 1], n * in, K);
        float *swap = dz;
        dz = dh, dh = swap;
    }
}
