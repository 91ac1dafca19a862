// exports.js — what a reader can take away from a figure: a PNG of the panels as shown (redrawn at
// twice their size, on white), the 2-D figure as a standalone SVG (web/render/svg.js, the CLI's
// writer), the losses as CSV, a PNG filmstrip of the digit frames, the chains or the digit denoising
// as an animated GIF (web/render/animation.js, the CLI's --gif writer), and the weights file (the
// core's format, README "Weights file format") to download or load back.
//
// The functions build files; ExportBar (export-bar.js) puts them behind buttons for one run, starts the
// downloads, and is the only part that talks to the worker (SAVE and LOAD of the weights file). Everything drawn
// goes through the same views and render functions as the screen, so an export matches what is shown.

import { log1pArrows } from '../render/geometry.js';
import { drawFilmstrip } from '../render/digits.js';

export const EXPORT_SCALE = 2; // exported PNGs: device pixels per CSS pixel of the panel on screen
const PANEL_GAP = 16; // px between panels in an exported PNG
const PAPER = '#fff'; // exports are light whatever the theme: they go into documents
const SVG_DATA_POINTS = 2000; // data dots in an SVG: the density shows, the file stays ~100 KB
const FILMSTRIP_COLS = 17; // the filmstrip PNG's tiles per row (51 frames: three rows)
const FILMSTRIP_TILE = 48; // px per tile side in the filmstrip PNG
const FILMSTRIP_LABEL = 14; // px under each tile for its step number (render/digits.js's LABEL_PX)
const FILMSTRIP_GAP = 4; // px between tiles (render/digits.js's TILE_GAP)

// A canvas of w × h device pixels: an OffscreenCanvas where there is one, else a detached <canvas>.
function surface(w, h) {
  if (typeof OffscreenCanvas === 'function') return new OffscreenCanvas(w, h);
  const c = document.createElement('canvas');
  c.width = w;
  c.height = h;
  return c;
}

function toPng(canvas) {
  if (typeof canvas.convertToBlob === 'function') return canvas.convertToBlob({ type: 'image/png' });
  return new Promise((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the image could not be encoded'))), 'image/png'),
  );
}

/**
 * One canvas view's figure as an SVG Blob at its on-screen size, drawn by its own draw() on a
 * recording context (render/svg-context.js), so the vector figure is the one on screen.
 */
export async function viewSvg(view) {
  const w = view.canvas.clientWidth,
    h = view.canvas.clientHeight;
  if (!(w > 0 && h > 0)) throw new Error('the figure is not shown');
  const { viewSvg: svgOf } = await import('../render/svg-context.js');
  return new Blob([svgOf(view, w, h)], { type: 'image/svg+xml' });
}

/**
 * The canvas views (views.js / digit-views.js CanvasView) side by side as one PNG Blob, each redrawn
 * at `scale` times its on-screen size on white. Views with no size on screen (hidden panels) are
 * left out; throws when none is left.
 */
export async function viewsPng(views, { scale = EXPORT_SCALE } = {}) {
  const shown = views.filter((v) => v.canvas.clientWidth > 0 && v.canvas.clientHeight > 0);
  if (shown.length === 0) throw new Error('no figure is shown to export');
  const width = shown.reduce((w, v) => w + v.canvas.clientWidth, 0) + PANEL_GAP * (shown.length - 1);
  const height = Math.max(...shown.map((v) => v.canvas.clientHeight));
  const out = surface(Math.round(width * scale), Math.round(height * scale));
  const ctx = out.getContext('2d');
  ctx.fillStyle = PAPER;
  ctx.fillRect(0, 0, out.width, out.height);
  let x = 0;
  for (const view of shown) {
    const w = view.canvas.clientWidth,
      h = view.canvas.clientHeight;
    // Each panel draws on its own surface: views cache layers by surface size (views.js, the data
    // under a field), which assumes the layer's origin is the surface's.
    const panel = surface(Math.round(w * scale), Math.round(h * scale));
    const pctx = panel.getContext('2d');
    pctx.setTransform(panel.width / w, 0, 0, panel.height / h, 0, 0);
    view.draw(pctx, w, h);
    view.invalidate(); // drawing elsewhere may have changed what the view keeps for clicks
    ctx.drawImage(panel, Math.round(x * scale), 0);
    x += w + PANEL_GAP;
  }
  return toPng(out);
}

/**
 * The 2-D figure as an SVG string (a promise: the SVG writer loads on first use): title; box { xmin,
 * xmax, ymin, ymax } (the grid's); data (n, 2) or null (at most SVG_DATA_POINTS of them are drawn);
 * field: { points, scores } on the grid or null; chains: { frames, n } or null.
 */
export async function figureSvgText({ title, box, data = null, field = null, chains = null, idPrefix = 'scorefield' }) {
  const { figureSvg } = await import('../render/svg.js');
  return figureSvg({
    title,
    box,
    idPrefix,
    data: data ? data.subarray(0, 2 * SVG_DATA_POINTS) : null,
    quiver: field ? { points: field.points, arrows: log1pArrows(field.scores) } : null,
    chains: chains ? { frames: chains.frames, n: chains.n } : null,
  });
}

/**
 * The frames of one digit sample (frames: Float32Array (F, n, 64), sample i) as a filmstrip PNG Blob,
 * FILMSTRIP_COLS tiles to a row, step numbers under the tiles, on white.
 */
export function filmstripPng(frames, n, sample = 0, { scale = EXPORT_SCALE } = {}) {
  const count = frames.length / (n * 64);
  const cols = Math.min(FILMSTRIP_COLS, count),
    rows = Math.ceil(count / cols);
  const width = cols * FILMSTRIP_TILE + (cols - 1) * FILMSTRIP_GAP;
  const height = rows * (FILMSTRIP_TILE + FILMSTRIP_LABEL) + (rows - 1) * FILMSTRIP_GAP;
  const out = surface(Math.round(width * scale), Math.round(height * scale));
  const ctx = out.getContext('2d');
  ctx.fillStyle = PAPER;
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.setTransform(scale, 0, 0, scale, 0, 0);
  drawFilmstrip(ctx, width, height, frames, n, sample, -1);
  return toPng(out);
}

/**
 * The sampling as a looping GIF Blob (a promise: the GIF writer loads on first use): the digit
 * denoising of samples { frames, n } when given, else the chains of figure (figureSvgText's options)
 * over its data. The same frames give the same bytes as the CLI's --gif.
 */
export async function animationGif({ samples = null, figure = null }) {
  const { animateChains, animateDigits } = await import('../render/animation.js');
  let bytes;
  if (samples) bytes = animateDigits({ frames: samples.frames, n: samples.n });
  else if (figure?.chains) {
    const { data, chains, box } = figure;
    const shown = data ? data.subarray(0, 2 * SVG_DATA_POINTS) : null;
    bytes = animateChains({ data: shown, frames: chains.frames, n: chains.n, box });
  } else throw new Error('there are no chains to animate yet');
  return new Blob([bytes], { type: 'image/gif' });
}
