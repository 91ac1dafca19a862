// digits.js — 8×8 digit images as the tutorial shows them with imshow: one image, a colour bar
// beside it, a filmstrip of every Langevin frame and a grid of samples. Each image is coloured with
// viridis between its own minimum and maximum (imshow's default). Pure drawing; the frames come from
// the worker, which frame to show is the caller's.

import { niceTicks, viridis } from './geometry.js';
import { AXIS_COLOR, HIGHLIGHT_COLOR, MUTED_COLOR, TICK_FONT } from './theme.js';

export const SIDE = 8; // pixels per image side
const PIXELS = SIDE * SIDE;
const TILE_GAP = 4; // px between tiles of a filmstrip or grid
const LABEL_PX = 14; // px under each filmstrip tile for its step number
const COLOUR_BAR_STOPS = 32; // gradient stops along the colour bar (viridis is smooth between them)

/** { lo, hi } of the finite values of one image (64 floats starting at offset); lo < hi always. */
export function imageRange(frames, offset = 0) {
  let lo = Infinity,
    hi = -Infinity;
  for (let i = offset; i < offset + PIXELS; i++) {
    const v = frames[i];
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(lo <= hi)) return { lo: 0, hi: 1 }; // no finite pixel
  return lo < hi ? { lo, hi } : { lo: lo - 0.5, hi: hi + 0.5 }; // a flat image still maps to a colour
}

// v rounded to the device-pixel grid, so neighbouring cells share edges without seams or blur.
function devicePixel(v, dpr) {
  return Math.round(v * dpr) / dpr;
}

/**
 * One 8×8 image (64 floats of `frames` from offset, row-major) into the square cell (x, y, side) in
 * CSS px, coloured by viridis over [lo, hi] (default: the image's own range). Non-finite pixels are
 * drawn in the background colour of the low end.
 */
export function drawDigit(ctx, frames, offset, x, y, side, { lo, hi } = imageRange(frames, offset)) {
  const dpr = ctx.getTransform().a;
  const span = hi - lo;
  for (let r = 0; r < SIDE; r++) {
    const y0 = devicePixel(y + (r * side) / SIDE, dpr),
      y1 = devicePixel(y + ((r + 1) * side) / SIDE, dpr);
    for (let c = 0; c < SIDE; c++) {
      const x0 = devicePixel(x + (c * side) / SIDE, dpr),
        x1 = devicePixel(x + ((c + 1) * side) / SIDE, dpr);
      const [R, G, B] = viridis((frames[offset + r * SIDE + c] - lo) / span);
      ctx.fillStyle = `rgb(${R},${G},${B})`;
      ctx.fillRect(x0, y0, x1 - x0, y1 - y0);
    }
  }
}

/** A vertical viridis colour bar in (x, y, w, h) for values lo (bottom) .. hi (top), ticks on its right. */
export function drawColourBar(ctx, x, y, w, h, lo, hi) {
  const gradient = ctx.createLinearGradient(0, y + h, 0, y);
  for (let k = 0; k <= COLOUR_BAR_STOPS; k++) {
    const [R, G, B] = viridis(k / COLOUR_BAR_STOPS);
    gradient.addColorStop(k / COLOUR_BAR_STOPS, `rgb(${R},${G},${B})`);
  }
  ctx.save();
  ctx.fillStyle = gradient;
  ctx.fillRect(x, y, w, h);
  ctx.strokeStyle = AXIS_COLOR;
  ctx.lineWidth = 1;
  ctx.strokeRect(Math.round(x) + 0.5, Math.round(y) + 0.5, Math.round(w) - 1, Math.round(h) - 1);
  ctx.font = TICK_FONT;
  ctx.fillStyle = MUTED_COLOR;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  ctx.beginPath();
  for (const t of niceTicks(lo, hi, 4)) {
    if (t < lo || t > hi) continue;
    const ty = Math.round(y + h - ((t - lo) / (hi - lo)) * h) + 0.5;
    ctx.moveTo(x + w, ty);
    ctx.lineTo(x + w + 4, ty);
    ctx.fillText(String(t), x + w + 7, ty);
  }
  ctx.stroke();
  ctx.restore();
}

/**
 * Where `count` square tiles go in a width × height box, as large as they fit, in rows of `cols`:
 * { cols, rows, side, x(i), y(i) } (CSS px; y(i) is the tile's top). labelPx leaves room under each row.
 */
export function tileLayout(width, height, count, labelPx = 0) {
  let best = { cols: 1, side: 0 };
  for (let cols = 1; cols <= count; cols++) {
    const rows = Math.ceil(count / cols);
    const side = Math.min(
      (width - (cols - 1) * TILE_GAP) / cols,
      (height - rows * labelPx - (rows - 1) * TILE_GAP) / rows,
    );
    if (side > best.side) best = { cols, side };
  }
  const { cols } = best,
    side = Math.max(0, Math.floor(best.side));
  const rows = Math.ceil(count / cols);
  const left = Math.floor((width - cols * side - (cols - 1) * TILE_GAP) / 2);
  return {
    cols,
    rows,
    side,
    x: (i) => left + (i % cols) * (side + TILE_GAP),
    y: (i) => Math.floor(i / cols) * (side + labelPx + TILE_GAP),
  };
}

/** The index of the tile under (px, py) in a tileLayout, or −1. */
export function tileAt(layout, count, px, py) {
  for (let i = 0; i < count; i++) {
    const x = layout.x(i),
      y = layout.y(i);
    if (px >= x && px < x + layout.side && py >= y && py < y + layout.side) return i;
  }
  return -1;
}

const MIN_TILE_PX = 8; // px: below one CSS px per image pixel, the filmstrip shows every k-th frame

/**
 * Which frames a filmstrip of F frames shows in a width × height box: all of them when their tiles
 * are at least MIN_TILE_PX, otherwise as many as fit at that size, evenly spaced from the first to the
 * last. Returns the frame index of each tile, increasing.
 */
export function filmstripFrames(width, height, F) {
  const perRow = Math.max(1, Math.floor((width + TILE_GAP) / (MIN_TILE_PX + TILE_GAP)));
  const rows = Math.max(1, Math.floor((height + TILE_GAP) / (MIN_TILE_PX + LABEL_PX + TILE_GAP)));
  const shown = Math.max(1, Math.min(F, perRow * rows));
  if (shown === F) return Array.from({ length: F }, (_, t) => t);
  if (shown === 1) return [F - 1];
  return Array.from({ length: shown }, (_, i) => Math.round((i * (F - 1)) / (shown - 1)));
}

/**
 * The filmstrip's tiles and their step numbers (frame t of sample `sample` for the frames
 * filmstripFrames picks; frames: Float32Array (F, n, 64)), drawn once into an offscreen canvas of
 * width × height CSS px drawn at pixelWidth × pixelHeight device px (the target canvas's size, so
 * that the copy is pixel for pixel): { canvas, layout, shown, width, height, stepOf }. stepOf(t) is
 * the sampler step a frame shows (t itself unless the frames kept are every k-th step's).
 * drawFilmstripCursor blits it and outlines the current frame, so playing costs a copy per frame.
 */
export function filmstripLayer(
  width,
  height,
  frames,
  n,
  sample,
  pixelWidth = width,
  pixelHeight = height,
  stepOf = (t) => t,
) {
  const F = frames.length / (n * PIXELS);
  const shown = filmstripFrames(width, height, F);
  const layout = tileLayout(width, height, shown.length, LABEL_PX);
  const canvas = new OffscreenCanvas(Math.max(1, pixelWidth), Math.max(1, pixelHeight));
  const ctx = canvas.getContext('2d');
  ctx.setTransform(canvas.width / width, 0, 0, canvas.height / height, 0, 0);
  ctx.font = TICK_FONT;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  ctx.fillStyle = MUTED_COLOR;
  shown.forEach((t, i) => {
    const x = layout.x(i),
      y = layout.y(i);
    drawDigit(ctx, frames, (t * n + sample) * PIXELS, x, y, layout.side);
    ctx.fillStyle = MUTED_COLOR;
    ctx.fillText(String(stepOf(t)), x + layout.side / 2, y + layout.side + 1);
  });
  return { canvas, layout, shown, width, height, stepOf };
}

/** The tile of a filmstrip layer that shows frame `current` (the nearest shown frame), or −1. */
export function filmstripTile(layer, current) {
  const { shown } = layer;
  if (!(current >= 0) || current > shown[shown.length - 1]) return -1;
  let best = 0;
  for (let i = 1; i < shown.length; i++) if (Math.abs(shown[i] - current) < Math.abs(shown[best] - current)) best = i;
  return best;
}

/**
 * A filmstrip layer into ctx (its CSS px box from (0, 0)), with the tile of frame `current` outlined
 * and its step number highlighted: the same pixels as drawing every tile, for the cost of one copy.
 */
export function drawFilmstripCursor(ctx, layer, current) {
  const { layout, shown, stepOf } = layer;
  ctx.drawImage(layer.canvas, 0, 0, layer.width, layer.height);
  const i = filmstripTile(layer, current);
  if (i < 0) return;
  const x = layout.x(i),
    y = layout.y(i);
  ctx.save();
  // The step number again in the highlight colour, over a cleared label cell (its neighbours' labels,
  // which may reach into the cell when tiles are narrow, redrawn inside it).
  ctx.beginPath();
  ctx.rect(x - TILE_GAP / 2, y + layout.side, layout.side + TILE_GAP, LABEL_PX);
  ctx.clip();
  ctx.clearRect(x - TILE_GAP / 2, y + layout.side, layout.side + TILE_GAP, LABEL_PX);
  ctx.font = TICK_FONT;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const j of [i - 1, i, i + 1]) {
    if (j < 0 || j >= shown.length) continue;
    ctx.fillStyle = j === i ? HIGHLIGHT_COLOR : MUTED_COLOR;
    ctx.fillText(String(stepOf(shown[j])), layout.x(j) + layout.side / 2, layout.y(j) + layout.side + 1);
  }
  ctx.restore();
  ctx.save();
  ctx.strokeStyle = HIGHLIGHT_COLOR;
  ctx.lineWidth = 2;
  ctx.strokeRect(x - 1, y - 1, layout.side + 2, layout.side + 2);
  ctx.restore();
}

/**
 * The filmstrip in one call: frame t of sample `sample` for every t (frames: Float32Array (F, n, 64)),
 * in tiles with their step numbers, the `current` frame outlined. Returns the layer (its `layout` and
 * `shown` frames); views that redraw often keep the layer and call drawFilmstripCursor.
 */
export function drawFilmstrip(ctx, width, height, frames, n, sample, current) {
  const layer = filmstripLayer(width, height, frames, n, sample, ctx.canvas.width, ctx.canvas.height);
  drawFilmstripCursor(ctx, layer, current);
  return layer;
}

/** Frame t of every one of n samples (frames: Float32Array (F, n, 64)) as a grid of tiles. */
export function drawDigitGrid(ctx, width, height, frames, n, t) {
  const layout = tileLayout(width, height, n);
  for (let i = 0; i < n; i++) drawDigit(ctx, frames, (t * n + i) * PIXELS, layout.x(i), layout.y(i), layout.side);
  return layout;
}
