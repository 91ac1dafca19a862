// scorefield.js — the JavaScript API of Scorefield, for headless scripts in Node and for the worker:
// models as objects, settings by name, inputs checked, results as copied typed arrays.
//
// It computes nothing itself: training, scoring, sampling and all range checks are the C library's
// (src/scorefield.h, through the sfw_ exports of src/wasm/api.c, loaded by loader.js). What it adds:
// names instead of enum values (enums.js), type checks before any wasm call (non-finite numbers,
// non-integers, wrong-length arrays), and buffer management: every call mallocs its wasm buffers and
// frees them in `finally`, makes typed-array views only after the calls that may grow memory (growth
// detaches views), and returns copies, so nothing a caller holds points into wasm memory.
//
//   const sf = await createScorefield();
//   const model = sf.createModel({ dim: 2 });
//   model.configureTraining({ dataset: 'swiss_roll', objective: 'exact' });
//   const losses = model.train(2000);
//   const { points, scores } = model.scoreGrid({ xmin: -1.5, xmax: 2, ymin: -1.5, ymax: 2, nx: 20, ny: 20 });
//   const file = model.save();                       // the weights file, as a Uint8Array
//   model.dispose();
//   const again = sf.loadModel(file);                // trains on exactly where the first one stopped
//
// Defaults (the tutorial's settings) are the C library's own, read once per instance into sf.defaults.

import { loadScorefield, readCoreFile } from './loader.js';
export { liveHelperThreads } from './loader.js';
import { DATASETS, ISAS, OBJECTIVES, SIGMA_DISTS, STATUS, describe, enumValue } from './enums.js';
import { gridPoints } from './grid.js';
import { MAX_INT32, finiteNumber, integer as checkedInteger, show } from './validate.js';
/** @import * as T from './api-types.js' */
/** @typedef {import('./samplers.js').SamplerRun} SamplerRun */
/** @typedef {ReturnType<typeof import('./samplers.js').instanceMethods>} More */

const F32_BYTES = 4; // bytes per float32 (and per int32)
const DIGITS_FILE = 'scorefield-digits.bin'; // the digits table, next to the wasm modules
const F64_BYTES = 8; // bytes per float64
const SDE_DEFAULTS_LENGTH = 9; // floats that sfw_sde_defaults writes
const NET_CONFIG_LENGTH = 6; // doubles that sfw_model_net_config writes
const TRAIN_CONFIG_LENGTH = 11; // doubles that sfw_model_train_config writes
const MAX_FILE_BYTES = 2 ** 31 - 1; // sfw_model_load takes the size as an int
const MAX_BUFFER_BYTES = 2 ** 30; // the module's memory stops growing at 1 GiB (build-wasm.sh)
const TRAINING_KEYS = [
  'dataset',
  'objective',
  'batch',
  'projections',
  'lr',
  'sigma',
  'dataNoise',
  'sigmaMax',
  'sigmaMin',
  'levels',
  'sigmaDist',
];
// Settings that follow the dataset when it changes and they are not given.
const PER_DATASET_KEYS = ['sigma', 'dataNoise', 'sigmaMax', 'sigmaMin', 'levels'];

/** The name of an enum value (the inverse of enumValue), or null for none. */
function nameOf(table, value) {
  return Object.keys(table).find((k) => table[k] === value) ?? null;
}

/**
 * The shortest decimal that is the same float32 as v, so that C's 1e-3f reads as 0.001 rather than
 * 0.0010000000474974513 (a float32 needs at most 9 significant digits to round-trip).
 */
function shortestFloat32(v) {
  for (let digits = 1; digits < 9; digits++) {
    const c = Number(v.toPrecision(digits));
    if (Math.fround(c) === v) return c;
  }
  return v;
}

function deepFreeze(o) {
  for (const v of Object.values(o)) if (typeof v === 'object' && v !== null) deepFreeze(v);
  return Object.freeze(o);
}

const PREFIX = 'scorefield: ';
const finite = (name, v) => finiteNumber(name, v, PREFIX);
// Every integer argument, checked against its range (validate.js): counts the library bounds only by
// memory go up to MAX_INT32, so that none is wrapped by the i32 conversion of a wasm argument.
const integer = (name, v, min = 0, max = MAX_INT32) => checkedInteger(name, v, min, max, PREFIX);

// A plain copy of an options object, each property read exactly once (a getter runs once), before any
// model pointer is taken: what the caller's getters do cannot reach a model mid-call.
/**
 * @param {string} what
 * @param {unknown} options
 * @returns {Record<string, any>}
 */
function readOptions(what, options) {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null)
    throw new Error(`scorefield: ${what} must be an object, got ${show(options)}`);
  /** @type {Record<string, any>} */
  const copy = {};
  for (const key of Object.keys(options)) copy[key] = options[key];
  return copy;
}

// A Float32Array's own elements, copied through its internal length (a `length` getter on the object
// cannot change what is read), or the value itself for floats() to refuse.
const FIT_FILL = 0.9; // fitPoints' default: 5 % margins, as matplotlib's

function ownFloats(a) {
  return a instanceof Float32Array ? new Float32Array(a) : a;
}

function bytesOf(name, a) {
  if (a instanceof ArrayBuffer) return new Uint8Array(a);
  if (!(a instanceof Uint8Array))
    throw new Error(`scorefield: ${name} must be a Uint8Array or ArrayBuffer, got ${describe(a)}`);
  if (a.length > MAX_FILE_BYTES) throw new Error(`scorefield: ${name} is too large: ${a.length} bytes`);
  return a;
}

function floats(name, a, length) {
  if (!(a instanceof Float32Array)) throw new Error(`scorefield: ${name} must be a Float32Array, got ${describe(a)}`);
  if (a.length !== length) throw new Error(`scorefield: ${name} must hold ${length} floats, got ${a.length}`);
  return a;
}

// Runs fn(...ptrs) with one fresh wasm buffer of each byte size, freeing them all however fn ends.
function withBuffers(sf, sizes, fn) {
  const ptrs = [];
  try {
    for (const bytes of sizes) {
      // wasm32 addresses 4 GiB and this build grows to 1 GiB: refuse what malloc's i32 would wrap.
      if (bytes > MAX_BUFFER_BYTES)
        throw new Error(`scorefield: out of memory: a buffer of ${bytes} bytes is larger than the module can hold`);
      const p = sf.exports.malloc(Math.max(bytes, F32_BYTES)); // malloc(0) may return 0
      if (p === 0) throw new Error(`scorefield: out of memory: cannot allocate ${bytes} bytes`);
      ptrs.push(p);
    }
    return fn(...ptrs);
  } finally {
    for (const p of ptrs) sf.exports.free(p);
  }
}

// The sampler and likelihood API, the exact-score samplers and the measures (samplers.js, given this
// module's checks and buffers) and the points-file reader (points-file.js), loaded by createScorefield
// unless { samplers: false }: a worker whose widget never samples that way nor reads a file does not
// download them.
/** @type {typeof import('./samplers.js') | null} */
let samplerModule = null;
/** @type {typeof import('./points-file.js') | null} */
let pointsFileModule = null;
const loadSamplerModule = async () => {
  if (samplerModule && pointsFileModule) return;
  const [m, p] = await Promise.all([import('./samplers.js'), import('./points-file.js')]);
  m.useHelpers({ finite, integer, readOptions, ownFloats, floats, withBuffers });
  samplerModule = m;
  pointsFileModule = p;
};
const NOT_LOADED = 'not loaded: createScorefield({ samplers: false }) defers it to sf.loadSamplers()';
function samplers() {
  if (!samplerModule) throw new Error(`scorefield: the sampler API is ${NOT_LOADED}`);
  return samplerModule;
}

// The fields of sfw_defaults' output, in its order.
const DEFAULT_FIELDS = [
  ...['hidden', 'depth', 'seed', 'objective', 'batch', 'projections', 'lr', 'sigma', 'dataNoise', 'sigmaMax'],
  ...['sigmaMin', 'levels', 'eps', 'decay', 'temperature', 'steps', 'annealSteps', 'annealEps', 'sigmaDist'],
];
const DEFAULTS_LENGTH = DEFAULT_FIELDS.length; // floats that sfw_defaults writes

// The library's defaults (sfw_defaults) for every dataset, by name:
// { net: { hidden, depth, seed }, train: { <dataset>: { objective, batch, projections, lr, sigma,
//   dataNoise, sigmaMax, sigmaMin, levels } }, langevin: { <dataset>: { eps, decay, temperature, steps,
//   seed } }, anneal: { <dataset>: { steps, eps, seed } } }.
function readDefaults(sf) {
  const train = {},
    langevin = {},
    anneal = {},
    sde = {},
    likelihood = {};
  let net;
  withBuffers(sf, [F32_BYTES * DEFAULTS_LENGTH], (out) => {
    for (const [name, id] of Object.entries(DATASETS)) {
      sf.check(sf.exports.sfw_defaults(out, id));
      const values = Array.from(sf.f32(out, DEFAULTS_LENGTH), shortestFloat32);
      const v = Object.fromEntries(DEFAULT_FIELDS.map((field, i) => [field, values[i]]));
      const pick = (...fields) => Object.fromEntries(fields.map((field) => [field, v[field]]));
      net = pick('hidden', 'depth', 'seed');
      train[name] = {
        objective: nameOf(OBJECTIVES, v.objective),
        ...pick('batch', 'projections', 'lr', 'sigma', 'dataNoise', 'sigmaMax', 'sigmaMin', 'levels'),
        sigmaDist: nameOf(SIGMA_DISTS, v.sigmaDist),
      };
      langevin[name] = { ...pick('eps', 'decay', 'temperature', 'steps'), seed: 0 };
      anneal[name] = { steps: v.annealSteps, eps: v.annealEps, seed: 0 };
    }
    withBuffers(sf, [F32_BYTES * SDE_DEFAULTS_LENGTH], (o) => {
      for (const [name, id] of Object.entries(DATASETS)) {
        sf.check(sf.exports.sfw_sde_defaults(o, id));
        const [steps, snr, rho, churn, llSteps, llRho, probes, sigmaMax, sigmaMin] = Array.from(
          sf.f32(o, SDE_DEFAULTS_LENGTH),
          shortestFloat32,
        );
        sde[name] = { steps, snr, rho, churn, sigmaMax, sigmaMin, seed: 0 };
        likelihood[name] = { steps: llSteps, rho: llRho, probes, sigmaMax, sigmaMin, seed: 0 };
      }
    });
  });
  return deepFreeze({ net, train, langevin, anneal, sde, likelihood });
}

// The library's limits (SF_MAX_* of scorefield.h) by name: { dim, hidden, depth, batch, proj, steps,
// levels, points, seed }. Read from the module (sfw_limit_name/value), never copied into JavaScript.
/** @returns {Readonly<Record<string, number>>} */
function readLimits(sf) {
  /** @type {Record<string, number>} */
  const limits = {};
  for (let i = 0, name; (name = sf.exports.sfw_limit_name(i)) !== 0; i++)
    limits[sf.cstr(name)] = sf.exports.sfw_limit_value(i);
  return Object.freeze(limits);
}

/**
 * Loads a Scorefield module (options.simd: true/false forces the SIMD128/scalar build, undefined picks;
 * options.digits: false defers the digits table to sf.loadDigits(), for pages that may never need it;
 * options.samplers: false defers the sampler and likelihood API, the exact-score samplers, the measures
 * and readPoints to sf.loadSamplers(), for a worker that may never need them; options.threads: 1
 * (default), 'auto' or a count 1..limits.threads — the threaded module over a shared memory with helper
 * threads, every model training and sampling on them with the same bits as on one; where the engine
 * cannot, one thread and sf.threadsReason says why) and returns { isa, simdSupported, threads,
 * threadsReason, memory, createModel, sampleData, uniform, dispose }.
 * Each call gets its own instance and memory; dispose() ends its helper threads.
 * @param {{ simd?: boolean, digits?: boolean, samplers?: boolean, threads?: number | 'auto' }} [options]
 */
export async function createScorefield(options = {}) {
  const sf = await loadScorefield({ simd: options.simd, threads: options.threads ?? 1 });
  const defaults = readDefaults(sf);
  const limits = readLimits(sf);
  sf.limits = limits; // for the Model's checks
  // A dataset without a closed-form score is refused before a run begins, with the core's message.
  const checkDataScore = (id, noise) =>
    withBuffers(sf, [F32_BYTES * 2, F32_BYTES * 2], (s, x) => {
      sf.f32(x, 2).fill(0);
      sf.check(sf.exports.sfw_data_score(s, x, 1, id, noise, 1));
    });
  // The methods samplers.js holds for this instance (instanceMethods), made on first use.
  /** @type {More | null} */
  let moreMethods = null;
  const more = () => (moreMethods ??= samplers().instanceMethods(sf, defaults, checkDataScore));
  let digitsLoaded = false,
    digitsLoading = null;
  // The digits table lives outside the wasm (scorefield-digits.bin, 44 KB gzipped): fetched once per
  // instance, checked by the core against its published check sums.
  const loadDigits = () =>
    (digitsLoading ??= readCoreFile(DIGITS_FILE)
      .then((bytes) => {
        withBuffers(sf, [bytes.length], (buf) => {
          new Uint8Array(sf.memory.buffer, buf, bytes.length).set(bytes);
          sf.check(sf.exports.sfw_data_load_digits(buf, bytes.length));
        });
        digitsLoaded = true;
      })
      .catch((err) => {
        digitsLoading = null; // a later call may try again
        throw new Error(`scorefield: cannot load the digits table: ${err.message}`);
      }));
  if (options.digits ?? true)
    await loadDigits().catch(async (err) => {
      await sf.terminate();
      throw err;
    });
  if (options.samplers ?? true) await loadSamplerModule();
  return {
    isa: sf.isa,
    simdSupported: sf.simdSupported,
    threads: sf.threads, // the threads every model runs on (1 where the engine cannot run more)
    threadsReason: sf.threadsReason, // why fewer threads than asked ('' when not): a sentence
    /**
     * Ends the helper threads (a Promise; a no-op with one thread). Models stay usable, on one thread,
     * with the same results; dispose them as ever to free their memory.
     */
    dispose: sf.terminate,
    /** How many core calls so far ran their tasks on helper threads (0 with one thread). */
    get threadedCalls() {
      return sf.threadedCalls();
    },
    memory: sf.memory, // the instance's WebAssembly.Memory, for tests that watch its size
    defaults, // the library's defaults: { net, train: { <dataset> }, langevin: { <dataset> } }
    limits, // the library's limits (SF_MAX_*): { dim, hidden, depth, batch, proj, steps, levels, points, seed }

    /**
     * Parses a points file's text (CSV/TSV with or without a header, or a JSON array of [x, y]) into a
     * Float32Array (n, 2) for model.setPoints; a bad file throws an Error naming the line and the problem.
     */
    readPoints(text) {
      if (!pointsFileModule) throw new Error(`scorefield: the points-file reader is ${NOT_LOADED}`);
      return pointsFileModule.parsePoints(text, { maxPoints: limits.points });
    },

    /** Whether the digits table is loaded (createScorefield({ digits: false }) leaves it for later). */
    get digitsLoaded() {
      return digitsLoaded;
    },

    /** Loads the digits table if it is not yet (a Promise; safe to call again). */
    loadDigits,

    /**
     * Loads the sampler and likelihood API (model.annealedLangevin, model.sample, model.sampler,
     * model.logLikelihood, sf.dataSample, sf.energyDistance, sf.classifyDigits, …) and the points-file
     * reader (readPoints) if they are not yet: a Promise, safe to call again. createScorefield loads them unless told { samplers: false }.
     * @returns {Promise<void>}
     */
    loadSamplers: loadSamplerModule,

    /**
     * A new Model: createModel({ dim, hidden = 128, depth = 2, seed = 42, isa = 'auto',
     * noiseConditional = false, classes = 0 }). A noise-conditional net is s(x, σ), trained with 'ncsn';
     * with classes (2 .. limits.classes; noiseConditional: true) it is class-conditional, s(x, σ, c),
     * trained with labels dropped 20 % of the time and sampled with guidance (annealedLangevin's class
     * and guidance).
     * @param {T.CreateModelOptions} [options]
     */
    createModel({
      dim,
      hidden = defaults.net.hidden,
      depth = defaults.net.depth,
      seed = defaults.net.seed,
      isa = 'auto',
      noiseConditional = false,
      classes = 0,
    } = {}) {
      integer('dim', dim, 1, limits.dim);
      integer('hidden', hidden, 1, limits.hidden);
      integer('depth', depth, 1, limits.depth);
      integer('model seed', seed, 0, limits.seed);
      const isaId = enumValue(ISAS, 'isa', isa);
      if (typeof noiseConditional !== 'boolean')
        throw new Error(`scorefield: noiseConditional must be true or false, got ${describe(noiseConditional)}`);
      integer('classes', classes, 0);
      const ptr = sf.exports.sfw_model_create(dim, hidden, depth, seed, isaId, noiseConditional ? 1 : 0, classes);
      if (ptr === 0) throw new Error(`scorefield: cannot create model: ${sf.cstr(sf.exports.sfw_error())}`);
      return new Model(sf, defaults, ptr);
    },

    /**
     * A new Model restored from a weights file (Uint8Array or ArrayBuffer, as model.save() makes): its
     * architecture, training settings, step count, parameters and optimiser state. isa as createModel.
     * A file that is not a weights file, newer, truncated or corrupted throws an Error saying which.
     */
    loadModel(file, { isa = 'auto' } = {}) {
      const bytes = bytesOf('weights file', file);
      const isaId = enumValue(ISAS, 'isa', isa);
      const ptr = withBuffers(sf, [bytes.length], (buf) => {
        new Uint8Array(sf.memory.buffer, buf, bytes.length).set(bytes);
        return sf.exports.sfw_model_from_weights(buf, bytes.length, isaId);
      });
      if (ptr === 0) throw new Error(`scorefield: cannot load weights: ${sf.cstr(sf.exports.sfw_error())}`);
      return new Model(sf, defaults, ptr);
    },

    /**
     * The exact score of a Gaussian-mixture dataset at points (n, 2), blurred by N(0, sigma²).
     * @type {More['dataScore']}
     */
    dataScore: (...args) => more().dataScore(...args),

    /**
     * The energy distance between samples x (n, dim) and y (m, dim), Float32Arrays: a number.
     * @type {More['energyDistance']}
     */
    energyDistance: (...args) => more().energyDistance(...args),

    /**
     * The geometric noise ladder σ₁ = sigmaMax > … > σ_L = sigmaMin as a Float32Array (levels).
     * @type {More['noiseLadder']}
     */
    noiseLadder: (...args) => more().noiseLadder(...args),

    /** Bytes of the wasm heap held by live allocations: back to its old value once models are disposed. */
    heapUsed() {
      return sf.exports.sfw_heap_used();
    },

    /** The number of classes of a dataset's labels ('digits' 10, 'moons' 2, …), 0 for one without. */
    dataClasses(dataset) {
      return sf.exports.sfw_data_classes(enumValue(DATASETS, 'dataset', dataset));
    },

    /** D, the dimension of a dataset's points ('digits' 64, every other dataset 2). */
    dataDim(dataset) {
      return sf.exports.sfw_data_dim(enumValue(DATASETS, 'dataset', dataset));
    },

    /**
     * n points of a dataset: { x: Float32Array (n, D), labels: Int32Array (n) for digits, else null }.
     * noise defaults to the tutorial's (swiss_roll 1.0, digits 0.1), seed to 0.
     * @param {{ dataset?: string, n?: number, noise?: number, seed?: number }} [options]
     */
    sampleData({ dataset, n, noise, seed = 0 } = {}) {
      const id = enumValue(DATASETS, 'dataset', dataset);
      integer('n', n, 0);
      noise = finite('noise', noise ?? defaults.train[dataset].dataNoise);
      integer('data seed', seed, 0, limits.seed);
      const D = sf.exports.sfw_data_dim(id);
      return withBuffers(sf, [F32_BYTES * n * D, F32_BYTES * n], (x, labels) => {
        sf.check(sf.exports.sfw_data_sample(x, labels, id, n, noise, seed));
        return {
          x: sf.f32(x, n * D).slice(),
          labels: dataset === 'digits' ? new Int32Array(sf.memory.buffer, labels, n).slice() : null,
        };
      });
    },

    /**
     * n points uniform in a box [lo, hi), Float32Array (n, lo.length).
     * @type {More['uniformBox']}
     */
    uniformBox: (...args) => more().uniformBox(...args),

    /**
     * n fresh draws of painted points (count, 2) as training on them draws them.
     * @type {More['pointsSample']}
     */
    pointsSample: (...args) => more().pointsSample(...args),

    /**
     * Points (n, 2) fitted into box (sf_points_fit_box): a new Float32Array.
     * @param {Float32Array} points
     * @param {T.FitBox} box
     * @returns {Float32Array}
     */
    fitPoints(points, { xmin, xmax, ymin, ymax, fill = FIT_FILL } = /** @type {any} */ ({})) {
      points = ownFloats(points);
      const n = points?.length / 2;
      integer('points.length / 2', n, 1);
      floats('points', points, 2 * n);
      return withBuffers(sf, [F32_BYTES * 2 * n], (p) => {
        sf.f32(p, 2 * n).set(points);
        sf.check(sf.exports.sfw_points_fit_box(p, p, n, xmin, xmax, ymin, ymax, fill));
        return sf.f32(p, 2 * n).slice();
      });
    },

    /**
     * Langevin dynamics on the exact score of a Gaussian-mixture dataset, from start (n, 2).
     * @type {More['dataLangevin']}
     */
    dataLangevin: (...args) => more().dataLangevin(...args),

    /**
     * Annealed Langevin on the exact score of a Gaussian-mixture dataset, from start (n, 2).
     * @type {More['dataAnnealedLangevin']}
     */
    dataAnnealedLangevin: (...args) => more().dataAnnealedLangevin(...args),

    /**
     * A score-SDE sampler or annealed Langevin on a Gaussian-mixture dataset's exact score.
     * @type {More['dataSample']}
     */
    dataSample: (...args) => more().dataSample(...args),

    /**
     * The chunked form of dataSample: a SamplerRun.
     * @type {More['dataSampler']}
     */
    dataSampler: (...args) => more().dataSampler(...args),

    /**
     * log p(x) through the probability-flow ODE of a Gaussian-mixture dataset's exact score.
     * @type {More['dataLogLikelihood']}
     */
    dataLogLikelihood: (...args) => more().dataLogLikelihood(...args),

    /**
     * The mean of log p values (Float64Array, nats) with its standard error, and the same as negative
     * log-likelihood in bits per dimension for points of dimension dim: { mean, se, bitsPerDim,
     * bitsPerDimSe } (nulls for no values). What logLikelihood reports, for results gathered in pieces.
     * @param {Float64Array} logp
     * @param {number} dim
     */
    likelihoodSummary(logp, dim) {
      if (!(logp instanceof Float64Array))
        throw new Error(`scorefield: logp must be a Float64Array, got ${describe(logp)}`);
      integer('dim', dim, 1, limits.dim);
      return samplers().likelihoodSummary(sf, logp.slice(), dim);
    },

    /**
     * The Gaussian fitted to points (n, dim), n >= 2: its mean and sample covariance (divisor n − 1),
     * as the core keeps them (a Float64Array of 1 + dim + dim² values: log det C, the mean, C's
     * Cholesky factor). The baseline a learned density's held-out NLL is read against; a covariance
     * that is not positive definite (points on a line) is refused with the core's message.
     * @param {Float32Array} points
     * @param {number} dim
     * @returns {{ dim: number, params: Float64Array }}
     */
    gaussianFit(points, dim) {
      return samplers().gaussianFit(sf, points, dim);
    },

    /**
     * log N(x; μ, C) of points (n, dim) under a gaussianFit, in nats: { logp, mean, se, bitsPerDim,
     * bitsPerDimSe } as logLikelihood's. Held-out points may be given in pieces (each point on its own).
     * @param {{ dim: number, params: Float64Array }} fit
     * @param {Float32Array} points
     * @returns {T.LikelihoodResult}
     */
    gaussianLogLikelihood(fit, points) {
      return samplers().gaussianLogLikelihood(sf, fit, points);
    },

    /**
     * The core's digit classifier on images x (n, 64): { probs (n, 10), labels (n) }.
     * @type {More['classifyDigits']}
     */
    classifyDigits: (...args) => more().classifyDigits(...args),

    /**
     * The digit-quality measure of images x (n, 64), against the classes in want if given.
     * @type {More['digitsQuality']}
     */
    digitsQuality: (...args) => more().digitsQuality(...args),

    /**
     * The first n of the 359 held-out digits: { x (n, 64), labels (n) }.
     * @type {More['heldoutDigits']}
     */
    heldoutDigits: (...args) => more().heldoutDigits(...args),

    /** n uniform draws in [lo, hi) as a Float32Array, from a generator seeded with `seed`. */
    uniform(n, lo = 0, hi = 1, seed = 0) {
      integer('n', n, 0);
      finite('lo', lo);
      finite('hi', hi);
      integer('seed', seed, 0, limits.seed);
      return withBuffers(sf, [F32_BYTES * n], (out) => {
        sf.check(sf.exports.sfw_uniform(out, n, lo, hi, seed));
        return sf.f32(out, n).slice();
      });
    },
  };
}

/**
 * A score network D → H → … → H → D and its training state, in one wasm instance. Made by
 * sf.createModel or sf.loadModel; dim, hidden, depth, seed and isa describe it.
 */
export class Model {
  #sf;
  #defaults;
  #ptr;
  /** D, the data dimension. @type {number} */
  dim;
  /** H, the hidden width. @type {number} */
  hidden;
  /** Hidden layers. @type {number} */
  depth;
  /** The seed of the initial weights and the training batches. @type {number} */
  seed;
  /** Labels of a class-conditional net (0: none). @type {number} */
  classes;
  /** s(x, σ) rather than s(x). @type {boolean} */
  noiseConditional;
  /** The kernels it runs on: 'simd128' or 'scalar'. @type {string} */
  isa;

  constructor(sf, defaults, ptr) {
    this.#sf = sf;
    this.#defaults = defaults;
    this.#ptr = ptr;
    this.isa = sf.cstr(sf.exports.sfw_model_isa_name(ptr)); // 'scalar' or 'simd128'
    if (sf.threads > 1) {
      const status = sf.exports.sfw_model_set_threads(ptr, sf.threads);
      if (status !== 0) {
        const message = sf.cstr(sf.exports.sfw_error());
        sf.exports.sfw_model_free(ptr);
        throw new Error(`scorefield: cannot give the model ${sf.threads} threads: ${message}`);
      }
    }
    this.#readNetConfig();
  }

  #model() {
    if (this.#ptr === 0) throw new Error('scorefield: model has been disposed');
    return this.#ptr;
  }

  #readNetConfig() {
    const sf = this.#sf;
    withBuffers(sf, [F64_BYTES * NET_CONFIG_LENGTH], (out) => {
      sf.check(sf.exports.sfw_model_net_config(this.#ptr, out));
      let cond;
      [this.dim, this.hidden, this.depth, this.seed, cond, this.classes] = new Float64Array(
        sf.memory.buffer,
        out,
        NET_CONFIG_LENGTH,
      );
      this.noiseConditional = cond === 1;
    });
  }

  /**
   * The training settings by name: { dataset (null when the model's dimension has none), objective,
   * batch, projections, lr, sigma, dataNoise, sigmaMax, sigmaMin, levels }.
   */
  trainingConfig() {
    const m = this.#model();
    const sf = this.#sf;
    return withBuffers(sf, [F64_BYTES * TRAIN_CONFIG_LENGTH], (out) => {
      sf.check(sf.exports.sfw_model_train_config(m, out));
      const [dataset, objective, batch, projections, lr, sigma, dataNoise, sigmaMax, sigmaMin, levels, sigmaDist] =
        new Float64Array(sf.memory.buffer, out, TRAIN_CONFIG_LENGTH);
      return {
        dataset: nameOf(DATASETS, dataset),
        objective: nameOf(OBJECTIVES, objective),
        batch,
        projections,
        lr: shortestFloat32(lr),
        sigma: shortestFloat32(sigma),
        dataNoise: shortestFloat32(dataNoise),
        sigmaMax: shortestFloat32(sigmaMax),
        sigmaMin: shortestFloat32(sigmaMin),
        levels,
        sigmaDist: nameOf(SIGMA_DISTS, sigmaDist),
      };
    });
  }

  /**
   * Changes the training settings: { dataset, objective, batch, projections, lr, sigma, dataNoise,
   * sigmaMax, sigmaMin, levels }; what is not given stays as it is, except that a new dataset brings
   * its own noise and σ settings (a new model starts with the library's defaults for its dataset). On
   * an Error nothing changes. Parameters and Adam's state are kept.
   * @param {T.TrainingOptions} [options]
   */
  configureTraining(options = {}) {
    // Each option read once, before the model is touched; an option given as undefined is not given.
    const changes = Object.fromEntries(
      Object.entries(readOptions('training settings', options)).filter(([, v]) => v !== undefined),
    );
    const m = this.#model();
    const unknown = Object.keys(changes).filter((k) => !TRAINING_KEYS.includes(k));
    if (unknown.length)
      throw new Error(
        `scorefield: unknown training setting ${describe(unknown[0])} (valid: ${TRAINING_KEYS.join(', ')})`,
      );
    const current = this.trainingConfig();
    const c = { ...current, ...changes };
    // A model with no dataset (one of a dimension no dataset has) meets the core's own message, the
    // one train() gives: 0 steps check the dataset first and change nothing.
    if (c.dataset === null) this.#sf.check(this.#sf.exports.sfw_model_train(m, 0, 0));
    const datasetId = enumValue(DATASETS, 'dataset', c.dataset);
    if (changes.dataset !== undefined && changes.dataset !== current.dataset) {
      const d = this.#defaults.train[c.dataset];
      for (const key of PER_DATASET_KEYS) c[key] = changes[key] ?? d[key];
    }
    const objectiveId = enumValue(OBJECTIVES, 'objective', c.objective);
    const sigmaDistId = enumValue(SIGMA_DISTS, 'sigmaDist', c.sigmaDist);
    const limits = this.#sf.limits;
    integer('batch', c.batch, 1, limits.batch);
    integer('projections', c.projections, 1, limits.proj);
    integer('levels', c.levels, 1, limits.levels);
    for (const key of ['lr', 'sigma', 'dataNoise', 'sigmaMax', 'sigmaMin']) finite(key, c[key]);
    this.#sf.check(
      this.#sf.exports.sfw_model_set_train(
        m,
        datasetId,
        objectiveId,
        c.batch,
        c.projections,
        c.lr,
        c.sigma,
        c.dataNoise,
        c.sigmaMax,
        c.sigmaMin,
        c.levels,
        sigmaDistId,
      ),
    );
  }

  /**
   * Gives a 2-D model the points a user painted (Float32Array (n, 2), 1 <= n <= sf.limits.points), copied; train
   * on them with configureTraining({ dataset: 'points' }).
   * @param {Float32Array} points
   * @returns {void}
   */
  setPoints(points) {
    points = ownFloats(points); // read before the model is touched
    const m = this.#model();
    const n = points?.length / 2;
    integer('points.length / 2', n, 0); // the core checks 1 .. SF_MAX_POINTS
    floats('points', points, 2 * n);
    const sf = this.#sf;
    withBuffers(sf, [F32_BYTES * 2 * n], (buf) => {
      sf.f32(buf, 2 * n).set(points);
      sf.check(sf.exports.sfw_model_set_points(m, buf, n));
    });
  }
  /**
   * Runs `steps` training steps and returns their losses (Float32Array, steps). If a step is not
   * finite it is rolled back and the Error thrown carries `.losses` (the kept steps' losses) and
   * `.failedLoss` (the rolled-back step's loss); stepCount counts only the kept steps.
   * @param {number} steps
   * @returns {Float32Array}
   */
  train(steps) {
    const m = this.#model();
    integer('steps', steps, 0);
    const sf = this.#sf;
    const before = this.stepCount;
    return withBuffers(sf, [F32_BYTES * steps], (losses) => {
      const status = sf.exports.sfw_model_train(m, steps, losses);
      if (status === STATUS.not_finite) {
        const kept = this.stepCount - before; // the failing step is rolled back and not counted
        const all = sf.f32(losses, steps);
        try {
          sf.check(status);
        } catch (err) {
          err.losses = all.slice(0, kept);
          err.failedLoss = all[kept];
          throw err;
        }
      }
      sf.check(status);
      return sf.f32(losses, steps).slice();
    });
  }

  /**
   * One training step in pieces, for a caller with a loop of its own (the worker answers the page
   * between them): beginStep(), then stepChunk(maxPoints) until it returns the batch size (each
   * processes at least one of the core's chunks of the batch, otherwise at most maxPoints points, and
   * returns the batch's points done so far), then endStep()
   * applies the step and returns its loss. The same step, bit for bit, as train(1). Scoring and
   * sampling may run between the pieces; cancelStep() (or configureTraining, setPoints, load, train)
   * abandons it and leaves the model as it was; save() meanwhile saves the model before the step.
   */
  beginStep() {
    this.#sf.check(this.#sf.exports.sfw_model_step_begin(this.#model()));
  }

  /** Processes the next points of the step's batch (see beginStep); returns the points done so far. */
  stepChunk(maxPoints) {
    const m = this.#model();
    integer('maxPoints', maxPoints, 1);
    const sf = this.#sf;
    return withBuffers(sf, [F32_BYTES], (done) => {
      sf.check(sf.exports.sfw_model_step_chunk(m, maxPoints, done));
      return new Int32Array(sf.memory.buffer, done, 1)[0];
    });
  }

  /** Applies the step begun by beginStep and returns its loss (a non-finite step: an Error, rolled back). */
  endStep() {
    const m = this.#model();
    const sf = this.#sf;
    return withBuffers(sf, [F32_BYTES], (loss) => {
      const status = sf.exports.sfw_model_step_end(m, loss);
      const value = sf.f32(loss, 1)[0];
      try {
        sf.check(status);
      } catch (err) {
        if (status === STATUS.not_finite) err.failedLoss = value;
        throw err;
      }
      return value;
    });
  }

  /** Abandons a step begun by beginStep (nothing happens when there is none). */
  cancelStep() {
    this.#sf.exports.sfw_model_step_cancel(this.#model());
  }

  /**
   * The score at n points (Float32Array (n, D)), as a Float32Array (n, D). n defaults to
   * points.length / D. sigma: the noise level of a noise-conditional model (default: the smallest
   * level of its training ladder); ignored by a plain model.
   * @param {Float32Array} points
   * @param {number} [n]
   * @param {number} [sigma]
   * @returns {Float32Array}
   */
  score(points, n = points?.length / this.dim, sigma = undefined) {
    points = ownFloats(points);
    const m = this.#model();
    integer('n', n, 0);
    floats('points', points, n * this.dim);
    if (sigma !== undefined) finite('sigma', sigma);
    const sf = this.#sf,
      bytes = F32_BYTES * n * this.dim;
    return withBuffers(sf, [bytes, bytes], (x, s) => {
      sf.f32(x, n * this.dim).set(points);
      sf.check(
        sigma === undefined
          ? sf.exports.sfw_model_score(m, s, x, n)
          : sf.exports.sfw_model_score_sigma(m, s, x, n, sigma),
      );
      return sf.f32(s, n * this.dim).slice();
    });
  }

  /**
   * The score on an nx × ny grid over [xmin, xmax] × [ymin, ymax] (D = 2 only), ends included:
   * { points, scores }, both Float32Array (ny·nx, 2), point j·nx + i at (x_i, y_j).
   * @param {{ xmin: number, xmax: number, ymin: number, ymax: number, nx: number, ny: number, sigma?: number }} box
   */
  scoreGrid({ xmin, xmax, ymin, ymax, nx, ny, sigma }) {
    this.#model();
    if (this.dim !== 2) throw new Error(`scorefield: scoreGrid needs a model of dim 2, this one has dim ${this.dim}`);
    finite('xmin', xmin);
    finite('xmax', xmax);
    finite('ymin', ymin);
    finite('ymax', ymax);
    integer('nx', nx, 1);
    integer('ny', ny, 1);
    integer('nx * ny', nx * ny, 1);
    const points = gridPoints({ xmin, xmax, ymin, ymax, nx, ny });
    return { points, scores: this.score(points, nx * ny, sigma) };
  }

  /**
   * Runs n Langevin chains from start (Float32Array (n, D)): x ← x + ε/2·s(x) + √ε·T·z, ε ← ε·decay.
   * Defaults follow the library's sampler defaults for the training dataset (sf.defaults.langevin;
   * the swiss roll's for a dimension without a dataset). Returns a Float32Array of
   * shape (steps + 1, n, D) with frame 0 = start when keepAll, else (n, D) after the last step.
   * @param {T.LangevinOptions} [options]
   * @returns {Float32Array}
   */
  langevin(options = {}) {
    const { start, n, eps, decay, temperature, steps, seed, keepAll } = this.#langevinSettings(options, true);
    const m = this.#model();
    const size = n * this.dim,
      outSize = keepAll ? (steps + 1) * size : size;
    const sf = this.#sf;
    return withBuffers(sf, [F32_BYTES * size, F32_BYTES * outSize], (x0, out) => {
      sf.f32(x0, size).set(start);
      sf.check(sf.exports.sfw_langevin(m, out, x0, n, eps, decay, temperature, steps, seed, keepAll ? 1 : 0));
      return sf.f32(out, outSize).slice();
    });
  }

  /**
   * The chunked form of langevin (without keepAll): a SamplerRun whose step(k) advances the chains by
   * up to k steps (a worker runs a chain of 10⁶ steps between its messages); points, stepsDone, done,
   * dispose(). However the run is cut, it ends with the bits of one langevin call with the same options.
   * @param {Omit<T.LangevinOptions, 'keepAll'>} [options]
   * @returns {SamplerRun}
   */
  langevinSampler(options = {}) {
    const c = this.#langevinSettings(options, false);
    this.#model();
    const sf = this.#sf;
    const settings = { ...c, name: 'langevin', langevin: true, annealed: false, keepAll: false, x0: c.start };
    return new (samplers().SamplerRun)(sf, settings, this.dim, (run, x, steps) =>
      sf.exports.sfw_run_step(run, this.#model(), x, steps),
    );
  }

  // langevin's options, read once and checked before the model is touched.
  #langevinSettings(options, withKeepAll) {
    const o = readOptions('sampler settings', options);
    if (!withKeepAll && o.keepAll !== undefined)
      throw new Error('scorefield: keepAll does not apply to a Langevin run in chunks (read points as it goes)');
    const start = ownFloats(o.start),
      keepAll = o.keepAll ?? false;
    this.#model();
    const d = this.#defaults.langevin[this.#datasetName()];
    const n = o.n ?? start?.length / this.dim;
    integer('n', n, 0);
    floats('start', start, n * this.dim);
    const eps = finite('eps', o.eps ?? d.eps);
    const decay = finite('decay', o.decay ?? d.decay);
    const temperature = finite('temperature', o.temperature ?? d.temperature);
    const steps = integer('steps', o.steps ?? d.steps, 0, this.#sf.limits.steps);
    const seed = integer('sampler seed', o.seed ?? d.seed, 0, this.#sf.limits.seed);
    if (typeof keepAll !== 'boolean')
      throw new Error(`scorefield: keepAll must be true or false, got ${show(keepAll)}`);
    return { start, n, eps, decay, temperature, steps, seed, keepAll };
  }

  /**
   * Runs n chains of annealed Langevin dynamics on the noise ladder of a noise-conditional model
   * (samplers.js's annealedLangevin says how; the sampler API: loaded with it).
   * @param {T.AnnealOptions} [options]
   * @returns {Float32Array}
   */
  annealedLangevin(options = {}) {
    return samplers().annealedLangevin(this.#parts(), options);
  }

  /**
   * Samples n chains of a noise-conditional model with one of the samplers (samplers.js's sample).
   * @param {T.SampleOptions} [options]
   * @returns {T.SampleResult}
   */
  sample(options = {}) {
    return samplers().sample(this.#parts(), options);
  }

  /**
   * The chunked form of sample: a SamplerRun (samplers.js's sampler).
   * @param {T.SampleOptions} [options]
   * @returns {SamplerRun}
   */
  sampler(options = {}) {
    return samplers().sampler(this.#parts(), options);
  }

  /**
   * log p(x) of points (Float32Array (n, D)) through the probability-flow ODE (samplers.js's
   * logLikelihood).
   * @param {Float32Array} points
   * @param {T.LikelihoodOptions} [options]
   * @returns {T.LikelihoodResult}
   */
  logLikelihood(points, options = {}) {
    return samplers().logLikelihood(this.#parts(), points, options);
  }

  // What samplers.js's functions need of this model (its ModelParts).
  #parts() {
    return {
      model: this,
      sf: this.#sf,
      defaults: this.#defaults,
      ptr: () => this.#model(),
      dataset: () => this.#datasetName(),
    };
  }
  // The dataset whose sampler defaults apply: the training dataset's, the swiss roll's for none.
  #datasetName() {
    return this.trainingConfig().dataset ?? 'swiss_roll';
  }

  /** Training steps taken (rolled-back steps excluded). @type {number} */
  get stepCount() {
    return this.#sf.exports.sfw_model_step_count(this.#model());
  }

  /** P, the number of parameters. @type {number} */
  get paramCount() {
    return this.#sf.exports.sfw_model_param_count(this.#model());
  }

  /** A copy of the parameters (P), layer by layer: W_l (in, out) row-major, then b_l. */
  params() {
    const m = this.#model();
    const e = this.#sf.exports;
    return this.#sf.f32(e.sfw_model_params(m), e.sfw_model_param_count(m)).slice();
  }

  /**
   * The weights file of this model (README, "Weights file format") as a new Uint8Array: architecture,
   * training settings, step count, generator state, parameters and Adam's moments, with checksums.
   * @returns {Uint8Array}
   */
  save() {
    const m = this.#model();
    const sf = this.#sf;
    const size = sf.exports.sfw_model_save_size(m);
    return withBuffers(sf, [size], (buf) => {
      sf.check(sf.exports.sfw_model_save(m, buf, size));
      return new Uint8Array(sf.memory.buffer, buf, size).slice();
    });
  }

  /**
   * Restores a weights file (Uint8Array or ArrayBuffer) of a model with this one's architecture. A
   * file that is not a weights file, newer, truncated, corrupted or of another architecture throws an
   * Error saying which, and the model is exactly as before.
   * @param {Uint8Array | ArrayBuffer} file
   * @returns {void}
   */
  load(file) {
    const m = this.#model();
    const bytes = bytesOf('weights file', file);
    const sf = this.#sf;
    withBuffers(sf, [bytes.length], (buf) => {
      new Uint8Array(sf.memory.buffer, buf, bytes.length).set(bytes);
      sf.check(sf.exports.sfw_model_load(m, buf, bytes.length));
    });
    this.#readNetConfig(); // the file's seed
  }

  /** Frees the model; any later call throws 'model has been disposed'. Disposing twice is a no-op. */
  dispose() {
    if (this.#ptr !== 0) this.#sf.exports.sfw_model_free(this.#ptr);
    this.#ptr = 0;
  }
}
