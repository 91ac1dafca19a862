/* vec_simd128.c — mul, add_rows, transpose and dot_rows with wasm SIMD128; must match
 * sf_f32_mul_scalar, sf_f32_add_rows_scalar, sf_f32_transpose_scalar and sf_f32_dot_rows_scalar
 * (vec_scalar.c) bit for bit.
 *
 * mul: each lane multiplies one element; a vector is loaded before it is stored, so out may alias x
 * or y. add_rows: each lane owns one column j and adds rows 0, 1, … in order, exactly the scalar
 * twin's sequence, but 16 columns stay in registers across all rows instead of going through memory
 * for every row. transpose: 4 × 4 tiles, each 4 row loads, two rounds of shuffles and 4 column
 * stores (moves only, so trivially exact), in strips of 16 rows. dot_rows: lane l of a row's
 * accumulator is the scalar twin's partial sum a_l, so one vector multiply and add per 4 columns; 4 rows
 * go side by side, 4 independent addition chains instead of one.
 * Tails: mul's last n%4 elements, add_rows' last n%4 columns and transpose's rows and columns
 * beyond its strips and tiles go through the scalar twins; dot_rows' columns n4 .. n−1 are added to each
 * row's combined lanes, and its last rows%4 rows go through sf__f32_dot_row. Nothing is read or written past the sizes given.
 */
#include "kernels.h" /* also keeps this translation unit non-empty when SF_HAVE_SIMD128 is 0 */

#if SF_HAVE_SIMD128

#include <stddef.h>

#include "simd128.h"

void sf_f32_mul_simd128(float *out, const float *x, const float *y, int n) {
    int i = 0;
    for (; i + 4 <= n; i += 4) wasm_v128_store(out + i, wasm_f32x4_mul(wasm_v128_load(x + i), wasm_v128_load(y + i)));
    sf_f32_mul_scalar(out + i, x + i, y + i, n - i);
}

/* Columns j .. j+4·U−1 of add_rows, accumulated in U registers over all rows. */
static inline __attribute__((always_inline)) void add_rows_x(const int U, float *out, const float *x, int rows,
                                                             ptrdiff_t ldx) {
    v128_t c[4];
    for (int u = 0; u < U; u++) c[u] = wasm_v128_load(out + 4 * u);
    for (int r = 0; r < rows; r++, x += ldx)
        for (int u = 0; u < U; u++) c[u] = wasm_f32x4_add(c[u], wasm_v128_load(x + 4 * u));
    for (int u = 0; u < U; u++) wasm_v128_store(out + 4 * u, c[u]);
}

void sf_f32_add_rows_simd128(float *out, const float *x, int rows, int n, int ldx) {
    int j = 0;
    for (; j + 16 <= n; j += 16) add_rows_x(4, out + j, x + j, rows, ldx);
    for (; j + 4 <= n; j += 4) add_rows_x(1, out + j, x + j, rows, ldx);
    sf_f32_add_rows_scalar(out + j, x + j, rows, n - j, ldx);
}

/* One 4 × 4 tile: rows i .. i+3 and columns j .. j+3 of in, to rows j .. j+3 of out at column i. */
static inline void tile4(float *out, const float *in, ptrdiff_t ldi, ptrdiff_t ldo) {
    v128_t a = wasm_v128_load(in), b = wasm_v128_load(in + ldi);
    v128_t c = wasm_v128_load(in + 2 * ldi), d = wasm_v128_load(in + 3 * ldi);
    sf__f32x4_transpose4(&a, &b, &c, &d);
    wasm_v128_store(out, a);
    wasm_v128_store(out + ldo, b);
    wasm_v128_store(out + 2 * ldo, c);
    wasm_v128_store(out + 3 * ldo, d);
}

void sf_f32_transpose_simd128(float *out, const float *in, int rows, int cols, int ldi, int ldo) {
    /* Strips of 16 rows: for each 4 columns, the strip's 4 tiles fill 64 consecutive bytes of each of
     * 4 rows of out (a cache line when aligned), while the 16 input rows stay in cache across the
     * strip. Tile by tile along a whole row instead would write each line of a 128 × 128 out in four
     * 16-byte pieces far apart in time, and the L1 cache cannot hold the 64 KiB in between. */
    int i = 0;
    for (; i + 16 <= rows; i += 16) {
        int j = 0;
        for (; j + 4 <= cols; j += 4)
            for (int t = 0; t < 16; t += 4)
                tile4(out + (ptrdiff_t)j * ldo + i + t, in + (ptrdiff_t)(i + t) * ldi + j, ldi, ldo);
        sf_f32_transpose_scalar(out + (ptrdiff_t)j * ldo + i, in + (ptrdiff_t)i * ldi + j, 16, cols - j, ldi, ldo);
    }
    for (; i + 4 <= rows; i += 4) {
        int j = 0;
        for (; j + 4 <= cols; j += 4) tile4(out + (ptrdiff_t)j * ldo + i, in + (ptrdiff_t)i * ldi + j, ldi, ldo);
        sf_f32_transpose_scalar(out + (ptrdiff_t)j * ldo + i, in + (ptrdiff_t)i * ldi + j, 4, cols - j, ldi, ldo);
    }
    sf_f32_transpose_scalar(out + i, in + (ptrdiff_t)i * ldi, rows - i, cols, ldi, ldo);
}

/* Rows 0 .. R−1 (R <= 4) of dot_rows: each row's lanes, combined as (a0 + a1) + (a2 + a3), then its
 * tail columns; the row sums are returned in t[0 .. R−1]. */
static inline __attribute__((always_inline)) void dot_x(const int R, float *t, const float *x, const float *y, int n,
                                                        ptrdiff_t ld) {
    v128_t a[4];
    const int n4 = n - n % 4;
    for (int r = 0; r < R; r++) a[r] = wasm_f32x4_splat(0.0f);
    for (int j = 0; j < n4; j += 4)
        for (int r = 0; r < R; r++)
            a[r] = wasm_f32x4_add(a[r], wasm_f32x4_mul(wasm_v128_load(x + r * ld + j), wasm_v128_load(y + r * ld + j)));
    for (int r = 0; r < R; r++) {
        float s = (wasm_f32x4_extract_lane(a[r], 0) + wasm_f32x4_extract_lane(a[r], 1)) +
                  (wasm_f32x4_extract_lane(a[r], 2) + wasm_f32x4_extract_lane(a[r], 3));
        for (int j = n4; j < n; j++) s = s + x[r * ld + j] * y[r * ld + j];
        t[r] = s;
    }
}

double sf_f32_dot_rows_simd128(const float *x, const float *y, int rows, int n, int ld) {
    double sum = 0.0;
    int r = 0;
    for (; r + 4 <= rows; r += 4) {
        float t[4];
        dot_x(4, t, x + (ptrdiff_t)r * ld, y + (ptrdiff_t)r * ld, n, ld);
        sum += (double)t[0];
        sum += (double)t[1];
        sum += (double)t[2];
        sum += (double)t[3];
    }
    for (; r < rows; r++) sum += (double)sf__f32_dot_row(x + (ptrdiff_t)r * ld, y + (ptrdiff_t)r * ld, n);
    return sum;
}

#endif
