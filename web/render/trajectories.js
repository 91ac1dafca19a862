// trajectories.js — sampler particles with the paths they took: the first few hundred particles'
// positions frame by frame as thin polylines (an ODE's smooth, an SDE's jagged), then every particle
// at the frame shown. Pure drawing through a view from axes.js; the frames come from the worker.

import { drawParticles } from './particles.js';
import { TRAJECTORY_ALPHA, TRAJECTORY_COLOR, TRAJECTORY_PX } from './theme.js';

const MAX_VERTICES = 200; // per path: longer runs are drawn through every k-th frame (and the last)

/**
 * frames: Float32Array (F, n, 2), frame f of particle i at (f·n + i)·2. Draws the paths of the first
 * `paths` particles from frame 0 to frame `upTo` (inclusive), then all n particles at `upTo`.
 * Returns how many particles were inside the plot area at that frame.
 */
export function drawTrajectories(ctx, view, frames, n, upTo, { paths = 200, particles = {} } = {}) {
  const F = Math.floor(frames.length / (2 * n));
  if (F === 0) return 0;
  const last = Math.max(0, Math.min(F - 1, upTo));
  const stride = Math.max(1, Math.ceil((last + 1) / MAX_VERTICES));
  const shown = Math.min(paths, n);
  ctx.save();
  ctx.globalAlpha = TRAJECTORY_ALPHA;
  ctx.strokeStyle = TRAJECTORY_COLOR;
  ctx.lineWidth = TRAJECTORY_PX;
  ctx.lineJoin = 'round';
  ctx.beginPath();
  for (let i = 0; i < shown; i++) {
    let started = false;
    for (let f = 0; f <= last; f += f === last ? 1 : Math.min(stride, last - f)) {
      const k = (f * n + i) * 2;
      const x = view.x(frames[k]),
        y = view.y(frames[k + 1]);
      if (!Number.isFinite(x) || !Number.isFinite(y)) {
        started = false;
        if (f === last) break;
        continue;
      }
      if (started) ctx.lineTo(x, y);
      else ctx.moveTo(x, y);
      started = true;
      if (f === last) break;
    }
  }
  ctx.stroke();
  ctx.restore();
  return drawParticles(ctx, view, frames.subarray(last * n * 2, (last + 1) * n * 2), particles);
}
