// axes.js — the frame around a plot: the plot area inside a canvas, the data limits it shows, tick
// marks and labels from niceTicks, a light grid and a title. Pure drawing on a 2-D context in CSS
// pixels; what is plotted inside is the other render modules' job.

import { niceTicks, viewport } from './geometry.js';
import { AXIS_COLOR, GRID_COLOR, MUTED_COLOR, TEXT_COLOR, TICK_FONT, TITLE_FONT } from './theme.js';

export const MARGIN = Object.freeze({ left: 46, right: 14, top: 30, bottom: 28 }); // px around the plot area
const TICK_PX = 4; // px, length of a tick mark
const AXES_MARGIN = 0.05; // fraction of the box added on each side, like matplotlib's default margins

/** The plot area { x, y, w, h } (CSS px) of a canvas of width × height with the given margins. */
export function plotArea(width, height, margin = MARGIN) {
  return {
    x: margin.left,
    y: margin.top,
    w: Math.max(1, width - margin.left - margin.right),
    h: Math.max(1, height - margin.top - margin.bottom),
  };
}

/** The limits a plot of `box` shows: the box widened by 5 % on each side, as matplotlib does. */
export function plotLimits({ xmin, xmax, ymin, ymax }) {
  const mx = (xmax - xmin) * AXES_MARGIN,
    my = (ymax - ymin) * AXES_MARGIN;
  return { xmin: xmin - mx, xmax: xmax + mx, ymin: ymin - my, ymax: ymax + my };
}

/**
 * A map from data limits to the plot area in canvas coordinates: { x(v), y(v), scale, area }.
 * (geometry.viewport maps to a box at the origin; this shifts it to the area.)
 */
export function areaView(limits, area) {
  const v = viewport(limits, area.w, area.h);
  return { x: (d) => area.x + v.x(d), y: (d) => area.y + v.y(d), scale: v.scale, area };
}

/** Clips further drawing to the plot area (call inside ctx.save()/restore()). */
export function clipToArea(ctx, area) {
  ctx.beginPath();
  ctx.rect(area.x, area.y, area.w, area.h);
  ctx.clip();
}

// Formats a tick value compactly: 0.001 as 1e-3 only when it needs more than four decimals.
function tickLabel(t) {
  if (t === 0) return '0';
  const a = Math.abs(t);
  if (a >= 1e5 || a < 1e-3) return t.toExponential(0).replace('e+', 'e');
  return String(t);
}

/**
 * Draws the frame, grid, ticks and tick labels of `view` (areaView) over `limits`, and the title
 * left-aligned above the area. formatX and formatY turn a tick into its label (a log axis plots log10 values
 * and labels them 10^t).
 */
export function drawAxes(
  ctx,
  view,
  limits,
  { title = '', xTicks = 5, yTicks = 5, grid = true, formatX = tickLabel, formatY = tickLabel } = {},
) {
  const { area } = view;
  const xs = niceTicks(limits.xmin, limits.xmax, xTicks),
    ys = niceTicks(limits.ymin, limits.ymax, yTicks);
  ctx.save();
  if (grid) {
    ctx.strokeStyle = GRID_COLOR;
    ctx.lineWidth = 1;
    ctx.beginPath();
    for (const t of xs) {
      const x = snap(view.x(t));
      ctx.moveTo(x, area.y);
      ctx.lineTo(x, area.y + area.h);
    }
    for (const t of ys) {
      const y = snap(view.y(t));
      ctx.moveTo(area.x, y);
      ctx.lineTo(area.x + area.w, y);
    }
    ctx.stroke();
  }
  ctx.strokeStyle = AXIS_COLOR;
  ctx.lineWidth = 1;
  ctx.strokeRect(snap(area.x), snap(area.y), Math.round(area.w), Math.round(area.h));
  ctx.beginPath();
  for (const t of xs) {
    const x = snap(view.x(t));
    ctx.moveTo(x, area.y + area.h);
    ctx.lineTo(x, area.y + area.h + TICK_PX);
  }
  for (const t of ys) {
    const y = snap(view.y(t));
    ctx.moveTo(area.x, y);
    ctx.lineTo(area.x - TICK_PX, y);
  }
  ctx.stroke();
  ctx.font = TICK_FONT;
  ctx.fillStyle = MUTED_COLOR;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const t of xs) ctx.fillText(formatX(t), view.x(t), area.y + area.h + TICK_PX + 2);
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const t of ys) ctx.fillText(formatY(t), area.x - TICK_PX - 3, view.y(t));
  if (title) {
    ctx.font = TITLE_FONT;
    ctx.fillStyle = TEXT_COLOR;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'alphabetic';
    ctx.fillText(title, area.x, area.y - 9);
  }
  ctx.restore();
}

// A 1-px line is crisp when it sits on a half pixel.
function snap(v) {
  return Math.round(v) + 0.5;
}
