/* status.c — the error message behind sf_error() and the names of the status codes. */
#include "base/status.h"

#include <stdarg.h>
#include <stdio.h>

#define SF__ERROR_LEN 256 /* bytes: room for a sentence naming the setting, its value and its range */

static _Thread_local char sf__error_msg[SF__ERROR_LEN];

sf_status sf__fail(sf_status s, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sf__error_msg, sizeof sf__error_msg, fmt, ap);
    va_end(ap);
    return s;
}

const char *sf_error(void) { return sf__error_msg; }

const char *sf_status_name(sf_status s) {
    switch (s) {
    case SF_OK:
        return "ok";
    case SF_EINVAL:
        return "invalid argument";
    case SF_ENOMEM:
        return "out of memory";
    case SF_ENONFINITE:
        return "not finite";
    }
    return "unknown status";
}
