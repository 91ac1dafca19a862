// particles.js — thousands of moving points, redrawn every animation frame: the annealed sampler's
// particles. Pure drawing through a view from axes.js; the positions come from the worker.
//
// scatter.js composites dots into an image for accurate overlaps, at the cost of a full-canvas buffer
// per call; for 2000 points redrawn ~30 times a second, one path of small squares and one fill is
// cheaper (about a millisecond in a software-rendered canvas), and the uniform alpha of one fill
// still shows where particles crowd.

import { PARTICLE_ALPHA, PARTICLE_COLOR, PARTICLE_PX } from './theme.js';

/**
 * Squares of side `size` (CSS px) at points (Float32Array (n, 2), data units) through view
 * (axes.areaView), in one colour and opacity. Returns how many points were finite and inside the
 * view's area (the rest are skipped).
 */
export function drawParticles(
  ctx,
  view,
  points,
  { color = PARTICLE_COLOR, alpha = PARTICLE_ALPHA, size = PARTICLE_PX } = {},
) {
  const { x: ax, y: ay, w, h } = view.area;
  const half = size / 2;
  let inside = 0;
  ctx.save();
  ctx.globalAlpha = alpha;
  ctx.fillStyle = color;
  ctx.beginPath();
  for (let i = 0; i < points.length; i += 2) {
    const px = view.x(points[i]),
      py = view.y(points[i + 1]);
    if (!(px >= ax && px <= ax + w && py >= ay && py <= ay + h)) continue; // NaN fails too
    ctx.rect(px - half, py - half, size, size);
    inside++;
  }
  ctx.fill();
  ctx.restore();
  return inside;
}
