// run.js — the page's record of one training run: its settings, its loss history, what the worker
// last said about it (step, playing, cost per step, divergence, errors) and the fields, chains and
// samples the worker computed for its views, with the bookkeeping that keeps at most one request of
// each kind in flight (so views ask again only after the previous answer arrived — as often as the
// display allows, and never faster than the worker answers).
//
// It sends messages through the Engine and tells listeners when something changed; drawing and
// controls are the views' (views.js, digit-views.js) and toolbars' (toolbar.js).

import { FROM_ENGINE, FROM_WORKER, TO_WORKER } from '../worker/protocol.js';
import { langevinSettings, runDefaults, trainingSettings } from './settings.js';
import { RUN_EVENTS } from './events.js';

const RATE_WINDOW_MS = 1000; // steps/s is measured over about this much recent time
const INITIAL_LOSS_CAPACITY = 2048; // floats; the history doubles when full

/** The messages a Run receives (receive()): whoever owns the Engine routes these to runs by msg.run. */
export const RUN_MESSAGES = Object.freeze([
  FROM_WORKER.STATE,
  FROM_WORKER.LOSSES,
  FROM_WORKER.DIVERGED,
  FROM_WORKER.FIELD,
  FROM_WORKER.CHAINS,
  FROM_WORKER.SAMPLES,
  FROM_WORKER.VIEW_PROGRESS,
  FROM_WORKER.ERROR,
  FROM_ENGINE.RESTARTED,
]);

export class Run {
  constructor(name, engine, overrides = {}) {
    this.name = name;
    this.engine = engine;
    this.values = { ...runDefaults(name), ...overrides };
    this.explicit = new Set(Object.keys(overrides)); // settings chosen in the address or by the user
    this.losses = new Float32Array(INITIAL_LOSS_CAPACITY);
    this.count = 0; // losses recorded (= steps taken, as the worker reports them)
    this.step = 0;
    this.generation = -1; // the worker's network counter (see protocol.js STATE); −1 before the first
    this.dim = 0; // 0 until the worker created the model
    this.playing = false;
    this.msPerStep = NaN;
    this.rateSamples = []; // [time ms, step] pairs over the last RATE_WINDOW_MS
    this.diverged = null; // the worker's DIVERGED message while it stands
    this.error = ''; // the last error message about this run
    this.notice = ''; // something the run's status line should say that is not an error (a restart)
    this.fields = new Map(); // gridId → { generation, step, scores } (scores null after a failure)
    this.pendingFields = new Set();
    this.viewResults = new Map(); // viewId → { ...CHAINS or SAMPLES message, version, sentAt } (frames null after a failure)
    this.pendingViews = new Map(); // viewId → { version, sentAt }
    this.viewProgress = new Map(); // viewId → { done, total } sampler steps of a view computed in pieces
    this.listeners = new Set();
  }

  /** Calls fn(run, what) after every change ('losses', 'state', 'field', 'view', 'status'). */
  subscribe(fn) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  #emit(what) {
    for (const fn of this.listeners) fn(this, what);
  }

  // ---- commands --------------------------------------------------------------------------------

  /**
   * Takes the core's defaults for the settings nobody chose (before the first configure()); returns
   * the names whose value changed, for the controls to show.
   */
  adoptDefaults(defaults) {
    const changed = [];
    for (const [name, value] of Object.entries(defaults)) {
      if (this.explicit.has(name) || this.values[name] === value) continue;
      this.values[name] = value;
      changed.push(name);
    }
    return changed;
  }

  /** Sends the training settings to the worker (creating the model the first time). */
  configure() {
    this.engine.send(TO_WORKER.CONFIGURE, { run: this.name, settings: trainingSettings(this.values) });
  }

  /** Applies one validated setting; training settings go to the worker at once. */
  set(name, value) {
    this.values[name] = value;
    this.explicit.add(name);
    if (name in trainingSettings(this.values)) {
      this.diverged = name === 'lr' ? null : this.diverged;
      this.configure();
    }
    this.#emit(RUN_EVENTS.SETTINGS);
  }

  /**
   * Takes settings the worker already applied (a loaded weights file's, FROM_WORKER.LOADED): nothing
   * is sent; listeners hear 'settings'.
   */
  adopt(values) {
    for (const [name, value] of Object.entries(values)) {
      if (!Object.hasOwn(this.values, name)) continue;
      this.values[name] = value;
      this.explicit.add(name);
    }
    this.#emit(RUN_EVENTS.SETTINGS);
  }

  play() {
    this.#sendAfresh(TO_WORKER.PLAY);
  }

  pause() {
    this.engine.send(TO_WORKER.PAUSE, { run: this.name });
  }

  stepOnce() {
    this.diverged = null;
    this.engine.send(TO_WORKER.STEP, { run: this.name, steps: 1 });
  }

  reset() {
    this.#sendAfresh(TO_WORKER.RESET);
  }

  // Play and Reset start the run's story again: no divergence, error or notice left from before.
  #sendAfresh(type) {
    this.diverged = null;
    this.error = '';
    this.notice = '';
    this.engine.send(type, { run: this.name });
    this.#emit(RUN_EVENTS.STATUS);
  }

  /**
   * Where the run can go back to after it diverged: { step, settings } of the page's checkpoint from
   * before training last started or a setting last changed (Engine.safePoint), or null.
   */
  safePoint() {
    return this.engine.safePoint(this.name);
  }

  /** Puts the network back at its safe point, paused there; returns whether there was one. */
  rewind() {
    if (!this.engine.rewind(this.name)) return false;
    this.diverged = null;
    this.error = '';
    this.#emit(RUN_EVENTS.STATUS);
    return true;
  }

  /** Whether the run has reached its steps setting. */
  get done() {
    return this.step >= this.values.steps;
  }

  /** The losses recorded so far (a view, not a copy). */
  history() {
    return this.losses.subarray(0, this.count);
  }

  /** Mean of the last k finite losses (the tutorial's title shows k = 32), NaN before any. */
  recentMean(k) {
    let sum = 0,
      n = 0;
    for (let i = Math.max(0, this.count - k); i < this.count; i++) {
      if (Number.isFinite(this.losses[i])) {
        sum += this.losses[i];
        n++;
      }
    }
    return n > 0 ? sum / n : NaN;
  }

  /** Steps per second over the last RATE_WINDOW_MS (wall time, everything included); 0 when idle. */
  stepsPerSecond(now = performance.now()) {
    const recent = this.rateSamples.filter(([t]) => now - t <= RATE_WINDOW_MS);
    if (recent.length < 2) return 0;
    const [t0, s0] = recent[0],
      [t1, s1] = recent[recent.length - 1];
    return t1 > t0 ? ((s1 - s0) * 1000) / (t1 - t0) : 0;
  }

  // ---- view requests -----------------------------------------------------------------------------

  /** Asks for the score on grid (gridId names it) unless the latest one is current or one is in flight. */
  wantField(gridId, grid) {
    if (this.dim !== 2 || this.pendingFields.has(gridId)) return;
    if (this.#current(this.fields.get(gridId))) return;
    this.pendingFields.add(gridId);
    this.engine.send(TO_WORKER.FIELD, { run: this.name, gridId, grid });
  }

  /**
   * Asks for chains (type CHAINS) or samples (SAMPLES) for a view unless its latest answer is for this
   * step and version (the view's own counter of its inputs) or one is in flight. While training,
   * minIntervalMs spaces the requests out.
   */
  wantView(viewId, type, payload, version, minIntervalMs = 0) {
    if (this.dim === 0 || this.pendingViews.has(viewId)) return;
    const last = this.viewResults.get(viewId);
    if (this.#current(last) && last.version === version) return;
    const now = performance.now();
    if (last && last.version === version && this.playing && now - last.sentAt < minIntervalMs) return;
    this.pendingViews.set(viewId, { version, sentAt: now });
    this.engine.send(type, { run: this.name, viewId, ...payload });
  }

  /** The latest answer for a view (CHAINS or SAMPLES message plus version), or undefined. */
  viewResult(viewId) {
    return this.viewResults.get(viewId);
  }

  /** The Langevin settings of this run, as CHAINS and SAMPLES take them. */
  langevin() {
    return langevinSettings(this.values);
  }

  // ---- answers from the worker -----------------------------------------------------------------

  /** Routes a worker message about this run; returns true if it was one. */
  receive(msg) {
    switch (msg.type) {
      case FROM_WORKER.STATE:
        if (msg.generation !== this.generation) this.#restart(msg.step);
        // Back at a checkpoint after the worker was restarted: the steps since are retrained.
        else if (msg.step < this.count) this.count = msg.step;
        this.generation = msg.generation;
        this.step = msg.step;
        this.dim = msg.dim;
        this.playing = msg.playing;
        this.#emit(RUN_EVENTS.STATE);
        return true;
      case FROM_WORKER.LOSSES:
        if (msg.generation !== this.generation) return true; // from a network since replaced
        this.#record(msg);
        this.#emit(RUN_EVENTS.LOSSES);
        return true;
      case FROM_WORKER.DIVERGED:
        this.diverged = msg;
        this.playing = false;
        this.#emit(RUN_EVENTS.STATUS);
        return true;
      case FROM_WORKER.FIELD:
        this.pendingFields.delete(msg.gridId);
        this.fields.set(msg.gridId, { generation: msg.generation, step: msg.step, scores: msg.scores });
        this.#emit(RUN_EVENTS.FIELD);
        return true;
      case FROM_WORKER.VIEW_PROGRESS:
        if (this.pendingViews.has(msg.viewId)) {
          this.viewProgress.set(msg.viewId, { done: msg.done, total: msg.total });
          this.#emit(RUN_EVENTS.VIEW);
        }
        return true;
      case FROM_WORKER.CHAINS:
      case FROM_WORKER.SAMPLES: {
        const sent = this.pendingViews.get(msg.viewId);
        this.pendingViews.delete(msg.viewId);
        this.viewProgress.delete(msg.viewId);
        this.viewResults.set(msg.viewId, { ...msg, version: sent?.version, sentAt: sent?.sentAt ?? 0 });
        this.#emit(RUN_EVENTS.VIEW);
        return true;
      }
      case FROM_ENGINE.RESTARTED:
        // The dead worker will answer nothing: ask again. Its STATE follows from the new worker.
        this.pendingFields.clear();
        this.pendingViews.clear();
        this.viewProgress.clear();
        this.playing = false;
        this.notice = msg.message;
        this.#emit(RUN_EVENTS.STATUS);
        return true;
      case FROM_WORKER.ERROR:
        // The request that failed will not be answered: mark it answered for this network and step,
        // without data, so the view shows the message instead of asking again every frame.
        if (msg.request === TO_WORKER.FIELD && msg.gridId != null) {
          this.pendingFields.delete(msg.gridId);
          this.fields.set(msg.gridId, { generation: this.generation, step: this.step, scores: null });
        }
        if ((msg.request === TO_WORKER.CHAINS || msg.request === TO_WORKER.SAMPLES) && msg.viewId != null) {
          const sent = this.pendingViews.get(msg.viewId);
          this.pendingViews.delete(msg.viewId);
          this.viewProgress.delete(msg.viewId);
          this.viewResults.set(msg.viewId, {
            generation: this.generation,
            step: this.step,
            frames: null,
            version: sent?.version,
            sentAt: sent?.sentAt ?? 0,
          });
        }
        this.error = msg.message;
        this.#emit(RUN_EVENTS.STATUS);
        return true;
      default:
        return false;
    }
  }

  #record({ firstStep, losses, step, msPerStep }) {
    const end = firstStep + losses.length;
    if (end > this.losses.length) {
      const grown = new Float32Array(Math.max(end, 2 * this.losses.length));
      grown.set(this.losses.subarray(0, this.count));
      this.losses = grown;
    }
    this.losses.set(losses, firstStep);
    this.count = end;
    this.step = step;
    this.msPerStep = msPerStep;
    const now = performance.now();
    this.rateSamples.push([now, step]);
    while (this.rateSamples.length > 2 && now - this.rateSamples[0][0] > RATE_WINDOW_MS) this.rateSamples.shift();
  }

  // A new network (reset, a new dataset or seed, or a loaded weights file): forget everything that
  // described the old one. A loaded network starts at the file's step, whose earlier losses are
  // unknown: NaN, which the loss plot and means skip.
  #restart(step = 0) {
    if (step > this.losses.length) this.losses = new Float32Array(Math.max(step, 2 * this.losses.length));
    this.losses.fill(NaN, 0, step);
    this.count = step;
    this.rateSamples = [];
    this.fields.clear();
    this.viewResults.clear();
    // The worker drops queued view requests on a reset: they will not be answered.
    this.pendingFields.clear();
    this.pendingViews.clear();
    this.viewProgress.clear();
    this.msPerStep = NaN;
  }

  // Whether an answer describes the current network at the current step.
  #current(answer) {
    return !!answer && answer.generation === this.generation && answer.step === this.step;
  }
}
