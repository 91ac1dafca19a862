// pretrained-section.js — the page's headline: digits drawn by a pretrained class-conditional score
// network (web/core/scorefield-digits-model.sfw) the moment the page opens, while nothing has trained
// yet. Buttons 0–9 and "any" pick the class, a slider the classifier-free guidance w (both rows of the
// settings table, kept on the NCSN digits run's values so that the address carries them); the grid
// shows the samples as the worker finishes each noise level, the filmstrip one sample's frames across
// the levels, and the read-outs the core's digit classifier's verdict on them: the confident share, the
// class histogram and, for a class asked for, the conditional accuracy.
//
// The worker fetches the model only when this grid is on screen and asks for samples
// (web/worker/pretrained.js); everything drawn comes from its messages.

import { button, el, readout } from './controls.js';
import { ModelView, drawNote } from './views.js';
import { drawDigitGrid, drawFilmstripCursor, filmstripLayer } from '../render/digits.js';
import { BAR_COLORS, MUTED_COLOR, TEXT_COLOR, TICK_FONT, TITLE_FONT } from '../render/theme.js';
import { digitClassValue, settingRow } from '../core/settings.js';
import { parseSetting } from './settings.js';
import { DIGITS_FROM_WORKER, DIGITS_TO_WORKER, TO_WORKER } from '../worker/protocol.js';
import { areaView, clipToArea, drawAxes, plotArea } from '../render/axes.js';
import { RunToolbar } from './toolbar.js';
import { rowsOf } from './settings.js';
import { RUN_EVENTS } from './events.js';

export const HERO_SAMPLES = 40; // 4 rows of 10: with 'any', column k holds class k
const PIXELS = 64;
const CLASSES = 10;
// The headline's sampler: 20 steps per level at ε = 10⁻⁴, the same T·ε as the core's digits default
// (100 at 2·10⁻⁵) in a fifth of the time. Measured in Node on the shipped model (20 samples per class,
// guidance 2): 100 % confident and drawn as asked with either; with w = 0, 90 % and 99.5 % (88.5 % and
// 97.5 % at the default).
export const HERO_STEPS = 20;
export const HERO_EPS = 1e-4;
const FIRST_DIGITS_MARK = 'scorefield:first-digits'; // performance mark: the first finished grid on screen

/**
 * The section's state and its requests to the worker: the latest job's partial chains (after each
 * level), its finished frames and their quality.
 */
export class PretrainedDigits {
  constructor(engine, run) {
    this.engine = engine;
    this.run = run; // the NCSN digits run, whose values hold digitClass and guidance
    this.jobId = 0;
    this.seed = 0;
    this.partial = null; // { level, levels, n, x } of the running job
    this.result = null; // the finished PRETRAINED message
    this.quality = null; // the classifier's measure of result
    this.error = '';
    this.pending = false;
    this.requested = false;
    this.firstDigitsMs = null; // ms from navigation start to the first finished grid drawn
    this.listeners = new Set();
    engine.on(DIGITS_FROM_WORKER.LEVEL, (msg) => {
      if (msg.jobId !== this.jobId) return;
      this.partial = msg;
      this.#changed();
    });
  }

  subscribe(fn) {
    this.listeners.add(fn);
  }

  get digitClass() {
    return digitClassValue(this.run.values.digitClass);
  }

  get guidance() {
    return this.run.values.guidance;
  }

  /** New samples for the current class and guidance (the next seed when `again`). */
  sample({ again = false } = {}) {
    if (again) this.seed++;
    if (!this.requested) performance.mark('scorefield:digits-requested');
    this.requested = true;
    const jobId = ++this.jobId;
    this.pending = true;
    this.error = '';
    this.partial = null;
    const cls = this.digitClass,
      guidance = this.guidance;
    this.#changed();
    this.engine
      .request(DIGITS_TO_WORKER.PRETRAINED, {
        jobId,
        n: HERO_SAMPLES,
        seed: this.seed,
        class: cls,
        guidance,
        steps: HERO_STEPS,
        eps: HERO_EPS,
      })
      .then(
        (msg) => {
          if (msg.replaced || jobId !== this.jobId) return;
          this.pending = false;
          this.result = msg;
          this.partial = null;
          this.quality = null;
          this.#changed();
          const last = msg.frames.subarray(msg.levels * msg.n * PIXELS);
          const want = cls === 'any' ? null : msg.classes.slice();
          return this.engine
            .request(DIGITS_TO_WORKER.QUALITY, { x: last.slice(), ...(want ? { want } : {}) })
            .then((q) => {
              if (jobId !== this.jobId) return;
              this.quality = { ...q.quality, class: cls, guidance };
              this.#changed();
            });
        },
        (err) => {
          if (jobId !== this.jobId) return;
          this.pending = false;
          this.error = err.message;
          this.#changed();
        },
      )
      .catch((err) => {
        if (jobId !== this.jobId) return;
        this.error = `the samples could not be measured: ${err.message}`;
        this.#changed();
      });
  }

  /**
   * Sets digitClass or guidance from outside text (a button, the slider): a bad value leaves
   * everything as it was and returns the row's message; a good one samples again.
   */
  set(name, raw) {
    const parsed = parseSetting(settingRow(name), raw);
    if ('error' in parsed) return parsed.error;
    this.run.set(name, parsed.value);
    this.sample();
    return '';
  }

  /** Called when the grid's first finished samples were drawn. */
  drawn() {
    if (this.firstDigitsMs !== null) return;
    this.firstDigitsMs = performance.now();
    performance.mark(FIRST_DIGITS_MARK);
  }

  #changed() {
    for (const fn of this.listeners) fn(this);
  }
}

function classTitle(cls) {
  return cls === 'any' ? 'any digit (column k: class k)' : `the digit ${cls}`;
}

/** The grid: the latest chains (after the last finished level), then the finished samples (model: a PretrainedDigits). */
export class HeroGridView extends ModelView {
  constructor(canvas, digits) {
    super(canvas, digits);
    this.rendered = 0;
  }

  draw(ctx, width, height) {
    const digits = this.model,
      { result, partial } = digits;
    if (digits.error && !result) {
      drawNote(ctx, width, height, ['The pretrained digits could not be drawn:', digits.error]);
      return;
    }
    if (partial) {
      drawDigitGrid(ctx, width, height, partial.x, partial.n, 0);
      this.describe(`Pretrained digits being sampled: noise level ${partial.level} of ${partial.levels}.`);
      this.rendered++;
      return;
    }
    if (!result) {
      drawNote(ctx, width, height, ['Loading the pretrained model…']);
      return;
    }
    drawDigitGrid(ctx, width, height, result.frames, result.n, result.levels);
    this.rendered++;
    digits.drawn();
    this.describe(
      `${result.n} samples of ${classTitle(result.class)} from the pretrained model, guidance ${result.guidance}.`,
    );
  }
}

/** Sample 0's frames across the noise levels, the last one outlined (model: a PretrainedDigits). */
export class HeroFilmstripView extends ModelView {
  constructor(canvas, digits) {
    super(canvas, digits);
    this.layer = null;
    this.layerOf = null;
  }

  draw(ctx, width, height) {
    const { result } = this.model;
    if (!result) {
      drawNote(ctx, width, height, ['One sample, level by level, appears here.']);
      return;
    }
    const { canvas } = ctx;
    if (!this.layer || this.layerOf !== result || this.layer.width !== width || this.layer.height !== height) {
      this.layer = filmstripLayer(width, height, result.frames, result.n, 0, canvas.width, canvas.height);
      this.layerOf = result;
    }
    drawFilmstripCursor(ctx, this.layer, result.levels);
    this.describe(
      `The first sample after each of the ${result.levels} noise levels (frame 0 is its start, 0.1·U(0, 1)^64).`,
    );
  }
}

/**
 * The classifier's class histogram of the samples, with the confident share and accuracy in the title
 * (model: a PretrainedDigits).
 */
export class HeroHistogramView extends ModelView {
  draw(ctx, width, height) {
    const { quality: q, result } = this.model;
    if (!q) {
      drawNote(ctx, width, height, [result ? 'Classifying…' : '']);
      return;
    }
    const top = 36,
      bottom = 18;
    // Bars to the largest share (at least 20 %), so that ten classes at 10 % each do not sit as slivers
    // under an empty plot; the numbers above the bars say the shares.
    const slot = width / CLASSES,
      barW = Math.max(2, slot * 0.6),
      plotH = Math.max(1, height - top - bottom),
      full = Math.max(0.2, ...q.classShare);
    ctx.save();
    ctx.font = TITLE_FONT;
    ctx.fillStyle = TEXT_COLOR;
    ctx.textBaseline = 'alphabetic';
    ctx.fillText('what the classifier sees (% of the samples per class)', 0, 14);
    ctx.font = TICK_FONT;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    for (let k = 0; k < CLASSES; k++) {
      const share = q.classShare[k],
        h = (share / full) * plotH,
        x = k * slot + (slot - barW) / 2;
      ctx.fillStyle = q.class === k ? BAR_COLORS.exact : BAR_COLORS.sliced;
      ctx.fillRect(x, top + plotH - h, barW, h);
      ctx.fillStyle = MUTED_COLOR;
      ctx.fillText(String(k), k * slot + slot / 2, height - bottom + 3);
      ctx.textBaseline = 'bottom';
      ctx.fillText(`${Math.round(100 * share)}`, k * slot + slot / 2, top + plotH - h - 1);
      ctx.textBaseline = 'top';
    }
    ctx.restore();
    const shares = q.classShare.map((s, k) => `${k}: ${Math.round(100 * s)} %`).join(', ');
    this.describe(`Class histogram of the samples by the digit classifier: ${shares}.`);
  }
}

const pct = (v) => (v == null ? '–' : `${(100 * v).toFixed(v === 1 ? 0 : 1)} %`);

/**
 * The class buttons (0–9, any), Draw again, the guidance slider and the read-outs, appended to box;
 * shared by the page's headline and the widget's pretrained panel. Returns { message, sync() } (sync:
 * show the run's current values).
 */
export function buildDigitsControls(box, digits, { onUserAction = () => {}, idPrefix = 'hero' } = {}) {
  const classRow = settingRow('digitClass');
  const classes = el('div', 'toolbar-buttons class-buttons');
  classes.setAttribute('role', 'group');
  classes.setAttribute('aria-label', classRow.label);
  const classButtons = new Map();
  const message = el('output', 'field-error');
  message.id = `${idPrefix}-message`;
  message.setAttribute('role', 'status');
  for (const option of classRow.options) {
    const b = button(option.value, () => {
      onUserAction();
      message.textContent = digits.set('digitClass', option.value);
    });
    b.dataset.digitClass = option.value;
    b.title = option.value === 'any' ? option.label : `Draw the digit ${option.value}`;
    classButtons.set(option.value, b);
    classes.append(b);
  }
  const again = button('Draw again', () => {
    onUserAction();
    digits.sample({ again: true });
  });
  again.title = 'New samples from the next seed';
  const guidanceRow = settingRow('guidance');
  const field = el('div', 'field field-range');
  const label = el('label', 'field-label', guidanceRow.label);
  const slider = el('input');
  Object.assign(slider, {
    type: 'range',
    id: `${idPrefix}-guidance`,
    min: String(guidanceRow.min),
    max: String(guidanceRow.max),
    step: '0.5',
    value: String(digits.guidance),
    title: guidanceRow.help,
  });
  label.htmlFor = slider.id;
  const sliderValue = el('output', 'sigma-value', String(digits.guidance));
  sliderValue.htmlFor = slider.id;
  slider.addEventListener('input', () => {
    sliderValue.textContent = slider.value;
  });
  slider.addEventListener('change', () => {
    onUserAction();
    message.textContent = digits.set('guidance', slider.value);
    slider.value = String(digits.guidance);
    sliderValue.textContent = slider.value;
  });
  field.append(label, slider, sliderValue);
  const confidentOut = readout('confident (p ≥ 0.9)'),
    accuracyOut = readout('drawn as asked'),
    timeOut = readout('sampled in');
  const readouts = el('div', 'toolbar-readouts');
  readouts.append(confidentOut.root, accuracyOut.root, timeOut.root);
  box.append(classes, again, field, readouts, message);

  const root = box.getRootNode();
  function sync() {
    for (const [value, b] of classButtons)
      b.setAttribute('aria-pressed', String(digits.run.values.digitClass === value));
    if (root.activeElement !== slider) {
      slider.value = String(digits.guidance);
      sliderValue.textContent = slider.value;
    }
  }
  digits.run.subscribe((_, what) => {
    if (what === RUN_EVENTS.SETTINGS) sync();
  });
  sync();
  digits.subscribe(() => {
    const q = digits.quality,
      r = digits.result;
    confidentOut.set(q ? pct(q.confident) : '–');
    accuracyOut.set(q ? (q.accuracy == null ? 'any class' : pct(q.accuracy)) : '–');
    timeOut.set(r ? `${Math.round(r.ms)} ms${r.modelMs > 0 ? ` (+${Math.round(r.modelMs)} ms loading)` : ''}` : '–');
    if (digits.error) message.textContent = digits.error;
  });
  return { message, sync };
}

/** What the browser tests read of a PretrainedDigits (the page's scorefieldTest.pretrained, the widget's state()). */
export function pretrainedState(digits, gridView, message) {
  return {
    jobId: digits.jobId,
    digitClass: digits.run.values.digitClass,
    guidance: digits.run.values.guidance,
    pending: digits.pending,
    level: digits.partial?.level ?? (digits.result ? digits.result.levels : 0),
    done: !!digits.result && !digits.pending,
    classes: digits.result ? Array.from(digits.result.classes) : [],
    resultClass: digits.result?.class ?? null,
    quality: digits.quality,
    error: digits.error,
    message: message.textContent,
    rendered: gridView.rendered,
    firstDigitsMs: digits.firstDigitsMs,
    ms: digits.result?.ms ?? null,
    modelMs: digits.result?.modelMs ?? null,
  };
}

/**
 * The widget's pretrained panel inside box: the controls, the grid and the filmstrip. Returns
 * { views, digits, gridView, state() }.
 */
export function mountPretrained(box, engine, run, idPrefix) {
  const digits = new PretrainedDigits(engine, run);
  const controls = el('div', 'toolbar sf-digit-controls');
  const canvas = (label, className) => {
    const c = el('canvas', className);
    c.setAttribute('role', 'img');
    c.setAttribute('aria-label', label);
    return c;
  };
  const grid = canvas('pretrained digits', 'sf-pretrained-grid'),
    strip = canvas('one pretrained sample across the noise levels', 'sf-pretrained-strip');
  box.append(controls, grid, strip);
  const { message } = buildDigitsControls(controls, digits, { idPrefix });
  const gridView = new HeroGridView(grid, digits);
  return {
    views: [gridView, new HeroFilmstripView(strip, digits)],
    digits,
    gridView,
    state: () => pretrainedState(digits, gridView, message),
  };
}

// ---- train your own ------------------------------------------------------------------------------------

const OWN_VIEW = 'own/samples';
const OWN_SAMPLES = 40; // as the headline's grid: with 'any', column k is class k
const OWN_REFRESH_MS = 2500; // ms between two measurements while the net trains
const QUALITY_COLORS = { confident: BAR_COLORS.sliced, accuracy: BAR_COLORS.exact };

/**
 * The headline's "train your own": a class-conditional net (the page's ownDigits run) trained live;
 * every OWN_REFRESH_MS while it trains its samples (class 'any', the headline's guidance) are drawn
 * and measured by the classifier, and the confident share and conditional accuracy are plotted
 * against the training step.
 */
export class OwnDigits {
  constructor(engine, run, digits) {
    this.engine = engine;
    this.run = run;
    this.digits = digits; // the headline's state: its guidance applies here too
    this.series = []; // [{ step, confident, accuracy }] of the current network
    this.generation = -1;
    this.measured = null; // the samples result last measured
    this.listeners = new Set();
    run.subscribe((_, what) => {
      if (run.generation !== this.generation) {
        this.generation = run.generation;
        this.series = [];
      }
      if (what === RUN_EVENTS.VIEW) this.#measure();
      this.#changed();
    });
  }

  subscribe(fn) {
    this.listeners.add(fn);
  }

  get samples() {
    const r = this.run.viewResult(OWN_VIEW);
    return r?.frames && r.generation === this.run.generation ? r : null;
  }

  /** Asks for samples when the network changed (at most every OWN_REFRESH_MS while it trains). */
  update() {
    const run = this.run;
    if (run.dim !== PIXELS || run.step === 0) return;
    const langevin = {
      steps: run.values.annealSteps,
      eps: run.values.annealEps,
      seed: 0,
      class: 'any',
      guidance: this.digits.guidance,
    };
    run.wantView(
      OWN_VIEW,
      TO_WORKER.SAMPLES,
      { n: OWN_SAMPLES, seed: 0, langevin },
      `${langevin.guidance}`,
      OWN_REFRESH_MS,
    );
  }

  #measure() {
    const r = this.samples;
    if (!r || r === this.measured) return;
    this.measured = r;
    const last = r.frames.slice(r.steps * r.n * PIXELS);
    const generation = r.generation;
    this.engine.request(DIGITS_TO_WORKER.QUALITY, { x: last, want: r.classes.slice() }).then(
      (msg) => {
        if (generation !== this.run.generation) return;
        const point = { step: r.step, confident: msg.quality.confident, accuracy: msg.quality.accuracy };
        this.series = [...this.series.filter((p) => p.step !== r.step), point].sort((a, b) => a.step - b.step);
        this.#changed();
      },
      () => {}, // a failed measurement leaves a gap; the samples still show
    );
  }

  #changed() {
    for (const fn of this.listeners) fn(this);
  }
}

/** The own net's latest samples (the final frame; model: an OwnDigits). */
class OwnGridView extends ModelView {
  draw(ctx, width, height) {
    const { samples: r, run } = this.model;
    if (!r) {
      drawNote(ctx, width, height, [run.step > 0 ? 'Sampling…' : 'Press Play: samples appear as it trains.']);
      return;
    }
    drawDigitGrid(ctx, width, height, r.frames, r.n, r.steps);
    this.describe(`${r.n} samples of your conditional net at training step ${r.step}, column k class k.`);
  }
}

/** Confident share and conditional accuracy against the training step, 0 to 100 % (model: an OwnDigits). */
class OwnQualityView extends ModelView {
  draw(ctx, width, height) {
    const { series, run } = this.model;
    const last = series[series.length - 1];
    const title = last
      ? `step ${last.step}: ${pct(last.confident)} confident, ${pct(last.accuracy)} drawn as asked`
      : 'confident share and conditional accuracy while it trains';
    const area = plotArea(width, height);
    const limits = { xmin: 0, xmax: Math.max(1, run.values.steps), ymin: 0, ymax: 1 };
    const view = areaView(limits, area);
    drawAxes(ctx, view, limits, { title, formatY: (v) => `${Math.round(100 * v)} %` });
    ctx.save();
    clipToArea(ctx, area);
    for (const key of ['confident', 'accuracy']) {
      const points = series.filter((p) => p[key] != null);
      ctx.strokeStyle = ctx.fillStyle = QUALITY_COLORS[key];
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      points.forEach((p, i) =>
        i === 0 ? ctx.moveTo(view.x(p.step), view.y(p[key])) : ctx.lineTo(view.x(p.step), view.y(p[key])),
      );
      ctx.stroke();
      for (const p of points) ctx.fillRect(view.x(p.step) - 2, view.y(p[key]) - 2, 4, 4);
    }
    ctx.restore();
    ctx.save();
    ctx.font = TICK_FONT;
    ctx.textBaseline = 'top';
    ctx.fillStyle = QUALITY_COLORS.confident;
    ctx.fillText('■ confident (p ≥ 0.9)', area.x + 8, area.y + 6);
    ctx.fillStyle = QUALITY_COLORS.accuracy;
    ctx.fillText('■ drawn as asked', area.x + 8, area.y + 22);
    ctx.restore();
    this.describe(`Quality of your conditional net while it trains: ${title}; ${series.length} measurements.`);
  }
}

/**
 * Builds the headline inside the page's markup (index.html, ids hero-*). run: the NCSN digits run
 * (its values hold digitClass and guidance). Returns { views, digits, update(now), test }.
 */
export function buildPretrainedSection({ engine, run, ownRun, onUserAction }) {
  const $ = (id) => document.getElementById(id);
  const digits = new PretrainedDigits(engine, run);
  const own = new OwnDigits(engine, ownRun, digits);
  const ownToolbar = new RunToolbar($('hero-own-toolbar'), ownRun, {
    onUserAction,
    rows: rowsOf('train').filter((row) => row.name !== 'dataset' && row.name !== 'objective'),
  });
  const { message } = buildDigitsControls($('hero-controls'), digits, { onUserAction });
  const gridView = new HeroGridView($('hero-grid'), digits);
  const views = [
    gridView,
    new HeroFilmstripView($('hero-filmstrip'), digits),
    new HeroHistogramView($('hero-histogram'), digits),
  ];
  const ownGrid = new OwnGridView($('hero-own-grid'), own);
  views.push(ownGrid, new OwnQualityView($('hero-own-quality'), own));

  function update() {
    // Lazily: the samples are asked for when the grid first comes on screen.
    if (!digits.requested && gridView.visible) digits.sample();
    if (ownGrid.visible) own.update();
  }

  return {
    views,
    digits,
    update,
    toolbars: [ownToolbar],
    test: () => ({ ...pretrainedState(digits, gridView, message), own: own.series.map((p) => ({ ...p })) }),
  };
}
