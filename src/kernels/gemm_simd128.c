/* gemm_simd128.c — C (M,N) = init + A (M,K) · B (K,N) with wasm SIMD128; must match
 * sf_f32_gemm_scalar (gemm_scalar.c) bit for bit.
 *
 * Shapes and strides as in kernels.h: A(i,k) = A[i*ars + k*acs], B (K,N) row stride ldb, C (M,N) row
 * stride ldc, bias (N) or NULL. The vectors run along j (the columns of B and C): every lane owns one
 * C element and performs exactly the scalar twin's sequence on it — init = (acc ? C : 0) + bias, then
 * c = c + A(i,k)·B[k][j] for k in order, product rounded before the add (no FMA) — so the results are
 * the same bits. Only the bookkeeping differs: a register block of 4 rows × 8 columns (8 accumulators)
 * stays in registers for the whole k loop, broadcasting A(i,k) and loading two 4-wide segments of row
 * k of B, instead of re-reading C for every k.
 *
 * Tails: after the 8-column blocks, one 4-column block; the last N%4 columns are handed to the scalar
 * twin on that sub-block (same per-element operations, so still bit-identical); the last M%4 rows use
 * 1-row variants of the same blocks. Nothing is read or written past the sizes given (no padding).
 */
#include "kernels.h" /* also keeps this translation unit non-empty when SF_HAVE_SIMD128 is 0 */

#if SF_HAVE_SIMD128

#include <stddef.h>

#include "simd128.h"

/* The starting value of 4 consecutive C elements of one row: (acc ? C : 0) + (bias ? bias : 0),
 * in that order, as in the scalar twin (the + 0 turns a −0 into +0 in both). */
static inline v128_t init4(const float *c, const float *bias, int acc)
{
    const v128_t zero = wasm_f32x4_splat(0.0f);
    const v128_t v = acc ? wasm_v128_load(c) : zero;
    return wasm_f32x4_add(v, bias ? wasm_v128_load(bias) : zero);
}

/* C (4,8) block: rows 0..3 of C, A and columns 0..7 of B, C and bias (already offset by the caller). */
static void block_4x8(float *C, const float *A, const float *B, const float *bias,
                      int K, int ars, int acs, int ldb, int ldc, int acc)
{
    float *c0 = C, *c1 = C + ldc, *c2 = C + 2 * (ptrdiff_t)ldc, *c3 = C + 3 * (ptrdiff_t)ldc;
    const float *a0 = A, *a1 = A + ars, *a2 = A + 2 * (ptrdiff_t)ars, *a3 = A + 3 * (ptrdiff_t)ars;
    const float *bias4 = bias ? bias + 4 : NULL;
    v128_t c00 = init4(c0, bias, acc), c01 = init4(c0 + 4, bias4, acc);
    v128_t c10 = init4(c1, bias, acc), c11 = init4(c1 + 4, bias4, acc);
    v128_t c20 = init4(c2, bias, acc), c21 = init4(c2 + 4, bias4, acc);
    v128_t c30 = init4(c3, bias, acc), c31 = init4(c3 + 4, bias4, acc);
    for (int k = 0; k < K; k++) {
        const float *b = B + (ptrdiff_t)k * ldb;
        const ptrdiff_t ak = (ptrdiff_t)k * acs;
        const v128_t b0 = wasm_v128_load(b), b1 = wasm_v128_load(b + 4);
        v128_t a = wasm_f32x4_splat(a0[ak]);
        c00 = wasm_f32x4_add(c00, wasm_f32x4_mul(a, b0));
        c01 = wasm_f32x4_add(c01, wasm_f32x4_mul(a, b1));
        a = wasm_f32x4_splat(a1[ak]);
        c10 = wasm_f32x4_add(c10, wasm_f32x4_mul(a, b0));
        c11 = wasm_f32x4_add(c11, wasm_f32x4_mul(a, b1));
        a = wasm_f32x4_splat(a2[ak]);
        c20 = wasm_f32x4_add(c20, wasm_f32x4_mul(a, b0));
        c21 = wasm_f32x4_add(c21, wasm_f32x4_mul(a, b1));
        a = wasm_f32x4_splat(a3[ak]);
        c30 = wasm_f32x4_add(c30, wasm_f32x4_mul(a, b0));
        c31 = wasm_f32x4_add(c31, wasm_f32x4_mul(a, b1));
    }
    wasm_v128_store(c0, c00); wasm_v128_store(c0 + 4, c01);
    wasm_v128_store(c1, c10); wasm_v128_store(c1 + 4, c11);
    wasm_v128_store(c2, c20); wasm_v128_store(c2 + 4, c21);
    wasm_v128_store(c3, c30); wasm_v128_store(c3 + 4, c31);
}

/* C (4,4) block: the column tail of 4..7 columns. */
static void block_4x4(float *C, const float *A, const float *B, const float *bias,
                      int K, int ars, int acs, int ldb, int ldc, int acc)
{
    float *c0 = C, *c1 = C + ldc, *c2 = C + 2 * (ptrdiff_t)ldc, *c3 = C + 3 * (ptrdiff_t)ldc;
    const float *a0 = A, *a1 = A + ars, *a2 = A + 2 * (ptrdiff_t)ars, *a3 = A + 3 * (ptrdiff_t)ars;
    v128_t c00 = init4(c0, bias, acc), c10 = init4(c1, bias, acc);
    v128_t c20 = init4(c2, bias, acc), c30 = init4(c3, bias, acc);
    for (int k = 0; k < K; k++) {
        const ptrdiff_t ak = (ptrdiff_t)k * acs;
        const v128_t b0 = wasm_v128_load(B + (ptrdiff_t)k * ldb);
        c00 = wasm_f32x4_add(c00, wasm_f32x4_mul(wasm_f32x4_splat(a0[ak]), b0));
        c10 = wasm_f32x4_add(c10, wasm_f32x4_mul(wasm_f32x4_splat(a1[ak]), b0));
        c20 = wasm_f32x4_add(c20, wasm_f32x4_mul(wasm_f32x4_splat(a2[ak]), b0));
        c30 = wasm_f32x4_add(c30, wasm_f32x4_mul(wasm_f32x4_splat(a3[ak]), b0));
    }
    wasm_v128_store(c0, c00); wasm_v128_store(c1, c10);
    wasm_v128_store(c2, c20); wasm_v128_store(c3, c30);
}

/* C (1,8) block: the row tail (the last M%4 rows, one at a time). */
static void block_1x8(float *C, const float *A, const float *B, const float *bias,
                      int K, int acs, int ldb, int acc)
{
    v128_t c0 = init4(C, bias, acc), c1 = init4(C + 4, bias ? bias + 4 : NULL, acc);
    for (int k = 0; k < K; k++) {
        const float *b = B + (ptrdiff_t)k * ldb;
        const v128_t a = wasm_f32x4_splat(A[(ptrdiff_t)k * acs]);
        c0 = wasm_f32x4_add(c0, wasm_f32x4_mul(a, wasm_v128_load(b)));
        c1 = wasm_f32x4_add(c1, wasm_f32x4_mul(a, wasm_v128_load(b + 4)));
    }
    wasm_v128_store(C, c0); wasm_v128_store(C + 4, c1);
}

/* C (1,4) block: row tail and column tail together. */
static void block_1x4(float *C, const float *A, const float *B, const float *bias,
                      int K, int acs, int ldb, int acc)
{
    v128_t c0 = init4(C, bias, acc);
    for (int k = 0; k < K; k++) {
        const v128_t a = wasm_f32x4_splat(A[(ptrdiff_t)k * acs]);
        c0 = wasm_f32x4_add(c0, wasm_f32x4_mul(a, wasm_v128_load(B + (ptrdiff_t)k * ldb)));
    }
    wasm_v128_store(C, c0);
}

void sf_f32_gemm_simd128(float *C, const float *A, const float *B, const float *bias,
                         int M, int N, int K, int ars, int acs, int ldb, int ldc, int acc)
{
    int i = 0;
    for (; i + 4 <= M; i += 4) {
        float *c = C + (ptrdiff_t)i * ldc;       /* rows i..i+3 of C */
        const float *a = A + (ptrdiff_t)i * ars; /* rows i..i+3 of A */
        int j = 0;
        for (; j + 8 <= N; j += 8)
            block_4x8(c + j, a, B + j, bias ? bias + j : NULL, K, ars, acs, ldb, ldc, acc);
        if (j + 4 <= N) {
            block_4x4(c + j, a, B + j, bias ? bias + j : NULL, K, ars, acs, ldb, ldc, acc);
            j += 4;
        }
        if (j < N)
            sf_f32_gemm_scalar(c + j, a, B + j, bias ? bias + j : NULL, 4, N - j, K, ars, acs, ldb,
                               ldc, acc);
    }
    for (; i < M; i++) {
        float *c = C + (ptrdiff_t)i * ldc;
        const float *a = A + (ptrdiff_t)i * ars;
        int j = 0;
        for (; j + 8 <= N; j += 8)
            block_1x8(c + j, a, B + j, bias ? bias + j : NULL, K, acs, ldb, acc);
        if (j + 4 <= N) {
            block_1x4(c + j, a, B + j, bias ? bias + j : NULL, K, acs, ldb, acc);
            j += 4;
        }
        if (j < N)
            sf_f32_gemm_scalar(c + j, a, B + j, bias ? bias + j : NULL, 1, N - j, K, ars, acs, ldb,
                               ldc, acc);
    }
}

#endif
