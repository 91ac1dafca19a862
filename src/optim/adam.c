/* adam.c — the bias corrections of Adam's step t.
 *
 * b^t is computed by repeated squaring in double, not with pow(): libm's pow may differ in the last
 * bit between glibc and musl, and the corrections must be the same on every build. */
#include "optim/adam.h"

static double power(double b, long long t) {
    double r = 1.0;
    for (; t > 0; t >>= 1) {
        if (t & 1) r *= b;
        b *= b;
    }
    return r;
}

sf_adam_coef sf__adam_coef(float lr, long long t) {
    sf_adam_coef c;
    c.lr = lr;
    c.b1 = SF_ADAM_B1;
    c.b2 = SF_ADAM_B2;
    c.eps = SF_ADAM_EPS;
    c.r1 = (float)(1.0 / (1.0 - power(SF_ADAM_B1, t)));
    c.r2 = (float)(1.0 / (1.0 - power(SF_ADAM_B2, t)));
    return c;
}
