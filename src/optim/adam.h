/* adam.h — Adam's constants and the coefficients of step t; the update itself is the kernel
 * sf_f32_adam_* (kernels/kernels.h), run by the model over its one flat parameter array. */
#ifndef SF_ADAM_H
#define SF_ADAM_H

#include "kernels/kernels.h"

/* Kingma & Ba's defaults, which the tutorial's optimizers.adam(1e-3) uses. */
#define SF_ADAM_B1  0.9f
#define SF_ADAM_B2  0.999f
#define SF_ADAM_EPS 1e-8f

/* The coefficients of step t >= 1 with learning rate lr. */
sf_adam_coef sf__adam_coef(float lr, long long t);

#endif
