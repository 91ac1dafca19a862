// page-views.js — the page's views that no widget shows: section 1's data scatter (DataView) and
// section 5's cost bars (CostView). Built on views.js's CanvasView like every figure; kept apart so a
// widget does not download them.

import { areaView, clipToArea, drawAxes, plotArea, plotLimits } from '../render/axes.js';
import { drawScatter } from '../render/scatter.js';
import { drawBars, formatMs } from '../render/bars.js';
import { CanvasView, drawNote } from './views.js';

/** The bounding box of 2-D points, or null when there are none. */
function bounds(points) {
  let xmin = Infinity,
    xmax = -Infinity,
    ymin = Infinity,
    ymax = -Infinity;
  for (let i = 0; i < points.length; i += 2) {
    xmin = Math.min(xmin, points[i]);
    xmax = Math.max(xmax, points[i]);
    ymin = Math.min(ymin, points[i + 1]);
    ymax = Math.max(ymax, points[i + 1]);
  }
  return xmin <= xmax ? { xmin, xmax, ymin, ymax } : null;
}

/** Section 1: the data as a semi-transparent scatter, limits fitted to it as matplotlib does. */
export class DataView extends CanvasView {
  constructor(canvas, data) {
    super(canvas);
    this.data = data; // { points: Float32Array (n, 2) | null, label, error }
  }

  draw(ctx, width, height) {
    const points = this.data.points;
    if (!points) {
      drawNote(ctx, width, height, [this.data.error || 'Drawing the data…']);
      return;
    }
    const limits = plotLimits(bounds(points));
    const view = areaView(limits, plotArea(width, height));
    const title = `${points.length / 2} points: ${this.data.label}`;
    drawAxes(ctx, view, limits, { title });
    ctx.save();
    clipToArea(ctx, view.area);
    drawScatter(ctx, view, points);
    ctx.restore();
    this.describe(`Scatter plot: ${title}.`);
  }
}

/**
 * Section 5's cost comparison: ms per training step of exact and sliced SM at D = 2 and D = 64,
 * as bars (timings from the worker's MEASURE, filled in as they arrive).
 */
export class CostView extends CanvasView {
  constructor(canvas, costs) {
    super(canvas);
    this.costs = costs; // Map 'D/objective' → ms per step (absent while measuring)
  }

  groups() {
    const ratio = (d) => {
      const e = this.costs.get(`${d}/exact`),
        s = this.costs.get(`${d}/sliced`);
      return e != null && s != null ? ` — exact costs ${(e / s).toFixed(1)}× sliced` : '';
    };
    return [2, 64].map((d) => ({
      title: `D = ${d}${ratio(d)}`,
      bars: ['exact', 'sliced'].map((objective) => ({
        key: objective,
        label: objective,
        value: this.costs.get(`${d}/${objective}`) ?? null,
      })),
    }));
  }

  draw(ctx, width, height) {
    const groups = this.groups();
    if (this.costs.size === 0) {
      drawNote(ctx, width, height, ['Not measured yet: press “Measure”.']);
      return;
    }
    drawBars(ctx, width, groups);
    this.describe(
      groups
        .map(
          (g) =>
            `${g.title}: ${g.bars.map((b) => `${b.label} ${b.value != null ? formatMs(b.value) : '?'} ms`).join(', ')}`,
        )
        .join('; '),
    );
  }
}
