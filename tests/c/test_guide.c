/* test_guide.c — class-conditional nets and classifier-free guidance: the gradient reaching the label
 * inputs against finite differences, the guided score against its definition, the adapter every
 * sampler uses, and bad input refused by name. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "scorefield.h"

enum { D = 3, H = 8, K = 3, N = 6 };
#define COND_X_IN (D + 1) /* a noise-conditional row for D = 3: c_in·x, log σ (no Fourier features) */

static sf_model *make(int classes, uint64_t seed) {
    sf_net_config nc = {D, H, 1, seed, SF_ISA_AUTO, 1, classes};
    sf_model *m = NULL;
    EXPECT(sf_model_create(&m, &nc) == SF_OK, "%s", sf_error());
    return m;
}

/* x (N, D) and aux = z (N, D), σ (N), labels (N): a batch that uses every class and the null token. */
static void batch(float *x, float *aux) {
    float u[N * D * 2];
    sf_uniform(u, N * D * 2, -1, 1, 5);
    for (int i = 0; i < N * D; i++) x[i] = u[i], aux[i] = u[N * D + i];
    for (int i = 0; i < N; i++) aux[N * D + i] = 0.05f + 0.3f * (float)i;
    const float labels[N] = {0, 1, 2, -1, 1, -1};
    memcpy(aux + N * (D + 1), labels, sizeof labels);
}

/* The gradient of the NCSN loss with respect to the weights of the label one-hot (rows COND_X_IN ..
 * COND_X_IN + K of W_0, every class and ∅) matches central differences of the loss. A label that
 * reached the wrong row, or a gradient that forgot the one-hot inputs, is off by O(1). */
static void test_label_input_gradient_matches_finite_differences(void) {
    sf_model *m = make(K, 3);
    if (!m) return;
    float x[N * D], aux[N * (D + 2)], loss;
    batch(x, aux);
    EXPECT(sf_model_loss_grad(m, &loss, SF_OBJ_NCSN, x, aux, N, 1, 0) == SF_OK, "%s", sf_error());
    const int P = sf_model_param_count(m);
    float *grad = malloc(sizeof(float) * (size_t)P);
    memcpy(grad, sf_model_grad(m), sizeof(float) * (size_t)P);
    const float h = 1e-2f;
    double worst = 0;
    for (int r = COND_X_IN; r <= COND_X_IN + K; r++) {
        for (int j = 0; j < H; j++) {
            float *p = sf_model_params(m) + r * H + j, keep = *p, lp, lm;
            *p = keep + h;
            sf_model_loss_grad(m, &lp, SF_OBJ_NCSN, x, aux, N, 1, 0);
            *p = keep - h;
            sf_model_loss_grad(m, &lm, SF_OBJ_NCSN, x, aux, N, 1, 0);
            *p = keep;
            double fd = ((double)lp - lm) / (2.0 * h), g = grad[r * H + j], err = fabs(fd - g);
            if (err > worst) worst = err;
            EXPECT(err <= 2e-3 + 0.02 * fabs(fd), "W0[%d][%d]: gradient %g, finite difference %g", r, j, g, fd);
        }
    }
    EXPECT(worst < 2e-3, "worst error %g", worst); /* and at least one label row gets a real gradient: */
    double total = 0;
    for (int j = 0; j < (K + 1) * H; j++) total += fabs(grad[COND_X_IN * H + j]);
    EXPECT(total > 1e-3, "the label rows get no gradient (%g)", total);
    free(grad);
    sf_model_free(m);
}

/* s_w = (1 + w)·s(c) − w·s(∅), bit for bit as written in float; w = 0 is the conditional score; class
 * −1 is ∅ whatever w; the classes give different fields (the one-hot reaches the net). */
static void test_guided_score_is_its_definition(void) {
    sf_model *m = make(K, 4);
    if (!m) return;
    float x[N * D], s0[N * D], su[N * D], sw[N * D], s1[N * D];
    sf_uniform(x, N * D, -1, 1, 6);
    const float w = 2.5f, sigma = 0.3f;
    EXPECT(sf_model_score_guided(m, s0, x, N, sigma, 1, 0.0f) == SF_OK, "%s", sf_error());
    EXPECT(sf_model_score_guided(m, su, x, N, sigma, -1, 7.0f) == SF_OK, "%s", sf_error());
    EXPECT(sf_model_score_guided(m, sw, x, N, sigma, 1, w) == SF_OK, "%s", sf_error());
    EXPECT(sf_model_score_guided(m, s1, x, N, sigma, 2, 0.0f) == SF_OK, "%s", sf_error());
    int same = 1, differ = 0;
    for (int i = 0; i < N * D; i++) {
        same &= sw[i] == (1.0f + w) * s0[i] - w * su[i];
        differ |= s1[i] != s0[i];
    }
    EXPECT(same, "the guided score is not (1 + w)·s(c) − w·s(∅)");
    EXPECT(differ, "classes 1 and 2 give the same field");
    float plain[N * D];
    EXPECT(sf_model_score_sigma(m, plain, x, N, sigma) == SF_OK, "%s", sf_error());
    EXPECT(memcmp(plain, su, sizeof su) == 0, "sf_model_score_sigma is not the unconditional s(x, sigma, null)");
    sf_model_free(m);
}

/* The adapter: sf_annealed_langevin_guided is sf_annealed_langevin_fn on sf_guided_score. */
static void test_guided_sampler_is_the_adapter_on_the_generic_sampler(void) {
    sf_model *m = make(K, 5);
    if (!m) return;
    float x0[N * D], a[N * D], b[N * D];
    sf_uniform(x0, N * D, -1, 1, 7);
    sf_anneal_config ac = {1.0f, 0.1f, 4, 5, 1e-3f, 9};
    EXPECT(sf_annealed_langevin_guided(m, a, x0, N, &ac, SF_KEEP_LAST, 2, 1.5f) == SF_OK, "%s", sf_error());
    sf_guide g = {m, 2, 1.5f};
    EXPECT(sf_annealed_langevin_fn(sf_guided_score, &g, D, b, x0, N, &ac, SF_KEEP_LAST) == SF_OK, "%s", sf_error());
    EXPECT(memcmp(a, b, sizeof a) == 0, "the guided sampler differs from the adapter");
    EXPECT(memcmp(a, x0, sizeof a) != 0, "the chains did not move");
    sf_model_free(m);
}

/* SF_CLASS_PRIOR: chain i of a run is chain i / K of a run of class i mod K with seed + c, bit for bit,
 * in every kept frame; with n not a multiple of K the last classes have one chain fewer. */
static void test_label_prior_is_the_class_runs_interleaved(void) {
    sf_model *m = make(K, 5);
    if (!m) return;
    enum { NP = 7, LV = 3, FR = LV + 1 };
    float x0[NP * D], a[FR * NP * D], xc[NP * D], oc[FR * NP * D];
    sf_uniform(x0, NP * D, -1, 1, 8);
    sf_anneal_config ac = {1.0f, 0.1f, LV, 4, 1e-3f, 11};
    EXPECT(sf_annealed_langevin_guided(m, a, x0, NP, &ac, SF_KEEP_LEVELS, SF_CLASS_PRIOR, 0.5f) == SF_OK, "%s",
           sf_error());
    for (int c = 0; c < K; c++) {
        int k = 0;
        for (int i = c; i < NP; i += K, k++) memcpy(xc + k * D, x0 + i * D, sizeof(float) * D);
        sf_anneal_config acc = ac;
        acc.seed = ac.seed + (uint64_t)c;
        EXPECT(sf_annealed_langevin_guided(m, oc, xc, k, &acc, SF_KEEP_LEVELS, c, 0.5f) == SF_OK, "%s", sf_error());
        for (int f = 0; f < FR; f++)
            for (int j = 0; j < k; j++)
                EXPECT(memcmp(a + (f * NP + j * K + c) * D, oc + (f * k + j) * D, sizeof(float) * D) == 0,
                       "frame %d, chain %d differs from class %d's chain %d", f, j * K + c, c, j);
    }
    EXPECT(sf_annealed_langevin_guided(m, a, x0, 0, &ac, SF_KEEP_LAST, SF_CLASS_PRIOR, 0) == SF_OK, "%s", sf_error());
    EXPECT(sf_annealed_langevin_guided(m, a, x0, NP, &ac, SF_KEEP_LAST, -3, 0) == SF_EINVAL, "class -3 accepted");
    ac.eps = -1;
    EXPECT(sf_annealed_langevin_guided(m, a, x0, NP, &ac, SF_KEEP_LAST, SF_CLASS_PRIOR, 0) == SF_EINVAL &&
               strstr(sf_error(), "eps"),
           "%s", sf_error());
    sf_model_free(m);
}

static void test_bad_labels_and_guidance_are_refused_by_name(void) {
    sf_model *m = make(K, 6), *bad = NULL;
    if (!m) return;
    float x[D] = {0}, s[D];
    EXPECT(sf_model_score_guided(m, s, x, 1, 0.5f, 3, 1) == SF_EINVAL && strstr(sf_error(), "0..2, got 3"), "%s",
           sf_error());
    EXPECT(sf_model_score_guided(m, s, x, 1, 0.5f, 0, 21) == SF_EINVAL && strstr(sf_error(), "guidance"), "%s",
           sf_error());
    EXPECT(sf_model_score_guided(m, s, x, 1, 0.5f, 0, NAN) == SF_EINVAL, "NaN guidance accepted");
    EXPECT(sf_model_score_guided(m, s, x, 1, 0.5f, 0, -1) == SF_EINVAL, "negative guidance accepted");
    float xb[N * D], aux[N * (D + 2)], loss;
    batch(xb, aux);
    aux[N * (D + 1) + 2] = 3;
    EXPECT(sf_model_loss_grad(m, &loss, SF_OBJ_NCSN, xb, aux, N, 1, 0) == SF_EINVAL && strstr(sf_error(), "label 2"),
           "%s", sf_error());
    sf_net_config nc = {D, H, 1, 1, SF_ISA_AUTO, 1, SF_MAX_CLASSES + 1};
    EXPECT(sf_model_create(&bad, &nc) == SF_EINVAL && strstr(sf_error(), "classes"), "%s", sf_error());
    nc.classes = 1;
    EXPECT(sf_model_create(&bad, &nc) == SF_EINVAL, "1 class accepted");
    nc.classes = 4, nc.noise_conditional = 0;
    EXPECT(sf_model_create(&bad, &nc) == SF_EINVAL && strstr(sf_error(), "noise-conditional"), "%s", sf_error());
    sf_net_config two = {2, H, 1, 1, SF_ISA_AUTO, 1, 2};
    EXPECT(sf_model_create(&bad, &two) == SF_OK, "%s", sf_error());
    if (bad) {
        sf_train_config tc = sf_train_config_default(SF_DATA_SWISS_ROLL);
        tc.objective = SF_OBJ_NCSN;
        EXPECT(sf_model_set_train(bad, &tc) == SF_EINVAL && strstr(sf_error(), "no labels"), "%s", sf_error());
        tc.dataset = SF_DATA_EIGHT_GAUSSIANS;
        EXPECT(sf_model_set_train(bad, &tc) == SF_EINVAL && strstr(sf_error(), "8 classes"), "%s", sf_error());
        tc.dataset = SF_DATA_MOONS;
        EXPECT(sf_model_set_train(bad, &tc) == SF_OK, "%s", sf_error());
        sf_model_free(bad);
    }
    sf_model *plain = NULL;
    sf_net_config pc = {D, H, 1, 1, SF_ISA_AUTO, 1, 0};
    EXPECT(sf_model_create(&plain, &pc) == SF_OK, "%s", sf_error());
    EXPECT(sf_model_score_guided(plain, s, x, 1, 0.5f, 0, 1) == SF_EINVAL && strstr(sf_error(), "class-conditional"),
           "%s", sf_error());
    sf_model_free(plain);
    sf_model_free(m);
}

int main(void) {
    RUN(test_label_input_gradient_matches_finite_differences);
    RUN(test_guided_score_is_its_definition);
    RUN(test_guided_sampler_is_the_adapter_on_the_generic_sampler);
    RUN(test_label_prior_is_the_class_runs_interleaved);
    RUN(test_bad_labels_and_guidance_are_refused_by_name);
    return TH_EXIT();
}
