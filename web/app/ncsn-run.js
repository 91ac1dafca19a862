// ncsn-run.js — the page's record of an NCSN training run (section 7): a Run whose network is
// noise-conditional, s(x, σ), trained with the ncsn objective over a noise ladder, plus what the
// worker reports about it beyond a plain run: the sample-quality series measured while it trains,
// and the particle flow of its annealed sampler.
//
// It sends and receives through the Engine like any Run (run.js); the section's controller
// (ncsn-section.js) decides when to start a flow, the views (ncsn-views.js) draw.

import { Run } from './run.js';
import {
  NCSN_DATASET_OPTIONS,
  RUNS,
  annealSettings,
  ncsnCoreDefaults,
  ncsnTrainingSettings,
  rowsOf,
} from './settings.js';
import { FROM_ENGINE, FROM_WORKER, NCSN_FROM_WORKER, NCSN_TO_WORKER, TO_WORKER } from '../worker/protocol.js';
import { RUN_EVENTS } from './events.js';

const NCSN_ROWS = new Set(rowsOf('ncsn').map((row) => row.name));

/** The geometric noise ladder σ₁ … σ_L of a run's settings (what sf.noiseLadder computes, for labels). */
export function ladder({ sigmaMax, sigmaMin, levels }) {
  return Array.from({ length: levels }, (_, i) =>
    levels > 1 ? sigmaMax * (sigmaMin / sigmaMax) ** (i / (levels - 1)) : sigmaMax,
  );
}

export class NcsnRun extends Run {
  constructor(name, engine, overrides = {}) {
    super(name, engine, overrides);
    // A 2-D run offers the 2-D sets and the drawing; the shared dataset row (which the address is read
    // against) also accepts the digits, which this run's views cannot show: its default then.
    if (this.values.dataset !== 'digits' && !NCSN_DATASET_OPTIONS.some((o) => o.value === this.values.dataset)) {
      this.values.dataset = RUNS[name].defaults.dataset;
    }
    if (RUNS[name].defaults.dataset === 'digits') this.values.dataset = 'digits';
    this.quality = []; // [{ step, ed, error }] of the current network, in step order
    this.qualityFloor = NaN; // the worker's true-vs-true reference for the quality probe
    this.flow = null; // the latest FLOW_FRAME of the current flow
    this.flowId = 0;
    this.flowing = false; // a flow was asked for and has not sent its last frame
    this.flowStep = -1; // the training step the current flow started at
    this.coreDefaults = null;
    this.beforeDataset = null; // (dataset) => void, called before a new dataset is configured
    engine.ready.then(
      (ready) => {
        this.coreDefaults = ready.defaults;
      },
      () => {},
    );
  }

  /** Training settings with the noise ladder; objective 'ncsn' makes the worker's NcsnTrainer. */
  configure() {
    const classes = RUNS[this.name].classes ?? 0; // a class-conditional run's label count
    this.engine.send(TO_WORKER.CONFIGURE, {
      run: this.name,
      settings: { ...ncsnTrainingSettings(this.values), ...(classes > 0 ? { classes } : {}) },
    });
  }

  set(name, value) {
    if (name === 'dataset') this.beforeDataset?.(value); // the section sends painted points first
    super.set(name, value); // configures for the train rows
    if (NCSN_ROWS.has(name)) this.configure();
    // A drawing cannot travel in a link: settings nobody chose stay out of the address (address-sync.js
    // writes run.explicit), so a link made while drawing opens on the default dataset.
    if (name === 'dataset' && value === 'points') {
      this.explicit.delete('dataset');
      this.#notify(RUN_EVENTS.SETTINGS);
    }
  }

  /**
   * Takes the core's defaults for what nobody chose, except where this run's own defaults differ on
   * purpose (the digits' learning rate): the plain ones main.js passes, and the ladder and sampler.
   */
  adoptDefaults(defaults) {
    const own = RUNS[this.name].defaults;
    const all = { ...defaults, ...ncsnCoreDefaults(this.coreDefaults, this.values.dataset) };
    return super.adoptDefaults(Object.fromEntries(Object.entries(all).filter(([name]) => !(name in own))));
  }

  /** The annealed sampler's settings { steps, eps, seed } where SAMPLES takes the plain sampler's. */
  langevin() {
    const { steps, eps, seed } = annealSettings(this.values);
    return { steps, eps, seed };
  }

  /** Asks the worker to stream a new flow of the annealed sampler from uniform on box. */
  startFlow(box, seedOffset = 0) {
    const { n, steps, eps, seed } = annealSettings(this.values);
    this.flowId++;
    this.flowing = true;
    this.flowStep = this.step;
    this.engine.send(NCSN_TO_WORKER.FLOW, {
      run: this.name,
      flowId: this.flowId,
      n,
      steps,
      eps,
      seed: seed + seedOffset,
      box,
    });
  }

  /**
   * The whole particle flow for an animation (FLOW_FRAMES): n particles from uniform on box with the
   * flow's sampler settings and seed, `frames` frames evenly spaced; a promise of the answer.
   */
  flowFrames(box, seedOffset, n, frames) {
    const { steps, eps, seed } = annealSettings(this.values);
    return this.engine.request(NCSN_TO_WORKER.FLOW_FRAMES, {
      run: this.name,
      n,
      steps,
      eps,
      seed: seed + seedOffset,
      box,
      frames,
    });
  }

  /** Stops the flow where it is; its last frame stays on screen. */
  stopFlow() {
    this.flowId++;
    this.flowing = false;
    this.engine.send(NCSN_TO_WORKER.FLOW_STOP, { run: this.name });
    this.#notify(RUN_EVENTS.VIEW);
  }

  receive(msg) {
    if (msg.type === FROM_WORKER.STATE && msg.generation !== this.generation) {
      this.quality = [];
      this.qualityFloor = NaN;
      this.flow = null;
      this.flowing = false; // the worker drops a flow whose network was replaced
      this.flowStep = -1;
    }
    if (msg.type === FROM_ENGINE.RESTARTED) this.flowing = false; // the dead worker's flow ended with it
    switch (msg.type) {
      case NCSN_FROM_WORKER.QUALITY:
        if (msg.generation !== this.generation && this.generation !== -1) return true;
        // A reset network probes step 0 again: keep the series increasing.
        this.quality = this.quality.filter((q) => q.step < msg.step);
        this.quality.push({ step: msg.step, ed: msg.ed, error: msg.error ?? '' });
        this.qualityFloor = msg.floor;
        this.#notify(RUN_EVENTS.QUALITY);
        return true;
      case NCSN_FROM_WORKER.FLOW_FRAME:
        if (msg.flowId !== this.flowId) return true; // from a flow since replaced or stopped
        this.flow = msg;
        if (msg.done) this.flowing = false;
        this.#notify(RUN_EVENTS.VIEW); // as frequent as frames: the toolbar ignores 'view'
        return true;
      default:
        return super.receive(msg);
    }
  }

  // Run's own event emitter is private; its listeners are not, and views filter on `what`.
  #notify(what) {
    for (const fn of this.listeners) fn(this, what);
  }
}
