/* vec_scalar.c — elementwise products, sums of rows, transposes and dot products of rows, plain C:
 * the reference twins of vec_simd128.c.
 *
 * mul: out = x·y over (n), each element read before it is written, which is what lets out alias x
 * or y. add_rows: out (n) += row 0, row 1, … of x in that order (row r at x + r·ldx), one rounding
 * per add. transpose: out[j·ldo + i] = in[i·ldi + j], a plain copy. dot_rows: each row's dot in
 * four interleaved partial sums (the order kernels.h specifies, which is the SIMD twin's lanes), the
 * rows added in double. The sf_kernels table picks the twin.
 */
#include <stddef.h>

#include "kernels.h"

void sf_f32_mul_scalar(float *out, const float *x, const float *y, int n) {
    for (int i = 0; i < n; i++) out[i] = x[i] * y[i];
}

void sf_f32_add_rows_scalar(float *out, const float *x, int rows, int n, int ldx) {
    for (int r = 0; r < rows; r++) {
        const float *xr = x + (ptrdiff_t)r * ldx;
        for (int j = 0; j < n; j++) out[j] = out[j] + xr[j];
    }
}

void sf_f32_transpose_scalar(float *out, const float *in, int rows, int cols, int ldi, int ldo) {
    for (int i = 0; i < rows; i++)
        for (int j = 0; j < cols; j++) out[(ptrdiff_t)j * ldo + i] = in[(ptrdiff_t)i * ldi + j];
}

/* The float dot product of one row in the order of kernels.h; shared with the SIMD twin's row tails. */
float sf__f32_dot_row(const float *x, const float *y, int n) {
    float a[4] = {0.0f, 0.0f, 0.0f, 0.0f};
    const int n4 = n - n % 4;
    for (int j = 0; j < n4; j += 4)
        for (int l = 0; l < 4; l++) a[l] = a[l] + x[j + l] * y[j + l];
    float t = (a[0] + a[1]) + (a[2] + a[3]);
    for (int j = n4; j < n; j++) t = t + x[j] * y[j];
    return t;
}

double sf_f32_dot_rows_scalar(const float *x, const float *y, int rows, int n, int ld) {
    double sum = 0.0;
    for (int r = 0; r < rows; r++) sum += (double)sf__f32_dot_row(x + (ptrdiff_t)r * ld, y + (ptrdiff_t)r * ld, n);
    return sum;
}
