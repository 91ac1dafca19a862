// heatmap.js — a scalar field on a grid as a viridis heatmap with contour lines: the learned log p(x)
// of the score-SDE section beside the exact one. The cells are painted into an nx × ny image drawn
// over the grid's extent (smoothed by the canvas), the contours traced by marching squares at evenly
// spaced levels. Pure drawing through a view from axes.js; the values come from the worker.

import { viridis } from './geometry.js';
import { CONTOUR_COLOR } from './theme.js';

const CONTOUR_PX = 0.9; // px

/** The finite minimum and maximum of values, or null when none is finite. */
export function finiteRange(values) {
  let lo = Infinity,
    hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? { lo, hi } : null;
}

/** `count` contour levels evenly inside (lo, hi), the ends left out. */
export function contourLevels(lo, hi, count) {
  return Array.from({ length: count }, (_, k) => lo + ((k + 1) * (hi - lo)) / (count + 1));
}

/**
 * grid { xmin, xmax, ymin, ymax, nx, ny } and values (ny·nx, row j at y_j from ymin up, as
 * core/grid.js orders them), coloured over [lo, hi] (values below lo take lo's colour: a log-density
 * map shows the bottom of its range flat), with contour lines at `levels`. Non-finite cells are left
 * transparent.
 */
export function drawHeatmap(ctx, view, grid, values, { lo, hi, levels = [] }) {
  const { nx, ny } = grid;
  const image = new ImageData(nx, ny);
  const span = hi > lo ? hi - lo : 1;
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const v = values[j * nx + i];
      const k = 4 * ((ny - 1 - j) * nx + i); // image rows run top-down
      if (!Number.isFinite(v)) continue;
      const [r, g, b] = viridis((v - lo) / span);
      image.data[k] = r;
      image.data[k + 1] = g;
      image.data[k + 2] = b;
      image.data[k + 3] = 255;
    }
  }
  const layer = new OffscreenCanvas(nx, ny);
  layer.getContext('2d').putImageData(image, 0, 0);
  // Cell centres sit on the grid's points: the image reaches half a cell beyond them.
  const dx = nx > 1 ? (grid.xmax - grid.xmin) / (nx - 1) : 1,
    dy = ny > 1 ? (grid.ymax - grid.ymin) / (ny - 1) : 1;
  const x0 = view.x(grid.xmin - dx / 2),
    x1 = view.x(grid.xmax + dx / 2),
    y0 = view.y(grid.ymax + dy / 2),
    y1 = view.y(grid.ymin - dy / 2);
  ctx.save();
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(layer, x0, y0, x1 - x0, y1 - y0);
  ctx.strokeStyle = CONTOUR_COLOR;
  ctx.lineWidth = CONTOUR_PX;
  ctx.beginPath();
  const px = (i) => view.x(grid.xmin + i * dx),
    py = (j) => view.y(grid.ymin + j * dy);
  for (const level of levels) traceContour(ctx, values, nx, ny, level, px, py);
  ctx.stroke();
  ctx.restore();
}

// The edges of a cell with corners a (i, j), b (i + 1, j), c (i + 1, j + 1), d (i, j + 1).
const BOTTOM = 0, // a-b
  RIGHT = 1, // b-c
  TOP = 2, // d-c
  LEFT = 3; // a-d
// The segments (pairs of edges) of a cell by its code (a > level: 1, b: 2, c: 4, d: 8): a code and
// its complement cross the same edges. The saddles 5 and 10 (null) depend on the cell's centre.
const SEGMENTS = [
  [],
  [[LEFT, BOTTOM]],
  [[BOTTOM, RIGHT]],
  [[LEFT, RIGHT]],
  [[RIGHT, TOP]],
  null,
  [[BOTTOM, TOP]],
  [[LEFT, TOP]],
  [[LEFT, TOP]],
  [[BOTTOM, TOP]],
  null,
  [[RIGHT, TOP]],
  [[LEFT, RIGHT]],
  [[BOTTOM, RIGHT]],
  [[LEFT, BOTTOM]],
  [],
];
// A saddle's two segments cut off the two corners on the other side of the level from its centre.
const CUT_B_D = [
    [LEFT, TOP],
    [BOTTOM, RIGHT],
  ],
  CUT_A_C = [
    [LEFT, BOTTOM],
    [RIGHT, TOP],
  ];

// Marching squares: for every cell whose corners straddle `level`, a segment between the crossing
// points of its edges (linear interpolation along each edge). Saddles take the two segments that
// keep the cell's average on its side.
function traceContour(ctx, v, nx, ny, level, px, py) {
  const at = (i, j) => v[j * nx + i];
  for (let j = 0; j < ny - 1; j++) {
    for (let i = 0; i < nx - 1; i++) {
      const a = at(i, j),
        b = at(i + 1, j),
        c = at(i + 1, j + 1),
        d = at(i, j + 1);
      if (!(Number.isFinite(a) && Number.isFinite(b) && Number.isFinite(c) && Number.isFinite(d))) continue;
      const code = (a > level ? 1 : 0) | (b > level ? 2 : 0) | (c > level ? 4 : 0) | (d > level ? 8 : 0);
      if (code === 0 || code === 15) continue;
      const t = (p, q) => (level - p) / (q - p);
      // the crossing point on each edge
      const crossing = [
        () => [px(i + t(a, b)), py(j)],
        () => [px(i + 1), py(j + t(b, c))],
        () => [px(i + t(d, c)), py(j + 1)],
        () => [px(i), py(j + t(a, d))],
      ];
      const centreHigh = (a + b + c + d) / 4 > level;
      const segments = SEGMENTS[code] ?? ((code === 5) === centreHigh ? CUT_B_D : CUT_A_C);
      for (const [p, q] of segments) {
        const [x0, y0] = crossing[p](),
          [x1, y1] = crossing[q]();
        ctx.moveTo(x0, y0);
        ctx.lineTo(x1, y1);
      }
    }
  }
}
