// animation.js — Langevin chains over the data, and digit denoisings, as looping animated GIFs: the
// same bytes from the page's export bars, the Node API and the CLI (`--gif F`) for the same frames,
// so one seed gives one file everywhere.
//
// Frames are rasterised here into an indexed-colour buffer with one fixed palette (the theme's
// colours and 64 viridis levels; no anti-aliasing, so no colour is ever quantised) and encoded by the
// npm library gifenc (web/vendor/gifenc.js, copied from node_modules by build-wasm.sh, since a page
// cannot import from node_modules). After the first frame, each frame holds only the pixels that
// changed: the others are the transparent index over the previous frame (disposal "do not
// dispose"), which keeps a 5 s loop at 480 px far below 2 MB. No DOM, no Node APIs, no numerics:
// the frames come from the sampler.
//
//   const gif = animateChains({ data, frames, n, box });   // Uint8Array, a .gif file
//   const gif = animateDigits({ frames, n: 8 });

import { GIFEncoder } from '../vendor/gifenc.js';
import { viewport, viridis } from './geometry.js';
import {
  AXIS_COLOR,
  BACKGROUND,
  CHAIN_ARROW_COLOR,
  CHAIN_POINT_COLOR,
  CHAIN_START_COLOR,
  DATA_COLOR,
} from './theme.js';

export const DEFAULT_SIZE = 480; // px, a GIF's side: a blog column
export const DEFAULT_FPS = 20; // frames per second: 101 frames (100 steps) make a 5 s loop
export const MIN_SIZE = 16; // px
export const MAX_SIZE = 2048; // px
export const MAX_FPS = 50; // GIF delays are whole centiseconds; most viewers slow anything faster
export const MAX_FRAMES = 10001; // frames in one GIF (10 000 steps): minutes of animation already

const PIXELS = 64; // values per digit image
const SIDE = 8; // pixels per digit image side
const VIRIDIS_LEVELS = 32; // palette entries for the digits' colour map
const DATA_TINT = 0.3; // the data's colour over the background: DATA_ALPHA-like, without blending
const PAD_PX = 8; // px between the chains' box and the GIF's edge
const DATA_RADIUS = 1.6; // px (theme.js DATA_RADIUS)
const POINT_RADIUS = 2.5; // px (chains.js POINT_RADIUS)
const START_RADIUS = 5; // px, the ring around a chain's start (chains.js START_RADIUS)
const TILE_GAP = 4; // px between digit tiles

// The palette: index 0 is the transparent key of the frames after the first (never drawn), then the
// theme's colours, then the viridis levels.
const TRANSPARENT = 0,
  PAPER = 1,
  DATA = 2,
  POINT = 3,
  TRAIL = 4,
  START = 5,
  FRAME = 6,
  VIRIDIS0 = 7;

const NAMED = { blue: [0, 0, 255], orange: [255, 165, 0], white: [255, 255, 255] };

// '#rgb', '#rrggbb' or one of the names theme.js uses, as [r, g, b].
function rgbOf(css) {
  if (NAMED[css]) return NAMED[css];
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(css)?.[1];
  if (!hex) throw new Error(`animation: the theme colour '${css}' is not #rgb, #rrggbb or a known name`);
  const full = hex.length === 3 ? [...hex].map((c) => c + c).join('') : hex;
  return [0, 2, 4].map((i) => parseInt(full.slice(i, i + 2), 16));
}

function buildPalette() {
  const paper = rgbOf(BACKGROUND);
  const data = rgbOf(DATA_COLOR).map((c, i) => Math.round(paper[i] + (c - paper[i]) * DATA_TINT));
  const palette = [
    [255, 0, 255], // the transparent key
    paper,
    data,
    rgbOf(CHAIN_POINT_COLOR),
    rgbOf(CHAIN_ARROW_COLOR),
    rgbOf(CHAIN_START_COLOR),
    rgbOf(AXIS_COLOR),
  ];
  for (let k = 0; k < VIRIDIS_LEVELS; k++) palette.push(viridis(k / (VIRIDIS_LEVELS - 1)));
  return palette;
}
const PALETTE = buildPalette();

// ---- Checks -------------------------------------------------------------------------------------

function checkInteger(what, v, lo, hi, unit = '') {
  if (!Number.isInteger(v) || v < lo || v > hi)
    throw new Error(`${what} must be a whole number from ${lo} to ${hi}${unit}, got ${String(v)}`);
}

function checkFps(who, fps) {
  if (typeof fps !== 'number' || !(fps > 0 && fps <= MAX_FPS))
    throw new Error(`${who}: fps must be a number above 0 and at most ${MAX_FPS}, got ${String(fps)}`);
}

function checkFinite(who, name, values, stride, unit) {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      const at = Math.floor(i / stride);
      throw new Error(
        `${who}: ${name}[${i}] is ${values[i]} (${unit(at)}): every value must be a finite number, nothing was drawn`,
      );
    }
  }
}

function checkArray(who, name, a) {
  if (!(a instanceof Float32Array || a instanceof Float64Array))
    throw new Error(`${who}: ${name} must be a Float32Array, got ${a === null ? 'null' : typeof a}`);
}

// ---- Rasterising --------------------------------------------------------------------------------

function disc(img, size, cx, cy, r, color) {
  const x0 = Math.max(0, Math.floor(cx - r)),
    x1 = Math.min(size - 1, Math.ceil(cx + r));
  const y0 = Math.max(0, Math.floor(cy - r)),
    y1 = Math.min(size - 1, Math.ceil(cy + r));
  const r2 = r * r;
  for (let y = y0; y <= y1; y++) {
    const dy = y + 0.5 - cy;
    for (let x = x0; x <= x1; x++) {
      const dx = x + 0.5 - cx;
      if (dx * dx + dy * dy <= r2) img[y * size + x] = color;
    }
  }
}

function ring(img, size, cx, cy, r, color) {
  const inner = (r - 1.5) * (r - 1.5),
    outer = r * r;
  const x0 = Math.max(0, Math.floor(cx - r)),
    x1 = Math.min(size - 1, Math.ceil(cx + r));
  const y0 = Math.max(0, Math.floor(cy - r)),
    y1 = Math.min(size - 1, Math.ceil(cy + r));
  for (let y = y0; y <= y1; y++) {
    const dy = y + 0.5 - cy;
    for (let x = x0; x <= x1; x++) {
      const dx = x + 0.5 - cx,
        d = dx * dx + dy * dy;
      if (d <= outer && d >= inner) img[y * size + x] = color;
    }
  }
}

// A segment, clipped to the image first (a chain far outside the box costs nothing), one pixel wide.
function line(img, size, ax, ay, bx, by, color) {
  let t0 = 0,
    t1 = 1;
  const dx = bx - ax,
    dy = by - ay;
  for (const [p, q] of [
    [-dx, ax],
    [dx, size - 1 - ax],
    [-dy, ay],
    [dy, size - 1 - ay],
  ]) {
    if (p === 0) {
      if (q < 0) return;
    } else {
      const r = q / p;
      if (p < 0) t0 = Math.max(t0, r);
      else t1 = Math.min(t1, r);
    }
  }
  if (t0 > t1) return;
  const x0 = ax + t0 * dx,
    y0 = ay + t0 * dy,
    x1 = ax + t1 * dx,
    y1 = ay + t1 * dy;
  const steps = Math.max(1, Math.ceil(Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0))));
  for (let s = 0; s <= steps; s++) {
    const x = Math.round(x0 + ((x1 - x0) * s) / steps),
      y = Math.round(y0 + ((y1 - y0) * s) / steps);
    if (x >= 0 && x < size && y >= 0 && y < size) img[y * size + x] = color;
  }
}

function border(img, size, color) {
  for (let i = 0; i < size; i++) {
    img[i] = img[(size - 1) * size + i] = img[i * size] = img[i * size + size - 1] = color;
  }
}

// ---- Encoding -----------------------------------------------------------------------------------

// Encodes the frames that draw(t, img) paints (t = 0 … count − 1, each on a fresh copy of nothing:
// draw fills every pixel), each frame after the first as its changes over the previous one.
function encode(size, count, fps, draw) {
  const gif = GIFEncoder();
  const delay = Math.round(1000 / fps); // gifenc writes delay / 10 centiseconds
  let previous = new Uint8Array(size * size),
    current = new Uint8Array(size * size);
  const delta = new Uint8Array(size * size);
  for (let t = 0; t < count; t++) {
    draw(t, current);
    if (t === 0) {
      gif.writeFrame(current, size, size, { palette: PALETTE, delay, repeat: 0 });
    } else {
      for (let i = 0; i < delta.length; i++) delta[i] = current[i] === previous[i] ? TRANSPARENT : current[i];
      gif.writeFrame(delta, size, size, { delay, transparent: true, transparentIndex: TRANSPARENT, dispose: 1 });
    }
    [previous, current] = [current, previous];
  }
  gif.finish();
  return gif.bytes();
}

// ---- The two animations -------------------------------------------------------------------------

/**
 * n Langevin chains over the data as a looping GIF (Uint8Array): frame t shows every chain's path up
 * to step t (orange), its point at step t (blue) and its start (a red ring), over the data (pale blue
 * dots) in box { xmin, xmax, ymin, ymax }, in a size × size image at fps frames per second.
 * frames: Float32Array (steps + 1, n, 2), frame t of chain i at (t·n + i)·2; data: (m, 2) or null;
 * trails: false draws the current points only (many chains, e.g. annealed samples).
 * Non-finite values, a size or fps out of range and frames of the wrong shape are refused with a
 * message naming the value.
 * @param {{ data?: Float32Array | null, frames?: Float32Array, n?: number, box?: { xmin: number, xmax: number, ymin: number, ymax: number }, size?: number, fps?: number, trails?: boolean }} [options]
 */
export function animateChains({
  data = null,
  frames,
  n,
  box,
  size = DEFAULT_SIZE,
  fps = DEFAULT_FPS,
  trails = true,
} = {}) {
  const who = 'animateChains';
  checkInteger(`${who}: size`, size, MIN_SIZE, MAX_SIZE, ' px');
  checkFps(who, fps);
  checkArray(who, 'frames', frames);
  checkInteger(`${who}: n (chains)`, n, 1, 2 ** 31 - 1);
  if (frames.length === 0 || frames.length % (2 * n) !== 0)
    throw new Error(
      `${who}: frames holds ${frames.length} values, not a whole number (at least 1) of frames of ${n} chains × 2`,
    );
  const count = frames.length / (2 * n);
  if (count > MAX_FRAMES) throw new Error(`${who}: ${count} frames, more than the ${MAX_FRAMES} a GIF may have here`);
  checkFinite(who, 'frames', frames, 2, (p) => `frame ${Math.floor(p / n)}, chain ${p % n}`);
  if (data !== null) {
    checkArray(who, 'data', data);
    if (data.length % 2 !== 0) throw new Error(`${who}: data holds ${data.length} values, not (x, y) pairs`);
    checkFinite(who, 'data', data, 2, (p) => `point ${p}`);
  }
  const { xmin, xmax, ymin, ymax } = box ?? {};
  if (![xmin, xmax, ymin, ymax].every(Number.isFinite) || !(xmin < xmax && ymin < ymax))
    throw new Error(`${who}: box must be { xmin < xmax, ymin < ymax }, finite, got ${JSON.stringify(box ?? null)}`);

  const view = viewport({ xmin, xmax, ymin, ymax }, size, size, PAD_PX);
  const px = (t, i) => view.x(frames[(t * n + i) * 2]),
    py = (t, i) => view.y(frames[(t * n + i) * 2 + 1]);
  // The background and the trails grow frame by frame; the points are drawn on a copy.
  const layer = new Uint8Array(size * size).fill(PAPER);
  if (data !== null) {
    for (let k = 0; k < data.length; k += 2) disc(layer, size, view.x(data[k]), view.y(data[k + 1]), DATA_RADIUS, DATA);
  }
  border(layer, size, FRAME);
  return encode(size, count, fps, (t, img) => {
    if (trails && t > 0)
      for (let i = 0; i < n; i++) line(layer, size, px(t - 1, i), py(t - 1, i), px(t, i), py(t, i), TRAIL);
    img.set(layer);
    if (trails) for (let i = 0; i < n; i++) ring(img, size, px(0, i), py(0, i), START_RADIUS, START);
    for (let i = 0; i < n; i++) disc(img, size, px(t, i), py(t, i), POINT_RADIUS, POINT);
  });
}

/**
 * The denoising of n digit chains as a looping GIF (Uint8Array): frame t shows step t of every chain
 * as a grid of 8×8 images, each pixel a square of viridis over range [lo, hi] (default [0, 1], the
 * training images' range; values outside take the end colours), in a size × size image at fps
 * frames per second. frames: Float32Array (steps + 1, n, 64). Bad input is refused as animateChains'.
 * @param {{ frames?: Float32Array, n?: number, size?: number, fps?: number, range?: number[] }} [options]
 */
export function animateDigits({ frames, n = 1, size = DEFAULT_SIZE, fps = DEFAULT_FPS, range = [0, 1] } = {}) {
  const who = 'animateDigits';
  checkInteger(`${who}: size`, size, MIN_SIZE, MAX_SIZE, ' px');
  checkFps(who, fps);
  checkArray(who, 'frames', frames);
  checkInteger(`${who}: n (chains)`, n, 1, 2 ** 31 - 1);
  if (frames.length === 0 || frames.length % (PIXELS * n) !== 0)
    throw new Error(
      `${who}: frames holds ${frames.length} values, not a whole number (at least 1) of frames of ${n} images × 64`,
    );
  const count = frames.length / (PIXELS * n);
  if (count > MAX_FRAMES) throw new Error(`${who}: ${count} frames, more than the ${MAX_FRAMES} a GIF may have here`);
  checkFinite(who, 'frames', frames, PIXELS, (p) => `frame ${Math.floor(p / n)}, chain ${p % n}`);
  const [lo, hi] = Array.isArray(range) ? range : [];
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || !(lo < hi))
    throw new Error(`${who}: range must be [lo, hi] with finite lo < hi, got ${JSON.stringify(range ?? null)}`);

  // Tiles: cols × rows, each a whole number of screen pixels per digit pixel, the grid centred.
  const cols = Math.ceil(Math.sqrt(n)),
    rows = Math.ceil(n / cols);
  const cell = Math.floor((size - (Math.max(cols, rows) - 1) * TILE_GAP) / (Math.max(cols, rows) * SIDE));
  if (cell < 1)
    throw new Error(`${who}: ${n} chains do not fit in ${size} px (each 8×8 image needs at least 8 px); raise size`);
  const tile = cell * SIDE;
  const left = Math.floor((size - cols * tile - (cols - 1) * TILE_GAP) / 2),
    top = Math.floor((size - rows * tile - (rows - 1) * TILE_GAP) / 2);
  const level = (v) => {
    const u = (v - lo) / (hi - lo);
    return VIRIDIS0 + Math.round(Math.min(1, Math.max(0, u)) * (VIRIDIS_LEVELS - 1));
  };
  return encode(size, count, fps, (t, img) => {
    img.fill(PAPER);
    for (let i = 0; i < n; i++) {
      const x0 = left + (i % cols) * (tile + TILE_GAP),
        y0 = top + Math.floor(i / cols) * (tile + TILE_GAP);
      const base = (t * n + i) * PIXELS;
      for (let r = 0; r < SIDE; r++) {
        for (let c = 0; c < SIDE; c++) {
          const color = level(frames[base + r * SIDE + c]);
          for (let y = y0 + r * cell; y < y0 + (r + 1) * cell; y++)
            img.fill(color, y * size + x0 + c * cell, y * size + x0 + (c + 1) * cell);
        }
      }
    }
  });
}
