/* weights.c — the weights file: a model's training state written as bytes, and read back with every
 * field checked before anything in the model changes.
 *
 * Layout, version 3 (all integers unsigned and all floats IEEE binary32, little-endian; P parameters,
 * Q painted points):
 *
 *   offset  bytes  field
 *        0      8  magic "SCOREFLD"
 *        8      4  version (3; 1 and 2 are read too, see below)
 *       12      4  header size in bytes (124)
 *       16      4  D, data dimension
 *       20      4  H, hidden width
 *       24      4  depth, hidden layers
 *       28      4  activation (0 = softplus)
 *       32      4  P, parameter count (implied by the architecture; stored as a check)
 *       36      4  flags: bit 0 = noise-conditional net (net/cond.h's s(x, σ)); bit 1 = VESDE σ from EDM's
 *                  log-normal (SF_SIGMA_EDM; clear: log-uniform, and in every file before it); other bits 0
 *       40      4  dataset (an sf_dataset, or 0xFFFFFFFF for none)
 *       44      4  objective (an sf_objective)
 *       48      4  batch size
 *       52      4  projections per sample
 *       56      4  learning rate (float)
 *       60      4  σ of denoising score matching (float)
 *       64      4  data noise (float)
 *       68      4  NCSN ladder: σ₁ (float)
 *       72      4  NCSN ladder: σ_L (float)
 *       76      4  NCSN ladder: levels
 *       80      4  Q, painted points (0 .. 4096; 0 unless D = 2)
 *       84      4  classes of a class-conditional net (0 = unconditional; version 3, zero before)
 *       88      8  seed of the net's initialisation and training
 *       96      8  training steps taken
 *      104      8  training generator: PCG32 state
 *      112      8  training generator: PCG32 increment (odd)
 *      120      4  CRC-32 of bytes 0 .. 120
 *      124     4P  parameters, layer by layer: W_l (in_l, out_l) row-major, then b_l
 *   124+4P     4P  Adam's first moment
 *   124+8P     4P  Adam's second moment
 *  124+12P    4EP  noise-conditional nets (E = 1, else 0): the parameters' moving average
 *  124+(12+4E)P  8Q  painted points (x, y)
 *  end−4        4  CRC-32 of bytes 124 .. end−4
 *
 * Versions: 3 adds the label count at byte 84, which versions 1 and 2 kept zero: every file of theirs
 * is an unconditional net and reads as one. 2 differs from 1 only for noise-conditional nets. Version 1's net was an MLP on
 * (x, log σ) whose output was the score; version 2's is net/cond.h's (EDM preconditioning, and
 * Fourier features for D = 2), whose first layer for D = 2 is also wider, and its file carries the
 * moving average of the weights that it samples with. So a version-1 file of a plain net is read as
 * it always was, and one of a noise-conditional net is refused by name (its parameters would give a
 * wrong field, silently for D != 2).
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

#define SF__MAGIC          "SCOREFLD"
#define SF__MAGIC_BYTES    8
#define SF__HEADER_BYTES   124 /* through the header checksum */
#define SF__HEADER_CRC_AT  120
#define SF__ACT_SOFTPLUS   0
#define SF__FLAG_COND      1u
#define SF__FLAG_EDM_SIGMA 2u /* VESDE's σ drawn from EDM's log-normal (SF_SIGMA_EDM); else log-uniform */
#define SF__NO_DATASET     0xFFFFFFFFu

/* Field offsets of the header (see the table above). */
enum {
    AT_VERSION = 8,
    AT_HEADER = 12,
    AT_D = 16,
    AT_H = 20,
    AT_DEPTH = 24,
    AT_ACT = 28,
    AT_P = 32,
    AT_FLAGS = 36,
    AT_DATASET = 40,
    AT_OBJECTIVE = 44,
    AT_BATCH = 48,
    AT_PROJ = 52,
    AT_LR = 56,
    AT_SIGMA = 60,
    AT_NOISE = 64,
    AT_SIGMA_MAX = 68,
    AT_SIGMA_MIN = 72,
    AT_LEVELS = 76,
    AT_POINTS = 80,
    AT_CLASSES = 84,
    AT_SEED = 88,
    AT_STEP = 96,
    AT_RNG_STATE = 104,
    AT_RNG_INC = 112
};

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

/* Bytes of the data part: three arrays of P floats (four for a noise-conditional net) and Q points. */
static size_t data_size(int P, int Q, int cond) { return (size_t)(cond ? 16 : 12) * (size_t)P + (size_t)8 * (size_t)Q; }
static size_t file_size(int P, int Q, int cond) { return SF__HEADER_BYTES + data_size(P, Q, cond) + 4; }

size_t sf_model_save_size(const sf_model *m) { return m ? file_size(m->net.P, m->n_points, m->net.cond) : 0; }

sf_status sf_model_save(const sf_model *m, void *buf, size_t size) {
    if (!m || !buf) return sf__fail(SF_EINVAL, "sf_model_save: model and buffer must not be NULL");
    const int P = m->net.P, Q = m->n_points, E = m->net.cond;
    if (size < file_size(P, Q, E))
        return sf__fail(SF_EINVAL, "the buffer holds %zu bytes but the weights file needs %zu", size,
                        file_size(P, Q, E));
    unsigned char *p = buf;
    const sf_train_config *tc = &m->tc;
    memset(p, 0, SF__HEADER_BYTES);
    memcpy(p, SF__MAGIC, SF__MAGIC_BYTES);
    put32(p + AT_VERSION, SF_WEIGHTS_VERSION);
    put32(p + AT_HEADER, SF__HEADER_BYTES);
    put32(p + AT_D, (uint32_t)m->net.D);
    put32(p + AT_H, (uint32_t)m->net.H);
    put32(p + AT_DEPTH, (uint32_t)m->net.depth);
    put32(p + AT_ACT, SF__ACT_SOFTPLUS);
    put32(p + AT_P, (uint32_t)P);
    put32(p + AT_FLAGS,
          (m->net.cond ? SF__FLAG_COND : 0u) | (tc->sigma_dist == SF_SIGMA_EDM ? SF__FLAG_EDM_SIGMA : 0u));
    put32(p + AT_DATASET, m->has_dataset ? (uint32_t)tc->dataset : SF__NO_DATASET);
    put32(p + AT_OBJECTIVE, (uint32_t)tc->objective);
    put32(p + AT_BATCH, (uint32_t)tc->batch);
    put32(p + AT_PROJ, (uint32_t)tc->n_proj);
    putf(p + AT_LR, tc->lr);
    putf(p + AT_SIGMA, tc->sigma);
    putf(p + AT_NOISE, tc->data_noise);
    putf(p + AT_SIGMA_MAX, tc->sigma_max);
    putf(p + AT_SIGMA_MIN, tc->sigma_min);
    put32(p + AT_LEVELS, (uint32_t)tc->levels);
    put32(p + AT_POINTS, (uint32_t)Q);
    put32(p + AT_CLASSES, (uint32_t)m->net.classes);
    put64(p + AT_SEED, m->nc.seed);
    put64(p + AT_STEP, (uint64_t)m->step);
    /* A step in pieces has drawn from the generator: the file is the model before that step. */
    const sf_rng *rng = m->pending.active ? &m->pending.rng_before : &m->rng_train;
    put64(p + AT_RNG_STATE, rng->state);
    put64(p + AT_RNG_INC, rng->inc);
    put32(p + SF__HEADER_CRC_AT, sf__crc32(0, p, SF__HEADER_CRC_AT));
    unsigned char *q = p + SF__HEADER_BYTES;
    const float *arrays[4] = {m->p, m->m1, m->m2, m->ema};
    for (int a = 0; a < 3 + E; a++)
        for (int i = 0; i < P; i++, q += 4) putf(q, arrays[a][i]);
    for (int i = 0; i < 2 * Q; i++, q += 4) putf(q, m->points[i]);
    put32(q, sf__crc32(0, p + SF__HEADER_BYTES, data_size(P, Q, E)));
    return SF_OK;
}

/* ---- Reading --------------------------------------------------------------------------------- */

/* What a checked file says, before any of it is copied into a model. */
typedef struct sf_weights {
    int D, H, depth, cond, classes, P, Q;
    int has_dataset;
    sf_train_config tc;
    uint64_t seed;
    long long step;
    sf_rng rng;
    const unsigned char *data; /* the three (cond: four) arrays of P floats, then the Q points */
} sf_weights;

/* "D=2, H=128, depth 2": how messages name an architecture. */
#define SF__ARCH_FMT     "D=%d, H=%d, depth %d%s%s"
#define SF__ARCH_COND(c) ((c) ? ", noise-conditional" : "")
#define SF__ARCH_CLS(k)  ((k) ? ", class-conditional" : "")

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
    if (size < AT_VERSION + 4)
        return sf__fail(SF_EINVAL, "truncated weights file: %zu bytes, not even a version", size);
    uint32_t version = get32(p + AT_VERSION);
    if (version > SF_WEIGHTS_VERSION)
        return sf__fail(SF_EINVAL, "weights file version %u is newer than this Scorefield reads (version %d)", version,
                        SF_WEIGHTS_VERSION);
    if (version == 0) return corrupted("version 0");
    int version1 = version == 1;
    if (size < SF__HEADER_BYTES)
        return sf__fail(SF_EINVAL, "truncated weights file: %zu bytes, shorter than the %d-byte header", size,
                        SF__HEADER_BYTES);
    if (sf__crc32(0, p, SF__HEADER_CRC_AT) != get32(p + SF__HEADER_CRC_AT))
        return corrupted("the header's checksum does not match");
    if (get32(p + AT_HEADER) != SF__HEADER_BYTES) return corrupted("header size is not 124");

    uint32_t D = get32(p + AT_D), H = get32(p + AT_H), depth = get32(p + AT_DEPTH);
    uint32_t flags = get32(p + AT_FLAGS), Q = get32(p + AT_POINTS);
    if (D < 1 || D > SF_MAX_DIM || H < 1 || H > SF_MAX_HIDDEN || depth < 1 || depth > SF_MAX_DEPTH)
        return corrupted("architecture out of range");
    if (get32(p + AT_ACT) != SF__ACT_SOFTPLUS) return corrupted("unknown activation");
    if ((flags & ~(SF__FLAG_COND | SF__FLAG_EDM_SIGMA)) != 0) return corrupted("unknown flags");
    int cond = (flags & SF__FLAG_COND) != 0;
    uint32_t classes = get32(p + AT_CLASSES);
    if (version < 3 && classes != 0) return corrupted("a version-1 or 2 file with a nonzero byte 84");
    if (classes != 0 && (classes < 2 || classes > SF_MAX_CLASSES || !cond))
        return corrupted("label count out of range, or labels on a net that is not noise-conditional");
    if (version1 && cond)
        return sf__fail(SF_EINVAL,
                        "weights file version 1 holds a noise-conditional net of an older design "
                        "(input (x, log sigma), no preconditioning) that this Scorefield cannot use: train it again");
    sf_mlp net;
    sf__mlp_shape(&net, (int)D, (int)H, (int)depth, cond, (int)classes);
    if (get32(p + AT_P) != (uint32_t)net.P) return corrupted("the parameter count does not fit the architecture");
    if (Q > (D == 2 ? SF_MAX_POINTS : 0)) return corrupted("painted point count out of range");
    size_t want = file_size(net.P, (int)Q, cond);
    if (size < want)
        return sf__fail(SF_EINVAL, "truncated weights file: " SF__ARCH_FMT " needs %zu bytes, the file has %zu", net.D,
                        net.H, net.depth, SF__ARCH_COND(cond), SF__ARCH_CLS(net.classes), want, size);
    if (size > want) return corrupted("bytes after the end of the data");
    const unsigned char *data = p + SF__HEADER_BYTES;
    if (sf__crc32(0, data, data_size(net.P, (int)Q, cond)) != get32(data + data_size(net.P, (int)Q, cond)))
        return corrupted("the parameters' checksum does not match");

    *w = (sf_weights){.D = net.D,
                      .H = net.H,
                      .depth = net.depth,
                      .cond = cond,
                      .classes = net.classes,
                      .P = net.P,
                      .Q = (int)Q,
                      .data = data};
    uint32_t dataset = get32(p + AT_DATASET);
    w->has_dataset = dataset != SF__NO_DATASET;
    w->tc = (sf_train_config){
        .dataset = w->has_dataset ? (int)dataset : -1,
        .objective = (int)get32(p + AT_OBJECTIVE),
        .batch = (int)get32(p + AT_BATCH),
        .n_proj = (int)get32(p + AT_PROJ),
        .lr = getf(p + AT_LR),
        .sigma = getf(p + AT_SIGMA),
        .data_noise = getf(p + AT_NOISE),
        .sigma_max = getf(p + AT_SIGMA_MAX),
        .sigma_min = getf(p + AT_SIGMA_MIN),
        .levels = (int)get32(p + AT_LEVELS),
        .sigma_dist = (flags & SF__FLAG_EDM_SIGMA) ? SF_SIGMA_EDM : SF_SIGMA_LOG_UNIFORM,
    };
    if (sf__check_train_config(&w->tc, net.D, w->has_dataset, cond) != SF_OK) return corrupted(sf_error());
    if (w->tc.dataset == SF_DATA_POINTS && Q == 0) return corrupted("painted-points dataset without points");
    if (classes && w->has_dataset &&
        (sf_data_classes(w->tc.dataset) == 0 || sf_data_classes(w->tc.dataset) > (int)classes))
        return corrupted("the dataset's labels do not fit the net's classes");
    w->seed = get64(p + AT_SEED);
    if (w->seed > SF_MAX_SEED) return corrupted("seed out of range (more than 2^53 - 1)");
    uint64_t step = get64(p + AT_STEP);
    if (step > SF_MAX_STEP_COUNT) return corrupted("step count out of range (more than 2^53 - 1)");
    w->step = (long long)step;
    w->rng.state = get64(p + AT_RNG_STATE);
    w->rng.inc = get64(p + AT_RNG_INC);
    if ((w->rng.inc & 1u) == 0) return corrupted("the generator's increment is even");
    long floats = (3L + cond) * net.P + 2L * (long)Q;
    for (long i = 0; i < floats; i++) {
        float v = getf(data + 4 * i);
        if (!sf__finite(v)) return corrupted("a parameter, moment or point is NaN or infinite");
        if (i >= 2L * net.P && i < 3L * net.P && v < 0) return corrupted("a second moment is negative");
    }
    return SF_OK;
}

/* Copies a checked file into a model of its shape. */
static void restore(sf_model *m, const sf_weights *w) {
    sf_model_step_cancel(m);
    float *arrays[4] = {m->p, m->m1, m->m2, m->ema};
    const unsigned char *q = w->data;
    for (int a = 0; a < 3 + w->cond; a++)
        for (int i = 0; i < w->P; i++, q += 4) arrays[a][i] = getf(q);
    for (int i = 0; i < 2 * w->Q; i++, q += 4) m->points[i] = getf(q);
    m->n_points = w->Q;
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
    if (w.D != m->net.D || w.H != m->net.H || w.depth != m->net.depth || w.cond != m->net.cond ||
        w.classes != m->net.classes)
        return sf__fail(
            SF_EINVAL, "the weights file holds another architecture: " SF__ARCH_FMT ", but this model is " SF__ARCH_FMT,
            w.D, w.H, w.depth, SF__ARCH_COND(w.cond), SF__ARCH_CLS(w.classes), m->net.D, m->net.H, m->net.depth,
            SF__ARCH_COND(m->net.cond), SF__ARCH_CLS(m->net.classes));
    restore(m, &w);
    return SF_OK;
}

sf_status sf_model_from_weights(sf_model **out, const void *buf, size_t size, int isa) {
    if (!out) return sf__fail(SF_EINVAL, "sf_model_from_weights: out is NULL");
    *out = NULL;
    sf_weights w;
    sf_status st = parse(&w, buf, size);
    if (st) return st;
    sf_net_config nc = {.dim = w.D,
                        .hidden = w.H,
                        .depth = w.depth,
                        .seed = w.seed,
                        .isa = isa,
                        .noise_conditional = w.cond,
                        .classes = w.classes};
    sf_model *m;
    if ((st = sf_model_create(&m, &nc)) != SF_OK) return st;
    restore(m, &w);
    *out = m;
    return SF_OK;
}
