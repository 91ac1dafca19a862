/* ladder.c — the geometric noise ladder σ_i = σ₁·(σ_L/σ₁)^((i−1)/(L−1)), i = 1 .. L. */
#include "base/fmath.h"
#include "base/status.h"
#include "noise/noise.h"

sf_status sf__check_ladder(int levels, float sigma_max, float sigma_min) {
    if (levels < 1 || levels > SF_MAX_LEVELS)
        return sf__fail(SF_EINVAL, "noise levels must be 1..%d, got %d", SF_MAX_LEVELS, levels);
    if (!sf__finite(sigma_max) || !sf__finite(sigma_min) || !(sigma_min > 0) || !(sigma_max >= sigma_min))
        return sf__fail(SF_EINVAL, "the noise ladder needs finite sigma_max >= sigma_min > 0, got %g and %g",
                        (double)sigma_max, (double)sigma_min);
    return SF_OK;
}

sf_status sf_noise_ladder(float *sigmas, int levels, float sigma_max, float sigma_min) {
    sf_status st = sf__check_ladder(levels, sigma_max, sigma_min);
    if (st) return st;
    if (!sigmas) return sf__fail(SF_EINVAL, "sf_noise_ladder: sigmas is NULL");
    /* σ_i = σ₁·(σ_L/σ₁)^((i−1)/(L−1)) through our own exp/log (same bits on every build); the ends are
     * set exactly rather than trusted to round-trip. */
    double lmax = sf__log(sigma_max), lmin = sf__log(sigma_min);
    for (int i = 0; i < levels; i++) {
        double f = levels > 1 ? (double)i / (levels - 1) : 0.0;
        sigmas[i] = (float)sf__exp(lmax + (lmin - lmax) * f);
    }
    sigmas[0] = sigma_max;
    if (levels > 1) sigmas[levels - 1] = sigma_min;
    return SF_OK;
}
