/* adam_scalar.c — one bias-corrected Adam step over (n) parameters, plain C: the reference twin of
 * adam_simd128.c.
 *
 * Per element, in exactly this order (kernels.h): m1 = b1·m0 + (1 − b1)·g; v1 = b2·v0 + (1 − b2)·(g·g);
 * p1 = p0 − (lr·(m1·r1)) / (sqrt(v1·r2) + eps), with (1 − b1) and (1 − b2) rounded to float once.
 * sqrtf is correctly rounded in IEEE 754 (and is wasm's f32.sqrt), so it is the same on every build.
 * Also returns Σ (p1 − p1) + (v1 − v1): +0 when all are finite, NaN otherwise; the summation order
 * does not matter for that value, which is why the SIMD twin may sum lane-wise. Computing the bias
 * corrections r1, r2 and deciding what to do with a NaN step are left to the optimiser (src/optim).
 */
#include <math.h>

#include "kernels.h"

float sf_f32_adam_scalar(float *p1, float *m1, float *v1, const float *p0, const float *m0, const float *v0,
                         const float *g, int n, sf_adam_coef c) {
    const float ob1 = 1.0f - c.b1;
    const float ob2 = 1.0f - c.b2;
    float bad = 0.0f;
    for (int i = 0; i < n; i++) {
        const float gi = g[i];
        const float m = c.b1 * m0[i] + ob1 * gi;
        const float v = c.b2 * v0[i] + ob2 * (gi * gi);
        const float p = p0[i] - (c.lr * (m * c.r1)) / (sqrtf(v * c.r2) + c.eps);
        m1[i] = m;
        v1[i] = v;
        p1[i] = p;
        bad = bad + ((p - p) + (v - v));
    }
    return bad;
}
