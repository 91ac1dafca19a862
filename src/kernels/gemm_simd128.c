/* gemm_simd128.c — C (M,N) = init + A (M,K) · B (K,N) with wasm SIMD128; must match
 * sf_f32_gemm_scalar (gemm_scalar.c) bit for bit.
 *
 * Shapes and strides as in kernels.h: A(i,k) = A[i*ars + k*acs], B (K,N) row stride ldb, C (M,N) row
 * stride ldc, bias (N) or NULL. Every vector lane owns one C element and performs exactly the scalar
 * twin's sequence on it — init = (acc ? C : 0) + bias, then c = c + A(i,k)·B[k][j] for k in order,
 * the product rounded before the add (no FMA) — so the results are the same bits. Only the
 * bookkeeping differs, and it is all about keeping the multiply and add units busy:
 *
 * Main path (N >= 4): the lanes run along j. A register block of mr rows × 4·nv columns keeps its
 * mr·nv accumulators in registers for a whole run of k; per k it loads nv vectors of row k of B and
 * broadcasts mr values of A (v128.load32_splat, a pure load on x86). The rows of a block are a "panel"
 * of A, first copied to a small [k][mr] buffer that every column block of the panel then reads: the
 * inner loop has one A pointer and one B pointer, both bumped by a constant (V8 keeps them in
 * registers and addresses every load as pointer + immediate), and the panel's mr values for one k
 * share a cache line. 4-row panels are copied with vector moves: one per k when the 4 values are
 * adjacent (ars == 1, the transposed A of the weight gradient), 4 × 4 register transposes when A is
 * row-major (the scalar copy these replace cost ~10 % of the product's time). The copy covers at
 * most SF__KC values of k at a time: C is stored after each run of k and loaded again for the next
 * (exact: stores and loads do not round), and only the first run applies the init, so every element
 * still sees one init and then k in order. Full 4-row panels go in groups of SF__MC: the group's
 * copies are made first and then each 8-column slice of B serves all of them while it is in the L1
 * cache (a B of 128 × 128 floats does not fit there; 1–3 % faster on W1–W3 than panel by panel).
 * Blocks: 4 × 8 (8 accumulators, 2 B loads and 4 broadcasts per k: the multiply and add units, not
 * the loads, are the limit), 1 × 32 for single rows (the sampler's one-chain forward pass), 2 × 16 and
 * 3 × 8 for the other row tails, 4 columns for a column tail of 4..7.
 *
 * Small N (N < 4, the D = 2 output layer): lanes along j would leave most lanes empty, so
 *   - with ars == 1 the lanes run along i instead: 4 consecutive rows of A are one vector load, each
 *     B[k][j] is broadcast, and C's columns are gathered/scattered lane by lane once per block;
 *   - with N == 2 and rows of A apart, a vector holds two rows' pairs (i,0) (i,1) (i+1,0) (i+1,1):
 *     B's pair is one 64-bit splat, A(i,k) and A(i+1,k) two broadcasts joined by one shuffle.
 *
 * Tails: the last N%4 columns of the main path, rows the small-N blocks do not cover, and N in {1, 3}
 * with rows of A apart go to the scalar twin on that sub-block (same per-element operations, so
 * still bit-identical). Nothing is read or written past the sizes given (no padding).
 */
#include "kernels.h" /* also keeps this translation unit non-empty when SF_HAVE_SIMD128 is 0 */

#if SF_HAVE_SIMD128

#include <stddef.h>

#include "simd128.h"

#define SF__KC 256 /* values of k per copied A panel: a 4 × 256 panel is 4 KiB of stack */
#define SF__MR 4   /* rows of the main register block */
#define SF__MC 8   /* 4-row panels sharing each slice of B: 8 copies of 4 KiB, 32 KiB of stack */

#define SF__INLINE static inline __attribute__((always_inline))

/* ---- Main path: lanes along j -------------------------------------------------------------------
 * One mr × 4·nv block of C over kc values of k. pa points at the panel copy, A(i + r, k0 + k) =
 * pa[k·mr + r]; pb points at B[k0][j], row stride ldb. With cont the block continues a previous run
 * of k: C holds partial sums and is loaded as is. Otherwise it starts at init = (acc ? C : 0) +
 * (bias ? bias : 0), as the scalar twin does (the + 0 turns −0 into +0 in both). */
SF__INLINE void block(const int mr, const int nv, float *C, ptrdiff_t ldc, const float *pa, const float *pb,
                      ptrdiff_t ldb, int kc, const float *bias, int acc, int cont) {
    v128_t c[SF__MR][8];
    const v128_t zero = wasm_f32x4_splat(0.0f);
    for (int r = 0; r < mr; r++)
        for (int v = 0; v < nv; v++) {
            const float *cr = C + r * ldc + 4 * v;
            if (cont)
                c[r][v] = wasm_v128_load(cr);
            else
                c[r][v] = wasm_f32x4_add(acc ? wasm_v128_load(cr) : zero, bias ? wasm_v128_load(bias + 4 * v) : zero);
        }
    for (int k = 0; k < kc; k++) {
        v128_t b[8];
        for (int v = 0; v < nv; v++) b[v] = wasm_v128_load(pb + 4 * v);
        for (int r = 0; r < mr; r++) {
            const v128_t a = wasm_v128_load32_splat(pa + r);
            for (int v = 0; v < nv; v++) c[r][v] = wasm_f32x4_add(c[r][v], wasm_f32x4_mul(a, b[v]));
        }
        pa += mr;
        pb += ldb;
    }
    for (int r = 0; r < mr; r++)
        for (int v = 0; v < nv; v++) wasm_v128_store(C + r * ldc + 4 * v, c[r][v]);
}

/* Columns 0 .. N4−1 (N4 a multiple of 4) of an mr-row panel over one run of k: blocks of 4·nv
 * columns, then of 8 and 4. */
SF__INLINE void panel(const int mr, const int nv, float *C, ptrdiff_t ldc, const float *pa, const float *B,
                      ptrdiff_t ldb, int N4, int kc, const float *bias, int acc, int cont) {
    int j = 0;
    for (; j + 4 * nv <= N4; j += 4 * nv)
        block(mr, nv, C + j, ldc, pa, B + j, ldb, kc, bias ? bias + j : NULL, acc, cont);
    if (nv > 2)
        for (; j + 8 <= N4; j += 8) block(mr, 2, C + j, ldc, pa, B + j, ldb, kc, bias ? bias + j : NULL, acc, cont);
    if (j < N4) block(mr, 1, C + j, ldc, pa, B + j, ldb, kc, bias ? bias + j : NULL, acc, cont);
}

/* Copies mr rows × kc values of k of A, A(i + r, k0 + k) = pa[r·ars + k·acs], to copy[k·mr + r]. */
static void copy_panel(float *copy, const float *pa, int mr, int kc, ptrdiff_t ars, ptrdiff_t acs) {
    int k = 0;
    if (mr == 4 && ars == 1) { /* the 4 values of one k are adjacent: one vector move per k */
        for (; k < kc; k++) wasm_v128_store(copy + 4 * k, wasm_v128_load(pa + k * acs));
    } else if (mr == 4 && acs == 1) { /* row-major A: 4 × 4 tiles transposed in registers */
        for (; k + 4 <= kc; k += 4) {
            v128_t r0 = wasm_v128_load(pa + k), r1 = wasm_v128_load(pa + ars + k);
            v128_t r2 = wasm_v128_load(pa + 2 * ars + k), r3 = wasm_v128_load(pa + 3 * ars + k);
            sf__f32x4_transpose4(&r0, &r1, &r2, &r3);
            wasm_v128_store(copy + 4 * k, r0);
            wasm_v128_store(copy + 4 * k + 4, r1);
            wasm_v128_store(copy + 4 * k + 8, r2);
            wasm_v128_store(copy + 4 * k + 12, r3);
        }
    }
    for (; k < kc; k++)
        for (int r = 0; r < mr; r++) copy[k * mr + r] = pa[r * ars + k * acs];
}

/* The last mr < 4 rows over all k, one run of at most SF__KC values of k at a time. */
static void rows(int mr, float *C, const float *A, const float *B, const float *bias, int N4, int K, ptrdiff_t ars,
                 ptrdiff_t acs, ptrdiff_t ldb, ptrdiff_t ldc, int acc) {
    float copy[3 * SF__KC];
    for (int k0 = 0; k0 == 0 || k0 < K; k0 += SF__KC) {
        const int kc = K - k0 < SF__KC ? K - k0 : SF__KC;
        copy_panel(copy, A + k0 * acs, mr, kc, ars, acs);
        const float *pb = B + k0 * ldb;
        const int cont = k0 > 0;
        switch (mr) {
        case 1:
            panel(1, 8, C, ldc, copy, pb, ldb, N4, kc, bias, acc, cont);
            break;
        case 2:
            panel(2, 4, C, ldc, copy, pb, ldb, N4, kc, bias, acc, cont);
            break;
        default:
            panel(3, 2, C, ldc, copy, pb, ldb, N4, kc, bias, acc, cont);
            break;
        }
    }
}

/* np (<= SF__MC) full 4-row panels over all k: per run of k, all np panels are copied first, then
 * each 8-column slice of B is used by all np panels in turn while it is in the L1 cache. */
static void panels(int np, float *C, const float *A, const float *B, const float *bias, int N4, int K, ptrdiff_t ars,
                   ptrdiff_t acs, ptrdiff_t ldb, ptrdiff_t ldc, int acc) {
    float copy[SF__MC][SF__MR * SF__KC];
    for (int k0 = 0; k0 == 0 || k0 < K; k0 += SF__KC) {
        const int kc = K - k0 < SF__KC ? K - k0 : SF__KC;
        for (int p = 0; p < np; p++) copy_panel(copy[p], A + p * SF__MR * ars + k0 * acs, SF__MR, kc, ars, acs);
        const float *pb = B + k0 * ldb;
        const int cont = k0 > 0;
        int j = 0;
        for (; j + 8 <= N4; j += 8)
            for (int p = 0; p < np; p++)
                block(SF__MR, 2, C + p * SF__MR * ldc + j, ldc, copy[p], pb + j, ldb, kc, bias ? bias + j : NULL, acc,
                      cont);
        if (j < N4)
            for (int p = 0; p < np; p++)
                block(SF__MR, 1, C + p * SF__MR * ldc + j, ldc, copy[p], pb + j, ldb, kc, bias ? bias + j : NULL, acc,
                      cont);
    }
}

/* ---- Small N, ars == 1: lanes along i ----------------------------------------------------------
 * Rows i .. i+4·rv−1 and all nc (< 4) columns: accumulator (v, j) holds C(i+4v .. i+4v+3, j). A's
 * 4 rows at one k are A[k·acs + i ...], one load; B[k][j] is broadcast. C's columns are strided, so
 * init and store go lane by lane, once per block. */
SF__INLINE void cols_block(const int rv, const int nc, float *C, const float *A, const float *B, const float *bias,
                           int K, ptrdiff_t acs, ptrdiff_t ldb, ptrdiff_t ldc, int acc) {
    v128_t c[4][3];
    for (int v = 0; v < rv; v++)
        for (int j = 0; j < nc; j++) {
            const float *cj = C + 4 * v * ldc + j;
            const v128_t init =
                acc ? wasm_f32x4_make(cj[0], cj[ldc], cj[2 * ldc], cj[3 * ldc]) : wasm_f32x4_splat(0.0f);
            c[v][j] = wasm_f32x4_add(init, wasm_f32x4_splat(bias ? bias[j] : 0.0f));
        }
    for (int k = 0; k < K; k++) {
        v128_t a[4];
        for (int v = 0; v < rv; v++) a[v] = wasm_v128_load(A + 4 * v);
        for (int j = 0; j < nc; j++) {
            const v128_t b = wasm_v128_load32_splat(B + j);
            for (int v = 0; v < rv; v++) c[v][j] = wasm_f32x4_add(c[v][j], wasm_f32x4_mul(a[v], b));
        }
        A += acs;
        B += ldb;
    }
    for (int v = 0; v < rv; v++)
        for (int j = 0; j < nc; j++) {
            float *cj = C + 4 * v * ldc + j;
            cj[0] = wasm_f32x4_extract_lane(c[v][j], 0);
            cj[ldc] = wasm_f32x4_extract_lane(c[v][j], 1);
            cj[2 * ldc] = wasm_f32x4_extract_lane(c[v][j], 2);
            cj[3 * ldc] = wasm_f32x4_extract_lane(c[v][j], 3);
        }
}

/* All rows of a small-N product with ars == 1; returns the first row not done (M%4 rows are left). */
SF__INLINE int cols(const int nc, float *C, const float *A, const float *B, const float *bias, int M, int K,
                    ptrdiff_t acs, ptrdiff_t ldb, ptrdiff_t ldc, int acc) {
    const int rv = nc == 3 ? 3 : 4; /* 4·nc or 9 accumulators and rv A vectors: within 15 registers */
    int i = 0;
    for (; i + 4 * rv <= M; i += 4 * rv) cols_block(rv, nc, C + i * ldc, A + i, B, bias, K, acs, ldb, ldc, acc);
    for (; i + 4 <= M; i += 4) cols_block(1, nc, C + i * ldc, A + i, B, bias, K, acs, ldb, ldc, acc);
    return i;
}

/* ---- N == 2, rows of A apart: two rows per vector ------------------------------------------------
 * Rows i .. i+2·np−1: accumulator p holds (C(i+2p,0), C(i+2p,1), C(i+2p+1,0), C(i+2p+1,1)). Per k:
 * (B[k][0], B[k][1]) splat to both halves, and (A(i+2p,k), A(i+2p,k), A(i+2p+1,k), A(i+2p+1,k)) from
 * two broadcasts and one shuffle. */
SF__INLINE void pairs_block(const int np, float *C, const float *A, const float *B, const float *bias, int K,
                            ptrdiff_t ars, ptrdiff_t acs, ptrdiff_t ldb, ptrdiff_t ldc, int acc) {
    v128_t c[2];
    const float *a[4];
    const v128_t b2 = bias ? wasm_v128_load64_splat(bias) : wasm_f32x4_splat(0.0f);
    for (int p = 0; p < np; p++) {
        const float *c0 = C + 2 * p * ldc, *c1 = c0 + ldc;
        const v128_t init = acc ? wasm_f32x4_make(c0[0], c0[1], c1[0], c1[1]) : wasm_f32x4_splat(0.0f);
        c[p] = wasm_f32x4_add(init, b2);
        a[2 * p] = A + 2 * p * ars;
        a[2 * p + 1] = a[2 * p] + ars;
    }
    for (int k = 0; k < K; k++) {
        const v128_t b = wasm_v128_load64_splat(B);
        for (int p = 0; p < np; p++) {
            const v128_t lo = wasm_v128_load32_splat(a[2 * p]);
            const v128_t hi = wasm_v128_load32_splat(a[2 * p + 1]);
            c[p] = wasm_f32x4_add(c[p], wasm_f32x4_mul(wasm_i32x4_shuffle(lo, hi, 0, 1, 6, 7), b));
            a[2 * p] += acs;
            a[2 * p + 1] += acs;
        }
        B += ldb;
    }
    for (int p = 0; p < np; p++) {
        float *c0 = C + 2 * p * ldc, *c1 = c0 + ldc;
        c0[0] = wasm_f32x4_extract_lane(c[p], 0);
        c0[1] = wasm_f32x4_extract_lane(c[p], 1);
        c1[0] = wasm_f32x4_extract_lane(c[p], 2);
        c1[1] = wasm_f32x4_extract_lane(c[p], 3);
    }
}

void sf_f32_gemm_simd128(float *C, const float *A, const float *B, const float *bias, int M, int N, int K, int ars,
                         int acs, int ldb, int ldc, int acc) {
    if (M <= 0 || N <= 0) return;
    if (K < 0) K = 0;
    int i = 0;
    if (N < 4) {
        if (ars == 1) {
            switch (N) {
            case 1:
                i = cols(1, C, A, B, bias, M, K, acs, ldb, ldc, acc);
                break;
            case 2:
                i = cols(2, C, A, B, bias, M, K, acs, ldb, ldc, acc);
                break;
            default:
                i = cols(3, C, A, B, bias, M, K, acs, ldb, ldc, acc);
                break;
            }
        } else if (N == 2) {
            for (; i + 4 <= M; i += 4)
                pairs_block(2, C + (ptrdiff_t)i * ldc, A + (ptrdiff_t)i * ars, B, bias, K, ars, acs, ldb, ldc, acc);
            if (i + 2 <= M) {
                pairs_block(1, C + (ptrdiff_t)i * ldc, A + (ptrdiff_t)i * ars, B, bias, K, ars, acs, ldb, ldc, acc);
                i += 2;
            }
        }
        if (i < M)
            sf_f32_gemm_scalar(C + (ptrdiff_t)i * ldc, A + (ptrdiff_t)i * ars, B, bias, M - i, N, K, ars, acs, ldb, ldc,
                               acc);
        return;
    }

    const int N4 = N & ~3;
    while (i < M) {
        /* a group of up to SF__MC full 4-row panels, or the last M%4 rows */
        const int np = (M - i) / SF__MR < SF__MC ? (M - i) / SF__MR : SF__MC;
        const int mr = np > 0 ? np * SF__MR : M - i;
        float *c = C + (ptrdiff_t)i * ldc;       /* rows i .. i+mr−1 of C */
        const float *a = A + (ptrdiff_t)i * ars; /* and of A */
        if (np > 0)
            panels(np, c, a, B, bias, N4, K, ars, acs, ldb, ldc, acc);
        else
            rows(mr, c, a, B, bias, N4, K, ars, acs, ldb, ldc, acc);
        if (N4 < N)
            sf_f32_gemm_scalar(c + N4, a, B + N4, bias ? bias + N4 : NULL, mr, N - N4, K, ars, acs, ldb, ldc, acc);
        i += mr;
    }
}

#endif
