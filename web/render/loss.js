// loss.js — the loss history as the tutorial plots it: a scatter of each step's loss against the
// step, the y range fitted to the finite losses. Pure drawing; the title (the tutorial's mean of the
// last 32 losses) is the caller's text.

import { areaView, clipToArea, drawAxes, plotArea } from './axes.js';
import { LOSS_COLOR, LOSS_RADIUS } from './theme.js';

const AXES_MARGIN = 0.05; // of each axis's span, added on both sides

/** { lo, hi } of the finite values among the first n of losses, or null when there are none. */
export function finiteRange(losses, n) {
  let lo = Infinity,
    hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = losses[i];
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? { lo, hi } : null;
}

/**
 * Draws the first n of losses (Float32Array) against steps 0 .. n − 1 over a step axis that spans at
 * least `steps` (the run's target, so the plot does not rescale every frame), with the title; only
 * those from `from` on, if given (a zoom). Returns the areaView.
 */
export function drawLoss(ctx, width, height, losses, n, { steps = n, title = '', from = 0 } = {}) {
  const area = plotArea(width, height);
  from = Math.max(0, Math.min(from, n - 1));
  const range = finiteRange(losses.subarray(from), n - from) ?? { lo: 0, hi: 1 };
  // matplotlib's 5 % margins on both axes; a flat history still gets a range.
  const xlo = from,
    xmax = from > 0 ? Math.max(n - 1, from + 1) : Math.max(steps, n, 1),
    xpad = (xmax - xlo) * AXES_MARGIN;
  const ypad = (range.hi - range.lo) * AXES_MARGIN || Math.abs(range.hi) * AXES_MARGIN || 1;
  const limits = { xmin: xlo - xpad, xmax: xmax + xpad, ymin: range.lo - ypad, ymax: range.hi + ypad };
  const view = areaView(limits, area);
  drawAxes(ctx, view, limits, { title });
  const side = 2 * LOSS_RADIUS;
  ctx.save();
  clipToArea(ctx, area);
  ctx.fillStyle = LOSS_COLOR;
  for (let i = from; i < n; i++) {
    const y = view.y(losses[i]);
    if (Number.isFinite(y)) ctx.fillRect(view.x(i) - LOSS_RADIUS, y - LOSS_RADIUS, side, side);
  }
  ctx.restore();
  return view;
}
