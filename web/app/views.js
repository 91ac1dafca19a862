// views.js — the page's canvas views of the 2-D runs: the data, the loss history, the score field
// (alone, with the data, with Langevin chains) and the cost comparison. A view knows which run it
// shows, asks the run for what it needs while it is on screen, and redraws when something it shows
// changed — at most once per animation frame, through the pure draw functions of web/render/.
//
// Each view owns its canvas's size handling (crisp at any devicePixelRatio) and nothing else: the
// loop that calls update() and render() every frame is main.js's, the numbers are the worker's.

import { gridPoints, log1pArrows } from '../render/geometry.js';
import { observeCanvasSize, prepareCanvas } from '../render/canvas.js';
import { areaView, clipToArea, drawAxes, plotArea, plotLimits } from '../render/axes.js';
import { drawScatter } from '../render/scatter.js';
import { drawQuiver } from '../render/quiver.js';
import { drawChains } from '../render/chains.js';
import { drawLoss } from '../render/loss.js';
import { MUTED_COLOR, NOTE_FONT, TITLE_FONT, TEXT_COLOR } from '../render/theme.js';
import { TO_WORKER } from '../worker/protocol.js';
import { RUN_EVENTS } from './events.js';

const TITLE_MEAN_LAST = 32; // the tutorial's loss title: mean of the last 32 losses
const ZOOM_STEPS = 200; // steps the loss plot's zoom shows
// While training, a D = 64 run's sample grid refreshes at most this often: 16 chains of 50 steps
// cost the worker a few ms, and digits change slowly.
const SAMPLE_REFRESH_MS = 1000; // ms
const PREVIEW_SAMPLES = 16; // digits shown when a field view's run trains on digits

// Data layers by canvas size and grid (see FieldView's #drawData).
const dataLayers = new Map();

/** The tutorial's quiver: 50 × 50 over [−1.5, 2]². */
export const WIDE_GRID = Object.freeze({ xmin: -1.5, xmax: 2, ymin: -1.5, ymax: 2, nx: 50, ny: 50 });
/** The field drawn with the data and the chains: 50 × 50 over [−1.5, 1.5]². */
export const DATA_GRID = Object.freeze({ xmin: -1.5, xmax: 1.5, ymin: -1.5, ymax: 1.5, nx: 50, ny: 50 });

/** A canvas that redraws when marked dirty, on screen, and resized; subclasses implement draw(). */
export class CanvasView {
  constructor(canvas) {
    this.canvas = canvas;
    this.dirty = true;
    this.visible = false; // set by main.js's IntersectionObserver
    this.label = canvas.getAttribute('aria-label') ?? '';
    observeCanvasSize(canvas, () => this.invalidate());
  }

  invalidate() {
    this.dirty = true;
  }

  /** Asks the worker for what this view needs (called every frame while visible). */
  update() {}

  /** Redraws if something changed and the canvas is on screen. */
  render() {
    if (!this.dirty || !this.visible) return;
    this.dirty = false;
    const { ctx, width, height } = prepareCanvas(this.canvas);
    this.draw(ctx, width, height);
  }

  /** Keeps the canvas's accessible name in step with what it shows. */
  describe(text) {
    if (text !== this.label) {
      this.canvas.setAttribute('aria-label', text);
      this.label = text;
    }
  }

  draw() {}
}

/**
 * A CanvasView of one model: anything with subscribe(fn) that calls fn when what it holds changes (a
 * DigitPlayer, the pretrained digits, …). The view redraws on every change.
 */
export class ModelView extends CanvasView {
  constructor(canvas, model) {
    super(canvas);
    this.model = model;
    model.subscribe(() => this.invalidate());
  }
}

/** view.readout (plot-readout.js), loaded 'now' or on first use. */
export function attachReadout(view, options, when = 'now') {
  const canvas = view.canvas;
  canvas.tabIndex = 0;
  let loading;
  const load = () =>
    (loading ??= import('./plot-readout.js').then(({ PlotReadout }) => {
      view.readout = new PlotReadout(canvas, () => view.invalidate(), options);
      view.invalidate();
    }));
  if (when === 'now') load();
  else for (const type of ['pointerenter', 'pointerdown', 'focus']) canvas.addEventListener(type, load, { once: true });
}

/** A message in the middle of a canvas, for states where there is nothing to plot. */
export function drawNote(ctx, width, height, lines) {
  ctx.save();
  ctx.font = NOTE_FONT;
  ctx.fillStyle = MUTED_COLOR;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  const lineHeight = 20; // px
  lines.forEach((line, i) => ctx.fillText(line, width / 2, height / 2 + (i - (lines.length - 1) / 2) * lineHeight));
  ctx.restore();
}

/**
 * The note an "exact" panel shows for a dataset with no closed form (only the two Gaussian mixtures
 * have one), and the matching description for screen readers. `what` names the exact quantity.
 * @param {{ describe(text: string): void }} view @param {CanvasRenderingContext2D} ctx @param {number} width
 * @param {number} height @param {string} what
 */
export function drawNoExact(view, ctx, width, height, what) {
  drawNote(ctx, width, height, [
    'Only the two Gaussian mixtures have',
    `an exact ${what} to compare with:`,
    'choose eight Gaussians or the mixture.',
  ]);
  view.describe(`No exact ${what} for this dataset.`);
}

// How the chains figure shows chains longer than it draws: every stride-th step (web/worker/pieces.js).
function strideNote({ steps, stride = 1 }) {
  return stride > 1 ? ` of ${steps} steps, every ${stride}th step drawn` : '';
}

/** A run's loss history against the step, titled with the mean of the last 32 losses; a read-out. */
export class LossView extends CanvasView {
  constructor(canvas, run, { readout = 'now' } = {}) {
    super(canvas);
    this.run = run;
    attachReadout(this, { label: 'loss plot', zoomSteps: ZOOM_STEPS }, readout);
    run.subscribe((_, what) => {
      if (what === RUN_EVENTS.LOSSES || what === RUN_EVENTS.STATE || what === RUN_EVENTS.SETTINGS) this.invalidate();
    });
  }

  draw(ctx, width, height) {
    const run = this.run;
    const mean = run.recentMean(TITLE_MEAN_LAST);
    // A network loaded from a weights file starts at its step with no losses known (NaN) before it.
    const title =
      run.count === 0
        ? 'loss (no steps yet)'
        : !Number.isFinite(mean)
          ? `loss (loaded at step ${run.count}, none trained since)`
          : `mean loss of the last ${Math.min(TITLE_MEAN_LAST, run.count)} steps = ${mean.toFixed(3)}`;
    const from = this.readout?.fromStep(run.count) ?? 0,
      losses = run.losses;
    const view = drawLoss(ctx, width, height, losses, run.count, { steps: run.values.steps, title, from });
    this.readout?.drawLoss(ctx, view, losses, from, run.count);
    this.describe(`Loss history of the ${run.name} run: ${run.count} steps, ${title}.`);
  }
}

/**
 * The learned score field of a 2-D run as the tutorial's log1p-scaled quiver over a grid, optionally
 * over the data and with Langevin chains (the chain layer's starts come from a ChainSet). A run
 * training on digits has no 2-D field: the view then shows Langevin samples (or a note, with data).
 */
let drawDigitGrid = null; // render/digits.js's, once a field view has shown a run of digits
let digitGridLoading = null;

export class FieldView extends CanvasView {
  constructor(canvas, run, { id, grid, data = null, chains = null, title }) {
    super(canvas);
    this.run = run;
    this.id = id;
    this.grid = grid;
    this.gridId = `${grid.xmin},${grid.xmax},${grid.ymin},${grid.ymax},${grid.nx},${grid.ny}`;
    this.points = gridPoints(grid);
    this.limits = plotLimits(grid);
    this.data = data; // { points } shared with the data view, or null
    this.chains = chains; // a ChainSet, or null
    this.title = title;
    this.firstQuiverDrawn = false;
    run.subscribe((_, what) => {
      if (what !== RUN_EVENTS.LOSSES) this.invalidate();
    });
    if (chains) {
      chains.subscribe(() => this.invalidate());
      canvas.addEventListener('click', (event) => this.#click(event));
    }
  }

  update() {
    const run = this.run;
    if (run.dim === 2) {
      run.wantField(this.gridId, this.grid);
      if (this.chains && this.chains.count > 0) {
        run.wantView(
          this.id,
          TO_WORKER.CHAINS,
          { starts: this.chains.starts(), langevin: run.langevin() },
          this.chains.version,
        );
      }
    } else if (run.dim > 2 && !this.data) {
      run.wantView(
        `${this.id}/samples`,
        TO_WORKER.SAMPLES,
        { n: PREVIEW_SAMPLES, seed: run.values.chainSeed, langevin: run.langevin() },
        0,
        SAMPLE_REFRESH_MS,
      );
    }
  }

  draw(ctx, width, height) {
    const run = this.run;
    if (run.dim === 0) {
      drawNote(ctx, width, height, [run.error || 'Starting the network…']);
      return;
    }
    if (run.dim !== 2) {
      this.#drawDigitPreview(ctx, width, height);
      return;
    }
    const area = plotArea(width, height);
    const view = areaView(this.limits, area);
    this.view = view; // for clicks
    const field = run.fields.get(this.gridId);
    const title = `${this.title}, step ${field?.step ?? run.step}`;
    drawAxes(ctx, view, this.limits, { title });
    ctx.save();
    clipToArea(ctx, area);
    if (field?.scores) {
      drawQuiver(ctx, view, this.points, log1pArrows(field.scores));
      if (!this.firstQuiverDrawn) {
        this.firstQuiverDrawn = true;
        performance.mark(`scorefield:first-quiver:${this.id}`);
      }
    }
    if (this.data?.points) this.#drawData(ctx, view);
    const chains = this.chains && run.viewResult(this.id);
    if (chains?.frames) drawChains(ctx, view, chains.frames, chains.n);
    ctx.restore();
    if (!field) drawNote(ctx, width, height, ['Computing the field…']);
    else if (!field.scores) drawNote(ctx, width, height, ['The field could not be computed:', run.error]);
    if (chains && !chains.frames) drawNote(ctx, width, height, ['The chains could not be run:', run.error]);
    const progress = this.chains && run.viewProgress.get(this.id);
    const running = progress
      ? ` Running the chains: step ${progress.done.toLocaleString('en')} of ${progress.total.toLocaleString('en')} (all chains together).`
      : '';
    if (running) drawNote(ctx, width, height, [running.trim()]);
    const drawn = chains?.frames ? ` ${chains.n} Langevin chains${strideNote(chains)}.` : '';
    this.describe(`${title}.${drawn}${running}`);
  }

  // The data under the field: drawn once into a layer per canvas size and shared by the views of
  // the same size and limits (sections 3 and 4), then copied on each redraw.
  #drawData(ctx, view) {
    const { canvas } = ctx;
    const key = `${canvas.width}x${canvas.height}/${this.gridId}`;
    let layer = dataLayers.get(key);
    if (layer?.points !== this.data.points) {
      const image = new OffscreenCanvas(canvas.width, canvas.height);
      const layerCtx = image.getContext('2d');
      layerCtx.setTransform(ctx.getTransform());
      drawScatter(layerCtx, view, this.data.points);
      layer = { image, points: this.data.points };
      dataLayers.set(key, layer);
    }
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.drawImage(layer.image, 0, 0);
    ctx.restore();
  }

  #drawDigitPreview(ctx, width, height) {
    if (this.data) {
      drawNote(ctx, width, height, [
        `This run now trains on ${this.run.values.dataset} (D = ${this.run.dim}):`,
        'the field and the chains need a 2-D dataset.',
      ]);
      return;
    }
    const samples = this.run.viewResult(`${this.id}/samples`);
    ctx.font = TITLE_FONT;
    ctx.fillStyle = TEXT_COLOR;
    ctx.fillText(`D = ${this.run.dim}: Langevin samples at step ${samples?.step ?? this.run.step}`, 8, 18);
    if (!samples) drawNote(ctx, width, height, ['Sampling…']);
    else if (!samples.frames) drawNote(ctx, width, height, ['Sampling failed:', this.run.error]);
    else if (!drawDigitGrid) {
      // render/digits.js loads with the first digits drawn: a 2-D figure never downloads it.
      (digitGridLoading ??= import('../render/digits.js').then((m) => {
        drawDigitGrid = m.drawDigitGrid;
      })).then(() => this.invalidate());
      drawNote(ctx, width, height, ['Sampling…']);
    } else {
      ctx.save();
      ctx.translate(8, 30);
      drawDigitGrid(
        ctx,
        width - 16,
        height - 38,
        samples.frames,
        samples.n,
        samples.frames.length / (samples.n * samples.dim) - 1,
      );
      ctx.restore();
    }
    this.describe(`Langevin samples of the ${this.run.name} run, drawn as 8×8 images.`);
  }

  #click(event) {
    if (!this.view || this.run.dim !== 2) return;
    const rect = this.canvas.getBoundingClientRect();
    const px = event.clientX - rect.left,
      py = event.clientY - rect.top;
    const { area } = this.view,
      l = this.limits;
    if (px < area.x || px > area.x + area.w || py < area.y || py > area.y + area.h) return;
    const x = l.xmin + ((px - area.x) / area.w) * (l.xmax - l.xmin);
    const y = l.ymax - ((py - area.y) / area.h) * (l.ymax - l.ymin);
    this.chains.add(x, y);
  }
}

/** The start points of the chains view: the tutorial's three, plus one per click. */
export class ChainSet {
  static TUTORIAL_STARTS = Object.freeze([
    [-1.5, -1.5],
    [0, 0],
    [1.5, 0],
  ]);

  constructor() {
    this.points = ChainSet.TUTORIAL_STARTS.map((p) => [...p]);
    this.version = 0; // bumped on every change, so the run asks for new chains
    this.listeners = new Set();
  }

  get count() {
    return this.points.length;
  }

  subscribe(fn) {
    this.listeners.add(fn);
  }

  /** Float32Array (n, 2) of the starts. */
  starts() {
    return new Float32Array(this.points.flat());
  }

  add(x, y) {
    this.points.push([x, y]);
    this.#changed();
  }

  /** Back to the tutorial's three starts. */
  clear() {
    this.points = ChainSet.TUTORIAL_STARTS.map((p) => [...p]);
    this.#changed();
  }

  /** Marks the chains stale after a change of the sampler's settings. */
  touch() {
    this.#changed();
  }

  #changed() {
    this.version++;
    for (const fn of this.listeners) fn(this);
  }
}
