// cost-plot.js — sample quality against cost: the energy distance of each sampler's samples (log y)
// against its number of score evaluations, NFE (log x), one coloured line per sampler, over the grey
// band where two fresh draws of the data land (true vs true: no sampler can do better). Pure drawing
// over axes.js; the measurements are the worker's.

import { areaView, clipToArea, drawAxes, plotArea } from './axes.js';
import { drawMarkedLine, drawReference, logRange, logRow, powerLabel } from './log-plot.js';
import { BAND_COLOR, MUTED_COLOR, SAMPLER_COLORS, TICK_FONT } from './theme.js';

const LEGEND_ROW_PX = 14; // px between legend rows
const LEGEND_W = 130; // px from the legend's left edge to the plot's right edge
const FALLBACK_COLOR = '#333';

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
  const [lo, hi] = logRange(logs);
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
    drawReference(ctx, area, y, 'true vs true', { below: true });
  }
  for (const s of series) {
    const points = [...s.points]
      .sort((a, b) => a.nfe - b.nfe)
      .map((p) => ({ x: view.x(Math.log10(p.nfe)), y: logRow(view, area, p.ed), value: p.ed }));
    drawMarkedLine(ctx, points, SAMPLER_COLORS[s.name] ?? FALLBACK_COLOR);
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
