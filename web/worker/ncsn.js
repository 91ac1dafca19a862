// ncsn.js — the worker's side of the NCSN section (Song & Ermon 2019): noise-conditional training
// runs that measure their own sample quality as they train, particles streamed level by level from
// the annealed sampler, painted points, the exact score of the Gaussian mixtures, and plain against
// annealed Langevin on that exact score.
//
// The numbers are the core's: training, s(x, σ), annealed Langevin, the mixtures' scores, the noise
// ladder and the energy distance all come from web/core/scorefield.js. What this module adds is
// scheduling (a flow advances a few steps per worker tick, between training chunks); no random number,
// sampler loop or distribution maths is written here.
// worker.js routes the messages named in protocol.js (NCSN_TO_WORKER) here and calls ncsnTick from
// its work loop; the page decides what to ask for and draws the answers (web/app/ncsn-*.js).

import { annealedInPieces } from './pieces.js';
import { RunTrainer } from './trainer.js';
import { FROM_WORKER, NCSN_FROM_WORKER, NCSN_TO_WORKER } from './protocol.js';
import { gridPoints } from '../core/grid.js';

// Chains start uniform on [−START_BOX, START_BOX]² for the quality probe: around every 2-D set.
const START_BOX = 2;
// The quality probe during training: PROBE_CHAINS chains of a quick annealed run — PROBE_STEPS steps
// per level, each moving PROBE_STEP_RATIO = α_i/σ_i² of its level's variance (the full sampler: 100
// steps at 0.1) — against as many fresh data points. Measured in Node on moons, the mixture and the
// checkerboard, its energy distance tracks the full sampler's within the estimator's noise once the
// network has learned something, at a tenth of the cost (~0.1 s).
const PROBE_CHAINS = 500;
const PROBE_STEPS = 10;
const PROBE_STEP_RATIO = 0.4;
// The reference ("true vs true"): the rms of the energy distance between FLOOR_DRAWS pairs of fresh
// draws of the same size. The estimator is unbiased, so one draw scatters around 0 (negative too);
// the rms says how far from 0 a perfect sampler's number wanders.
const FLOOR_DRAWS = 16; // the estimator's noise is heavy-tailed on the Gaussian mixtures: 8 draws scatter ±50 %
// A finished flow scores at most this many of its particles (the energy distance is O(n²)).
const FLOW_SCORED = 1000;
// A flow advances for about this long per worker tick, then posts a frame: ~30 frames a second when
// it shares the worker with a training run's 20 ms chunks.
const FLOW_CHUNK_MS = 12; // ms
const MS_PER_STEP_WEIGHT = 0.3; // running mean of a flow's cost per step, weight of the newest chunk
// Fixed seeds, so that a probe at the same step of the same network gives the same number.
const SEEDS = Object.freeze({ probeStart: 303, probeSampler: 404, fresh: 101, floor: 202, painted: 505 });
// A seed per flow chunk: flow seed · 2^20 + chunk (a flow has at most 64 levels × a few thousand
// chunks); the core takes seeds below 2^53.
const CHUNKS_PER_SEED = 2 ** 20;

// Plain Langevin in the comparison: x ← x + α·s(x) + √(2α)·z on the mixture's exact score, as many
// steps as the annealed run takes in all, α = 0.05 of a component's variance (0.2²): it settles in
// ~20 steps, and then stays in the mode it fell into.
const COMPARE_PLAIN_ALPHA = 0.002;
const COMPARE_DATASET = 'mixture';

// The quadrant split of the mixture: its small mode (weight 0.2) sits at (−1, −1), the large one at
// (1, 1), so a point belongs to the small one when x + y < 0.
function smallModeFraction(x) {
  let small = 0;
  for (let i = 0; i < x.length; i += 2) if (x[i] + x[i + 1] < 0) small++;
  return small / (x.length / 2);
}

// n points uniform on a box { xmin, xmax, ymin, ymax }, as a Float32Array (n, 2), drawn by the core.
function uniformBox(sf, n, { xmin, xmax, ymin, ymax }, seed) {
  return sf.uniformBox({ n, lo: [xmin, ymin], hi: [xmax, ymax], seed });
}

/**
 * Plain against annealed Langevin on the mixture's exact score, from the same n uniform starts on box:
 * plain takes L·T steps at α = COMPARE_PLAIN_ALPHA on the data's own score (the core's Langevin with
 * ε = 2α, no decay, T = 1: x ← x + α·s(x) + √(2α)·z); annealed walks the library's ladder for the
 * mixture (T steps per level, α_i = ε·σ_i²/σ_L²) on the score blurred by σ_i. Both run in the core
 * (sf.dataLangevin, sf.dataAnnealedLangevin); the two samplers draw with seeds 2·seed and 2·seed + 1.
 */
export function compareSamplers(sf, { n, seed, box }) {
  const train = sf.defaults.train[COMPARE_DATASET],
    anneal = sf.defaults.anneal[COMPARE_DATASET];
  const start = uniformBox(sf, n, box, seed);
  const L = train.levels,
    T = anneal.steps;
  const plain = sf.dataLangevin({
    dataset: COMPARE_DATASET,
    start,
    eps: 2 * COMPARE_PLAIN_ALPHA,
    steps: L * T,
    seed: 2 * seed,
  });
  const annealed = sf.dataAnnealedLangevin({ dataset: COMPARE_DATASET, start, seed: 2 * seed + 1 });
  return {
    n,
    start,
    plain,
    annealed,
    plainSmall: smallModeFraction(plain),
    annealedSmall: smallModeFraction(annealed),
    plainSteps: L * T,
    plainAlpha: COMPARE_PLAIN_ALPHA,
    levels: L,
    steps: T,
    eps: anneal.eps,
  };
}

// The core, with createModel making noise-conditional networks (of `classes` labels): RunTrainer
// creates its models through sf.createModel, so this is where an NCSN run's differ. The painted points
// are RunTrainer's own (`points`), which it gives every new network.
function noiseConditionalCore(sf, classes) {
  return Object.create(sf, {
    createModel: {
      value: (options) => sf.createModel({ ...options, noiseConditional: true, classes }),
    },
  });
}

/**
 * A training run of a noise-conditional network s(x, σ) with the ncsn objective. Besides what a
 * RunTrainer does, it applies the noise ladder of its settings (sigmaMax, sigmaMin, levels), keeps
 * the painted points, measures sample quality every `edEvery` steps while a 2-D run trains (posting
 * QUALITY), runs the particle flow, and samples digits with the annealed sampler.
 *
 * NB: RunTrainer's constructor calls configure() before this class's constructor body runs, so the
 * overrides below must not depend on anything set there (the painted points go to RunTrainer's).
 */
export class NcsnTrainer extends RunTrainer {
  /**
   * post: the worker's postMessage; longJob(what, fn): runs fn announced to the heartbeat (long-job.js);
   * guided: pretrained.js's guidedSamples, for a class-conditional run's samples; points: the run's
   * own points a RESTORE brings (a widget's file), used where no painted points came ahead of it.
   */
  constructor(sf, name, settings, post, longJob = (what, fn) => fn(), guided = null, points = undefined) {
    const pending = pendingPoints.get(name) ?? points;
    pendingPoints.delete(name);
    // classes: a class-conditional run's label count (settings.classes, fixed for the run's life).
    const classes = Number.isSafeInteger(settings?.classes) ? settings.classes : 0;
    super(noiseConditionalCore(sf, classes), name, settings, pending);
    this.core = sf;
    this.pointsVersion = 0; // counts setPoints calls: the data references cached for 'points' follow it
    this.post = post;
    this.longJob = longJob;
    this.guided = guided;
    this.flow = null;
    this.references = new Map(); // cache key → { fresh, floor }
  }

  configure(settings) {
    const generation = this.generation;
    super.configure(settings);
    this.model.configureTraining(ladderOf(this.settings));
    if (this.generation !== generation) this.restartProbes();
  }

  reset() {
    super.reset();
    this.model.configureTraining(ladderOf(this.settings));
    this.restartProbes();
  }

  restore(bytes) {
    super.restore(bytes);
    this.model.configureTraining(ladderOf(this.settings));
  }

  dispose() {
    this.flow = null;
    super.dispose();
  }

  play() {
    this.#checkPoints();
    super.play();
  }

  stepBy(steps) {
    this.#checkPoints();
    super.stepBy(steps);
  }

  /** Painted points (Float32Array (n, 2), n <= sf.limits.points; empty clears them) for this and later networks. */
  setPoints(points) {
    if (!(points instanceof Float32Array) || points.length % 2 !== 0)
      throw new Error('painted points must be a Float32Array of (x, y) pairs');
    const max = this.core.limits.points; // SF_MAX_POINTS, read from the module
    if (points.length / 2 > max) throw new Error(`at most ${max} painted points, got ${points.length / 2}`);
    this.points = points.length > 0 ? points.slice() : null;
    this.pointsVersion++;
    // An empty set cannot be given to the core (it needs 1..sf.limits.points): training refuses instead (#checkPoints).
    if (this.points && this.model.dim === 2) this.model.setPoints(this.points);
  }

  /**
   * Trains like RunTrainer, but stops each chunk at the next quality probe's step and probes there
   * (and at step 0, and where training ends), so the page's quality curve has points at exact steps.
   */
  trainFor(budgetMs) {
    this.#checkPoints();
    if (!this.#probing()) return super.trainFor(budgetMs);
    this.#maybeProbe();
    const stopAt = this.stopAt,
      wasPlaying = this.playing;
    const capped = this.probeAt > this.step && this.probeAt < stopAt;
    if (capped) this.stopAt = this.probeAt;
    let chunk;
    try {
      chunk = super.trainFor(budgetMs);
    } finally {
      this.stopAt = stopAt;
    }
    // Stopping at the probe's step was ours, not the run's: it plays on.
    if (capped && wasPlaying && !chunk.diverged && this.step < stopAt) this.playing = true;
    this.#maybeProbe();
    return chunk;
  }

  /**
   * n digit chains (D = 64) of the annealed sampler from U(0, 1)^D, NCSN's start, one frame per level:
   * { n, dim, steps: L, frames: Float32Array (L + 1, n, D), sigmas }. `steps` and `eps` are the
   * sampler's T and ε (the page sends them where the plain sampler's go). A job in pieces as the base
   * class's (pieces.js, annealedInPieces): one run of the core's chunked sampler, the bits of one call.
   */
  *samples(sf, n, seed, { steps, eps, ...guide }) {
    const D = this.dim,
      t = this.model.trainingConfig();
    const sigmas = Array.from(sf.noiseLadder(t.levels, t.sigmaMax, t.sigmaMin));
    const start = sf.uniform(n * D, 0, 1, seed);
    if (this.model.classes === 0) {
      const frames = yield* annealedInPieces(this.model, { start, n, dim: D, steps, eps, seed });
      return { n, dim: D, steps: t.levels, stride: 1, frames, sigmas };
    }
    if (!this.guided) throw new Error('class-conditional samples need web/worker/pretrained.js, which did not load');
    const guided = yield* this.guided(this.model, start, n, seed, { steps, eps, ...guide });
    return { n, dim: D, steps: t.levels, stride: 1, sigmas, ...guided };
  }

  // ---- the particle flow ----------------------------------------------------------------------

  /** Starts a flow: { flowId, n, steps, eps, seed, box } (see protocol.js, NCSN_TO_WORKER.FLOW). */
  startFlow({ flowId, n, steps, eps, seed, box }) {
    if (this.dim !== 2) throw new Error('the particle flow needs a 2-D dataset');
    if (!Number.isInteger(steps) || steps < 1)
      throw new Error(`steps per level must be a positive integer, got ${steps}`);
    const t = this.model.trainingConfig();
    const sigmas = this.core.noiseLadder(t.levels, t.sigmaMax, t.sigmaMin);
    this.flow = {
      flowId,
      n,
      steps,
      eps,
      seed,
      sigmas,
      level: 0,
      t: 0,
      chunk: 0,
      msPerStep: 0,
      generation: this.generation,
      x: uniformBox(this.core, n, box, seed),
    };
    this.#postFrame(this.flow, { level: 1, t: 0, done: false });
  }

  stopFlow() {
    this.flow = null;
  }

  /** Advances the flow by about budgetMs of steps, within one level, and posts the frame. */
  advanceFlow(budgetMs) {
    const f = this.flow;
    if (!f) return;
    if (f.generation !== this.generation) {
      // a reset or a new dataset replaced the network
      this.flow = null;
      return;
    }
    const L = f.sigmas.length,
      sigma = f.sigmas[f.level],
      sigmaL = f.sigmas[L - 1];
    const left = f.steps - f.t;
    const k = f.msPerStep > 0 ? Math.max(1, Math.min(left, Math.floor(budgetMs / f.msPerStep))) : 1;
    // One level of the ladder at a time: a one-level ladder at σ_i steps with α = eps·σ_i²/σ_i², so
    // eps here is the full ladder's α_i = ε·σ_i²/σ_L².
    const alpha = (f.eps * sigma * sigma) / (sigmaL * sigmaL);
    const start = performance.now();
    try {
      f.x = this.model.annealedLangevin({
        start: f.x,
        sigmaMax: sigma,
        sigmaMin: sigma,
        levels: 1,
        steps: k,
        eps: alpha,
        seed: f.seed * CHUNKS_PER_SEED + f.chunk,
        keep: 'last',
      });
    } catch (err) {
      this.flow = null;
      this.#postFrame(f, { level: f.level + 1, t: f.t, done: true, error: err.message });
      return;
    }
    const ms = (performance.now() - start) / k;
    f.msPerStep = f.msPerStep > 0 ? (1 - MS_PER_STEP_WEIGHT) * f.msPerStep + MS_PER_STEP_WEIGHT * ms : ms;
    f.chunk++;
    f.t += k;
    const level = f.level + 1,
      t = f.t;
    if (f.t >= f.steps) {
      f.level++;
      f.t = 0;
    }
    if (f.level < L && f.steps > 0) {
      this.#postFrame(f, { level, t, done: false });
      return;
    }
    this.flow = null;
    let score;
    try {
      score = this.#score(f.x);
    } catch (err) {
      score = { error: `the samples could not be scored: ${err.message}` };
    }
    this.#postFrame(f, { level, t, done: true, ...score });
  }

  // The energy distance of a finished flow's particles (up to FLOW_SCORED of them) to fresh data.
  #score(x) {
    const m = Math.min(FLOW_SCORED, x.length / 2);
    if (m < 2) return {};
    const ref = this.reference(m);
    const scored = x.subarray(0, 2 * m);
    const out = { ed: this.core.energyDistance(scored, ref.fresh, 2), floor: ref.floor, scored: m };
    if (this.settings.dataset === COMPARE_DATASET) out.smallMode = smallModeFraction(x);
    return out;
  }

  #postFrame(f, { level, t, done, ...rest }) {
    const x = f.x.slice();
    this.post(
      {
        type: NCSN_FROM_WORKER.FLOW_FRAME,
        run: this.name,
        flowId: f.flowId,
        generation: this.generation,
        step: this.step,
        level,
        levels: f.sigmas.length,
        sigma: f.sigmas[Math.min(level, f.sigmas.length) - 1],
        t,
        steps: f.steps,
        n: f.n,
        x,
        done,
        ...rest,
      },
      [x.buffer],
    );
  }

  // ---- sample quality while training --------------------------------------------------------------

  #probing() {
    return this.dim === 2 && Number.isInteger(this.settings.edEvery) && this.settings.edEvery > 0;
  }

  // Not private: configure() calls it from inside RunTrainer's constructor, before this class's
  // private methods exist.
  restartProbes() {
    this.probeAt = 0;
    this.lastProbeStep = -1;
  }

  // Probes at probeAt, and where training stopped at its target (so a short run ends with a reading).
  #maybeProbe() {
    const atTarget = !this.playing && this.step === this.settings.steps;
    if (this.step === this.lastProbeStep || !(this.step >= this.probeAt || atTarget)) return;
    const every = this.settings.edEvery;
    this.lastProbeStep = this.step;
    this.probeAt = (Math.floor(this.step / every) + 1) * every;
    // Its cost grows with the ladder's levels (PROBE_STEPS each): announced as a long job.
    this.post(this.longJob(NCSN_FROM_WORKER.QUALITY, () => this.#probe()));
  }

  // The quality reading at this step: a QUALITY message (with `error` when the chains diverged).
  #probe() {
    const ref = this.reference(PROBE_CHAINS);
    const message = {
      type: NCSN_FROM_WORKER.QUALITY,
      run: this.name,
      generation: this.generation,
      step: this.step,
      ed: null,
      floor: ref.floor,
      n: PROBE_CHAINS,
      steps: PROBE_STEPS,
    };
    try {
      const t = this.model.trainingConfig();
      const start = this.core.uniform(2 * PROBE_CHAINS, -START_BOX, START_BOX, SEEDS.probeStart);
      const x = this.model.annealedLangevin({
        start,
        steps: PROBE_STEPS,
        eps: PROBE_STEP_RATIO * t.sigmaMin * t.sigmaMin,
        seed: SEEDS.probeSampler,
      });
      message.ed = this.core.energyDistance(x, ref.fresh, 2);
    } catch (err) {
      message.error = err.message; // an untrained network can send chains off to infinity: say so, train on
    }
    return message;
  }

  /** A finished sample is scored on at most this many of its points (the energy distance is O(n²)). */
  get scoredMax() {
    return FLOW_SCORED;
  }

  /**
   * Fresh data of the run's dataset (n points) and the true-vs-true floor: { fresh, floor }, cached
   * per dataset, size and painted-points version (section 8's jobs, sde.js, use it too).
   */
  /** n fresh points (Float32Array (n, 2)) of the run's data, its dataset's or the drawing's, by seed. */
  drawData(n, seed) {
    return this.settings.dataset === 'points'
      ? this.core.pointsSample({ points: this.points, n, noise: this.model.trainingConfig().dataNoise, seed })
      : this.core.sampleData({ dataset: this.settings.dataset, n, seed }).x;
  }

  reference(n) {
    const dataset = this.settings.dataset;
    const key = `${dataset}/${n}/${dataset === 'points' ? this.pointsVersion : 0}`;
    let ref = this.references.get(key);
    if (!ref) {
      const draw = (seed) => this.drawData(n, seed);
      let squares = 0;
      for (let k = 0; k < FLOOR_DRAWS; k++) {
        const ed = this.core.energyDistance(draw(SEEDS.floor + 2 * k), draw(SEEDS.floor + 2 * k + 1), 2);
        squares += ed * ed;
      }
      ref = { fresh: draw(SEEDS.fresh), floor: Math.sqrt(squares / FLOOR_DRAWS) };
      this.references.set(key, ref);
    }
    return ref;
  }

  #checkPoints() {
    if (this.settings.dataset === 'points' && !this.points) {
      this.playing = false;
      throw new Error('there are no painted points to train on: draw some on the data plot first');
    }
  }
}

// Points painted for a run the worker has not created yet (run name → Float32Array).
const pendingPoints = new Map();

// The noise ladder of an NCSN run's settings, as configureTraining takes it.
function ladderOf({ sigmaMax, sigmaMin, levels }) {
  return { sigmaMax, sigmaMin, levels };
}

/**
 * Whether CONFIGURE settings are a noise-conditional run's, NCSN's ladder or the score SDE's continuous
 * σ (worker.js makes an NcsnTrainer for them).
 */
export function isNcsnSettings(settings) {
  return settings?.objective === 'ncsn' || settings?.objective === 'vesde';
}

/**
 * Handles an NCSN_TO_WORKER message; returns false for any other type. ctx: { sf, trainerOf, post,
 * longJob } (longJob(what, fn): runs fn after telling the page's heartbeat it may take seconds).
 * Throws (the worker reports it as ERROR naming the request) on bad input.
 * @param {import('./messages.js').ToWorkerMessage} msg a message check.js has accepted
 * @param {{ sf: any, trainerOf: (run: string) => any, post: Function, longJob: Function }} ctx
 */
export function handleNcsn(msg, { sf, trainerOf, post, longJob }) {
  switch (msg.type) {
    case NCSN_TO_WORKER.POINTS: {
      let trainer;
      try {
        trainer = trainerOf(msg.run);
      } catch {
        pendingPoints.set(msg.run, msg.points); // painted before the run's first CONFIGURE: its network takes them
        return true;
      }
      ncsnTrainer(trainer).setPoints(msg.points);
      return true;
    }
    case NCSN_TO_WORKER.FLOW:
      ncsnTrainer(trainerOf(msg.run)).startFlow(msg);
      return true;
    case NCSN_TO_WORKER.FLOW_STOP:
      ncsnTrainer(trainerOf(msg.run)).stopFlow();
      return true;
    case NCSN_TO_WORKER.FLOW_FRAMES:
      flowFrames(ncsnTrainer(trainerOf(msg.run)), msg, post);
      return true;
    case NCSN_TO_WORKER.TRUE_FIELD: {
      const scores = longJob(msg.type, () =>
        sf.dataScore({ dataset: msg.dataset, points: gridPoints(msg.grid), sigma: msg.sigma }),
      );
      post(
        { type: NCSN_FROM_WORKER.TRUE_FIELD, requestId: msg.requestId, dataset: msg.dataset, sigma: msg.sigma, scores },
        [scores.buffer],
      );
      return true;
    }
    case NCSN_TO_WORKER.COMPARE: {
      const result = longJob(msg.type, () => compareSamplers(sf, msg));
      post({ type: NCSN_FROM_WORKER.COMPARE, requestId: msg.requestId, ...result }, [
        result.start.buffer,
        result.plain.buffer,
        result.annealed.buffer,
      ]);
      return true;
    }
    default:
      return false;
  }
}

// FLOW_FRAMES (rare) loads its code on first use.
function flowFrames(trainer, msg, post) {
  const fail = (err) => post({ type: FROM_WORKER.ERROR, message: err.message, requestId: msg.requestId });
  import('./flow-frames.js').then((m) => m.postFlowFrames(trainer, msg, post, uniformBox)).catch(fail);
}

function ncsnTrainer(trainer) {
  if (!(trainer instanceof NcsnTrainer)) throw new Error(`run '${trainer.name}' is not a noise-conditional run`);
  return trainer;
}

/** Advances every running flow by one chunk (called once per worker tick); returns whether any is left. */
export function ncsnTick(trainers) {
  let left = false;
  for (const trainer of trainers) {
    if (!(trainer instanceof NcsnTrainer) || !trainer.flow) continue;
    trainer.advanceFlow(FLOW_CHUNK_MS);
    left ||= !!trainer.flow;
  }
  return left;
}
