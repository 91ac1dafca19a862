/* rng.h — the only source of randomness in Scorefield.
 *
 * Generator: PCG32 (M. E. O'Neill, "PCG: A Family of Simple Fast Space-Efficient Statistically Good
 * Algorithms for Random Number Generation", 2014), the pcg32_random_r of pcg-c-basic: 64-bit LCG state,
 * an odd increment that selects one of 2^63 streams, 32-bit XSH-RR output. Seeding is exactly
 * pcg32_srandom_r(seed, stream), so its published demo values are our test vectors.
 *
 * Normals: a 128-strip ziggurat (Marsaglia & Tsang 2000) that takes the strip index, the sign and a
 * 24-bit uniform from separate bits of one 32-bit draw (the fix Doornik 2005 describes for the
 * correlation of the original), with the exact tail and wedge tests; its tables live in
 * ziggurat_table.h. The rare tail and wedge paths use base/fmath.h, never libm, so every build draws
 * the same numbers.
 *
 * Same seed, same numbers on every build: nothing here depends on the compiler, the ISA or libm.
 */
#ifndef SF_RNG_H
#define SF_RNG_H

#include <stdint.h>

typedef struct sf_rng {
    uint64_t state; /* LCG state */
    uint64_t inc;   /* stream selector, always odd */
} sf_rng;

/* Seeds r exactly as pcg32_srandom_r(r, seed, stream). */
void sf_rng_seed(sf_rng *r, uint64_t seed, uint64_t stream);

/* The next 32 uniformly distributed bits. */
uint32_t sf_rng_u32(sf_rng *r);

/* A uniform integer in [0, n), n >= 1, without modulo bias (Lemire's multiply-and-reject). */
uint32_t sf_rng_below(sf_rng *r, uint32_t n);

/* A uniform float in [0, 1): the top 24 bits of one draw times 2^-24. */
float sf_rng_uniform(sf_rng *r);

/* A uniform double in [0, 1): 53 bits from two draws. */
double sf_rng_uniform_d(sf_rng *r);

/* A standard normal float (ziggurat). */
float sf_rng_normal(sf_rng *r);

/* out[i] = scale · N(0,1) for i in [0, n): the batch-noise and sampler-noise workhorse. */
void sf_rng_fill_normal(sf_rng *r, float *out, int n, float scale);

/* A standard normal conditioned on |x| <= 2 (by rejection): the truncated normal of the
 * Glorot initialiser. */
float sf_rng_truncated_normal2(sf_rng *r);

/* Private to rng.c and its test: the ziggurat's wedge test for strip i (1 <= i < 128), the point x in
 * [x[i+1], x[i]) and the height y, i.e. y < sf__exp(−0.5·x·x), decided without the exponential when
 * a bracket of it suffices (the same answer either way). */
int sf__zig_wedge_accept(uint32_t i, double x, double y);

#endif
