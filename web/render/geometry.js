// geometry.js — the numbers behind every figure, shared by the canvas views (page, widget) and the
// SVG writers (CLI, exports): grids, the tutorial's arrow scaling, axis mapping, ticks and the colour
// map. Pure functions of their arguments; no DOM, no canvas, so Node and the browser use them alike.

export { gridPoints } from '../core/grid.js';

/**
 * The tutorial's quiver arrows: each score s (n, 2) rescaled to s/‖s‖·log1p(‖s‖), so that direction
 * shows everywhere and length grows only logarithmically with the score's size. A zero score stays a
 * zero arrow. Returns a new Float32Array (n, 2) in data units.
 */
export function log1pArrows(scores) {
  const out = new Float32Array(scores.length);
  for (let i = 0; i < scores.length; i += 2) {
    const sx = scores[i],
      sy = scores[i + 1];
    const norm = Math.hypot(sx, sy);
    const k = norm > 0 ? Math.log1p(norm) / norm : 0;
    out[i] = sx * k;
    out[i + 1] = sy * k;
  }
  return out;
}

/** The largest arrow length in (n, 2) arrows; 0 for none. */
export function maxLength(arrows) {
  let m = 0;
  for (let i = 0; i < arrows.length; i += 2) m = Math.max(m, Math.hypot(arrows[i], arrows[i + 1]));
  return m;
}

/**
 * A linear map from the data box [xmin, xmax] × [ymin, ymax] to a pixel box of width × height with
 * y pointing up in data and down on screen: { x(v), y(v), scale } (scale: pixels per data unit in x).
 */
export function viewport({ xmin, xmax, ymin, ymax }, width, height, pad = 0) {
  const sx = (width - 2 * pad) / (xmax - xmin),
    sy = (height - 2 * pad) / (ymax - ymin);
  return {
    x: (v) => pad + (v - xmin) * sx,
    y: (v) => height - pad - (v - ymin) * sy,
    scale: sx,
  };
}

/** About `count` round tick values covering [lo, hi] (steps of 1, 2 or 5 times a power of ten). */
export function niceTicks(lo, hi, count = 5) {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw);
  const ticks = [];
  // Round each tick to the step's decimals so that 0.1 + 0.2 prints as 0.3.
  const decimals = Math.max(0, -Math.floor(Math.log10(step)));
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(Number(t.toFixed(decimals)));
  return ticks;
}

// Viridis (matplotlib's default colour map; the tutorial's digit pictures use gray, which is the
// other choice the views offer), sampled at nine evenly spaced stops; between stops the colour is
// interpolated linearly in RGB.
const VIRIDIS = [
  [68, 1, 84],
  [71, 44, 122],
  [59, 81, 139],
  [44, 113, 142],
  [33, 144, 141],
  [39, 173, 129],
  [92, 200, 99],
  [170, 220, 50],
  [253, 231, 37],
];

/** The viridis colour of t in [0, 1] (clamped; NaN gives the low end) as [r, g, b] bytes. */
export function viridis(t) {
  const u = t > 0 ? Math.min(t, 1) * (VIRIDIS.length - 1) : 0;
  const i = Math.min(Math.floor(u), VIRIDIS.length - 2),
    f = u - i;
  const a = VIRIDIS[i],
    b = VIRIDIS[i + 1];
  return [0, 1, 2].map((c) => Math.round(a[c] + (b[c] - a[c]) * f));
}
