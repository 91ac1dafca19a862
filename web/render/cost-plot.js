// cost-plot.js — sample quality against cost: the energy distance of each sampler's samples (log y)
// against its number of score evaluations, NFE (log x), one coloured line per sampler, over the grey
// band where two fresh draws of the data land (true vs true: no sampler can do better). Pure drawing
// over axes.js; the measurements are the worker's.

import { areaView, clipToArea, drawAxes, plotArea } from './axes.js';
import { BAND_COLOR, MUTED_COLOR, REFERENCE_COLOR, SAMPLER_COLORS, TICK_FONT } from './theme.js';

const MARKER_PX = 3; // px
const LINE_PX = 1.5; // px
const LOG_PAD = 0.15; // log10 units around the values
const LEGEND_ROW_PX = 14; // px between legend rows
const LEGEND_W = 130; // px from the legend's left edge to the plot's right edge
const FALLBACK_COLOR = '#333';

// A tick of a log10 axis as the value it stands for: 2 → 100, −2.5 → 0.0032.
function powerLabel(t) {
  const v = 10 ** t;
  return v >= 1e4 || v < 1e-3 ? v.toExponential(0).replace('e+', 'e') : String(Number(v.toPrecision(2)));
}

/**
 * series: [{ name, label, points: [{ nfe, ed }] }] (ed <= 0 as a hollow marker on the bottom edge, null
 * as a cross on the top: the sampler failed); floor: the true-vs-true spread, drawn as a band from the
 * bottom of the plot up to it; nfeRange: [lo, hi] of the x axis. Returns the view (for tests).
 */
export function drawCostPlot(
  ctx,
  width,
  height,
  series,
  { floor = NaN, nfeRange = [4, 1000], title = '', legend = true } = {},
) {
  const area = plotArea(width, height);
  const logs = [];
  for (const s of series) for (const p of s.points) if (p.ed > 0) logs.push(Math.log10(p.ed));
  if (floor > 0) logs.push(Math.log10(floor));
  let lo = logs.length ? Math.min(...logs) - LOG_PAD : -3,
    hi = logs.length ? Math.max(...logs) + LOG_PAD : 0;
  if (hi - lo < 1) {
    const mid = (hi + lo) / 2;
    lo = mid - 0.5;
    hi = mid + 0.5;
  }
  const xlo = Math.log10(nfeRange[0]) - 0.1,
    xhi = Math.log10(nfeRange[1]) + 0.1;
  const limits = { xmin: xlo, xmax: xhi, ymin: lo, ymax: hi };
  const view = areaView(limits, area);
  drawAxes(ctx, view, limits, { title, formatX: powerLabel, formatY: powerLabel });
  ctx.save();
  clipToArea(ctx, area);
  if (floor > 0) {
    const y = view.y(Math.log10(floor));
    ctx.fillStyle = BAND_COLOR;
    ctx.fillRect(area.x, y, area.w, area.y + area.h - y);
    ctx.strokeStyle = REFERENCE_COLOR;
    ctx.setLineDash([5, 4]);
    ctx.beginPath();
    ctx.moveTo(area.x, y);
    ctx.lineTo(area.x + area.w, y);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.font = TICK_FONT;
    ctx.fillStyle = MUTED_COLOR;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'top';
    ctx.fillText('true vs true', area.x + area.w - 4, y + 3);
  }
  const yOf = (p) =>
    p.ed > 0 ? view.y(Math.log10(p.ed)) : p.ed === null ? area.y + MARKER_PX : area.y + area.h - MARKER_PX;
  for (const s of series) {
    const color = SAMPLER_COLORS[s.name] ?? FALLBACK_COLOR;
    const points = [...s.points].sort((a, b) => a.nfe - b.nfe);
    ctx.strokeStyle = color;
    ctx.fillStyle = color;
    ctx.lineWidth = LINE_PX;
    ctx.beginPath();
    let started = false;
    for (const p of points) {
      if (!(p.ed > 0)) {
        started = false;
        continue;
      }
      const x = view.x(Math.log10(p.nfe));
      if (started) ctx.lineTo(x, yOf(p));
      else ctx.moveTo(x, yOf(p));
      started = true;
    }
    ctx.stroke();
    for (const p of points) {
      const x = view.x(Math.log10(p.nfe)),
        y = yOf(p);
      ctx.beginPath();
      if (p.ed === null) {
        ctx.moveTo(x - MARKER_PX, y - MARKER_PX);
        ctx.lineTo(x + MARKER_PX, y + MARKER_PX);
        ctx.moveTo(x + MARKER_PX, y - MARKER_PX);
        ctx.lineTo(x - MARKER_PX, y + MARKER_PX);
        ctx.stroke();
      } else {
        ctx.arc(x, y, MARKER_PX, 0, 2 * Math.PI);
        if (p.ed > 0) ctx.fill();
        else ctx.stroke();
      }
    }
  }
  ctx.restore();
  if (legend) {
    ctx.save();
    ctx.font = TICK_FONT;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'middle';
    series.forEach((s, k) => {
      const y = area.y + 10 + k * LEGEND_ROW_PX,
        x = area.x + area.w - LEGEND_W;
      ctx.fillStyle = SAMPLER_COLORS[s.name] ?? FALLBACK_COLOR;
      ctx.fillRect(x, y - 1, 14, 3);
      ctx.fillStyle = MUTED_COLOR;
      ctx.fillText(s.label ?? s.name, x + 18, y);
    });
    ctx.restore();
  }
  return view;
}
