/* ref.c — the double-precision reference of ref.h: the score net evaluated on hyper-dual numbers, the
 * four objectives, and their exact parameter gradients.
 *
 * One forward pass on hyper-duals a + b·ε₁ + c·ε₂ + d·ε₁ε₂ (ε₁² = ε₂² = 0), with the input seeded by a
 * direction u in ε₁ and one parameter p seeded in ε₂, returns for every output j
 *     a = s_j,   b = (J·u)_j,   c = ∂s_j/∂p,   d = ∂(J·u)_j/∂p,
 * exactly (no truncation). ref_score and ref_jvp read a and b; ref_loss assembles the objectives from
 * a and b; ref_grad applies the chain rule to all four parts. Plain loops, one sample, one direction
 * and one parameter per pass: it is meant to be obviously right, not fast.
 *
 * Left to others: the float32 library and its reverse-mode gradients (src/), and the tests that show
 * this file is right (test_ref.c). Nothing here is shared with src/, so a bug there cannot hide here.
 *
 * Sizes: N samples, D data dimension, H hidden width, M projections, P parameters.
 */
#include "ref.h"
#include "free_all.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* a + b·ε₁ + c·ε₂ + d·ε₁ε₂ */
typedef struct hd {
    double a, b, c, d;
} hd;

/* Contract violations are bugs in the calling test: stop loudly rather than return garbage. */
static void require(int ok, const char *what) {
    if (!ok) {
        fprintf(stderr, "ref.c: contract violation: %s\n", what);
        abort();
    }
}

static void *xmalloc(size_t n) {
    void *p = malloc(n);
    require(p != NULL, "out of memory");
    return p;
}

/* softplus(z) = log(1 + e^z), written so that e^z never overflows and small results keep their
 * digits: log(1 + e^z) = max(z, 0) + log1p(e^−|z|). */
static double softplus(double z) { return log1p(exp(-fabs(z))) + (z > 0.0 ? z : 0.0); }

/* σ(z) = 1/(1 + e^−z), with the exponential of a non-positive argument only (no overflow). */
static double sigmoid(double z) {
    if (z >= 0.0) return 1.0 / (1.0 + exp(-z));
    double e = exp(z);
    return e / (1.0 + e);
}

/* y += w·x for a real w: every part scales. */
static void hd_axpy(hd *y, double w, hd x) {
    y->a += w * x.a;
    y->b += w * x.b;
    y->c += w * x.c;
    y->d += w * x.d;
}

/* f(x) for f = softplus, by Taylor expansion in the two nilpotent units:
 * f(a) + f'(a)b ε₁ + f'(a)c ε₂ + (f'(a)d + f''(a)bc) ε₁ε₂, with f' = σ and f'' = σ(1 − σ).
 * The f''·bc term is the one that carries second-order information into ∂(J·u)/∂p. */
static hd hd_softplus(hd x) {
    double f1 = sigmoid(x.a);
    double f2 = f1 * (1.0 - f1);
    hd y = {softplus(x.a), f1 * x.b, f1 * x.c, f1 * x.d + f2 * x.b * x.c};
    return y;
}

/* ---- the noise-conditional net's input row and output map (ref.h; src/net/cond.h) ---- */

#define REF_PI 3.14159265358979323846

int ref_input_width(ref_net net) {
    if (!net.cond) return net.D;
    return net.D + (net.D == 2 ? 2 * REF_FOURIER : 0) + 1;
}

/* Frequency f of a 2-D net in cycles per unit: radius √(−2 ln(1 − (f + ½)/F)), angle f times the
 * golden angle π(3 − √5). */
static void fourier_freq(int f, double *b0, double *b1) {
    double r = sqrt(-2.0 * log(1.0 - (f + 0.5) / REF_FOURIER)), t = f * REF_PI * (3.0 - sqrt(5.0));
    *b0 = r * cos(t);
    *b1 = r * sin(t);
}

/* row (ref_input_width) = the input row of point x (D) at level sigma, as hyper-duals: the ε₁ part
 * carries the direction u (D, or NULL for none) through the map, so that J·u is that of s(x, σ) with
 * respect to x. log σ gets no tangent. */
static void cond_row(ref_net net, const double *x, const double *u, double sigma, hd *row) {
    double c_in = 1.0 / sqrt(sigma * sigma + REF_SIGMA_DATA * REF_SIGMA_DATA);
    for (int d = 0; d < net.D; d++) {
        hd v = {c_in * x[d], u ? c_in * u[d] : 0.0, 0.0, 0.0};
        row[d] = v;
    }
    int k = net.D;
    if (net.D == 2)
        for (int f = 0; f < REF_FOURIER; f++) {
            double b0, b1;
            fourier_freq(f, &b0, &b1);
            double w = 2.0 * REF_PI * (b0 * x[0] + b1 * x[1]);
            double w_dot = u ? 2.0 * REF_PI * (b0 * u[0] + b1 * u[1]) : 0.0;
            hd sn = {sin(w), cos(w) * w_dot, 0.0, 0.0}, cs = {cos(w), -sin(w) * w_dot, 0.0, 0.0};
            row[k++] = sn;
            row[k++] = cs;
        }
    hd ls = {log(sigma), 0.0, 0.0, 0.0};
    row[k] = ls;
}

/* s = a·x + b·F: a = −1/(σ² + σ_d²), b = σ_d/(σ·√(σ² + σ_d²)). F (D) is overwritten by s, all four
 * parts (a·x has tangent a·u and no ε₂ part: it holds no parameter). */
static void cond_output(ref_net net, const double *x, const double *u, double sigma, hd *F) {
    double v = sigma * sigma + REF_SIGMA_DATA * REF_SIGMA_DATA;
    double a = -1.0 / v, b = REF_SIGMA_DATA / (sigma * sqrt(v));
    for (int j = 0; j < net.D; j++) {
        hd s = {a * x[j] + b * F[j].a, (u ? a * u[j] : 0.0) + b * F[j].b, b * F[j].c, b * F[j].d};
        F[j] = s;
    }
}

/* Width of the widest layer, the size of each work buffer. */
static int max_width(ref_net net) {
    int in0 = ref_input_width(net);
    return in0 > net.H ? in0 : net.H;
}

static void check_net(ref_net net) {
    require(net.D >= 1, "D >= 1");
    require(net.cond == 0 || net.cond == 1, "cond is 0 or 1");
    require(net.depth >= 0, "depth >= 0");
    require(net.depth == 0 || net.H >= 1, "H >= 1 when depth >= 1");
}

int ref_param_count(ref_net net) {
    check_net(net);
    int P = 0;
    for (int l = 0; l <= net.depth; l++) {
        int in = l == 0 ? ref_input_width(net) : net.H;
        int out = l == net.depth ? net.D : net.H;
        P += in * out + out;
    }
    return P;
}

/* One hyper-dual forward pass of the MLP for one sample.
 * work0 (max(in_0, H)) holds the input row on entry (its ε₁ parts the direction, its ε₂ parts zero);
 * p: the parameter seeded in ε₂, or −1 for none. s (D) receives the output; work0 and work1
 * (max(in_0, H)) are scratch. */
static void mlp_forward(ref_net net, const double *params, int p, hd *s, hd *work0, hd *work1) {
    hd *h = work0;
    hd *z = work1;
    int off = 0; /* offset of layer l's W_l in params */
    for (int l = 0; l <= net.depth; l++) {
        int in = l == 0 ? ref_input_width(net) : net.H;
        int out = l == net.depth ? net.D : net.H;
        const double *W = params + off; /* (in, out) */
        const double *b = W + in * out; /* (out) */
        if (l == net.depth) z = s;
        for (int j = 0; j < out; j++) {
            hd bj = {b[j], 0.0, 0.0, 0.0};
            z[j] = bj;
        }
        for (int i = 0; i < in; i++)
            for (int j = 0; j < out; j++) hd_axpy(&z[j], W[i * out + j], h[i]);
        /* The seed: replacing parameter p by p + ε₂ adds ε₂·∂z/∂p to z. For W_l[i][j] that is ε₂·h_i
         * on z_j, and ε₂·h_i = h_i.a·ε₂ + h_i.b·ε₁ε₂ because ε₂² = 0; for b_l[j] it is ε₂ on z_j.
         * Doing this once, outside the loop, keeps the loop a real-times-hyper-dual product. */
        int k = p - off;
        if (k >= 0 && k < in * out) {
            z[k % out].c += h[k / out].a;
            z[k % out].d += h[k / out].b;
        } else if (k >= in * out && k < in * out + out) {
            z[k - in * out].c += 1.0;
        }
        off += in * out + out;
        if (l < net.depth) {
            for (int j = 0; j < out; j++) z[j] = hd_softplus(z[j]);
            hd *t = h;
            h = z;
            z = t;
        }
    }
}

/* The whole score for one sample: x (D), u (D) or NULL for u = 0, sigma the level of a
 * noise-conditional net (ignored otherwise). s (D) receives s(x[, σ]) and its parts. */
static void forward(ref_net net, const double *params, int p, const double *x, const double *u, double sigma, hd *s,
                    hd *work0, hd *work1) {
    if (net.cond) {
        cond_row(net, x, u, sigma, work0);
    } else {
        for (int i = 0; i < net.D; i++) {
            hd xi = {x[i], u ? u[i] : 0.0, 0.0, 0.0};
            work0[i] = xi;
        }
    }
    mlp_forward(net, params, p, s, work0, work1);
    if (net.cond) cond_output(net, x, u, sigma, s);
}

/* The scratch that every entry point needs: the output and two layer buffers. */
typedef struct workspace {
    hd *s;     /* (D) */
    hd *w0;    /* (max(D, H)) */
    hd *w1;    /* (max(D, H)) */
    double *e; /* (D) a unit vector or a perturbed input */
} workspace;

static workspace ws_alloc(ref_net net) {
    int W = max_width(net);
    workspace ws;
    ws.s = xmalloc((size_t)net.D * sizeof(hd));
    ws.w0 = xmalloc((size_t)W * sizeof(hd));
    ws.w1 = xmalloc((size_t)W * sizeof(hd));
    ws.e = xmalloc((size_t)net.D * sizeof(double));
    return ws;
}

static void ws_free(workspace *ws) { FREE_ALL(ws->s, ws->w0, ws->w1, ws->e); }

void ref_score(ref_net net, const double *params, const double *x, int N, double *s) {
    check_net(net);
    require(params && x && s && N >= 0, "ref_score arguments");
    workspace ws = ws_alloc(net);
    int row = net.D + net.cond;
    for (int n = 0; n < N; n++) {
        forward(net, params, -1, x + n * row, NULL, net.cond ? x[n * row + net.D] : 0.0, ws.s, ws.w0, ws.w1);
        for (int j = 0; j < net.D; j++) s[n * net.D + j] = ws.s[j].a;
    }
    ws_free(&ws);
}

void ref_jvp(ref_net net, const double *params, const double *x, const double *u, int N, double *ju) {
    check_net(net);
    require(params && x && u && ju && N >= 0, "ref_jvp arguments");
    workspace ws = ws_alloc(net);
    int row = net.D + net.cond;
    for (int n = 0; n < N; n++) {
        forward(net, params, -1, x + n * row, u + n * net.D, net.cond ? x[n * row + net.D] : 0.0, ws.s, ws.w0, ws.w1);
        for (int j = 0; j < net.D; j++) ju[n * net.D + j] = ws.s[j].b;
    }
    ws_free(&ws);
}

static void check_objective(int objective, const double *aux, int N, int M, double sigma) {
    require(objective >= REF_EXACT && objective <= REF_VESDE, "known objective");
    require(N >= 1, "N >= 1");
    if (objective != REF_EXACT) require(aux != NULL, "aux given for sliced and DSM objectives");
    if (objective == REF_SLICED || objective == REF_SLICED_VR) require(M >= 1, "M >= 1 for sliced objectives");
    if (objective == REF_DSM) require(sigma > 0.0, "sigma > 0 for DSM");
}

/* Per-sample objective terms and their ε₂ derivatives, shared by ref_loss (p = −1, where the c and d
 * parts are zero and only the value is used) and ref_grad (p seeded). Returns the sample's contribution
 * to Σ (before the 1/N or 1/(N·M) mean) in *value and its derivative with respect to p in *deriv.
 * x (D) is sample n; aux is the whole (M, N, D) or (N, D) array. */
static void sample_terms(ref_net net, const double *params, int p, int objective, const double *x, const double *aux,
                         int n, int N, int M, double sigma, workspace *ws, double *value, double *deriv) {
    int D = net.D;
    double val = 0.0, der = 0.0;
    switch (objective) {
    case REF_EXACT:
        /* tr J = Σᵢ (J·eᵢ)ᵢ: D passes with u = eᵢ. s does not depend on u, so ½‖s‖² and its
         * derivative sᵀ·∂s/∂p are read from the first pass. */
        for (int i = 0; i < D; i++) {
            for (int j = 0; j < D; j++) ws->e[j] = j == i ? 1.0 : 0.0;
            forward(net, params, p, x, ws->e, 0.0, ws->s, ws->w0, ws->w1);
            val += ws->s[i].b;
            der += ws->s[i].d;
            if (i == 0)
                for (int j = 0; j < D; j++) {
                    val += 0.5 * ws->s[j].a * ws->s[j].a;
                    der += ws->s[j].a * ws->s[j].c;
                }
        }
        break;
    case REF_SLICED:
    case REF_SLICED_VR:
        for (int m = 0; m < M; m++) {
            const double *v = aux + ((size_t)m * N + n) * D; /* (D) */
            forward(net, params, p, x, v, 0.0, ws->s, ws->w0, ws->w1);
            double vJv = 0.0, dvJv = 0.0, vs = 0.0, dvs = 0.0, ss = 0.0, dss = 0.0;
            for (int j = 0; j < D; j++) {
                vJv += v[j] * ws->s[j].b;
                dvJv += v[j] * ws->s[j].d;
                vs += v[j] * ws->s[j].a;
                dvs += v[j] * ws->s[j].c;
                ss += ws->s[j].a * ws->s[j].a;
                dss += ws->s[j].a * ws->s[j].c;
            }
            if (objective == REF_SLICED) {
                /* ∂[vᵀJv + ½(vᵀs)²] = vᵀ∂(Jv) + (vᵀs)(vᵀ∂s) */
                val += vJv + 0.5 * vs * vs;
                der += dvJv + vs * dvs;
            } else {
                /* ∂[vᵀJv + ½‖s‖²] = vᵀ∂(Jv) + sᵀ∂s */
                val += vJv + 0.5 * ss;
                der += dvJv + dss;
            }
        }
        break;
    case REF_DSM: {
        /* ∂[½‖r‖²] = rᵀ∂s with r = s(x̃) + z/σ; the direction is irrelevant, so u = 0. */
        const double *z = aux + (size_t)n * D; /* (D) */
        for (int j = 0; j < D; j++) ws->e[j] = x[j] + sigma * z[j];
        forward(net, params, p, ws->e, NULL, 0.0, ws->s, ws->w0, ws->w1);
        for (int j = 0; j < D; j++) {
            double r = ws->s[j].a + z[j] / sigma;
            val += 0.5 * r * r;
            der += r * ws->s[j].c;
        }
        break;
    }
    case REF_NCSN:
    case REF_VESDE: { /* VESDE's term is NCSN's at a continuous σ (log-uniform: no weight) */
        /* ∂[½‖r‖²] = σ·rᵀ∂s with r = σ·s(x̃, σ) + z; s includes the output map, whose ε₂ part
         * is b(σ)·∂F/∂p. */
        const double *z = aux + (size_t)n * D, sigma_n = aux[(size_t)N * D + n];
        for (int j = 0; j < D; j++) ws->e[j] = x[j] + sigma_n * z[j];
        forward(net, params, p, ws->e, NULL, sigma_n, ws->s, ws->w0, ws->w1);
        for (int j = 0; j < D; j++) {
            double r = sigma_n * ws->s[j].a + z[j];
            val += 0.5 * r * r;
            der += r * sigma_n * ws->s[j].c;
        }
        break;
    }
    }
    *value = val;
    *deriv = der;
}

/* 1/N, or 1/(N·M) for the sliced objectives. */
static double mean_scale(int objective, int N, int M) {
    if (objective == REF_SLICED || objective == REF_SLICED_VR) return 1.0 / ((double)N * M);
    return 1.0 / N;
}

double ref_loss(ref_net net, const double *params, int objective, const double *x, const double *aux, int N, int M,
                double sigma) {
    check_net(net);
    check_objective(objective, aux, N, M, sigma);
    require(params && x, "ref_loss arguments");
    workspace ws = ws_alloc(net);
    double sum = 0.0;
    for (int n = 0; n < N; n++) {
        double val, der;
        sample_terms(net, params, -1, objective, x + n * net.D, aux, n, N, M, sigma, &ws, &val, &der);
        sum += val;
    }
    ws_free(&ws);
    return sum * mean_scale(objective, N, M);
}

void ref_grad(ref_net net, const double *params, int objective, const double *x, const double *aux, int N, int M,
              double sigma, const int *idx, int n_idx, double *g) {
    check_net(net);
    check_objective(objective, aux, N, M, sigma);
    require(params && x && n_idx >= 0 && (n_idx == 0 || (idx && g)), "ref_grad arguments");
    int P = ref_param_count(net);
    workspace ws = ws_alloc(net);
    for (int k = 0; k < n_idx; k++) {
        require(idx[k] >= 0 && idx[k] < P, "parameter index in [0, P)");
        double sum = 0.0;
        for (int n = 0; n < N; n++) {
            double val, der;
            sample_terms(net, params, idx[k], objective, x + n * net.D, aux, n, N, M, sigma, &ws, &val, &der);
            sum += der;
        }
        g[k] = sum * mean_scale(objective, N, M);
    }
    ws_free(&ws);
}
