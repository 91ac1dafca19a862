// points-input.js — a points file (CSV, TSV or JSON; web/core/points-file.js) read for a 2-D plot: the
// page's section 7 and 8 painting (painting.js) and the widget's "Load points…" and drop
// (web/embed/scorefield-widget.js, which imports this only when a file is chosen or dropped).

import { checkPointsFileSize, parsePoints } from '../core/points-file.js';
import { TO_WORKER } from '../worker/protocol.js';

/**
 * The points of `file` (a File or Blob) as a Float32Array (n, 2): with `fit`, centred and scaled into
 * `box` ({ xmin, xmax, ymin, ymax }) by the core (the worker's FIT, sf.fitPoints), keeping their shape;
 * without, taken as they are and clamped to the box. Throws the file's problem (its line and what is
 * wrong, its size, at most maxPoints points) and then nothing has changed.
 */
export async function readPointsFile(engine, file, { box, fit, maxPoints }) {
  checkPointsFileSize(file.size);
  const points = parsePoints(new Uint8Array(await file.arrayBuffer()), { maxPoints });
  const { xmin, xmax, ymin, ymax } = box;
  if (fit) return (await engine.request(TO_WORKER.FIT, { points, box: { xmin, xmax, ymin, ymax } })).points;
  for (let i = 0; i < points.length; i += 2) {
    points[i] = Math.min(xmax, Math.max(xmin, points[i]));
    points[i + 1] = Math.min(ymax, Math.max(ymin, points[i + 1]));
  }
  return points;
}
