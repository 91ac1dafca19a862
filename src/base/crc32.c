/* crc32.c — CRC-32 (see crc32.h), a byte at a time from a 256-entry table. The table is written out
 * by the compiler from a constant expression rather than built at run time, so there is no first-call
 * initialisation to race on and nothing to get wrong between builds. */
#include "base/crc32.h"

#define SF__CRC_POLY 0xEDB88320u /* 0x04C11DB7 bit-reversed: the reflected IEEE polynomial */

/* One bit of the reflected shift register; eight of them make one table entry. */
#define B(c)   (((c) >> 1) ^ (((c)&1u) ? SF__CRC_POLY : 0u))
#define E(n)   B(B(B(B(B(B(B(B((uint32_t)(n)))))))))
#define R4(n)  E(n), E((n) + 1), E((n) + 2), E((n) + 3)
#define R16(n) R4(n), R4((n) + 4), R4((n) + 8), R4((n) + 12)
#define R64(n) R16(n), R16((n) + 16), R16((n) + 32), R16((n) + 48)

static const uint32_t sf__crc_table[256] = {R64(0), R64(64), R64(128), R64(192)};

uint32_t sf__crc32(uint32_t crc, const void *data, size_t n) {
    const unsigned char *p = data;
    crc = ~crc;
    for (size_t i = 0; i < n; i++) crc = sf__crc_table[(crc ^ p[i]) & 0xFFu] ^ (crc >> 8);
    return ~crc;
}
