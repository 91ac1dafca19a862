/* simd128.h — where the wasm_simd128.h intrinsics come from.
 *
 * Under emcc -msimd128 they are the real wasm SIMD128 instructions. Natively (the build defines
 * SF_SIMDE) SIMDe implements the same intrinsics, under the same names, on the host ISA, so the SIMD
 * twins compile into the native test binary and can be compared with the scalar twins bit for bit.
 * SIMDe 0.7.4 (Debian's 0.7.4~rc2) has wasm_i32x4_shuffle, wasm_f32x4_make and the load-splats the
 * kernels use, and they compile cleanly with -Wpedantic; it lacks unsigned splats and some *_const
 * forms, which the kernels avoid. Only the *_simd128.c files include this, and only inside
 * `#if SF_HAVE_SIMD128`. The one helper below is shared by the GEMM and the transpose kernel.
 */
#ifndef SF_KERNELS_SIMD128_H
#define SF_KERNELS_SIMD128_H

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#elif defined(SF_SIMDE)
#ifndef SIMDE_WASM_SIMD128_ENABLE_NATIVE_ALIASES
#define SIMDE_WASM_SIMD128_ENABLE_NATIVE_ALIASES
#endif
#include <simde/wasm/simd128.h>
#endif

/* Transposes the 4 × 4 block whose rows are *r0 .. *r3, in place: two rounds of two-input shuffles
 * (unpack-low/high of 32-bit lanes, then of 64-bit halves), which V8 lowers to one instruction each. */
static inline void sf__f32x4_transpose4(v128_t *r0, v128_t *r1, v128_t *r2, v128_t *r3) {
    const v128_t ab01 = wasm_i32x4_shuffle(*r0, *r1, 0, 4, 1, 5);
    const v128_t ab23 = wasm_i32x4_shuffle(*r0, *r1, 2, 6, 3, 7);
    const v128_t cd01 = wasm_i32x4_shuffle(*r2, *r3, 0, 4, 1, 5);
    const v128_t cd23 = wasm_i32x4_shuffle(*r2, *r3, 2, 6, 3, 7);
    *r0 = wasm_i32x4_shuffle(ab01, cd01, 0, 1, 4, 5);
    *r1 = wasm_i32x4_shuffle(ab01, cd01, 2, 3, 6, 7);
    *r2 = wasm_i32x4_shuffle(ab23, cd23, 0, 1, 4, 5);
    *r3 = wasm_i32x4_shuffle(ab23, cd23, 2, 3, 6, 7);
}

#endif
