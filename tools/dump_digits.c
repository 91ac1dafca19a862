/* dump_digits.c — writes the embedded digits table as the WebAssembly modules load it: the 1797 × 64
 * pixels row by row, then the 1797 labels (116 805 bytes). build-wasm.sh compiles it natively with
 * src/data/digits_table.c and writes web/core/scorefield-digits.bin, so the file and the native build
 * hold the same bytes. Usage: dump_digits OUT */
#include <stdio.h>

#include "data/digits.h"

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: dump_digits OUT\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "wb");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    size_t px = (size_t)SF_DIGITS_ROWS * SF_DIGITS_PIXELS;
    int ok =
        fwrite(sf_digits_pixels, 1, px, f) == px && fwrite(sf_digits_labels, 1, SF_DIGITS_ROWS, f) == SF_DIGITS_ROWS;
    if (fclose(f) != 0 || !ok) {
        perror(argv[1]);
        return 1;
    }
    return 0;
}
