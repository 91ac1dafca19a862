/* test_threads.c — threads change nothing but the speed: losses, weights (and the average of a
 * noise-conditional net's weights) and sampler chains are bit-identical for T = 1, 2, 3, 4 threads,
 * for every objective, for a step taken in pieces, for sf_model_loss_grad and for the samplers; the
 * threaded path really runs (a counting runner around the pthread pool); bad thread counts are refused
 * with a message; 200 threaded models come and go (ASan's leak check sees the rest). The native
 * golden losses of the cross-build fixture (tests/node/wasm.test.js) are pinned here too. scripts/test.sh
 * also runs this file under ThreadSanitizer (build/tsan). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "par/pool.h"
#include "scorefield.h"

#define THREADS_MAX 4

static sf_pool *pool;
static int runs; /* calls of the runner that went to the pool with more than one task */

static void counting_run(void *p, sf_task_fn fn, void *ctx, int n) {
    if (n > 1) __atomic_add_fetch(&runs, 1, __ATOMIC_RELAXED);
    sf_pool_run(p, fn, ctx, n);
}

static uint32_t fnv1a(const void *data, size_t bytes, uint32_t h) {
    const unsigned char *b = data;
    for (size_t i = 0; i < bytes; i++) h = (h ^ b[i]) * 0x01000193u;
    return h;
}

typedef struct run_result {
    float losses[4];
    uint32_t params, ema;
} run_result;

static sf_model *make_model(int dim, int hidden, int cond, int seed) {
    sf_net_config nc = sf_net_config_default(dim);
    nc.hidden = hidden, nc.noise_conditional = cond, nc.seed = (uint64_t)seed;
    sf_model *m = NULL;
    EXPECT(sf_model_create(&m, &nc) == SF_OK, "%s", sf_error());
    return m;
}

/* Trains 4 steps of an objective at T threads; with pieces, each step in sf_model_step_chunk pieces
 * of one chunk. */
static run_result train_at(int threads, int dataset, int objective, int batch, int hidden, int pieces) {
    run_result r;
    memset(&r, 0, sizeof r);
    const int cond = objective == SF_OBJ_NCSN || objective == SF_OBJ_VESDE;
    sf_model *m = make_model(sf_data_dim(dataset), hidden, cond, 7);
    if (!m) return r;
    sf_train_config tc = sf_train_config_default(dataset);
    tc.objective = objective, tc.batch = batch, tc.n_proj = objective == SF_OBJ_SLICED_VR ? 3 : 1;
    EXPECT(sf_model_set_train(m, &tc) == SF_OK, "%s", sf_error());
    EXPECT(sf_model_set_threads(m, threads) == SF_OK, "%s", sf_error());
    EXPECT(sf_model_threads(m) == threads, "threads %d", sf_model_threads(m));
    for (int s = 0; s < 4; s++) {
        if (!pieces) {
            EXPECT(sf_model_train(m, 1, &r.losses[s]) == SF_OK, "%s", sf_error());
            continue;
        }
        int done = 0;
        EXPECT(sf_model_step_begin(m) == SF_OK, "%s", sf_error());
        while (done < batch) EXPECT(sf_model_step_chunk(m, 1, &done) == SF_OK, "%s", sf_error());
        EXPECT(sf_model_step_end(m, &r.losses[s]) == SF_OK, "%s", sf_error());
    }
    const int P = sf_model_param_count(m);
    r.params = fnv1a(sf_model_params(m), sizeof(float) * (size_t)P, 0x811c9dc5u);
    if (cond) r.ema = fnv1a(sf_model_ema_params(m), sizeof(float) * (size_t)P, 0x811c9dc5u);
    sf_model_free(m);
    return r;
}

static void expect_same(const run_result *a, const run_result *b, const char *what, int threads) {
    EXPECT(memcmp(a->losses, b->losses, sizeof a->losses) == 0, "%s: losses differ at %d threads (%.9g vs %.9g)", what,
           threads, (double)a->losses[3], (double)b->losses[3]);
    EXPECT(a->params == b->params, "%s: weights differ at %d threads", what, threads);
    EXPECT(a->ema == b->ema, "%s: weight average differs at %d threads", what, threads);
}

static void test_every_objective_is_bit_identical_for_1_to_4_threads(void) {
    static const struct {
        const char *name;
        int dataset, objective, batch, hidden;
    } cases[] = {
        {"exact", SF_DATA_SWISS_ROLL, SF_OBJ_EXACT, 128, 64},
        {"sliced", SF_DATA_MOONS, SF_OBJ_SLICED, 128, 64},
        {"sliced_vr", SF_DATA_RINGS, SF_OBJ_SLICED_VR, 100, 64},
        {"dsm", SF_DATA_EIGHT_GAUSSIANS, SF_OBJ_DSM, 256, 64},
        {"ncsn", SF_DATA_SWISS_ROLL, SF_OBJ_NCSN, 128, 64},
        {"vesde", SF_DATA_MIXTURE, SF_OBJ_VESDE, 201, 64},
        {"sliced digits", SF_DATA_DIGITS, SF_OBJ_SLICED, 128, 32},
        {"sliced digits, the tutorial's net (Adam on threads too)", SF_DATA_DIGITS, SF_OBJ_SLICED, 128, 128},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        run_result one =
            train_at(1, cases[c].dataset, cases[c].objective, cases[c].batch, cases[c].hidden, /*pieces=*/0);
        for (int t = 2; t <= THREADS_MAX; t++) {
            int before = runs;
            run_result r = train_at(t, cases[c].dataset, cases[c].objective, cases[c].batch, cases[c].hidden, 0);
            expect_same(&one, &r, cases[c].name, t);
            EXPECT(runs > before, "%s: %d threads never ran a round on the pool", cases[c].name, t);
        }
        run_result pieces = train_at(3, cases[c].dataset, cases[c].objective, cases[c].batch, cases[c].hidden, 1);
        expect_same(&one, &pieces, cases[c].name, -3);
    }
}

/* sf_model_loss_grad on given arrays: the same loss and gradient at 1 and 3 threads. */
static void test_loss_grad_on_arrays_is_bit_identical(void) {
    enum { N = 200, D = 2 };
    static float x[N * D], v[N * D];
    for (int i = 0; i < N * D; i++) x[i] = (float)((i * 37) % 101) / 50.0f - 1.0f, v[i] = (float)((i * 53) % 7) - 3.0f;
    float loss[2], *grad[2] = {NULL, NULL};
    for (int k = 0; k < 2; k++) {
        sf_model *m = make_model(D, 64, 0, 3);
        if (!m) return;
        EXPECT(sf_model_set_threads(m, k ? 3 : 1) == SF_OK, "%s", sf_error());
        EXPECT(sf_model_loss_grad(m, &loss[k], SF_OBJ_SLICED, x, v, N, 1, 0.1f) == SF_OK, "%s", sf_error());
        int P = sf_model_param_count(m);
        grad[k] = malloc(sizeof(float) * (size_t)P);
        if (grad[k]) memcpy(grad[k], sf_model_grad(m), sizeof(float) * (size_t)P);
        if (k && grad[0] && grad[1])
            EXPECT(memcmp(grad[0], grad[1], sizeof(float) * (size_t)P) == 0, "gradients differ at 3 threads");
        sf_model_free(m);
    }
    EXPECT(memcmp(&loss[0], &loss[1], sizeof(float)) == 0, "loss %.9g vs %.9g", (double)loss[0], (double)loss[1]);
    free(grad[0]);
    free(grad[1]);
}

/* The samplers: Langevin (more chains than one workspace holds), annealed Langevin and the PC SDE
 * sampler on a noise-conditional net: the chains are the same bits at every thread count. */
enum { CHAINS = 3000 };
static float x0[CHAINS * 2];

static uint32_t sample_at(int threads, int which) {
    sf_model *m = make_model(2, 64, which != 0, 11);
    if (!m) return 0;
    EXPECT(sf_model_set_threads(m, threads) == SF_OK, "%s", sf_error());
    EXPECT(sf_model_train(m, 2, NULL) == SF_OK, "%s", sf_error());
    static float out[CHAINS * 2];
    if (which == 0) {
        sf_langevin_config lc = sf_langevin_config_default(SF_DATA_SWISS_ROLL);
        lc.steps = 3;
        EXPECT(sf_langevin(m, out, x0, CHAINS, &lc, 0) == SF_OK, "%s", sf_error());
    } else if (which == 1) {
        sf_anneal_config ac = sf_anneal_config_default(SF_DATA_SWISS_ROLL);
        ac.levels = 3, ac.steps = 2;
        EXPECT(sf_annealed_langevin(m, out, x0, CHAINS, &ac, 0) == SF_OK, "%s", sf_error());
    } else {
        sf_sde_config c = sf_sde_config_default(SF_DATA_SWISS_ROLL, SF_SAMPLER_PC);
        c.steps = 3;
        EXPECT(sf_sde_sample(m, out, NULL, CHAINS, &c, 0, NULL) == SF_OK, "%s", sf_error());
    }
    sf_model_free(m);
    return fnv1a(out, sizeof out, 0x811c9dc5u);
}

static void test_samplers_are_bit_identical_for_1_to_4_threads(void) {
    for (int i = 0; i < CHAINS * 2; i++) x0[i] = (float)((i * 29) % 97) / 40.0f - 1.2f;
    static const char *names[] = {"langevin", "annealed", "sde pc"};
    for (int which = 0; which < 3; which++) {
        uint32_t one = sample_at(1, which);
        for (int t = 2; t <= THREADS_MAX; t++) {
            int before = runs;
            uint32_t h = sample_at(t, which);
            EXPECT(h == one, "%s: chains differ at %d threads (0x%08x vs 0x%08x)", names[which], t, h, one);
            EXPECT(runs > before, "%s: %d threads never scored on the pool", names[which], t);
        }
    }
}

/* Scores of one point and a small batch never wake a thread: the work does not pay for it. */
static void test_small_work_stays_inline(void) {
    sf_model *m = make_model(2, 64, 0, 1);
    if (!m) return;
    EXPECT(sf_model_set_threads(m, 4) == SF_OK, "%s", sf_error());
    int before = runs;
    float s[2];
    EXPECT(sf_model_score(m, s, (const float[]){0.5f, 0.5f}, 1) == SF_OK, "%s", sf_error());
    sf_train_config tc = sf_train_config_default(SF_DATA_SWISS_ROLL);
    tc.batch = 8;
    EXPECT(sf_model_set_train(m, &tc) == SF_OK, "%s", sf_error());
    EXPECT(sf_model_train(m, 2, NULL) == SF_OK, "%s", sf_error());
    EXPECT(runs == before, "%d pool calls for one point and a batch of 8", runs - before);
    sf_model_free(m);
}

static void test_bad_thread_counts_are_refused_with_a_message(void) {
    sf_model *m = make_model(2, 16, 0, 1);
    if (!m) return;
    EXPECT(sf_model_set_threads(m, 0) == SF_EINVAL, "0 threads accepted");
    EXPECT(strstr(sf_error(), "got 0") != NULL, "message: %s", sf_error());
    EXPECT(sf_model_set_threads(m, THREADS_MAX + 1) == SF_EINVAL, "5 threads accepted with a 4-thread runner");
    EXPECT(strstr(sf_error(), "1..4") != NULL && strstr(sf_error(), "got 5") != NULL, "message: %s", sf_error());
    EXPECT(sf_model_threads(m) == 1, "a refused count changed the model: %d", sf_model_threads(m));
    EXPECT(sf_model_set_threads(NULL, 1) == SF_EINVAL, "NULL model accepted");
    EXPECT(sf_set_runner(counting_run, pool, 0) == SF_EINVAL, "a runner of 0 threads accepted");
    EXPECT(sf_set_runner(counting_run, pool, SF_MAX_THREADS + 1) == SF_EINVAL, "a runner of 65 threads accepted");
    /* Without a runner only one thread is offered. */
    EXPECT(sf_set_runner(NULL, NULL, 0) == SF_OK, "%s", sf_error());
    EXPECT(sf_model_set_threads(m, 2) == SF_EINVAL, "2 threads accepted without a runner");
    EXPECT(sf_set_runner(counting_run, pool, THREADS_MAX) == SF_OK, "%s", sf_error());
    sf_model_free(m);
    sf_pool *bad = NULL;
    EXPECT(sf_pool_create(&bad, 0) == SF_EINVAL && bad == NULL, "a pool of 0 threads was made");
}

static void test_200_threaded_models_come_and_go(void) {
    for (int i = 0; i < 200; i++) {
        sf_model *m = make_model(2, 32, i % 2, (uint64_t)i);
        if (!m) return;
        EXPECT(sf_model_set_threads(m, 1 + i % THREADS_MAX) == SF_OK, "%s", sf_error());
        if (i % 50 == 0) EXPECT(sf_model_train(m, 1, NULL) == SF_OK, "%s", sf_error());
        if (i % 3 == 0) EXPECT(sf_model_set_threads(m, 1) == SF_OK, "%s", sf_error());
        sf_model_free(m);
    }
}

/* The cross-build fixture (tests/node/wasm.test.js, golden_losses_match_the_native_build_bit_for_bit):
 * swiss roll, sliced, D 2, H 128, depth 2, seed 42, batch 128, 10 steps. The values changed once when
 * the batch was cut into 4 chunks with a gradient buffer each (issue 18): the gradient's sums run in
 * another order. */
static void test_golden_losses_at_2_threads(void) {
    static const uint32_t golden[10] = {0x3f882ab0, 0x3e4843cb, 0xbcd6d9be, 0x3d01dfc4, 0x3da9753d,
                                        0x3e1d2a4a, 0x3e54a385, 0x3dbf93bb, 0xbdac3a13, 0xbdebb790};
    sf_model *m = make_model(2, 128, 0, 42);
    if (!m) return;
    EXPECT(sf_model_set_threads(m, 2) == SF_OK, "%s", sf_error());
    float losses[10];
    EXPECT(sf_model_train(m, 10, losses) == SF_OK, "%s", sf_error());
    uint32_t bits[10];
    memcpy(bits, losses, sizeof bits);
    for (int s = 0; s < 10; s++)
        EXPECT(bits[s] == golden[s], "step %d: 0x%08x, golden 0x%08x", s + 1, bits[s], golden[s]);
    uint32_t h = fnv1a(sf_model_params(m), sizeof(float) * (size_t)sf_model_param_count(m), 0x811c9dc5u);
    EXPECT(h == 0xaead7887u, "parameters' FNV-1a 0x%08x, golden 0xaead7887", h);
    sf_model_free(m);
}

int main(void) {
    if (sf_pool_create(&pool, THREADS_MAX) != SF_OK || sf_set_runner(counting_run, pool, THREADS_MAX) != SF_OK) {
        fprintf(stderr, "no pool: %s\n", sf_error());
        return 1;
    }
    RUN(test_every_objective_is_bit_identical_for_1_to_4_threads);
    RUN(test_loss_grad_on_arrays_is_bit_identical);
    RUN(test_samplers_are_bit_identical_for_1_to_4_threads);
    RUN(test_small_work_stays_inline);
    RUN(test_bad_thread_counts_are_refused_with_a_message);
    RUN(test_200_threaded_models_come_and_go);
    RUN(test_golden_losses_at_2_threads);
    sf_set_runner(NULL, NULL, 0);
    sf_pool_destroy(pool);
    return TH_EXIT();
}
