// scatter.js — semi-transparent dots at 2-D points: the data, drawn under the fields. Pure drawing
// through a view from axes.js; which points and which colour are the caller's.
//
// Ten thousand dots drawn one by one with arc() or drawImage() cost ~90 ms in a software-rendered
// canvas, and one path of all of them would fill their union instead of letting overlaps add up.
// So the dots are composited in JavaScript into one image and drawn with a single drawImage: all
// dots share one colour, so "source over" only accumulates alpha (α ← a + α·(1 − a)), ~1 ms.

import { DATA_ALPHA, DATA_COLOR, DATA_RADIUS } from './theme.js';

const SUPERSAMPLE = 4; // sub-samples per pixel side when measuring how much of a pixel a dot covers

// The coverage (0..1) of each pixel of a (2k + 1)² square by a disc of radius r centred on the
// middle pixel's centre, k = ceil(r). Cached per radius in device pixels.
const masks = new Map();
function discMask(r) {
  const key = r.toFixed(3);
  if (masks.has(key)) return masks.get(key);
  const k = Math.ceil(r),
    side = 2 * k + 1;
  const cover = new Float32Array(side * side);
  for (let py = 0; py < side; py++) {
    for (let px = 0; px < side; px++) {
      let inside = 0;
      for (let sy = 0; sy < SUPERSAMPLE; sy++) {
        for (let sx = 0; sx < SUPERSAMPLE; sx++) {
          const dx = px - k + (sx + 0.5) / SUPERSAMPLE - 0.5,
            dy = py - k + (sy + 0.5) / SUPERSAMPLE - 0.5;
          if (dx * dx + dy * dy <= r * r) inside++;
        }
      }
      cover[py * side + px] = inside / (SUPERSAMPLE * SUPERSAMPLE);
    }
  }
  const mask = { k, side, cover };
  masks.set(key, mask);
  return mask;
}

// [r, g, b] of a '#rrggbb' colour.
function rgb(hex) {
  const v = parseInt(hex.slice(1), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

/**
 * Dots at points (Float32Array (m, 2), data units) through view (axes.areaView), with the given
 * colour ('#rrggbb'), opacity and radius (CSS px), as one image over the whole canvas. Dot centres
 * snap to device pixels; non-finite points are skipped.
 */
export function drawScatter(ctx, view, points, { color = DATA_COLOR, alpha = DATA_ALPHA, radius = DATA_RADIUS } = {}) {
  const t = ctx.getTransform(); // CSS px → device px, as prepareCanvas set it
  const W = ctx.canvas.width,
    H = ctx.canvas.height;
  const { k, side, cover } = discMask(radius * t.a);
  const coverage = new Float32Array(W * H); // accumulated alpha per device pixel
  for (let i = 0; i < points.length; i += 2) {
    const cx = Math.round(t.a * view.x(points[i]) + t.e),
      cy = Math.round(t.d * view.y(points[i + 1]) + t.f);
    if (!Number.isFinite(cx) || !Number.isFinite(cy)) continue;
    for (let my = 0; my < side; my++) {
      const y = cy - k + my;
      if (y < 0 || y >= H) continue;
      for (let mx = 0; mx < side; mx++) {
        const x = cx - k + mx,
          c = cover[my * side + mx];
        if (x < 0 || x >= W || c === 0) continue;
        const a = alpha * c,
          j = y * W + x;
        coverage[j] = a + coverage[j] * (1 - a);
      }
    }
  }
  const image = new ImageData(W, H);
  const [r, g, b] = rgb(color);
  for (let j = 0; j < coverage.length; j++) {
    if (coverage[j] === 0) continue;
    image.data[4 * j] = r;
    image.data[4 * j + 1] = g;
    image.data[4 * j + 2] = b;
    image.data[4 * j + 3] = Math.round(255 * coverage[j]);
  }
  const layer = new OffscreenCanvas(W, H);
  layer.getContext('2d').putImageData(image, 0, 0);
  ctx.save();
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.drawImage(layer, 0, 0);
  ctx.restore();
}
