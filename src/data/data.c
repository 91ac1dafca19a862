/* data.c — the datasets, generated in C from the library's one random generator.
 *
 * Swiss roll: scikit-learn's make_swiss_roll(n, noise) draws t = 1.5π(1 + 2u), u ~ U(0, 1), and the
 * point (t·cos t, 21u, t·sin t) plus noise·N(0, 1) on each coordinate. The tutorial keeps the first
 * and third coordinates and divides by 10; the second never reaches the net, so it is not drawn.
 * t, cos and sin are computed in double with base/fmath.h so that every build draws the same points.
 *
 * Digits: a row of the embedded table chosen uniformly (with replacement), as X/16 + noise·N(0, 1) —
 * the tutorial's batch, which draws fresh noise every time.
 *
 * The other 2-D sets are the usual toy targets, each placed in about [−1.5, 1.5]² like the scaled roll
 * (so one view box and one noise ladder fit them all); `noise` is the σ of Gaussian noise on each
 * coordinate, or of each mixture component:
 *   moons        scikit-learn's make_moons (the two half circles of radius 1), centred: − (0.5, 0.25)
 *   8 Gaussians  equal components at radius 1, angles k·45°
 *   rings        scikit-learn's make_circles with factor 0.5: radius 1 and 0.5, equal counts
 *   checkerboard FFJORD's 4 × 4 board over [−1, 1]², uniform on its 8 dark squares
 *   mixture      NCSN's two Gaussians (Song & Ermon 2019, §3.2) scaled by 1/5: weight 0.2 at
 *                (−1, −1), 0.8 at (1, 1); the paper's unit variance becomes noise 0.2
 * Labels: the moon, ring or component of each point; −1 for the roll and the board.
 * The two mixtures have closed-form scores, also after adding N(0, σ²) noise (sf_data_score).
 */
#include "data/data.h"

#include <string.h>

#include "base/fmath.h"
#include "base/status.h"
#include "base/streams.h"
#include "data/digits.h"

#define SF__PI          3.14159265358979323846
#define SF__SWISS_SCALE 0.1 /* the tutorial divides the roll by 10 */

/* The digits table: built in (digits_table.c), or, in builds compiled with SF_DIGITS_EXTERNAL (the
 * WebAssembly modules), copied in by sf_data_load_digits; until then the digits are unavailable. */
#ifdef SF_DIGITS_EXTERNAL
static unsigned char digits_pixels[SF_DIGITS_ROWS * SF_DIGITS_PIXELS], digits_labels[SF_DIGITS_ROWS];
static int digits_loaded;
#else
#define digits_pixels sf_digits_pixels
#define digits_labels sf_digits_labels
#define digits_loaded 1
#endif

int sf__digits_valid(const unsigned char *pixels, const unsigned char *labels) {
    const int want[10] = SF_DIGITS_CLASS_COUNTS;
    int counts[10] = {0};
    long total = 0;
    for (long i = 0; i < (long)SF_DIGITS_ROWS * SF_DIGITS_PIXELS; i++) {
        if (pixels[i] > SF_DIGITS_MAX_VALUE) return 0;
        total += pixels[i];
    }
    for (int r = 0; r < SF_DIGITS_ROWS; r++) {
        if (labels[r] > 9) return 0;
        counts[labels[r]]++;
    }
    for (int c = 0; c < 10; c++)
        if (counts[c] != want[c]) return 0;
    return total == SF_DIGITS_PIXEL_SUM;
}

int sf__digits_ready(void) { return digits_loaded; }
const unsigned char *sf__digits_pixels(void) { return digits_loaded ? digits_pixels : NULL; }
const unsigned char *sf__digits_labels(void) { return digits_loaded ? digits_labels : NULL; }

sf_status sf_data_load_digits(const unsigned char *table, size_t size) {
    const size_t want = (size_t)SF_DIGITS_ROWS * (SF_DIGITS_PIXELS + 1);
    if (!table) return sf__fail(SF_EINVAL, "the digits table is NULL");
    if (size != want)
        return sf__fail(SF_EINVAL,
                        "the digits table must be %zu bytes (1797 images of 64 pixels, then 1797 labels), got %zu",
                        want, size);
    const unsigned char *labels = table + (size_t)SF_DIGITS_ROWS * SF_DIGITS_PIXELS;
    if (!sf__digits_valid(table, labels))
        return sf__fail(SF_EINVAL, "the digits table does not have the published check sums: it is damaged");
#ifdef SF_DIGITS_EXTERNAL
    memcpy(digits_pixels, table, sizeof digits_pixels);
    memcpy(digits_labels, labels, sizeof digits_labels);
    digits_loaded = 1;
#else
        /* Built in already: a valid table is the same table, so there is nothing to copy. */
#endif
    return SF_OK;
}

#define SF__MIXTURE_SCALE 0.2 /* NCSN's mixture lives at ±5; 1/5 brings it to ±1 */
#define SF__MIXTURE_W_LOW 0.2 /* the weight of the component at (−1, −1) */

int sf_data_dim(int dataset) {
    switch (dataset) {
    case SF_DATA_SWISS_ROLL:
    case SF_DATA_MOONS:
    case SF_DATA_EIGHT_GAUSSIANS:
    case SF_DATA_RINGS:
    case SF_DATA_CHECKERBOARD:
    case SF_DATA_MIXTURE:
    case SF_DATA_POINTS:
        return 2;
    case SF_DATA_DIGITS:
        return SF_DIGITS_PIXELS;
    default:
        return 0;
    }
}

int sf_data_classes(int dataset) {
    switch (dataset) {
    case SF_DATA_DIGITS:
        return 10;
    case SF_DATA_MOONS:
    case SF_DATA_RINGS:
    case SF_DATA_MIXTURE:
        return 2;
    case SF_DATA_EIGHT_GAUSSIANS:
        return 8;
    default:
        return 0;
    }
}

float sf_data_default_noise(int dataset) {
    switch (dataset) {
    case SF_DATA_SWISS_ROLL:
        return 1.0f; /* the tutorial's make_swiss_roll(noise=1) */
    case SF_DATA_DIGITS:
        return 0.1f; /* the tutorial's 0.1·N(0, 1) */
    case SF_DATA_MOONS:
        return 0.05f;
    case SF_DATA_EIGHT_GAUSSIANS:
        return 0.05f;
    case SF_DATA_RINGS:
        return 0.03f;
    case SF_DATA_CHECKERBOARD:
        return 0.0f;
    case SF_DATA_MIXTURE:
        return 0.2f; /* NCSN's unit variance, scaled */
    case SF_DATA_POINTS:
        return 0.03f; /* a little spread around each painted point */
    default:
        return 0.0f;
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
        const unsigned char *px = digits_pixels + (long)row * SF_DIGITS_PIXELS;
        float *xi = x + (long)i * SF_DIGITS_PIXELS;
        /* noise·N(0, 1) first, in one batch (the generator's fast loop), then the pixel added: the same
         * operations on the same values as px·scale + noise·N(0, 1) drawn pixel by pixel */
        sf_rng_fill_normal(r, xi, SF_DIGITS_PIXELS, noise);
        for (int d = 0; d < SF_DIGITS_PIXELS; d++) xi[d] = (float)px[d] * scale + xi[d];
        if (label) label[i] = digits_labels[row];
    }
}

/* One point, its label and noise: the common tail of the 2-D generators. */
static void put2(float *x, int *label, int i, double a, double b, int l, float noise, sf_rng *r) {
    x[2 * i] = (float)(a + noise * (double)sf_rng_normal(r));
    x[2 * i + 1] = (float)(b + noise * (double)sf_rng_normal(r));
    if (label) label[i] = l;
}

static void moons(float *x, int *label, int n, float noise, sf_rng *r) {
    for (int i = 0; i < n; i++) {
        int inner = (int)sf_rng_below(r, 2);
        double t = SF__PI * sf_rng_uniform_d(r);
        double a = inner ? 1.0 - sf__cos(t) : sf__cos(t);
        double b = inner ? 0.5 - sf__sin(t) : sf__sin(t);
        put2(x, label, i, a - 0.5, b - 0.25, inner, noise, r);
    }
}

static void eight_gaussians(float *x, int *label, int n, float noise, sf_rng *r) {
    for (int i = 0; i < n; i++) {
        int k = (int)sf_rng_below(r, 8);
        double t = k * (SF__PI / 4);
        put2(x, label, i, sf__cos(t), sf__sin(t), k, noise, r);
    }
}

static void rings(float *x, int *label, int n, float noise, sf_rng *r) {
    for (int i = 0; i < n; i++) {
        int inner = (int)sf_rng_below(r, 2);
        double t = 2 * SF__PI * sf_rng_uniform_d(r), radius = inner ? 0.5 : 1.0;
        put2(x, label, i, radius * sf__cos(t), radius * sf__sin(t), inner, noise, r);
    }
}

/* FFJORD's board: x₁ ~ U(−2, 2), x₂ ~ U(0, 1) − 2·B + (⌊x₁⌋ mod 2), B ~ Bernoulli(½), halved. */
static void checkerboard(float *x, int *label, int n, float noise, sf_rng *r) {
    for (int i = 0; i < n; i++) {
        double a = 4.0 * sf_rng_uniform_d(r) - 2.0;
        double b = sf_rng_uniform_d(r) - 2.0 * (double)sf_rng_below(r, 2);
        int column = (int)(a + 2.0); /* 0..3: ⌊x₁⌋ + 2, whose parity is ⌊x₁⌋'s */
        b += (double)(column & 1);
        put2(x, label, i, 0.5 * a, 0.5 * b, -1, noise, r);
    }
}

static void mixture(float *x, int *label, int n, float noise, sf_rng *r) {
    for (int i = 0; i < n; i++) {
        int low = sf_rng_uniform_d(r) < SF__MIXTURE_W_LOW;
        double c = low ? -1.0 : 1.0;
        put2(x, label, i, c, c, low ? 0 : 1, noise, r);
    }
}

/* The drawer of each built-in dataset; SF_DATA_POINTS has none: the model draws from its own points
 * (sf__points_draw). */
typedef void (*draw_fn)(float *x, int *label, int n, float noise, sf_rng *r);
static const draw_fn drawers[SF_DATA_COUNT] = {
    [SF_DATA_SWISS_ROLL] = swiss_roll, [SF_DATA_DIGITS] = digits,
    [SF_DATA_MOONS] = moons,           [SF_DATA_EIGHT_GAUSSIANS] = eight_gaussians,
    [SF_DATA_RINGS] = rings,           [SF_DATA_CHECKERBOARD] = checkerboard,
    [SF_DATA_MIXTURE] = mixture,
};

void sf__data_draw(float *x, int *label, int dataset, int n, float noise, sf_rng *r) {
    if (dataset >= 0 && dataset < SF_DATA_COUNT && drawers[dataset]) drawers[dataset](x, label, n, noise, r);
}

void sf__points_draw(float *x, const float *points, int count, int n, float noise, sf_rng *r) {
    for (int i = 0; i < n; i++) {
        const float *p = points + 2 * (long)sf_rng_below(r, (uint32_t)count);
        put2(x, NULL, i, p[0], p[1], -1, noise, r);
    }
}

sf_status sf_points_sample(float *x, const float *points, int count, int n, float noise, uint64_t seed) {
    if (count < 1 || count > SF_MAX_POINTS)
        return sf__fail(SF_EINVAL, "point count must be 1..%d, got %d", SF_MAX_POINTS, count);
    if (n < 0) return sf__fail(SF_EINVAL, "draw count must be >= 0, got %d", n);
    if (!points || (n > 0 && !x)) return sf__fail(SF_EINVAL, "sf_points_sample: NULL argument");
    if (!sf__finite(noise) || noise < 0)
        return sf__fail(SF_EINVAL, "data noise must be finite and >= 0, got %g", (double)noise);
    if (!sf__all_finite(points, 2L * count)) return sf__fail(SF_EINVAL, "the points contain NaN or infinity");
    sf_rng r;
    sf_rng_seed(&r, seed, SF__STREAM_POINTS);
    sf__points_draw(x, points, count, n, noise, &r);
    return SF_OK;
}

sf_status sf_points_fit_box(float *out, const float *points, int n, float xmin, float xmax, float ymin, float ymax,
                            float fill) {
    if (n < 1 || n > SF_MAX_POINTS) return sf__fail(SF_EINVAL, "point count must be 1..%d, got %d", SF_MAX_POINTS, n);
    if (!points || !out) return sf__fail(SF_EINVAL, "NULL argument");
    const float box[4] = {xmin, xmax, ymin, ymax};
    if (!sf__all_finite(box, 4) || !(xmin < xmax && ymin < ymax && fill > 0 && fill <= 1))
        return sf__fail(SF_EINVAL, "box [%g, %g] x [%g, %g], fill %g: need xmin < xmax, ymin < ymax, fill in (0, 1]",
                        (double)xmin, (double)xmax, (double)ymin, (double)ymax, (double)fill);
    if (!sf__all_finite(points, 2L * n)) return sf__fail(SF_EINVAL, "the points contain NaN or infinity");
    /* In double: the spans of float points are exact there, and so is every product below to ~1e-16
     * relative, so out is the formula rounded once to float. Coordinate d of point i is [2i + d]. */
    double lo[2] = {points[0], points[1]}, hi[2] = {points[0], points[1]};
    for (long k = 2; k < 2L * n; k++) {
        double v = points[k];
        lo[k & 1] = v < lo[k & 1] ? v : lo[k & 1];
        hi[k & 1] = v > hi[k & 1] ? v : hi[k & 1];
    }
    double s = 0; /* 0: no axis has a span yet; an axis without one (a line, one place) sets no scale */
    for (int d = 0; d < 2; d++) {
        double sd = hi[d] > lo[d] ? (box[2 * d + 1] - box[2 * d]) / (hi[d] - lo[d]) : 0;
        s = sd > 0 && (s == 0 || sd < s) ? sd : s;
    }
    s = s == 0 ? 1.0 : s * fill;
    for (long k = 0; k < 2L * n; k++) {
        int d = (int)(k & 1);
        out[k] = (float)(0.5 * (box[2 * d] + box[2 * d + 1]) + s * (points[k] - 0.5 * (lo[d] + hi[d])));
    }
    return SF_OK;
}

/* ---- Closed-form scores ----------------------------------------------------------------------
 * A Gaussian mixture Σ w_k N(μ_k, v I) plus independent N(0, σ² I) noise is the mixture with variance
 * v + σ²; its score at x is Σ_k r_k (μ_k − x)/(v + σ²), with responsibilities r_k ∝ w_k N(x; μ_k, ·)
 * computed from log-weights shifted by their maximum, so that far from every mean nothing underflows. */

#define SF__MAX_COMPONENTS 8

static int mixture_components(int dataset, double mu[][2], double *w) {
    if (dataset == SF_DATA_MIXTURE) {
        mu[0][0] = mu[0][1] = -1.0, w[0] = SF__MIXTURE_W_LOW;
        mu[1][0] = mu[1][1] = 1.0, w[1] = 1.0 - SF__MIXTURE_W_LOW;
        return 2;
    }
    for (int k = 0; k < 8; k++) {
        double t = k * (SF__PI / 4);
        mu[k][0] = sf__cos(t), mu[k][1] = sf__sin(t), w[k] = 1.0 / 8;
    }
    return 8;
}

sf_status sf_data_score(float *s, const float *x, int n, int dataset, float noise, float sigma) {
    if (dataset != SF_DATA_MIXTURE && dataset != SF_DATA_EIGHT_GAUSSIANS)
        return sf__fail(SF_EINVAL, "dataset %d has no closed-form score (only the Gaussian mixtures do)", dataset);
    if (n < 0) return sf__fail(SF_EINVAL, "point count must be >= 0, got %d", n);
    if (n > 0 && (!s || !x)) return sf__fail(SF_EINVAL, "sf_data_score: NULL argument");
    if (!sf__finite(noise) || !sf__finite(sigma) || noise < 0 || sigma < 0 || noise + sigma <= 0)
        return sf__fail(SF_EINVAL, "noise and sigma must be finite, >= 0 and not both 0, got %g and %g", (double)noise,
                        (double)sigma);
    if (!sf__all_finite(x, 2L * n)) return sf__fail(SF_EINVAL, "x contains NaN or infinity");
    double mu[SF__MAX_COMPONENTS][2], w[SF__MAX_COMPONENTS], logp[SF__MAX_COMPONENTS];
    int K = mixture_components(dataset, mu, w);
    double v = (double)noise * noise + (double)sigma * sigma;
    for (int i = 0; i < n; i++) {
        double a = x[2 * i], b = x[2 * i + 1], top = -1e300;
        for (int k = 0; k < K; k++) {
            double da = a - mu[k][0], db = b - mu[k][1];
            logp[k] = sf__log(w[k]) - (da * da + db * db) / (2 * v);
            if (logp[k] > top) top = logp[k];
        }
        double total = 0, sa = 0, sb = 0;
        for (int k = 0; k < K; k++) {
            double rk = sf__exp(logp[k] - top);
            total += rk, sa += rk * (mu[k][0] - a), sb += rk * (mu[k][1] - b);
        }
        s[2 * i] = (float)(sa / (total * v));
        s[2 * i + 1] = (float)(sb / (total * v));
    }
    return SF_OK;
}

sf_status sf_data_sample(float *x, int *labels, int dataset, int n, float noise, uint64_t seed) {
    if (sf_data_dim(dataset) == 0) return sf__fail(SF_EINVAL, "unknown dataset id %d", dataset);
    if (dataset == SF_DATA_POINTS)
        return sf__fail(SF_EINVAL, "painted points belong to a model: see sf_model_set_points");
    if (dataset == SF_DATA_DIGITS && !digits_loaded) return sf__fail(SF_EINVAL, SF__DIGITS_NOT_LOADED);
    if (n < 0) return sf__fail(SF_EINVAL, "point count must be >= 0, got %d", n);
    if (n > 0 && !x) return sf__fail(SF_EINVAL, "sf_data_sample: x is NULL");
    if (!sf__finite(noise) || noise < 0)
        return sf__fail(SF_EINVAL, "data noise must be finite and >= 0, got %g", (double)noise);
    sf_rng r;
    sf_rng_seed(&r, seed, SF__STREAM_DATA);
    sf__data_draw(x, labels, dataset, n, noise, &r);
    return SF_OK;
}
