// digit-grid.js — the raster of a digits sampling run: one row per Langevin chain, one column per
// frame (step 0 = the start, then each step), every 8×8 frame drawn through a colour map, step
// numbers above the columns and a colour bar with its ticks on the right.
//
// It returns RGB pixels; encoding them is png.js's job, sampling the chains the model's. Pure (no
// Node APIs), so a browser "export PNG" could reuse it. One colour range serves the whole grid (by
// default [0, 1], the range of the training images X/16; values outside take the end colours),
// where the tutorial's imshow rescales every frame on its own: with a shared range frames compare
// with each other, and a faint start looks faint instead of being stretched to full contrast.

import { niceTicks, viridis } from '../web/render/geometry.js';

const SIDE = 8; // pixels per side of a digit frame
const PIXEL_PX = 4; // px per digit pixel
const GAP_PX = 2; // px of background between frames
const MARGIN_PX = 8; // px of background around everything
const LABEL_EVERY = 10; // steps between the step numbers written above the columns
const FONT_PX = 2; // px per font dot (glyphs are 3 × 5 dots)
const BAR_WIDTH_PX = 16; // px, the colour bar
const BAR_MIN_HEIGHT_PX = 120; // px: a single chain's row alone would make an unreadable bar
const BAR_GAP_PX = 16; // px between the grid and the colour bar
const TICK_PX = 3; // px, length of a colour-bar tick
const TICK_GAP_PX = 2; // px between a tick and its label
const BAR_TICK_COUNT = 4; // about this many round ticks on the colour bar (niceTicks)
const BACKGROUND = [255, 255, 255];
const INK = [40, 40, 40];

// A 3 × 5 dot font for the characters numbers need: each glyph is five rows of three bits.
const GLYPHS = {
  0: ['111', '101', '101', '101', '111'],
  1: ['010', '110', '010', '010', '111'],
  2: ['111', '001', '111', '100', '111'],
  3: ['111', '001', '111', '001', '111'],
  4: ['101', '101', '111', '001', '001'],
  5: ['111', '100', '111', '001', '111'],
  6: ['111', '100', '111', '101', '111'],
  7: ['111', '001', '001', '001', '001'],
  8: ['111', '101', '111', '101', '111'],
  9: ['111', '101', '111', '001', '111'],
  '.': ['000', '000', '000', '000', '010'],
  '-': ['000', '000', '111', '000', '000'],
};
const GLYPH_W = 3,
  GLYPH_H = 5,
  GLYPH_ADVANCE = 4; // dots

/** The colour maps by name: t in [0, 1] → [r, g, b] bytes (t clamped). */
export const COLORMAPS = Object.freeze({
  viridis,
  gray: (t) => {
    const g = Math.round(255 * Math.min(1, Math.max(0, t || 0)));
    return [g, g, g];
  },
});

function textWidth(s) {
  return (s.length * GLYPH_ADVANCE - 1) * FONT_PX;
}

function fill(img, width, x0, y0, w, h, rgb) {
  for (let y = y0; y < y0 + h; y++) {
    for (let x = x0; x < x0 + w; x++) img.set(rgb, 3 * (y * width + x));
  }
}

function text(img, width, x0, y0, s) {
  for (let k = 0; k < s.length; k++) {
    const glyph = GLYPHS[s[k]];
    if (!glyph) continue;
    for (let r = 0; r < GLYPH_H; r++) {
      for (let c = 0; c < GLYPH_W; c++) {
        if (glyph[r][c] === '1')
          fill(img, width, x0 + (k * GLYPH_ADVANCE + c) * FONT_PX, y0 + r * FONT_PX, FONT_PX, FONT_PX, INK);
      }
    }
  }
}

/**
 * The picture of frames (Float32Array (F, n, 64): frame t of chain i at (t·n + i)·64, each frame row
 * by row): { width, height, rgb } with rgb (height·width·3). Options: vmin, vmax (the colour range,
 * default 0 and 1), colormap (a COLORMAPS name, default 'viridis').
 */
export function digitGrid(frames, n, { vmin = 0, vmax = 1, colormap = 'viridis' } = {}) {
  const D = SIDE * SIDE;
  if (!(n >= 1) || frames.length % (n * D) !== 0)
    throw new Error(`digit grid: ${frames.length} floats are not (F, ${n}, ${D})`);
  if (!(vmax > vmin)) throw new Error(`digit grid: colour range must have vmax > vmin, got [${vmin}, ${vmax}]`);
  const cmap = COLORMAPS[colormap];
  if (!cmap) throw new Error(`digit grid: unknown colour map '${colormap}'`);
  const F = frames.length / (n * D);
  const cell = SIDE * PIXEL_PX,
    pitch = cell + GAP_PX;
  const labelH = GLYPH_H * FONT_PX + GAP_PX * 2;
  const gridW = F * pitch - GAP_PX,
    gridH = n * pitch - GAP_PX;
  const barH = Math.max(gridH, BAR_MIN_HEIGHT_PX);
  const ticks = niceTicks(vmin, vmax, BAR_TICK_COUNT);
  const tickLabels = ticks.map(String);
  const barX = MARGIN_PX + gridW + BAR_GAP_PX,
    top = MARGIN_PX + labelH;
  const width = barX + BAR_WIDTH_PX + TICK_PX + TICK_GAP_PX + Math.max(...tickLabels.map(textWidth)) + MARGIN_PX;
  const height = top + Math.max(gridH, barH) + MARGIN_PX;
  const img = new Uint8Array(width * height * 3);
  fill(img, width, 0, 0, width, height, BACKGROUND);

  for (let t = 0; t < F; t += LABEL_EVERY) {
    const s = String(t);
    text(img, width, MARGIN_PX + t * pitch + ((cell - textWidth(s)) >> 1), MARGIN_PX, s);
  }
  for (let t = 0; t < F; t++) {
    for (let i = 0; i < n; i++) {
      const base = (t * n + i) * D,
        x0 = MARGIN_PX + t * pitch,
        y0 = top + i * pitch;
      for (let p = 0; p < D; p++) {
        const rgb = cmap((frames[base + p] - vmin) / (vmax - vmin));
        fill(img, width, x0 + (p % SIDE) * PIXEL_PX, y0 + Math.floor(p / SIDE) * PIXEL_PX, PIXEL_PX, PIXEL_PX, rgb);
      }
    }
  }
  // The bar runs from vmax at the top to vmin at the bottom, like matplotlib's colorbar.
  for (let y = 0; y < barH; y++) fill(img, width, barX, top + y, BAR_WIDTH_PX, 1, cmap(1 - y / (barH - 1)));
  ticks.forEach((v, k) => {
    const y = top + Math.round(((vmax - v) / (vmax - vmin)) * (barH - 1));
    fill(img, width, barX + BAR_WIDTH_PX, y, TICK_PX, 1, INK);
    const ty = Math.min(Math.max(y - ((GLYPH_H * FONT_PX) >> 1), top), top + barH - GLYPH_H * FONT_PX);
    text(img, width, barX + BAR_WIDTH_PX + TICK_PX + TICK_GAP_PX, ty, tickLabels[k]);
  });
  return { width, height, rgb: img };
}
