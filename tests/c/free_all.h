/* free_all.h — free several buffers in one call, for the tests' structs of arrays (a workspace, a
 * problem, an optimiser's inputs and outputs) whose release functions were each a list of free()s.
 * FREE_ALL(a, b, c) frees a, b and c in that order; a null pointer is skipped as free() skips it. */
#ifndef SF_TESTS_FREE_ALL_H
#define SF_TESTS_FREE_ALL_H

#include <stddef.h>
#include <stdlib.h>

static inline void free_all_n(void *const *ptrs, size_t n) {
    for (size_t k = 0; k < n; k++) free(ptrs[k]);
}

#define FREE_ALL(...) free_all_n((void *[]){__VA_ARGS__}, sizeof((void *[]){__VA_ARGS__}) / sizeof(void *))

#endif
