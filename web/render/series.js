// series.js — a measured quantity against the training step: points joined by a line, on a log y
// axis, with a dashed horizontal reference line and its label — the NCSN section's sample quality
// (energy distance) with the true-vs-true value beside it. Pure drawing over axes.js; the numbers
// are the caller's.

import { areaView, clipToArea, drawAxes, plotArea } from './axes.js';
import { drawMarkedLine, drawReference, logRange, logRow, powerLabel } from './log-plot.js';
import { SERIES_COLOR } from './theme.js';

const X_MARGIN = 0.03; // of the step axis, on each side

/**
 * Draws points [{ x, y }] (y > 0 on the log axis; y <= 0 as a hollow marker on the bottom edge, y null
 * as a cross on the top edge: a measurement that failed) over x in [0, xmax], the reference value
 * as a dashed line labelled `referenceLabel`, and the title. Returns { view, at(p) } — at(p): where
 * point p was drawn, { x, y } in CSS px — so a read-out can place itself on a point.
 */
export function drawSeries(
  ctx,
  width,
  height,
  points,
  { xmax = 1, reference = NaN, referenceLabel = '', title = '' } = {},
) {
  const area = plotArea(width, height);
  const logs = points.filter((p) => p.y > 0).map((p) => Math.log10(p.y));
  if (reference > 0) logs.push(Math.log10(reference));
  const [lo, hi] = logRange(logs);
  const xm = Math.max(1, xmax, ...points.map((p) => p.x));
  const limits = { xmin: -xm * X_MARGIN, xmax: xm * (1 + X_MARGIN), ymin: lo, ymax: hi };
  const view = areaView(limits, area);
  drawAxes(ctx, view, limits, { title, formatY: powerLabel });
  ctx.save();
  clipToArea(ctx, area);
  if (reference > 0) drawReference(ctx, area, view.y(Math.log10(reference)), referenceLabel, { lineWidth: 1.2 });
  const at = (p) => ({ x: view.x(p.x), y: logRow(view, area, p.y) });
  drawMarkedLine(
    ctx,
    points.map((p) => ({ ...at(p), value: p.y })),
    SERIES_COLOR,
  );
  ctx.restore();
  return { view, at };
}
