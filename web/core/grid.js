// grid.js — the points of a regular 2-D grid, as the score field's quiver samples it. In core because
// the Node API's scoreGrid evaluates on it; the render modules re-export it for their figures.

/**
 * The points of an nx × ny grid over [xmin, xmax] × [ymin, ymax], ends included, as a Float32Array
 * (ny·nx, 2): point j·nx + i at (x_i, y_j). A single row or column sits at the low end rather than
 * dividing by zero.
 */
export function gridPoints({ xmin, xmax, ymin, ymax, nx, ny }) {
  const points = new Float32Array(nx * ny * 2);
  const dx = nx > 1 ? (xmax - xmin) / (nx - 1) : 0,
    dy = ny > 1 ? (ymax - ymin) / (ny - 1) : 0;
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      points[2 * (j * nx + i)] = xmin + i * dx;
      points[2 * (j * nx + i) + 1] = ymin + j * dy;
    }
  }
  return points;
}
