// log-plot.js — what the two log-y measurement plots share, drawn once: the y range over the
// values, a log10 axis's tick labels, the dashed reference line with its label, and a series of
// measurements as markers joined by a line (series.js: quality against the training step;
// cost-plot.js: quality against NFE). Pure drawing; the numbers are the caller's.

import { MUTED_COLOR, REFERENCE_COLOR, TICK_FONT } from './theme.js';

const MARKER_PX = 3; // px, a point's radius
const LINE_PX = 1.5; // px
const LOG_PAD = 0.15; // log10 units added above and below the values
const MIN_LOG_SPAN = 1; // log10 units: the y axis spans at least a factor of ten

/** A tick of a log10 axis as the value it stands for: 2 → 100, −2.5 → 0.0032. */
export function powerLabel(t) {
  const v = 10 ** t;
  return v >= 1e4 || v < 1e-3 ? v.toExponential(0).replace('e+', 'e') : String(Number(v.toPrecision(2)));
}

/** [lo, hi] of a log10 axis over `logs` (log10 of the values), padded and at least a decade wide. */
export function logRange(logs) {
  let lo = logs.length ? Math.min(...logs) - LOG_PAD : -3,
    hi = logs.length ? Math.max(...logs) + LOG_PAD : 0;
  if (hi - lo < MIN_LOG_SPAN) {
    const mid = (hi + lo) / 2;
    lo = mid - MIN_LOG_SPAN / 2;
    hi = mid + MIN_LOG_SPAN / 2;
  }
  return [lo, hi];
}

/**
 * A dashed horizontal line across `area` at pixel row y, `label` at its right end, above the line
 * or (below = true) under it; lineWidth: the line's width, or the context's when undefined.
 */
export function drawReference(ctx, area, y, label, { below = false, lineWidth } = {}) {
  ctx.strokeStyle = REFERENCE_COLOR;
  if (lineWidth !== undefined) ctx.lineWidth = lineWidth;
  ctx.setLineDash([5, 4]);
  ctx.beginPath();
  ctx.moveTo(area.x, y);
  ctx.lineTo(area.x + area.w, y);
  ctx.stroke();
  ctx.setLineDash([]);
  ctx.font = TICK_FONT;
  ctx.fillStyle = MUTED_COLOR;
  ctx.textAlign = 'right';
  ctx.textBaseline = below ? 'top' : 'bottom';
  ctx.fillText(label, area.x + area.w - 4, below ? y + 3 : y - 3);
}

/**
 * The pixel row of a measurement `value` in `area` under `view`: log10 of a positive value, the
 * bottom edge for value <= 0, the top edge for null (it failed).
 */
export function logRow(view, area, value) {
  return value > 0 ? view.y(Math.log10(value)) : value === null ? area.y + MARKER_PX : area.y + area.h - MARKER_PX;
}

/**
 * Measurements marked in `color` at pixels [{ x, y, value }] (in drawing order) and joined by a
 * line where value > 0: a filled marker for a positive value, a hollow one for value <= 0, a cross
 * for null.
 */
export function drawMarkedLine(ctx, points, color) {
  ctx.strokeStyle = color;
  ctx.fillStyle = color;
  ctx.lineWidth = LINE_PX;
  ctx.beginPath();
  let started = false;
  for (const p of points) {
    if (!(p.value > 0)) {
      started = false;
      continue;
    }
    if (started) ctx.lineTo(p.x, p.y);
    else ctx.moveTo(p.x, p.y);
    started = true;
  }
  ctx.stroke();
  for (const { x, y, value } of points) {
    ctx.beginPath();
    if (value === null) {
      ctx.moveTo(x - MARKER_PX, y - MARKER_PX);
      ctx.lineTo(x + MARKER_PX, y + MARKER_PX);
      ctx.moveTo(x + MARKER_PX, y - MARKER_PX);
      ctx.lineTo(x - MARKER_PX, y + MARKER_PX);
      ctx.stroke();
    } else {
      ctx.arc(x, y, MARKER_PX, 0, 2 * Math.PI);
      if (value > 0) ctx.fill();
      else ctx.stroke();
    }
  }
}
