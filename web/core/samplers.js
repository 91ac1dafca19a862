// samplers.js — the sampler and likelihood part of the Node API (web/core/scorefield.js): the score-SDE
// samplers and annealed Langevin run in chunks (SamplerRun), annealed Langevin in one call, log p(x)
// through the probability-flow ODE, and the instance's methods a plain 2-D run never calls — the
// samplers on a dataset's exact score, the energy distance, the digits classifier and its measures.
// Loaded by createScorefield unless it is told { samplers: false } (the worker, whose 2-D widget
// never samples this way, loads it with sf.loadSamplers() when an NCSN, score-SDE or digits run
// asks): a plain widget does not download it. Internal: the Model's and the instance's methods of the
// same names in scorefield.js are its public faces, thin wrappers that say 'not loaded' until it is.

import { DATASETS, KEEPS, SAMPLER_NAMES, describe, enumValue } from './enums.js';
/** @import * as T from './api-types.js' */

const F32_BYTES = 4; // bytes per float32
const F64_BYTES = 8; // bytes per float64
const MAX_BUFFER_BYTES = 2 ** 30; // the module's memory stops growing at 1 GiB (build-wasm.sh)

// scorefield.js's argument checks and wasm buffers, given by useHelpers before any other call: one
// copy of each, and no third module for every worker to download.
let finite, integer, readOptions, ownFloats, floats, withBuffers;

/** Takes scorefield.js's helpers: { finite, integer, readOptions, ownFloats, floats, withBuffers }. */
export function useHelpers(h) {
  ({ finite, integer, readOptions, ownFloats, floats, withBuffers } = h);
}

const SUMMARY_LENGTH = 4; // doubles that sfw_likelihood_summary writes
const PROGRESS_LENGTH = 3; // doubles that sfw_run_progress writes
const QUALITY_LENGTH = 23; // doubles that sfw_digits_quality writes
const DIGIT_PIXELS = 64; // an 8x8 digit
const DIGIT_CLASSES = 10; // SF_DIGIT_CLASSES
const DIGITS_HELDOUT = 359; // SF_DIGITS_HELDOUT: the images the classifier is tested on

// ---- Samplers of a noise-conditional score (annealed Langevin and the score-SDE samplers) ---------

const SAMPLE_KEYS = [
  'sampler',
  'steps',
  'n',
  'seed',
  'snr',
  'churn',
  'rho',
  'sigmaMin',
  'sigmaMax',
  'levels',
  'eps',
  'keep',
  'x0',
];
const SAMPLE_KEEPS = Object.freeze({ last: 0, all: 1 });
const MAX_KEPT_FLOATS = 2 ** 28; // frames × chains × D a kept run may hold in JavaScript: 1 GiB
const LIKELIHOOD_KEYS = ['steps', 'probes', 'seed', 'sigmaMin', 'sigmaMax', 'rho', 'first'];

// A sampler's settings, read once and checked: base holds the defaults (the model's or dataset's ladder
// and sf.defaults' sampler settings).
export function samplerSettings(sf, options, dim, base) {
  const o = readOptions('sampler settings', options);
  const unknown = Object.keys(o).filter((k) => !SAMPLE_KEYS.includes(k));
  if (unknown.length)
    throw new Error(`scorefield: unknown sampler setting ${describe(unknown[0])} (valid: ${SAMPLE_KEYS.join(', ')})`);
  const limits = sf.limits;
  const name = o.sampler ?? 'ode-heun';
  const sampler = enumValue(SAMPLER_NAMES, 'sampler', name);
  const annealed = sampler === SAMPLER_NAMES.annealed;
  const x0 = o.x0 === undefined ? null : ownFloats(o.x0);
  const n = integer('n', o.n ?? (x0 ? x0.length / dim : undefined), 0);
  if (x0) floats('x0', x0, n * dim);
  const keep = o.keep ?? 'last';
  enumValue(SAMPLE_KEEPS, 'keep', keep);
  const c = {
    name,
    sampler,
    annealed,
    n,
    x0,
    keepAll: keep === 'all',
    seed: integer('sampler seed', o.seed ?? 0, 0, limits.seed),
    sigmaMax: finite('sigmaMax', o.sigmaMax ?? base.sigmaMax),
    sigmaMin: finite('sigmaMin', o.sigmaMin ?? base.sigmaMin),
    snr: finite('snr', o.snr ?? base.sde.snr),
    churn: finite('churn', o.churn ?? base.sde.churn),
    rho: finite('rho', o.rho ?? base.sde.rho),
    levels: integer('levels', o.levels ?? base.levels, 1, limits.levels),
    eps: finite('eps', o.eps ?? base.anneal.eps),
    steps: 0,
  };
  c.steps = annealed
    ? integer('steps', o.steps ?? base.anneal.steps, 0, limits.steps) // a run in chunks: per level
    : integer('steps', o.steps ?? base.sde.steps, 1, limits.steps);
  for (const [key, given] of [
    ['snr', !annealed || o.snr === undefined],
    ['churn', !annealed || o.churn === undefined],
    ['rho', !annealed || o.rho === undefined],
    ['levels', annealed || o.levels === undefined],
    ['eps', annealed || o.eps === undefined],
  ])
    if (!given) throw new Error(`scorefield: ${key} does not apply to the sampler '${name}'`);
  return c;
}

/**
 * A sampler run in chunks (model.sampler, model.langevinSampler, sf.dataSampler): step(k) advances it by up to k steps and
 * returns the steps done so far; done, stepsDone, totalSteps, nfe, points (a copy of the chains now),
 * frames and sigmas (keep 'all': the frames so far and the noise level of every frame of the run);
 * dispose() frees it (a run also ends when its model is disposed: step then throws). Cutting a run
 * into chunks gives the same bits as one call.
 */
export class SamplerRun {
  #sf;
  #run;
  #x;
  #advance;
  #size;
  #frames;
  /** The sampler's name. @type {string} */
  sampler;
  /** Chains. @type {number} */
  n;
  /** D. @type {number} */
  dim;
  /** Steps of the whole run. @type {number} */
  totalSteps;
  /** keep 'all': the noise level of each frame (totalSteps + 1), else null. @type {Float32Array | null} */
  sigmas;

  /**
   * @param {any} sf
   * @param {any} c samplerSettings' result
   * @param {number} dim
   * @param {(run: number, x: number, steps: number) => number} advance one call of the core's step
   */
  constructor(sf, c, dim, advance) {
    this.#sf = sf;
    this.sampler = c.name;
    this.n = c.n;
    this.dim = dim;
    this.#advance = advance;
    this.#size = c.n * dim;
    this.totalSteps = c.annealed ? c.levels * c.steps : c.steps; // plain Langevin (c.langevin): its steps
    this.sigmas = null;
    if (c.keepAll && (this.totalSteps + 1) * this.#size > MAX_KEPT_FLOATS)
      throw new Error(
        `scorefield: keep 'all' would hold (${this.totalSteps} + 1) × ${c.n} × ${dim} floats, more than ${MAX_KEPT_FLOATS}`,
      );
    if (c.keepAll) this.sigmas = this.#frameSigmas(c);
    const bytes = F32_BYTES * this.#size;
    if (bytes > MAX_BUFFER_BYTES)
      throw new Error(`scorefield: out of memory: ${c.n} chains of dimension ${dim} do not fit the module`);
    const x = sf.exports.malloc(Math.max(bytes, F32_BYTES));
    if (x === 0) throw new Error(`scorefield: out of memory: cannot allocate ${bytes} bytes`);
    let run;
    try {
      run = withBuffers(sf, [c.x0 ? bytes : 0], (x0) => {
        if (c.x0) sf.f32(x0, this.#size).set(c.x0);
        const start = c.x0 ? x0 : 0;
        if (c.langevin)
          return sf.exports.sfw_langevin_begin(x, start, c.n, dim, c.eps, c.decay, c.temperature, c.steps, c.seed);
        return c.annealed
          ? sf.exports.sfw_anneal_begin(x, start, c.n, dim, c.sigmaMax, c.sigmaMin, c.levels, c.steps, c.eps, c.seed)
          : sf.exports.sfw_sde_begin(
              ...[x, start, c.n, dim, c.sampler, c.steps, c.sigmaMax, c.sigmaMin, c.snr, c.rho, c.churn, c.seed],
            );
      });
      if (run === 0) throw new Error(`scorefield: ${sf.cstr(sf.exports.sfw_error())}`);
    } catch (err) {
      sf.exports.free(x);
      throw err;
    }
    this.#run = run;
    this.#x = x;
    this.#frames = c.keepAll ? new Float32Array((this.totalSteps + 1) * this.#size) : null;
    if (this.#frames) this.#frames.set(this.points);
  }

  // The σ of each frame: an SDE sampler's grid (the core's), or annealed Langevin's ladder, frame t ≥ 1
  // after a step at level ⌊(t − 1)/steps⌋ and frame 0 at the first level.
  #frameSigmas(c) {
    const sf = this.#sf;
    if (c.annealed) {
      const ladder = withBuffers(sf, [F32_BYTES * c.levels], (out) => {
        sf.check(sf.exports.sfw_noise_ladder(out, c.levels, c.sigmaMax, c.sigmaMin));
        return sf.f32(out, c.levels).slice();
      });
      const sigmas = new Float32Array(this.totalSteps + 1);
      for (let t = 0; t <= this.totalSteps; t++) sigmas[t] = ladder[t === 0 ? 0 : Math.floor((t - 1) / c.steps)];
      return sigmas;
    }
    return withBuffers(sf, [F32_BYTES * (c.steps + 1)], (out) => {
      sf.check(sf.exports.sfw_sde_grid(out, c.sampler, c.steps, c.sigmaMax, c.sigmaMin, c.snr, c.rho, c.churn));
      return sf.f32(out, c.steps + 1).slice();
    });
  }

  #live() {
    if (this.#run === 0) throw new Error('scorefield: sampler run has been disposed');
  }

  #progress() {
    this.#live();
    const sf = this.#sf;
    return withBuffers(sf, [F64_BYTES * PROGRESS_LENGTH], (out) => {
      sf.check(sf.exports.sfw_run_progress(this.#run, out));
      return Array.from(new Float64Array(sf.memory.buffer, out, PROGRESS_LENGTH));
    });
  }

  /** Advances the run by up to k steps (fewer at its end); returns the steps done so far. */
  step(k) {
    this.#live();
    integer('steps', k, 0);
    const sf = this.#sf;
    if (!this.#frames) {
      sf.check(this.#advance(this.#run, this.#x, k));
      return this.stepsDone;
    }
    for (let i = 0, done = this.stepsDone; i < k && done < this.totalSteps; i++, done++) {
      sf.check(this.#advance(this.#run, this.#x, 1));
      this.#frames.set(sf.f32(this.#x, this.#size), (done + 1) * this.#size);
    }
    return this.stepsDone;
  }

  /** Steps done so far. */
  get stepsDone() {
    return this.#progress()[0];
  }

  /** Whether every step is done. */
  get done() {
    return this.stepsDone >= this.totalSteps;
  }

  /** Score evaluations per chain so far. */
  get nfe() {
    return this.#progress()[2];
  }

  /** A copy of the chains now, Float32Array (n, D). */
  get points() {
    this.#live();
    return this.#sf.f32(this.#x, this.#size).slice();
  }

  /** keep 'all': a copy of the frames so far, Float32Array (stepsDone + 1, n, D); else null. */
  get frames() {
    if (!this.#frames) return null;
    return this.#frames.slice(0, (this.stepsDone + 1) * this.#size);
  }

  /** Frees the run; later calls throw. Disposing twice is a no-op. */
  dispose() {
    if (this.#run === 0) return;
    this.#sf.exports.sfw_run_end(this.#run);
    this.#sf.exports.free(this.#x);
    this.#run = 0;
    this.#x = 0;
  }
}

// A whole run: the result of sample() and dataSample().
export function runToEnd(run) {
  try {
    run.step(run.totalSteps);
    /** @type {T.SampleResult} */
    const result = { points: run.points, nfe: run.nfe };
    if (run.sigmas) {
      result.frames = run.frames ?? undefined;
      result.sigmas = run.sigmas;
    }
    return result;
  } finally {
    run.dispose();
  }
}

// The likelihood's settings, read once and checked; base: the ladder's ends and sf.defaults.likelihood.
export function likelihoodSettings(sf, options, base, withProbes) {
  const o = readOptions('likelihood settings', options);
  const keys = withProbes ? LIKELIHOOD_KEYS : LIKELIHOOD_KEYS.filter((k) => k !== 'probes' && k !== 'seed');
  const unknown = Object.keys(o).filter((k) => !keys.includes(k));
  if (unknown.length)
    throw new Error(`scorefield: unknown likelihood setting ${describe(unknown[0])} (valid: ${keys.join(', ')})`);
  return {
    steps: integer('steps', o.steps ?? base.likelihood.steps, 1, sf.limits.steps),
    probes: withProbes ? integer('probes', o.probes ?? base.likelihood.probes, 0, sf.limits.proj) : 0,
    seed: integer('likelihood seed', o.seed ?? 0, 0, sf.limits.seed),
    sigmaMax: finite('sigmaMax', o.sigmaMax ?? base.sigmaMax),
    sigmaMin: finite('sigmaMin', o.sigmaMin ?? base.sigmaMin),
    rho: finite('rho', o.rho ?? base.likelihood.rho),
    first: integer('first', o.first ?? 0, 0, sf.limits.seed),
  };
}

// { mean, se, bitsPerDim, bitsPerDimSe } of log p values (the core's sf_likelihood_summary); nulls for none.
export function likelihoodSummary(sf, logp, dim) {
  if (logp.length === 0) return { mean: null, se: null, bitsPerDim: null, bitsPerDimSe: null };
  return withBuffers(sf, [F64_BYTES * SUMMARY_LENGTH, F64_BYTES * logp.length], (out, p) => {
    new Float64Array(sf.memory.buffer, p, logp.length).set(logp);
    sf.check(sf.exports.sfw_likelihood_summary(out, p, logp.length, dim));
    const [mean, se, bitsPerDim, bitsPerDimSe] = new Float64Array(sf.memory.buffer, out, SUMMARY_LENGTH);
    return { mean, se, bitsPerDim, bitsPerDimSe };
  });
}

// Points (n, dim) for a likelihood call, checked.
export function likelihoodPoints(points, dim) {
  points = ownFloats(points);
  const n = points?.length / dim;
  integer('points.length / D', n, 0);
  return floats('points', points, n * dim);
}

// log p of points through a core call(out, x, n): { logp, mean, se, bitsPerDim, bitsPerDimSe }.
export function likelihoodOf(sf, points, dim, call) {
  const n = points.length / dim;
  const logp = withBuffers(sf, [F64_BYTES * n, F32_BYTES * n * dim], (out, x) => {
    sf.f32(x, n * dim).set(points);
    sf.check(call(out, x, n));
    return new Float64Array(sf.memory.buffer, out, n).slice();
  });
  return { logp, ...likelihoodSummary(sf, logp, dim) };
}

// The Gaussian fitted to points (n, dim) by the core: { dim, params } (log det C, the mean, C's Cholesky factor).
export function gaussianFit(sf, points, dim) {
  integer('dim', dim, 1, sf.limits.dim);
  const x = likelihoodPoints(points, dim);
  const n = x.length / dim,
    size = 1 + dim + dim * dim;
  const params = withBuffers(sf, [F64_BYTES * size, F32_BYTES * x.length], (fit, px) => {
    sf.f32(px, x.length).set(x);
    sf.check(sf.exports.sfw_gaussian_fit(fit, px, n, dim));
    return new Float64Array(sf.memory.buffer, fit, size).slice();
  });
  return { dim, params };
}

// log N(x; μ, C) of points under a gaussianFit, as likelihoodOf's result.
export function gaussianLogLikelihood(sf, fit, points) {
  const dim = fit?.dim;
  integer('fit.dim', dim, 1, sf.limits.dim);
  const size = 1 + dim + dim * dim;
  if (!(fit.params instanceof Float64Array) || fit.params.length !== size)
    throw new Error(
      `scorefield: fit.params must be a Float64Array of ${size} values, got ` +
        (fit.params instanceof Float64Array ? `${fit.params.length}` : describe(fit.params)),
    );
  const x = likelihoodPoints(points, dim);
  return withBuffers(sf, [F64_BYTES * size], (pfit) => {
    new Float64Array(sf.memory.buffer, pfit, size).set(fit.params);
    return likelihoodOf(sf, x, dim, (out, px, n) => sf.exports.sfw_gaussian_log_density(out, pfit, px, n, dim));
  });
}

// ---- A model's annealed Langevin, samplers and likelihood --------------------------------------
// Model.annealedLangevin, sample, sampler and logLikelihood (scorefield.js) are these, given the
// model's parts.

/**
 * What these functions need of a Model (its #parts()): the model, its instance and sf.defaults, its
 * pointer (ptr() throws once the model is disposed) and the dataset whose sampler defaults apply.
 * @typedef {object} ModelParts
 * @property {import('./scorefield.js').Model} model
 * @property {any} sf the loaded module (loader.js's Core, with its limits)
 * @property {any} defaults the instance's sf.defaults
 * @property {() => number} ptr
 * @property {() => string} dataset
 */

/**
 * Runs n chains of annealed Langevin dynamics (a noise-conditional model): for each level σ_i of the
 * ladder, `steps` steps of x ← x + α_i·s(x, σ_i) + √(2α_i)·z with α_i = eps·σ_i²/σ_L². The ladder
 * defaults to the model's training ladder, steps and eps to sf.defaults.anneal. A class-conditional
 * model samples class (0 .. classes − 1) with guidance, 'any' (the null token ∅) or 'prior' (chain i
 * drawn for class i mod classes, each class its own run with seed + class: p(x) through the labels,
 * the better unconditional sampler of the digits model, docs/digits.md). keep: 'last'
 * ((n, D)), 'levels' ((levels + 1, n, D), frame 0 = start) or 'all' ((levels·steps + 1, n, D)).
 * @param {ModelParts} p
 * @param {T.AnnealOptions} [options]
 * @returns {Float32Array}
 */
export function annealedLangevin(p, options = {}) {
  const o = readOptions('sampler settings', options);
  const start = ownFloats(o.start),
    keep = o.keep ?? 'last',
    cls = o.class ?? 'any',
    guidance = o.guidance ?? 0;
  const m = p.ptr();
  const classId = classIdOf(p.model.classes, cls);
  finite('guidance', guidance);
  if (p.model.classes === 0 && guidance !== 0)
    throw new Error(`scorefield: guidance needs a class-conditional model (classes > 0), got ${guidance}`);
  const t = p.model.trainingConfig(),
    d = p.defaults.anneal[p.dataset()],
    limits = p.sf.limits;
  const n = o.n ?? start?.length / p.model.dim;
  integer('n', n, 0);
  floats('start', start, n * p.model.dim);
  const sigmaMax = finite('sigmaMax', o.sigmaMax ?? t.sigmaMax);
  const sigmaMin = finite('sigmaMin', o.sigmaMin ?? t.sigmaMin);
  const levels = integer('levels', o.levels ?? t.levels, 1, limits.levels);
  const steps = integer('steps', o.steps ?? d.steps, 0, limits.steps);
  const eps = finite('eps', o.eps ?? d.eps);
  const seed = integer('sampler seed', o.seed ?? d.seed, 0, limits.seed);
  const keepId = enumValue(KEEPS, 'keep', keep);
  const size = n * p.model.dim;
  const frames = keep === 'all' ? levels * steps + 1 : keep === 'levels' ? levels + 1 : 1;
  const sf = p.sf;
  return withBuffers(sf, [F32_BYTES * size, F32_BYTES * frames * size], (x0, out) => {
    sf.f32(x0, size).set(start);
    if (p.model.classes > 0)
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
 * @param {ModelParts} p
 * @param {T.SampleOptions} [options]
 * @returns {T.SampleResult}
 */
export function sample(p, options = {}) {
  return runToEnd(sampler(p, options));
}

/**
 * The chunked form of sample: a SamplerRun whose step(k) advances it k steps (a worker runs it
 * between messages and can drop it); done, points, nfe, frames, sigmas, dispose(). On a
 * class-conditional model the annealed sampler also takes class (0 .. classes − 1 or 'any') and
 * guidance: the bits of annealedLangevin with that class and guidance.
 * @param {ModelParts} p
 * @param {T.SampleOptions} [options]
 * @returns {SamplerRun}
 */
export function sampler(p, options = {}) {
  const { class: cls, guidance, ...o } = readOptions('sampler settings', options);
  p.ptr();
  const t = p.model.trainingConfig(),
    dataset = p.dataset();
  const base = { ...t, sde: p.defaults.sde[dataset], anneal: p.defaults.anneal[dataset] };
  const c = samplerSettings(p.sf, o, p.model.dim, base);
  const sf = p.sf;
  if (cls === undefined && guidance === undefined)
    return new SamplerRun(sf, c, p.model.dim, (run, x, steps) => sf.exports.sfw_run_step(run, p.ptr(), x, steps));
  // A class-conditional model's guided score, as annealedLangevin's class and guidance (one class).
  if (!c.annealed) throw new Error(`scorefield: class and guidance apply to the sampler 'annealed', not '${c.name}'`);
  if (p.model.classes === 0)
    throw new Error('scorefield: class and guidance need a class-conditional model (classes > 0)');
  const id = classIdOf(p.model.classes, cls ?? 'any');
  if (id === -2)
    throw new Error("scorefield: class 'prior' runs each class as a run of its own: give each run a class");
  const w = finite('guidance', guidance ?? 0);
  return new SamplerRun(sf, c, p.model.dim, (run, x, steps) =>
    sf.exports.sfw_run_guided_step(run, p.ptr(), x, steps, id, w),
  );
}

/**
 * log p(x) of points (Float32Array (n, D)) through the probability-flow ODE (Song et al. 2021):
 * the density of the data blurred by sigmaMin (default the training ladder's ends), Heun with `steps`
 * steps, the exact divergence (probes 0, the default for D <= 8) or Hutchinson's estimate with
 * `probes` seeded probes. Returns { logp: Float64Array (n) in nats, mean, se (the standard error of
 * the mean), bitsPerDim, bitsPerDimSe (negative log-likelihood per dimension, in bits) }. A large
 * set may be computed in pieces with `first` (the index of points[0] in the whole set): the same bits.
 * @param {ModelParts} p
 * @param {Float32Array} points
 * @param {T.LikelihoodOptions} [options]
 * @returns {T.LikelihoodResult}
 */
export function logLikelihood(p, points, options = {}) {
  const o = readOptions('likelihood settings', options);
  const x = likelihoodPoints(points, p.model.dim);
  const m = p.ptr();
  const t = p.model.trainingConfig(),
    dataset = p.dataset();
  const c = likelihoodSettings(p.sf, o, { ...t, likelihood: p.defaults.likelihood[dataset] }, true);
  const sf = p.sf;
  return likelihoodOf(sf, x, p.model.dim, (out, px, n) =>
    sf.exports.sfw_log_likelihood(m, out, px, n, c.steps, c.sigmaMax, c.sigmaMin, c.rho, c.probes, c.seed, c.first),
  );
}

// The class a sampler is asked for as the core's id: 'any' is −1 (the null token); a class-conditional
// model takes 0 .. classes − 1 and 'prior' (SF_CLASS_PRIOR, −2: chain i drawn for class i mod classes,
// p(x) through the labels), any other model only 'any'.
function classIdOf(classes, cls) {
  if (cls === 'any' || cls === null) return -1;
  if (cls === 'prior' && classes > 0) return -2;
  if (!Number.isInteger(cls) || cls < 0 || cls >= classes)
    throw new Error(
      classes > 0
        ? `scorefield: class must be 'any', 'prior' or an integer 0 .. ${classes - 1}, got ${describe(cls)}`
        : `scorefield: this model has no classes (it is not class-conditional): class must be 'any', got ${describe(cls)}`,
    );
  return cls;
}

// ---- The instance's exact-score samplers, measures and digits classifier ------------------------

/**
 * The methods of a createScorefield instance that live here (scorefield.js keeps a wrapper of each that
 * says 'not loaded' until this module is): sf the loaded module (with its limits), defaults its
 * sf.defaults, checkDataScore(id, noise) refuses a dataset without a closed-form score with the core's
 * message.
 */
export function instanceMethods(sf, defaults, checkDataScore) {
  const limits = sf.limits;
  return {
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
      return runToEnd(this.dataSampler(dataset, options));
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
      const c = samplerSettings(sf, rest, 2, base);
      return new SamplerRun(sf, c, 2, (run, x, steps) => sf.exports.sfw_run_data_step(run, x, steps, id, noise));
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
      const id = enumValue(DATASETS, 'dataset', dataset);
      const { noise: given, first, ...rest } = readOptions('likelihood settings', options);
      const t = defaults.train[dataset];
      const noise = finite('noise', given ?? t.dataNoise);
      checkDataScore(id, noise);
      const c = likelihoodSettings(sf, rest, { ...t, likelihood: defaults.likelihood[dataset] }, false);
      if (first !== undefined) integer('first', first, 0, limits.seed); // accepted: exact pieces need no offset
      const x = likelihoodPoints(points, 2);
      return likelihoodOf(sf, x, 2, (out, px, n) =>
        sf.exports.sfw_data_log_likelihood(out, px, n, id, noise, c.steps, c.sigmaMax, c.sigmaMin, c.rho),
      );
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
  };
}
