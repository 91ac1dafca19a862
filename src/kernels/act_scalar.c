/* act_scalar.c — softplus and sigmoid from one exponential, and the softplus layer's backward step
 * over a stack of primal and tangent blocks, plain C: the reference twins of act_simd128.c.
 *
 * Shapes: every array is (n), elementwise. For each z: e = exp(−|z|) with −|z| clamped to >= −87,
 * a = max(z, 0) + log1p(e), s = z >= 0 ? 1/(1 + e) : e/(1 + e). exp and log1p are our own
 * straight-line float polynomials (act_coef.h explains the reduction and the truncation bounds), not
 * libm's expf/log1pf, which differ between glibc and musl: every build gives the same bits, and the
 * SIMD twin replicates the arithmetic lane by lane.
 *
 * Accuracy against double-precision libm (log1p(exp(z)) and 1/(1 + exp(−z))), measured over every
 * float in [−20, 87]: softplus within 2.80 ulp (worst at z = −2.757) and sigmoid within 2.40 ulp
 * (worst at z = −4.157) of the float result — the exp's ~1 ulp plus the roundings of 2 + e and a
 * division in log1p, of 1 + e and a division in the sigmoid. tests/c/test_kernels.c holds both to
 * 3 ulp over a dense grid that includes those points. For z < −20 both are exactly 0 (e is
 * flushed, act_coef.h: no subnormal floats downstream), an absolute error below 2.1e-9. NaN in gives
 * NaN out; +inf gives a = +inf, s = 1; −inf gives a = s = 0.
 * The caller owns the buffers; choosing the twin is left to the sf_kernels table.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "act_coef.h"
#include "kernels.h"

/* The two polynomials' coefficients, highest degree first (act_coef.h). */
static const float exp_p[6] = {SF__EXP_P7, SF__EXP_P6, SF__EXP_P5, SF__EXP_P4, SF__EXP_P3, SF__EXP_P2};
static const float log1p_q[7] = {SF__LOG1P_Q7, SF__LOG1P_Q6, SF__LOG1P_Q5, SF__LOG1P_Q4,
                                 SF__LOG1P_Q3, SF__LOG1P_Q2, SF__LOG1P_Q1};

/* c[0]·x^(k−1) + c[1]·x^(k−2) + … + c[k−1] by Horner's rule, p ← p·x + c[j] for j = 1 .. k−1 in
 * order: the multiplies and adds act_simd128.c repeats lane by lane (a constant k, so the loop
 * unrolls). */
static inline float horner(float x, const float *c, int k) {
    float p = c[0];
    for (int j = 1; j < k; j++) p = p * x + c[j];
    return p;
}

void sf_f32_softplus_sigmoid_scalar(float *a, float *s, const float *z, int n) {
    for (int i = 0; i < n; i++) {
        const float zi = z[i]; /* read before s[i] is written: s may alias z */

        /* w = −|z| by setting the sign bit (exact, NaN stays NaN), clamped so that e stays normal;
         * written `w < MIN ? MIN : w` so that a NaN passes through (wasm_f32x4_pmax(w, MIN)). */
        uint32_t bits;
        float w;
        memcpy(&bits, &zi, sizeof bits);
        bits |= 0x80000000u;
        memcpy(&w, &bits, sizeof w);
        w = w < SF__ACT_W_MIN ? SF__ACT_W_MIN : w;

        /* e = 2ⁿ·e^r with n = round(w·log2e), r = w − n·ln2 */
        const float t = w * SF__EXP_LOG2E + SF__EXP_MAGIC;
        const float nf = t - SF__EXP_MAGIC;
        const float r = (w - nf * SF__EXP_LN2_HI) - nf * SF__EXP_LN2_LO;
        const float p = 1.0f + (r + (r * r) * horner(r, exp_p, 6)); /* 1 + r added last, as below */
        uint32_t tbits;
        float scale;
        memcpy(&tbits, &t, sizeof tbits);
        tbits = (tbits << 23) + (uint32_t)SF__EXP_ONE_BITS;
        memcpy(&scale, &tbits, sizeof scale);
        /* flushed to 0 for w < SF__ACT_W_FLUSH (act_coef.h); a NaN w keeps its NaN */
        const float e = w < SF__ACT_W_FLUSH ? 0.0f : p * scale;

        /* log1p(e) = 2·atanh(u), u = e/(2 + e), as 2u + 2u·u²·(1/3 + u²/5 + ...): adding the leading
         * term last keeps the polynomial's rounding errors small against it (about 0.5 ulp better than
         * 2u·(1 + u²/3 + ...) on the test grid) */
        const float u = e / (2.0f + e);
        const float u2 = u * u;
        const float q = horner(u2, log1p_q, 7);
        const float v = u + u;
        const float l = v + (v * u2) * q;

        /* max(z, 0) as `0 < z ? z : 0`, the definition of wasm_f32x4_pmax(0, z): NaN and −0 give +0
         * in both twins (a NaN z still makes l, and so a, NaN). */
        const float ope = 1.0f + e;
        a[i] = (0.0f < zi ? zi : 0.0f) + l;
        s[i] = zi >= 0.0f ? 1.0f / ope : e / ope;
    }
}

void sf_f32_softplus_backward_scalar(float *d, const float *zs, int n, int K) {
    for (int i = 0; i < n; i++) sf__softplus_backward_1(d, zs, n, K, i);
}
