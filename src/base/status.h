/* status.h — how the library reports failure: a status code and a message for sf_error().
 *
 * sf__fail stores a formatted message in a per-thread buffer and returns the status, so a check reads
 * `if (batch < 1) return sf__fail(SF_EINVAL, "batch must be >= 1, got %d", batch);`.
 * The buffer is thread-local so that native programs with several threads get their own messages.
 */
#ifndef SF_STATUS_H
#define SF_STATUS_H

#include <stdarg.h>
#include <stddef.h>

#include "scorefield.h"

#if defined(__GNUC__)
#define SF__PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define SF__PRINTF(a, b)
#endif

/* Sets sf_error()'s message and returns s. */
sf_status sf__fail(sf_status s, const char *fmt, ...) SF__PRINTF(2, 3);

/* vsnprintf for the conversions the messages use (%d %u %ld %lld %llu %zu %s %g %%): the same text
 * and return value (−1 for any other conversion), without the C library's printf (status.c). */
int sf__format(char *buf, size_t cap, const char *fmt, va_list ap);

/* 1 when x is neither NaN nor infinite (written without isfinite so that it cannot be folded away
 * by a compiler that assumes finite math). */
static inline int sf__finite(float x) { return x - x == 0.0f; }

/* SF_OK when x is finite and > 0 (sf__check_positive) or >= 0 (sf__check_nonnegative), else SF_EINVAL
 * with "<what> must be finite and > 0, got <x>": the one wording of every such check. */
static inline sf_status sf__check_positive(float x, const char *what) {
    if (sf__finite(x) && x > 0) return SF_OK;
    return sf__fail(SF_EINVAL, "%s must be finite and > 0, got %g", what, (double)x);
}

static inline sf_status sf__check_nonnegative(float x, const char *what) {
    if (sf__finite(x) && x >= 0) return SF_OK;
    return sf__fail(SF_EINVAL, "%s must be finite and >= 0, got %g", what, (double)x);
}

/* 1 when all n values are finite: x − x is 0 for finite x and NaN otherwise, and one NaN makes the
 * whole sum NaN, so the loop has no branch. */
static inline int sf__all_finite(const float *x, long n) {
    float acc = 0.0f;
    for (long i = 0; i < n; i++) acc += x[i] - x[i];
    return acc == 0.0f;
}

#endif
