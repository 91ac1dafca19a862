/* fmath.c — e^x, ln x, sin x and cos x in double, from IEEE +, −, ×, ÷ and exact bit manipulation only.
 *
 * Why this file exists: glibc and musl disagree in the last bit of exp/log/sin/cos for some arguments,
 * and the ziggurat's tail and wedge tests (base/rng.c) and the data generators must draw the same
 * numbers in every build. Nothing here calls libm, uses fused multiply-add (build with
 * -ffp-contract=off) or depends on the rounding of anything but single IEEE double operations in
 * round-to-nearest, so every build returns the same bits.
 *
 * Method, per function (classic Cody–Waite designs; all polynomials are plain Taylor series, their
 * coefficients 1/n! or 2/(2n+1) rounded to double, written as hex floats so no compiler re-rounds them).
 * The leading terms of each series are carried as exact two-term sums (Knuth's TwoSum, Dekker's product
 * without FMA), so what is left is essentially the one final rounding:
 *   exp  x = k·ln2 + r, |r| <= ln2/2, with ln2 split in a 42-bit head (k·head exact) and a tail;
 *        e^r = 1 + r + r²/2 + r³·q(r) (Taylor to degree 14) with 1 + r + r²/2 summed exactly; then
 *        scaled by 2^k exactly, or, for a subnormal result, rounded once onto the subnormal grid.
 *   log  x = m·2^e, m in [√½, √2); s = (m − 1)/(m + 1) as an exact-ish pair s_hi + s_lo;
 *        ln m = 2·atanh s = 2s + 2s³/3 + … + 2s²¹/21, plus e·ln2 in the same head/tail parts as exp.
 *   sin, cos  x = k·π/2 + r, |r| <= π/4, with π/2 split in three parts (two 35-bit heads, exact times
 *        any k < 2^18, and a full-precision third) and r kept as a two-term sum hi + lo; the quadrant
 *        k mod 4 picks ±sin r or ±cos r; Taylor to degree 17 (sin) and 16 (cos), a first-order
 *        correction for lo.
 *
 * Measured accuracy (tests/c/test_fmath.c: max over ~1.5e6 to 2.5e6 arguments per function, dense
 * grids, random arguments and special values, against glibc's 64-bit-significand long double functions;
 * the test asserts <= 0.6 ulp for all four):
 *   sf__exp  0.526 ulp; subnormal results 0.504 ulp of 2^-1074
 *   sf__log  0.537 ulp (subnormal arguments included)
 *   sf__sin  0.562 ulp on |x| <= 1e5, 0.500 on the doubles nearest to multiples of π/2
 *   sf__cos  0.559 ulp, idem
 * They cost a few tens of flops more than plain Horner forms; callers use them off the hot paths.
 *
 * Left to others: float versions and vectorised kernels (kernels/ has its own exp/log1p polynomials);
 * the range policy of callers (sin/cos return NaN beyond |x| = 1e5 rather than reduce further).
 */
#include "base/fmath.h"
#include "base/bits.h"

#include <stdint.h>
#include <string.h>

/* ---- bits ----------------------------------------------------------------------------------- */

#define BITS_INF        0x7ff0000000000000ull /* +inf */
#define BITS_NAN        0x7ff8000000000000ull /* the default quiet NaN */
#define BITS_NEG_INF    0xfff0000000000000ull
#define EXP_BIAS        1023                  /* IEEE double exponent bias */
#define MANT_MASK       0x000fffffffffffffull /* the 52 stored mantissa bits */
#define MIN_NORMAL_BITS 0x0010000000000000ull /* 2^-1022: bit patterns below it are subnormal */

/* 2^k for a k in the normal exponent range [-1022, 1023], exactly. */
static double pow2i(int k) { return sf__double_of_bits((uint64_t)(k + EXP_BIAS) << 52); }

/* s + e = a + b exactly (Knuth's TwoSum: no precondition on the magnitudes; 6 operations). */
static void two_sum(double a, double b, double *s, double *e) {
    double sum = a + b;
    double bb = sum - a;
    *e = (a - (sum - bb)) + (b - bb);
    *s = sum;
}

/* p + e = a·b exactly, by Dekker's product (1971) on Veltkamp's 26+27-bit split: no FMA needed. Exact
 * while no partial product underflows; where one does (|a·b| < 2^-968), the error left is below
 * 2^-1000 absolute, far under any ulp it could affect here. */
static void two_prod(double a, double b, double *p, double *e) {
    const double split = 134217729.0; /* 2^27 + 1: splits a 53-bit significand into 26 + 27 bits */
    double ca = split * a, cb = split * b;
    double ah = ca - (ca - a), al = a - ah;
    double bh = cb - (cb - b), bl = b - bh;
    double prod = a * b;
    *e = ((ah * bh - prod) + ah * bl + al * bh) + al * bl;
    *p = prod;
}

/* Round to nearest integer for |t| < 2^31; ties away from zero. k only needs to be within ±1 of the
 * nearest for the reductions below (their polynomials are accurate a little past |r| = ln2/2 and π/4),
 * so the tie rule does not matter; it is simply the same in every build. */
static int round_to_int(double t) { return (int)(t < 0 ? t - 0.5 : t + 0.5); }

/* ---- exp ------------------------------------------------------------------------------------ */

/* ln 2 = LN2_HI + LN2_LO. LN2_HI keeps 42 significant bits, so k·LN2_HI is exact for |k| < 2^11
 * (exp needs |k| <= 1075; log multiplies it by exponents |e| <= 1075 too); LN2_LO is the rest, rounded,
 * so the pair carries ~95 bits of ln 2 and k·(ln2 − HI − LO) stays below 2^-85. */
#define LN2_HI  0x1.62e42fefa3800p-1
#define LN2_LO  0x1.ef35793c76730p-45
#define INV_LN2 0x1.71547652b82fep+0 /* 1/ln 2, to pick k; its rounding only moves r by < 1e-13 */

/* Beyond these, e^x is +inf or rounds to 0: ln(DBL_MAX) = 709.7827…, ln(2^-1075) = −745.1332…
 * Both thresholds lie a little outside, and the scaling below rounds the last stretch correctly;
 * they exist only to keep k in the range the scaling handles. */
#define EXP_OVERFLOW_X  709.79
#define EXP_UNDERFLOW_X (-745.2)

/* Taylor coefficients 1/n!, n = 3 .. 14 (the 1/2 of r² is applied exactly). Degree 14 because at
 * |r| = ln2/2 the first omitted term r^15/15! is 1e-19 (0.001 ulp); stopping at 13 would leave
 * 4e-18, a measurable 0.04 ulp. */
#define E3  0x1.5555555555555p-3
#define E4  0x1.5555555555555p-5
#define E5  0x1.1111111111111p-7
#define E6  0x1.6c16c16c16c17p-10
#define E7  0x1.a01a01a01a01ap-13
#define E8  0x1.a01a01a01a01ap-16
#define E9  0x1.71de3a556c734p-19
#define E10 0x1.27e4fb7789f5cp-22
#define E11 0x1.ae64567f544e4p-26
#define E12 0x1.1eed8eff8d898p-29
#define E13 0x1.6124613a86d09p-33
#define E14 0x1.93974a8c07c9dp-37

/* 2^-22 is the smallest power of two above every y·2^(k+1000) that can still be subnormal after the
 * final ·2^-1000 (y < 1.42, k <= -1023, or k = -1022 with y < 1), and the ulp of [2^-22, 2^-21) is
 * 2^-74 = 2^1000 · 2^-1074: adding it rounds to exactly the subnormal grid, scaled. */
#define EXP_SUBNORMAL_SHIFT 0x1p-22

double sf__exp(double x) {
    if (x != x) return x + x; /* NaN in, NaN out (x + x quiets a signalling NaN) */
    if (x > EXP_OVERFLOW_X) return sf__double_of_bits(BITS_INF);
    if (x < EXP_UNDERFLOW_X) return 0.0;

    int k = round_to_int(x * INV_LN2);
    /* hi is exact: k·LN2_HI is exact and x is within a factor 2 of it (or k = 0). */
    double hi = x - (double)k * LN2_HI;
    double lo = (double)k * LN2_LO;
    double r = hi - lo;
    double c = (hi - r) - lo; /* what the rounding of r lost: e^(r + c) ≈ e^r + c·(1 + r) */

    /* e^r = 1 + r + r²/2 + r³·q(r). The first three terms are summed exactly as pairs: their
     * roundings would otherwise add up to ~0.15 ulp; the rest (<= 0.007) is rounded harmlessly. */
    double a, b, z, zl, a2, b2;
    two_sum(1.0, r, &a, &b);
    two_prod(r, r, &z, &zl);
    two_sum(a, 0.5 * z, &a2, &b2); /* halving is exact */
    double q =
        E3 +
        r * (E4 +
             r * (E5 +
                  r * (E6 + r * (E7 + r * (E8 + r * (E9 + r * (E10 + r * (E11 + r * (E12 + r * (E13 + r * E14))))))))));
    double rest = b2 + (b + (0.5 * zl + (r * z * q + (c + c * r)))); /* e^r = a2 + rest */

    /* (a2 + rest)·2^k. Results in the normal range take one rounding and an exact multiply; near
     * overflow 2^1024 is not a double, so split it. */
    if (k > 1023) return (a2 + rest) * pow2i(k - 1) * 2.0;
    if (k >= -1021) return (a2 + rest) * pow2i(k);
    double y = a2 + rest;
    if (k == -1022 && y >= 1.0) return y * pow2i(k);
    /* Subnormal result: rounding y to 53 bits and then to the coarser subnormal grid would round
     * twice (up to 1 ulp off). Instead scale the pair into the normal range (exact), add it to
     * 2^-22 so the sum rounds once, on the subnormal grid scaled by 2^1000, and scale back: both
     * the subtraction (Sterbenz) and the final ·2^-1000 (a multiple of 2^-1074) are exact. */
    double s1, e1;
    two_sum(EXP_SUBNORMAL_SHIFT, a2 * pow2i(k + 1000), &s1, &e1);
    double shifted = s1 + (e1 + rest * pow2i(k + 1000));
    return (shifted - EXP_SUBNORMAL_SHIFT) * pow2i(-1000);
}

/* ---- log ------------------------------------------------------------------------------------ */

#define SQRT2 0x1.6a09e667f3bcdp+0 /* √2: mantissas at or above it are halved, so m in [√½, √2) */
#define TWO54 0x1p54               /* lifts a subnormal into the normal range exactly */

/* Series coefficients 2/(2n+1), n = 1 .. 10, of R(z) = Σ 2 z^n/(2n+1), z = s². With |s| <= 0.1716
 * (m at √2 or √½), the first omitted term 2s^23/23 is 6e-19 of the leading 2s: far below an ulp. */
#define L3  0x1.5555555555555p-1
#define L5  0x1.999999999999ap-2
#define L7  0x1.2492492492492p-2
#define L9  0x1.c71c71c71c71cp-3
#define L11 0x1.745d1745d1746p-3
#define L13 0x1.3b13b13b13b14p-3
#define L15 0x1.1111111111111p-3
#define L17 0x1.e1e1e1e1e1e1ep-4
#define L19 0x1.af286bca1af28p-4
#define L21 0x1.8618618618618p-4

double sf__log(double x) {
    if (x != x) return x + x;
    if (x < 0.0) return sf__double_of_bits(BITS_NAN);
    if (x == 0.0) return sf__double_of_bits(BITS_NEG_INF); /* both +0 and −0 */
    uint64_t bx = sf__bits_of_double(x);
    if (bx == BITS_INF) return x;

    int e = 0;
    if (bx < MIN_NORMAL_BITS) { /* subnormal */
        x *= TWO54;
        bx = sf__bits_of_double(x);
        e = -54;
    }
    e += (int)(bx >> 52) - EXP_BIAS;
    double m = sf__double_of_bits((bx & MANT_MASK) | ((uint64_t)EXP_BIAS << 52)); /* in [1, 2) */
    if (m >= SQRT2) {
        m *= 0.5; /* exact */
        e += 1;
    }

    /* s = (m − 1)/(m + 1) as a pair s_hi + s_lo good to ~2^-100: m − 1 is exact (Sterbenz), m + 1 is
     * an exact pair (d, dl), and the division's remainder f − s_hi·(d + dl), formed exactly with
     * Dekker's product, gives the correction. */
    double f = m - 1.0;
    double d, dl, p, pe;
    two_sum(m, 1.0, &d, &dl);
    double s_hi = f / d;
    two_prod(s_hi, d, &p, &pe);
    double s_lo = (((f - p) - pe) - s_hi * dl) / d;

    /* ln m = 2·atanh s = 2s + s·R(s²). 2s carries the value exactly (doubling); the series part is
     * at most 0.0035 (|s| <= 0.1716), so its few roundings cost ~0.02 ulp, and e·LN2_HI (exact) plus
     * 2·s_hi is summed as an exact pair: what remains is essentially the one final rounding. */
    double z = s_hi * s_hi;
    double R =
        z * (L3 + z * (L5 + z * (L7 + z * (L9 + z * (L11 + z * (L13 + z * (L15 + z * (L17 + z * (L19 + z * L21)))))))));
    double de = (double)e;
    double a, b;
    two_sum(de * LN2_HI, 2.0 * s_hi, &a, &b);
    return a + (b + (2.0 * s_lo + (s_hi * R + de * LN2_LO)));
}

/* ---- sin, cos ------------------------------------------------------------------------------- */

/* π/2 = PIO2_1 + PIO2_2 + PIO2_3 + (−5.3e-40). The first two have at most 35 significant bits, so
 * k·PIO2_1 and k·PIO2_2 are exact for k < 2^18 (|x| < 4e5; we need k <= 63662 for |x| <= 1e5); the
 * third is full precision, its product with k rounds by < 2^-53·k·2^-76. An exhaustive search over
 * k in 300-bit arithmetic (every double nearest k·π/2, and its neighbours) finds the closest approach
 * at x = 0x1.6c6cbc45dc8dep+5 (≈ 45.5), 2^-60.5 from 29·π/2, and the largest relative error this
 * leaves in r at x = 0x1.65a1dd290660fp+16 (r ≈ 2^-52): 2^-61.3, i.e. < 0.01 ulp. The test checks
 * all those doubles against libm. */
#define PIO2_1      0x1.921fb54440000p+0
#define PIO2_2      0x1.68c234c4c0000p-39
#define PIO2_3      0x1.98a2e03707345p-77
#define TWO_OVER_PI 0x1.45f306dc9c883p-1 /* to pick k; its rounding only moves r by < 1e-11 */
#define PIO4        0x1.921fb54442d18p-1 /* |x| <= π/4 needs no reduction */
#define TRIG_MAX_X  1e5                  /* the contract's range (fmath.h) */

/* Taylor coefficients (−1)^n/(2n+1)! for sin, n = 1 .. 8: at |r| = π/4 the first omitted term
 * r^19/19! is 1e-19 relative to r. */
#define S3  (-0x1.5555555555555p-3)
#define S5  0x1.1111111111111p-7
#define S7  (-0x1.a01a01a01a01ap-13)
#define S9  0x1.71de3a556c734p-19
#define S11 (-0x1.ae64567f544e4p-26)
#define S13 0x1.6124613a86d09p-33
#define S15 (-0x1.ae7f3e733b81fp-41)
#define S17 0x1.952c77030ad4ap-49

/* (−1)^n/(2n)! for cos, n = 2 .. 8: at |r| = π/4 the first omitted term r^18/18! is 2e-18. */
#define C4  0x1.5555555555555p-5
#define C6  (-0x1.6c16c16c16c17p-10)
#define C8  0x1.a01a01a01a01ap-16
#define C10 (-0x1.27e4fb7789f5cp-22)
#define C12 0x1.1eed8eff8d898p-29
#define C14 (-0x1.93974a8c07c9dp-37)
#define C16 0x1.ae7f3e733b81fp-45

/* hi + lo ≈ x − k·π/2 with |hi + lo| ≲ π/4 and |lo| <= ulp(hi)/2; returns k mod 4. Needs |x| <= 1e5. */
static unsigned reduce_pio2(double x, double *hi, double *lo) {
    if (x <= PIO4 && x >= -PIO4) {
        *hi = x;
        *lo = 0.0;
        return 0;
    }
    int k = round_to_int(x * TWO_OVER_PI);
    double dk = (double)k;
    double t = x - dk * PIO2_1; /* exact: k·PIO2_1 is exact and within a factor 2 of x */
    double s, e;
    two_sum(t, -(dk * PIO2_2), &s, &e); /* exact, whatever the cancellation */
    two_sum(s, e - dk * PIO2_3, hi, lo);
    return (unsigned)k & 3u; /* conversion to unsigned is modulo 2^32, so this is k mod 4 for k < 0 too */
}

/* sin(hi + lo) for |hi + lo| <= π/4, as sin hi + lo·cos hi with cos hi ≈ 1 − hi²/2 (the next term
 * is below 2^-53·ulp). sin hi = hi + S3·hi³ + hi⁵·p(hi²): hi³ (up to 0.48) is formed as an exact
 * pair and its product with S3 ≈ −1/6 is exact too (S3's own rounding, 2^-55 relative on a term
 * <= 0.081, is worth < 0.01 ulp), so only the hi⁵ part (<= 0.0025) is rounded, and the sum with hi
 * is an exact pair: what remains is essentially the one final rounding. */
static double sin_kernel(double hi, double lo) {
    double z, zl, v, vl, w, wl, a, b;
    two_prod(hi, hi, &z, &zl);
    two_prod(z, hi, &v, &vl);
    vl += zl * hi; /* v + vl = hi³ to ~2^-105 relative */
    two_prod(S3, v, &w, &wl);
    wl += S3 * vl; /* w + wl = S3·hi³ */
    two_sum(hi, w, &a, &b);
    double p = S5 + z * (S7 + z * (S9 + z * (S11 + z * (S13 + z * (S15 + z * S17)))));
    return a + (b + (wl + (v * z * p + lo * (1.0 - 0.5 * z))));
}

/* cos(hi + lo) for |hi + lo| <= π/4, as cos hi − lo·sin hi with sin hi ≈ hi. cos hi = 1 − hi²/2 +
 * hi⁴/24 + hi⁶·p(hi²): 1 − hi²/2 is formed as w plus its exact rounding error ((1 − w) − hz is exact:
 * Sterbenz twice, as hz <= 0.31), hi²/2 as an exact pair, and hi⁴ (the 1/24 term is up to 0.016) from
 * an exact square, so only the hi⁶ part (<= 0.0003) and single products are rounded. */
static double cos_kernel(double hi, double lo) {
    double z, zl, z2, z2l;
    two_prod(hi, hi, &z, &zl);
    double hz = 0.5 * z;
    double w = 1.0 - hz;
    two_prod(z, z, &z2, &z2l);
    double p = C6 + z * (C8 + z * (C10 + z * (C12 + z * (C14 + z * C16))));
    double tail = C4 * z2 + (C4 * (z2l + 2.0 * z * zl) + (z2 * z * p - hi * lo));
    return w + ((((1.0 - w) - hz) - 0.5 * zl) + tail);
}

double sf__sin(double x) {
    if (!(x <= TRIG_MAX_X && x >= -TRIG_MAX_X)) return x != x ? x + x : sf__double_of_bits(BITS_NAN);
    if (x == 0.0) return x; /* keeps the sign of −0, which the kernel's additions would lose */
    double hi, lo;
    switch (reduce_pio2(x, &hi, &lo)) {
    case 0:
        return sin_kernel(hi, lo);
    case 1:
        return cos_kernel(hi, lo);
    case 2:
        return -sin_kernel(hi, lo);
    default:
        return -cos_kernel(hi, lo);
    }
}

double sf__cos(double x) {
    if (!(x <= TRIG_MAX_X && x >= -TRIG_MAX_X)) return x != x ? x + x : sf__double_of_bits(BITS_NAN);
    double hi, lo;
    switch (reduce_pio2(x, &hi, &lo)) {
    case 0:
        return cos_kernel(hi, lo);
    case 1:
        return -sin_kernel(hi, lo);
    case 2:
        return -cos_kernel(hi, lo);
    default:
        return sin_kernel(hi, lo);
    }
}
