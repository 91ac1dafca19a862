/* cond.h — how a noise-conditional net s(x, σ) wraps its MLP F: the input row it is fed and the map
 * from F's output to the score. Preconditioning as in EDM (Karras et al. 2022), with σ_d the data's
 * scale (SF__COND_SIGMA_DATA):
 *
 *   input   row = ( c_in·x,  [sin 2π bᵀx, cos 2π bᵀx for the fixed frequencies b (D = 2)],  log σ )
 *           c_in = 1/√(σ² + σ_d²)
 *   output  s(x, σ) = a(σ)·x + b(σ)·F(row)
 *           a = −1/(σ² + σ_d²),   b = σ_d / (σ·√(σ² + σ_d²))
 *
 * a·x is the score of N(0, (σ_d² + σ²)·I), the blurred data's score if the data were one Gaussian of
 * scale σ_d, so F only learns the correction; b makes F's target, (σ·s − a·σ·x)/(σ·b), unit-scale at
 * every level (EDM's c_skip/c_out written for a score: s = (D(x) − x)/σ² with D = c_skip·x + c_out·F,
 * c_skip = σ_d²/(σ² + σ_d²), c_out = σ·σ_d/√(σ² + σ_d²)). Without b the net's output has to span
 * s ~ 1/σ, from 0.3 at σ = 3 to 100 at σ = 0.01, and the gradient of the λ(σ) = σ²-weighted loss
 * reaching the shared weights shrinks with σ, so the small levels are learned last, if at all.
 *
 * The Fourier features (Tancik et al. 2020) are for 2-D data: an MLP on raw coordinates learns
 * smooth functions first, and the field at σ ≈ 0.1 — which turns around over a tenth of the plot —
 * took it tens of thousands of steps; with sines of the point's coordinates as inputs it is a few
 * thousand. The frequencies are fixed, not learned (no parameters, nothing in the weights file): 32
 * vectors b_f spread like draws of N(0, I₂) cycles per unit, the radius the Rayleigh quantile
 * √(−2 ln(1 − (f + ½)/32)) and the angle f times the golden angle.
 */
#ifndef SF_COND_H
#define SF_COND_H

#define SF__COND_SIGMA_DATA 0.7 /* σ_d: the 2-D sets have 0.56 .. 0.83 per coordinate */
#define SF__COND_FOURIER    32  /* frequencies of a 2-D net: 64 inputs */

/* The width of a noise-conditional net's input row for data of dimension D: the row below, then for a
 * class-conditional net (classes > 0) the label one-hot, classes + 1 entries (the last the null token). */
int sf__cond_in(int D, int classes);

/* onehot (classes + 1) = the one-hot of label (0 .. classes − 1), or of the null token ∅ for any other. */
void sf__cond_label(float *onehot, int classes, int label);

/* row (sf__cond_in(D, 0)) = the input row of point x (D) at level sigma > 0. Same bits on every build. */
void sf__cond_input(float *row, const float *x, int D, float sigma);

/* row (sf__cond_in(D)) = the derivative of point x's input row along direction v (D): the tangent a
 * forward-mode pass needs for the Jacobian of s(x, σ) in x. primal is x's row (sf__cond_input). */
void sf__cond_input_tangent(float *row, const float *primal, const float *v, int D, float sigma);

/* The output map's coefficients at level sigma: s = (*a)·x + (*b)·F. */
void sf__cond_output(float *a, float *b, float sigma);

#endif
