/* loss.c — exact, sliced, variance-reduced sliced and denoising score matching on one chunk.
 *
 * Each objective is a function of the score s and of Jacobian-vector products ṡ_k = J·u_k, so its
 * adjoint is written directly on the output stack (s in block 0, ṡ_k in block k):
 *   EXACT      L = 1/N Σ [Σ_k (J e_k)_k + ½‖s‖²]        ds = s/N,          dṡ_k = e_k/N
 *   SLICED     L = 1/(NM) Σ Σ_m [v_mᵀṡ_m + ½(v_mᵀs)²]   ds = Σ_m (v_mᵀs)·v_m/(NM), dṡ_m = v_m/(NM)
 *   SLICED_VR  L = 1/(NM) Σ Σ_m [v_mᵀṡ_m + ½‖s‖²]       ds = s/N,          dṡ_m = v_m/(NM)
 *   DSM        L = 1/N Σ ½‖s(x̃) + z/σ‖²                 ds = (s + z/σ)/N   (no tangents)
 *   NCSN       L = 1/N Σ ½‖σ_i·s(x̃, σ_i) + z‖²          dF = σ_i·b_i(σ_i·s + z)/N
 *   VESDE      the same with σ_i continuous; with EDM's σ distribution each term is weighted by
 *              w_i = (σ_i² + σ_d²)/σ_d² (EDM's λ(σ)·c_out² = 1 on F)
 *              with s = a_i·x̃ + b_i·F, F the net's output (net/cond.h)
 * (DSM's target −(x̃ − x)/σ² equals −z/σ since x̃ − x = σz; z is used directly, which is exact.
 * NCSN is DSM at each point's own level σ_i weighted by λ(σ_i) = σ_i², which makes every level's
 * term of order one: σ²‖s + z/σ‖² = ‖σs + z‖². σ_i·b_i = σ_d/√(σ_i² + σ_d²) is of order one too, so
 * every level's gradient reaches the weights at the same scale.)
 * The loss is summed in double so that the value does not depend on how a batch is chunked beyond
 * the last bits; the net's passes are net/'s business.
 */
#include "loss/loss.h"

#include <math.h>
#include <string.h>

#include "net/cond.h"

int sf__loss_tangents(int objective, int D, int M) {
    switch (objective) {
    case SF_OBJ_EXACT:
        return D;
    case SF_OBJ_SLICED:
    case SF_OBJ_SLICED_VR:
        return M;
    default:
        return 0;
    }
}

/* Block k+1 of the input stack holds e_k in every row: the directions whose JVPs give J's diagonal. */
static void fill_one_hot(float *h0, int n, int D) {
    long size = (long)n * D;
    memset(h0 + size, 0, sizeof(float) * (size_t)(size * D));
    for (int k = 0; k < D; k++)
        for (int i = 0; i < n; i++) h0[(1 + k) * size + (long)i * D + k] = 1.0f;
}

/* q[r] = Σ_d x_r[d]·y_r[d] in double, d in increasing order, for the g <= 4 rows x_r = x + r·D,
 * y_r = y + r·D. Each row's sum is its own chain of additions; running four side by side lets them
 * overlap (one chain waits a double addition's latency per element), with the same sums. */
static void row_dots(double q[4], const float *x, const float *y, int g, int D) {
    if (g == 4) {
        double q0 = 0.0, q1 = 0.0, q2 = 0.0, q3 = 0.0;
        for (int d = 0; d < D; d++) {
            q0 += (double)x[d] * y[d];
            q1 += (double)x[D + d] * y[D + d];
            q2 += (double)x[2 * D + d] * y[2 * D + d];
            q3 += (double)x[3 * D + d] * y[3 * D + d];
        }
        q[0] = q0, q[1] = q1, q[2] = q2, q[3] = q3;
        return;
    }
    for (int r = 0; r < g; r++) {
        double t = 0.0;
        for (int d = 0; d < D; d++) t += (double)x[r * D + d] * y[r * D + d];
        q[r] = t;
    }
}

double sf__loss_chunk(const sf_mlp *net, const sf_kernels *k, const float *params, sf_mlp_ws *ws, int n,
                      const sf_loss_args *a, float *grad, int acc) {
    const int D = net->D, M = a->M;
    const int K = sf__loss_tangents(a->objective, D, M);
    const long size = (long)n * D;
    if (a->objective == SF_OBJ_EXACT) fill_one_hot(ws->h[0], n, D);

    /* EXACT and SLICED are linear in ṡ with an adjoint dṡ that does not depend on ṡ, so their ṡ term
     * is ⟨dṡ, ṡ⟩ exactly: with a backward pass, sf__mlp_backward computes it without ṡ itself (see
     * net/mlp.h), and the forward pass skips the output layer's tangent product. */
    const int via_backward = grad != NULL && K > 0;
    sf__mlp_forward(net, k, params, ws, n, K, !via_backward);

    const float *s = ws->h[net->L]; /* (n, D); block k: ṡ_k (only when !via_backward) */
    const float *v = ws->h[0];      /* block m: v_m (sliced) */
    float *ds = ws->adj[0];         /* (n, D); block k: dṡ_k */
    const float invN = 1.0f / (float)a->N;
    const float invNM = 1.0f / ((float)a->N * (float)M);
    double loss = 0.0;
    double sdot = 0.0; /* ⟨dṡ, ṡ⟩ when the backward pass computes it */

    switch (a->objective) {
    case SF_OBJ_EXACT:
        /* L = 1/N Σ [tr + ½‖s‖²], and Σ tr/N = ⟨dṡ, ṡ⟩ with dṡ_k = e_k/N */
        for (long i = 0; i < size; i++) ds[i] = s[i] * invN;
        for (int j = 0; j < n; j++) {
            double tr = 0.0, ss = 0.0;
            for (int d = 0; d < D; d++) {
                float sd = s[(long)j * D + d];
                if (!via_backward) tr += s[(1 + d) * size + (long)j * D + d];
                ss += (double)sd * sd;
            }
            loss += tr + 0.5 * ss;
        }
        memcpy(ds + size, v + size, sizeof(float) * (size_t)(size * D)); /* dṡ_k = e_k / N */
        for (long i = size; i < size * (1 + D); i++) ds[i] *= invN;
        loss /= a->N;
        break;
    case SF_OBJ_SLICED:
    case SF_OBJ_SLICED_VR: {
        /* L = 1/(NM) Σ [v_mᵀṡ_m + ½(…)²], and Σ v_mᵀṡ_m/(NM) = ⟨dṡ, ṡ⟩ with dṡ_m = v_m/(NM) */
        int vr = a->objective == SF_OBJ_SLICED_VR;
        double q[4];
        if (vr)
            for (long i = 0; i < size; i++) ds[i] = s[i] * invN;
        for (int m = 1; m <= M; m++) {
            const float *vm = v + m * size;
            float *dsm = ds + m * size;
            for (long i = 0; i < size; i++) dsm[i] = vm[i] * invNM; /* dṡ_m */
            for (int j = 0; j < n; j++) {
                const float *vj = vm + (long)j * D, *sj = s + (long)j * D;
                const float *sdotj = s + m * size + (long)j * D;
                float *dsj = ds + (long)j * D;
                /* ‖s‖² (VR) or v_mᵀs, for rows j .. j+3 at once when j starts a group of 4 */
                if (j % 4 == 0) row_dots(q, vr ? sj : vj, sj, n - j < 4 ? n - j : 4, D);
                double vjv = 0.0, quad = q[j % 4];
                if (!via_backward)
                    for (int d = 0; d < D; d++) vjv += (double)vj[d] * sdotj[d];
                if (!vr) {
                    const float c = (float)quad * invNM;
                    if (m == 1) /* ds starts at +0: 0 + c·v_1, not c·v_1 (−0 → +0) */
                        for (int d = 0; d < D; d++) dsj[d] = 0.0f + c * vj[d];
                    else
                        for (int d = 0; d < D; d++) dsj[d] = dsj[d] + c * vj[d];
                    quad = quad * quad;
                }
                loss += vjv + 0.5 * quad;
            }
        }
        loss /= (double)a->N * M;
        break;
    }
    case SF_OBJ_NCSN:
    case SF_OBJ_VESDE:
        for (int j = 0; j < n; j++) {
            const float sigma = a->row_sigma[j];
            float ca, cb;
            sf__cond_output(&ca, &cb, sigma);
            /* VESDE with EDM's σ distribution takes EDM's weighting: λ(σ)·c_out² = 1 on F, i.e. the
             * NCSN term times (σ² + σ_d²)/σ_d² (folded into r's scale as √w). */
            const float w = a->objective == SF_OBJ_VESDE && a->sigma_dist == SF_SIGMA_EDM
                                ? sqrtf((float)((sigma * sigma + SF__COND_SIGMA_DATA * SF__COND_SIGMA_DATA) /
                                                (SF__COND_SIGMA_DATA * SF__COND_SIGMA_DATA)))
                                : 1.0f;
            for (int d = 0; d < D; d++) {
                long i = (long)j * D + d;
                float score = ca * a->row_x[i] + cb * s[i];
                float r = w * (sigma * score + ds[i]); /* ds holds z on entry */
                loss += 0.5 * (double)r * r;
                ds[i] = w * sigma * cb * r * invN;
            }
        }
        loss /= a->N;
        break;
    case SF_OBJ_DSM: {
        const float inv_sigma = 1.0f / a->sigma;
        for (long i = 0; i < size; i++) {
            float r = s[i] + ds[i] * inv_sigma; /* ds holds z on entry */
            loss += 0.5 * (double)r * r;
            ds[i] = r * invN;
        }
        loss /= a->N;
        break;
    }
    }

    if (grad) sf__mlp_backward(net, k, params, ws, n, K, grad, acc, via_backward ? &sdot : NULL);
    return loss + sdot;
}
