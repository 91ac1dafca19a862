// sde.js — the worker's side of the score-SDE section (section 8, Song et al. 2021 and Karras et al.
// 2022): a continuous-noise network (the vesde objective, trained by the same NcsnTrainer as
// section 7) sampled by annealed Langevin, the reverse SDE, predictor–corrector and the
// probability-flow ODE with its trajectories; sample quality against the number of score evaluations
// for every sampler; and log p(x) on a grid through the ODE, with the held-out NLL.
//
// Every number is the core's (web/core/scorefield.js: model.sampler, model.logLikelihood,
// sf.energyDistance, the mixtures' exact log-density). What this module adds is scheduling: each
// request is a job, a generator that yields between pieces of work of a few milliseconds, so that
// training, pings and other requests interleave, and a job is cancelled (its samplers disposed) by
// a CANCEL or a newer request for the same run and kind. worker.js routes SDE_TO_WORKER here and
// calls sdeTick from its work loop.

import { SDE_FROM_WORKER, SDE_TO_WORKER } from './protocol.js';
import { gridPoints } from '../core/grid.js';

// A tick of the jobs lasts about this long, then the worker returns to its loop.
const TICK_MS = 12; // ms
// Frames of a streamed sample kept for its trajectories: a longer run keeps every k-th step.
const MAX_FRAMES = 400;
// A sample keeps all its frames in the core's run (and so the σ of each) up to this many floats.
const MAX_KEPT_FLOATS = 1 << 22;
// Grid points per log-likelihood call of a density job (a 50 × 50 grid in 10 pieces).
const DENSITY_CHUNK = 250;
// Held-out points whose mean negative log-likelihood the density job reports, in pieces of this many.
const HELD_OUT = 500;
const HELD_OUT_CHUNK = 100;
// Training draws the baseline Gaussian is fitted to.
const FIT_POINTS = 2000;
const LONG_KINDS = new Set(['density', 'exact']); // jobs whose pieces may take seconds on a slow machine
const PRIORITY = Object.freeze({ sample: 0, density: 1, exact: 2, quality: 3 });
const SEEDS = Object.freeze({ heldOut: 707, quality: 808, probes: 909, fit: 606 });

/**
 * Steps that make a sampler spend about `nfe` score evaluations: annealed Langevin one per step at
 * each of `levels` levels, predictor–corrector two per step, Heun and EDM two per step but the last.
 * The plot uses the NFE the core reports, not this estimate.
 */
export function stepsForNfe(sampler, nfe, levels) {
  switch (sampler) {
    case 'annealed':
      return Math.max(1, Math.round(nfe / levels));
    case 'pc':
      return Math.max(1, Math.round(nfe / 2));
    case 'ode-heun':
    case 'edm':
      return Math.max(1, Math.round((nfe + 1) / 2));
    default:
      return Math.max(1, Math.round(nfe));
  }
}

// A sampler's options from a request, with the run's noise range.
function samplerOptions(trainer, msg, steps, n, seed) {
  const t = trainer.model.trainingConfig();
  const options = { sampler: msg.sampler, steps, n, seed, sigmaMax: t.sigmaMax, sigmaMin: t.sigmaMin };
  if (msg.sampler === 'pc' && msg.snr !== undefined) options.snr = msg.snr;
  if (msg.sampler === 'edm' && msg.churn !== undefined) options.churn = msg.churn;
  return options;
}

// ---- the jobs: generators that yield between pieces ----------------------------------------------

// A streamed sample: frames (up to MAX_FRAMES of them) posted as they are made, then the energy
// distance of the samples to fresh data. With keep 'all' the core also gives the σ of every step
// (its grid: no σ is computed here); a run too large to keep whole streams without them.
function* sampleJob(trainer, msg, post) {
  const options = samplerOptions(trainer, msg, msg.steps, msg.n, msg.seed);
  const total = msg.sampler === 'annealed' ? msg.steps * trainer.model.trainingConfig().levels : msg.steps;
  const keepAll = (total + 1) * msg.n * 2 <= MAX_KEPT_FLOATS;
  const sampler = trainer.model.sampler({ ...options, keep: keepAll ? 'all' : 'last' });
  try {
    const every = Math.max(1, Math.ceil(sampler.totalSteps / MAX_FRAMES));
    const sigmaAt = (t) => (sampler.sigmas ? sampler.sigmas[t] : NaN);
    const frames = [sampler.points];
    const sigmas = [sigmaAt(0)];
    let sent = 0;
    const flush = (done, extra = {}) => {
      const k = frames.length - sent;
      const out = new Float32Array(k * msg.n * 2);
      for (let f = 0; f < k; f++) out.set(frames[sent + f], f * msg.n * 2);
      post(
        {
          type: SDE_FROM_WORKER.FRAMES,
          run: trainer.name,
          jobId: msg.jobId,
          generation: trainer.generation,
          step: trainer.step,
          sampler: msg.sampler,
          from: sent,
          n: msg.n,
          frames: out,
          sigmas: sigmas.slice(sent),
          nfe: sampler.nfe,
          done,
          ...extra,
        },
        [out.buffer],
      );
      sent = frames.length;
    };
    flush(false);
    while (!sampler.done) {
      const t = sampler.step(every);
      frames.push(sampler.points);
      sigmas.push(sigmaAt(t));
      if (yield) flush(false); // the tick is over: what is new goes to the page
    }
    const points = sampler.points;
    let score = {};
    try {
      const m = Math.min(trainer.scoredMax, msg.n);
      const ref = trainer.reference(m);
      score = { ed: trainer.core.energyDistance(points.subarray(0, 2 * m), ref.fresh, 2), floor: ref.floor };
    } catch (err) {
      score = { scoreError: `the samples could not be scored: ${err.message}` };
    }
    flush(true, { taken: sampler.stepsDone, ...score });
  } finally {
    sampler.dispose();
  }
}

// Sample quality against cost: for every NFE of msg.nfes (cheapest first, all samplers at one NFE
// before the next) the energy distance of msg.n samples to as many fresh data points.
function* qualityJob(trainer, msg, post) {
  const ref = trainer.reference(msg.n);
  const levels = trainer.model.trainingConfig().levels;
  const head = { run: trainer.name, jobId: msg.jobId, generation: trainer.generation, step: trainer.step };
  post({ type: SDE_FROM_WORKER.QUALITY_FLOOR, ...head, floor: ref.floor, n: msg.n });
  for (const nfe of msg.nfes) {
    for (const name of msg.samplers) {
      const steps = stepsForNfe(name, nfe, levels);
      const sampler = trainer.model.sampler(
        samplerOptions(trainer, { ...msg, sampler: name }, steps, msg.n, SEEDS.quality),
      );
      const started = performance.now();
      let ms = 0;
      const point = {
        type: SDE_FROM_WORKER.QUALITY_POINT,
        ...head,
        sampler: name,
        target: nfe,
        steps,
        ed: null,
        nfe,
        error: '',
      };
      try {
        while (!sampler.done) {
          const t0 = performance.now();
          sampler.step(1);
          ms += performance.now() - t0;
          yield;
        }
        point.ed = trainer.core.energyDistance(sampler.points, ref.fresh, 2);
        if (!Number.isFinite(point.ed)) point.ed = null;
        point.nfe = sampler.nfe;
      } catch (err) {
        point.ed = null;
        point.error = err.message;
      } finally {
        sampler.dispose();
      }
      post({ ...point, ms, wallMs: performance.now() - started });
      yield;
    }
  }
  post({ type: SDE_FROM_WORKER.QUALITY_DONE, ...head });
}

// log p(x) on the grid through the probability-flow ODE, posted row block by row block, then the
// held-out NLL (nats per point) on fresh data of the run's dataset.
function* densityJob(trainer, msg, post) {
  const points = gridPoints(msg.grid);
  const count = points.length / 2;
  const head = { run: trainer.name, jobId: msg.jobId, generation: trainer.generation, step: trainer.step };
  const started = performance.now();
  let ms = 0;
  for (let from = 0; from < count; from += DENSITY_CHUNK) {
    const to = Math.min(count, from + DENSITY_CHUNK);
    const t0 = performance.now();
    const { logp } = trainer.model.logLikelihood(points.subarray(2 * from, 2 * to), {
      steps: msg.steps,
      seed: SEEDS.probes,
      first: from,
    });
    ms += performance.now() - t0;
    const values = Float32Array.from(logp);
    post({ type: SDE_FROM_WORKER.DENSITY_ROWS, ...head, from, values }, [values.buffer]);
    yield;
  }
  const gridMs = performance.now() - started;
  // The held-out NLL in pieces (the bits of one call), and beside it a Gaussian fitted to the data's
  // training draws: the baseline a density has to beat. A drawing on a line has no fitted Gaussian.
  const fresh = trainer.reference(HELD_OUT).fresh;
  const n = fresh.length / 2;
  const logp = new Float64Array(n),
    gaussLogp = new Float64Array(n);
  let fit = null,
    gaussError = '';
  try {
    fit = trainer.core.gaussianFit(trainer.drawData(FIT_POINTS, SEEDS.fit), 2);
  } catch (err) {
    gaussError = err.message;
  }
  for (let from = 0; from < n; from += HELD_OUT_CHUNK) {
    const piece = fresh.subarray(2 * from, 2 * Math.min(n, from + HELD_OUT_CHUNK));
    logp.set(trainer.model.logLikelihood(piece, { steps: msg.steps, seed: SEEDS.heldOut, first: from }).logp, from);
    if (fit) gaussLogp.set(trainer.core.gaussianLogLikelihood(fit, piece).logp, from);
    yield;
  }
  const held = trainer.core.likelihoodSummary(logp, 2);
  const gauss = fit ? trainer.core.likelihoodSummary(gaussLogp, 2) : null;
  post({
    type: SDE_FROM_WORKER.DENSITY_DONE,
    ...head,
    count,
    ms,
    gridMs,
    nll: -held.mean,
    se: held.se,
    gaussNll: gauss ? -gauss.mean : null,
    gaussSe: gauss ? gauss.se : null,
    gaussError,
    heldOut: n,
  });
}

// The exact log p of a Gaussian-mixture dataset on the grid: the probability-flow ODE of its exact
// score (sf.dataLogLikelihood), the mixture blurred by its σ_min, in pieces; answered in one message.
function* exactJob(sf, msg, post) {
  const points = gridPoints(msg.grid);
  const count = points.length / 2;
  const values = new Float32Array(count);
  for (let from = 0; from < count; from += DENSITY_CHUNK) {
    const to = Math.min(count, from + DENSITY_CHUNK);
    values.set(sf.dataLogLikelihood(msg.dataset, points.subarray(2 * from, 2 * to), { steps: msg.steps }).logp, from);
    yield;
  }
  post({ type: SDE_FROM_WORKER.EXACT_DENSITY, requestId: msg.requestId, dataset: msg.dataset, values }, [
    values.buffer,
  ]);
}

// ---- the job table ----------------------------------------------------------------------------------

const jobs = new Map(); // `${run}/${kind}` → { trainer, generation, it, msg }

function startJob(kind, trainer, msg, make, post) {
  cancel(`${trainer.name}/${kind}`);
  jobs.set(`${trainer.name}/${kind}`, {
    kind,
    trainer,
    generation: trainer.generation,
    msg,
    it: make(trainer, msg, post),
  });
}

// An exact density belongs to no run: it queues beside the runs' jobs under its request.
function startExact(sf, msg, post) {
  jobs.set(`exact/${msg.requestId}`, { kind: 'exact', trainer: null, generation: 0, msg, it: exactJob(sf, msg, post) });
}

function cancel(key) {
  const job = jobs.get(key);
  if (!job) return;
  jobs.delete(key);
  job.it.return(); // runs the generator's finally: its sampler is disposed
}

/**
 * Runs the jobs for about TICK_MS, piece by piece, the most urgent first (PRIORITY); returns
 * whether any is left. A job
 * whose network was replaced (a reset, a new dataset) ends with an ERROR naming it; a job that throws
 * ends with its message. runs: the worker's run name → trainer map (a restored run is a new trainer);
 * longJob announces a density piece to the page's heartbeat (the other pieces are short).
 */
export function sdeTick(runs, longJob, reportError) {
  if (jobs.size === 0) return false;
  const end = performance.now() + TICK_MS;
  while (jobs.size > 0 && performance.now() < end) {
    // The highest-priority job takes the tick: a sample, then the density maps, then quality.
    const [key, job] = [...jobs].sort(([, a], [, b]) => PRIORITY[a.kind] - PRIORITY[b.kind])[0];
    if (job.trainer && (job.trainer.generation !== job.generation || runs.get(job.trainer.name) !== job.trainer)) {
      cancel(key);
      reportError(new Error(`the network was replaced while its ${job.kind} job ran`), {
        run: job.trainer.name,
        request: job.msg.type,
        jobId: job.msg.jobId,
      });
      continue;
    }
    let result;
    try {
      const over = performance.now() >= end - TICK_MS / 4;
      // A piece of a density map (250 points through the ODE) may outlast a heartbeat: announced.
      result = LONG_KINDS.has(job.kind) ? longJob(job.kind, () => job.it.next(over)) : job.it.next(over);
    } catch (err) {
      jobs.delete(key);
      const context = job.trainer
        ? { run: job.trainer.name, request: job.msg.type, jobId: job.msg.jobId }
        : { request: job.msg.type, requestId: job.msg.requestId };
      reportError(err, context);
      continue;
    }
    if (result.done) jobs.delete(key);
  }
  return jobs.size > 0;
}

/** Whether a run has a job of this kind ('sample', 'quality', 'density') running (for tests). */
export function sdeJobRunning(run, kind) {
  return jobs.has(`${run}/${kind}`);
}

/**
 * Handles an SDE_TO_WORKER message; returns false for any other type. ctx: { sf, trainerOf, post }.
 * The trainer must be a noise-conditional run (ncsn.js's NcsnTrainer) with a 2-D network.
 */
export function handleSde(msg, { sf, trainerOf, post, isNoiseConditional }) {
  const runOf = () => {
    const trainer = trainerOf(msg.run);
    if (!isNoiseConditional(trainer)) throw new Error(`run '${msg.run}' is not a noise-conditional run`);
    if (trainer.dim !== 2)
      throw new Error(`the score-SDE figures need a 2-D dataset (run '${msg.run}' has D = ${trainer.dim})`);
    if (typeof trainer.model.sampler !== 'function')
      throw new Error('this build of the core has no SDE samplers (model.sampler)');
    return trainer;
  };
  switch (msg.type) {
    case SDE_TO_WORKER.SAMPLE:
      startJob('sample', runOf(), msg, sampleJob, post);
      return true;
    case SDE_TO_WORKER.QUALITY:
      startJob('quality', runOf(), msg, qualityJob, post);
      return true;
    case SDE_TO_WORKER.DENSITY:
      startJob('density', runOf(), msg, densityJob, post);
      return true;
    case SDE_TO_WORKER.CANCEL:
      for (const kind of msg.kinds ?? ['sample', 'quality', 'density']) cancel(`${msg.run}/${kind}`);
      return true;
    case SDE_TO_WORKER.EXACT_DENSITY:
      startExact(sf, msg, post);
      return true;
    default:
      return false;
  }
}
