// samplers.js — the sampler and likelihood part of the Node API (web/core/scorefield.js): the score-SDE
// samplers and annealed Langevin run in chunks (SamplerRun), and log p(x) through the probability-flow
// ODE. Loaded by createScorefield unless it is told { samplers: false } (the worker, whose 2-D widget
// never samples this way, loads it with sf.loadSamplers() when a score-SDE panel asks): a plain widget
// does not download it. Internal: model.sample, model.sampler, model.logLikelihood, sf.dataSample,
// sf.dataSampler, sf.dataLogLikelihood and sf.likelihoodSummary are its public faces.

import { SAMPLER_NAMES, describe, enumValue } from './enums.js';
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
