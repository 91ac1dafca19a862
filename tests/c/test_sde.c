/* test_sde.c — the score-SDE samplers on targets whose answers are known.
 *
 * Gaussian data N(μ, s²I): the data blurred by N(0, σ²I) is N(μ, (s² + σ²)I), whose score
 * −(x − μ)/(s² + σ²) drives every sampler exactly. Each sampler must end at mean μ and variance s² per
 * coordinate within 5 standard errors (plus the small known bias of starting at the prior N(0, σ_max²)
 * rather than N(μ, s² + σ_max²), and a stated discretisation allowance). A dropped term fails: without
 * the noise the SDE collapses to μ (variance ≈ 0), without the second Heun evaluation Heun at 20 steps
 * is Euler's 10 % error, a sign error sends the chains to infinity. Also: a run cut into chunks gives
 * the same bits as one call, the NFE each sampler reports, bad input, and a model as the scorer.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "scorefield.h"

#define Z_BOUND 5.0

static const double MU[2] = {0.3, -0.2};
#define S_DATA 0.5

static int gaussian_score(void *ctx, float *s, const float *x, int n, int dim, float sigma) {
    (void)ctx;
    const double v = S_DATA * S_DATA + (double)sigma * sigma;
    for (int i = 0; i < n; i++)
        for (int d = 0; d < dim; d++) s[i * dim + d] = (float)(-((double)x[i * dim + d] - MU[d]) / v);
    return 0;
}

static void moments(const float *x, int n, int d, double *mean, double *var) {
    double m = 0, ss = 0;
    for (int i = 0; i < n; i++) m += x[2 * i + d];
    m /= n;
    for (int i = 0; i < n; i++) ss += (x[2 * i + d] - m) * (x[2 * i + d] - m);
    *mean = m, *var = ss / (n - 1);
}

static void test_every_sampler_recovers_a_gaussians_mean_and_variance(void) {
    enum { N = 20000 };
    static float out[2 * N];
    /* sampler, steps, relative variance allowance for the discretisation, NFE expected */
    const struct {
        int sampler, steps;
        double allow;
        long long nfe;
    } cases[] = {
        {SF_SAMPLER_SDE, 1000, 0.03, 1000},  {SF_SAMPLER_PC, 500, 0.03, 1000}, {SF_SAMPLER_ODE_EULER, 1000, 0.03, 1000},
        {SF_SAMPLER_ODE_HEUN, 18, 0.05, 35}, {SF_SAMPLER_EDM, 40, 0.05, 79},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        sf_sde_config c = sf_sde_config_default(SF_DATA_MIXTURE, cases[k].sampler);
        c.sigma_max = 10.0f, c.sigma_min = 0.01f, c.steps = cases[k].steps, c.seed = 11 + k;
        long long nfe = -1;
        EXPECT(sf_sde_sample_fn(gaussian_score, NULL, 2, out, NULL, N, &c, 0, &nfe) == SF_OK, "%s", sf_error());
        EXPECT(nfe == cases[k].nfe, "sampler %d: NFE %lld, want %lld", cases[k].sampler, nfe, cases[k].nfe);
        const double bias = S_DATA / sqrt(S_DATA * S_DATA + 10.0 * 10.0);
        for (int d = 0; d < 2; d++) {
            double mean, var;
            moments(out, N, d, &mean, &var);
            const double se_m = S_DATA / sqrt(N), want_v = S_DATA * S_DATA, se_v = want_v * sqrt(2.0 / (N - 1));
            EXPECT(fabs(mean - MU[d]) < Z_BOUND * se_m + fabs(MU[d]) * bias, "sampler %d: mean[%d] %.4f, want %.4f",
                   cases[k].sampler, d, mean, MU[d]);
            EXPECT(fabs(var - want_v) < Z_BOUND * se_v + cases[k].allow * want_v,
                   "sampler %d: var[%d] %.4f, want %.4f (se %.4f)", cases[k].sampler, d, var, want_v, se_v);
        }
    }
}

/* Heun's second evaluation is what makes 18 steps enough: Euler at the same 18 steps is visibly off. */
static void test_euler_at_few_steps_is_off_where_heun_is_not(void) {
    enum { N = 20000 };
    static float out[2 * N];
    sf_sde_config c = sf_sde_config_default(SF_DATA_MIXTURE, SF_SAMPLER_ODE_EULER);
    c.sigma_max = 10.0f, c.sigma_min = 0.01f, c.steps = 18, c.seed = 3;
    EXPECT(sf_sde_sample_fn(gaussian_score, NULL, 2, out, NULL, N, &c, 0, NULL) == SF_OK, "%s", sf_error());
    double mean, var;
    moments(out, N, 0, &mean, &var);
    EXPECT(fabs(var - S_DATA * S_DATA) > 0.1 * S_DATA * S_DATA, "Euler at 18 steps: var %.4f is too good", var);
}

static void test_a_run_in_chunks_gives_the_same_bits_as_one_call(void) {
    enum { N = 300 };
    static float a[2 * N], b[2 * N];
    for (int sampler = SF_SAMPLER_SDE; sampler < SF_SAMPLER_COUNT; sampler++) {
        sf_sde_config c = sf_sde_config_default(SF_DATA_MIXTURE, sampler);
        c.steps = 23, c.seed = 5;
        EXPECT(sf_sde_sample_fn(gaussian_score, NULL, 2, a, NULL, N, &c, 0, NULL) == SF_OK, "%s", sf_error());
        sf_sde_run r;
        EXPECT(sf_sde_begin(&r, &c, 2, b, NULL, N) == SF_OK, "%s", sf_error());
        int calls = 0;
        while (r.step < c.steps && calls++ < 100)
            EXPECT(sf_sde_step_fn(&r, gaussian_score, NULL, b, 4) == SF_OK, "step");
        EXPECT(r.step == c.steps, "sampler %d: run ended at step %d", sampler, r.step);
        EXPECT(memcmp(a, b, sizeof a) == 0, "sampler %d: chunked run differs", sampler);
    }
}

static void test_bad_settings_are_refused_by_name(void) {
    float x[4];
    const sf_sde_config good = sf_sde_config_default(SF_DATA_MOONS, SF_SAMPLER_PC);
    sf_sde_config c = good;
    c.sampler = SF_SAMPLER_ANNEALED;
    EXPECT(sf_sde_sample_fn(gaussian_score, NULL, 2, x, NULL, 2, &c, 0, NULL) == SF_EINVAL &&
               strstr(sf_error(), "sampler id 0"),
           "%s", sf_error());
    c = good, c.steps = 0;
    EXPECT(sf_sde_sample_fn(gaussian_score, NULL, 2, x, NULL, 2, &c, 0, NULL) == SF_EINVAL &&
               strstr(sf_error(), "steps must be"),
           "%s", sf_error());
    c = good, c.snr = -1;
    EXPECT(sf_sde_sample_fn(gaussian_score, NULL, 2, x, NULL, 2, &c, 0, NULL) == SF_EINVAL && strstr(sf_error(), "snr"),
           "%s", sf_error());
    c = good, c.rho = 0.5f;
    EXPECT(sf_sde_sample_fn(gaussian_score, NULL, 2, x, NULL, 2, &c, 0, NULL) == SF_EINVAL && strstr(sf_error(), "rho"),
           "%s", sf_error());
    c = good, c.sigma_min = 5;
    EXPECT(sf_sde_sample_fn(gaussian_score, NULL, 2, x, NULL, 2, &c, 0, NULL) == SF_EINVAL &&
               strstr(sf_error(), "sigma_max >= sigma_min"),
           "%s", sf_error());
}

static void test_a_noise_conditional_model_drives_every_sampler(void) {
    sf_net_config nc = sf_net_config_default(2);
    nc.hidden = 32, nc.noise_conditional = 1;
    sf_model *m;
    EXPECT(sf_model_create(&m, &nc) == SF_OK, "%s", sf_error());
    float out[2 * 50 * 11];
    for (int sampler = SF_SAMPLER_SDE; sampler < SF_SAMPLER_COUNT; sampler++) {
        sf_sde_config c = sf_sde_config_default(SF_DATA_MOONS, sampler);
        c.steps = 10;
        long long nfe = 0;
        EXPECT(sf_sde_sample(m, out, NULL, 50, &c, 1, &nfe) == SF_OK, "%s", sf_error());
        EXPECT(nfe > 0, "no NFE");
    }
    sf_model_free(m);
    nc.noise_conditional = 0;
    EXPECT(sf_model_create(&m, &nc) == SF_OK, "%s", sf_error());
    sf_sde_config c = sf_sde_config_default(SF_DATA_MOONS, SF_SAMPLER_SDE);
    EXPECT(sf_sde_sample(m, out, NULL, 5, &c, 0, NULL) == SF_EINVAL && strstr(sf_error(), "noise-conditional"), "%s",
           sf_error());
    sf_model_free(m);
}

/* VESDE's loss on given arrays is NCSN's term at each point's σ; with EDM's σ distribution each term is
 * weighted by (σ² + σ_d²)/σ_d² (σ_d = 0.7), so a one-point batch's loss and gradient scale by exactly
 * that (to float rounding). Training with either distribution lowers the loss. */
static void test_vesde_loss_is_ncsns_term_with_edms_weight(void) {
    sf_net_config nc = sf_net_config_default(2);
    nc.hidden = 16, nc.noise_conditional = 1;
    sf_model *m;
    EXPECT(sf_model_create(&m, &nc) == SF_OK, "%s", sf_error());
    const int P = sf_model_param_count(m);
    float *g0 = malloc(sizeof(float) * P);
    const float x[2] = {0.4f, -0.3f}, aux[3] = {0.7f, -1.1f, 0.5f}; /* z (1, 2), then σ */
    float l_ncsn, l_vesde;
    EXPECT(sf_model_loss_grad(m, &l_ncsn, SF_OBJ_NCSN, x, aux, 1, 1, 0) == SF_OK, "%s", sf_error());
    memcpy(g0, sf_model_grad(m), sizeof(float) * P);
    EXPECT(sf_model_loss_grad(m, &l_vesde, SF_OBJ_VESDE, x, aux, 1, 1, 0) == SF_OK, "%s", sf_error());
    EXPECT(l_vesde == l_ncsn, "log-uniform VESDE %g differs from NCSN %g", (double)l_vesde, (double)l_ncsn);
    sf_train_config tc = sf_train_config_default(SF_DATA_MIXTURE);
    tc.objective = SF_OBJ_VESDE, tc.sigma_dist = SF_SIGMA_EDM;
    EXPECT(sf_model_set_train(m, &tc) == SF_OK, "%s", sf_error());
    EXPECT(sf_model_loss_grad(m, &l_vesde, SF_OBJ_VESDE, x, aux, 1, 1, 0) == SF_OK, "%s", sf_error());
    const double w = (0.25 + 0.49) / 0.49;
    EXPECT(fabs(l_vesde / l_ncsn - w) < 1e-5 * w, "EDM-weighted loss ratio %g, want %g", l_vesde / l_ncsn, w);
    const float *g = sf_model_grad(m);
    for (int i = 0; i < P; i++)
        EXPECT(fabs(g[i] - w * g0[i]) <= 1e-5 * fabs(w * g0[i]) + 1e-12, "grad %d: %g vs %g", i, (double)g[i],
               w * g0[i]);
    tc.sigma_dist = 2;
    EXPECT(sf_model_set_train(m, &tc) == SF_EINVAL && strstr(sf_error(), "sigma distribution"), "%s", sf_error());
    for (int dist = SF_SIGMA_LOG_UNIFORM; dist <= SF_SIGMA_EDM; dist++) {
        tc.sigma_dist = dist, tc.lr = 3e-3f;
        EXPECT(sf_model_set_train(m, &tc) == SF_OK, "%s", sf_error());
        static float losses[600];
        EXPECT(sf_model_train(m, 600, losses) == SF_OK, "%s", sf_error());
        double first = 0, last = 0;
        for (int i = 0; i < 100; i++) first += losses[i], last += losses[500 + i];
        EXPECT(last < first, "dist %d: loss %g -> %g did not fall", dist, first / 100, last / 100);
    }
    free(g0);
    sf_model_free(m);
}

/* The ODE likelihood of points under the exact score of Gaussian data equals the closed form
 * log N(x; μ, (s² + σ_min²)I) within 1e-3 nats. σ_max = 10⁴: the prior N(0, σ_max²) differs from the
 * blurred data's N(μ, s² + σ_max²) by about μ·(x − μ)/(σ_max·s) nats, 1e-2 at σ_max = 100. 2000 steps: the
 * divergence integral is a trapezoid rule on the ρ grid, 2.6e-3 nats off at 400 steps over this range.
 * A dropped or mis-signed divergence term is off by nats. */
static void test_ode_likelihood_of_gaussian_data_matches_the_closed_form(void) {
    const float x[8] = {0.3f, -0.2f, 1.0f, 0.5f, -0.6f, -1.1f, 2.0f, 0.0f};
    double out[4];
    sf_likelihood_config c = sf_likelihood_config_default(SF_DATA_MIXTURE);
    c.sigma_max = 1e4f, c.sigma_min = 0.01f, c.steps = 2000;
    EXPECT(sf_log_likelihood_fn(gaussian_score, NULL, 2, out, x, 4, &c) == SF_OK, "%s", sf_error());
    const double v = S_DATA * S_DATA + 0.01 * 0.01;
    for (int i = 0; i < 4; i++) {
        double q = 0;
        for (int d = 0; d < 2; d++) q += (x[2 * i + d] - MU[d]) * (x[2 * i + d] - MU[d]);
        const double want = -0.5 * q / v - log(2 * 3.14159265358979323846 * v);
        EXPECT(fabs(out[i] - want) < 1e-3, "point %d: log p %.6f, want %.6f", i, out[i], want);
    }
    c.probes = 1;
    EXPECT(sf_log_likelihood_fn(gaussian_score, NULL, 2, out, x, 4, &c) == SF_EINVAL && strstr(sf_error(), "probes"),
           "%s", sf_error());
}

/* The fitted Gaussian: four points with mean (1, 2) and deviations (1, 1), (−1, −1), (0.5, −0.5),
 * (−0.5, 0.5), so the sample covariance is [[2.5, 1.5], [1.5, 2.5]]/3, and log N(x; μ, C) is the
 * closed form with C's 2 × 2 inverse and determinant; points on a line, one point and NaN are refused
 * by name. */
static void test_gaussian_fit_matches_the_closed_form(void) {
    const float x[8] = {2.0f, 3.0f, 0.0f, 1.0f, 1.5f, 1.5f, 0.5f, 2.5f};
    const double a = (1 + 1 + 0.25 + 0.25) / 3.0, b = a, c = (1 + 1 - 0.25 - 0.25) / 3.0, det = a * b - c * c;
    double fit[SF_GAUSSIAN_FIT_SIZE(2)], out[3];
    EXPECT(sf_gaussian_fit(fit, x, 4, 2) == SF_OK, "%s", sf_error());
    EXPECT(fabs(fit[1] - 1) < 1e-12 && fabs(fit[2] - 2) < 1e-12, "mean (%g, %g)", fit[1], fit[2]);
    EXPECT(fabs(fit[0] - log(det)) < 1e-12, "log det %.15g, want %.15g", fit[0], log(det));
    const float q[6] = {1.0f, 2.0f, 0.0f, 0.0f, 3.0f, 1.0f};
    EXPECT(sf_gaussian_log_density(out, fit, q, 3, 2) == SF_OK, "%s", sf_error());
    for (int i = 0; i < 3; i++) {
        const double u = q[2 * i] - 1.0, v = q[2 * i + 1] - 2.0;
        const double m = (b * u * u - 2 * c * u * v + a * v * v) / det;
        const double want = -0.5 * m - 0.5 * log(det) - log(2 * 3.14159265358979323846);
        EXPECT(fabs(out[i] - want) < 1e-12, "point %d: log N %.15g, want %.15g", i, out[i], want);
    }
    const float line[6] = {0.0f, 0.0f, 1.0f, 2.0f, 2.0f, 4.0f};
    EXPECT(sf_gaussian_fit(fit, line, 3, 2) == SF_EINVAL && strstr(sf_error(), "not positive definite"), "%s",
           sf_error());
    EXPECT(sf_gaussian_fit(fit, x, 1, 2) == SF_EINVAL && strstr(sf_error(), "at least 2"), "%s", sf_error());
    const float bad[4] = {0.0f, 1.0f, NAN, 0.0f};
    EXPECT(sf_gaussian_fit(fit, bad, 2, 2) == SF_EINVAL && strstr(sf_error(), "point 1"), "%s", sf_error());
}

static sf_model *score_model;
static int model_score_fn(void *ctx, float *s, const float *x, int n, int dim, float sigma) {
    (void)ctx, (void)dim;
    return sf_model_score_sigma(score_model, s, x, n, sigma);
}

/* On a trained noise-conditional net: the exact divergence by forward-mode tangents gives the same
 * likelihood as central differences of the net's score (so the tangents of the input row and output
 * map are right), and Hutchinson's estimate with 64 probes is unbiased against it: the mean over 200
 * points differs by less than 5 standard errors of the per-point differences. */
static void test_model_likelihood_exact_divergence_and_hutchinson_agree(void) {
    enum { N = 200 };
    sf_net_config nc = sf_net_config_default(2);
    nc.hidden = 32, nc.noise_conditional = 1;
    sf_model *m;
    EXPECT(sf_model_create(&m, &nc) == SF_OK, "%s", sf_error());
    sf_train_config tc = sf_train_config_default(SF_DATA_MOONS);
    tc.objective = SF_OBJ_VESDE;
    EXPECT(sf_model_set_train(m, &tc) == SF_OK && sf_model_train(m, 300, NULL) == SF_OK, "%s", sf_error());
    static float x[2 * N];
    static double exact[N], fd[N], hutch[N];
    EXPECT(sf_data_sample(x, NULL, SF_DATA_MOONS, N, sf_data_default_noise(SF_DATA_MOONS), 8) == SF_OK, "%s",
           sf_error());
    sf_likelihood_config c = sf_likelihood_config_default(SF_DATA_MOONS);
    c.steps = 30;
    EXPECT(c.probes == 0, "2-D default is the exact divergence");
    EXPECT(sf_log_likelihood(m, exact, x, N, &c) == SF_OK, "%s", sf_error());
    score_model = m;
    EXPECT(sf_log_likelihood_fn(model_score_fn, NULL, 2, fd, x, 20, &c) == SF_OK, "%s", sf_error());
    for (int i = 0; i < 20; i++)
        EXPECT(fabs(exact[i] - fd[i]) < 2e-3 * (1 + fabs(exact[i])), "point %d: tangents %.5f, differences %.5f", i,
               exact[i], fd[i]);
    c.probes = 64, c.seed = 3;
    EXPECT(sf_log_likelihood(m, hutch, x, N, &c) == SF_OK, "%s", sf_error());
    double mean = 0, ss = 0;
    for (int i = 0; i < N; i++) mean += hutch[i] - exact[i];
    mean /= N;
    for (int i = 0; i < N; i++) ss += (hutch[i] - exact[i] - mean) * (hutch[i] - exact[i] - mean);
    const double se = sqrt(ss / (N - 1) / N);
    EXPECT(fabs(mean) < 5 * se + 1e-6, "Hutchinson's bias %.5f (se %.5f)", mean, se);
    EXPECT(se > 0, "the probes changed nothing");
    sf_model_free(m);
}

/* Annealed Langevin in chunks (sf_anneal_run) ends with the bits of sf_annealed_langevin from the same
 * start, on a score function and on a model; the likelihood of a set cut into pieces
 * (sf_log_likelihood_at) has the bits of one call, Hutchinson's probes included. */
static void test_annealed_runs_and_likelihood_pieces_match_one_call(void) {
    enum { N = 300 };
    static float x0[2 * N], one[2 * N], x[2 * N];
    sf_uniform(x0, 2 * N, -2.0f, 2.0f, 5);
    sf_anneal_config ac = sf_anneal_config_default(SF_DATA_MIXTURE);
    ac.levels = 5, ac.steps = 7, ac.seed = 9;
    EXPECT(sf_annealed_langevin_fn(gaussian_score, NULL, 2, one, x0, N, &ac, SF_KEEP_LAST) == SF_OK, "%s", sf_error());
    sf_anneal_run r;
    EXPECT(sf_anneal_begin(&r, &ac, 2, x, x0, N) == SF_OK, "%s", sf_error());
    const int cuts[] = {1, 3, 0, 10, 100};
    for (size_t k = 0; k < sizeof cuts / sizeof cuts[0]; k++)
        EXPECT(sf_anneal_step_fn(&r, gaussian_score, NULL, x, cuts[k]) == SF_OK, "%s", sf_error());
    EXPECT(r.step == 35 && r.nfe == 35, "step %d nfe %lld", r.step, r.nfe);
    EXPECT(memcmp(x, one, sizeof x) == 0, "annealed run in chunks differs from one call");
    EXPECT(sf_anneal_begin(&r, &ac, 2, x, NULL, N) == SF_OK, "%s", sf_error());
    double var = 0;
    for (int i = 0; i < 2 * N; i++) var += (double)x[i] * x[i];
    var /= 2 * N;
    EXPECT(fabs(var / ((double)ac.sigma_max * ac.sigma_max) - 1) < 0.15, "prior variance %g", var);
    ac.eps = 0;
    EXPECT(sf_anneal_begin(&r, &ac, 2, x, x0, N) == SF_EINVAL && strstr(sf_error(), "eps"), "%s", sf_error());

    sf_net_config nc = sf_net_config_default(2);
    nc.hidden = 16, nc.noise_conditional = 1;
    sf_model *m;
    EXPECT(sf_model_create(&m, &nc) == SF_OK, "%s", sf_error());
    ac = sf_anneal_config_default(SF_DATA_MIXTURE);
    ac.levels = 3, ac.steps = 4;
    EXPECT(sf_annealed_langevin(m, one, x0, N, &ac, SF_KEEP_LAST) == SF_OK, "%s", sf_error());
    EXPECT(sf_anneal_begin(&r, &ac, 2, x, x0, N) == SF_OK, "%s", sf_error());
    EXPECT(sf_anneal_step(&r, m, x, 5) == SF_OK && sf_anneal_step(&r, m, x, 7) == SF_OK, "%s", sf_error());
    EXPECT(memcmp(x, one, sizeof x) == 0, "a model's annealed run in chunks differs from one call");

    static double whole[N], piece[N];
    sf_likelihood_config lc = sf_likelihood_config_default(SF_DATA_MIXTURE);
    lc.steps = 10, lc.probes = 2, lc.seed = 4;
    EXPECT(sf_log_likelihood(m, whole, x0, N, &lc) == SF_OK, "%s", sf_error());
    const int at[] = {0, 1, 50, 257, N};
    for (int k = 0; k + 1 < 5; k++)
        EXPECT(sf_log_likelihood_at(m, piece + at[k], x0 + 2 * at[k], at[k + 1] - at[k], &lc, at[k]) == SF_OK, "%s",
               sf_error());
    EXPECT(memcmp(whole, piece, sizeof whole) == 0, "likelihood in pieces differs from one call");
    EXPECT(sf_log_likelihood_at(m, piece, x0, 1, &lc, -1) == SF_EINVAL && strstr(sf_error(), "-1"), "%s", sf_error());

    double sum[4];
    const double v[3] = {-1.0, -2.0, -3.0};
    EXPECT(sf_likelihood_summary(sum, v, 3, 2) == SF_OK, "%s", sf_error());
    EXPECT(fabs(sum[0] + 2) < 1e-12 && fabs(sum[1] - 1 / sqrt(3.0)) < 1e-12, "mean %g se %g", sum[0], sum[1]);
    EXPECT(fabs(sum[2] - 2 / (2 * log(2.0))) < 1e-12, "bits/dim %g", sum[2]);
    const double bad[2] = {0.0, NAN};
    EXPECT(sf_likelihood_summary(sum, bad, 2, 2) == SF_EINVAL && strstr(sf_error(), "[1]"), "%s", sf_error());

    float sig[11];
    sf_sde_config sc = sf_sde_config_default(SF_DATA_MIXTURE, SF_SAMPLER_ODE_HEUN);
    sc.steps = 10;
    EXPECT(sf_sde_grid(sig, &sc) == SF_OK, "%s", sf_error());
    EXPECT(sig[0] == sc.sigma_max && sig[9] == sc.sigma_min && sig[10] == 0, "grid ends %g %g %g", sig[0], sig[9],
           sig[10]);
    sf_model_free(m);
}

int main(void) {
    RUN(test_ode_likelihood_of_gaussian_data_matches_the_closed_form);
    RUN(test_gaussian_fit_matches_the_closed_form);
    RUN(test_model_likelihood_exact_divergence_and_hutchinson_agree);
    RUN(test_vesde_loss_is_ncsns_term_with_edms_weight);
    RUN(test_every_sampler_recovers_a_gaussians_mean_and_variance);
    RUN(test_euler_at_few_steps_is_off_where_heun_is_not);
    RUN(test_a_run_in_chunks_gives_the_same_bits_as_one_call);
    RUN(test_bad_settings_are_refused_by_name);
    RUN(test_a_noise_conditional_model_drives_every_sampler);
    RUN(test_annealed_runs_and_likelihood_pieces_match_one_call);
    return TH_EXIT();
}
