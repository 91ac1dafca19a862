/* act_simd128.c — softplus/sigmoid and the softplus backward step with wasm SIMD128; must match
 * sf_f32_softplus_sigmoid_scalar and sf_f32_softplus_backward_scalar (act_scalar.c) bit for bit.
 *
 * Every array is (n), elementwise. Each lane runs the scalar twin's float operations in the same order
 * on the same constants (act_coef.h): the sign-bit −|z|, the clamp, the magic-add rounding, the
 * Cody–Waite reduction, both Horner polynomials, 2ⁿ from integer shifts of the same bits. The scalar
 * twin's ternaries map to lane operations that are the same functions: `w < MIN ? MIN : w` is
 * wasm_f32x4_pmax(w, MIN), `0 < z ? z : 0` is wasm_f32x4_pmax(0, z), and the sigmoid's
 * `z >= 0 ? 1/(1 + e) : e/(1 + e)` is one division of a numerator chosen by wasm_v128_bitselect on
 * wasm_f32x4_ge (the same division of the same operands, lane by lane). wasm_f32x4_min/max are
 * avoided: their NaN and −0 rules are not those of a C ternary, and SIMDe does not reproduce them
 * exactly. The backward step runs its blocks' lanes through the same multiplies and adds in the
 * order kernels.h gives.
 *
 * Tails: the last n%4 elements go through the scalar twin (the backward step's per-element function,
 * act_coef.h), which is the same per-element arithmetic. Nothing is read or written past n.
 */
#include "kernels.h" /* also keeps this translation unit non-empty when SF_HAVE_SIMD128 is 0 */

#if SF_HAVE_SIMD128

#include <stddef.h>

#include "act_coef.h"
#include "simd128.h"

/* Shorthands for the lane-wise float operations, so that the formulas below read like the scalar
 * twin's. */
#define ADD   wasm_f32x4_add
#define SUB   wasm_f32x4_sub
#define MUL   wasm_f32x4_mul
#define SPLAT wasm_f32x4_splat
/* for (u = 0; u < U; u++): each statement for all U vectors before the next statement */
#define EACH for (int u = 0; u < U; u++)

/* softplus and sigmoid of the U·4 values at z, into a and s. The work of one vector is one long
 * dependency chain (exp, a division, the log1p polynomial, another division: on the order of 100
 * cycles of latency) of ~60 operations; written statement by statement across U independent vectors, the chains
 * reach the out-of-order core interleaved, so that it overlaps them instead of filling its scheduler
 * with one chain's waiting operations (8 vectors run 1.8 times as fast per element as 1 in V8). */
static inline __attribute__((always_inline)) void softplus_sigmoid_x(const int U, float *a, float *s, const float *z) {
    const v128_t zero = SPLAT(0.0f), one = SPLAT(1.0f), magic = SPLAT(SF__EXP_MAGIC);
    v128_t zv[8], w[8], t[8], nf[8], r[8], p[8], e[8], u_[8], u2[8], q[8], v[8], l[8], ope[8];
    EACH zv[u] = wasm_v128_load(z + 4 * u);

    EACH w[u] = wasm_f32x4_pmax(wasm_v128_or(zv[u], SPLAT(-0.0f)), SPLAT(SF__ACT_W_MIN));

    EACH t[u] = ADD(MUL(w[u], SPLAT(SF__EXP_LOG2E)), magic);
    EACH nf[u] = SUB(t[u], magic);
    EACH r[u] = SUB(SUB(w[u], MUL(nf[u], SPLAT(SF__EXP_LN2_HI))), MUL(nf[u], SPLAT(SF__EXP_LN2_LO)));
    EACH p[u] = ADD(MUL(SPLAT(SF__EXP_P7), r[u]), SPLAT(SF__EXP_P6));
    EACH p[u] = ADD(MUL(p[u], r[u]), SPLAT(SF__EXP_P5));
    EACH p[u] = ADD(MUL(p[u], r[u]), SPLAT(SF__EXP_P4));
    EACH p[u] = ADD(MUL(p[u], r[u]), SPLAT(SF__EXP_P3));
    EACH p[u] = ADD(MUL(p[u], r[u]), SPLAT(SF__EXP_P2));
    EACH p[u] = ADD(one, ADD(r[u], MUL(MUL(r[u], r[u]), p[u])));
    EACH e[u] = MUL(p[u], wasm_i32x4_add(wasm_i32x4_shl(t[u], 23), wasm_i32x4_splat(SF__EXP_ONE_BITS)));
    /* the scalar twin's `w < FLUSH ? 0 : e`: cleared where w < FLUSH, so a NaN w keeps its NaN e */
    EACH e[u] = wasm_v128_andnot(e[u], wasm_f32x4_lt(w[u], SPLAT(SF__ACT_W_FLUSH)));

    EACH u_[u] = wasm_f32x4_div(e[u], ADD(SPLAT(2.0f), e[u]));
    EACH u2[u] = MUL(u_[u], u_[u]);
    EACH q[u] = ADD(MUL(SPLAT(SF__LOG1P_Q7), u2[u]), SPLAT(SF__LOG1P_Q6));
    EACH q[u] = ADD(MUL(q[u], u2[u]), SPLAT(SF__LOG1P_Q5));
    EACH q[u] = ADD(MUL(q[u], u2[u]), SPLAT(SF__LOG1P_Q4));
    EACH q[u] = ADD(MUL(q[u], u2[u]), SPLAT(SF__LOG1P_Q3));
    EACH q[u] = ADD(MUL(q[u], u2[u]), SPLAT(SF__LOG1P_Q2));
    EACH q[u] = ADD(MUL(q[u], u2[u]), SPLAT(SF__LOG1P_Q1));
    EACH v[u] = ADD(u_[u], u_[u]);
    EACH l[u] = ADD(v[u], MUL(MUL(v[u], u2[u]), q[u]));

    /* the scalar twin's s = z >= 0 ? 1/(1 + e) : e/(1 + e), as one division of a selected numerator */
    EACH ope[u] = ADD(one, e[u]);
    EACH wasm_v128_store(a + 4 * u, ADD(wasm_f32x4_pmax(zero, zv[u]), l[u]));
    EACH wasm_v128_store(s + 4 * u, /* after every load of z: s may alias z */
                         wasm_f32x4_div(wasm_v128_bitselect(one, e[u], wasm_f32x4_ge(zv[u], zero)), ope[u]));
}

void sf_f32_softplus_sigmoid_simd128(float *a, float *s, const float *z, int n) {
    int i = 0;
    for (; i + 32 <= n; i += 32) softplus_sigmoid_x(8, a + i, s + i, z + i);
    for (; i + 4 <= n; i += 4) softplus_sigmoid_x(1, a + i, s + i, z + i);
    sf_f32_softplus_sigmoid_scalar(a + i, s + i, z + i, n - i);
}

/* One vector of the backward step for a compile-time K (1 or 2): every input loaded before the first
 * store. Block k of d sits k·n floats after block 0, and with n·4 bytes a multiple of 4096 (the net's
 * 128 × 128 blocks) a store to d + i followed by a load from d + n + i looks to the CPU like a load
 * from the address just stored (4K aliasing) and waits for the store: loading d + n + i again after
 * storing d + i, as the general loop below does, made the step 2.5 times as slow. */
static inline __attribute__((always_inline)) void backward_x(const int K, float *d, const float *zs, ptrdiff_t n) {
    const v128_t one = wasm_f32x4_splat(1.0f);
    const v128_t s = wasm_v128_load(zs), d0 = wasm_v128_load(d);
    v128_t dk[2], t;
    for (int k = 1; k <= K; k++) dk[k - 1] = wasm_v128_load(d + k * n);
    t = wasm_f32x4_mul(dk[0], wasm_v128_load(zs + n));
    for (int k = 2; k <= K; k++) t = wasm_f32x4_add(t, wasm_f32x4_mul(dk[k - 1], wasm_v128_load(zs + k * n)));
    const v128_t curv = wasm_f32x4_mul(s, wasm_f32x4_sub(one, s)); /* s·(1 − s) */
    wasm_v128_store(d, wasm_f32x4_add(wasm_f32x4_mul(d0, s), wasm_f32x4_mul(t, curv)));
    for (int k = 1; k <= K; k++) wasm_v128_store(d + k * n, wasm_f32x4_mul(dk[k - 1], s));
}

void sf_f32_softplus_backward_simd128(float *d, const float *zs, int n, int K) {
    const v128_t one = wasm_f32x4_splat(1.0f);
    int i = 0;
    if (K == 1) /* the sliced objectives with one projection */
        for (; i + 4 <= n; i += 4) backward_x(1, d + i, zs + i, n);
    else if (K == 2) /* exact SM in 2-D */
        for (; i + 4 <= n; i += 4) backward_x(2, d + i, zs + i, n);
    for (; i + 4 <= n; i += 4) {
        const v128_t s = wasm_v128_load(zs + i);
        if (K > 0) {
            v128_t t = wasm_f32x4_mul(wasm_v128_load(d + n + i), wasm_v128_load(zs + n + i));
            for (int k = 2; k <= K; k++) {
                const ptrdiff_t o = (ptrdiff_t)k * n + i;
                t = wasm_f32x4_add(t, wasm_f32x4_mul(wasm_v128_load(d + o), wasm_v128_load(zs + o)));
            }
            const v128_t curv = wasm_f32x4_mul(s, wasm_f32x4_sub(one, s)); /* s·(1 − s) */
            wasm_v128_store(d + i, wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(d + i), s), wasm_f32x4_mul(t, curv)));
        } else {
            wasm_v128_store(d + i, wasm_f32x4_mul(wasm_v128_load(d + i), s));
        }
        for (int k = 1; k <= K; k++) {
            float *dk = d + (ptrdiff_t)k * n + i;
            wasm_v128_store(dk, wasm_f32x4_mul(wasm_v128_load(dk), s));
        }
    }
    for (; i < n; i++) /* the tail: element by element, the scalar twin's own code */
        sf__softplus_backward_1(d, zs, n, K, i);
}

#endif
