/* adam_simd128.c — one bias-corrected Adam step over (n) parameters with wasm SIMD128; must match
 * sf_f32_adam_scalar (adam_scalar.c) bit for bit in p1, m1 and v1.
 *
 * Each lane performs the scalar twin's operations in its order (wasm_f32x4_sqrt is correctly rounded,
 * like sqrtf). The finiteness flag Σ (p1 − p1) + (v1 − v1) is summed per lane and then across lanes:
 * a different order from the scalar twin's, which cannot matter because every term is +0 or NaN, so
 * the result is +0 or NaN either way (a NaN's payload is not part of the contract). Tails: the last
 * n%4 elements go through the scalar twin. All vectors of an element group are loaded before any
 * store, so p1, m1, v1 may alias p0, m0, v0; nothing is read or written past n.
 */
#include "kernels.h" /* also keeps this translation unit non-empty when SF_HAVE_SIMD128 is 0 */

#if SF_HAVE_SIMD128

#include "simd128.h"

float sf_f32_adam_simd128(float *p1, float *m1, float *v1, const float *p0, const float *m0, const float *v0,
                          const float *g, int n, sf_adam_coef c) {
    const v128_t b1 = wasm_f32x4_splat(c.b1), ob1 = wasm_f32x4_splat(1.0f - c.b1);
    const v128_t b2 = wasm_f32x4_splat(c.b2), ob2 = wasm_f32x4_splat(1.0f - c.b2);
    const v128_t lr = wasm_f32x4_splat(c.lr), eps = wasm_f32x4_splat(c.eps);
    const v128_t r1 = wasm_f32x4_splat(c.r1), r2 = wasm_f32x4_splat(c.r2);
    v128_t bad = wasm_f32x4_splat(0.0f);
    int i = 0;
    for (; i + 4 <= n; i += 4) {
        const v128_t gv = wasm_v128_load(g + i);
        const v128_t m = wasm_f32x4_add(wasm_f32x4_mul(b1, wasm_v128_load(m0 + i)), wasm_f32x4_mul(ob1, gv));
        const v128_t v =
            wasm_f32x4_add(wasm_f32x4_mul(b2, wasm_v128_load(v0 + i)), wasm_f32x4_mul(ob2, wasm_f32x4_mul(gv, gv)));
        const v128_t step = wasm_f32x4_div(wasm_f32x4_mul(lr, wasm_f32x4_mul(m, r1)),
                                           wasm_f32x4_add(wasm_f32x4_sqrt(wasm_f32x4_mul(v, r2)), eps));
        const v128_t p = wasm_f32x4_sub(wasm_v128_load(p0 + i), step);
        wasm_v128_store(m1 + i, m);
        wasm_v128_store(v1 + i, v);
        wasm_v128_store(p1 + i, p);
        bad = wasm_f32x4_add(bad, wasm_f32x4_add(wasm_f32x4_sub(p, p), wasm_f32x4_sub(v, v)));
    }
    const float lanes = (wasm_f32x4_extract_lane(bad, 0) + wasm_f32x4_extract_lane(bad, 1)) +
                        (wasm_f32x4_extract_lane(bad, 2) + wasm_f32x4_extract_lane(bad, 3));
    return lanes + sf_f32_adam_scalar(p1 + i, m1 + i, v1 + i, p0 + i, m0 + i, v0 + i, g + i, n - i, c);
}

#endif
