/* vec_scalar.c — elementwise products and sums over (n) arrays, plain C: the reference twins of
 * vec_simd128.c.
 *
 * mul: out = x·y; muladd: out = out + x·y with the product rounded first (no fused multiply-add, so
 * the SIMD twin, which has none, gives the same bits); add: out = out + x. Each element is read before
 * it is written, which is what lets mul's out alias x or y. The sf_kernels table picks the twin.
 */
#include "kernels.h"

void sf_f32_mul_scalar(float *out, const float *x, const float *y, int n)
{
    for (int i = 0; i < n; i++)
        out[i] = x[i] * y[i];
}

void sf_f32_muladd_scalar(float *out, const float *x, const float *y, int n)
{
    for (int i = 0; i < n; i++)
        out[i] = out[i] + x[i] * y[i];
}

void sf_f32_add_scalar(float *out, const float *x, int n)
{
    for (int i = 0; i < n; i++)
        out[i] = out[i] + x[i];
}
