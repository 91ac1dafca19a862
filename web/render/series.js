// series.js — a measured quantity against the training step: points joined by a line, on a log y
// axis, with a dashed horizontal reference line and its label — the NCSN section's sample quality
// (energy distance) with the true-vs-true value beside it. Pure drawing over axes.js; the numbers
// are the caller's.

import { areaView, clipToArea, drawAxes, plotArea } from './axes.js';
import { MUTED_COLOR, REFERENCE_COLOR, SERIES_COLOR, TICK_FONT } from './theme.js';

const MARKER_PX = 3; // px, a point's radius
const LINE_PX = 1.5; // px
const LOG_PAD = 0.15; // log10 units added above and below the values
const MIN_LOG_SPAN = 1; // log10 units: the y axis spans at least a factor of ten
const X_MARGIN = 0.03; // of the step axis, on each side

// A tick of a log10 axis as the value it stands for: −2 → 0.01, 0.5 → 3.2.
function powerLabel(t) {
  const v = 10 ** t;
  return v >= 1e4 || v < 1e-3 ? v.toExponential(0).replace('e+', 'e') : String(Number(v.toPrecision(2)));
}

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
  let lo = logs.length ? Math.min(...logs) - LOG_PAD : -3,
    hi = logs.length ? Math.max(...logs) + LOG_PAD : 0;
  if (hi - lo < MIN_LOG_SPAN) {
    const mid = (hi + lo) / 2;
    lo = mid - MIN_LOG_SPAN / 2;
    hi = mid + MIN_LOG_SPAN / 2;
  }
  const xm = Math.max(1, xmax, ...points.map((p) => p.x));
  const limits = { xmin: -xm * X_MARGIN, xmax: xm * (1 + X_MARGIN), ymin: lo, ymax: hi };
  const view = areaView(limits, area);
  drawAxes(ctx, view, limits, { title, formatY: powerLabel });
  ctx.save();
  clipToArea(ctx, area);
  if (reference > 0) {
    const y = view.y(Math.log10(reference));
    ctx.strokeStyle = REFERENCE_COLOR;
    ctx.lineWidth = 1.2;
    ctx.setLineDash([5, 4]);
    ctx.beginPath();
    ctx.moveTo(area.x, y);
    ctx.lineTo(area.x + area.w, y);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.font = TICK_FONT;
    ctx.fillStyle = MUTED_COLOR;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'bottom';
    ctx.fillText(referenceLabel, area.x + area.w - 4, y - 3);
  }
  const yOf = (p) =>
    p.y > 0 ? view.y(Math.log10(p.y)) : p.y === null ? area.y + MARKER_PX : area.y + area.h - MARKER_PX;
  ctx.strokeStyle = SERIES_COLOR;
  ctx.fillStyle = SERIES_COLOR;
  ctx.lineWidth = LINE_PX;
  ctx.beginPath();
  let started = false;
  for (const p of points) {
    if (!(p.y > 0)) {
      started = false;
      continue;
    }
    if (started) ctx.lineTo(view.x(p.x), yOf(p));
    else ctx.moveTo(view.x(p.x), yOf(p));
    started = true;
  }
  ctx.stroke();
  for (const p of points) {
    const x = view.x(p.x),
      y = yOf(p);
    ctx.beginPath();
    if (p.y === null) {
      // failed: a cross
      ctx.moveTo(x - MARKER_PX, y - MARKER_PX);
      ctx.lineTo(x + MARKER_PX, y + MARKER_PX);
      ctx.moveTo(x + MARKER_PX, y - MARKER_PX);
      ctx.lineTo(x - MARKER_PX, y + MARKER_PX);
      ctx.stroke();
    } else {
      ctx.arc(x, y, MARKER_PX, 0, 2 * Math.PI);
      if (p.y > 0) ctx.fill();
      else ctx.stroke();
    }
  }
  ctx.restore();
  return { view, at: (p) => ({ x: view.x(p.x), y: yOf(p) }) };
}
