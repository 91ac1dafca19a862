/* cond.c — the input row and output map of a noise-conditional net (see cond.h for the maths). The
 * MLP itself is mlp.c's; what is trained on the rows, loss/'s and model.c's.
 *
 * Everything is computed in double through base/fmath.h and rounded once to float, so the rows and
 * coefficients have the same bits on every build.
 */
#include "net/cond.h"

#include <math.h>

#include "base/fmath.h"

#define SF__TWO_PI       6.28318530717958647692
#define SF__GOLDEN_ANGLE 2.39996322972865332223 /* π(3 − √5) */

static int cond_x_in(int D) { return D + (D == 2 ? 2 * SF__COND_FOURIER : 0) + 1; }

int sf__cond_in(int D, int classes) { return cond_x_in(D) + (classes > 0 ? classes + 1 : 0); }

void sf__cond_label(float *onehot, int classes, int label) {
    for (int c = 0; c <= classes; c++) onehot[c] = 0.0f;
    onehot[label >= 0 && label < classes ? label : classes] = 1.0f;
}

/* The frequencies b_f (cycles per unit), computed once: fmath's functions are deterministic, so the
 * table is the same on every build and in every run. */
static double freq[SF__COND_FOURIER][2];
static int freq_ready;

static void make_freq(void) {
    for (int f = 0; f < SF__COND_FOURIER; f++) {
        double u = (f + 0.5) / SF__COND_FOURIER, r = sqrt(-2.0 * sf__log(1.0 - u)), t = f * SF__GOLDEN_ANGLE;
        freq[f][0] = r * sf__cos(t);
        freq[f][1] = r * sf__sin(t);
    }
    freq_ready = 1;
}

void sf__cond_input(float *row, const float *x, int D, float sigma) {
    const double s = sigma, sd = SF__COND_SIGMA_DATA, c_in = 1.0 / sqrt(s * s + sd * sd);
    for (int d = 0; d < D; d++) row[d] = (float)(c_in * x[d]);
    float *fourier = row + D;
    if (D == 2) {
        if (!freq_ready) make_freq();
        for (int f = 0; f < SF__COND_FOURIER; f++) {
            /* The phase in turns, reduced to [0, 1) exactly before the sine: sf__sin is accurate only
             * for moderate arguments, and a chain far out must still get a finite score. */
            double t = freq[f][0] * x[0] + freq[f][1] * x[1];
            t -= floor(t);
            fourier[2 * f] = (float)sf__sin(SF__TWO_PI * t);
            fourier[2 * f + 1] = (float)sf__cos(SF__TWO_PI * t);
        }
        fourier += 2 * SF__COND_FOURIER;
    }
    fourier[0] = (float)sf__log(s);
}

void sf__cond_output(float *a, float *b, float sigma) {
    const double s = sigma, sd = SF__COND_SIGMA_DATA, v = s * s + sd * sd;
    *a = (float)(-1.0 / v);
    *b = (float)(sd / (s * sqrt(v)));
}

void sf__cond_input_tangent(float *row, const float *primal, const float *v, int D, float sigma) {
    const double s = sigma, sd = SF__COND_SIGMA_DATA, c_in = 1.0 / sqrt(s * s + sd * sd);
    for (int d = 0; d < D; d++) row[d] = (float)(c_in * v[d]);
    float *fourier = row + D;
    const float *pf = primal + D;
    if (D == 2) {
        if (!freq_ready) make_freq();
        for (int f = 0; f < SF__COND_FOURIER; f++) {
            /* d sin(2πt) = 2π·cos(2πt)·dt and d cos(2πt) = −2π·sin(2πt)·dt, dt = bᵀv. */
            const double dt = SF__TWO_PI * (freq[f][0] * v[0] + freq[f][1] * v[1]);
            fourier[2 * f] = (float)(dt * pf[2 * f + 1]);
            fourier[2 * f + 1] = (float)(-dt * pf[2 * f]);
        }
        fourier += 2 * SF__COND_FOURIER;
    }
    fourier[0] = 0.0f;
}
