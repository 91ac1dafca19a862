/* vec_simd128.c — mul, muladd and add over (n) arrays with wasm SIMD128; must match
 * sf_f32_mul_scalar, sf_f32_muladd_scalar and sf_f32_add_scalar (vec_scalar.c) bit for bit.
 *
 * Each lane performs the scalar twin's operation on one element (muladd: product rounded, then the
 * add). A vector is loaded before it is stored, so mul's out may alias x or y. Tails: the last n%4
 * elements go through the scalar twin; nothing is read or written past n.
 */
#include "kernels.h" /* also keeps this translation unit non-empty when SF_HAVE_SIMD128 is 0 */

#if SF_HAVE_SIMD128

#include "simd128.h"

void sf_f32_mul_simd128(float *out, const float *x, const float *y, int n)
{
    int i = 0;
    for (; i + 4 <= n; i += 4)
        wasm_v128_store(out + i, wasm_f32x4_mul(wasm_v128_load(x + i), wasm_v128_load(y + i)));
    sf_f32_mul_scalar(out + i, x + i, y + i, n - i);
}

void sf_f32_muladd_simd128(float *out, const float *x, const float *y, int n)
{
    int i = 0;
    for (; i + 4 <= n; i += 4) {
        const v128_t xy = wasm_f32x4_mul(wasm_v128_load(x + i), wasm_v128_load(y + i));
        wasm_v128_store(out + i, wasm_f32x4_add(wasm_v128_load(out + i), xy));
    }
    sf_f32_muladd_scalar(out + i, x + i, y + i, n - i);
}

void sf_f32_add_simd128(float *out, const float *x, int n)
{
    int i = 0;
    for (; i + 4 <= n; i += 4)
        wasm_v128_store(out + i, wasm_f32x4_add(wasm_v128_load(out + i), wasm_v128_load(x + i)));
    sf_f32_add_scalar(out + i, x + i, n - i);
}

#endif
