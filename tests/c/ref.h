/* ref.h — a double-precision reference for the score net and its objectives, written the obvious
 * way, independent of the library's reverse-mode code.
 *
 * The net is evaluated on hyper-dual numbers a + b·ε₁ + c·ε₂ + d·ε₁ε₂ (ε₁² = ε₂² = 0): seeding the
 * input with direction u in ε₁ and one parameter p in ε₂ gives, in one forward pass, the score s (a),
 * the Jacobian-vector product J·u (b), ∂s/∂p (c) and ∂(J·u)/∂p (d) — exactly, with no truncation
 * error. Every objective is a function of s and J·u, so its gradient with respect to any parameter
 * follows by the chain rule on those four parts. It is slow (one pass per parameter, sample and
 * direction) and that is fine: the tests check it against central finite differences of ref_loss, and
 * then check the float32 library against it.
 *
 * Parameter layout (shared with the library, src/net/mlp.h): layers l = 0 .. depth, layer l maps
 * in_l → out_l with in_0 = D (ref_input_width for a cond net), out_l = H for l < depth, and out_depth = D. Layer l stores its weight
 * W_l as (in_l, out_l) row-major — W_l[i*out_l + j] connects input i to output j — followed by its
 * bias b_l (out_l). Layers are concatenated in order l = 0 .. depth.
 *
 * Forward: h_0 = x; z_l = h_l·W_l + b_l; h_{l+1} = softplus(z_l) for l < depth; s = z_depth.
 *
 * Objectives over a batch x (N, D), as in src/scorefield.h:
 *   REF_EXACT     (0)  L = 1/N Σₙ [ tr J(xₙ) + ½‖s(xₙ)‖² ]
 *   REF_SLICED    (1)  L = 1/(N·M) Σₙ Σₘ [ vₘₙᵀ J(xₙ) vₘₙ + ½ (vₘₙᵀ s(xₙ))² ]
 *   REF_SLICED_VR (2)  L = 1/(N·M) Σₙ Σₘ [ vₘₙᵀ J(xₙ) vₘₙ + ½‖s(xₙ)‖² ]
 *   REF_DSM       (3)  L = 1/N Σₙ ½‖s(x̃ₙ) + zₙ/σ‖²,  x̃ₙ = xₙ + σ·zₙ
 *   REF_NCSN      (4)  L = 1/N Σₙ ½‖σₙ·s(x̃ₙ, σₙ) + zₙ‖²,  x̃ₙ = xₙ + σₙ·zₙ  (a cond net)
 *   REF_VESDE     (5)  the same (σₙ continuous, log-uniform: unweighted)
 * `aux` holds the projections v for the sliced objectives, as (M, N, D): v[(m·N + n)·D + d], the
 * noise z for DSM, as (N, D), and for NCSN z (N, D) followed by each sample's σₙ (N). It is ignored
 * (may be NULL) for REF_EXACT; M and sigma are ignored where they do not appear.
 *
 * A noise-conditional net (cond = 1) is the MLP F wrapped as in src/net/cond.h (EDM preconditioning,
 * σ_d = REF_SIGMA_DATA, plus fixed Fourier features for D = 2), written here again from that text:
 *   row = ( c_in·x,  [sin 2π bᵀx, cos 2π bᵀx for f = 0 .. REF_FOURIER − 1, D = 2 only],  log σ )
 *         c_in = 1/√(σ² + σ_d²),  b_f = r_f·(cos θ_f, sin θ_f),  r_f = √(−2 ln(1 − (f + ½)/REF_FOURIER)),
 *         θ_f = f·π(3 − √5)  (the features interleaved: sin, cos of frequency 0, then of 1, ...)
 *   s(x, σ) = a·x + b·F(row),  a = −1/(σ² + σ_d²),  b = σ_d/(σ·√(σ² + σ_d²))
 * so in_0 = ref_input_width(net) = D + 1, or D + 2·REF_FOURIER + 1 when D = 2.
 */
#ifndef SF_TESTS_REF_H
#define SF_TESTS_REF_H

enum { REF_EXACT = 0, REF_SLICED = 1, REF_SLICED_VR = 2, REF_DSM = 3, REF_NCSN = 4, REF_VESDE = 5 };

#define REF_SIGMA_DATA 0.7 /* σ_d of the noise-conditional net's preconditioning */
#define REF_FOURIER    32  /* Fourier frequencies of a 2-D noise-conditional net */

typedef struct ref_net {
    int D, H, depth; /* data dimension, hidden width, number of hidden layers */
    int cond;        /* 1: noise-conditional, s(x, σ) as described above */
} ref_net;

/* Number of parameters of the net. */
int ref_param_count(ref_net net);

/* in_0, the width of the MLP's input row: D, or the noise-conditional row's width. */
int ref_input_width(ref_net net);

/* s (N, D) = s(x) for x (N, D + cond): a cond net reads rows (x, σ) and returns s(x, σ). */
void ref_score(ref_net net, const double *params, const double *x, int N, double *s);

/* ju (N, D) = J(xₙ)·uₙ for x (N, D + cond) and u (N, D); for a cond net J = ∂s(x, σ)/∂x. */
void ref_jvp(ref_net net, const double *params, const double *x, const double *u, int N, double *ju);

/* The objective's value. */
double ref_loss(ref_net net, const double *params, int objective, const double *x, const double *aux, int N, int M,
                double sigma);

/* g[i] = ∂L/∂params[idx[i]] for i in [0, n_idx), exactly, by hyper-dual forward passes. */
void ref_grad(ref_net net, const double *params, int objective, const double *x, const double *aux, int N, int M,
              double sigma, const int *idx, int n_idx, double *g);

#endif
