// quiver.js — the learned score field as arrows on a grid, the way the tutorial's
// matplotlib quiver(width=0.002, color='green') draws it: the arrows (already log1p-rescaled by
// geometry.log1pArrows) are scaled so that the mean one is 1/(1.8·max(10, √k)) of the plot width
// (matplotlib's automatic scale, as web/render/svg.js draws the CLI's figures), heads 5 shaft widths
// long and 3 wide.
// Pure drawing; the scores come from the worker.

import { QUIVER_COLOR } from './theme.js';

const SHAFT_WIDTH = 0.002; // of the plot width, the tutorial's width=0.002
const MIN_SHAFT_PX = 1; // px: thinner shafts fade to grey on a small canvas
const HEAD_WIDTH = 3,
  HEAD_LENGTH = 5; // in shaft widths, matplotlib's defaults
const AUTOSCALE_FACTOR = 1.8; // matplotlib: scale = 1.8·mean·max(10, √k) / width
const AUTOSCALE_MIN_SQRT_N = 10;

/** Pixels per arrow unit under matplotlib's automatic quiver scale (0 when every arrow is zero). */
export function quiverScale(arrows, plotWidth) {
  const k = arrows.length / 2;
  let mean = 0,
    counted = 0;
  for (let i = 0; i < arrows.length; i += 2) {
    const len = Math.hypot(arrows[i], arrows[i + 1]);
    if (Number.isFinite(len)) {
      mean += len;
      counted++;
    }
  }
  mean /= Math.max(counted, 1);
  return mean > 0 ? plotWidth / (AUTOSCALE_FACTOR * Math.max(AUTOSCALE_MIN_SQRT_N, Math.sqrt(k)) * mean) : 0;
}

/**
 * An arrow from each of points (k, 2) along arrows (k, 2), both in data units, through view
 * (axes.areaView): a shaft and an open head of two barbs, all stroked as one path. (Filling
 * matplotlib's arrow polygons as one path costs ~100 ms for 2500 arrows in a software-rendered
 * canvas, one fill per arrow ~10 ms; one stroke ~3 ms, and at a one-pixel shaft looks the same.)
 * Arrows shorter than the head shrink as a whole, as matplotlib's do; non-finite arrows are skipped.
 */
export function drawQuiver(ctx, view, points, arrows, { color = QUIVER_COLOR } = {}) {
  const plotWidth = view.area.w;
  const pxPerUnit = quiverScale(arrows, plotWidth);
  const shaft = Math.max(MIN_SHAFT_PX, SHAFT_WIDTH * plotWidth);
  const headLength = HEAD_LENGTH * shaft,
    headHalfWidth = (HEAD_WIDTH / 2) * shaft;
  ctx.save();
  ctx.strokeStyle = color;
  ctx.lineWidth = shaft;
  ctx.beginPath();
  for (let i = 0; i < points.length; i += 2) {
    const u = arrows[i] * pxPerUnit,
      v = -arrows[i + 1] * pxPerUnit; // screen y points down
    const len = Math.hypot(u, v);
    if (!Number.isFinite(len) || len === 0) continue;
    const x0 = view.x(points[i]),
      y0 = view.y(points[i + 1]);
    const x1 = x0 + u,
      y1 = y0 + v;
    const c = u / len,
      s = v / len;
    const shrink = Math.min(1, len / headLength); // short arrows: the head shrinks with them
    const hl = headLength * shrink,
      hw = headHalfWidth * shrink;
    const bx = x1 - hl * c,
      by = y1 - hl * s; // where the barbs meet the shaft
    ctx.moveTo(x0, y0);
    ctx.lineTo(x1, y1);
    ctx.moveTo(bx - hw * s, by + hw * c);
    ctx.lineTo(x1, y1);
    ctx.lineTo(bx + hw * s, by - hw * c);
  }
  ctx.stroke();
  ctx.restore();
}
