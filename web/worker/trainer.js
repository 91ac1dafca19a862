// trainer.js — one training run inside the worker: its model, its settings, whether it is playing,
// and training for a time budget. It also computes what the run's views need from its model: the
// score on a grid, 2-D Langevin chains and digit samples.
//
// Settings arrive already validated by the page's table (web/app/settings.js); the core checks them
// again and throws an Error naming the problem, which the worker reports. Scheduling between runs,
// posting results and throttling views are the worker's (worker.js).

import { STATUS } from '../core/enums.js';
import { frameStride, keptFrames, langevinInPieces, langevinOneCall, relay } from './pieces.js';

// The first chunk of a run trains one step to measure the cost; later chunks size themselves from a
// running mean of ms/step with this weight on the newest chunk.
const MS_PER_STEP_WEIGHT = 0.3;
// The digit sampler's start, 0.1·U(0, 1)^D, as the tutorial draws it.
const SAMPLE_START_LO = 0;
const SAMPLE_START_HI = 0.1;
// The chains figure draws at most this many steps of all its chains together, however many steps
// they run (every step of the usual 15-step chains; every k-th of a 10⁶-step chain), so that a redraw
// stays within a frame.
export const MAX_CHAIN_SEGMENTS = 3000;
// Digit samples keep at most this many frames (every frame up to 1000 steps): 16 × 64 × 1001 floats.
export const MAX_SAMPLE_FRAMES = 1001;
// A step whose cost is unknown (the first of a network) or longer than a chunk's budget runs in
// pieces (the core's beginStep/stepChunk/endStep) that return to the worker's loop, so that the page
// hears from the worker (PONG, PROGRESS) during a step of seconds. The first piece of such a step
// takes this many of the batch's points; later ones size themselves from the measured ms per point.
const FIRST_PIECE_POINTS = 64;

// The frames kept of each of n chains: MAX_CHAIN_SEGMENTS over all of them.
const chainFrames = (n) => Math.max(2, Math.floor(MAX_CHAIN_SEGMENTS / Math.max(1, n)) + 1);

export class RunTrainer {
  // points: the run's own points (Float32Array (n, 2), a file's) for the dataset 'points', or none.
  constructor(sf, name, settings, points = null) {
    this.sf = sf;
    this.name = name;
    this.points = points?.length > 0 ? points.slice() : null;
    this.model = null;
    this.settings = null;
    this.playing = false;
    this.stopAt = 0; // the step count at which training stops
    this.untilSetting = false; // playing towards settings.steps (PLAY) rather than a STEP's own end
    this.msPerStep = 0; // running estimate; 0 until the first chunk
    this.generation = 0; // counts the networks this run has had, so the page can tell them apart
    this.pieces = null; // a step in pieces: { total, done, msPerPoint, ms }, or null
    this.configure(settings);
  }

  get step() {
    return this.model.stepCount;
  }

  get dim() {
    return this.model.dim;
  }

  // Applies settings. A different dataset, seed, width or depth needs a new network (a different D,
  // initialisation or shape), so those reset the run; the rest keep the parameters and Adam's state.
  configure(settings) {
    const previous = this.settings;
    const fresh =
      !this.model ||
      previous.dataset !== settings.dataset ||
      previous.seed !== settings.seed ||
      previous.width !== settings.width ||
      previous.depth !== settings.depth;
    if (fresh) {
      this.#createModel(settings);
    } else {
      this.model.configureTraining(trainingOf(settings)); // abandons a step in pieces (the core's rule)
      this.pieces = null;
      this.settings = { ...settings };
    }
    // A run playing to its `steps` setting follows a changed setting; a single step keeps its own end.
    if (this.playing && this.untilSetting) this.stopAt = this.settings.steps;
    if (this.step >= this.stopAt) this.playing = false;
  }

  reset() {
    this.#createModel(this.settings);
  }

  play() {
    this.untilSetting = true;
    this.stopAt = this.settings.steps;
    this.playing = this.step < this.stopAt;
  }

  pause() {
    this.playing = false;
    this.#cancelPieces();
  }

  // Abandons a step in pieces: the model is as it was before it.
  #cancelPieces() {
    if (this.pieces) this.model?.cancelStep();
    this.pieces = null;
  }

  stepBy(steps) {
    if (!Number.isInteger(steps) || steps < 1) throw new Error(`steps must be a positive integer, got ${steps}`);
    this.untilSetting = false;
    this.stopAt = this.step + steps;
    this.playing = true;
  }

  /** { run, generation, dim, step, playing, target } for a STATE message. */
  state() {
    return {
      run: this.name,
      generation: this.generation,
      dim: this.dim,
      step: this.step,
      playing: this.playing,
      target: this.settings.steps,
    };
  }

  /**
   * Trains about budgetMs worth of steps (at least one), never past stopAt. Returns { firstStep,
   * losses, msPerStep, diverged } — diverged, when a step was not finite, is { step, failedLoss, lr,
   * message } and the run is paused (the core rolled that step back).
   */
  trainFor(budgetMs) {
    const firstStep = this.step;
    const remaining = this.stopAt - firstStep;
    if (remaining <= 0) {
      this.playing = false;
      this.#cancelPieces();
      return { firstStep, losses: new Float32Array(0), msPerStep: this.msPerStep, diverged: null };
    }
    if (this.pieces || !(this.msPerStep > 0) || this.msPerStep > budgetMs) return this.#trainPieces(budgetMs);
    const steps = this.msPerStep > 0 ? Math.max(1, Math.min(remaining, Math.floor(budgetMs / this.msPerStep))) : 1;
    const start = performance.now();
    let losses,
      diverged = null;
    try {
      losses = this.model.train(steps);
    } catch (err) {
      this.playing = false; // a failing run must not fail again on every chunk
      if (err.status !== STATUS.not_finite) throw err;
      losses = err.losses;
      diverged = {
        step: firstStep + losses.length + 1,
        failedLoss: err.failedLoss,
        lr: this.settings.lr,
        message: err.message,
      };
    }
    const msPerStep = (performance.now() - start) / Math.max(1, losses.length);
    this.msPerStep =
      this.msPerStep > 0 ? (1 - MS_PER_STEP_WEIGHT) * this.msPerStep + MS_PER_STEP_WEIGHT * msPerStep : msPerStep;
    if (this.step >= this.stopAt) this.playing = false;
    return { firstStep, losses, msPerStep, diverged };
  }

  /**
   * Works about budgetMs on one step in pieces (see FIRST_PIECE_POINTS), beginning it if none is under
   * way. Returns trainFor's result, with no losses and `progress: { done, total }` (points of the batch)
   * while the step is not complete.
   */
  #trainPieces(budgetMs) {
    const firstStep = this.step;
    if (!this.pieces) {
      this.model.beginStep();
      this.pieces = { total: this.model.trainingConfig().batch, done: 0, msPerPoint: 0, ms: 0 };
    }
    const p = this.pieces,
      start = performance.now();
    for (;;) {
      const left = budgetMs - (performance.now() - start);
      const maxPoints = p.msPerPoint > 0 ? Math.max(1, Math.floor(left / p.msPerPoint)) : FIRST_PIECE_POINTS;
      const t0 = performance.now(),
        before = p.done;
      p.done = this.model.stepChunk(Math.min(maxPoints, p.total));
      const dt = performance.now() - t0;
      p.ms += dt;
      p.msPerPoint = dt / Math.max(1, p.done - before);
      if (p.done >= p.total || performance.now() - start >= budgetMs) break;
    }
    if (p.done < p.total)
      return {
        firstStep,
        losses: new Float32Array(0),
        msPerStep: this.msPerStep,
        diverged: null,
        progress: { done: p.done, total: p.total },
      };
    this.pieces = null;
    let losses,
      diverged = null;
    try {
      losses = Float32Array.of(this.model.endStep());
    } catch (err) {
      this.playing = false;
      if (err.status !== STATUS.not_finite) throw err;
      losses = new Float32Array(0);
      diverged = { step: firstStep + 1, failedLoss: err.failedLoss, lr: this.settings.lr, message: err.message };
    }
    this.msPerStep = p.ms;
    if (this.step >= this.stopAt) this.playing = false;
    return { firstStep, losses, msPerStep: p.ms, diverged };
  }

  /** The score on a grid (D = 2), Float32Array (ny·nx, 2). */
  field(grid) {
    return this.model.scoreGrid(grid).scores;
  }

  /**
   * One Langevin chain per start (Float32Array (n, 2)), chain i seeded seed + i so that adding a
   * chain does not change the others, as a job in pieces (pieces.js): yields { done, total } steps of
   * all chains, returns { n, steps, stride, frames: Float32Array (F, n, 2) }, F ≤ the frames the
   * chains figure draws (MAX_CHAIN_SEGMENTS over all chains), frame f at step min(f·stride, steps).
   */
  *chains(starts, { eps, decay, steps, temperature, seed }) {
    const D = this.dim,
      n = starts.length / D;
    if (!Number.isInteger(n)) throw new Error(`chain starts hold ${starts.length} numbers, not a multiple of D = ${D}`);
    const maxFrames = chainFrames(n);
    const stride = frameStride(steps, maxFrames),
      F = keptFrames(steps, stride);
    const frames = new Float32Array(F * n * D);
    for (let i = 0; i < n; i++) {
      const job = langevinInPieces(
        this.model,
        { start: starts.slice(i * D, (i + 1) * D), n: 1, dim: D, eps, decay, steps, temperature, seed: seed + i },
        maxFrames,
      );
      const { frames: chain } = yield* relay(job, (p) => ({ done: i * steps + p.done, total: n * steps }));
      for (let f = 0; f < F; f++) frames.set(chain.subarray(f * D, (f + 1) * D), (f * n + i) * D);
      if (i + 1 < n) yield { done: (i + 1) * steps, total: n * steps };
    }
    return { n, steps, stride, frames };
  }

  /**
   * n chains from the tutorial's digit start 0.1·U(0, 1)^D (drawn with `seed`), as a job in pieces
   * (pieces.js): yields { done, total } steps, returns { n, dim, steps, stride, frames: Float32Array
   * (F, n, D) } with at most MAX_SAMPLE_FRAMES frames (every frame up to that many steps).
   */
  *samples(sf, n, seed, { eps, decay, steps, temperature }) {
    const D = this.dim;
    const start = sf.uniform(n * D, SAMPLE_START_LO, SAMPLE_START_HI, seed);
    const job = langevinInPieces(
      this.model,
      { start, n, dim: D, eps, decay, temperature, steps, seed },
      MAX_SAMPLE_FRAMES,
    );
    const result = yield* job;
    return { n, dim: D, steps, ...result };
  }

  /**
   * Whether a CHAINS or SAMPLES request runs through the core's chunked Langevin runs (web/core/samplers.js,
   * which the worker loads first), or is one langevin call per chain.
   */
  needsChunkedRuns({ type, starts, n, langevin: { steps } }) {
    if (type === 'chains') return !langevinOneCall(this.dim, steps, chainFrames(starts.length / this.dim));
    return !langevinOneCall(n * this.dim, steps, MAX_SAMPLE_FRAMES);
  }

  /** The run's weights file (README, "Weights file format"), a Uint8Array. */
  save() {
    return this.model.save();
  }

  /**
   * Replaces the run's network with the one in a weights file and takes the file's settings; the run
   * is paused at the file's step. offered: { datasets, objectives } the page can show. A file the core
   * refuses (its own message), or one trained on something the page does not offer, throws and leaves
   * the running model and settings exactly as they were. Returns the settings the file brought.
   */
  load(bytes, offered) {
    const model = this.sf.loadModel(bytes);
    let settings;
    try {
      const t = model.trainingConfig();
      if (model.noiseConditional)
        throw new Error('this weights file holds a noise-conditional (NCSN) network, which this view does not train');
      if (!offered.datasets.includes(t.dataset))
        throw new Error(
          `this weights file was trained on '${t.dataset ?? 'no dataset'}', which this view does not offer`,
        );
      if (!offered.objectives.includes(t.objective))
        throw new Error(
          `this weights file was trained with the '${t.objective}' objective, which this view does not offer`,
        );
      settings = {
        ...this.settings,
        dataset: t.dataset,
        objective: t.objective,
        batch: t.batch,
        lr: t.lr,
        seed: model.seed,
        width: model.hidden,
        depth: model.depth,
      };
    } catch (err) {
      model.dispose();
      throw err;
    }
    this.model.dispose();
    this.model = model;
    this.generation++;
    this.settings = settings;
    this.playing = false;
    this.stopAt = 0;
    this.msPerStep = 0;
    this.pieces = null; // the old model's step, if any, went with it
    return { ...settings };
  }

  /**
   * Puts back the page's checkpoint of this run's own network after the worker was restarted (a
   * weights file of an earlier SAVE): its parameters, optimiser state and step, with the run's current
   * settings applied over them; paused. A file that does not fit the run (another shape or kind of
   * network) throws and changes nothing.
   */
  restore(bytes) {
    const model = this.sf.loadModel(bytes);
    try {
      const same = ['dim', 'hidden', 'depth', 'noiseConditional'].every((key) => model[key] === this.model[key]);
      if (!same)
        throw new Error(`the checkpoint of run '${this.name}' holds a different network than its settings make`);
      model.configureTraining(trainingOf(this.settings));
    } catch (err) {
      model.dispose();
      throw err;
    }
    this.model.dispose();
    this.model = model;
    this.playing = false;
    this.stopAt = 0;
    this.msPerStep = 0;
    this.pieces = null; // the old model's step, if any, went with it
  }

  /**
   * The run's own points (Float32Array (n, 2), 1 <= n <= sf.limits.points), trained on as the dataset
   * 'points'; a run on them already starts a new network. Points the core refuses change nothing.
   */
  setPoints(points) {
    const previous = this.points;
    this.points = points.slice();
    if (this.settings.dataset !== 'points') return;
    try {
      this.#createModel(this.settings);
    } catch (err) {
      this.points = previous;
      throw err;
    }
  }

  /** Frees the run's network (a run replaced by RESTORE). */
  dispose() {
    this.model?.dispose();
    this.model = null;
    this.playing = false;
    this.pieces = null;
  }

  #createModel(settings) {
    // D comes from the core (sf.dataDim), so no table of dimensions is kept here.
    const dim = this.sf.dataDim(settings.dataset);
    // width and depth: the page's names for the core's hidden and depth (undefined: the core's default).
    const model = this.sf.createModel({ dim, seed: settings.seed, hidden: settings.width, depth: settings.depth });
    try {
      if (this.points && dim === 2) model.setPoints(this.points);
      model.configureTraining(trainingOf(settings));
    } catch (err) {
      model.dispose(); // keep the previous model and settings: the page shows the message
      throw err;
    }
    this.model?.dispose();
    this.model = model;
    this.generation++;
    this.settings = { ...settings };
    this.playing = false;
    this.stopAt = 0;
    this.msPerStep = 0;
    this.pieces = null; // the old model's step, if any, went with it
  }
}

// The core's training settings from the page's.
function trainingOf({ dataset, objective, batch, lr }) {
  return { dataset, objective, batch, lr };
}
