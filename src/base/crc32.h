/* crc32.h — CRC-32 as zlib, PNG and gzip compute it (IEEE 802.3 polynomial, reflected, initial and
 * final value 0xFFFFFFFF), so a weights file's checksums can be checked by any zlib: Node's
 * zlib.crc32, Python's zlib.crc32. Check value: crc32("123456789") = 0xCBF43926. */
#ifndef SF_CRC32_H
#define SF_CRC32_H

#include <stddef.h>
#include <stdint.h>

/* The CRC-32 of n bytes, continuing from `crc` (0 to start). */
uint32_t sf__crc32(uint32_t crc, const void *data, size_t n);

#endif
