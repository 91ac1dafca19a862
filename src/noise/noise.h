/* noise.h — the geometric noise ladder σ₁ > … > σ_L that NCSN trains on and annealed Langevin walks
 * down (private to the library; sf_noise_ladder is the public face). It sits below model/ and sample/,
 * which both use it, and depends on nothing but base/. */
#ifndef SF_NOISE_H
#define SF_NOISE_H

#include "scorefield.h"

/* Checks a noise ladder's settings: 1 <= levels <= SF_MAX_LEVELS, finite sigma_max >= sigma_min > 0;
 * SF_EINVAL with a message naming the bad value. */
sf_status sf__check_ladder(int levels, float sigma_max, float sigma_min);

#endif
