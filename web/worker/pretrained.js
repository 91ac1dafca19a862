// pretrained.js — the worker's side of the pretrained digits: the page's headline and the widget's
// digits panel show samples of a class-conditional noise-conditional net that ships as a weights file
// (web/core/scorefield-digits-model.sfw, tools/pretrained-digits.mjs). The file is fetched the first
// time samples are asked for, never before: a 2-D widget never asks, so never downloads it.
//
// Sampling is the core's annealed Langevin with classifier-free guidance (model.annealedLangevin with
// class and guidance), one noise level per worker tick so that the page's heartbeat is answered between
// levels; each level is announced as a long job. No sampler maths is written here: a level is the core's
// sampler on a one-level ladder at σ_i with its step α_i = ε·σ_i²/σ_L², as the NCSN flow does (ncsn.js).

import { readCoreFile } from '../core/loader.js';
import { annealedInPieces, relay } from './pieces.js';
import { DIGITS_FROM_WORKER, DIGITS_TO_WORKER, FROM_WORKER, PRETRAINED_SEEDS } from './protocol.js';

const MODEL_FILE = 'scorefield-digits-model.sfw'; // next to the wasm modules
const PIXELS = 64;
const START_HI = 0.1; // chains start at 0.1·U(0, 1)^64, as digits-report measures the shipped model
// Seeds: a request's seed s gives the starts seed s·PRETRAINED_SEEDS and level l's noise of class
// group g seed s·PRETRAINED_SEEDS + 1 + l·G + g, where G = sf.limits.classes (SF_MAX_CLASSES, so a
// level has at most G class groups); check.js bounds s so that all stay below sf.limits.seed.

/**
 * The pretrained model of one worker and the sampling job in progress. post: the worker's postMessage;
 * longJob(what, fn) announces fn to the heartbeat; wake() asks the worker for another tick.
 */
export class Pretrained {
  constructor(sf, { post, longJob, wake, file = MODEL_FILE, bytes = null }) {
    this.sf = sf;
    this.groupSeeds = sf.limits.classes; // seeds of one level: one per class group (G above)
    // The levels whose seeds fit the block: 254 with G = 16.
    this.maxLevels = Math.floor((PRETRAINED_SEEDS - 1) / this.groupSeeds) - 1;
    this.post = post;
    this.longJob = longJob;
    this.wake = wake;
    this.file = file;
    this.bytes = bytes; // a Promise of the file's bytes when it was fetched ahead (INIT's prefetch)
    this.model = null;
    this.loading = null; // a Promise while the file is fetched
    this.loadMs = 0;
    this.job = null;
  }

  /** Fetches and loads the model once (a Promise of the Model; a failed load may be tried again). */
  load() {
    if (this.model) return Promise.resolve(this.model);
    if (this.loading) return this.loading;
    const start = performance.now();
    const bytes = this.bytes ?? readCoreFile(this.file);
    this.bytes = null; // a failed fetch is tried again next time
    this.loading = bytes
      .then((bytes) => {
        const model = this.sf.loadModel(bytes);
        if (model.classes === 0) {
          model.dispose();
          throw new Error(`${MODEL_FILE} is not class-conditional: the digits panel needs classes`);
        }
        this.model = model;
        this.loadMs = performance.now() - start;
        return model;
      })
      .finally(() => {
        this.loading = null;
      });
    return this.loading;
  }

  /**
   * Starts a job (DIGITS_TO_WORKER.PRETRAINED); a bad class or guidance throws before anything
   * changes, with the core's message once the model is loaded.
   */
  start(msg) {
    const job = { msg, level: -1, began: performance.now(), modelMs: 0 };
    // The job it replaces is answered, so that its request does not wait for ever.
    const replaced = this.job;
    if (replaced)
      this.post({
        type: DIGITS_FROM_WORKER.PRETRAINED,
        requestId: replaced.msg.requestId,
        jobId: replaced.msg.jobId,
        replaced: true,
      });
    this.job = job;
    const begin = (model) => {
      if (this.job !== job) return;
      job.modelMs = this.loadMs;
      this.loadMs = 0; // counted once
      try {
        this.#prepare(job, model);
      } catch (err) {
        this.job = null;
        this.#error(job, err);
        return;
      }
      this.wake();
    };
    if (this.model) return void begin(this.model);
    this.load().then(begin, (err) => {
      if (this.job === job) this.job = null;
      this.#error(job, new Error(`cannot load the pretrained digits model: ${err.message}`));
    });
  }

  // The job's chains, classes and ladder; the class and guidance checked by a zero-step call of the
  // core's sampler, so a bad value is refused before the first level.
  #prepare(job, model) {
    const { n, seed, guidance } = job.msg;
    const cls = job.msg.class;
    const classes = model.classes;
    const t = model.trainingConfig(),
      d = this.sf.defaults.anneal.digits;
    const steps = job.msg.steps ?? d.steps,
      eps = job.msg.eps ?? d.eps;
    const probe = new Float32Array(PIXELS);
    model.annealedLangevin({ start: probe, class: cls, guidance, steps: 0, levels: 1, seed: 0 });
    if (t.levels > this.maxLevels)
      throw new Error(`the pretrained model has ${t.levels} levels, at most ${this.maxLevels}`);
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) labels[i] = cls === 'any' ? i % classes : cls;
    const groups = [];
    for (let c = 0; c < classes; c++) {
      const members = [];
      for (let i = 0; i < n; i++) if (labels[i] === c) members.push(i);
      if (members.length > 0) groups.push({ cls: c, members });
    }
    const sigmas = Array.from(this.sf.noiseLadder(t.levels, t.sigmaMax, t.sigmaMin));
    const x = this.sf.uniform(n * PIXELS, 0, START_HI, seed * PRETRAINED_SEEDS);
    const frames = new Float32Array((sigmas.length + 1) * n * PIXELS);
    frames.set(x);
    Object.assign(job, { model, labels, groups, sigmas, steps, eps, x, frames, level: 0 });
  }

  /** One noise level of the running job (called once per worker tick); returns whether work is left. */
  tick() {
    const job = this.job;
    if (!job || job.level < 0) return false;
    try {
      this.longJob(DIGITS_TO_WORKER.PRETRAINED, () => this.#level(job));
    } catch (err) {
      this.job = null;
      this.#error(job, err);
      return false;
    }
    if (job.level < job.sigmas.length) return true;
    this.job = null;
    this.#finish(job);
    return false;
  }

  #level(job) {
    const { n, seed, guidance } = job.msg;
    const { sigmas, x, model } = job;
    const L = sigmas.length,
      sigma = sigmas[job.level],
      sigmaL = sigmas[L - 1];
    const alpha = (job.eps * sigma * sigma) / (sigmaL * sigmaL);
    for (const [g, { cls, members }] of job.groups.entries()) {
      const start = new Float32Array(members.length * PIXELS);
      members.forEach((i, k) => start.set(x.subarray(i * PIXELS, (i + 1) * PIXELS), k * PIXELS));
      const out = model.annealedLangevin({
        start,
        sigmaMax: sigma,
        sigmaMin: sigma,
        levels: 1,
        steps: job.steps,
        eps: alpha,
        class: cls,
        guidance,
        seed: seed * PRETRAINED_SEEDS + 1 + job.level * this.groupSeeds + g,
      });
      members.forEach((i, k) => x.set(out.subarray(k * PIXELS, (k + 1) * PIXELS), i * PIXELS));
    }
    job.level++;
    job.frames.set(x, job.level * n * PIXELS);
    const copy = x.slice();
    this.post({ type: DIGITS_FROM_WORKER.LEVEL, jobId: job.msg.jobId, level: job.level, levels: L, n, x: copy }, [
      copy.buffer,
    ]);
  }

  #finish(job) {
    const { msg, frames, labels } = job;
    this.post(
      {
        type: DIGITS_FROM_WORKER.PRETRAINED,
        requestId: msg.requestId,
        jobId: msg.jobId,
        n: msg.n,
        levels: job.sigmas.length,
        steps: job.steps,
        eps: job.eps,
        seed: msg.seed,
        class: msg.class,
        guidance: msg.guidance,
        classes: labels,
        frames,
        sigmas: job.sigmas,
        ms: performance.now() - job.began,
        modelMs: job.modelMs,
      },
      [frames.buffer, labels.buffer],
    );
  }

  #error(job, err) {
    this.post({
      type: FROM_WORKER.ERROR,
      message: err?.message ?? String(err),
      fatal: false,
      request: DIGITS_TO_WORKER.PRETRAINED,
      requestId: job.msg.requestId,
    });
  }
}

/**
 * n samples of a class-conditional model (the NCSN runs' SAMPLES, ncsn.js) with guidance: class K for
 * every chain, or for 'any' class i mod classes for chain i (each class's chains one run of the core's
 * sampler, seed + class). A job in pieces (pieces.js, annealedInPieces): yields { done, total } steps of
 * all its runs, returns { frames (L + 1, n, D), classes: Int32Array (n) }, the bits of one
 * model.annealedLangevin call per class.
 */
export function* guidedSamples(model, start, n, seed, { steps, eps, class: cls = 'any', guidance = 0 }) {
  const D = model.dim,
    classes = model.classes;
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) labels[i] = cls === 'any' ? i % classes : Number(cls);
  if (cls !== 'any') {
    const guide = { class: cls, guidance };
    const frames = yield* annealedInPieces(model, { start, n, dim: D, steps, eps, seed, guide });
    return { frames, classes: labels };
  }
  const F = model.trainingConfig().levels + 1;
  const frames = new Float32Array(F * n * D);
  const total = (F - 1) * steps * n; // chain-steps of every class's run
  let before = 0;
  for (let c = 0; c < classes; c++) {
    const members = [];
    for (let i = c; i < n; i += classes) members.push(i);
    if (members.length === 0) continue;
    const part = new Float32Array(members.length * D);
    members.forEach((i, k) => part.set(start.subarray(i * D, (i + 1) * D), k * D));
    const job = annealedInPieces(model, {
      start: part,
      n: members.length,
      dim: D,
      steps,
      eps,
      seed: seed + c,
      guide: { class: c, guidance },
    });
    const out = yield* relay(job, (p) => ({ done: before + p.done * members.length, total }));
    before += (F - 1) * steps * members.length;
    if (before < total) yield { done: before, total };
    for (let f = 0; f < F; f++)
      members.forEach((i, k) =>
        frames.set(out.subarray((f * members.length + k) * D, (f * members.length + k + 1) * D), (f * n + i) * D),
      );
  }
  return { frames, classes: labels };
}

/** The digit-quality measure of a QUALITY request (the core's classifier; needs the digits table). */
export function digitsQuality(sf, { x, want }) {
  if (x.length % PIXELS !== 0) throw new Error(`digit images must be 64 pixels each, got ${x.length} numbers`);
  return sf.digitsQuality(x, want ?? null);
}
