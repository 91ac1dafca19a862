/* simd128.h — where the wasm_simd128.h intrinsics come from.
 *
 * Under emcc -msimd128 they are the real wasm SIMD128 instructions. Natively (the build defines
 * SF_SIMDE) SIMDe implements the same intrinsics, under the same names, on the host ISA, so the SIMD
 * twins compile into the native test binary and can be compared with the scalar twins bit for bit.
 * SIMDe 0.7.4 lacks shuffles, *_const, *_make and unsigned splats: the kernels use none of them.
 * Only the *_simd128.c files include this, and only inside `#if SF_HAVE_SIMD128`.
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

#endif
