/* bits.h — the bits of a float or a double and back, without aliasing rules broken (memcpy, which
 * compilers turn into a register move). Used where exact bit patterns matter: the elementary
 * functions' range reduction and the tests that compare results bit for bit. */
#ifndef SF_BITS_H
#define SF_BITS_H

#include <stdint.h>
#include <string.h>

static inline uint64_t sf__bits_of_double(double x) {
    uint64_t b;
    memcpy(&b, &x, sizeof b);
    return b;
}

static inline double sf__double_of_bits(uint64_t b) {
    double x;
    memcpy(&x, &b, sizeof x);
    return x;
}

static inline uint32_t sf__bits_of_float(float x) {
    uint32_t b;
    memcpy(&b, &x, sizeof b);
    return b;
}

static inline float sf__float_of_bits(uint32_t b) {
    float x;
    memcpy(&x, &b, sizeof x);
    return x;
}

#endif
