/* act_simd128.c — softplus/sigmoid and the softplus backward combination with wasm SIMD128; must
 * match sf_f32_softplus_sigmoid_scalar and sf_f32_softplus_backward_scalar (act_scalar.c) bit for bit.
 *
 * Every array is (n), elementwise. Each lane runs the scalar twin's float operations in the same order
 * on the same constants (act_coef.h): the sign-bit −|z|, the clamp, the magic-add rounding, the
 * Cody–Waite reduction, both Horner polynomials, 2ⁿ from integer shifts of the same bits. The scalar
 * twin's ternaries map to lane operations that are the same functions: `w < MIN ? MIN : w` is
 * wasm_f32x4_pmax(w, MIN), `0 < z ? z : 0` is wasm_f32x4_pmax(0, z), and `z >= 0 ? x : y` is a
 * wasm_v128_bitselect on wasm_f32x4_ge (both x and y are computed). wasm_f32x4_min/max are avoided:
 * their NaN and −0 rules are not those of a C ternary, and SIMDe does not reproduce them exactly.
 *
 * Tails: the last n%4 elements go through the scalar twin, which is the same per-element arithmetic.
 * Nothing is read or written past n.
 */
#include "kernels.h" /* also keeps this translation unit non-empty when SF_HAVE_SIMD128 is 0 */

#if SF_HAVE_SIMD128

#include "act_coef.h"
#include "simd128.h"

void sf_f32_softplus_sigmoid_simd128(float *a, float *s, const float *z, int n)
{
    const v128_t zero = wasm_f32x4_splat(0.0f);
    const v128_t one = wasm_f32x4_splat(1.0f);
    const v128_t two = wasm_f32x4_splat(2.0f);
    const v128_t sign = wasm_f32x4_splat(-0.0f);
    const v128_t w_min = wasm_f32x4_splat(SF__ACT_W_MIN);
    const v128_t magic = wasm_f32x4_splat(SF__EXP_MAGIC);
    const v128_t one_bits = wasm_i32x4_splat(SF__EXP_ONE_BITS);
    int i = 0;
    for (; i + 4 <= n; i += 4) {
        const v128_t zv = wasm_v128_load(z + i);

        const v128_t w = wasm_f32x4_pmax(wasm_v128_or(zv, sign), w_min);

        const v128_t t = wasm_f32x4_add(wasm_f32x4_mul(w, wasm_f32x4_splat(SF__EXP_LOG2E)), magic);
        const v128_t nf = wasm_f32x4_sub(t, magic);
        const v128_t r_hi = wasm_f32x4_sub(w, wasm_f32x4_mul(nf, wasm_f32x4_splat(SF__EXP_LN2_HI)));
        const v128_t r = wasm_f32x4_sub(r_hi, wasm_f32x4_mul(nf, wasm_f32x4_splat(SF__EXP_LN2_LO)));
        v128_t p = wasm_f32x4_splat(SF__EXP_P7);
        p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(SF__EXP_P6));
        p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(SF__EXP_P5));
        p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(SF__EXP_P4));
        p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(SF__EXP_P3));
        p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(SF__EXP_P2));
        p = wasm_f32x4_add(one, wasm_f32x4_add(r, wasm_f32x4_mul(wasm_f32x4_mul(r, r), p)));
        const v128_t scale = wasm_i32x4_add(wasm_i32x4_shl(t, 23), one_bits);
        const v128_t e = wasm_f32x4_mul(p, scale);

        const v128_t u = wasm_f32x4_div(e, wasm_f32x4_add(two, e));
        const v128_t u2 = wasm_f32x4_mul(u, u);
        v128_t q = wasm_f32x4_splat(SF__LOG1P_Q7);
        q = wasm_f32x4_add(wasm_f32x4_mul(q, u2), wasm_f32x4_splat(SF__LOG1P_Q6));
        q = wasm_f32x4_add(wasm_f32x4_mul(q, u2), wasm_f32x4_splat(SF__LOG1P_Q5));
        q = wasm_f32x4_add(wasm_f32x4_mul(q, u2), wasm_f32x4_splat(SF__LOG1P_Q4));
        q = wasm_f32x4_add(wasm_f32x4_mul(q, u2), wasm_f32x4_splat(SF__LOG1P_Q3));
        q = wasm_f32x4_add(wasm_f32x4_mul(q, u2), wasm_f32x4_splat(SF__LOG1P_Q2));
        q = wasm_f32x4_add(wasm_f32x4_mul(q, u2), wasm_f32x4_splat(SF__LOG1P_Q1));
        const v128_t v = wasm_f32x4_add(u, u);
        const v128_t l = wasm_f32x4_add(v, wasm_f32x4_mul(wasm_f32x4_mul(v, u2), q));

        const v128_t ope = wasm_f32x4_add(one, e);
        const v128_t av = wasm_f32x4_add(wasm_f32x4_pmax(zero, zv), l);
        const v128_t sv = wasm_v128_bitselect(wasm_f32x4_div(one, ope), wasm_f32x4_div(e, ope),
                                              wasm_f32x4_ge(zv, zero));
        wasm_v128_store(a + i, av);
        wasm_v128_store(s + i, sv); /* after the load of z: s may alias z */
    }
    sf_f32_softplus_sigmoid_scalar(a + i, s + i, z + i, n - i);
}

void sf_f32_softplus_backward_simd128(float *dz, const float *da, const float *t, const float *s, int n)
{
    const v128_t one = wasm_f32x4_splat(1.0f);
    int i = 0;
    for (; i + 4 <= n; i += 4) {
        const v128_t sv = wasm_v128_load(s + i);
        const v128_t curv = wasm_f32x4_mul(sv, wasm_f32x4_sub(one, sv)); /* s·(1 − s) */
        wasm_v128_store(dz + i, wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(da + i), sv),
                                               wasm_f32x4_mul(wasm_v128_load(t + i), curv)));
    }
    sf_f32_softplus_backward_scalar(dz + i, da + i, t + i, s + i, n - i);
}

#endif
