/* kernels.c — the two sf_kernels tables through which the library calls its hot loops.
 *
 * The scalar table always exists; the simd128 table only when SF_HAVE_SIMD128 (emcc -msimd128, or a
 * native build through SIMDe). Which one a model uses is decided by its creator (src/net), and whether
 * the host can run SIMD at all by the JS loader; this file only lists the functions.
 */
#include <float.h>

#include "kernels.h"

/* The twins agree bit for bit only if every float operation is evaluated in float: an x87 build
 * (FLT_EVAL_METHOD 2) would keep scalar intermediates in extended precision. */
#if FLT_EVAL_METHOD != 0
#error "Scorefield's kernels need FLT_EVAL_METHOD == 0 (SSE2 or wasm float arithmetic)"
#endif

const sf_kernels sf_kernels_scalar = {
    .name = "scalar",
    .gemm = sf_f32_gemm_scalar,
    .softplus_sigmoid = sf_f32_softplus_sigmoid_scalar,
    .softplus_backward = sf_f32_softplus_backward_scalar,
    .mul = sf_f32_mul_scalar,
    .add_rows = sf_f32_add_rows_scalar,
    .transpose = sf_f32_transpose_scalar,
    .dot_rows = sf_f32_dot_rows_scalar,
    .adam = sf_f32_adam_scalar,
};

#if SF_HAVE_SIMD128
const sf_kernels sf_kernels_simd128 = {
    .name = "simd128",
    .gemm = sf_f32_gemm_simd128,
    .softplus_sigmoid = sf_f32_softplus_sigmoid_simd128,
    .softplus_backward = sf_f32_softplus_backward_simd128,
    .mul = sf_f32_mul_simd128,
    .add_rows = sf_f32_add_rows_simd128,
    .transpose = sf_f32_transpose_simd128,
    .dot_rows = sf_f32_dot_rows_simd128,
    .adam = sf_f32_adam_simd128,
};
#endif
