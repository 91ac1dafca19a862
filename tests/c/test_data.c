/* test_data.c — the datasets: the embedded digits against their published check sums, the swiss
 * roll's moments against closed forms, and both generators' determinism. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "data/digits.h"
#include "harness.h"
#include "scorefield.h"

#define Z_BOUND 5.0 /* standard errors allowed for a sample moment */
#define PI      3.14159265358979323846

/* Check sums from ../shared/data/README.md and the issue: 1797 rows, first row, pixel total,
 * class counts. */
static void test_digits_table_matches_published_check_sums(void) {
    const unsigned char first[8] = {0, 0, 5, 13, 9, 1, 0, 0};
    EXPECT(memcmp(sf_digits_pixels, first, 8) == 0, "first row starts differently");
    EXPECT(sf_digits_labels[0] == 0, "first label %d", sf_digits_labels[0]);
    long total = 0;
    int counts[10] = {0}, max = 0;
    for (long i = 0; i < (long)SF_DIGITS_ROWS * SF_DIGITS_PIXELS; i++) {
        total += sf_digits_pixels[i];
        if (sf_digits_pixels[i] > max) max = sf_digits_pixels[i];
    }
    for (int i = 0; i < SF_DIGITS_ROWS; i++) counts[sf_digits_labels[i] < 10 ? sf_digits_labels[i] : 0]++;
    const int want[10] = SF_DIGITS_CLASS_COUNTS;
    EXPECT(total == 561718, "pixel total %ld", total);
    EXPECT(max == 16, "max pixel %d", max);
    for (int c = 0; c < 10; c++) EXPECT(counts[c] == want[c], "class %d: %d images, want %d", c, counts[c], want[c]);
}

/* With noise 0 every digit batch row is a table row divided by 16, and the labels say which class. */
static void test_digit_batches_are_table_rows_over_16(void) {
    enum { N = 300 };
    float *x = malloc(sizeof(float) * N * 64);
    int labels[N];
    EXPECT(sf_data_sample(x, labels, SF_DATA_DIGITS, N, 0.0f, 5) == SF_OK, "%s", sf_error());
    int matched = 0, distinct_labels = 0, seen[10] = {0};
    for (int i = 0; i < N; i++) {
        for (int r = 0; r < SF_DIGITS_ROWS; r++) {
            int ok = sf_digits_labels[r] == labels[i];
            for (int d = 0; ok && d < 64; d++) ok = x[i * 64 + d] == sf_digits_pixels[r * 64 + d] / 16.0f;
            if (ok) {
                matched++;
                break;
            }
        }
        if (labels[i] >= 0 && labels[i] < 10 && !seen[labels[i]]++) distinct_labels++;
    }
    EXPECT(matched == N, "%d of %d rows are not table rows", N - matched, N);
    EXPECT(distinct_labels == 10, "only %d classes drawn in %d rows", distinct_labels, N);
    free(x);
}

/* The same seed with noise 0 and noise σ picks the same rows (the generator draws the noise either
 * way), so their difference is σ·N(0, 1) exactly up to float rounding: its variance is σ² within
 * Z_BOUND standard errors (σ²·sqrt(2/n)), and its mean 0 within Z_BOUND·σ/sqrt(n). */
static void test_digit_noise_has_the_requested_variance(void) {
    enum { N = 20000 };
    const float noise = 0.1f;
    float *clean = malloc(sizeof(float) * N * 64), *noisy = malloc(sizeof(float) * N * 64);
    EXPECT(sf_data_sample(clean, NULL, SF_DATA_DIGITS, N, 0.0f, 6) == SF_OK, "%s", sf_error());
    EXPECT(sf_data_sample(noisy, NULL, SF_DATA_DIGITS, N, noise, 6) == SF_OK, "%s", sf_error());
    const long n = (long)N * 64;
    double m = 0, v = 0;
    for (long i = 0; i < n; i++) m += noisy[i] - clean[i];
    m /= n;
    for (long i = 0; i < n; i++) v += pow(noisy[i] - clean[i] - m, 2);
    v /= n - 1;
    double want = (double)noise * noise;
    EXPECT(fabs(m) <= Z_BOUND * noise / sqrt(n), "noise mean %.6f", m);
    EXPECT(fabs(v - want) <= Z_BOUND * want * sqrt(2.0 / n), "noise variance %.6g vs %.6g", v, want);
    free(clean), free(noisy);
}

/* The swiss roll: t ~ U[a, b] with a = 1.5π, b = 4.5π, L = 3π, and (t cos t, t sin t)/10 + noise/10.
 * From antiderivatives (t sin t + cos t, −t cos t + sin t, and those of t² cos 2t and t² sin 2t):
 *   E[t cos t] = 2, E[t sin t] = 2/(3π), E[t²] = (b³ − a³)/(3L),
 *   E[(t cos t)²] = E[t²]/2 − 1/4, E[(t sin t)²] = E[t²]/2 + 1/4, E[t² cos t sin t] = (a + b)/4. */
static void test_swiss_roll_moments_match_closed_forms(void) {
    enum { N = 1000000 };
    const double a = 1.5 * PI, b = 4.5 * PI, L = 3 * PI, nu = 1.0;
    double et2 = (b * b * b - a * a * a) / (3 * L);
    double mean[2] = {2.0, 2.0 / (3 * PI)};
    double var[2] = {et2 / 2 - 0.25 - 4.0 + nu * nu, et2 / 2 + 0.25 - mean[1] * mean[1] + nu * nu};
    double cov = (a + b) / 4 - mean[0] * mean[1];
    float *x = malloc(sizeof(float) * N * 2);
    EXPECT(sf_data_sample(x, NULL, SF_DATA_SWISS_ROLL, N, (float)nu, 42) == SF_OK, "%s", sf_error());
    double m[2] = {0, 0}, v[2] = {0, 0}, c = 0, m4[2] = {0, 0};
    for (int i = 0; i < N; i++)
        for (int d = 0; d < 2; d++) m[d] += 10.0 * x[2 * i + d];
    for (int d = 0; d < 2; d++) m[d] /= N;
    for (int i = 0; i < N; i++) {
        double u = 10.0 * x[2 * i] - m[0], w = 10.0 * x[2 * i + 1] - m[1];
        v[0] += u * u, v[1] += w * w, c += u * w, m4[0] += u * u * u * u, m4[1] += w * w * w * w;
    }
    for (int d = 0; d < 2; d++) {
        v[d] /= N, m4[d] /= N;
        double se_mean = sqrt(v[d] / N), se_var = sqrt((m4[d] - v[d] * v[d]) / N);
        EXPECT(fabs(m[d] - mean[d]) <= Z_BOUND * se_mean, "coordinate %d: mean %.5f vs %.5f", d, m[d], mean[d]);
        EXPECT(fabs(v[d] - var[d]) <= Z_BOUND * se_var, "coordinate %d: variance %.4f vs %.4f (se %.4f)", d, v[d],
               var[d], se_var);
    }
    c /= N;
    EXPECT(fabs(c - cov) <= Z_BOUND * sqrt(v[0] * v[1] / N) * 1.5, "covariance %.4f vs %.4f", c, cov);
    free(x);
}

/* Same seed → same bits; these golden values are the cross-build fixture: the Node and browser
 * builds must reproduce them exactly (see tests/node). */
static void test_generators_are_deterministic(void) {
    float a[8], b[8];
    EXPECT(sf_data_sample(a, NULL, SF_DATA_SWISS_ROLL, 4, 1.0f, 42) == SF_OK, "%s", sf_error());
    EXPECT(sf_data_sample(b, NULL, SF_DATA_SWISS_ROLL, 4, 1.0f, 42) == SF_OK, "%s", sf_error());
    EXPECT(memcmp(a, b, sizeof a) == 0, "same seed, different points");
    EXPECT(sf_data_sample(b, NULL, SF_DATA_SWISS_ROLL, 4, 1.0f, 43) == SF_OK, "%s", sf_error());
    EXPECT(memcmp(a, b, sizeof a) != 0, "other seed, same points");
    printf("  # swiss roll seed 42: %a %a %a %a\n", (double)a[0], (double)a[1], (double)a[2], (double)a[3]);
}

static void test_data_sample_rejects_bad_arguments(void) {
    float x[4];
    EXPECT(sf_data_sample(x, NULL, SF_DATA_COUNT, 2, 1.0f, 1) == SF_EINVAL, "unknown dataset accepted");
    EXPECT(strstr(sf_error(), "dataset") != NULL, "message: %s", sf_error());
    EXPECT(sf_data_sample(x, NULL, SF_DATA_SWISS_ROLL, -1, 1.0f, 1) == SF_EINVAL, "negative n accepted");
    EXPECT(sf_data_sample(x, NULL, SF_DATA_SWISS_ROLL, 2, NAN, 1) == SF_EINVAL, "NaN noise accepted");
    EXPECT(sf_data_sample(x, NULL, SF_DATA_SWISS_ROLL, 2, -1.0f, 1) == SF_EINVAL, "negative noise accepted");
    EXPECT(sf_data_sample(NULL, NULL, SF_DATA_SWISS_ROLL, 2, 1.0f, 1) == SF_EINVAL, "NULL x accepted");
    EXPECT(sf_data_sample(NULL, NULL, SF_DATA_SWISS_ROLL, 0, 1.0f, 1) == SF_OK, "n = 0 refused");
    EXPECT(sf_uniform(x, 4, 1.0f, 0.0f, 1) == SF_EINVAL, "reversed range accepted");
    EXPECT(sf_uniform(x, 4, 0.0f, 0.1f, 1) == SF_OK, "%s", sf_error());
    for (int i = 0; i < 4; i++) EXPECT(x[i] >= 0.0f && x[i] < 0.1f, "uniform draw %g out of range", (double)x[i]);
}

/* Each 2-D toy set drawn without noise lies exactly where its definition puts it, in the proportions
 * it says, and its labels name the part each point came from. */
static void test_toy_sets_lie_on_their_definitions(void) {
    enum { N = 20000 };
    float *x = malloc(sizeof(float) * 2 * N);
    int *lab = malloc(sizeof(int) * N);
    const double tol = 1e-5; /* float rounding of coordinates of order one */

    EXPECT(sf_data_sample(x, lab, SF_DATA_MOONS, N, 0.0f, 1) == SF_OK, "%s", sf_error());
    int inner = 0, off = 0;
    for (int i = 0; i < N; i++) { /* outer: centre (−0.5, −0.25), upper half; inner: (0.5, 0.25), lower */
        double cx = lab[i] ? 0.5 : -0.5, cy = lab[i] ? 0.25 : -0.25;
        double r = hypot(x[2 * i] - cx, x[2 * i + 1] - cy), side = lab[i] ? cy - x[2 * i + 1] : x[2 * i + 1] - cy;
        off += fabs(r - 1.0) > tol || side < -tol;
        inner += lab[i] == 1;
    }
    EXPECT(off == 0, "moons: %d points off their half circles", off);
    EXPECT(fabs(inner - N / 2.0) < Z_BOUND * sqrt(N / 4.0), "moons: %d of %d inner", inner, N);

    EXPECT(sf_data_sample(x, lab, SF_DATA_EIGHT_GAUSSIANS, N, 0.0f, 2) == SF_OK, "%s", sf_error());
    int count[8] = {0};
    off = 0;
    for (int i = 0; i < N; i++) {
        double t = lab[i] * PI / 4;
        off += lab[i] < 0 || lab[i] > 7 || hypot(x[2 * i] - cos(t), x[2 * i + 1] - sin(t)) > tol;
        if (lab[i] >= 0 && lab[i] < 8) count[lab[i]]++;
    }
    EXPECT(off == 0, "eight Gaussians: %d centres wrong", off);
    for (int k = 0; k < 8; k++)
        EXPECT(fabs(count[k] - N / 8.0) < Z_BOUND * sqrt(N * (1 / 8.0) * (7 / 8.0)), "component %d: %d", k, count[k]);

    EXPECT(sf_data_sample(x, lab, SF_DATA_RINGS, N, 0.0f, 3) == SF_OK, "%s", sf_error());
    off = 0;
    for (int i = 0; i < N; i++) off += fabs(hypot(x[2 * i], x[2 * i + 1]) - (lab[i] ? 0.5 : 1.0)) > tol;
    EXPECT(off == 0, "rings: %d points off their ring", off);

    /* The board: column c = ⌊2(x + 1)⌋ and row r = ⌊2(y + 1)⌋ in 0..3; dark squares have c + r even,
     * and each of the 8 holds an eighth of the points. */
    EXPECT(sf_data_sample(x, NULL, SF_DATA_CHECKERBOARD, N, 0.0f, 4) == SF_OK, "%s", sf_error());
    int squares[16] = {0};
    off = 0;
    for (int i = 0; i < N; i++) {
        int c = (int)floor(2 * (x[2 * i] + 1)), r = (int)floor(2 * (x[2 * i + 1] + 1));
        if (c < 0 || c > 3 || r < 0 || r > 3 || (c + r) % 2)
            off++;
        else
            squares[4 * r + c]++;
    }
    EXPECT(off == 0, "checkerboard: %d points on light squares or outside", off);
    for (int q = 0; q < 16; q++)
        if ((q % 4 + q / 4) % 2 == 0)
            EXPECT(fabs(squares[q] - N / 8.0) < Z_BOUND * sqrt(N * (1 / 8.0) * (7 / 8.0)), "square %d: %d", q,
                   squares[q]);

    /* NCSN's mixture: weight 0.2 at (−1, −1); with its default noise the per-coordinate variance
     * about each mean is 0.2² = 0.04. */
    EXPECT(sf_data_sample(x, lab, SF_DATA_MIXTURE, N, sf_data_default_noise(SF_DATA_MIXTURE), 5) == SF_OK, "%s",
           sf_error());
    int low = 0;
    double ss = 0;
    for (int i = 0; i < N; i++) {
        double c = lab[i] == 0 ? -1.0 : 1.0;
        low += lab[i] == 0;
        ss += (x[2 * i] - c) * (x[2 * i] - c);
    }
    EXPECT(fabs(low - 0.2 * N) < Z_BOUND * sqrt(N * 0.2 * 0.8), "mixture: %d of %d in the 0.2 component", low, N);
    double var = ss / N;
    EXPECT(fabs(var - 0.04) < Z_BOUND * 0.04 * sqrt(2.0 / N), "mixture: component variance %g, want 0.04", var);
    EXPECT(sf_data_sample(x, NULL, SF_DATA_POINTS, 4, 0.0f, 1) == SF_EINVAL, "painted points sampled without a model");
    free(x), free(lab);
}

/* log p of a Gaussian mixture blurred by σ, in double, for finite differences. */
static double mixture_log_density(int dataset, double a, double b, double noise, double sigma) {
    double v = noise * noise + sigma * sigma, p = 0;
    for (int k = 0; k < (dataset == SF_DATA_MIXTURE ? 2 : 8); k++) {
        double mx, my, w;
        if (dataset == SF_DATA_MIXTURE)
            mx = my = k ? 1.0 : -1.0, w = k ? 0.8 : 0.2;
        else
            mx = cos(k * PI / 4), my = sin(k * PI / 4), w = 1.0 / 8;
        p += w * exp(-((a - mx) * (a - mx) + (b - my) * (b - my)) / (2 * v)) / (2 * PI * v);
    }
    return log(p);
}

/* sf_data_score is the gradient of the blurred mixture's log density (central differences), and
 * stays finite and right far from every mode, where the densities themselves underflow. */
static void test_closed_form_scores_are_gradients_of_log_density(void) {
    const int sets[] = {SF_DATA_MIXTURE, SF_DATA_EIGHT_GAUSSIANS};
    const float sigmas[] = {0.0f, 0.3f, 2.0f};
    const double h = 1e-5;
    for (int d = 0; d < 2; d++)
        for (int k = 0; k < 3; k++) {
            float noise = sf_data_default_noise(sets[d]), x[2 * 50], s[2 * 50];
            for (int i = 0; i < 100; i++) x[i] = (float)(1.7 * sin(i * 1.3 + d));
            EXPECT(sf_data_score(s, x, 50, sets[d], noise, sigmas[k]) == SF_OK, "%s", sf_error());
            double worst = 0;
            for (int i = 0; i < 50; i++) {
                double a = x[2 * i], b = x[2 * i + 1];
                double ga = (mixture_log_density(sets[d], a + h, b, noise, sigmas[k]) -
                             mixture_log_density(sets[d], a - h, b, noise, sigmas[k])) /
                            (2 * h);
                double gb = (mixture_log_density(sets[d], a, b + h, noise, sigmas[k]) -
                             mixture_log_density(sets[d], a, b - h, noise, sigmas[k])) /
                            (2 * h);
                worst = fmax(worst, fmax(fabs(s[2 * i] - ga), fabs(s[2 * i + 1] - gb)) / (1 + fabs(ga) + fabs(gb)));
            }
            EXPECT(worst < 1e-4, "dataset %d sigma %g: score vs finite differences %g", sets[d], (double)sigmas[k],
                   worst);
        }
    /* Far away, the mixture's score is the nearest mode's pull: at (40, 40), (μ − x)/v toward (1, 1). */
    float far[2] = {40.0f, 40.0f}, s[2];
    EXPECT(sf_data_score(s, far, 1, SF_DATA_MIXTURE, 0.2f, 0.0f) == SF_OK, "%s", sf_error());
    EXPECT(fabs(s[0] - (1 - 40) / 0.04) < 1e-3 * 975, "far score %g, want %g", (double)s[0], (1 - 40) / 0.04);
    EXPECT(sf_data_score(s, far, 1, SF_DATA_SWISS_ROLL, 1.0f, 0.0f) == SF_EINVAL, "a swiss roll has no closed form");
    EXPECT(sf_data_score(s, far, 1, SF_DATA_MIXTURE, 0.0f, 0.0f) == SF_EINVAL, "zero total variance accepted");
}

/* Energy distance: 2 for point masses one apart (2·1 − 0 − 0), zero in expectation between two samples
 * of one distribution, clearly positive between the two moons' separate halves. */
static void test_energy_distance_has_its_known_values(void) {
    float zeros[3] = {0, 0, 0}, ones[4] = {1, 1, 1, 1};
    double ed = -1;
    EXPECT(sf_energy_distance(&ed, zeros, 3, ones, 4, 1) == SF_OK && fabs(ed - 2.0) < 1e-12, "point masses: %g", ed);
    enum { N = 1500 };
    float *a = malloc(sizeof(float) * 2 * N), *b = malloc(sizeof(float) * 2 * N);
    sf_data_sample(a, NULL, SF_DATA_SWISS_ROLL, N, 1.0f, 1);
    sf_data_sample(b, NULL, SF_DATA_SWISS_ROLL, N, 1.0f, 2);
    double same, shifted;
    EXPECT(sf_energy_distance(&same, a, N, b, N, 2) == SF_OK, "%s", sf_error());
    for (int i = 0; i < 2 * N; i += 2) b[i] += 0.3f;
    EXPECT(sf_energy_distance(&shifted, a, N, b, N, 2) == SF_OK, "%s", sf_error());
    printf("  # swiss roll vs itself %.5f, vs shifted by 0.3: %.5f\n", same, shifted);
    EXPECT(fabs(same) < 0.01, "two samples of one roll: %g", same);
    EXPECT(shifted > 10 * fabs(same) && shifted > 0.02, "a 0.3 shift is not seen: %g vs %g", shifted, same);
    EXPECT(sf_energy_distance(&ed, a, 1, b, N, 2) == SF_EINVAL, "one point accepted");
    a[3] = NAN;
    EXPECT(sf_energy_distance(&ed, a, N, b, N, 2) == SF_EINVAL, "NaN accepted");
    free(a), free(b);
}

/* The table as the WebAssembly modules receive it (pixels, then labels) passes sf_data_load_digits;
 * one changed pixel, one changed label or a wrong length does not. */
static void test_digits_table_bytes_are_checked_on_loading(void) {
    enum { PX = SF_DIGITS_ROWS * SF_DIGITS_PIXELS, SIZE = PX + SF_DIGITS_ROWS };
    unsigned char *t = malloc(SIZE);
    memcpy(t, sf_digits_pixels, PX);
    memcpy(t + PX, sf_digits_labels, SF_DIGITS_ROWS);
    EXPECT(sf_data_load_digits(t, SIZE) == SF_OK, "%s", sf_error());
    t[100] = (unsigned char)(t[100] + 1);
    EXPECT(sf_data_load_digits(t, SIZE) == SF_EINVAL && strstr(sf_error(), "check sums"), "a changed pixel: %s",
           sf_error());
    t[100] = (unsigned char)(t[100] - 1);
    t[PX + 5] = (unsigned char)((t[PX + 5] + 1) % 10);
    EXPECT(sf_data_load_digits(t, SIZE) == SF_EINVAL, "a changed label accepted");
    EXPECT(sf_data_load_digits(t, SIZE - 1) == SF_EINVAL && strstr(sf_error(), "116805 bytes"), "short: %s",
           sf_error());
    EXPECT(sf_data_load_digits(NULL, SIZE) == SF_EINVAL, "NULL accepted");
    free(t);
}

/* sf_uniform_box: every coordinate inside its side, the mean of each side at its centre (within
 * 5 SE of a uniform's (hi − lo)/√12), seeded; sf_points_sample: the draws are the points plus noise
 * of the asked standard deviation, each point chosen with equal probability; bad input refused. */
static void test_box_and_painted_point_draws_have_known_moments(void) {
    enum { N = 20000 };
    static float x[2 * N], y[2 * N];
    const float lo[2] = {-2.0f, 0.5f}, hi[2] = {1.0f, 0.75f};
    EXPECT(sf_uniform_box(x, N, 2, lo, hi, 9) == SF_OK, "%s", sf_error());
    EXPECT(sf_uniform_box(y, N, 2, lo, hi, 9) == SF_OK && memcmp(x, y, sizeof x) == 0, "seeded draws differ");
    for (int d = 0; d < 2; d++) {
        double mean = 0;
        for (int i = 0; i < N; i++) {
            float v = x[2 * i + d];
            EXPECT(v >= lo[d] && v < hi[d], "coordinate %d = %g outside [%g, %g)", d, (double)v, (double)lo[d],
                   (double)hi[d]);
            mean += v;
        }
        mean /= N;
        double se = (hi[d] - lo[d]) / sqrt(12.0 * N);
        EXPECT(fabs(mean - 0.5 * (lo[d] + hi[d])) < 5 * se, "side %d mean %g", d, mean);
    }
    const float bad_hi[2] = {1.0f, 0.25f};
    EXPECT(sf_uniform_box(x, N, 2, lo, bad_hi, 9) == SF_EINVAL && strstr(sf_error(), "box side 1"), "%s", sf_error());

    const float points[4] = {0.0f, 0.0f, 5.0f, 5.0f};
    const float noise = 0.3f;
    EXPECT(sf_points_sample(x, points, 2, N, noise, 4) == SF_OK, "%s", sf_error());
    int first = 0;
    double ss = 0;
    for (int i = 0; i < N; i++) {
        const float *p = x[2 * i] + x[2 * i + 1] < 5.0f ? points : points + 2;
        first += p == points;
        for (int d = 0; d < 2; d++) ss += (x[2 * i + d] - p[d]) * (x[2 * i + d] - p[d]);
    }
    double var = ss / (2.0 * N), want = (double)noise * noise;
    EXPECT(fabs(var - want) < 5 * want * sqrt(1.0 / N), "noise variance %g, want %g", var, want);
    EXPECT(fabs(first - N / 2.0) < 5 * sqrt(N / 4.0), "%d of %d draws at the first point", first, N);
    EXPECT(sf_points_sample(x, points, 0, N, noise, 4) == SF_EINVAL && strstr(sf_error(), "point count"), "%s",
           sf_error());
    EXPECT(sf_points_sample(x, points, 2, N, -1.0f, 4) == SF_EINVAL && strstr(sf_error(), "noise"), "%s", sf_error());
}

/* sf_points_fit_box: against the formula in double for points of another centre and aspect (their
 * bounding box lands centred in the box, the tighter side spanning `fill` of it, the shape kept); a
 * vertical line scales by its height; a single place moves to the centre; in place gives the same
 * bits; bad input is refused and leaves out untouched. */
static void test_points_fit_box_centres_and_scales_into_the_box(void) {
    enum { N = 37 };
    static float p[2 * N], out[2 * N], again[2 * N];
    for (int i = 0; i < N; i++) { /* varied, never round: x in ~[97, 103], y in ~[-5.5, -4.5] */
        p[2 * i] = (float)(100.0 + 3.0 * sin(i * 1.7));
        p[2 * i + 1] = (float)(-5.0 + 0.5 * cos(i * 0.9 + 0.3));
    }
    const float box[4] = {-1.5f, 2.0f, -1.0f, 1.5f}, fill = 0.9f; /* xmin, xmax, ymin, ymax */
    EXPECT(sf_points_fit_box(out, p, N, box[0], box[1], box[2], box[3], fill) == SF_OK, "%s", sf_error());
    double lo[2] = {INFINITY, INFINITY}, hi[2] = {-INFINITY, -INFINITY}, olo[2] = {INFINITY, INFINITY},
           ohi[2] = {-INFINITY, -INFINITY};
    for (int i = 0; i < N; i++)
        for (int d = 0; d < 2; d++) {
            lo[d] = fmin(lo[d], p[2 * i + d]), hi[d] = fmax(hi[d], p[2 * i + d]);
            olo[d] = fmin(olo[d], out[2 * i + d]), ohi[d] = fmax(ohi[d], out[2 * i + d]);
        }
    double s = fill * fmin((box[1] - box[0]) / (hi[0] - lo[0]), (box[3] - box[2]) / (hi[1] - lo[1]));
    for (int i = 0; i < N; i++)
        for (int d = 0; d < 2; d++) {
            double want = 0.5 * (box[2 * d] + box[2 * d + 1]) + s * (p[2 * i + d] - 0.5 * (lo[d] + hi[d]));
            EXPECT(fabs(out[2 * i + d] - want) <= 2 * FLT_EPSILON * fabs(want) + 1e-7, "point %d coord %d: %g, want %g",
                   i, d, (double)out[2 * i + d], want);
        }
    for (int d = 0; d < 2; d++) {
        double mid = 0.5 * (olo[d] + ohi[d]);
        EXPECT(fabs(mid - 0.5 * (box[2 * d] + box[2 * d + 1])) < 1e-5, "axis %d centred at %g", d, mid);
        EXPECT(olo[d] >= box[2 * d] && ohi[d] <= box[2 * d + 1], "axis %d outside the box", d);
    }
    /* x is the tighter axis here (3.5 / ~6 against 2.5 / ~1): it spans fill of the box. */
    EXPECT(fabs((ohi[0] - olo[0]) - fill * (box[1] - box[0])) < 1e-5, "x spans %g", ohi[0] - olo[0]);
    EXPECT(fabs((ohi[0] - olo[0]) / (ohi[1] - olo[1]) - (hi[0] - lo[0]) / (hi[1] - lo[1])) < 1e-4, "shape changed");
    memcpy(again, p, sizeof p);
    EXPECT(sf_points_fit_box(again, again, N, box[0], box[1], box[2], box[3], fill) == SF_OK, "%s", sf_error());
    EXPECT(memcmp(again, out, sizeof out) == 0, "in place differs");

    const float line[6] = {7, 1, 7, 3, 7, 2}, one[4] = {5, -5, 5, -5};
    float lo_out[6];
    EXPECT(sf_points_fit_box(lo_out, line, 3, -1, 1, -1, 1, 1) == SF_OK, "%s", sf_error());
    EXPECT(lo_out[0] == 0 && lo_out[1] == -1 && lo_out[3] == 1 && lo_out[5] == 0, "line: %g %g %g %g",
           (double)lo_out[0], (double)lo_out[1], (double)lo_out[3], (double)lo_out[5]);
    EXPECT(sf_points_fit_box(lo_out, one, 2, -1, 3, -1, 1, 0.5f) == SF_OK, "%s", sf_error());
    EXPECT(lo_out[0] == 1 && lo_out[1] == 0 && lo_out[2] == 1 && lo_out[3] == 0, "one place: %g %g", (double)lo_out[0],
           (double)lo_out[1]);

    float keep[4] = {42, 42, 42, 42};
    const float nan_pts[4] = {0, NAN, 1, 1};
    EXPECT(sf_points_fit_box(keep, nan_pts, 2, -1, 1, -1, 1, 1) == SF_EINVAL && strstr(sf_error(), "NaN"), "%s",
           sf_error());
    EXPECT(sf_points_fit_box(keep, one, 2, 1, -1, -1, 1, 1) == SF_EINVAL && strstr(sf_error(), "xmin < xmax"), "%s",
           sf_error());
    EXPECT(sf_points_fit_box(keep, one, 2, -1, 1, -1, 1, 0) == SF_EINVAL && strstr(sf_error(), "fill"), "%s",
           sf_error());
    EXPECT(sf_points_fit_box(keep, one, 2, -1, 1, -1, 1, 1.5f) == SF_EINVAL && strstr(sf_error(), "fill"), "%s",
           sf_error());
    EXPECT(sf_points_fit_box(keep, one, 0, -1, 1, -1, 1, 1) == SF_EINVAL && strstr(sf_error(), "point count"), "%s",
           sf_error());
    EXPECT(sf_points_fit_box(keep, one, SF_MAX_POINTS + 1, -1, 1, -1, 1, 1) == SF_EINVAL, "too many accepted");
    EXPECT(keep[0] == 42 && keep[1] == 42 && keep[2] == 42 && keep[3] == 42, "out changed on an error");
}

int main(void) {
    RUN(test_digits_table_matches_published_check_sums);
    RUN(test_digit_batches_are_table_rows_over_16);
    RUN(test_digit_noise_has_the_requested_variance);
    RUN(test_swiss_roll_moments_match_closed_forms);
    RUN(test_generators_are_deterministic);
    RUN(test_data_sample_rejects_bad_arguments);
    RUN(test_toy_sets_lie_on_their_definitions);
    RUN(test_digits_table_bytes_are_checked_on_loading);
    RUN(test_closed_form_scores_are_gradients_of_log_density);
    RUN(test_energy_distance_has_its_known_values);
    RUN(test_box_and_painted_point_draws_have_known_moments);
    RUN(test_points_fit_box_centres_and_scales_into_the_box);
    return TH_EXIT();
}
