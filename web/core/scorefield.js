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
//   model.dispose();

import { loadScorefield } from './loader.js';
import { DATASETS, ISAS, OBJECTIVES, STATUS, enumValue } from './enums.js';

const F32_BYTES = 4; // bytes per float32 (and per int32)
const DIGITS_DIM = 64; // D of the digits dataset; any other D defaults to the swiss roll's settings

// sf_train_config_default's per-dataset values (keep in sync with src/scorefield.h).
const TRAIN_DEFAULTS = { swiss_roll: { sigma: 0.1, dataNoise: 1.0 }, digits: { sigma: 0.2, dataNoise: 0.1 } };
// sf_langevin_config_default's per-dataset values (keep in sync with src/scorefield.h).
const LANGEVIN_DEFAULTS = {
  swiss_roll: { eps: 0.01, decay: 0.9, temperature: 1.0, steps: 15, seed: 0 },
  digits: { eps: 0.05, decay: 0.98, temperature: 0.02, steps: 50, seed: 0 },
};

function finite(name, v) {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`scorefield: ${name} must be a finite number, got ${v}`);
  return v;
}

function integer(name, v, min = -Infinity) {
  if (!Number.isInteger(v)) throw new Error(`scorefield: ${name} must be an integer, got ${v}`);
  if (v < min) throw new Error(`scorefield: ${name} must be >= ${min}, got ${v}`);
  return v;
}

function floats(name, a, length) {
  if (!(a instanceof Float32Array)) throw new Error(`scorefield: ${name} must be a Float32Array, got ${a?.constructor?.name ?? a}`);
  if (a.length !== length) throw new Error(`scorefield: ${name} must hold ${length} floats, got ${a.length}`);
  return a;
}

// Runs fn(...ptrs) with one fresh wasm buffer of each byte size, freeing them all however fn ends.
function withBuffers(sf, sizes, fn) {
  const ptrs = [];
  try {
    for (const bytes of sizes) {
      const p = sf.exports.malloc(Math.max(bytes, F32_BYTES)); // malloc(0) may return 0
      if (p === 0) throw new Error(`scorefield: out of memory: cannot allocate ${bytes} bytes`);
      ptrs.push(p);
    }
    return fn(...ptrs);
  } finally {
    for (const p of ptrs) sf.exports.free(p);
  }
}

/**
 * Loads a Scorefield module (options.simd: true/false forces the SIMD128/scalar build, undefined picks)
 * and returns { isa, simdSupported, memory, createModel, sampleData, uniform }. Each call gets its own
 * instance and memory.
 */
export async function createScorefield(options = {}) {
  const sf = await loadScorefield({ simd: options.simd });
  return {
    isa: sf.isa,
    simdSupported: sf.simdSupported,
    memory: sf.memory, // the instance's WebAssembly.Memory, for tests that watch its size

    /** A new Model: createModel({ dim, hidden = 128, depth = 2, seed = 42, isa = 'auto' }). */
    createModel(config) {
      return new Model(sf, config);
    },

    /**
     * n points of a dataset: { x: Float32Array (n, D), labels: Int32Array (n) for digits, else null }.
     * noise defaults to the tutorial's (swiss_roll 1.0, digits 0.1), seed to 0.
     */
    sampleData({ dataset, n, noise, seed = 0 } = {}) {
      const id = enumValue(DATASETS, 'dataset', dataset);
      integer('n', n, 0);
      noise = finite('noise', noise ?? TRAIN_DEFAULTS[dataset].dataNoise);
      finite('seed', seed);
      const D = sf.exports.sfw_data_dim(id);
      return withBuffers(sf, [F32_BYTES * n * D, F32_BYTES * n], (x, labels) => {
        sf.check(sf.exports.sfw_data_sample(x, labels, id, n, noise, seed));
        return {
          x: sf.f32(x, n * D).slice(),
          labels: dataset === 'digits' ? new Int32Array(sf.memory.buffer, labels, n).slice() : null,
        };
      });
    },

    /** n uniform draws in [lo, hi) as a Float32Array, from a generator seeded with `seed`. */
    uniform(n, lo = 0, hi = 1, seed = 0) {
      integer('n', n, 0);
      finite('lo', lo); finite('hi', hi); finite('seed', seed);
      return withBuffers(sf, [F32_BYTES * n], (out) => {
        sf.check(sf.exports.sfw_uniform(out, n, lo, hi, seed));
        return sf.f32(out, n).slice();
      });
    },
  };
}

/** A score network D → H → … → H → D and its training state, in one wasm instance. */
export class Model {
  #sf;
  #ptr;
  #dataset; // the dataset name of the training settings (sets the sampler's defaults)

  constructor(sf, { dim, hidden = 128, depth = 2, seed = 42, isa = 'auto' } = {}) {
    integer('dim', dim); integer('hidden', hidden); integer('depth', depth);
    finite('seed', seed);
    const isaId = enumValue(ISAS, 'isa', isa);
    this.#sf = sf;
    const ptr = sf.exports.sfw_model_create(dim, hidden, depth, seed, isaId);
    if (ptr === 0) throw new Error(`scorefield: cannot create model: ${sf.cstr(sf.exports.sfw_error())}`);
    this.#ptr = ptr;
    this.dim = dim;
    this.#dataset = dim === DIGITS_DIM ? 'digits' : 'swiss_roll';
    this.isa = sf.cstr(sf.exports.sfw_model_isa_name(ptr)); // 'scalar' or 'simd128'
  }

  #model() {
    if (this.#ptr === 0) throw new Error('scorefield: model has been disposed');
    return this.#ptr;
  }

  /**
   * Sets the training settings: { dataset = the current one, objective = 'sliced', batch = 128,
   * projections = 1, lr = 1e-3, sigma, dataNoise } (sigma and dataNoise default per dataset as
   * sf_train_config_default). On an Error the previous settings stay. Parameters and Adam's state are kept.
   */
  configureTraining({ dataset = this.#dataset, objective = 'sliced', batch = 128, projections = 1, lr = 1e-3,
    sigma, dataNoise } = {}) {
    const m = this.#model();
    const datasetId = enumValue(DATASETS, 'dataset', dataset);
    const objectiveId = enumValue(OBJECTIVES, 'objective', objective);
    integer('batch', batch); integer('projections', projections);
    finite('lr', lr);
    sigma = finite('sigma', sigma ?? TRAIN_DEFAULTS[dataset].sigma);
    dataNoise = finite('dataNoise', dataNoise ?? TRAIN_DEFAULTS[dataset].dataNoise);
    this.#sf.check(this.#sf.exports.sfw_model_set_train(m, datasetId, objectiveId, batch, projections, lr, sigma,
      dataNoise));
    this.#dataset = dataset;
  }

  /**
   * Runs `steps` training steps and returns their losses (Float32Array, steps). If a step is not
   * finite it is rolled back and the Error thrown carries `.losses` (the kept steps' losses) and
   * `.failedLoss` (the rolled-back step's loss); stepCount counts only the kept steps.
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

  /** The score at n points (Float32Array (n, D)), as a Float32Array (n, D). n defaults to points.length / D. */
  score(points, n = points?.length / this.dim) {
    const m = this.#model();
    integer('n', n, 0);
    floats('points', points, n * this.dim);
    const sf = this.#sf, bytes = F32_BYTES * n * this.dim;
    return withBuffers(sf, [bytes, bytes], (x, s) => {
      sf.f32(x, n * this.dim).set(points);
      sf.check(sf.exports.sfw_model_score(m, s, x, n));
      return sf.f32(s, n * this.dim).slice();
    });
  }

  /**
   * The score on an nx × ny grid over [xmin, xmax] × [ymin, ymax] (D = 2 only), ends included:
   * { points, scores }, both Float32Array (ny·nx, 2), point j·nx + i at (x_i, y_j).
   */
  scoreGrid({ xmin, xmax, ymin, ymax, nx, ny }) {
    this.#model();
    if (this.dim !== 2) throw new Error(`scorefield: scoreGrid needs a model of dim 2, this one has dim ${this.dim}`);
    finite('xmin', xmin); finite('xmax', xmax); finite('ymin', ymin); finite('ymax', ymax);
    integer('nx', nx, 1); integer('ny', ny, 1);
    const points = new Float32Array(nx * ny * 2);
    // A single row or column sits at the low end rather than dividing by zero.
    const dx = nx > 1 ? (xmax - xmin) / (nx - 1) : 0, dy = ny > 1 ? (ymax - ymin) / (ny - 1) : 0;
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        points[2 * (j * nx + i)] = xmin + i * dx;
        points[2 * (j * nx + i) + 1] = ymin + j * dy;
      }
    }
    return { points, scores: this.score(points, nx * ny) };
  }

  /**
   * Runs n Langevin chains from start (Float32Array (n, D)): x ← x + ε/2·s(x) + √ε·T·z, ε ← ε·decay.
   * Defaults follow sf_langevin_config_default of the training dataset. Returns a Float32Array of
   * shape (steps + 1, n, D) with frame 0 = start when keepAll, else (n, D) after the last step.
   */
  langevin({ start, n = start?.length / this.dim, eps, decay, temperature, steps, seed, keepAll = false } = {}) {
    const m = this.#model();
    const d = LANGEVIN_DEFAULTS[this.#dataset];
    integer('n', n, 0);
    floats('start', start, n * this.dim);
    eps = finite('eps', eps ?? d.eps); decay = finite('decay', decay ?? d.decay);
    temperature = finite('temperature', temperature ?? d.temperature);
    steps = integer('steps', steps ?? d.steps, 0);
    seed = finite('seed', seed ?? d.seed);
    const size = n * this.dim, outSize = keepAll ? (steps + 1) * size : size;
    const sf = this.#sf;
    return withBuffers(sf, [F32_BYTES * size, F32_BYTES * outSize], (x0, out) => {
      sf.f32(x0, size).set(start);
      sf.check(sf.exports.sfw_langevin(m, out, x0, n, eps, decay, temperature, steps, seed, keepAll ? 1 : 0));
      return sf.f32(out, outSize).slice();
    });
  }

  /** Training steps taken (rolled-back steps excluded). */
  get stepCount() {
    return this.#sf.exports.sfw_model_step_count(this.#model());
  }

  /** P, the number of parameters. */
  get paramCount() {
    return this.#sf.exports.sfw_model_param_count(this.#model());
  }

  /** A copy of the parameters (P), layer by layer: W_l (in, out) row-major, then b_l. */
  params() {
    const m = this.#model();
    const e = this.#sf.exports;
    return this.#sf.f32(e.sfw_model_params(m), e.sfw_model_param_count(m)).slice();
  }

  /** Frees the model; any later call throws 'model has been disposed'. Disposing twice is a no-op. */
  dispose() {
    if (this.#ptr !== 0) this.#sf.exports.sfw_model_free(this.#ptr);
    this.#ptr = 0;
  }
}
