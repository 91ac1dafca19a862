/* gemm_scalar.c — the layer product C (M,N) = init + A (M,K) · B (K,N), plain C: the reference twin.
 *
 * Shapes: C (M,N) row stride ldc; A(i,k) = A[i*ars + k*acs] (row-major A: (lda, 1); transposed
 * row-major (K,M) storage: (1, lda)); B (K,N) row stride ldb; bias (N) or NULL.
 * Each C element starts at init = (acc ? C : 0) + (bias ? bias[j] : 0) and then accumulates
 * A(i,k)·B[k][j] for k = 0 .. K−1 in order, the product rounded before the add. That fixed order is
 * the contract sf_f32_gemm_simd128 matches bit for bit; it is also the "axpy" form (for each k, add a
 * multiple of row k of B to row i of C), which walks B and C along contiguous rows.
 * Sizes <= 0 make it a no-op. Choosing between the twins is left to the sf_kernels table.
 */
#include <stddef.h>

#include "kernels.h"

void sf_f32_gemm_scalar(float *C, const float *A, const float *B, const float *bias, int M, int N, int K, int ars,
                        int acs, int ldb, int ldc, int acc) {
    for (int i = 0; i < M; i++) {
        float *c = C + (ptrdiff_t)i * ldc; /* row i of C, (N) */
        for (int j = 0; j < N; j++) c[j] = (acc ? c[j] : 0.0f) + (bias ? bias[j] : 0.0f);
        for (int k = 0; k < K; k++) {
            const float a = A[(ptrdiff_t)i * ars + (ptrdiff_t)k * acs];
            const float *b = B + (ptrdiff_t)k * ldb; /* row k of B, (N) */
            for (int j = 0; j < N; j++) c[j] = c[j] + a * b[j];
        }
    }
}
