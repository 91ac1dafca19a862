// sde-jobs.js — the score-SDE figures' work and results, shared by the page's section 8
// (sde-section.js) and the widget's `samplers` and `density` panels (web/embed/scorefield-widget.js):
// the streamed sample (frames with the σ of each), every sampler's energy distance against NFE, the
// learned log-density on a grid with the held-out NLL, and the mixtures' exact one — which worker job
// (web/worker/sde.js) to start when, from what the owner says is on screen, and the answers kept for
// the views (sde-views.js). Nothing here touches the DOM.

import { sdeSamplerSettings } from './settings.js';
import { SDE_GRID } from './sde-views.js';
import { FROM_WORKER, SDE_FROM_WORKER, SDE_TO_WORKER } from '../worker/protocol.js';

const ANALYTIC = new Set(['mixture', 'eight_gaussians']); // datasets with an exact density
/** The samplers of the quality figure and the NFE it measures them at. */
export const QUALITY_SAMPLERS = Object.freeze(['annealed', 'sde', 'pc', 'ode-euler', 'ode-heun']);
export const QUALITY_NFES = Object.freeze([4, 8, 16, 32, 64, 128, 250, 500, 1000]);
export const QUALITY_POINTS = 500; // samples per quality point (and fresh data points against them)
// Heun steps of the exact density's ODE: its closed-form score is cheap, and fewer steps draw ripples
// between the modes where log p falls fast (8 steps: bands at x + y = 0 on the mixture).
const EXACT_STEPS = 32;
const RESAMPLE_HOLD_MS = 1500; // ms a finished sample stays before a changed network is sampled again

/**
 * The jobs of one noise-conditional run (objective vesde) on an Engine. onChange(what): 'sample',
 * 'quality', 'density' or 'exact' changed. state: what the views draw; schedule(now, shown) every
 * animation frame starts and stops jobs for the figures shown.
 */
export class SdeJobs {
  constructor({ engine, run, onChange }) {
    let nextJob = 1;
    const state = {
      sample: null, // { jobId, sampler, n, frames, count, sigmas, nfe, done, ed, floor, error, step }
      scrub: { frame: 0, follow: true },
      shownFrame: () => {
        const s = state.sample;
        if (!s || s.count === 0) return 0;
        return state.scrub.follow ? s.count - 1 : Math.min(state.scrub.frame, s.count - 1);
      },
      quality: freshQuality(),
      density: null, // { jobId, values, filled, done, nll, se, gaussNll, gaussSe, gaussError, ms, gridMs, error, step }
      exact: new Map(), // dataset → { values } or { error }
      pendingExact: new Set(),
      analytic: (dataset) => ANALYTIC.has(dataset),
      exactFor(dataset) {
        if (!state.exact.has(dataset) && !state.pendingExact.has(dataset)) requestExact(dataset);
        return state.exact.get(dataset);
      },
    };
    function freshQuality() {
      return {
        jobId: 0,
        floor: NaN,
        points: new Map(QUALITY_SAMPLERS.map((name) => [name, []])),
        expected: QUALITY_SAMPLERS.length * QUALITY_NFES.length,
        nfeRange: [QUALITY_NFES[0], QUALITY_NFES[QUALITY_NFES.length - 1]],
        done: false,
        error: '',
        step: -1,
        generation: -1,
      };
    }

    // ---- messages from the worker ----------------------------------------------------------------------
    engine.on(SDE_FROM_WORKER.FRAMES, (msg) => {
      const s = state.sample;
      if (!s || msg.jobId !== s.jobId) return;
      const per = 2 * msg.n,
        k = msg.frames.length / per;
      if ((s.count + k) * per > s.frames.length) {
        const grown = new Float32Array(Math.max(2 * s.frames.length, (s.count + k) * per));
        grown.set(s.frames.subarray(0, s.count * per));
        s.frames = grown;
      }
      s.frames.set(msg.frames, s.count * per);
      s.count += k;
      s.sigmas.push(...msg.sigmas);
      s.nfe = msg.nfe;
      if (msg.done) {
        Object.assign(s, { done: true, ed: msg.ed ?? NaN, floor: msg.floor ?? NaN, doneAt: performance.now() });
      }
      onChange('sample');
    });
    engine.on(SDE_FROM_WORKER.QUALITY_FLOOR, (msg) => {
      if (msg.jobId !== state.quality.jobId) return;
      state.quality.floor = msg.floor;
      onChange('quality');
    });
    engine.on(SDE_FROM_WORKER.QUALITY_POINT, (msg) => {
      if (msg.jobId !== state.quality.jobId) return;
      state.quality.points.get(msg.sampler)?.push({ nfe: msg.nfe, ed: msg.ed, ms: msg.ms, error: msg.error });
      onChange('quality');
    });
    engine.on(SDE_FROM_WORKER.QUALITY_DONE, (msg) => {
      if (msg.jobId !== state.quality.jobId) return;
      state.quality.done = true;
      onChange('quality');
    });
    engine.on(SDE_FROM_WORKER.DENSITY_ROWS, (msg) => {
      const d = state.density;
      if (!d || msg.jobId !== d.jobId) return;
      d.values.set(msg.values, msg.from);
      d.filled += msg.values.length;
      if (d.filled === d.values.length) d.gridPageMs = performance.now() - d.sentAt; // the map alone
      onChange('density');
    });
    engine.on(SDE_FROM_WORKER.DENSITY_DONE, (msg) => {
      const d = state.density;
      if (!d || msg.jobId !== d.jobId) return;
      Object.assign(d, {
        done: true,
        nll: msg.nll,
        se: msg.se,
        gaussNll: msg.gaussNll,
        gaussSe: msg.gaussSe,
        gaussError: msg.gaussError,
        ms: msg.ms,
        gridMs: msg.gridMs,
        heldOut: msg.heldOut,
      });
      d.pageMs = performance.now() - d.sentAt;
      onChange('density');
    });
    // A job that failed ends with an ERROR naming its request (and its jobId).
    engine.on(FROM_WORKER.ERROR, (msg) => {
      if (msg.run !== run.name) return;
      if (msg.request === SDE_TO_WORKER.SAMPLE && state.sample && !state.sample.done) {
        Object.assign(state.sample, { done: true, error: msg.message, doneAt: performance.now() });
        onChange('sample');
      }
      if (msg.request === SDE_TO_WORKER.QUALITY && !state.quality.done) {
        Object.assign(state.quality, { done: true, error: msg.message });
        onChange('quality');
      }
      if (msg.request === SDE_TO_WORKER.DENSITY && state.density && !state.density.done) {
        Object.assign(state.density, { done: true, error: msg.message });
        onChange('density');
      }
    });

    function requestExact(dataset) {
      state.pendingExact.add(dataset);
      engine
        .request(SDE_TO_WORKER.EXACT_DENSITY, { dataset, grid: SDE_GRID, steps: EXACT_STEPS })
        .then(
          (msg) => state.exact.set(dataset, { values: msg.values }),
          (err) => state.exact.set(dataset, { values: null, error: err.message }),
        )
        .finally(() => {
          state.pendingExact.delete(dataset);
          onChange('exact');
        });
    }

    // ---- starting and stopping the jobs ------------------------------------------------------------------
    function startSample(seedOffset = 0) {
      if (run.dim !== 2) return;
      const settings = sdeSamplerSettings(run.values);
      const jobId = nextJob++;
      state.sample = {
        jobId,
        sampler: settings.sampler,
        n: settings.n,
        frames: new Float32Array(2 * settings.n * 64),
        count: 0,
        sigmas: [],
        nfe: 0,
        done: false,
        ed: NaN,
        floor: NaN,
        error: '',
        step: run.step,
        generation: run.generation,
        doneAt: Infinity,
      };
      state.scrub.follow = true;
      engine.send(SDE_TO_WORKER.SAMPLE, { run: run.name, jobId, ...settings, seed: settings.seed + seedOffset });
      onChange('sample');
    }
    function startQuality() {
      if (run.dim !== 2) return;
      const q = freshQuality();
      q.jobId = nextJob++;
      q.step = run.step;
      q.generation = run.generation;
      state.quality = q;
      const { snr, churn } = sdeSamplerSettings(run.values);
      engine.send(SDE_TO_WORKER.QUALITY, {
        run: run.name,
        jobId: q.jobId,
        samplers: [...QUALITY_SAMPLERS],
        nfes: [...QUALITY_NFES],
        n: QUALITY_POINTS,
        snr,
        churn,
      });
      onChange('quality');
    }
    function startDensity() {
      if (run.dim !== 2) return;
      const jobId = nextJob++;
      state.density = {
        jobId,
        values: new Float32Array(SDE_GRID.nx * SDE_GRID.ny).fill(NaN),
        filled: 0,
        done: false,
        error: '',
        step: run.step,
        generation: run.generation,
        sentAt: performance.now(),
      };
      engine.send(SDE_TO_WORKER.DENSITY, { run: run.name, jobId, grid: SDE_GRID, steps: run.values.sdeOdeSteps });
      onChange('density');
    }
    function cancel(kind) {
      engine.send(SDE_TO_WORKER.CANCEL, { run: run.name, kinds: [kind] });
    }

    Object.assign(this, { state, startSample, startQuality, startDensity, cancel, run });
    this.freshQuality = freshQuality;
  }

  /** Stops the streamed sample where it is (its frames stay). */
  stopSample() {
    this.cancel('sample');
    const s = this.state.sample;
    if (s && !s.done) Object.assign(s, { done: true, doneAt: Infinity });
  }

  /**
   * Starts what the figures on screen need (shown: { sample, quality, density }) and stops what they
   * no longer do: a sample whenever the network changed (after RESAMPLE_HOLD_MS to look at the last),
   * quality and density once training pauses, for the network as it stands.
   */
  schedule(now, shown) {
    const { state, run } = this;
    const ready = run.dim === 2 && run.step > 0; // a failed job waits for a new network, not run.error
    const s = state.sample;
    const sampleBusy = !!s && !s.done;
    if (sampleBusy && !shown.sample) {
      this.cancel('sample');
      state.sample = null; // sample again when it comes back into view
    } else if (
      shown.sample &&
      ready &&
      !sampleBusy &&
      (!s || ((s.step !== run.step || s.generation !== run.generation) && now - s.doneAt > RESAMPLE_HOLD_MS))
    )
      this.startSample();
    const q = state.quality;
    const qualityBusy = q.jobId > 0 && !q.done;
    if (qualityBusy && (!shown.quality || run.playing)) {
      this.cancel('quality');
      state.quality = this.freshQuality();
    } else if (
      shown.quality &&
      ready &&
      !run.playing &&
      !qualityBusy &&
      (q.step !== run.step || q.generation !== run.generation)
    )
      this.startQuality();
    const d = state.density;
    const densityBusy = !!d && !d.done;
    if (densityBusy && (!shown.density || run.playing)) {
      this.cancel('density');
      state.density = null;
    } else if (
      shown.density &&
      ready &&
      !run.playing &&
      !densityBusy &&
      (!d || d.step !== run.step || d.generation !== run.generation)
    )
      this.startDensity();
  }
}
