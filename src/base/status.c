/* status.c — the error message behind sf_error() and the names of the status codes.
 *
 * The message is formatted here, not by vsnprintf: the C library's printf brought 6 KB (gzipped) of
 * formatting code into the wasm modules, over the widget's download budget (issue 16), for the few
 * conversions the messages use. sf__format prints those conversions as printf does (%g as "%g", with
 * six significant digits); tests/c/test_status.c compares the two on edge cases and a million values.
 */
#include "base/status.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#define SF__ERROR_LEN   256 /* bytes: room for a sentence naming the setting, its value and its range */
#define SF__G_DIGITS    6   /* %g's default precision: significant digits */
#define SF__EXACT_POW10 22  /* 10^k is exact as a double up to k = 22 */

static _Thread_local char sf__error_msg[SF__ERROR_LEN];

/* Error paths only: compiled for size (clang's minsize), the training kernels keep -O3. */
#if defined(__clang__)
#define SF__COLD __attribute__((minsize, cold))
#else
#define SF__COLD __attribute__((cold))
#endif

typedef struct {
    char *buf;
    size_t cap, len; /* len counts every character, written or cut off, as vsnprintf's return */
} sf__out;

SF__COLD static void put_char(sf__out *o, char c) {
    if (o->len + 1 < o->cap) o->buf[o->len] = c;
    o->len++;
}

SF__COLD static void put_str(sf__out *o, const char *s) {
    while (*s) put_char(o, *s++);
}

SF__COLD static void put_unsigned(sf__out *o, unsigned long long v) {
    char digits[24];
    int n = 0;
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n) put_char(o, digits[--n]);
}

SF__COLD static void put_signed(sf__out *o, long long v) {
    if (v < 0) put_char(o, '-');
    put_unsigned(o, v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v);
}

/* x·y − fl(x·y), exactly (Dekker's product: the wasm modules have no fused multiply-add). */
SF__COLD static double product_error(double x, double y, double xy) {
    const double split = 134217729.0; /* 2^27 + 1 */
    double cx = split * x, xh = cx - (cx - x), xl = x - xh;
    double cy = split * y, yh = cy - (cy - y), yl = y - yh;
    return ((xh * yh - xy) + xh * yl + xl * yh) + xl * yl;
}

/* a·10^k rounded to an integer, nearest-even, as the exact product rounds: while |k| <= 22 (exact
 * powers) the scaling is one correctly rounded operation, and a result that lands on a tie (an integer and a half) is
 * moved to the side the exact value is on, from the operation's exact error. Beyond, approximate. */
SF__COLD static double round_scaled(double a, int k) {
    static const double p[SF__EXACT_POW10 + 1] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                                  1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                                  1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    while (k > SF__EXACT_POW10) a *= p[SF__EXACT_POW10], k -= SF__EXACT_POW10;
    while (k < -SF__EXACT_POW10) a /= p[SF__EXACT_POW10], k += SF__EXACT_POW10;
    double s = k >= 0 ? a * p[k] : a / p[-k];
    double r = nearbyint(s);
    if (fabs(s - r) != 0.5) return r;
    /* exact − s: for a·p it is the product's error; for a / p, (a − s·p) / p has the sign of a − s·p */
    double e = k >= 0 ? product_error(a, p[k], s) : (a - s * p[-k]) - product_error(s, p[-k], s * p[-k]);
    return e > 0 ? floor(s) + 1 : e < 0 ? floor(s) : r;
}

/* %g: six significant digits, nearest-even, trailing zeros dropped; the exponent form below 1e-4 and
 * from 1e6. The digits are v scaled into [1e5, 1e6) and rounded to an integer (round_scaled). */
SF__COLD static void put_g(sf__out *o, double v) {
    if (signbit(v)) put_char(o, '-');
    double a = fabs(v);
    if (a != a || a - a != 0.0 || a == 0.0) {
        put_str(o, a != a ? "nan" : a == 0.0 ? "0" : "inf");
        return;
    }
    uint64_t bits;
    memcpy(&bits, &a, sizeof bits);
    int x = (int)floor(((double)(int)(bits >> 52) - 1023.0) * 0.30102999566398120); /* ~log10 a */
    double r = round_scaled(a, SF__G_DIGITS - 1 - x);
    while (r >= 1e6) r = round_scaled(a, SF__G_DIGITS - 1 - ++x);
    while (r < 1e5) r = round_scaled(a, SF__G_DIGITS - 1 - --x);
    char d[SF__G_DIGITS];
    long digits = (long)r;
    for (int i = SF__G_DIGITS - 1; i >= 0; i--, digits /= 10) d[i] = (char)('0' + digits % 10);
    int n = SF__G_DIGITS; /* the digits kept: trailing zeros dropped */
    while (n > 1 && d[n - 1] == '0') n--;
    if (x < -4 || x >= SF__G_DIGITS) {
        put_char(o, d[0]);
        if (n > 1) put_char(o, '.');
        for (int i = 1; i < n; i++) put_char(o, d[i]);
        put_char(o, 'e');
        put_char(o, x < 0 ? '-' : '+');
        if (x > -10 && x < 10) put_char(o, '0');
        put_unsigned(o, (unsigned long long)(x < 0 ? -x : x));
    } else if (x >= 0) {
        for (int i = 0; i < n || i <= x; i++) {
            if (i == x + 1) put_char(o, '.');
            put_char(o, i < n ? d[i] : '0');
        }
    } else {
        put_str(o, "0.");
        for (int i = -1; i > x; i--) put_char(o, '0');
        for (int i = 0; i < n; i++) put_char(o, d[i]);
    }
}

SF__COLD int sf__format(char *buf, size_t cap, const char *fmt, va_list ap) {
    sf__out o = {buf, cap, 0};
    for (const char *p = fmt; *p; p++) {
        if (*p != '%') {
            put_char(&o, *p);
            continue;
        }
        p++;
        if (*p == 'd')
            put_signed(&o, va_arg(ap, int));
        else if (*p == 'u')
            put_unsigned(&o, va_arg(ap, unsigned));
        else if (*p == 's')
            put_str(&o, va_arg(ap, const char *));
        else if (*p == 'g')
            put_g(&o, va_arg(ap, double));
        else if (*p == 'z' && p[1] == 'u')
            p++, put_unsigned(&o, va_arg(ap, size_t));
        else if (*p == 'l' && p[1] == 'd')
            p++, put_signed(&o, va_arg(ap, long));
        else if (*p == 'l' && p[1] == 'l' && p[2] == 'd')
            p += 2, put_signed(&o, va_arg(ap, long long));
        else if (*p == 'l' && p[1] == 'l' && p[2] == 'u')
            p += 2, put_unsigned(&o, va_arg(ap, unsigned long long));
        else if (*p == '%')
            put_char(&o, '%');
        else
            return -1; /* a conversion the messages do not use: the compiler's format check names it */
    }
    if (cap) buf[o.len < cap ? o.len : cap - 1] = '\0';
    return (int)o.len;
}

SF__COLD sf_status sf__fail(sf_status s, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    sf__format(sf__error_msg, sizeof sf__error_msg, fmt, ap);
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
