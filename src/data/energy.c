/* energy.c — the energy distance between two samples (Székely & Rizzo): the sample-quality number
 * the samplers are judged by against fresh data. */
#include <math.h>

#include "base/status.h"
#include "scorefield.h"

/* The mean Euclidean distance over pairs of rows of a (na, D) and b (nb, D); with same = 1 (a = b),
 * over the pairs i < j only (the diagonal's zeros would bias it). Sums in double. */
static double mean_distance(const float *a, int na, const float *b, int nb, int D, int same) {
    double total = 0.0;
    for (int i = 0; i < na; i++) {
        for (int j = same ? i + 1 : 0; j < nb; j++) {
            double d2 = 0.0;
            for (int d = 0; d < D; d++) {
                double t = (double)a[(long)i * D + d] - b[(long)j * D + d];
                d2 += t * t;
            }
            total += sqrt(d2);
        }
    }
    double pairs = same ? 0.5 * (double)na * (na - 1) : (double)na * nb;
    return total / pairs;
}

sf_status sf_energy_distance(double *out, const float *x, int n, const float *y, int m, int D) {
    if (!out || !x || !y) return sf__fail(SF_EINVAL, "sf_energy_distance: NULL argument");
    if (n < 2 || m < 2)
        return sf__fail(SF_EINVAL, "energy distance needs at least 2 points a side, got %d and %d", n, m);
    if (D < 1 || D > SF_MAX_DIM) return sf__fail(SF_EINVAL, "dimension must be 1..%d, got %d", SF_MAX_DIM, D);
    if (!sf__all_finite(x, (long)n * D) || !sf__all_finite(y, (long)m * D))
        return sf__fail(SF_EINVAL, "the samples contain NaN or infinity");
    *out = 2.0 * mean_distance(x, n, y, m, D, 0) - mean_distance(x, n, x, n, D, 1) - mean_distance(y, m, y, m, D, 1);
    return SF_OK;
}
