/* test_status.c — sf__format (base/status.c) against the C library's vsnprintf.
 *
 * What it checks: every conversion the messages use prints the same text and returns the same length
 * as vsnprintf, on edge values (integer limits, %g's rounding and form boundaries, zeros, infinities,
 * NaN, subnormals), on a million doubles of every exponent and a million short decimals, and when the
 * buffer cuts the text off.
 */
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/rng.h"
#include "base/status.h"
#include "harness.h"

#define RANDOM_VALUES 1000000 /* doubles of each kind compared */
#define BUF           128

/* Formats with both and reports whether text and return value agree. */
static int same(size_t cap, const char *fmt, ...) {
    char ours[BUF], libc[BUF];
    va_list a, b;
    va_start(a, fmt);
    va_copy(b, a);
    int n1 = sf__format(ours, cap, fmt, a);
    int n2 = vsnprintf(libc, cap, fmt, b);
    va_end(b);
    va_end(a);
    int ok = n1 == n2 && (cap == 0 || strcmp(ours, libc) == 0);
    if (!ok) printf("  '%s': ours '%s' (%d), libc '%s' (%d)\n", fmt, cap ? ours : "", n1, cap ? libc : "", n2);
    return ok;
}

/* sf__format alone, for a conversion the compiler's format check would refuse in a call to same. */
static int ours_only(const char *fmt, ...) {
    char buf[BUF];
    va_list a;
    va_start(a, fmt);
    int n = sf__format(buf, sizeof buf, fmt, a);
    va_end(a);
    return n;
}

static void test_integers_and_strings(void) {
    const int ints[] = {0, 1, -1, 9, 10, 42, -273, INT_MAX, INT_MIN};
    for (size_t i = 0; i < sizeof ints / sizeof *ints; i++)
        EXPECT(same(BUF, "batch %d, %u", ints[i], (unsigned)ints[i]), "%d", ints[i]);
    const long long lls[] = {0, -5, LLONG_MAX, LLONG_MIN, 1234567890123LL};
    for (size_t i = 0; i < sizeof lls / sizeof *lls; i++)
        EXPECT(same(BUF, "%lld %llu %ld %zu", lls[i], (unsigned long long)lls[i], (long)lls[i], (size_t)lls[i]), "%lld",
               lls[i]);
    EXPECT(same(BUF, "%s: pixel %ld of image %ld is %g%%", "classify", 3L, 7L, 0.5), "mixed");
    EXPECT(same(BUF, "%s", ""), "empty string");
    EXPECT(ours_only("%x", 1) == -1, "an unknown conversion is refused");
}

static void test_g_edges(void) {
    const double v[] = {0.0,      -0.0,         1.0,       -1.0,           0.1,           0.5,       2.5,
                        1e-4,     1e-5,         9.9999e-5, 0.000099999949, 0.00009999995, 999999.0,  999999.4,
                        999999.5, 1e6,          123456.5,  1234565.0,      1234575.0,     9.999995,  9.9999949,
                        1e22,     1e23,         1e-22,     1e-23,          1e300,         1e-300,    DBL_MAX,
                        DBL_MIN,  DBL_TRUE_MIN, 3.0e38,    1.17549435e-38, 0.3,           1.0 / 3.0, 65536.0,
                        100.0,    1e5,          12345.65,  INFINITY,       -INFINITY,     NAN};
    for (size_t i = 0; i < sizeof v / sizeof *v; i++) EXPECT(same(BUF, "got %g", v[i]), "%.17g", v[i]);
}

static void test_g_random(void) {
    sf_rng r;
    sf_rng_seed(&r, 16, 0);
    int bad_bits = 0, bad_short = 0;
    for (long i = 0; i < RANDOM_VALUES; i++) {
        uint64_t bits = ((uint64_t)sf_rng_u32(&r) << 32) | sf_rng_u32(&r);
        double x;
        memcpy(&x, &bits, sizeof x);
        bad_bits += !same(BUF, "%g", x);
        /* short decimals, as settings are: k / 10^j, ties of the sixth digit among them */
        double d = (double)(sf_rng_u32(&r) % 100000000) / pow(10.0, (double)(sf_rng_u32(&r) % 12));
        bad_short += !same(BUF, "%g", d);
        if (bad_bits + bad_short > 5) break;
    }
    EXPECT(bad_bits == 0, "%d random doubles differ", bad_bits);
    EXPECT(bad_short == 0, "%d short decimals differ", bad_short);
}

static void test_cut_off(void) {
    for (size_t cap = 0; cap < 24; cap++)
        EXPECT(same(cap, "sigma %g out of %d..%d", 0.0125, -3, 12345), "cap %zu", cap);
}

int main(void) {
    RUN(test_integers_and_strings);
    RUN(test_g_edges);
    RUN(test_g_random);
    RUN(test_cut_off);
    return TH_EXIT();
}
