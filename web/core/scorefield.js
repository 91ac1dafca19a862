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
import { DATASETS, ISAS, KEEPS, OBJECTIVES, SIGMA_DISTS, STATUS, describe, enumValue } from './enums.js';
import { gridPoints } from './grid.js';
import { MAX_INT32, finiteNumber, integer as checkedInteger, show } from './validate.js';
/** @import * as T from './api-types.js' */
/** @typedef {import('./samplers.js').SamplerRun} SamplerRun */

const F32_BYTES = 4; // bytes per float32 (and per int32)
const DIGITS_FILE = 'scorefield-digits.bin'; // the digits table, next to the wasm modules
const F64_BYTES = 8; // bytes per float64
const SDE_DEFAULTS_LENGTH = 9; // floats that sfw_sde_defaults writes
const NET_CONFIG_LENGTH = 6; // doubles that sfw_model_net_config writes
const TRAIN_CONFIG_LENGTH = 11; // doubles that sfw_model_train_config writes
const QUALITY_LENGTH = 23; // doubles that sfw_digits_quality writes
const DIGIT_PIXELS = 64; // an 8x8 digit
const DIGIT_CLASSES = 10; // SF_DIGIT_CLASSES
const DIGITS_HELDOUT = 359; // SF_DIGITS_HELDOUT: the images the classifier is tested on
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

// The sampler and likelihood API (samplers.js, given this module's checks and buffers) and the
// points-file reader (points-file.js), loaded by createScorefield unless { samplers: false }: a worker
// whose widget never samples that way nor reads a file does not download them.
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
 * options.samplers: false defers the sampler and likelihood API and readPoints to sf.loadSamplers(), for
 * a worker that may never need them; options.threads: 1 (default), 'auto' or a count 1..limits.threads —
 * the threaded module over a shared memory with helper threads, every model training and sampling on them
 * with the same bits as on one; where the engine cannot, one thread and sf.threadsReason says why) and
 * returns { isa, simdSupported, threads, threadsReason, memory, createModel, sampleData, uniform, dispose }.
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
     * Loads the sampler and likelihood API (model.sample, model.sampler, model.logLikelihood,
     * sf.dataSample, …) and the points-file reader (readPoints) if they are not yet: a Promise, safe
     * to call again. createScorefield loads them unless told { samplers: false }.
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
     * The exact score of a Gaussian-mixture dataset ('mixture', 'eight_gaussians') at points (n, 2),
     * blurred by N(0, sigma²): Float32Array (n, 2). noise defaults to the dataset's.
     */
    dataScore({ dataset, points, noise, sigma = 0 }) {
      const id = enumValue(DATASETS, 'dataset', dataset);
      points = ownFloats(points);
      const n = points?.length / 2;
      integer('points.length / 2', n, 0);
      floats('points', points, 2 * n);
      noise = finite('noise', noise ?? defaults.train[dataset].dataNoise);
      finite('sigma', sigma);
      return withBuffers(sf, [F32_BYTES * 2 * n, F32_BYTES * 2 * n], (x, s) => {
        sf.f32(x, 2 * n).set(points);
        sf.check(sf.exports.sfw_data_score(s, x, n, id, noise, sigma));
        return sf.f32(s, 2 * n).slice();
      });
    },

    /** The energy distance between samples x (n, dim) and y (m, dim), Float32Arrays: a number. */
    energyDistance(x, y, dim) {
      integer('dim', dim, 1, limits.dim);
      x = ownFloats(x);
      y = ownFloats(y);
      const n = x?.length / dim,
        m = y?.length / dim;
      integer('x.length / dim', n, 0);
      integer('y.length / dim', m, 0);
      floats('x', x, n * dim);
      floats('y', y, m * dim);
      return withBuffers(sf, [F64_BYTES, F32_BYTES * n * dim, F32_BYTES * m * dim], (out, px, py) => {
        sf.f32(px, n * dim).set(x);
        sf.f32(py, m * dim).set(y);
        sf.check(sf.exports.sfw_energy_distance(out, px, n, py, m, dim));
        return new Float64Array(sf.memory.buffer, out, 1)[0];
      });
    },

    /** The geometric noise ladder σ₁ = sigmaMax > … > σ_L = sigmaMin as a Float32Array (levels). */
    noiseLadder(levels, sigmaMax, sigmaMin) {
      integer('levels', levels, 1, limits.levels);
      finite('sigmaMax', sigmaMax);
      finite('sigmaMin', sigmaMin);
      return withBuffers(sf, [F32_BYTES * levels], (out) => {
        sf.check(sf.exports.sfw_noise_ladder(out, levels, sigmaMax, sigmaMin));
        return sf.f32(out, levels).slice();
      });
    },

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
     * n points uniform in a box, Float32Array (n, D) with D = lo.length: coordinate d in [lo[d], hi[d]),
     * drawn from the generator `uniform` uses, seeded with `seed` (the start of samplers).
     * @param {{ n?: number, lo?: number[], hi?: number[], seed?: number }} [options]
     */
    uniformBox({ n, lo, hi, seed = 0 } = {}) {
      integer('n', n, 0);
      if (!Array.isArray(lo) || !Array.isArray(hi) || lo.length !== hi.length || lo.length < 1)
        throw new Error(
          `scorefield: lo and hi must be arrays of the same length >= 1, got ${describe(lo)} and ${describe(hi)}`,
        );
      lo.forEach((v, d) => finite(`lo[${d}]`, v));
      hi.forEach((v, d) => finite(`hi[${d}]`, v));
      finite('seed', seed);
      const D = lo.length;
      return withBuffers(sf, [F32_BYTES * n * D, F32_BYTES * D, F32_BYTES * D], (out, plo, phi) => {
        sf.f32(plo, D).set(lo);
        sf.f32(phi, D).set(hi);
        sf.check(sf.exports.sfw_uniform_box(out, n, D, plo, phi, seed));
        return sf.f32(out, n * D).slice();
      });
    },

    /**
     * n fresh draws of painted points (Float32Array (count, 2)) as training on them draws: a point
     * chosen uniformly plus N(0, noise²) on each coordinate. Float32Array (n, 2).
     * @param {{ points?: Float32Array, n?: number, noise?: number, seed?: number }} [options]
     */
    pointsSample({ points, n, noise, seed = 0 } = {}) {
      integer('n', n, 0);
      const count = points?.length / 2;
      integer('points.length / 2', count, 1);
      floats('points', points, 2 * count);
      finite('noise', noise);
      finite('seed', seed);
      return withBuffers(sf, [F32_BYTES * 2 * n, F32_BYTES * 2 * count], (out, p) => {
        sf.f32(p, 2 * count).set(points);
        sf.check(sf.exports.sfw_points_sample(out, p, count, n, noise, seed));
        return sf.f32(out, 2 * n).slice();
      });
    },

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
     * Langevin dynamics x ← x + ε/2·s(x) + √ε·T·z, ε ← ε·decay, on the exact score of a Gaussian-mixture
     * dataset ('mixture', 'eight_gaussians') blurred by sigma, from start (n, 2). decay and temperature
     * default to 1, sigma to 0, noise to the dataset's. keepAll: (steps + 1, n, 2), else (n, 2).
     * @param {T.DataLangevinOptions} [options]
     */
    dataLangevin({
      dataset,
      start,
      noise,
      sigma = 0,
      eps,
      decay = 1,
      temperature = 1,
      steps,
      seed = 0,
      keepAll = false,
    } = {}) {
      const id = enumValue(DATASETS, 'dataset', dataset);
      const n = start?.length / 2;
      integer('start.length / 2', n, 0);
      floats('start', start, 2 * n);
      noise = finite('noise', noise ?? defaults.train[dataset].dataNoise);
      finite('sigma', sigma);
      finite('eps', eps);
      finite('decay', decay);
      finite('temperature', temperature);
      integer('steps', steps, 0);
      finite('seed', seed);
      const size = 2 * n,
        outSize = keepAll ? (steps + 1) * size : size;
      return withBuffers(sf, [F32_BYTES * size, F32_BYTES * outSize], (x0, out) => {
        sf.f32(x0, size).set(start);
        sf.check(
          sf.exports.sfw_data_langevin(
            out,
            x0,
            n,
            id,
            noise,
            sigma,
            eps,
            decay,
            temperature,
            steps,
            seed,
            keepAll ? 1 : 0,
          ),
        );
        return sf.f32(out, outSize).slice();
      });
    },

    /**
     * Annealed Langevin (as Model.annealedLangevin) on the exact score of a Gaussian-mixture dataset,
     * blurred by each level's σ, from start (n, 2). The ladder defaults to the dataset's training
     * ladder, steps and eps to sf.defaults.anneal; keep 'last', 'levels' or 'all'.
     * @param {T.DataAnnealOptions} [options]
     */
    dataAnnealedLangevin({ dataset, start, noise, sigmaMax, sigmaMin, levels, steps, eps, seed, keep = 'last' } = {}) {
      const id = enumValue(DATASETS, 'dataset', dataset);
      const t = defaults.train[dataset],
        d = defaults.anneal[dataset];
      const n = start?.length / 2;
      integer('start.length / 2', n, 0);
      floats('start', start, 2 * n);
      noise = finite('noise', noise ?? t.dataNoise);
      sigmaMax = finite('sigmaMax', sigmaMax ?? t.sigmaMax);
      sigmaMin = finite('sigmaMin', sigmaMin ?? t.sigmaMin);
      levels = integer('levels', levels ?? t.levels, 1);
      steps = integer('steps', steps ?? d.steps, 0);
      eps = finite('eps', eps ?? d.eps);
      seed = finite('seed', seed ?? d.seed);
      const keepId = enumValue(KEEPS, 'keep', keep);
      const size = 2 * n;
      const frames = keep === 'all' ? levels * steps + 1 : keep === 'levels' ? levels + 1 : 1;
      return withBuffers(sf, [F32_BYTES * size, F32_BYTES * frames * size], (x0, out) => {
        sf.f32(x0, size).set(start);
        sf.check(
          sf.exports.sfw_data_annealed_langevin(
            out,
            x0,
            n,
            id,
            noise,
            sigmaMax,
            sigmaMin,
            levels,
            steps,
            eps,
            seed,
            keepId,
          ),
        );
        return sf.f32(out, frames * size).slice();
      });
    },

    /**
     * A score-SDE sampler or annealed Langevin on the exact score of a Gaussian-mixture dataset
     * ('mixture', 'eight_gaussians'), drawn with `noise` (default the dataset's): as model.sample,
     * options as there, the ladder's defaults the dataset's. Returns { points, nfe, frames?, sigmas? }.
     * @param {string} dataset
     * @param {T.SampleOptions & { noise?: number }} [options]
     * @returns {T.SampleResult}
     */
    dataSample(dataset, options = {}) {
      return samplers().runToEnd(this.dataSampler(dataset, options));
    },

    /**
     * The chunked form of dataSample: a SamplerRun (step(k), done, points, nfe, frames, dispose).
     * @param {string} dataset
     * @param {T.SampleOptions & { noise?: number }} [options]
     * @returns {SamplerRun}
     */
    dataSampler(dataset, options = {}) {
      const id = enumValue(DATASETS, 'dataset', dataset);
      const { noise: given, ...rest } = readOptions('sampler settings', options);
      const t = defaults.train[dataset];
      const noise = finite('noise', given ?? t.dataNoise);
      checkDataScore(id, noise);
      const base = { ...t, sde: defaults.sde[dataset], anneal: defaults.anneal[dataset] };
      const S = samplers();
      const c = S.samplerSettings(sf, rest, 2, base);
      return new S.SamplerRun(sf, c, 2, (run, x, steps) => sf.exports.sfw_run_data_step(run, x, steps, id, noise));
    },

    /**
     * log p(x) through the probability-flow ODE of a Gaussian-mixture dataset's exact score (its
     * divergence by central differences): the mixture blurred by sigmaMin, as a model's logLikelihood.
     * points Float32Array (n, 2); options { steps, sigmaMin, sigmaMax, rho, noise } (no probes).
     * @param {string} dataset
     * @param {Float32Array} points
     * @param {Omit<T.LikelihoodOptions, 'probes' | 'seed'> & { noise?: number }} [options]
     * @returns {T.LikelihoodResult}
     */
    dataLogLikelihood(dataset, points, options = {}) {
      const S = samplers();
      const id = enumValue(DATASETS, 'dataset', dataset);
      const { noise: given, first, ...rest } = readOptions('likelihood settings', options);
      const t = defaults.train[dataset];
      const noise = finite('noise', given ?? t.dataNoise);
      checkDataScore(id, noise);
      const c = S.likelihoodSettings(sf, rest, { ...t, likelihood: defaults.likelihood[dataset] }, false);
      if (first !== undefined) integer('first', first, 0, limits.seed); // accepted: exact pieces need no offset
      const x = S.likelihoodPoints(points, 2);
      return S.likelihoodOf(sf, x, 2, (out, px, n) =>
        sf.exports.sfw_data_log_likelihood(out, px, n, id, noise, c.steps, c.sigmaMax, c.sigmaMin, c.rho),
      );
    },

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
     * The core's digit classifier on images x (n, 64) on the X/16 scale (Float32Array): { probs:
     * Float32Array (n, 10) of p(class | image), labels: Int32Array (n) of the most probable class }.
     * Needs the digits table (the classifier trains on it, deterministically, on first use).
     */
    classifyDigits(x) {
      const n = x?.length / DIGIT_PIXELS;
      integer('x.length / 64', n, 0);
      floats('x', x, n * DIGIT_PIXELS);
      return withBuffers(
        sf,
        [F32_BYTES * n * DIGIT_PIXELS, F32_BYTES * n * DIGIT_CLASSES, F32_BYTES * n],
        (px, probs, labels) => {
          sf.f32(px, n * DIGIT_PIXELS).set(x);
          sf.check(sf.exports.sfw_classify(probs, labels, px, n));
          return {
            probs: sf.f32(probs, n * DIGIT_CLASSES).slice(),
            labels: new Int32Array(sf.memory.buffer, labels, n).slice(),
          };
        },
      );
    },

    /**
     * The digit-quality measure of images x (n >= 1, 64): { confident (share with top probability
     * >= 0.9), classShare (10 shares of the top class), minClassShare, accuracy and classAccuracy (10)
     * — the share classified as the class asked for in want (n classes), null without want or for a
     * class nobody asked for }.
     */
    digitsQuality(x, want = null) {
      const n = x?.length / DIGIT_PIXELS;
      integer('x.length / 64', n, 1);
      floats('x', x, n * DIGIT_PIXELS);
      if (want !== null) {
        if (!Array.isArray(want) && !(want instanceof Int32Array))
          throw new Error(`scorefield: want must be an array of classes, got ${describe(want)}`);
        if (want.length !== n) throw new Error(`scorefield: want must hold ${n} classes, got ${want.length}`);
        for (const [i, c] of Array.from(want).entries())
          if (!Number.isInteger(c) || c < 0 || c >= DIGIT_CLASSES)
            throw new Error(`scorefield: want[${i}] must be a class 0 .. 9, got ${c}`);
      }
      return withBuffers(
        sf,
        [F64_BYTES * QUALITY_LENGTH, F32_BYTES * n * DIGIT_PIXELS, F32_BYTES * n],
        (out, px, pw) => {
          sf.f32(px, n * DIGIT_PIXELS).set(x);
          if (want !== null) new Int32Array(sf.memory.buffer, pw, n).set(want);
          sf.check(sf.exports.sfw_digits_quality(out, px, n, want === null ? 0 : pw));
          const q = Array.from(new Float64Array(sf.memory.buffer, out, QUALITY_LENGTH));
          const orNull = (v) => (v < 0 ? null : v);
          return {
            confident: q[0],
            classShare: q.slice(1, 11),
            minClassShare: q[11],
            accuracy: orNull(q[12]),
            classAccuracy: q.slice(13, 23).map(orNull),
          };
        },
      );
    },

    /**
     * The first n of the 359 held-out digits the classifier never trained on, as X/16 plus noise
     * (default the tutorial's 0.1): { x: Float32Array (n, 64), labels: Int32Array (n) }.
     */
    heldoutDigits({ n = DIGITS_HELDOUT, noise = defaults.train.digits.dataNoise, seed = 0 } = {}) {
      integer('n', n, 0);
      finite('noise', noise);
      finite('seed', seed);
      return withBuffers(sf, [F32_BYTES * n * DIGIT_PIXELS, F32_BYTES * n], (x, labels) => {
        sf.check(sf.exports.sfw_digits_heldout(x, labels, n, noise, seed));
        return {
          x: sf.f32(x, n * DIGIT_PIXELS).slice(),
          labels: new Int32Array(sf.memory.buffer, labels, n).slice(),
        };
      });
    },

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
   * Gives a 2-D model the points a user painted (Float32Array (n, 2), 1 <= n <= 4096), copied; train
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
   * Runs n chains of annealed Langevin dynamics (a noise-conditional model): for each level σ_i of the
   * ladder, `steps` steps of x ← x + α_i·s(x, σ_i) + √(2α_i)·z with α_i = eps·σ_i²/σ_L². The ladder
   * defaults to the model's training ladder, steps and eps to sf.defaults.anneal. A class-conditional
   * model samples class (0 .. classes − 1) with guidance, 'any' (the null token ∅) or 'prior' (chain i
   * drawn for class i mod classes, each class its own run with seed + class: p(x) through the labels,
   * the better unconditional sampler of the digits model, docs/digits.md). keep: 'last'
   * ((n, D)), 'levels' ((levels + 1, n, D), frame 0 = start) or 'all' ((levels·steps + 1, n, D)).
   * @param {T.AnnealOptions} [options]
   * @returns {Float32Array}
   */
  annealedLangevin(options = {}) {
    const o = readOptions('sampler settings', options);
    const start = ownFloats(o.start),
      keep = o.keep ?? 'last',
      cls = o.class ?? 'any',
      guidance = o.guidance ?? 0;
    const m = this.#model();
    const classId = this.#classId(cls);
    finite('guidance', guidance);
    if (this.classes === 0 && guidance !== 0)
      throw new Error(`scorefield: guidance needs a class-conditional model (classes > 0), got ${guidance}`);
    const t = this.trainingConfig(),
      d = this.#defaults.anneal[this.#datasetName()],
      limits = this.#sf.limits;
    const n = o.n ?? start?.length / this.dim;
    integer('n', n, 0);
    floats('start', start, n * this.dim);
    const sigmaMax = finite('sigmaMax', o.sigmaMax ?? t.sigmaMax);
    const sigmaMin = finite('sigmaMin', o.sigmaMin ?? t.sigmaMin);
    const levels = integer('levels', o.levels ?? t.levels, 1, limits.levels);
    const steps = integer('steps', o.steps ?? d.steps, 0, limits.steps);
    const eps = finite('eps', o.eps ?? d.eps);
    const seed = integer('sampler seed', o.seed ?? d.seed, 0, limits.seed);
    const keepId = enumValue(KEEPS, 'keep', keep);
    const size = n * this.dim;
    const frames = keep === 'all' ? levels * steps + 1 : keep === 'levels' ? levels + 1 : 1;
    const sf = this.#sf;
    return withBuffers(sf, [F32_BYTES * size, F32_BYTES * frames * size], (x0, out) => {
      sf.f32(x0, size).set(start);
      if (this.classes > 0)
        sf.check(
          sf.exports.sfw_annealed_langevin_guided(
            ...[m, out, x0, n, sigmaMax, sigmaMin, levels, steps, eps, seed, keepId, classId, guidance],
          ),
        );
      else
        sf.check(sf.exports.sfw_annealed_langevin(m, out, x0, n, sigmaMax, sigmaMin, levels, steps, eps, seed, keepId));
      return sf.f32(out, frames * size).slice();
    });
  }

  /**
   * Samples n chains of a noise-conditional model with one of the samplers: 'annealed' (annealed
   * Langevin on the training ladder), 'sde' (reverse-time VE SDE), 'pc' (predictor–corrector), 'ode-euler'
   * and 'ode-heun' (the probability-flow ODE) or 'edm' (Karras's stochastic sampler); see scorefield.h.
   * Chains start at x0 or at draws of the prior N(0, sigmaMax² I). The noise levels default to the
   * model's training ladder. Returns { points (n, D), nfe, and with keep 'all' frames (steps + 1, n, D)
   * and sigmas (steps + 1) }. The same bits as the chunked form (sampler).
   * @param {T.SampleOptions} [options]
   * @returns {T.SampleResult}
   */
  sample(options = {}) {
    return samplers().runToEnd(this.sampler(options));
  }

  /**
   * The chunked form of sample: a SamplerRun whose step(k) advances it k steps (a worker runs it
   * between messages and can drop it); done, points, nfe, frames, sigmas, dispose(). On a
   * class-conditional model the annealed sampler also takes class (0 .. classes − 1 or 'any') and
   * guidance: the bits of annealedLangevin with that class and guidance.
   * @param {T.SampleOptions} [options]
   * @returns {SamplerRun}
   */
  sampler(options = {}) {
    const S = samplers();
    const { class: cls, guidance, ...o } = readOptions('sampler settings', options);
    this.#model();
    const t = this.trainingConfig(),
      dataset = this.#datasetName();
    const base = { ...t, sde: this.#defaults.sde[dataset], anneal: this.#defaults.anneal[dataset] };
    const c = S.samplerSettings(this.#sf, o, this.dim, base);
    const sf = this.#sf;
    if (cls === undefined && guidance === undefined)
      return new S.SamplerRun(sf, c, this.dim, (run, x, steps) =>
        sf.exports.sfw_run_step(run, this.#model(), x, steps),
      );
    // A class-conditional model's guided score, as annealedLangevin's class and guidance (one class).
    if (!c.annealed) throw new Error(`scorefield: class and guidance apply to the sampler 'annealed', not '${c.name}'`);
    if (this.classes === 0)
      throw new Error('scorefield: class and guidance need a class-conditional model (classes > 0)');
    const id = this.#classId(cls ?? 'any');
    if (id === -2)
      throw new Error("scorefield: class 'prior' runs each class as a run of its own: give each run a class");
    const w = finite('guidance', guidance ?? 0);
    return new S.SamplerRun(sf, c, this.dim, (run, x, steps) =>
      sf.exports.sfw_run_guided_step(run, this.#model(), x, steps, id, w),
    );
  }

  /**
   * log p(x) of points (Float32Array (n, D)) through the probability-flow ODE (Song et al. 2021):
   * the density of the data blurred by sigmaMin (default the training ladder's ends), Heun with `steps`
   * steps, the exact divergence (probes 0, the default for D <= 8) or Hutchinson's estimate with
   * `probes` seeded probes. Returns { logp: Float64Array (n) in nats, mean, se (the standard error of
   * the mean), bitsPerDim, bitsPerDimSe (negative log-likelihood per dimension, in bits) }. A large
   * set may be computed in pieces with `first` (the index of points[0] in the whole set): the same bits.
   * @param {Float32Array} points
   * @param {T.LikelihoodOptions} [options]
   * @returns {T.LikelihoodResult}
   */
  logLikelihood(points, options = {}) {
    const S = samplers();
    const o = readOptions('likelihood settings', options);
    const x = S.likelihoodPoints(points, this.dim);
    const m = this.#model();
    const t = this.trainingConfig(),
      dataset = this.#datasetName();
    const c = S.likelihoodSettings(this.#sf, o, { ...t, likelihood: this.#defaults.likelihood[dataset] }, true);
    const sf = this.#sf;
    return S.likelihoodOf(sf, x, this.dim, (out, px, n) =>
      sf.exports.sfw_log_likelihood(m, out, px, n, c.steps, c.sigmaMax, c.sigmaMin, c.rho, c.probes, c.seed, c.first),
    );
  }

  // The class a sampler is asked for as the core's id: 'any' is −1 (the null token); a class-conditional
  // model takes 0 .. classes − 1 and 'prior' (SF_CLASS_PRIOR, −2: chain i drawn for class i mod classes,
  // p(x) through the labels), any other model only 'any'.
  #classId(cls) {
    if (cls === 'any' || cls === null) return -1;
    if (cls === 'prior' && this.classes > 0) return -2;
    if (!Number.isInteger(cls) || cls < 0 || cls >= this.classes)
      throw new Error(
        this.classes > 0
          ? `scorefield: class must be 'any', 'prior' or an integer 0 .. ${this.classes - 1}, got ${describe(cls)}`
          : `scorefield: this model has no classes (it is not class-conditional): class must be 'any', got ${describe(cls)}`,
      );
    return cls;
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
