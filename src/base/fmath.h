/* fmath.h — deterministic elementary functions in double precision.
 *
 * libm differs between glibc (native) and musl (Emscripten) in the last bit for some arguments, which
 * would make "same seed, same numbers on every build" false for anything computed from a logarithm or
 * a cosine. These functions use only IEEE double +, −, ×, ÷ and exact bit manipulation (no libm, no
 * fused multiply-add: build with -ffp-contract=off), so every build returns the same bits. They are
 * accurate to better than 0.6 ulp (measured and tested in tests/c/test_fmath.c), plenty for
 * generating data and random variates. Private to the library: the double underscore says so.
 */
#ifndef SF_FMATH_H
#define SF_FMATH_H

/* e^x. Overflows to +inf above ~709.78, underflows to 0 (through subnormals) below ~−745.1;
 * NaN gives NaN. */
double sf__exp(double x);

/* Natural logarithm for x > 0 (subnormals included); log(0) = −inf, log(x < 0) = NaN,
 * log(+inf) = +inf. */
double sf__log(double x);

/* sin x and cos x for |x| <= 1e5 (range reduction by a three-part π/2 that is exact to well past
 * that); larger arguments return NaN rather than a silently wrong value. */
double sf__sin(double x);
double sf__cos(double x);

#endif
