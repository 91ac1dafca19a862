/* data.c — the datasets, generated in C from the library's one random generator.
 *
 * Swiss roll: scikit-learn's make_swiss_roll(n, noise) draws t = 1.5π(1 + 2u), u ~ U(0, 1), and the
 * point (t·cos t, 21u, t·sin t) plus noise·N(0, 1) on each coordinate. The tutorial keeps the first
 * and third coordinates and divides by 10; the second never reaches the net, so it is not drawn.
 * t, cos and sin are computed in double with base/fmath.h so that every build draws the same points.
 *
 * Digits: a row of the embedded table chosen uniformly (with replacement), as X/16 + noise·N(0, 1) —
 * the tutorial's batch, which draws fresh noise every time.
 */
#include "data/data.h"

#include "base/fmath.h"
#include "base/status.h"
#include "base/streams.h"
#include "data/digits.h"

#define SF__PI 3.14159265358979323846
#define SF__SWISS_SCALE 0.1 /* the tutorial divides the roll by 10 */

int sf_data_dim(int dataset) {
    switch (dataset) {
    case SF_DATA_SWISS_ROLL: return 2;
    case SF_DATA_DIGITS: return SF_DIGITS_PIXELS;
    default: return 0;
    }
}

static void swiss_roll(float *x, int *label, int n, float noise, sf_rng *r) {
    for (int i = 0; i < n; i++) {
        double t = 1.5 * SF__PI * (1.0 + 2.0 * sf_rng_uniform_d(r));
        double a = t * sf__cos(t) + noise * (double)sf_rng_normal(r);
        double b = t * sf__sin(t) + noise * (double)sf_rng_normal(r);
        x[2 * i] = (float)(a * SF__SWISS_SCALE);
        x[2 * i + 1] = (float)(b * SF__SWISS_SCALE);
        if (label) label[i] = -1;
    }
}

static void digits(float *x, int *label, int n, float noise, sf_rng *r) {
    const float scale = 1.0f / SF_DIGITS_MAX_VALUE;
    for (int i = 0; i < n; i++) {
        uint32_t row = sf_rng_below(r, SF_DIGITS_ROWS);
        const unsigned char *px = sf_digits_pixels + (long)row * SF_DIGITS_PIXELS;
        float *xi = x + (long)i * SF_DIGITS_PIXELS;
        for (int d = 0; d < SF_DIGITS_PIXELS; d++) xi[d] = (float)px[d] * scale + noise * sf_rng_normal(r);
        if (label) label[i] = sf_digits_labels[row];
    }
}

void sf__data_draw(float *x, int *label, int dataset, int n, float noise, sf_rng *r) {
    if (dataset == SF_DATA_SWISS_ROLL) swiss_roll(x, label, n, noise, r);
    else digits(x, label, n, noise, r);
}

sf_status sf_data_sample(float *x, int *labels, int dataset, int n, float noise, uint64_t seed) {
    if (sf_data_dim(dataset) == 0) return sf__fail(SF_EINVAL, "unknown dataset id %d", dataset);
    if (n < 0) return sf__fail(SF_EINVAL, "point count must be >= 0, got %d", n);
    if (n > 0 && !x) return sf__fail(SF_EINVAL, "sf_data_sample: x is NULL");
    if (!sf__finite(noise) || noise < 0)
        return sf__fail(SF_EINVAL, "data noise must be finite and >= 0, got %g", (double)noise);
    sf_rng r;
    sf_rng_seed(&r, seed, SF__STREAM_DATA);
    sf__data_draw(x, labels, dataset, n, noise, &r);
    return SF_OK;
}
