/* weights.c — the weights file: a model's training state written as bytes, and read back with every
 * field checked before anything in the model changes.
 *
 * Layout, version 1 (all integers unsigned and all floats IEEE binary32, little-endian; P parameters):
 *
 *   offset  bytes  field
 *        0      8  magic "SCOREFLD"
 *        8      4  version (1)
 *       12      4  header size in bytes (100)
 *       16      4  D, data dimension
 *       20      4  H, hidden width
 *       24      4  depth, hidden layers
 *       28      4  activation (0 = softplus)
 *       32      4  P, parameter count (implied by D, H and depth; stored as a check)
 *       36      4  dataset (an sf_dataset, or 0xFFFFFFFF for none)
 *       40      4  objective (an sf_objective)
 *       44      4  batch size
 *       48      4  projections per sample
 *       52      4  learning rate (float)
 *       56      4  σ of denoising score matching (float)
 *       60      4  data noise (float)
 *       64      8  seed of the net's initialisation and training
 *       72      8  training steps taken
 *       80      8  training generator: PCG32 state
 *       88      8  training generator: PCG32 increment (odd)
 *       96      4  CRC-32 of bytes 0 .. 96
 *      100     4P  parameters, layer by layer: W_l (in_l, out_l) row-major, then b_l
 *   100+4P     4P  Adam's first moment
 *   100+8P     4P  Adam's second moment
 *  100+12P      4  CRC-32 of bytes 100 .. 100+12P
 *
 * The header has its own checksum so that a damaged header is reported as damaged rather than as a
 * file of some other size; the version comes before it, so that a newer file (whose header may differ)
 * is reported as newer. Reading checks, in this order: magic, version, header checksum, header
 * fields, length, data checksum, then what a checksum cannot vouch for (a file written by something
 * else: training settings in range, finite parameters, non-negative second moments). Only then, for
 * sf_model_load, does the architecture have to match the model's, and only then is the model written.
 */
#include <string.h>

#include "base/crc32.h"
#include "base/status.h"
#include "model.h"

#define SF__MAGIC "SCOREFLD"
#define SF__MAGIC_BYTES 8
#define SF__HEADER_BYTES 100     /* through the header checksum */
#define SF__HEADER_CRC_AT 96
#define SF__ACT_SOFTPLUS 0
#define SF__NO_DATASET 0xFFFFFFFFu
#define SF__STEP_LIMIT (1ull << 53) /* step counts reach JavaScript as doubles */

/* ---- Little-endian fields, whatever the host ------------------------------------------------- */

static void put32(unsigned char *p, uint32_t v) {
    for (int i = 0; i < 4; i++) p[i] = (unsigned char)(v >> (8 * i));
}
static void put64(unsigned char *p, uint64_t v) {
    for (int i = 0; i < 8; i++) p[i] = (unsigned char)(v >> (8 * i));
}
static uint32_t get32(const unsigned char *p) {
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) v |= (uint32_t)p[i] << (8 * i);
    return v;
}
static uint64_t get64(const unsigned char *p) {
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v |= (uint64_t)p[i] << (8 * i);
    return v;
}
static void putf(unsigned char *p, float f) {
    uint32_t u;
    memcpy(&u, &f, 4);
    put32(p, u);
}
static float getf(const unsigned char *p) {
    uint32_t u = get32(p);
    float f;
    memcpy(&f, &u, 4);
    return f;
}

static size_t file_size(int P) { return SF__HEADER_BYTES + (size_t)12 * (size_t)P + 4; }

size_t sf_model_save_size(const sf_model *m) { return m ? file_size(m->net.P) : 0; }

sf_status sf_model_save(const sf_model *m, void *buf, size_t size) {
    if (!m || !buf) return sf__fail(SF_EINVAL, "sf_model_save: model and buffer must not be NULL");
    const int P = m->net.P;
    if (size < file_size(P))
        return sf__fail(SF_EINVAL, "the buffer holds %zu bytes but the weights file needs %zu", size, file_size(P));
    unsigned char *p = buf;
    const sf_train_config *tc = &m->tc;
    memcpy(p, SF__MAGIC, SF__MAGIC_BYTES);
    put32(p + 8, SF_WEIGHTS_VERSION);
    put32(p + 12, SF__HEADER_BYTES);
    put32(p + 16, (uint32_t)m->net.D);
    put32(p + 20, (uint32_t)m->net.H);
    put32(p + 24, (uint32_t)m->net.depth);
    put32(p + 28, SF__ACT_SOFTPLUS);
    put32(p + 32, (uint32_t)P);
    put32(p + 36, m->has_dataset ? (uint32_t)tc->dataset : SF__NO_DATASET);
    put32(p + 40, (uint32_t)tc->objective);
    put32(p + 44, (uint32_t)tc->batch);
    put32(p + 48, (uint32_t)tc->n_proj);
    putf(p + 52, tc->lr);
    putf(p + 56, tc->sigma);
    putf(p + 60, tc->data_noise);
    put64(p + 64, m->nc.seed);
    put64(p + 72, (uint64_t)m->step);
    put64(p + 80, m->rng_train.state);
    put64(p + 88, m->rng_train.inc);
    put32(p + SF__HEADER_CRC_AT, sf__crc32(0, p, SF__HEADER_CRC_AT));
    unsigned char *q = p + SF__HEADER_BYTES;
    const float *arrays[3] = {m->p, m->m1, m->m2};
    for (int a = 0; a < 3; a++)
        for (int i = 0; i < P; i++, q += 4) putf(q, arrays[a][i]);
    put32(q, sf__crc32(0, p + SF__HEADER_BYTES, (size_t)12 * (size_t)P));
    return SF_OK;
}

/* ---- Reading --------------------------------------------------------------------------------- */

/* What a checked file says, before any of it is copied into a model. */
typedef struct sf_weights {
    int D, H, depth, P;
    int has_dataset;
    sf_train_config tc;
    uint64_t seed;
    long long step;
    sf_rng rng;
    const unsigned char *data; /* the three arrays of P floats */
} sf_weights;

/* "D=2, H=128, depth 2": how messages name an architecture. */
#define SF__ARCH_FMT "D=%d, H=%d, depth %d"

/* Fails with "corrupted weights file: " and the message of the check that failed. */
static sf_status corrupted(const char *why) {
    char msg[192];
    strncpy(msg, why, sizeof msg - 1);
    msg[sizeof msg - 1] = '\0';
    return sf__fail(SF_EINVAL, "corrupted weights file: %s", msg);
}

static sf_status parse(sf_weights *w, const unsigned char *p, size_t size) {
    if (!p) return sf__fail(SF_EINVAL, "the weights file buffer is NULL");
    size_t head = size < SF__MAGIC_BYTES ? size : SF__MAGIC_BYTES;
    if (memcmp(p, SF__MAGIC, head) != 0)
        return sf__fail(SF_EINVAL, "not a Scorefield weights file (it does not start with \"" SF__MAGIC "\")");
    if (size < 12) return sf__fail(SF_EINVAL, "truncated weights file: %zu bytes, not even a version", size);
    uint32_t version = get32(p + 8);
    if (version > SF_WEIGHTS_VERSION)
        return sf__fail(SF_EINVAL, "weights file version %u is newer than this Scorefield reads (version %d)",
                        version, SF_WEIGHTS_VERSION);
    if (version == 0) return corrupted("version 0");
    if (size < SF__HEADER_BYTES)
        return sf__fail(SF_EINVAL, "truncated weights file: %zu bytes, shorter than the %d-byte header", size,
                        SF__HEADER_BYTES);
    if (sf__crc32(0, p, SF__HEADER_CRC_AT) != get32(p + SF__HEADER_CRC_AT))
        return corrupted("the header's checksum does not match");
    if (get32(p + 12) != SF__HEADER_BYTES) return corrupted("header size is not 100");

    uint32_t D = get32(p + 16), H = get32(p + 20), depth = get32(p + 24);
    if (D < 1 || D > SF_MAX_DIM || H < 1 || H > SF_MAX_HIDDEN || depth < 1 || depth > SF_MAX_DEPTH)
        return corrupted("architecture out of range");
    if (get32(p + 28) != SF__ACT_SOFTPLUS) return corrupted("unknown activation");
    sf_mlp net;
    sf__mlp_shape(&net, (int)D, (int)H, (int)depth);
    if (get32(p + 32) != (uint32_t)net.P) return corrupted("the parameter count does not fit the architecture");
    size_t want = file_size(net.P);
    if (size < want)
        return sf__fail(SF_EINVAL, "truncated weights file: " SF__ARCH_FMT " needs %zu bytes, the file has %zu",
                        net.D, net.H, net.depth, want, size);
    if (size > want) return corrupted("bytes after the end of the data");
    const unsigned char *data = p + SF__HEADER_BYTES;
    if (sf__crc32(0, data, (size_t)12 * (size_t)net.P) != get32(data + (size_t)12 * (size_t)net.P))
        return corrupted("the parameters' checksum does not match");

    *w = (sf_weights){.D = net.D, .H = net.H, .depth = net.depth, .P = net.P, .data = data};
    uint32_t dataset = get32(p + 36);
    w->has_dataset = dataset != SF__NO_DATASET;
    w->tc = (sf_train_config){
        .dataset = w->has_dataset ? (int)dataset : -1,
        .objective = (int)get32(p + 40),
        .batch = (int)get32(p + 44),
        .n_proj = (int)get32(p + 48),
        .lr = getf(p + 52),
        .sigma = getf(p + 56),
        .data_noise = getf(p + 60),
    };
    if (sf__check_train_config(&w->tc, net.D, w->has_dataset) != SF_OK) return corrupted(sf_error());
    w->seed = get64(p + 64);
    uint64_t step = get64(p + 72);
    if (step >= SF__STEP_LIMIT) return corrupted("step count out of range");
    w->step = (long long)step;
    w->rng.state = get64(p + 80);
    w->rng.inc = get64(p + 88);
    if ((w->rng.inc & 1u) == 0) return corrupted("the generator's increment is even");
    for (long i = 0; i < 3L * net.P; i++) {
        float v = getf(data + 4 * i);
        if (!sf__finite(v)) return corrupted("a parameter or moment is NaN or infinite");
        if (i >= 2L * net.P && v < 0) return corrupted("a second moment is negative");
    }
    return SF_OK;
}

/* Copies a checked file into a model of its shape. */
static void restore(sf_model *m, const sf_weights *w) {
    float *arrays[3] = {m->p, m->m1, m->m2};
    const unsigned char *q = w->data;
    for (int a = 0; a < 3; a++)
        for (int i = 0; i < w->P; i++, q += 4) arrays[a][i] = getf(q);
    m->tc = w->tc;
    m->has_dataset = w->has_dataset;
    m->nc.seed = w->seed;
    m->step = w->step;
    m->rng_train = w->rng;
}

sf_status sf_model_load(sf_model *m, const void *buf, size_t size) {
    if (!m) return sf__fail(SF_EINVAL, "model is NULL");
    sf_weights w;
    sf_status st = parse(&w, buf, size);
    if (st) return st;
    if (w.D != m->net.D || w.H != m->net.H || w.depth != m->net.depth)
        return sf__fail(SF_EINVAL, "the weights file holds another architecture: " SF__ARCH_FMT
                        ", but this model is " SF__ARCH_FMT, w.D, w.H, w.depth, m->net.D, m->net.H, m->net.depth);
    restore(m, &w);
    return SF_OK;
}

sf_status sf_model_from_weights(sf_model **out, const void *buf, size_t size, int isa) {
    if (!out) return sf__fail(SF_EINVAL, "sf_model_from_weights: out is NULL");
    *out = NULL;
    sf_weights w;
    sf_status st = parse(&w, buf, size);
    if (st) return st;
    sf_net_config nc = {.dim = w.D, .hidden = w.H, .depth = w.depth, .seed = w.seed, .isa = isa};
    sf_model *m;
    if ((st = sf_model_create(&m, &nc)) != SF_OK) return st;
    restore(m, &w);
    *out = m;
    return SF_OK;
}
