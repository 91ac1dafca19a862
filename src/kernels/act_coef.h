/* act_coef.h — the constants of the softplus/sigmoid kernels, and the per-element backward step,
 * shared by act_scalar.c and act_simd128.c so that both twins run the same float arithmetic on the
 * same float constants.
 *
 * e = exp(w) for w = −|z| in [−87, 0]:
 *   n = round(w·log2e), by adding and subtracting 1.5·2²³: the sum lands in [2²³, 2²⁴), where the
 *       float spacing is 1, so the add itself rounds (to nearest even) and n sits in the low
 *       mantissa bits. Pure float adds, identical in both twins; no float→int conversion needed.
 *   r = (w − n·LN2_HI) − n·LN2_LO (Cody–Waite): LN2_HI has 9 significant bits and |n| <= 126 has
 *       7, so n·LN2_HI is exact and so (nearly always, by Sterbenz) is the subtraction.
 *   e^r for |r| <= ln2/2 by the degree-7 Taylor polynomial: the Lagrange remainder is at most
 *       (ln2/2)⁸/8!·e^(ln2/2) < 7.3e-9 relative to e^r, about 0.06 ulp.
 *   2ⁿ from the exponent bits: bits(t) << 23 leaves n·2²³ (mod 2³²) because the high bits of
 *       bits(1.5·2²³ + n) shift out, and adding bits(1.0f) = 127·2²³ gives the biased exponent
 *       127 + n >= 1, so 2ⁿ and e stay normal floats.
 * log1p(e) for e in (0, 1]: with u = e/(2 + e) in (0, 1/3], log1p(e) = 2·atanh(u) =
 *   2u·(1 + u²/3 + u⁴/5 + ... + u¹⁴/15 + ...). Keeping terms through u¹⁴/15, the rest is below
 *   u¹⁶/17/(1 − u²) <= 9⁻⁸/17·9/8 < 1.6e-9 relative to the result.
 */
#ifndef SF_KERNELS_ACT_COEF_H
#define SF_KERNELS_ACT_COEF_H

#include <stddef.h>

/* Lower clamp of w = −|z|: exp(−87) ≈ 1.65e-38 is still a normal float (FLT_MIN ≈ 1.18e-38), which
 * keeps the 2ⁿ construction above in range. (Below SF__ACT_W_FLUSH e is 0 anyway.) */
#define SF__ACT_W_MIN (-87.0f)

/* For |z| > 20, e = e^−|z| < 2.1e-9 is replaced by exactly 0: softplus(z) becomes max(z, 0) and the
 * sigmoid exactly 0 or 1 (for z > 16.6 it already rounds to 1). Without this, a unit driven deep
 * into saturation hands e, which may be as small as 1e-38, to the next products, where two or three
 * such factors make subnormal floats: x86 computes those ~100 times slower, and a long sliced-SM run
 * on the swiss roll, whose scores grow without bound, slowed down 6× over 40 000 steps. With the
 * flush the smallest nonzero e is 2.1e-9, so products of up to four of them stay normal. The change
 * to softplus is below 2.1e-9 absolute (under a float ulp of any activation above 0.03), and a
 * gradient that only such units carried is below Adam's ε (1e-8) anyway. */
#define SF__ACT_W_FLUSH (-20.0f)

#define SF__EXP_LOG2E    0x1.715476p+0f     /* log2(e) rounded to float */
#define SF__EXP_MAGIC    0x1.8p+23f         /* 1.5·2²³: round-to-integer by addition */
#define SF__EXP_LN2_HI   0x1.63p-1f         /* 0.693359375: ln 2 to 9 bits */
#define SF__EXP_LN2_LO   (-0x1.bd0106p-13f) /* ln 2 − LN2_HI rounded to float */
#define SF__EXP_ONE_BITS 0x3F800000         /* the bits of 1.0f: exponent bias 127 << 23 */

/* 1/k! for k = 2 .. 7, rounded to float (k = 0, 1 are exactly 1). */
#define SF__EXP_P2 0x1p-1f
#define SF__EXP_P3 0x1.555556p-3f
#define SF__EXP_P4 0x1.555556p-5f
#define SF__EXP_P5 0x1.111112p-7f
#define SF__EXP_P6 0x1.6c16c2p-10f
#define SF__EXP_P7 0x1.a01a02p-13f

/* 1/(2k + 1) for k = 1 .. 7, rounded to float: the atanh series in u² (k = 0 is exactly 1). */
#define SF__LOG1P_Q1 0x1.555556p-2f
#define SF__LOG1P_Q2 0x1.99999ap-3f
#define SF__LOG1P_Q3 0x1.24924ap-3f
#define SF__LOG1P_Q4 0x1.c71c72p-4f
#define SF__LOG1P_Q5 0x1.745d18p-4f
#define SF__LOG1P_Q6 0x1.3b13b2p-4f
#define SF__LOG1P_Q7 0x1.111112p-4f

/* One element of sf_f32_softplus_backward (kernels.h): element i of every block, blocks n apart.
 * Shared so that the scalar twin and the SIMD twin's tail run literally the same code. */
static inline void sf__softplus_backward_1(float *d, const float *zs, ptrdiff_t n, int K, ptrdiff_t i) {
    const float s = zs[i];
    if (K > 0) {
        float t = d[n + i] * zs[n + i];
        for (int k = 2; k <= K; k++) t = t + d[k * n + i] * zs[k * n + i];
        d[i] = d[i] * s + t * (s * (1.0f - s));
    } else {
        d[i] = d[i] * s;
    }
    for (int k = 1; k <= K; k++) d[k * n + i] = d[k * n + i] * s;
}

#endif
