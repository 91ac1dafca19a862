/* bits.h — the bits of a float or a double and back, without aliasing rules broken (memcpy, which
 * compilers turn into a register move). Used where exact bit patterns matter: the elementary
 * functions' range reduction and the tests that compare results bit for bit. */
#ifndef SF_BITS_H
#define SF_BITS_H

#include <stdint.h>
#include <string.h>

/* One copy, four directions: each function reinterprets the bytes of `x` as the other type. */
#define SF__BITS_PUN(name, To, From)                                                                                   \
    static inline To name(From x) {                                                                                    \
        To y;                                                                                                          \
        memcpy(&y, &x, sizeof y);                                                                                      \
        return y;                                                                                                      \
    }

SF__BITS_PUN(sf__bits_of_double, uint64_t, double)
SF__BITS_PUN(sf__double_of_bits, double, uint64_t)
SF__BITS_PUN(sf__bits_of_float, uint32_t, float)
SF__BITS_PUN(sf__float_of_bits, float, uint32_t)

#undef SF__BITS_PUN

#endif
