/* test_weights.c — the weights file: a saved and restored model trains on bit for bit as if it had
 * never stopped, and every kind of bad file (not ours, newer, truncated at any length, any byte
 * damaged, another architecture, well-formed but invalid contents) is refused with a message that
 * says which, leaving the model exactly as it was. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "base/crc32.h"
#include "model.h"
#include "scorefield.h"

#define HEADER_BYTES 124 /* the header through its checksum (see src/io/weights.c) */

static sf_model *trained(int dim, int hidden, int depth, uint64_t seed, int steps) {
    sf_net_config nc = {dim, hidden, depth, seed, SF_ISA_AUTO, 0, 0};
    sf_model *m = NULL;
    EXPECT(sf_model_create(&m, &nc) == SF_OK, "%s", sf_error());
    if (m && steps > 0) EXPECT(sf_model_train(m, steps, NULL) == SF_OK, "%s", sf_error());
    return m;
}

/* A noise-conditional model of nc trained `steps` steps with NCSN on a dataset, the painted points
 * (count, 2) given first when points is not NULL; NULL (reported) if it cannot be made. */
static sf_model *trained_ncsn(const sf_net_config *nc, int dataset, int steps, const float *points, int count) {
    sf_model *m = NULL;
    EXPECT(sf_model_create(&m, nc) == SF_OK, "%s", sf_error());
    if (!m) return NULL;
    if (points) EXPECT(sf_model_set_points(m, points, count) == SF_OK, "%s", sf_error());
    sf_train_config tc = sf_train_config_default(dataset);
    tc.objective = SF_OBJ_NCSN;
    EXPECT(sf_model_set_train(m, &tc) == SF_OK, "%s", sf_error());
    EXPECT(sf_model_train(m, steps, NULL) == SF_OK, "%s", sf_error());
    return m;
}

static unsigned char *saved(const sf_model *m, size_t *size) {
    *size = sf_model_save_size(m);
    unsigned char *buf = malloc(*size);
    EXPECT(sf_model_save(m, buf, *size) == SF_OK, "%s", sf_error());
    return buf;
}

/* Everything a weights file restores, so that "unchanged" can be checked byte for byte. */
typedef struct snapshot {
    unsigned char *file; /* the model's own weights file holds all of it */
    size_t size;
} snapshot;

static snapshot take(const sf_model *m) {
    snapshot s;
    s.file = saved(m, &s.size);
    return s;
}

static int same_as(const sf_model *m, snapshot s) {
    size_t size;
    unsigned char *now = saved(m, &size);
    int same = size == s.size && memcmp(now, s.file, size) == 0;
    free(now);
    return same;
}

/* Rewrites both checksums so that a deliberately changed field reaches the checks behind them. */
static void reseal(unsigned char *f, size_t size) {
    uint32_t h = sf__crc32(0, f, HEADER_BYTES - 4);
    uint32_t d = sf__crc32(0, f + HEADER_BYTES, size - HEADER_BYTES - 4);
    for (int i = 0; i < 4; i++) {
        f[HEADER_BYTES - 4 + i] = (unsigned char)(h >> (8 * i));
        f[size - 4 + i] = (unsigned char)(d >> (8 * i));
    }
}

static void put32(unsigned char *p, uint32_t v) {
    for (int i = 0; i < 4; i++) p[i] = (unsigned char)(v >> (8 * i));
}

/* Loads f[0..size) into m and says whether m is byte for byte what it was before; the status is
 * returned, the message is sf_error()'s. */
static sf_status load_and_compare(sf_model *m, const unsigned char *f, size_t size, int *unchanged) {
    snapshot before = take(m);
    sf_status st = sf_model_load(m, f, size);
    *unchanged = same_as(m, before);
    free(before.file);
    return st;
}

/* Loads f into m and expects SF_EINVAL with `needle` in the message and m unchanged; a bad file is
 * refused by sf_model_from_weights too (one of another architecture is not: it makes its own model). */
static void expect_refused_as(sf_model *m, const unsigned char *f, size_t size, const char *needle, const char *what,
                              int bad_file) {
    int unchanged;
    sf_status st = load_and_compare(m, f, size, &unchanged);
    EXPECT(st == SF_EINVAL, "%s: status %d", what, st);
    EXPECT(strstr(sf_error(), needle) != NULL, "%s: message \"%s\" lacks \"%s\"", what, sf_error(), needle);
    EXPECT(unchanged, "%s: the model changed", what);
    sf_model *fresh = (sf_model *)1;
    st = sf_model_from_weights(&fresh, f, size, SF_ISA_AUTO);
    if (bad_file)
        EXPECT(st == SF_EINVAL && fresh == NULL, "%s: sf_model_from_weights accepted it", what);
    else
        EXPECT(st == SF_OK && fresh != NULL, "%s: sf_model_from_weights refused it: %s", what, sf_error());
    sf_model_free(st == SF_OK ? fresh : NULL);
}

static void expect_refused(sf_model *m, const unsigned char *f, size_t size, const char *needle, const char *what) {
    expect_refused_as(m, f, size, needle, what, 1);
}

/* For the exhaustive loops: 1 if f[0..size) is refused with SF_EINVAL, a message that holds one of
 * the `count` needles, and m unchanged; else 0 with *st the status (the message is sf_error()'s). */
static int refused_quietly(sf_model *m, const unsigned char *f, size_t size, const char *const needles[], int count,
                           sf_status *st) {
    int unchanged, named = 0;
    *st = load_and_compare(m, f, size, &unchanged);
    for (int k = 0; k < count; k++) named |= strstr(sf_error(), needles[k]) != NULL;
    return *st == SF_EINVAL && named && unchanged;
}

/* What most tests start from: a model trained a few steps, its own weights file f (size bytes) and
 * g, a copy of f to damage. */
typedef struct fixture {
    sf_model *m;
    unsigned char *f, *g;
    size_t size;
} fixture;

/* 0 (the failure reported) when the model cannot be made; then there is nothing to free. */
static int fixture_open(fixture *t, int dim, int hidden, int depth, uint64_t seed, int steps) {
    t->m = trained(dim, hidden, depth, seed, steps);
    if (!t->m) return 0;
    t->f = saved(t->m, &t->size);
    t->g = malloc(t->size);
    memcpy(t->g, t->f, t->size);
    return 1;
}

static void fixture_close(fixture *t) {
    free(t->g), free(t->f);
    sf_model_free(t->m);
}

static void test_crc32_matches_the_standard_check_value(void) {
    EXPECT(sf__crc32(0, "123456789", 9) == 0xCBF43926u, "crc32 = 0x%08x", sf__crc32(0, "123456789", 9));
    /* In two pieces, as a stream. */
    EXPECT(sf__crc32(sf__crc32(0, "1234", 4), "56789", 5) == 0xCBF43926u, "streamed crc32 differs");
}

/* Train 30 steps, save, restore into a model of another seed, then train both 20 more: losses and
 * parameters must be identical bits, because the file carries the moments, the step count (Adam's
 * bias correction) and the training generator's state. */
static void test_restored_model_trains_on_bit_for_bit(void) {
    sf_model *a = trained(2, 32, 2, 7, 30), *b = trained(2, 32, 2, 99, 0);
    if (!a || !b) return;
    sf_train_config tc = sf_model_train_config(a);
    tc.objective = SF_OBJ_EXACT;
    tc.lr = 3e-3f;
    EXPECT(sf_model_set_train(a, &tc) == SF_OK, "%s", sf_error());
    size_t size;
    unsigned char *f = saved(a, &size);
    EXPECT(size == 128 + 12 * (size_t)sf_model_param_count(a), "size %zu", size);
    EXPECT(sf_model_load(b, f, size) == SF_OK, "%s", sf_error());
    EXPECT(sf_model_step_count(b) == 30, "step count %lld", sf_model_step_count(b));
    EXPECT(sf_model_train_config(b).objective == SF_OBJ_EXACT && sf_model_train_config(b).lr == 3e-3f,
           "training settings not restored");
    EXPECT(sf_model_net_config(b).seed == 7, "seed %llu", (unsigned long long)sf_model_net_config(b).seed);
    sf_model *c = NULL;
    EXPECT(sf_model_from_weights(&c, f, size, SF_ISA_SCALAR) == SF_OK, "%s", sf_error());
    if (!c) return;
    float la[20], lb[20], lc[20];
    EXPECT(sf_model_train(a, 20, la) == SF_OK, "%s", sf_error());
    EXPECT(sf_model_train(b, 20, lb) == SF_OK, "%s", sf_error());
    EXPECT(sf_model_train(c, 20, lc) == SF_OK, "%s", sf_error());
    EXPECT(memcmp(la, lb, sizeof la) == 0, "losses after load differ");
    EXPECT(memcmp(la, lc, sizeof la) == 0, "losses of the model made from the file differ (scalar kernels)");
    int P = sf_model_param_count(a);
    EXPECT(memcmp(sf_model_params(a), sf_model_params(b), sizeof(float) * (size_t)P) == 0, "params differ");
    free(f);
    sf_model_free(a), sf_model_free(b), sf_model_free(c);
}

static void test_save_refuses_a_short_buffer(void) {
    sf_model *m = trained(2, 8, 1, 1, 0);
    if (!m) return;
    size_t size = sf_model_save_size(m);
    unsigned char *buf = malloc(size);
    EXPECT(sf_model_save(m, buf, size - 1) == SF_EINVAL, "a short buffer was accepted");
    EXPECT(strstr(sf_error(), "needs") != NULL, "message: %s", sf_error());
    EXPECT(sf_model_save(NULL, buf, size) == SF_EINVAL, "NULL model accepted");
    EXPECT(sf_model_save_size(NULL) == 0, "size of NULL");
    free(buf);
    sf_model_free(m);
}

static void test_foreign_and_future_files_are_refused(void) {
    fixture t;
    if (!fixture_open(&t, 2, 16, 2, 3, 5)) return;
    memcpy(t.g, "\x89PNG\r\n\x1a\n", 8);
    expect_refused(t.m, t.g, t.size, "not a Scorefield weights file", "a PNG signature");
    memcpy(t.g, t.f, t.size);
    put32(t.g + 8, SF_WEIGHTS_VERSION + 1);
    expect_refused(t.m, t.g, t.size, "version 4 is newer", "version 4");
    put32(t.g + 8, 0);
    expect_refused(t.m, t.g, t.size, "corrupted", "version 0");
    EXPECT(sf_model_load(t.m, NULL, t.size) == SF_EINVAL, "NULL buffer accepted");
    EXPECT(sf_model_load(NULL, t.f, t.size) == SF_EINVAL, "NULL model accepted");
    fixture_close(&t);
}

/* Every length from 0 to one byte short is refused as truncated (or, for the first 8 bytes, as what
 * it is: the start of a weights file is still truncated). */
static void test_every_truncation_is_refused(void) {
    fixture t;
    if (!fixture_open(&t, 2, 8, 1, 3, 5)) return;
    const char *const needles[] = {"truncated"};
    int bad = 0;
    for (size_t n = 0; n < t.size; n++) {
        sf_status st;
        if (!refused_quietly(t.m, t.f, n, needles, 1, &st) && bad++ < 3)
            EXPECT(0, "length %zu of %zu: status %d, \"%s\"", n, t.size, st, sf_error());
    }
    EXPECT(bad == 0, "%d lengths not refused as truncated", bad);
    unsigned char *longer = calloc(t.size + 1, 1);
    memcpy(longer, t.f, t.size);
    expect_refused(t.m, longer, t.size + 1, "after the end", "one trailing byte");
    free(longer);
    fixture_close(&t);
}

/* Flipping any one bit of any byte is caught: by the magic, the version check or a checksum. */
static void test_every_damaged_byte_is_refused(void) {
    fixture t;
    if (!fixture_open(&t, 2, 8, 1, 3, 5)) return;
    const char *const needles[] = {"corrupted", "not a Scorefield", "newer"};
    int bad = 0;
    for (size_t i = 0; i < t.size; i++) {
        for (int bit = 0; bit < 8; bit += 3) {
            t.g[i] ^= (unsigned char)(1u << bit);
            sf_status st;
            if (!refused_quietly(t.m, t.g, t.size, needles, 3, &st) && bad++ < 3)
                EXPECT(0, "byte %zu bit %d: status %d, \"%s\"", i, bit, st, sf_error());
            t.g[i] ^= (unsigned char)(1u << bit);
        }
    }
    EXPECT(bad == 0, "%d damaged files not refused", bad);
    EXPECT(sf_model_load(t.m, t.g, t.size) == SF_OK, "the undamaged file: %s", sf_error());
    fixture_close(&t);
}

static void test_another_architecture_is_refused_by_name(void) {
    sf_model *small = trained(2, 16, 1, 3, 2), *m = trained(2, 32, 2, 3, 2);
    if (!small || !m) return;
    size_t size;
    unsigned char *f = saved(small, &size);
    expect_refused_as(m, f, size, "another architecture: D=2, H=16, depth 1, but this model is D=2, H=32, depth 2",
                      "a smaller net", 0);
    free(f);
    sf_model_free(small), sf_model_free(m);
}

/* Files with valid checksums whose contents no Scorefield writes (a hand-edited or foreign writer's
 * file): each refused as corrupted, naming the field. */
static void test_invalid_contents_behind_valid_checksums_are_refused(void) {
    fixture t;
    if (!fixture_open(&t, 2, 8, 1, 3, 5)) return;
    int P = sf_model_param_count(t.m);
    struct {
        size_t at;
        uint32_t value;
        const char *needle;
    } cases[] = {
        {16, 0, "architecture out of range"},
        {20, SF_MAX_HIDDEN + 1, "architecture out of range"},
        {28, 1, "unknown activation"},
        {32, 7, "parameter count"},
        {36, 4, "unknown flags"},
        {40, 99, "unknown dataset"},
        {40, SF_DATA_DIGITS, "dimension 64"},
        {40, SF_DATA_POINTS, "without points"},
        {44, SF_OBJ_COUNT, "unknown objective"},
        {44, SF_OBJ_NCSN, "needs a noise-conditional net"},
        {48, 0, "batch size"},
        {52, SF_MAX_PROJ + 1, "projections"},
        {56, 0x7FC00000u, "learning rate"}, /* NaN */
        {60, 0xBF800000u, "sigma"},         /* −1 */
        {72, 0, "noise ladder"},            /* σ_L = 0 */
        {76, SF_MAX_LEVELS + 1, "noise levels"},
        {80, SF_MAX_POINTS + 1, "painted point count"},
        {84, 1, "label count out of range"},
        {112, 2, "increment is even"},
        {HEADER_BYTES, 0x7F800000u, "NaN or infinite"},                /* +inf, first parameter */
        {HEADER_BYTES + 4 * (size_t)(2 * P), 0xBF800000u, "negative"}, /* −1, first second moment */
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        memcpy(t.g, t.f, t.size);
        put32(t.g + cases[c].at, cases[c].value);
        reseal(t.g, t.size);
        char what[64];
        snprintf(what, sizeof what, "offset %zu = 0x%x", cases[c].at, cases[c].value);
        expect_refused(t.m, t.g, t.size, cases[c].needle, what);
    }
    fixture_close(&t);
}

static void put64(unsigned char *p, uint64_t v) {
    for (int i = 0; i < 8; i++) p[i] = (unsigned char)(v >> (8 * i));
}

/* Seeds and step counts have one range everywhere, 0 .. 2^53 - 1: a file beyond it is refused, a
 * model cannot be made with a seed beyond it, and a model at the last step count refuses to train
 * (so that its own file still loads) and stays as it was. */
static void test_seeds_and_step_counts_stay_within_2_pow_53(void) {
    fixture t;
    if (!fixture_open(&t, 2, 8, 1, 3, 2)) return;
    sf_model *m = t.m;
    unsigned char *g = t.g;
    put64(g + 88, SF_MAX_SEED + 1), reseal(g, t.size);
    expect_refused(m, g, t.size, "seed out of range", "seed 2^53");
    memcpy(g, t.f, t.size), put64(g + 96, SF_MAX_STEP_COUNT + 1), reseal(g, t.size);
    expect_refused(m, g, t.size, "step count out of range", "step 2^53");

    memcpy(g, t.f, t.size), put64(g + 88, SF_MAX_SEED), put64(g + 96, SF_MAX_STEP_COUNT), reseal(g, t.size);
    EXPECT(sf_model_load(m, g, t.size) == SF_OK, "seed and step 2^53 - 1: %s", sf_error());
    EXPECT(sf_model_net_config(m).seed == SF_MAX_SEED, "seed %llu", (unsigned long long)sf_model_net_config(m).seed);
    snapshot before = take(m);
    float loss = -1.0f;
    EXPECT(sf_model_train(m, 1, &loss) == SF_EINVAL, "a step past 2^53 - 1 was taken");
    EXPECT(strstr(sf_error(), "cannot train further") != NULL, "message \"%s\"", sf_error());
    EXPECT(same_as(m, before), "the refused step changed the model");
    EXPECT(sf_model_load(m, before.file, before.size) == SF_OK, "its own file is refused: %s", sf_error());
    free(before.file);

    sf_net_config nc = {2, 8, 1, SF_MAX_SEED + 1, SF_ISA_AUTO, 0, 0};
    sf_model *bad = (sf_model *)1;
    EXPECT(sf_model_create(&bad, &nc) == SF_EINVAL && bad == NULL, "seed 2^53 accepted by create");
    EXPECT(strstr(sf_error(), "9007199254740992") != NULL, "message \"%s\"", sf_error());
    nc.seed = SF_MAX_SEED;
    EXPECT(sf_model_create(&bad, &nc) == SF_OK, "seed 2^53 - 1 refused: %s", sf_error());
    sf_model_free(bad);
    fixture_close(&t);
}

/* A model whose dimension has no dataset saves "no dataset" and comes back without one. */
static void test_a_model_without_dataset_round_trips(void) {
    sf_model *m = trained(3, 8, 1, 3, 0), *c = NULL;
    if (!m) return;
    size_t size;
    unsigned char *f = saved(m, &size);
    EXPECT(sf_model_from_weights(&c, f, size, SF_ISA_AUTO) == SF_OK, "%s", sf_error());
    if (c) {
        EXPECT(sf_model_train(c, 1, NULL) == SF_EINVAL, "trained without a dataset");
        EXPECT(sf_model_train_config(c).dataset == -1, "dataset %d", sf_model_train_config(c).dataset);
        sf_model_free(c);
    }
    free(f);
    sf_model_free(m);
}

/* A noise-conditional model trained on painted points keeps both through a file: the points travel
 * with it, and training goes on identically. */
static void test_painted_points_and_noise_conditional_nets_round_trip(void) {
    sf_net_config nc = {2, 16, 2, 11, SF_ISA_AUTO, 1, 0};
    float pts[2 * 50];
    for (int i = 0; i < 50; i++) pts[2 * i] = 0.02f * (float)i - 0.5f, pts[2 * i + 1] = 0.3f * (float)(i % 3);
    sf_model *a = trained_ncsn(&nc, SF_DATA_POINTS, 10, pts, 50), *b = NULL;
    if (!a) return;
    size_t size;
    unsigned char *f = saved(a, &size);
    /* a noise-conditional file also carries the weights' moving average: four arrays of P */
    EXPECT(size == 128 + 16 * (size_t)sf_model_param_count(a) + 8 * 50, "size %zu", size);
    EXPECT(sf_model_from_weights(&b, f, size, SF_ISA_AUTO) == SF_OK, "%s", sf_error());
    if (b) {
        EXPECT(sf_model_net_config(b).noise_conditional == 1, "not noise-conditional after loading");
        float la[5], lb[5];
        EXPECT(sf_model_train(a, 5, la) == SF_OK && sf_model_train(b, 5, lb) == SF_OK, "%s", sf_error());
        EXPECT(memcmp(la, lb, sizeof la) == 0, "training on painted points differs after loading");
        EXPECT(memcmp(sf_model_ema_params(a), sf_model_ema_params(b),
                      sizeof(float) * (size_t)sf_model_param_count(a)) == 0,
               "the weights' moving average differs after loading and training on");
        sf_model *plain = trained(2, 16, 2, 11, 0);
        if (plain) {
            expect_refused_as(plain, f, size,
                              "another architecture: D=2, H=16, depth 2, noise-conditional, but this "
                              "model is D=2, H=16, depth 2",
                              "a noise-conditional file into a plain model", 0);
            sf_model_free(plain);
        }
        sf_model_free(b);
    }
    free(f);
    sf_model_free(a);
}

/* Version 2 changed only what a noise-conditional net's parameters mean (net/cond.h). A version-1
 * file of a plain net still loads, and is the same model: saved again it differs only in the version
 * field. A version-1 noise-conditional file is refused by name — for D = 3 its shape fits the new
 * net exactly (in_0 = D + 1 both times), so nothing but the version can catch it; for D = 2 the
 * message must be this one rather than a parameter-count mismatch. */
static void test_version1_plain_files_load_and_noise_conditional_ones_are_refused(void) {
    sf_model *plain = trained(2, 16, 2, 3, 5);
    if (!plain) return;
    size_t size;
    unsigned char *f = saved(plain, &size);
    EXPECT(f[8] == 3 && f[9] == 0 && f[10] == 0 && f[11] == 0, "version written: %u", f[8]);
    put32(f + 8, 1);
    reseal(f, size);
    sf_model *b = NULL;
    EXPECT(sf_model_from_weights(&b, f, size, SF_ISA_AUTO) == SF_OK, "a version-1 plain file: %s", sf_error());
    if (b) {
        size_t size_b;
        unsigned char *again = saved(b, &size_b);
        put32(again + 8, 1);
        reseal(again, size_b);
        EXPECT(size_b == size && memcmp(again, f, size) == 0, "a version-1 plain file did not load unchanged");
        free(again);
        sf_model_free(b);
    }
    EXPECT(sf_model_load(plain, f, size) == SF_OK, "a version-1 plain file into a model: %s", sf_error());
    free(f);
    sf_model_free(plain);

    const int dims[] = {2, 3};
    for (int di = 0; di < 2; di++) {
        sf_net_config nc = {dims[di], 16, 2, 11, SF_ISA_AUTO, 1, 0};
        sf_model *c = NULL;
        EXPECT(sf_model_create(&c, &nc) == SF_OK, "%s", sf_error());
        if (!c) continue;
        unsigned char *g = saved(c, &size);
        EXPECT(sf_model_from_weights(&b, g, size, SF_ISA_AUTO) == SF_OK, "version 2, D=%d: %s", dims[di], sf_error());
        sf_model_free(b);
        put32(g + 8, 1);
        reseal(g, size);
        char what[64];
        snprintf(what, sizeof what, "a version-1 noise-conditional file, D=%d", dims[di]);
        expect_refused(c, g, size, "version 1 holds a noise-conditional net of an older design", what);
        free(g);
        sf_model_free(c);
    }
}

/* Version 3: a class-conditional net stores its label count at byte 84 and round-trips bit for bit; a
 * plain file relabelled version 2 still loads; a version-2 file with labels (byte 84 was zero then) and
 * a conditional file into a model without labels are refused by name. */
static void test_class_conditional_files_round_trip_and_version2_loads(void) {
    sf_net_config nc = {2, 16, 2, 11, SF_ISA_AUTO, 1, 8};
    sf_model *m = trained_ncsn(&nc, SF_DATA_EIGHT_GAUSSIANS, 3, NULL, 0);
    if (!m) return;
    size_t size;
    unsigned char *f = saved(m, &size);
    EXPECT(f[8] == 3 && f[84] == 8, "version %u, classes %u", f[8], f[84]);
    sf_model *b = NULL;
    EXPECT(sf_model_from_weights(&b, f, size, SF_ISA_AUTO) == SF_OK, "%s", sf_error());
    if (b) {
        size_t size2;
        unsigned char *g = saved(b, &size2);
        EXPECT(size2 == size && memcmp(f, g, size) == 0, "a class-conditional file does not round-trip");
        EXPECT(sf_model_net_config(b).classes == 8, "classes %d", sf_model_net_config(b).classes);
        free(g);
        sf_model_free(b);
    }
    put32(f + 8, 2);
    reseal(f, size);
    EXPECT(sf_model_from_weights(&b, f, size, SF_ISA_AUTO) == SF_EINVAL && strstr(sf_error(), "nonzero byte 84"), "%s",
           sf_error());
    put32(f + 8, 3);
    reseal(f, size);
    sf_model *plain = trained(2, 16, 2, 3, 5);
    if (plain) {
        expect_refused_as(plain, f, size, "class-conditional", "a class-conditional file into a plain model", 0);
        size_t ps;
        unsigned char *p = saved(plain, &ps);
        put32(p + 8, 2);
        reseal(p, ps);
        EXPECT(sf_model_load(plain, p, ps) == SF_OK, "a version-2 plain file: %s", sf_error());
        free(p);
        sf_model_free(plain);
    }
    free(f);
    sf_model_free(m);
}

int main(void) {
    RUN(test_crc32_matches_the_standard_check_value);
    RUN(test_restored_model_trains_on_bit_for_bit);
    RUN(test_save_refuses_a_short_buffer);
    RUN(test_foreign_and_future_files_are_refused);
    RUN(test_every_truncation_is_refused);
    RUN(test_every_damaged_byte_is_refused);
    RUN(test_another_architecture_is_refused_by_name);
    RUN(test_invalid_contents_behind_valid_checksums_are_refused);
    RUN(test_seeds_and_step_counts_stay_within_2_pow_53);
    RUN(test_a_model_without_dataset_round_trips);
    RUN(test_painted_points_and_noise_conditional_nets_round_trip);
    RUN(test_version1_plain_files_load_and_noise_conditional_ones_are_refused);
    RUN(test_class_conditional_files_round_trip_and_version2_loads);
    return TH_EXIT();
}
