/* vec_scalar.c — elementwise products, sums of rows and transposes, plain C: the reference twins of
 * vec_simd128.c.
 *
 * mul: out = x·y over (n), each element read before it is written, which is what lets out alias x
 * or y. add_rows: out (n) += row 0, row 1, … of x in that order (row r at x + r·ldx), one rounding
 * per add. transpose: out[j·ldo + i] = in[i·ldi + j], a plain copy. The sf_kernels table picks the
 * twin.
 */
#include <stddef.h>

#include "kernels.h"

void sf_f32_mul_scalar(float *out, const float *x, const float *y, int n)
{
    for (int i = 0; i < n; i++)
        out[i] = x[i] * y[i];
}

void sf_f32_add_rows_scalar(float *out, const float *x, int rows, int n, int ldx)
{
    for (int r = 0; r < rows; r++) {
        const float *xr = x + (ptrdiff_t)r * ldx;
        for (int j = 0; j < n; j++)
            out[j] = out[j] + xr[j];
    }
}

void sf_f32_transpose_scalar(float *out, const float *in, int rows, int cols, int ldi, int ldo)
{
    for (int i = 0; i < rows; i++)
        for (int j = 0; j < cols; j++)
            out[(ptrdiff_t)j * ldo + i] = in[(ptrdiff_t)i * ldi + j];
}
