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

/* One table per instruction set, every entry the twin of the same name. */
#define SF_KERNEL_TABLE(isa)                                                                                           \
    {                                                                                                                  \
        .name = #isa, .gemm = sf_f32_gemm_##isa, .softplus_sigmoid = sf_f32_softplus_sigmoid_##isa,                    \
        .softplus_backward = sf_f32_softplus_backward_##isa, .mul = sf_f32_mul_##isa,                                  \
        .add_rows = sf_f32_add_rows_##isa, .transpose = sf_f32_transpose_##isa, .dot_rows = sf_f32_dot_rows_##isa,     \
        .adam = sf_f32_adam_##isa,                                                                                     \
    }

const sf_kernels sf_kernels_scalar = SF_KERNEL_TABLE(scalar);

#if SF_HAVE_SIMD128
const sf_kernels sf_kernels_simd128 = SF_KERNEL_TABLE(simd128);
#endif
