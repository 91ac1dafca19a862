// chains.js — Langevin chains as the tutorial draws them: each chain's points, joined by arrows
// from one step to the next, its start ringed so that a click shows where a chain began.
// Pure drawing; the frames come from the worker.

import { CHAIN_ARROW_COLOR, CHAIN_POINT_COLOR, CHAIN_START_COLOR } from './theme.js';

const POINT_RADIUS = 2.5; // px
const START_RADIUS = 5; // px, the ring around a chain's first point
const ARROW_WIDTH = 1.2; // px, an arrow's shaft
const HEAD_WIDTH = 6,
  HEAD_LENGTH = 7; // px

/**
 * Draws n chains from frames (Float32Array (F, n, 2): frame t of chain i at (t·n + i)·2) through
 * view (axes.areaView). Steps too short to hold a head are drawn as plain segments; non-finite
 * points end a chain.
 */
export function drawChains(ctx, view, frames, n) {
  const F = n > 0 ? frames.length / (2 * n) : 0;
  const at = (t, i) => [view.x(frames[(t * n + i) * 2]), view.y(frames[(t * n + i) * 2 + 1])];
  ctx.save();
  ctx.lineWidth = ARROW_WIDTH;
  ctx.strokeStyle = CHAIN_ARROW_COLOR;
  ctx.fillStyle = CHAIN_ARROW_COLOR;
  for (let i = 0; i < n; i++) {
    for (let t = 0; t + 1 < F; t++) {
      const [x0, y0] = at(t, i),
        [x1, y1] = at(t + 1, i);
      if (![x0, y0, x1, y1].every(Number.isFinite)) break;
      stepArrow(ctx, x0, y0, x1, y1);
    }
  }
  ctx.fillStyle = CHAIN_POINT_COLOR;
  ctx.beginPath();
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < F; t++) {
      const [x, y] = at(t, i);
      if (!Number.isFinite(x) || !Number.isFinite(y)) break;
      ctx.moveTo(x + POINT_RADIUS, y);
      ctx.arc(x, y, POINT_RADIUS, 0, 2 * Math.PI);
    }
  }
  ctx.fill();
  ctx.strokeStyle = CHAIN_START_COLOR;
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  for (let i = 0; i < n && F > 0; i++) {
    const [x, y] = at(0, i);
    ctx.moveTo(x + START_RADIUS, y);
    ctx.arc(x, y, START_RADIUS, 0, 2 * Math.PI);
  }
  ctx.stroke();
  ctx.restore();
}

// An arrow from one chain point to the next, its tip stopping at the next point's edge.
function stepArrow(ctx, x0, y0, x1, y1) {
  const len = Math.hypot(x1 - x0, y1 - y0);
  if (len < 1e-6) return;
  const ux = (x1 - x0) / len,
    uy = (y1 - y0) / len;
  const tip = len - POINT_RADIUS;
  ctx.beginPath();
  ctx.moveTo(x0, y0);
  if (tip < HEAD_LENGTH + POINT_RADIUS) {
    // too short for a head
    ctx.lineTo(x1, y1);
    ctx.stroke();
    return;
  }
  const bx = x0 + ux * (tip - HEAD_LENGTH),
    by = y0 + uy * (tip - HEAD_LENGTH);
  ctx.lineTo(bx, by);
  ctx.stroke();
  const hw = HEAD_WIDTH / 2;
  ctx.beginPath();
  ctx.moveTo(x0 + ux * tip, y0 + uy * tip);
  ctx.lineTo(bx - uy * hw, by + ux * hw);
  ctx.lineTo(bx + uy * hw, by - ux * hw);
  ctx.closePath();
  ctx.fill();
}
