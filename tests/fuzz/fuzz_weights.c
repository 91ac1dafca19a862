/* fuzz_weights.c — libFuzzer target for the weights-file reader (src/io/weights.c), the one parser of
 * outside bytes in the C core.
 *
 * Properties checked on every input, beyond "no crash and no sanitizer report":
 *   - a refused file leaves the model byte for byte as it was (its own saved file is unchanged);
 *   - an accepted file is exactly what saving the restored model writes back (load ∘ save = id), so
 *     nothing is read that is not kept, and nothing is kept that was not checked — except that an
 *     accepted version-1 or 2 file (an unconditional net) comes back as the current version, its header
 *     checksum redone;
 *   - sf_model_from_weights agrees with sf_model_load about which files are acceptable.
 * Random bytes almost never pass two CRC-32s, so when the first input byte is odd the harness first
 * rewrites both checksums of the rest: that half of the inputs exercises the field checks behind
 * them. Seeds: tests/fuzz/corpus (valid files of several shapes, made by gen_corpus.mjs).
 *
 *   scripts/fuzz.sh [seconds]     builds with clang (-fsanitize=fuzzer,address,undefined) and runs
 */
#include <stdlib.h>
#include <string.h>

#include "base/crc32.h"
#include "scorefield.h"

#define HEADER_BYTES 124 /* see the layout in src/io/weights.c */
#define MAX_INPUT    (1 << 20)

static void put32(unsigned char *p, uint32_t v) {
    for (int i = 0; i < 4; i++) p[i] = (unsigned char)(v >> (8 * i));
}

/* Rewrites the header and data checksums in place (the data one over everything between). */
static void reseal(unsigned char *f, size_t size) {
    if (size < HEADER_BYTES + 4) return;
    put32(f + HEADER_BYTES - 4, sf__crc32(0, f, HEADER_BYTES - 4));
    put32(f + size - 4, sf__crc32(0, f + HEADER_BYTES, size - HEADER_BYTES - 4));
}

/* What saving a model restored from f must write: f itself, or for a version-1 or 2 file, f relabelled
 * with the current version (only a noise-conditional net's meaning changed in version 2, and those
 * version-1 files are refused; version 3 only gave byte 84, zero before, the label count). */
static void as_written(unsigned char *f, size_t size) {
    if (size < HEADER_BYTES || (f[8] != 1 && f[8] != 2) || f[9] || f[10] || f[11]) return;
    put32(f + 8, SF_WEIGHTS_VERSION);
    put32(f + HEADER_BYTES - 4, sf__crc32(0, f, HEADER_BYTES - 4));
}

static unsigned char *save(sf_model *m, size_t *size) {
    *size = sf_model_save_size(m);
    unsigned char *buf = malloc(*size);
    if (!buf || sf_model_save(m, buf, *size) != SF_OK) abort();
    return buf;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size) {
    static sf_model *m; /* the tutorial's 2-D shape, small: D 2, H 8, depth 1 */
    if (!m) {
        sf_net_config nc = {2, 8, 1, 7, SF_ISA_AUTO, 0, 0};
        if (sf_model_create(&m, &nc) != SF_OK) abort();
    }
    if (size < 1 || size > MAX_INPUT) return 0;
    size_t n = size - 1;
    unsigned char *f = malloc(n ? n : 1);
    if (!f) abort();
    memcpy(f, data + 1, n);
    if (data[0] & 1) reseal(f, n);

    size_t before_size, after_size;
    unsigned char *before = save(m, &before_size);
    sf_status st = sf_model_load(m, f, n);
    unsigned char *after = save(m, &after_size);
    unsigned char *want = malloc(n ? n : 1);
    if (!want) abort();
    memcpy(want, f, n);
    as_written(want, n);
    if (st != SF_OK) {
        if (st != SF_EINVAL || sf_error()[0] == '\0') abort();                        /* refused, with a reason */
        if (after_size != before_size || memcmp(after, before, before_size)) abort(); /* and untouched */
    } else if (after_size != n || memcmp(after, want, n)) {
        abort(); /* accepted: the model writes back exactly the file */
    }

    sf_model *fresh = NULL;
    sf_status st2 = sf_model_from_weights(&fresh, f, n, SF_ISA_AUTO);
    if (st2 == SF_OK) {
        size_t fs;
        unsigned char *again = save(fresh, &fs);
        if (fs != n || memcmp(again, want, n)) abort();
        free(again);
        sf_model_free(fresh);
    } else if (fresh != NULL || (st == SF_OK && st2 != SF_ENOMEM)) {
        abort(); /* a file one model accepts, a new model must accept too */
    }
    free(before), free(after), free(f), free(want);
    return 0;
}
