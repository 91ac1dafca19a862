/* test_rng.c — base/rng.c against the PCG reference, and its variates against their distributions.
 *
 * What it checks: PCG32 bit for bit (published pcg-c-basic vectors and a reference implementation
 * written here, independently of rng.c); bounded integers and uniforms by chi-square; normals by their
 * moments, a Kolmogorov–Smirnov test, a chi-square over the ziggurat's own strip edges, tail
 * frequencies and the shape of the tail; the truncated normal's support and variance; determinism
 * (same seed, same numbers; golden values that must match in every build); and the ziggurat table's
 * defining invariants, recomputed from the committed header so a corrupted table fails.
 * What it leaves to others: fmath's accuracy (test_fmath.c).
 *
 * Every statistical bound is a named constant with its derivation. Seeds are fixed, so each test is
 * deterministic; the bounds are set where a correct generator would fail with probability ~1e-6 for
 * an arbitrary seed (chi-square and KS upper quantiles at 1e-6, or 5 standard errors, two-sided
 * p = 5.7e-7), so a pass is not luck and a fail is not noise.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/fmath.h"
#include "base/rng.h"
#include "base/ziggurat_table.h"
#include "harness.h"

#define N_SIGMA 5.0 /* bounds in standard errors: two-sided tail 5.7e-7 */

/* Chi-square upper quantiles at p = 1e-6 for the degrees of freedom used below (regularised upper
 * incomplete gamma Q(df/2, x/2) = 1e-6, solved with mpmath to 10+ digits). */
#define CHI2_1E6_DF2   27.631
#define CHI2_1E6_DF6   38.258
#define CHI2_1E6_DF7   40.522
#define CHI2_1E6_DF255 377.078

/* Kolmogorov: P(√N·D > 2.7) = 2 Σ (−1)^(k−1) e^(−2k²·2.7²) = 9.3e-7 for large N. */
#define KS_1E6 2.7

static double phi_cdf(double x) { return 0.5 * erfc(-x / sqrt(2.0)); }
static double upper_tail(double x) { return 0.5 * erfc(x / sqrt(2.0)); } /* P(X > x) */

static uint32_t float_bits(float x) {
    uint32_t b;
    memcpy(&b, &x, sizeof b);
    return b;
}

/* A stream and its twin on one seed: the twin replays the raw draws the function under test must use. */
static void seed_twins(sf_rng *r, sf_rng *twin, uint32_t seed) {
    sf_rng_seed(r, seed, 0u);
    sf_rng_seed(twin, seed, 0u);
}

/* Pearson's statistic for observed counts against expected probabilities; prob NULL means equal
 * probabilities 1/bins, the null hypothesis of every flatness test. */
static double chi_square(const long *count, const double *prob, int bins, long n) {
    double chi2 = 0.0;
    for (int b = 0; b < bins; b++) {
        double e = (prob ? prob[b] : 1.0 / bins) * (double)n;
        double d = (double)count[b] - e;
        chi2 += d * d / e;
    }
    return chi2;
}

/* |count − n·p| in binomial standard errors. */
static double binomial_z(long count, long n, double p) {
    return fabs((double)count - (double)n * p) / sqrt((double)n * p * (1.0 - p));
}

/* ---- PCG32 ---------------------------------------------------------------------------------- */

/* pcg-c-basic (O'Neill), written out again here from the paper's description so that the test does
 * not share a line with rng.c: state' = state·a + inc; output = rotr32(((s >> 18) ^ s) >> 27, s >> 59)
 * of the OLD state; pcg32_srandom_r(seed, seq): state = 0, inc = 2·seq + 1, step, state += seed, step. */
typedef struct ref_pcg {
    uint64_t s, inc;
} ref_pcg;

static uint32_t ref_pcg_next(ref_pcg *g) {
    uint64_t s = g->s;
    g->s = s * 0x5851f42d4c957f2dull + g->inc; /* 6364136223846793005 */
    uint32_t v = (uint32_t)((s ^ (s >> 18)) >> 27);
    unsigned rot = (unsigned)(s >> 59);
    return rot == 0 ? v : (v >> rot) | (v << (32 - rot));
}

static ref_pcg ref_pcg_seeded(uint64_t seed, uint64_t seq) {
    ref_pcg g = {0, seq * 2 + 1};
    ref_pcg_next(&g);
    g.s += seed;
    ref_pcg_next(&g);
    return g;
}

static void test_pcg32_matches_published_vectors(void) {
    /* pcg-c-basic's pcg32-demo seeds pcg32_srandom_r(&rng, 42u, 54u) and prints these six; the state
     * after seeding, 0x185706b82c2e03f8 = 1753877967969059832, also appears in other ports' tests. */
    const uint32_t demo[6] = {0xa15c02b7u, 0x7b47f409u, 0xba1d3330u, 0x83d2f293u, 0xbfa4784bu, 0xcbed606eu};
    sf_rng r;
    sf_rng_seed(&r, 42u, 54u);
    EXPECT(r.state == 0x185706b82c2e03f8ull && r.inc == 109u, "state after seeding 0x%016llx, inc %llu",
           (unsigned long long)r.state, (unsigned long long)r.inc);
    for (int i = 0; i < 6; i++) {
        uint32_t got = sf_rng_u32(&r);
        EXPECT(got == demo[i], "draw %d: 0x%08x, published 0x%08x", i, got, demo[i]);
    }
    /* The reference above reproduces them too, so it can vouch for the seeds below. */
    ref_pcg g = ref_pcg_seeded(42u, 54u);
    for (int i = 0; i < 6; i++) {
        uint32_t v = ref_pcg_next(&g);
        EXPECT(v == demo[i], "reference draw %d: 0x%08x", i, v);
    }
    /* Many seeds and streams, including the extremes of both, 2000 draws each. */
    const uint64_t seeds[] = {0, 1, 42, 0xdeadbeefcafef00dull, UINT64_MAX};
    const uint64_t streams[] = {0, 1, 54, 0x7fffffffffffffffull, UINT64_MAX};
    int mismatches = 0;
    for (int a = 0; a < 5; a++)
        for (int b = 0; b < 5; b++) {
            sf_rng_seed(&r, seeds[a], streams[b]);
            g = ref_pcg_seeded(seeds[a], streams[b]);
            for (int i = 0; i < 2000; i++) mismatches += sf_rng_u32(&r) != ref_pcg_next(&g);
        }
    EXPECT(mismatches == 0, "%d draws differ from the reference PCG32", mismatches);
}

static void test_same_seed_same_sequence_other_streams_differ(void) {
    sf_rng a, b, c, d;
    sf_rng_seed(&a, 7u, 3u);
    sf_rng_seed(&b, 7u, 3u);
    sf_rng_seed(&c, 7u, 4u); /* same seed, next stream */
    sf_rng_seed(&d, 8u, 3u); /* next seed, same stream */
    int diff_ab = 0, same_ac = 0, same_ad = 0;
    for (int i = 0; i < 100000; i++) {
        uint32_t x = sf_rng_u32(&a);
        diff_ab += x != sf_rng_u32(&b);
        same_ac += x == sf_rng_u32(&c);
        same_ad += x == sf_rng_u32(&d);
    }
    for (int i = 0; i < 10000; i++) diff_ab += float_bits(sf_rng_normal(&a)) != float_bits(sf_rng_normal(&b));
    EXPECT(diff_ab == 0, "two generators seeded alike differ in %d draws", diff_ab);
    /* Independent sequences agree at a position with probability 2^-32: over 1e5 positions the
     * expected count is 2.3e-5, so even one coincidence means the streams are not independent. */
    EXPECT(same_ac == 0, "streams 3 and 4 agree at %d of 100000 positions", same_ac);
    EXPECT(same_ad == 0, "seeds 7 and 8 agree at %d of 100000 positions", same_ad);
}

/* ---- bounded integers ----------------------------------------------------------------------- */

static void test_below_unbiased_for_small_n(void) {
    const uint32_t ns[2] = {3u, 7u};
    const double limit[2] = {CHI2_1E6_DF2, CHI2_1E6_DF6};
    const long draws = 1000000;
    sf_rng r;
    sf_rng_seed(&r, 11u, 0u);
    for (int t = 0; t < 2; t++) {
        long count[7] = {0};
        int out_of_range = 0;
        for (long i = 0; i < draws; i++) {
            uint32_t v = sf_rng_below(&r, ns[t]);
            if (v >= ns[t])
                out_of_range++;
            else
                count[v]++;
        }
        double chi2 = chi_square(count, NULL, (int)ns[t], draws);
        printf("  below(%u): chi2 = %.2f (df %u, limit %.2f)\n", ns[t], chi2, ns[t] - 1, limit[t]);
        EXPECT(out_of_range == 0, "below(%u) returned %d values >= n", ns[t], out_of_range);
        EXPECT(chi2 < limit[t], "below(%u): chi2 %.2f >= %.2f", ns[t], chi2, limit[t]);
    }
    /* n = 1 is always 0 (and must still terminate: the rejection threshold is 2^32 mod 1 = 0). */
    int nonzero = 0;
    for (int i = 0; i < 1000; i++) nonzero += sf_rng_below(&r, 1u) != 0;
    EXPECT(nonzero == 0, "below(1) returned non-zero %d times", nonzero);
}

/* The two statistics that expose the classic biases for n = 3·2^29 (0.75·2^31, where 2^32 mod n =
 * 2^30 and a quarter of all draws fall in the rejection zone):
 *   range bins v·8/n   — modulo reduction (x mod n) gives values below 2^30 probability 3/4 instead of
 *                        2/3, so the first bins are over-full;
 *   residue bins v mod 3 — multiply-without-rejection (x·n >> 32) maps 8 consecutive x to 3 values as
 *                        3,3,2 preimages, so residue 2 comes up 2/8 of the time instead of 1/3. */
#define BIG_N (3u << 29)

static void big_n_statistics(const uint32_t *v, long draws, double *chi_range, double *chi_residue) {
    long range[8] = {0}, residue[3] = {0};
    for (long i = 0; i < draws; i++) {
        range[(uint64_t)v[i] * 8u / BIG_N]++;
        residue[v[i] % 3u]++;
    }
    *chi_range = chi_square(range, NULL, 8, draws);     /* n = 3·2^29 splits into 8 equal ranges */
    *chi_residue = chi_square(residue, NULL, 3, draws); /* 3 divides n */
}

static void test_below_unbiased_for_n_near_2_pow_31(void) {
    enum { DRAWS = 1000000 };
    static uint32_t v[DRAWS];
    sf_rng r, twin;
    sf_rng_seed(&r, 12u, 0u);
    int out_of_range = 0;
    for (long i = 0; i < DRAWS; i++) {
        v[i] = sf_rng_below(&r, BIG_N);
        out_of_range += v[i] >= BIG_N;
    }
    double chi_range, chi_residue;
    big_n_statistics(v, DRAWS, &chi_range, &chi_residue);
    printf("  below(3*2^29): chi2 range %.2f (df 7, limit %.2f), residue %.2f (df 2, limit %.2f)\n", chi_range,
           CHI2_1E6_DF7, chi_residue, CHI2_1E6_DF2);
    EXPECT(out_of_range == 0, "%d values >= n", out_of_range);
    EXPECT(chi_range < CHI2_1E6_DF7, "range chi2 %.2f", chi_range);
    EXPECT(chi_residue < CHI2_1E6_DF2, "residue chi2 %.2f", chi_residue);

    /* The same statistics must catch both biased methods on the same stream, or they prove nothing. */
    sf_rng_seed(&twin, 12u, 0u);
    for (long i = 0; i < DRAWS; i++) v[i] = sf_rng_u32(&twin) % BIG_N;
    big_n_statistics(v, DRAWS, &chi_range, &chi_residue);
    EXPECT(chi_range > CHI2_1E6_DF7, "modulo reduction not detected: range chi2 %.2f", chi_range);
    sf_rng_seed(&twin, 12u, 0u);
    for (long i = 0; i < DRAWS; i++) v[i] = (uint32_t)(((uint64_t)sf_rng_u32(&twin) * BIG_N) >> 32);
    big_n_statistics(v, DRAWS, &chi_range, &chi_residue);
    EXPECT(chi_residue > CHI2_1E6_DF2, "multiply without rejection not detected: residue chi2 %.2f", chi_residue);
}

/* ---- uniforms ------------------------------------------------------------------------------- */

static void test_uniform_in_unit_interval_and_flat(void) {
    const long draws = 2000000;
    long count[256] = {0};
    sf_rng r, twin;
    seed_twins(&r, &twin, 13u);
    int outside = 0, not_formula = 0;
    float lo = 1.0f, hi = 0.0f;
    for (long i = 0; i < draws; i++) {
        float u = sf_rng_uniform(&r);
        outside += !(u >= 0.0f && u < 1.0f);
        /* The contract: exactly the top 24 bits of one draw times 2^-24. */
        not_formula += u != (float)(sf_rng_u32(&twin) >> 8) * 0x1p-24f;
        if (u < lo) lo = u;
        if (u > hi) hi = u;
        if (u >= 0.0f && u < 1.0f) count[(int)(u * 256.0f)]++;
    }
    double chi2 = chi_square(count, NULL, 256, draws);
    printf("  uniform: chi2 = %.1f (df 255, limit %.1f), min %g, max %.9g\n", chi2, CHI2_1E6_DF255, lo, hi);
    EXPECT(outside == 0, "%d values outside [0, 1)", outside);
    EXPECT(not_formula == 0, "%d values differ from (u32 >> 8)·2^-24", not_formula);
    EXPECT(chi2 < CHI2_1E6_DF255, "chi2 %.1f", chi2);
    /* 2e6 draws on a 2^-24 grid: the extremes come within ~1/2e6 of the ends (P(min > 2e-5) = e^-40). */
    EXPECT(lo < 2e-5f && hi > 1.0f - 2e-5f, "range [%g, %g] not covered", lo, hi);
}

static void test_uniform_d_has_53_bits_and_is_flat(void) {
    const long draws = 1000000;
    long count[256] = {0};
    sf_rng r, twin;
    seed_twins(&r, &twin, 14u);
    int outside = 0, not_formula = 0, low_bits_used = 0, odd = 0;
    double sum = 0.0;
    for (long i = 0; i < draws; i++) {
        double u = sf_rng_uniform_d(&r);
        outside += !(u >= 0.0 && u < 1.0);
        uint64_t a = sf_rng_u32(&twin) >> 5, b = sf_rng_u32(&twin) >> 6;
        not_formula += u != (double)(a * 67108864u + b) / 9007199254740992.0; /* (a·2^26 + b)/2^53 */
        double scaled = u * 0x1p53;                                           /* an integer below 2^53 */
        low_bits_used += fmod(scaled, 0x1p29) != 0.0;                         /* bits below a float's 24 */
        odd += fmod(scaled, 2.0) != 0.0;                                      /* the 53rd bit */
        sum += u;
        if (u >= 0.0 && u < 1.0) count[(int)(u * 256.0)]++;
    }
    double chi2 = chi_square(count, NULL, 256, draws);
    double mean = sum / draws, mean_se = sqrt(1.0 / 12.0 / draws); /* Var U = 1/12 */
    printf("  uniform_d: chi2 = %.1f, mean %.6f, odd %d of %ld\n", chi2, mean, odd, draws);
    EXPECT(outside == 0, "%d values outside [0, 1)", outside);
    EXPECT(not_formula == 0, "%d values differ from (a·2^26 + b)·2^-53", not_formula);
    EXPECT(chi2 < CHI2_1E6_DF255, "chi2 %.1f", chi2);
    EXPECT(fabs(mean - 0.5) < N_SIGMA * mean_se, "mean %.6f", mean);
    /* Each of those bits is a fair coin: 5σ of Binomial(1e6, 1/2) is 2500; the low 29 bits are all
     * zero with probability 2^-29. */
    EXPECT(fabs(odd - draws / 2.0) < N_SIGMA * sqrt(draws / 4.0), "lowest bit set %d times", odd);
    EXPECT(low_bits_used > draws - 10, "low bits used in only %d draws", low_bits_used);
}

/* ---- normals -------------------------------------------------------------------------------- */

#define NORMAL_DRAWS 4000000L /* 4e6: SE of the mean 5e-4, enough counts beyond |x| = 4 (~253) */
static float normals[NORMAL_DRAWS];

static void draw_normals(uint64_t seed) {
    sf_rng r;
    sf_rng_seed(&r, seed, 0u);
    for (long i = 0; i < NORMAL_DRAWS; i++) normals[i] = sf_rng_normal(&r);
}

static void test_normal_moments_within_standard_errors(void) {
    draw_normals(15u);
    const double n = (double)NORMAL_DRAWS;
    double s1 = 0, s2 = 0, s3 = 0, s4 = 0;
    int nonfinite = 0;
    for (long i = 0; i < NORMAL_DRAWS; i++) {
        double x = normals[i];
        nonfinite += !isfinite(x);
        s1 += x;
        s2 += x * x;
        s3 += x * x * x;
        s4 += x * x * x * x;
    }
    /* With the true mean 0, the sample moments about 0 estimate the variance (1), the third central
     * moment = skewness (0) and the fourth = kurtosis (3) directly, and their standard errors are
     * exact: Var(X^k) = E X^2k − (E X^k)², with E X^2,4,6,8 = 1, 3, 15, 105, so
     * SE = √(1/n), √(2/n), √(15/n), √(96/n). */
    double mean = s1 / n, var = s2 / n, skew = s3 / n, kurt = s4 / n;
    double se_mean = sqrt(1.0 / n), se_var = sqrt(2.0 / n);
    double se_skew = sqrt(15.0 / n), se_kurt = sqrt(96.0 / n);
    printf("  normal: mean %+.5f (%.1f SE), var %.5f (%.1f SE), skew %+.5f (%.1f SE), kurt %.5f (%.1f SE)\n", mean,
           fabs(mean) / se_mean, var, fabs(var - 1) / se_var, skew, fabs(skew) / se_skew, kurt,
           fabs(kurt - 3) / se_kurt);
    EXPECT(nonfinite == 0, "%d non-finite draws", nonfinite);
    EXPECT(fabs(mean) < N_SIGMA * se_mean, "mean %.6f", mean);
    EXPECT(fabs(var - 1.0) < N_SIGMA * se_var, "variance %.6f", var);
    EXPECT(fabs(skew) < N_SIGMA * se_skew, "skewness %.6f", skew);
    EXPECT(fabs(kurt - 3.0) < N_SIGMA * se_kurt, "kurtosis %.6f", kurt);
}

static int cmp_float(const void *a, const void *b) {
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

/* sup |F_n − F| for sorted x, F a continuous CDF (ties handled: the extremes of each run count). */
static double ks_statistic(const float *x, long n, double (*cdf)(double)) {
    double d = 0.0;
    for (long i = 0; i < n; i++) {
        double f = cdf(x[i]);
        double above = (double)(i + 1) / n - f, below = f - (double)i / n;
        if (above > d) d = above;
        if (below > d) d = below;
    }
    return d;
}

static void test_normal_passes_kolmogorov_smirnov(void) {
    enum { KS_DRAWS = 1000000 }; /* KS resolves 2.7/√1e6 = 0.0027 in CDF */
    draw_normals(16u);
    qsort(normals, KS_DRAWS, sizeof normals[0], cmp_float);
    double d = ks_statistic(normals, KS_DRAWS, phi_cdf);
    printf("  normal KS: sqrt(N)*D = %.3f (limit %.1f)\n", d * sqrt((double)KS_DRAWS), KS_1E6);
    EXPECT(d * sqrt((double)KS_DRAWS) < KS_1E6, "sqrt(N)*D = %.3f", d * sqrt((double)KS_DRAWS));
}

static void test_normal_fills_every_ziggurat_strip_correctly(void) {
    /* Bins at the table's own strip edges, ±x[128] = 0 .. ±x[1] = r, plus the two tails: each wedge
     * and each box edge of the sampler is a bin boundary, so a wrong wedge test, an off-by-one
     * strip or a mis-scaled x shows up as a few over- or under-full bins. 256 bins, df 255; the
     * emptiest (between x[2] and r) still expects ~1400 draws. */
    draw_normals(17u);
    /* Strip i covers x[i+1] <= |x| < x[i] (strip 0: |x| >= r). Bin 128 + i counts strip i on the
     * positive side, bin 127 − i on the negative side, so the bins run in order along the line. */
    long count[2 * SF_ZIG_N] = {0};
    double prob[2 * SF_ZIG_N];
    for (int i = 0; i < SF_ZIG_N; i++) {
        double p = upper_tail(sf__zig_x[i + 1]) - (i == 0 ? 0.0 : upper_tail(sf__zig_x[i]));
        prob[SF_ZIG_N + i] = p;
        prob[SF_ZIG_N - 1 - i] = p;
    }
    long positive = 0;
    for (long k = 0; k < NORMAL_DRAWS; k++) {
        double x = normals[k], ax = fabs(x);
        int i = 0;
        if (ax < SF_ZIG_R) { /* bisect for x[i+1] <= ax < x[i], keeping x[hi] <= ax < x[lo] */
            int lo = 1, hi = SF_ZIG_N;
            while (hi - lo > 1) {
                int mid = (lo + hi) / 2;
                if (ax < sf__zig_x[mid])
                    lo = mid;
                else
                    hi = mid;
            }
            i = lo;
        }
        if (x >= 0) {
            count[SF_ZIG_N + i]++;
            positive++;
        } else {
            count[SF_ZIG_N - 1 - i]++;
        }
    }
    double chi2 = chi_square(count, prob, 2 * SF_ZIG_N, NORMAL_DRAWS);
    printf("  normal strips: chi2 = %.1f (df 255, limit %.1f), positive %ld\n", chi2, CHI2_1E6_DF255, positive);
    EXPECT(chi2 < CHI2_1E6_DF255, "strip chi2 %.1f", chi2);
    /* The sign bit: P(x >= 0) = 1/2 (x = +0 is possible but has probability 2^-31). */
    EXPECT(binomial_z(positive, NORMAL_DRAWS, 0.5) < N_SIGMA, "%ld positive of %ld", positive, NORMAL_DRAWS);
}

static void test_normal_tail_frequencies_match_exact_values(void) {
    draw_normals(18u);
    /* Two-sided P(|X| > t) = erfc(t/√2): 2.6998e-3 at 3, 5.76e-4 at r (the ziggurat's exact-tail
     * path), 6.334e-5 at 4. Counts against n·p within 5 binomial standard errors. */
    const double t[3] = {3.0, SF_ZIG_R, 4.0};
    for (int j = 0; j < 3; j++) {
        long beyond = 0;
        for (long i = 0; i < NORMAL_DRAWS; i++) beyond += fabs(normals[i]) > t[j];
        double p = 2.0 * upper_tail(t[j]);
        double z = binomial_z(beyond, NORMAL_DRAWS, p);
        printf("  P(|x| > %.4f): %ld of %ld, expected %.1f (%.1f SE)\n", t[j], beyond, NORMAL_DRAWS, p * NORMAL_DRAWS,
               z);
        EXPECT(z < N_SIGMA, "P(|x| > %g): %ld draws, expected %.1f", t[j], beyond, p * NORMAL_DRAWS);
    }
}

static double tail_given_beyond_r_cdf(double x) { /* P(X <= x | X > r) */
    return 1.0 - upper_tail(x) / upper_tail(SF_ZIG_R);
}

static void test_normal_tail_has_the_right_shape(void) {
    /* Only the ~0.06% of draws past r come from the exact-tail sampler; KS on |x| given |x| > r checks
     * its shape, not just its mass. With ~2300 such draws the test resolves ~2.7/√2300 = 0.056. */
    draw_normals(19u);
    long m = 0;
    for (long i = 0; i < NORMAL_DRAWS; i++)
        if (fabs(normals[i]) > SF_ZIG_R) normals[m++] = fabsf(normals[i]);
    qsort(normals, (size_t)m, sizeof normals[0], cmp_float);
    double d = ks_statistic(normals, m, tail_given_beyond_r_cdf);
    printf("  tail beyond r: %ld draws, max %.3f, KS sqrt(m)*D = %.3f\n", m, m ? normals[m - 1] : 0.0,
           d * sqrt((double)m));
    EXPECT(m > 1000, "only %ld tail draws", m);
    EXPECT(d * sqrt((double)m) < KS_1E6, "tail KS sqrt(m)*D = %.3f", d * sqrt((double)m));
}

static void test_fill_normal_scales_and_stays_in_bounds(void) {
    enum { FILL = 1000 };
    float buf[FILL + 2];
    sf_rng r, twin;
    seed_twins(&r, &twin, 20u);
    for (int i = 0; i < FILL + 2; i++) buf[i] = NAN; /* canaries past the end */
    sf_rng_fill_normal(&r, buf, FILL, 0.5f);
    int differ = 0;
    for (int i = 0; i < FILL; i++) differ += float_bits(buf[i]) != float_bits(0.5f * sf_rng_normal(&twin));
    EXPECT(differ == 0, "%d values differ from 0.5·sf_rng_normal on the same stream", differ);
    EXPECT(isnan(buf[FILL]) && isnan(buf[FILL + 1]), "wrote past the end");
    /* n = 0 writes nothing and draws nothing. */
    sf_rng_fill_normal(&r, buf + FILL, 0, 1.0f);
    EXPECT(isnan(buf[FILL]), "n = 0 wrote");
    EXPECT(r.state == twin.state, "n = 0 advanced the generator");

    /* The scale: 4e6 draws at scale 2.5 have variance 6.25 within 5·√(2/n) relative. */
    static float big[NORMAL_DRAWS];
    sf_rng_fill_normal(&r, big, (int)NORMAL_DRAWS, 2.5f);
    double s2 = 0;
    for (long i = 0; i < NORMAL_DRAWS; i++) s2 += (double)big[i] * big[i];
    double var = s2 / NORMAL_DRAWS;
    printf("  fill_normal(scale 2.5): variance %.5f (expected 6.25)\n", var);
    EXPECT(fabs(var / 6.25 - 1.0) < N_SIGMA * sqrt(2.0 / NORMAL_DRAWS), "variance %.5f", var);
}

static void test_truncated_normal_within_2_with_right_variance(void) {
    /* N(0,1) given |X| <= 2: Z = erf(√2) = 0.9545, φ(2) = e^-2/√(2π);
     * Var = 1 − 2·2·φ(2)/Z = 0.7737413, E X⁴ = 3 − (2³ + 3·2)·2φ(2)/Z = 1.4161891, so the sample
     * second moment about the known mean 0 has SE √((E X⁴ − Var²)/n). */
    const long draws = 2000000;
    double phi2 = exp(-2.0) / sqrt(2.0 * 3.14159265358979323846), z = erf(sqrt(2.0));
    double var_true = 1.0 - 4.0 * phi2 / z, m4_true = 3.0 - 14.0 * 2.0 * phi2 / z;
    sf_rng r, twin;
    seed_twins(&r, &twin, 21u);
    int outside = 0, not_rejection = 0;
    float lo = 0, hi = 0;
    double s2 = 0;
    for (long i = 0; i < draws; i++) {
        float x = sf_rng_truncated_normal2(&r);
        outside += !(x >= -2.0f && x <= 2.0f);
        if (x < lo) lo = x;
        if (x > hi) hi = x;
        s2 += (double)x * x;
        /* It is the normal stream with |x| > 2 dropped, draw for draw. */
        float y;
        do y = sf_rng_normal(&twin);
        while (y < -2.0f || y > 2.0f);
        not_rejection += float_bits(x) != float_bits(y);
    }
    double var = s2 / draws, se = sqrt((m4_true - var_true * var_true) / draws);
    printf("  truncated: variance %.6f (exact %.7f, %.1f SE), range [%.4f, %.4f]\n", var, var_true,
           fabs(var - var_true) / se, lo, hi);
    EXPECT(fabs(var_true - 0.7737413) < 1e-7, "derived variance %.8f", var_true);
    EXPECT(outside == 0, "%d values outside [-2, 2]", outside);
    EXPECT(not_rejection == 0, "%d values differ from rejection on the same stream", not_rejection);
    EXPECT(fabs(var - var_true) < N_SIGMA * se, "variance %.6f", var);
    /* The density at ±2 is not small (0.054/0.954 per unit): 2e6 draws reach within 1e-3 of both ends. */
    EXPECT(lo < -1.999f && hi > 1.999f, "range [%f, %f]", lo, hi);
}

/* ---- determinism ---------------------------------------------------------------------------- */

static void test_normal_golden_values_seed_42(void) {
    /* The first normals of seed 42, stream 0, and a hash of the first 1e5 (which pass through every
     * slow path: ~2.8% wedges and tails, i.e. sf__exp and sf__log). Printed by this test on gcc -O2
     * x86-64; the generator uses only integer ops, exactly rounded double ops and base/fmath, so
     * every compiler, flag set and target (wasm included) must reproduce them bit for bit. */
    const uint32_t golden[8] = {0xbde78d09u, 0x3f7ecdb3u, 0xbf6afcc7u, 0xbf0649e6u,  /* -0x1.cf1a12p-4 .. */
                                0x3fa970c8u, 0xbda7a302u, 0x3ecc9766u, 0x3c396a21u}; /* .. 0x1.72d442p-7 */
    const uint64_t golden_hash = 0x94989708e986ab10ull;
    sf_rng r;
    sf_rng_seed(&r, 42u, 0u);
    for (int i = 0; i < 8; i++) {
        float x = sf_rng_normal(&r);
        printf("  normal[%d] = %a (0x%08xu)\n", i, x, float_bits(x));
        EXPECT(float_bits(x) == golden[i], "normal[%d] = %a (0x%08x), golden 0x%08x", i, x, float_bits(x), golden[i]);
    }
    sf_rng_seed(&r, 42u, 0u);
    uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a 64 offset basis */
    for (int i = 0; i < 100000; i++) {
        uint32_t b = float_bits(sf_rng_normal(&r));
        for (int byte = 0; byte < 4; byte++) {
            h ^= (b >> (8 * byte)) & 0xffu;
            h *= 0x100000001b3ull; /* FNV-1a 64 prime */
        }
    }
    printf("  hash of 1e5 normals 0x%016llx\n", (unsigned long long)h);
    EXPECT(h == golden_hash, "hash 0x%016llx, golden 0x%016llx", (unsigned long long)h,
           (unsigned long long)golden_hash);
}

/* sf_rng_fill_normal runs its own copy of the fast path (the state in a local): in chunks of uneven
 * sizes it must give exactly the golden 1e5 normals of sf_rng_normal above, slow paths included, and
 * leave the generator where sf_rng_normal would. */
static void test_fill_normal_gives_the_same_normals_as_one_by_one(void) {
    sf_rng a, b;
    sf_rng_seed(&a, 42u, 0u);
    sf_rng_seed(&b, 42u, 0u);
    static float chunk[257];
    long bad = -1;
    for (long done = 0, k = 0; done < 100000; k++) {
        int n = (int)((k * 37) % 258); /* 0 .. 257, 0 included */
        if (n > 100000 - done) n = (int)(100000 - done);
        sf_rng_fill_normal(&a, chunk, n, 1.0f);
        for (int i = 0; i < n; i++)
            if (float_bits(chunk[i]) != float_bits(sf_rng_normal(&b)) && bad < 0) bad = done + i;
        done += n;
    }
    EXPECT(bad < 0, "normal %ld differs between sf_rng_fill_normal and sf_rng_normal", bad);
    EXPECT(a.state == b.state && a.inc == b.inc, "the generators ended in different states");
}

/* The wedge test's squeeze (rng.c) must decide exactly as y < sf__exp(−0.5·x·x) does: in every strip,
 * at x on a grid across the wedge (both edges included) and at heights y spread over the strip and
 * packed around the density itself, from 1 ulp to 1e-2 away on either side. A bracket that is wrong
 * anywhere (a sign, a coefficient, too little slack) shows up as a disagreement. */
static void test_wedge_squeeze_decides_like_the_exponential(void) {
    static const double REL[] = {0x1p-52, 0x1p-50, 1e-14, 1e-13, 5e-13, 1e-12, 2e-12, 1e-11, 1e-9, 1e-6, 1e-4, 1e-2};
    enum { XS = 200, YS = 64 };
    long checked = 0, bad = 0;
    uint32_t seed = 12345u;
    for (uint32_t i = 1; i < SF_ZIG_N; i++) {
        const double lo = sf__zig_x[i + 1], hi = sf__zig_x[i];
        for (int a = 0; a <= XS; a++) {
            const double x = lo + (hi - lo) * a / XS;
            const double e = sf__exp(-0.5 * x * x);
            double ys[2 * (sizeof REL / sizeof REL[0]) + 1 + YS];
            int ny = 0;
            ys[ny++] = e;
            for (size_t k = 0; k < sizeof REL / sizeof REL[0]; k++) {
                ys[ny++] = e * (1.0 - REL[k]);
                ys[ny++] = e * (1.0 + REL[k]);
            }
            for (int k = 0; k < YS; k++) {
                seed = seed * 1664525u + 1013904223u;
                ys[ny++] = sf__zig_f[i] + (double)seed * 0x1p-32 * (sf__zig_f[i + 1] - sf__zig_f[i]);
            }
            for (int k = 0; k < ny; k++) {
                const int want = ys[k] < e, got = sf__zig_wedge_accept(i, x, ys[k]);
                if (got != want && bad++ < 5)
                    printf("  strip %u x %a y %a: squeeze %d, exp %d\n", i, x, ys[k], got, want);
                checked++;
            }
        }
    }
    EXPECT(bad == 0, "%ld of %ld wedge decisions differ from the exponential's", bad, checked);
}

/* ---- the table ------------------------------------------------------------------------------ */

static void test_ziggurat_table_invariants(void) {
    const double eps = 0x1p-53; /* unit roundoff: each table entry is its exact value times (1 ± eps) */
    const double r = SF_ZIG_R, v = SF_ZIG_V;
    EXPECT(sf__zig_x[1] == r, "x[1] = %a, r = %a", sf__zig_x[1], r);
    EXPECT(sf__zig_x[SF_ZIG_N] == 0.0 && sf__zig_f[SF_ZIG_N] == 1.0 && sf__zig_f[0] == 0.0,
           "ends: x[128] = %a, f[128] = %a, f[0] = %a", sf__zig_x[SF_ZIG_N], sf__zig_f[SF_ZIG_N], sf__zig_f[0]);

    /* The base strip holds the box [0, r] × [0, f(r)] and the tail: v = r f(r) + √(π/2) erfc(r/√2).
     * libm's erfc and exp are good to a few ulp; 1e-14 relative allows that and catches any r or v
     * that is off in its 15th digit. Marsaglia & Tsang publish r = 3.442619855899 and the matching
     * v = 9.91256303526217e-3; their r is 2.4e-12 above the 60-digit solution of the closure
     * (3.4426198558966523), and v moves by −r²f(r)·Δr = −7.4e-14 with it, so compare at 1e-11. */
    double v_tail = r * exp(-0.5 * r * r) + sqrt(3.14159265358979323846 / 2.0) * erfc(r / sqrt(2.0));
    EXPECT(fabs(v_tail / v - 1.0) < 1e-14, "tail mass %.17g vs v %.17g", v_tail, v);
    EXPECT(fabs(r - 3.442619855899) < 1e-11 && fabs(v - 9.91256303526217e-3) < 1e-11 * 0.0316,
           "r %.15g, v %.15g differ from the published values", r, v);
    EXPECT(fabs(sf__zig_x[0] * exp(-0.5 * r * r) / v - 1.0) < 8 * eps, "x[0] = %.17g, not v/f(r)", sf__zig_x[0]);

    for (int i = 0; i < SF_ZIG_N; i++) {
        double x = sf__zig_x[i], f_lo = sf__zig_f[i], f_hi = sf__zig_f[i + 1];
        EXPECT(sf__zig_x[i + 1] < x && f_hi > f_lo, "not monotone at %d", i);
        if (i >= 1) {
            /* f[i] is exp(−x²/2) at the exact edge; at the rounded x[i] the exponent moves by
             * x²·eps relative, plus eps for f's own rounding and eps for libm's exp: allow 2× that. */
            double f_at_x = exp(-0.5 * x * x), tol = 2.0 * (x * x + 2.0) * eps;
            EXPECT(fabs(f_lo / f_at_x - 1.0) < tol, "f[%d] = %.17g, exp(-x^2/2) = %.17g", i, f_lo, f_at_x);
        }
        /* Equal areas: x (f_hi − f_lo) = v. The difference of two entries each off by eps relative
         * is off by eps (f_hi + f_lo)/(f_hi − f_lo) relative; x and v add 2 eps; allow 4× that. */
        double area = x * (f_hi - f_lo);
        double tol = 4.0 * (eps * (f_hi + f_lo) / (f_hi - f_lo) + 2.0 * eps);
        EXPECT(fabs(area / v - 1.0) < tol, "strip %d has area %.17g, v = %.17g (tol %.2g)", i, area, v, tol);
        /* The fast-path threshold: j < k[i] exactly when j·2^-24·x[i] < x[i+1]. */
        long double ratio = 16777216.0L * sf__zig_x[i + 1] / x;
        EXPECT((long double)sf__zig_k[i] >= ratio && (long double)sf__zig_k[i] - 1.0L < ratio,
               "k[%d] = %u, 2^24 x[i+1]/x[i] = %.6Lf", i, sf__zig_k[i], ratio);
    }
}

int main(void) {
    RUN(test_pcg32_matches_published_vectors);
    RUN(test_same_seed_same_sequence_other_streams_differ);
    RUN(test_below_unbiased_for_small_n);
    RUN(test_below_unbiased_for_n_near_2_pow_31);
    RUN(test_uniform_in_unit_interval_and_flat);
    RUN(test_uniform_d_has_53_bits_and_is_flat);
    RUN(test_ziggurat_table_invariants);
    RUN(test_normal_moments_within_standard_errors);
    RUN(test_normal_passes_kolmogorov_smirnov);
    RUN(test_normal_fills_every_ziggurat_strip_correctly);
    RUN(test_normal_tail_frequencies_match_exact_values);
    RUN(test_normal_tail_has_the_right_shape);
    RUN(test_fill_normal_scales_and_stays_in_bounds);
    RUN(test_truncated_normal_within_2_with_right_variance);
    RUN(test_normal_golden_values_seed_42);
    RUN(test_fill_normal_gives_the_same_normals_as_one_by_one);
    RUN(test_wedge_squeeze_decides_like_the_exponential);
    return TH_EXIT();
}
