/* uniform.c — uniform draws from the core's generator, for start points of samplers. */
#include "base/rng.h"
#include "base/status.h"
#include "base/streams.h"
#include "scorefield.h"

sf_status sf_uniform(float *out, int n, float lo, float hi, uint64_t seed) {
    if (n < 0) return sf__fail(SF_EINVAL, "count must be >= 0, got %d", n);
    if (n > 0 && !out) return sf__fail(SF_EINVAL, "sf_uniform: out is NULL");
    if (!sf__finite(lo) || !sf__finite(hi) || !(lo <= hi))
        return sf__fail(SF_EINVAL, "uniform range must be finite with lo <= hi, got [%g, %g)", (double)lo, (double)hi);
    sf_rng r;
    sf_rng_seed(&r, seed, SF__STREAM_UNIFORM);
    for (int i = 0; i < n; i++) out[i] = lo + (hi - lo) * sf_rng_uniform(&r);
    return SF_OK;
}

sf_status sf_uniform_box(float *out, int n, int dim, const float *lo, const float *hi, uint64_t seed) {
    if (n < 0) return sf__fail(SF_EINVAL, "count must be >= 0, got %d", n);
    if (dim < 1 || dim > SF_MAX_DIM) return sf__fail(SF_EINVAL, "dimension must be 1..%d, got %d", SF_MAX_DIM, dim);
    if (!lo || !hi || (n > 0 && !out)) return sf__fail(SF_EINVAL, "sf_uniform_box: NULL argument");
    for (int d = 0; d < dim; d++)
        if (!sf__finite(lo[d]) || !sf__finite(hi[d]) || !(lo[d] <= hi[d]))
            return sf__fail(SF_EINVAL, "box side %d must be finite with lo <= hi, got [%g, %g)", d, (double)lo[d],
                            (double)hi[d]);
    sf_rng r;
    sf_rng_seed(&r, seed, SF__STREAM_UNIFORM);
    for (long i = 0; i < (long)n * dim; i++) {
        const int d = (int)(i % dim);
        out[i] = lo[d] + (hi[d] - lo[d]) * sf_rng_uniform(&r);
    }
    return SF_OK;
}
