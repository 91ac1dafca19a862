// ncsn-views.js — the canvas views of the NCSN section (section 7): the training data (paintable),
// the annealed sampler's particles, the sample-quality curve, the learned score s(x, σ) at one noise
// level beside the exact one, plain against annealed Langevin on the mixture, and the digits the
// annealed sampler denoises level by level.
//
// Like views.js (whose CanvasView they extend) each view asks for what it needs while on screen and
// redraws when it changed, through the pure draw functions of web/render/; the numbers are the
// worker's, the section's state (noise level shown, comparisons, exact fields) is ncsn-section.js's.

import { CanvasView, attachReadout, drawNoExact, drawNote } from './views.js';
import { ladder } from './ncsn-run.js';
import { areaView, clipToArea, drawAxes, plotArea, plotLimits } from '../render/axes.js';
import { gridPoints, log1pArrows } from '../render/geometry.js';
import { drawScatter } from '../render/scatter.js';
import { drawQuiver } from '../render/quiver.js';
import { drawParticles } from '../render/particles.js';
import { drawSeries } from '../render/series.js';

import { drawDigit, SIDE, tileLayout } from '../render/digits.js';
import { MODE_LINE_COLOR, MUTED_COLOR, PAINT_ALPHA, TEXT_COLOR, TICK_FONT } from '../render/theme.js';
import { TO_WORKER } from '../worker/protocol.js';
import { RUN_EVENTS } from './events.js';

/** The data box of every 2-D plot of the section: the 2-D sets lie within about ±1.5. */
export const NCSN_BOX = Object.freeze({ xmin: -2, xmax: 2, ymin: -2, ymax: 2 });
const LIMITS = plotLimits(NCSN_BOX);
/** The grid of the two field plots. */
export const NCSN_GRID = Object.freeze({ ...NCSN_BOX, nx: 36, ny: 36 });
const GRID_POINTS = gridPoints(NCSN_GRID);
const DATA_UNDER_ALPHA = 0.12; // the data under the particles and fields: there, not in the way
const CURSOR_PX = 7; // px, radius of the keyboard brush
export const DIGIT_SAMPLES = 36; // digit chains sampled at once: the grid shows all, the strip STRIP_ROWS
const STRIP_ROWS = 5;
const STRIP_HEADER_H = 18; // px above the strip for the σ of each column
const TILE_GAP = 3; // px
const DIGIT_RANGE = Object.freeze({ lo: 0, hi: 1 }); // one colour scale, the training images' X/16 range
const DIGITS_REFRESH_MS = 2000; // ms between new digit samples while the run trains

/** σ with three significant digits, as titles show it. */
export function formatSigma(sigma) {
  return Number.isFinite(sigma) ? String(Number(sigma.toPrecision(3))) : '–';
}

// The data drawn once per canvas size into a layer, then copied on each redraw (particles redraw ~30
// times a second; the data under them changes only with the dataset).
export function drawDataLayer(ctx, view, points, cache) {
  const { canvas } = ctx;
  const key = `${canvas.width}x${canvas.height}`;
  if (cache.key !== key || cache.points !== points) {
    const image = new OffscreenCanvas(canvas.width, canvas.height);
    const layerCtx = image.getContext('2d');
    layerCtx.setTransform(ctx.getTransform());
    drawScatter(layerCtx, view, points, { alpha: DATA_UNDER_ALPHA });
    Object.assign(cache, { key, points, image });
  }
  ctx.save();
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.drawImage(cache.image, 0, 0);
  ctx.restore();
}

// The dashed line x + y = 0 that separates the mixture's small mode (−1, −1) from its large one.
function drawModeLine(ctx, view) {
  ctx.save();
  ctx.strokeStyle = MODE_LINE_COLOR;
  ctx.setLineDash([4, 4]);
  ctx.beginPath();
  ctx.moveTo(view.x(LIMITS.xmin), view.y(-LIMITS.xmin));
  ctx.lineTo(view.x(LIMITS.xmax), view.y(-LIMITS.xmax));
  ctx.stroke();
  ctx.restore();
}

/**
 * The note a sampler's figure shows before it has a sample: 'Starting the network…' until the run has
 * a network, `untrained` while it has not trained a step, `ready` after.
 */
export function samplerNote(run, untrained, ready) {
  return run.dim === 0 ? ['Starting the network…'] : run.step === 0 ? untrained : ready;
}

/** A 2-D plot over the section's box: axes, title, then body(view) clipped to the plot area. */
export function drawBoxPlot(ctx, width, height, title, body) {
  const view = areaView(LIMITS, plotArea(width, height));
  drawAxes(ctx, view, LIMITS, { title });
  ctx.save();
  clipToArea(ctx, view.area);
  body(view);
  ctx.restore();
  return view;
}

/**
 * The NCSN run's training data: its dataset's points, or the user's drawing — on which a pointer
 * drag or the keyboard paints (paint.js); `data` holds the generated points the section loaded.
 */
export class NcsnDataView extends CanvasView {
  constructor(canvas, run, painter, data) {
    super(canvas);
    this.run = run;
    this.painter = painter;
    this.data = data; // { dataset, points, label, error }
    this.view = null;
    run.subscribe((_, what) => {
      if (what === RUN_EVENTS.SETTINGS || what === RUN_EVENTS.STATE) this.invalidate();
    });
    painter.subscribe(() => this.invalidate());
  }

  /** Data coordinates of a pointer (client px), or null outside the plot area or before a draw. */
  dataAt(clientX, clientY) {
    if (!this.view) return null;
    const rect = this.canvas.getBoundingClientRect();
    const px = clientX - rect.left,
      py = clientY - rect.top,
      { area } = this.view;
    if (px < area.x || px > area.x + area.w || py < area.y || py > area.y + area.h) return null;
    return {
      x: LIMITS.xmin + ((px - area.x) / area.w) * (LIMITS.xmax - LIMITS.xmin),
      y: LIMITS.ymax - ((py - area.y) / area.h) * (LIMITS.ymax - LIMITS.ymin),
    };
  }

  draw(ctx, width, height) {
    const painted = this.run.values.dataset === 'points',
      { painter, data } = this;
    const generated = !painted && data.dataset === this.run.values.dataset ? data.points : null;
    const title = painted
      ? `your drawing: ${painter.count} point${painter.count === 1 ? '' : 's'}${painter.full ? ' (full)' : ''}`
      : generated
        ? `${data.label}: ${generated.length / 2} points — drag here to draw your own`
        : 'the data';
    this.view = drawBoxPlot(ctx, width, height, title, (view) => {
      if (painted && painter.count > 0) drawScatter(ctx, view, painter.snapshot(), { alpha: PAINT_ALPHA });
      else if (generated) drawScatter(ctx, view, generated);
      if (painter.cursor.shown) {
        const x = view.x(painter.cursor.x),
          y = view.y(painter.cursor.y);
        ctx.strokeStyle = TEXT_COLOR;
        ctx.lineWidth = 1.5;
        ctx.beginPath();
        ctx.arc(x, y, CURSOR_PX, 0, 2 * Math.PI);
        ctx.moveTo(x - 2 * CURSOR_PX, y);
        ctx.lineTo(x + 2 * CURSOR_PX, y);
        ctx.moveTo(x, y - 2 * CURSOR_PX);
        ctx.lineTo(x, y + 2 * CURSOR_PX);
        ctx.stroke();
      }
    });
    if (painted && painter.count === 0)
      drawNote(ctx, width, height, ['Drag on this plot to draw points,', 'or use the arrow keys and Space.']);
    else if (!painted && !generated) drawNote(ctx, width, height, [data.error || 'Drawing the data…']);
    this.describe(`${title}. Drag on the plot, or focus it and use the arrow keys and Space, to paint points.`);
  }
}

/**
 * The annealed sampler's particles as the worker streams them, level by level, over the data; the
 * title says the level, σ and step, and once finished the energy distance to fresh data.
 */
export class ParticleView extends CanvasView {
  constructor(canvas, run, data) {
    super(canvas);
    this.run = run;
    this.data = data;
    this.layer = {};
    this.framesDrawn = 0; // the browser tests read these two
    this.levelsDrawn = new Set();
    this.inside = 0;
    run.subscribe((_, what) => {
      if (what === RUN_EVENTS.VIEW || what === RUN_EVENTS.STATE || what === RUN_EVENTS.SETTINGS) this.invalidate();
    });
  }

  draw(ctx, width, height) {
    const { run } = this,
      flow = run.flow;
    const dataset = run.values.dataset;
    const title = !flow
      ? 'annealed Langevin'
      : flow.error
        ? 'annealed Langevin: stopped'
        : flow.done
          ? doneTitle(flow)
          : `level ${flow.level} of ${flow.levels}: σ = ${formatSigma(flow.sigma)}, step ${flow.t} of ${flow.steps}`;
    drawBoxPlot(ctx, width, height, title, (view) => {
      if (this.data.dataset === dataset && this.data.points) drawDataLayer(ctx, view, this.data.points, this.layer);
      if (dataset === 'mixture') drawModeLine(ctx, view);
      if (flow) {
        this.inside = drawParticles(ctx, view, flow.x);
        this.framesDrawn++;
        this.levelsDrawn.add(flow.level);
      }
    });
    if (!flow) {
      drawNote(
        ctx,
        width,
        height,
        samplerNote(
          run,
          ['The particles flow once the network has trained:', 'press Play above, or Sample below.'],
          run.flowing ? ['Starting the sampler…'] : ['Press Sample to run the annealed sampler.'],
        ),
      );
    } else if (flow.error) {
      drawNote(ctx, width, height, ['The sampler stopped:', flow.error]);
    }
    const outside = flow ? flow.n - this.inside : 0;
    this.describe(
      `${title}.${flow ? ` ${flow.n} particles${outside > 0 ? `, ${outside} outside the plot` : ''}.` : ''}`,
    );
  }
}

function doneTitle(flow) {
  if (!Number.isFinite(flow.ed)) return `${flow.n} samples`;
  const ed = `${flow.n} samples: energy distance ${formatDistance(flow.ed)}`;
  return Number.isFinite(flow.smallMode)
    ? `${ed}, ${Math.round(100 * flow.smallMode)} % at the small mode`
    : `${ed} (true vs true ${formatDistance(flow.floor)})`;
}

/** An energy distance with two significant digits (0.038, 0.0045, 1.2). */
export function formatDistance(d) {
  return Number.isFinite(d) ? String(Number(d.toPrecision(2))) : '–';
}

/** The quality probe's energy distance against the training step, with the true-vs-true line. */
export class QualityView extends CanvasView {
  constructor(canvas, run) {
    super(canvas);
    this.run = run;
    attachReadout(this, { label: 'quality plot' });
    run.subscribe((_, what) => {
      if (what === RUN_EVENTS.QUALITY || what === RUN_EVENTS.STATE || what === RUN_EVENTS.SETTINGS) this.invalidate();
    });
  }

  draw(ctx, width, height) {
    const { run } = this,
      q = run.quality,
      last = q[q.length - 1];
    const title = !last
      ? 'energy distance to fresh data (measured while training)'
      : last.ed === null
        ? `energy distance at step ${last.step}: the sampler failed`
        : `energy distance ${formatDistance(last.ed)} at step ${last.step} (true vs true ${formatDistance(run.qualityFloor)})`;
    const points = q.map((p) => ({ x: p.step, y: p.ed }));
    const series = drawSeries(ctx, width, height, points, {
      xmax: run.values.steps,
      reference: run.qualityFloor,
      referenceLabel: 'true vs true',
      title,
    });
    this.readout?.setPoints({
      first: 0,
      count: points.length,
      xOf: (i) => series.at(points[i]).x,
      at: (i) => ({
        ...series.at(points[i]),
        text: `step ${q[i].step}: ${q[i].ed === null ? 'the sampler failed' : `energy distance ${formatDistance(q[i].ed)}`}`,
      }),
    });
    this.readout?.draw(ctx, series.view.area);
    if (q.length === 0)
      drawNote(ctx, width, height, [run.dim === 2 ? 'A point every few hundred steps of training.' : '']);
    this.describe(`Sample quality of the NCSN run: ${title}; ${q.length} measurements.`);
  }
}

/**
 * A score field at the section's noise level σ: the learned s(x, σ) (kind 'learned') or the exact
 * ∇ log p_σ of a Gaussian-mixture dataset ('true', from the section's cache of the worker's answers).
 */
export class SigmaFieldView extends CanvasView {
  constructor(canvas, run, section, kind) {
    super(canvas);
    this.run = run;
    this.section = section; // { sigma(), trueField(dataset, sigma), analytic(dataset), data }
    this.kind = kind;
    this.layer = {};
    this.drawnScores = null; // the browser tests read whether a field was drawn
    // Not on 'view': flow frames arrive ~30 times a second and change nothing here (the section
    // invalidates on a new σ).
    run.subscribe((_, what) => {
      if (
        what === RUN_EVENTS.FIELD ||
        what === RUN_EVENTS.STATE ||
        what === RUN_EVENTS.SETTINGS ||
        what === RUN_EVENTS.STATUS
      )
        this.invalidate();
    });
  }

  #gridId(sigma) {
    return `ncsn/${sigma.toPrecision(6)}`;
  }

  update() {
    const sigma = this.section.sigma();
    if (this.run.dim !== 2 || !Number.isFinite(sigma)) return;
    if (this.kind === 'learned') this.run.wantField(this.#gridId(sigma), { ...NCSN_GRID, sigma });
    else if (this.section.analytic(this.run.values.dataset)) this.section.trueField(this.run.values.dataset, sigma);
  }

  draw(ctx, width, height) {
    const { run, kind } = this,
      sigma = this.section.sigma(),
      dataset = run.values.dataset;
    if (kind === 'true' && !this.section.analytic(dataset)) {
      drawNoExact(this, ctx, width, height, 'score');
      return;
    }
    const entry = kind === 'learned' ? run.fields.get(this.#gridId(sigma)) : this.section.trueFieldAt(dataset, sigma);
    const what = kind === 'learned' ? `learned s(x, σ), step ${entry?.step ?? run.step}` : 'exact ∇ log p_σ(x)';
    const title = `${what}, σ = ${formatSigma(sigma)}`;
    const data = this.section.data;
    drawBoxPlot(ctx, width, height, title, (view) => {
      if (data.dataset === dataset && data.points) drawDataLayer(ctx, view, data.points, this.layer);
      if (entry?.scores) {
        drawQuiver(ctx, view, GRID_POINTS, log1pArrows(entry.scores));
        this.drawnScores = entry.scores;
      }
    });
    if (run.dim !== 2) drawNote(ctx, width, height, ['Starting the network…']);
    else if (!entry) drawNote(ctx, width, height, ['Computing the field…']);
    else if (!entry.scores)
      drawNote(ctx, width, height, ['The field could not be computed:', entry.error ?? run.error]);
    this.describe(`${title}.`);
  }
}

/** One side of the plain-against-annealed comparison on the mixture's exact score. */
export class CompareView extends CanvasView {
  constructor(canvas, compare, which) {
    super(canvas);
    this.compare = compare; // { result, error, pending }, the section's
    this.which = which; // 'plain' | 'annealed'
  }

  draw(ctx, width, height) {
    const { result, error } = this.compare,
      which = this.which;
    const name = which === 'plain' ? 'plain Langevin' : 'annealed Langevin';
    const small = result?.[`${which}Small`];
    const title = result ? `${name}: ${Math.round(100 * small)} % at the small mode` : name;
    drawBoxPlot(ctx, width, height, title, (view) => {
      drawModeLine(ctx, view);
      if (result) drawParticles(ctx, view, result[which]);
    });
    if (!result) drawNote(ctx, width, height, [error ? `The samplers failed: ${error}` : 'Running both samplers…']);
    else {
      ctx.save();
      ctx.font = TICK_FONT;
      ctx.fillStyle = MUTED_COLOR;
      const area = plotArea(width, height);
      const steps =
        which === 'plain'
          ? `${result.plainSteps} steps, α = ${result.plainAlpha}`
          : `${result.levels} levels × ${result.steps} steps, ε = ${result.eps}`;
      ctx.fillText(`${result.n} chains, ${steps}; the data: 20 %`, area.x + 6, area.y + 14);
      ctx.restore();
    }
    this.describe(`${title}${result ? ` (${result.n} chains from uniform starts; the data has 20 % there)` : ''}.`);
  }
}

/**
 * The digits run's annealed samples: frames per noise level for the first STRIP_ROWS chains ('levels',
 * one row per chain, σ above each column), or all chains after the last level ('grid').
 */
export class NcsnDigitsView extends CanvasView {
  constructor(canvas, run, state, kind) {
    super(canvas);
    this.run = run;
    this.state = state; // { seedOffset, version }, the section's Resample
    this.kind = kind;
    this.rendered = 0; // the browser tests read it
    run.subscribe((_, what) => {
      if (what === RUN_EVENTS.VIEW || what === RUN_EVENTS.STATE) this.invalidate();
    });
  }

  update() {
    const run = this.run;
    if (run.dim !== SIDE * SIDE) return;
    run.wantView(
      'ncsn/digits',
      TO_WORKER.SAMPLES,
      { n: DIGIT_SAMPLES, seed: run.values.annealSeed + this.state.seedOffset, langevin: run.langevin() },
      this.state.version,
      DIGITS_REFRESH_MS,
    );
  }

  draw(ctx, width, height) {
    const result = this.run.viewResult('ncsn/digits');
    if (!result?.frames) {
      // The sampler runs in pieces in the worker (10⁶ steps per level take minutes): say how far it is.
      const progress = this.run.viewProgress.get('ncsn/digits');
      const note =
        this.run.dim === 0
          ? 'Starting the network…'
          : result
            ? `Sampling failed: ${this.run.error}`
            : progress
              ? `Sampling: step ${progress.done.toLocaleString('en')} of ${progress.total.toLocaleString('en')}…`
              : 'Sampling…';
      drawNote(ctx, width, height, [note]);
      this.describe(note);
      return;
    }
    const L = result.steps,
      n = result.n;
    if (this.kind === 'grid') {
      drawDigitGridRange(ctx, width, height, result.frames, n, L);
      this.describe(
        `${n} digits from the annealed sampler after all ${L} noise levels (network at step ${result.step}).`,
      );
    } else {
      const sigmas = result.sigmas ?? ladder(this.run.values);
      drawLevelStrip(ctx, width, height, result.frames, n, Math.min(STRIP_ROWS, n), sigmas);
      this.describe(
        `The first ${Math.min(STRIP_ROWS, n)} digit chains at the start and after each of the ${L} noise levels, σ from ${formatSigma(sigmas[0])} to ${formatSigma(sigmas[L - 1])}.`,
      );
    }
    this.rendered++;
  }
}

// Frame t of n digit chains as a grid, on the training images' colour range.
function drawDigitGridRange(ctx, width, height, frames, n, t) {
  const layout = tileLayout(width, height, n);
  for (let i = 0; i < n; i++)
    drawDigit(ctx, frames, (t * n + i) * SIDE * SIDE, layout.x(i), layout.y(i), layout.side, DIGIT_RANGE);
}

// rows chains × (L + 1) frames, the start first, each column headed by the σ it ended at.
function drawLevelStrip(ctx, width, height, frames, n, rows, sigmas) {
  const cols = sigmas.length + 1,
    pixels = SIDE * SIDE;
  const side = Math.floor(
    Math.min((width - (cols - 1) * TILE_GAP) / cols, (height - STRIP_HEADER_H - (rows - 1) * TILE_GAP) / rows),
  );
  const left = Math.floor((width - cols * side - (cols - 1) * TILE_GAP) / 2);
  ctx.save();
  ctx.font = TICK_FONT;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'bottom';
  for (let c = 0; c < cols; c++) {
    const x = left + c * (side + TILE_GAP);
    ctx.fillStyle = MUTED_COLOR; // drawDigit leaves its last colour
    ctx.fillText(c === 0 ? 'start' : `σ ${formatSigma(sigmas[c - 1])}`, x + side / 2, STRIP_HEADER_H - 3);
    for (let r = 0; r < rows; r++) {
      drawDigit(ctx, frames, (c * n + r) * pixels, x, STRIP_HEADER_H + r * (side + TILE_GAP), side, DIGIT_RANGE);
    }
  }
  ctx.restore();
}
