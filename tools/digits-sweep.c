/* digits-sweep.c — one digits experiment of issue 17 natively: trains a noise-conditional net on the
 * digits (optionally class-conditional; its unconditional samples are the null token's), samples it
 * unconditionally with one sampler and prints the digit-quality measure beside the energy distance to
 * the held-out digits and its floor. The table in docs/digits.md comes from runs of this program.
 *
 *   cmake --build build/release && cc -O2 -Isrc tools/digits-sweep.c build/release/libscorefield.a -lm \
 *       -o build/digits-sweep
 *   build/digits-sweep key=value ...   (keys: see `struct opts` below; unknown keys are refused)
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scorefield.h"

struct opts {
    int hidden, depth, steps, batch, classes, levels, objective, sampler, sample_steps, n, truth, ancestral, floors;
    double lr, sigma_max, sigma_min, eps, guidance, snr, churn, start_hi;
    unsigned long long seed, chain_seed;
    const char *save;
};

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int set(struct opts *o, const char *kv) {
    const char *eq = strchr(kv, '=');
    if (!eq) return 0;
    size_t k = (size_t)(eq - kv);
    const char *v = eq + 1;
#define INT(name)                                                                                                      \
    if (k == strlen(#name) && !strncmp(kv, #name, k)) return o->name = atoi(v), 1
#define DBL(name)                                                                                                      \
    if (k == strlen(#name) && !strncmp(kv, #name, k)) return o->name = atof(v), 1
    INT(hidden);
    INT(depth);
    INT(steps);
    INT(batch);
    INT(classes);
    INT(levels);
    INT(objective);
    INT(sampler);
    INT(sample_steps);
    INT(n);
    INT(truth);
    INT(ancestral);
    INT(floors);
    DBL(lr);
    DBL(sigma_max);
    DBL(sigma_min);
    DBL(eps);
    DBL(guidance);
    DBL(snr);
    DBL(churn);
    DBL(start_hi);
    if (k == 4 && !strncmp(kv, "seed", 4)) return o->seed = strtoull(v, NULL, 10), 1;
    if (k == 10 && !strncmp(kv, "chain_seed", 10)) return o->chain_seed = strtoull(v, NULL, 10), 1;
    if (k == 4 && !strncmp(kv, "save", 4)) return o->save = v, 1;
    return 0;
#undef INT
#undef DBL
}

/* The exact score of the held-out digits (noise-free) blurred by N(0, (0.1² + σ²) I): a mixture of
 * SF_DIGITS_HELDOUT Gaussians, so a sampler run on it shows what the sampler can do with a perfect net. */
static float mix[SF_DIGITS_HELDOUT * 64];
static int truth_score(void *ctx, float *s, const float *x, int n, int dim, float sigma) {
    (void)ctx;
    const double v = 0.01 + (double)sigma * sigma;
    for (int i = 0; i < n; i++) {
        double lw[SF_DIGITS_HELDOUT], top = -1e300, tot = 0, acc[64] = {0};
        for (int k = 0; k < SF_DIGITS_HELDOUT; k++) {
            double d2 = 0;
            for (int d = 0; d < dim; d++) {
                double e = x[i * dim + d] - mix[k * 64 + d];
                d2 += e * e;
            }
            lw[k] = -d2 / (2 * v);
            if (lw[k] > top) top = lw[k];
        }
        for (int k = 0; k < SF_DIGITS_HELDOUT; k++) {
            double w = exp(lw[k] - top);
            tot += w;
            for (int d = 0; d < dim; d++) acc[d] += w * mix[k * 64 + d];
        }
        for (int d = 0; d < dim; d++) s[i * dim + d] = (float)((acc[d] / tot - x[i * dim + d]) / v);
    }
    return 0;
}

int main(int argc, char **argv) {
    struct opts o = {.hidden = 128,
                     .depth = 2,
                     .steps = 4000,
                     .batch = 128,
                     .classes = 10,
                     .levels = 10,
                     .objective = SF_OBJ_NCSN,
                     .sampler = SF_SAMPLER_ANNEALED,
                     .sample_steps = 100,
                     .n = 500,
                     .lr = 2e-3,
                     .sigma_max = 1.0,
                     .sigma_min = 0.01,
                     .eps = 2e-5,
                     .snr = 0.16,
                     .churn = 10.0,
                     .start_hi = 0.1,
                     .seed = 1};
    for (int i = 1; i < argc; i++)
        if (!set(&o, argv[i])) {
            fprintf(stderr, "digits-sweep: unknown setting '%s'\n", argv[i]);
            return 2;
        }
    sf_digits_heldout(mix, NULL, SF_DIGITS_HELDOUT, 0.0f, 0);
    sf_net_config nc = sf_net_config_default(64);
    nc.hidden = o.hidden;
    nc.depth = o.depth;
    nc.seed = o.seed;
    nc.noise_conditional = 1;
    nc.classes = o.classes;
    sf_model *m;
    if (sf_model_create(&m, &nc) != SF_OK) return fprintf(stderr, "create: %s\n", sf_error()), 1;
    sf_train_config tc = sf_train_config_default(SF_DATA_DIGITS);
    tc.objective = o.objective;
    tc.lr = (float)o.lr;
    tc.batch = o.batch;
    tc.sigma_max = (float)o.sigma_max;
    tc.sigma_min = (float)o.sigma_min;
    tc.levels = o.levels;
    if (sf_model_set_train(m, &tc) != SF_OK) return fprintf(stderr, "train config: %s\n", sf_error()), 1;
    double t0 = now();
    if (sf_model_train(m, o.steps, NULL) != SF_OK) return fprintf(stderr, "train: %s\n", sf_error()), 1;
    double t_train = now() - t0;
    if (o.save) {
        size_t size = sf_model_save_size(m);
        void *buf = malloc(size);
        FILE *f = fopen(o.save, "wb");
        if (!buf || !f || sf_model_save(m, buf, size) != SF_OK || fwrite(buf, 1, size, f) != size) return 1;
        fclose(f);
        free(buf);
    }

    int n = o.n, D = 64;
    float *x0 = malloc(sizeof(float) * (size_t)n * D), *x = malloc(sizeof(float) * (size_t)n * D);
    sf_uniform(x0, n * D, 0.0f, (float)o.start_hi, o.chain_seed);
    sf_guide g = {m, -1, (float)o.guidance};
    /* truth=1: the closed-form score of the noisy digits instead of the net (the sampler's ceiling) */
    sf_score_sigma_fn fn = o.truth ? truth_score : sf_guided_score;
    void *ctx = o.truth ? NULL : (void *)&g;
    int use_fn = o.truth || o.classes;
    t0 = now();
    /* ancestral=1: p(x) = Σ_c p(c)·p(x | c), the class of chain i drawn as i·10/n (the table's classes
     * are equally frequent to within 1 %), each group sampled with guidance w (0: p(x | c) itself). */
    int groups = o.ancestral ? 10 : 1;
    sf_status st = SF_OK;
    for (int grp = 0; grp < groups && st == SF_OK; grp++) {
        int lo = grp * n / groups, k = (grp + 1) * n / groups - lo;
        float *xg = x + (long)lo * D, *x0g = x0 + (long)lo * D;
        g.cls = o.ancestral ? grp : -1;
        if (o.sampler == SF_SAMPLER_ANNEALED) {
            sf_anneal_config ac = {(float)o.sigma_max, (float)o.sigma_min, o.levels,
                                   o.sample_steps,     (float)o.eps,       o.chain_seed + (unsigned long long)grp};
            st = use_fn ? sf_annealed_langevin_fn(fn, ctx, D, xg, x0g, k, &ac, SF_KEEP_LAST)
                        : sf_annealed_langevin(m, xg, x0g, k, &ac, SF_KEEP_LAST);
        } else {
            sf_sde_config sc = sf_sde_config_default(SF_DATA_DIGITS, o.sampler);
            sc.steps = o.sample_steps;
            sc.sigma_max = (float)o.sigma_max;
            sc.sigma_min = (float)o.sigma_min;
            sc.snr = (float)o.snr;
            sc.churn = (float)o.churn;
            sc.seed = o.chain_seed + (unsigned long long)grp;
            st = use_fn ? sf_sde_sample_fn(fn, ctx, D, xg, NULL, k, &sc, 0, NULL)
                        : sf_sde_sample(m, xg, NULL, k, &sc, 0, NULL);
        }
    }
    double t_sample = now() - t0;
    if (st != SF_OK) fprintf(stderr, "sample: %s\n", sf_error());

    sf_digit_quality q;
    float real[SF_DIGITS_HELDOUT * 64], train[SF_DIGITS_HELDOUT * 64];
    sf_digits_heldout(real, NULL, SF_DIGITS_HELDOUT, 0.1f, 0);
    sf_data_sample(train, NULL, SF_DATA_DIGITS, SF_DIGITS_HELDOUT, 0.1f, 1);
    int mm = n < SF_DIGITS_HELDOUT ? n : SF_DIGITS_HELDOUT;
    double ed = 0, floor_ = 0;
    /* The energy distance uses the first mm samples: with ancestral=1 chain j of every class in turn. */
    float *xs = malloc(sizeof(float) * (size_t)mm * D);
    for (int i = 0; i < mm; i++) {
        int j = o.ancestral ? (i % 10) * n / 10 + i / 10 : i;
        memcpy(xs + (long)i * D, x + (long)j * D, sizeof(float) * D);
    }
    sf_energy_distance(&ed, xs, mm, real, mm, D);
    free(xs);
    /* floors=K: the floor's spread, training digits drawn with seeds 1 .. K against the held-out ones */
    for (int k = 1; k <= o.floors; k++) {
        double f;
        sf_data_sample(train, NULL, SF_DATA_DIGITS, SF_DIGITS_HELDOUT, 0.1f, (uint64_t)k);
        sf_energy_distance(&f, train, mm, real, mm, D);
        printf("floor seed %d: %.4f\n", k, f);
    }
    sf_data_sample(train, NULL, SF_DATA_DIGITS, SF_DIGITS_HELDOUT, 0.1f, 1);
    sf_energy_distance(&floor_, train, mm, real, mm, D);
    if (sf_digits_quality(&q, x, n, NULL) != SF_OK) return fprintf(stderr, "quality: %s\n", sf_error()), 1;
    printf("confident %.1f %% min-class %.1f %% ED %.4f floor %.4f train %.1f s sample %.1f s |", 100 * q.confident,
           100 * q.min_class_share, ed, floor_, t_train, t_sample);
    for (int c = 0; c < 10; c++) printf(" %d:%.0f", c, 100 * q.class_share[c]);
    printf("\n");
    sf_model_free(m);
    free(x0);
    free(x);
    return 0;
}
