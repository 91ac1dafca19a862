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
