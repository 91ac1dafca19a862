// api-types.js — the option types of the Node API (web/core/scorefield.js) as JSDoc typedefs, for
// TypeScript's checker and the package's declarations (npm run types). Nothing here runs: scorefield.js
// names these types in comments only (@import), so a page or worker never loads this file.

/**
 * @typedef {object} CreateModelOptions
 * @property {number} [dim] D, the data dimension (required)
 * @property {number} [hidden] H, the hidden width
 * @property {number} [depth] hidden layers
 * @property {number} [seed] seeds the initial weights and the training batches
 * @property {'auto' | 'simd128' | 'scalar'} [isa]
 * @property {boolean} [noiseConditional] s(x, σ) rather than s(x)
 * @property {number} [classes] labels of a class-conditional net (0: none)
 */
/**
 * @typedef {object} DataLangevinOptions
 * @property {string} [dataset] a mixture with a closed-form score (required)
 * @property {Float32Array} [start] (n, 2), required
 * @property {number} [noise]
 * @property {number} [sigma]
 * @property {number} [eps]
 * @property {number} [decay]
 * @property {number} [temperature]
 * @property {number} [steps]
 * @property {number} [seed]
 * @property {boolean} [keepAll]
 */
/**
 * @typedef {object} DataAnnealOptions
 * @property {string} [dataset]
 * @property {Float32Array} [start] (n, 2), required
 * @property {number} [noise]
 * @property {number} [sigmaMax]
 * @property {number} [sigmaMin]
 * @property {number} [levels]
 * @property {number} [steps]
 * @property {number} [eps]
 * @property {number} [seed]
 * @property {'last' | 'levels' | 'all'} [keep]
 */
/**
 * @typedef {object} TrainingOptions
 * @property {string} [dataset]
 * @property {string} [objective]
 * @property {number} [batch]
 * @property {number} [projections]
 * @property {number} [lr]
 * @property {number} [sigma]
 * @property {number} [dataNoise]
 * @property {number} [sigmaMax]
 * @property {number} [sigmaMin]
 * @property {number} [levels]
 * @property {string} [sigmaDist] log_uniform or edm (the vesde objective's noise levels)
 */
/**
 * @typedef {object} LangevinOptions
 * @property {Float32Array} [start] (n, D)
 * @property {number} [n]
 * @property {number} [steps]
 * @property {number} [eps]
 * @property {number} [decay]
 * @property {number} [temperature]
 * @property {number} [seed]
 * @property {boolean} [keepAll]
 */
/**
 * @typedef {object} AnnealOptions
 * @property {Float32Array} [start] (n, D)
 * @property {number} [n]
 * @property {number} [steps]
 * @property {number} [eps]
 * @property {number} [seed]
 * @property {number} [sigmaMax]
 * @property {number} [sigmaMin]
 * @property {number} [levels]
 * @property {'last' | 'levels' | 'all'} [keep]
 * @property {number | 'any' | 'prior'} [class]
 * @property {number} [guidance]
 */
/**
 * @typedef {object} FitBox
 * @property {number} xmin
 * @property {number} xmax
 * @property {number} ymin
 * @property {number} ymax
 * @property {number} [fill] the share of the box's tighter side the points span, (0, 1]
 */

export {};

/**
 * @typedef {object} SampleOptions
 * @property {'annealed' | 'sde' | 'pc' | 'ode-euler' | 'ode-heun' | 'edm'} [sampler] default 'ode-heun'
 * @property {number} [steps] the σ grid's steps (annealed: steps per level); default sf.defaults.sde
 *   (annealed: sf.defaults.anneal)
 * @property {number} [n] chains (default x0.length / D; required without x0)
 * @property {number} [seed] seeds the prior draw and the sampler's noise (default 0)
 * @property {number} [snr] predictor–corrector's signal-to-noise ratio
 * @property {number} [churn] EDM's S_churn
 * @property {number} [rho] EDM's time-grid exponent
 * @property {number} [sigmaMin] the last noise level (default: the model's training ladder's, or the dataset's)
 * @property {number} [sigmaMax] the first noise level and the prior's scale
 * @property {number} [levels] annealed only: the ladder's levels (default: the training ladder's)
 * @property {number} [eps] annealed only: the step size ε (default sf.defaults.anneal)
 * @property {'last' | 'all'} [keep] 'all' also returns every frame (default 'last')
 * @property {Float32Array} [x0] (n, D) start points (default: drawn from the prior N(0, sigmaMax² I))
 */
/**
 * @typedef {object} SampleResult
 * @property {Float32Array} points (n, D): the chains after the last step
 * @property {number} nfe score evaluations per chain
 * @property {Float32Array} [frames] keep 'all': (steps + 1, n, D), frame 0 the start
 * @property {Float32Array} [sigmas] keep 'all': (steps + 1), the noise level of each frame (0 at the end
 *   of an SDE sampler's run)
 */
/**
 * @typedef {object} LikelihoodOptions
 * @property {number} [steps] Heun steps of the ODE (2·steps score evaluations)
 * @property {number} [probes] 0: the exact divergence; else Hutchinson probes per point (models only)
 * @property {number} [seed] seeds the probes
 * @property {number} [sigmaMin]
 * @property {number} [sigmaMax]
 * @property {number} [rho]
 * @property {number} [first] the index of points[0] in a larger set computed in pieces (default 0):
 *   each piece then gets the bits of one call on the whole set
 */
/**
 * @typedef {object} LikelihoodResult
 * @property {Float64Array} logp (n): log p(x) in nats
 * @property {number | null} mean mean log p (null for no points)
 * @property {number | null} se its standard error
 * @property {number | null} bitsPerDim the mean negative log-likelihood in bits per dimension
 * @property {number | null} bitsPerDimSe its standard error
 */
