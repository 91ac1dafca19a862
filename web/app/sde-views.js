// sde-views.js — the canvas views of the score-SDE section (section 8): a sampler's particles with
// their trajectories up to the frame the σ slider shows, energy distance against the number of
// score evaluations for every sampler over the true-vs-true band, and log p(x) as a heatmap with
// contour lines (the network's through the probability-flow ODE, and the mixtures' exact one).
//
// Like ncsn-views.js (whose plot frame and data layer they share) each view draws the section's state
// (sde-section.js) through the pure draw functions of web/render/; every number is the worker's.

import { CanvasView, drawNoExact, drawNote } from './views.js';
import { NCSN_BOX, drawBoxPlot, drawDataLayer, formatDistance, formatSigma, samplerNote } from './ncsn-views.js';
import { drawTrajectories } from '../render/trajectories.js';
import { drawCostPlot } from '../render/cost-plot.js';
import { contourLevels, drawHeatmap, finiteRange } from '../render/heatmap.js';
import { SDE_SAMPLERS } from '../core/settings.js';
import { RUN_EVENTS } from './events.js';

/** The grid of the density maps: 50 × 50 over the section's box. */
export const SDE_GRID = Object.freeze({ ...NCSN_BOX, nx: 50, ny: 50 });
const TRAJECTORY_PATHS = 200; // particles drawn with their paths
const DENSITY_SPAN = 10; // nats: a map shows log p from its maximum down this far (lower is flat)
const CONTOURS = 8;

// The quality figure's legend: short names.
const SHORT_LABELS = Object.freeze({
  annealed: 'annealed Langevin',
  sde: 'reverse SDE',
  pc: 'predictor–corrector',
  'ode-euler': 'ODE, Euler',
  'ode-heun': 'ODE, Heun',
  edm: 'EDM',
});

/** A sampler's name as the page writes it. */
export function samplerLabel(name) {
  return SDE_SAMPLERS.find(([value]) => value === name)?.[1] ?? name;
}

/**
 * The sampler's particles with their trajectories, up to the frame state.scrub.frame (the last one
 * while it follows), over the run's data.
 */
export class SdeSampleView extends CanvasView {
  constructor(canvas, run, data, state) {
    super(canvas);
    this.run = run;
    this.data = data; // the section's { dataset, points } (the data under the particles)
    this.state = state; // the section's { sample, scrub }
    this.layer = {};
    this.framesDrawn = 0; // the browser tests read it
    this.inside = 0;
    run.subscribe((_, what) => {
      if (what === RUN_EVENTS.STATE || what === RUN_EVENTS.SETTINGS) this.invalidate();
    });
  }

  draw(ctx, width, height) {
    const { sample } = this.state,
      run = this.run;
    const frame = this.state.shownFrame();
    const name = SHORT_LABELS[sample?.sampler ?? run.values.sdeSampler] ?? '';
    let title = name;
    if (sample?.count > 0) {
      const sigma = sample.sigmas[frame];
      const at = Number.isFinite(sigma) ? `, σ = ${formatSigma(sigma)}` : '';
      title =
        sample.done && frame === sample.count - 1
          ? doneTitle(name, sample)
          : `${name}: frame ${frame} of ${sample.count - 1}${at}`;
    }
    drawBoxPlot(ctx, width, height, title, (view) => {
      if (this.data.dataset === run.values.dataset && this.data.points)
        drawDataLayer(ctx, view, this.data.points, this.layer);
      if (sample?.count > 0) {
        this.inside = drawTrajectories(ctx, view, sample.frames, sample.n, frame, { paths: TRAJECTORY_PATHS });
        this.framesDrawn++;
      }
    });
    if (sample?.error) drawNote(ctx, width, height, ['The sampler stopped:', sample.error]);
    else if (!sample?.count)
      drawNote(
        ctx,
        width,
        height,
        samplerNote(run, ['The samplers run once the network has trained:', 'press Play above.'], ['Sampling…']),
      );
    this.describe(`${title}.${sample?.count ? ` ${sample.n} particles, ${this.inside} inside the plot.` : ''}`);
  }
}

function doneTitle(name, sample) {
  const cost = `${sample.n} samples, ${sample.nfe} NFE`;
  return Number.isFinite(sample.ed)
    ? `${name}: ${cost}, ED ${formatDistance(sample.ed)} (floor ${formatDistance(sample.floor)})`
    : `${name}: ${cost}`;
}

/** Energy distance against NFE for every sampler, over the true-vs-true band. */
export class SdeCostView extends CanvasView {
  constructor(canvas, run, state) {
    super(canvas);
    this.run = run;
    this.state = state; // the section's { quality }
    this.pointsDrawn = 0; // the browser tests read it
  }

  draw(ctx, width, height) {
    const q = this.state.quality;
    const series = [...q.points].map(([name, points]) => ({ name, label: SHORT_LABELS[name] ?? name, points }));
    const count = series.reduce((sum, s) => sum + s.points.length, 0);
    const title = q.done
      ? `energy distance against cost, network at step ${q.step}`
      : count > 0
        ? `energy distance against cost: ${count} of ${q.expected} measured`
        : 'energy distance against cost (NFE, score evaluations)';
    drawCostPlot(ctx, width, height, series, { floor: q.floor, nfeRange: q.nfeRange, title });
    this.pointsDrawn = count;
    if (q.error) drawNote(ctx, width, height, ['The measurement stopped:', q.error]);
    else if (count === 0)
      drawNote(
        ctx,
        width,
        height,
        this.run.step === 0
          ? ['Measured once the network has trained', 'and training is paused.']
          : ['Measuring every sampler…'],
      );
    const best = series
      .map((s) => `${s.label}: ${s.points.map((p) => `${p.nfe} NFE ${formatDistance(p.ed)}`).join(', ')}`)
      .join('; ');
    this.describe(`${title}. True vs true ${formatDistance(q.floor)}. ${best}`);
  }
}

/**
 * log p(x) on SDE_GRID: the network's through the ODE ('learned', filled in as the worker's pieces
 * arrive) or a mixture's exact one ('exact').
 */
export class DensityView extends CanvasView {
  constructor(canvas, run, state, kind) {
    super(canvas);
    this.run = run;
    this.state = state; // the section's { density, exact(dataset) }
    this.kind = kind;
    this.drawn = false; // the browser tests read it
    run.subscribe((_, what) => {
      if (what === RUN_EVENTS.STATE || what === RUN_EVENTS.SETTINGS) this.invalidate();
    });
  }

  draw(ctx, width, height) {
    const dataset = this.run.values.dataset;
    if (this.kind === 'exact' && !this.state.analytic(dataset)) {
      drawNoExact(this, ctx, width, height, 'density');
      return;
    }
    const d = this.kind === 'learned' ? this.state.density : this.state.exactFor(dataset);
    const values = d?.values ?? null;
    const range = values ? finiteRange(values) : null;
    const title =
      this.kind === 'learned'
        ? d?.done
          ? `learned log p(x), step ${d.step}: held-out NLL ${d.nll.toFixed(3)} ± ${d.se.toFixed(3)}` +
            (d.gaussNll !== null ? ` (a fitted Gaussian ${d.gaussNll.toFixed(3)})` : '')
          : 'learned log p(x) (probability-flow ODE)'
        : 'exact log p(x)';
    drawBoxPlot(ctx, width, height, title, (view) => {
      if (!values || !range) return;
      const lo = Math.max(range.lo, range.hi - DENSITY_SPAN);
      drawHeatmap(ctx, view, SDE_GRID, values, { lo, hi: range.hi, levels: contourLevels(lo, range.hi, CONTOURS) });
      this.drawn = true;
    });
    if (d?.error) drawNote(ctx, width, height, ['The density could not be computed:', d.error]);
    else if (!values)
      drawNote(
        ctx,
        width,
        height,
        this.run.step === 0 && this.kind === 'learned'
          ? ['Computed once the network has trained', 'and training is paused.']
          : ['Computing log p(x)…'],
      );
    this.describe(`${title}${range ? `, from ${range.lo.toFixed(2)} to ${range.hi.toFixed(2)} nats` : ''}.`);
  }
}
