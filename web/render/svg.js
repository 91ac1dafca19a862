// svg.js — the 2-D figure of a score model as a standalone SVG string: the data (semi-transparent
// dots), the learned score field as a quiver of green arrows, Langevin chains as points joined by
// arrows, axes with ticks and a title — the tutorial's matplotlib figure, drawn to paste into a page.
//
// It computes no scores and runs no chains: callers pass the points, the arrows (log1pArrows of the
// scores, in data units) and the chain frames. Colours, the plot limits and the quiver's scale are
// the page's (theme.js, axes.js, quiver.js), so the exported figure matches the canvas. It builds strings only (no DOM, no Node APIs), so the
// CLI and a browser "export SVG" share it. Output: a viewBox, no scripts, no external references,
// every text escaped; ids carry a prefix so that several figures can sit inline in one HTML page.
//
//   const svg = figureSvg({ title: 'swiss roll', box, data, quiver: { points, arrows }, chains: { frames, n } });

import { plotLimits } from './axes.js';
import { niceTicks, viewport } from './geometry.js';
import { quiverScale } from './quiver.js';
import { CHAIN_ARROW_COLOR, CHAIN_POINT_COLOR, DATA_COLOR, QUIVER_COLOR } from './theme.js';

const PLOT_PX = 640; // px, side of the square plot area
const MARGIN = { left: 52, right: 20, bottom: 40 }; // px around the plot area; the top holds title and legend
const TITLE_Y = 22; // px, baseline of the title
const LEGEND_Y = 42; // px, middle of the first legend row
const LEGEND_ROW_PX = 18; // px between legend rows
const LEGEND_GAP_PX = 12; // px between the last legend row and the plot
const FONT = 'font-family="DejaVu Sans, Helvetica, Arial, sans-serif"';
const TITLE_PX = 15; // px, font size of the title
const LABEL_PX = 11; // px, font size of tick labels and the legend
const TICK_PX = 4; // px, length of a tick mark

const DATA_OPACITY = 0.3; // enough overlap to show density with a few thousand points
const DATA_R = 2; // px, radius of a data dot

// matplotlib quiver(width=0.002) as the tutorial calls it: the shaft is 0.002 of the plot width and
// the head 3 shafts wide and 5 long, its back edge 4.5 shafts from the tip.
const QUIVER_WIDTH = 0.002; // shaft width as a fraction of the plot width
const HEAD_WIDTH = 3,
  HEAD_LENGTH = 5,
  HEAD_AXIS_LENGTH = 4.5; // in shaft widths

const CHAIN_R = 3; // px, radius of a chain point
const CHAIN_STROKE = 1.2; // px, width of a chain arrow's shaft
const CHAIN_HEAD_W = 7,
  CHAIN_HEAD_L = 8; // px, a chain arrow's head
const MIN_CHAIN_ARROW = 3; // px: shorter gaps between chain points get no arrow
const SAMPLE_OPACITY = 0.6; // end points of many chains overlap

/** s with &, <, >, " and ' replaced by entities, safe in text and in attribute values. */
export function escapeXml(s) {
  return String(s).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c],
  );
}

// A tick value as text, with a true minus sign (U+2212) as matplotlib prints it.
function tickText(t) {
  return String(t).replace(/^-/, '\u2212');
}

// A coordinate to one decimal (a tenth of a pixel is below what a screen shows), without the
// leading zero SVG does not need, so that paths stay short.
function num(v) {
  const r = Math.round(v * 10) / 10;
  return String(Object.is(r, -0) ? 0 : r).replace(/^(-?)0\./, '$1.');
}

/** The frame, ticks and tick labels of a plot of size w × h px over limits (niceTicks on each axis). */
export function axesSvg(limits, w, h) {
  const view = viewport(limits, w, h);
  const parts = [`<rect width="${w}" height="${h}" fill="none" stroke="#000" stroke-width="0.8"/>`];
  const marks = [],
    labels = [];
  for (const t of niceTicks(limits.xmin, limits.xmax)) {
    const x = num(view.x(t));
    marks.push(`M${x} ${h}v${TICK_PX}`);
    labels.push(
      `<text x="${x}" y="${h + TICK_PX + LABEL_PX + 2}" text-anchor="middle">${escapeXml(tickText(t))}</text>`,
    );
  }
  for (const t of niceTicks(limits.ymin, limits.ymax)) {
    const y = num(view.y(t));
    marks.push(`M0 ${y}h-${TICK_PX}`);
    labels.push(`<text x="${-TICK_PX - 3}" y="${y}" dy="0.35em" text-anchor="end">${escapeXml(tickText(t))}</text>`);
  }
  parts.push(`<path d="${marks.join('')}" stroke="#000" stroke-width="0.8"/>`);
  parts.push(`<g ${FONT} font-size="${LABEL_PX}" fill="#333">${labels.join('')}</g>`);
  return parts.join('\n');
}

/** Dots at points (Float32Array (m, 2), data units) through view (a geometry.viewport). */
export function scatterSvg(points, view, { color = DATA_COLOR, opacity = DATA_OPACITY, r = DATA_R } = {}) {
  const dots = [];
  for (let i = 0; i < points.length; i += 2) {
    dots.push(`<circle cx="${num(view.x(points[i]))}" cy="${num(view.y(points[i + 1]))}" r="${r}"/>`);
  }
  return `<g fill="${color}" fill-opacity="${opacity}">\n${dots.join('\n')}\n</g>`;
}

// The outline of one quiver arrow of length L (in shaft widths) along +x with its tail at the
// origin, as matplotlib's Quiver._h_arrows: arrows shorter than the head shrink as a whole, and
// those shorter than one shaft width become a small hexagon.
function arrowOutline(L) {
  if (L < 1)
    return [0, 1, 2, 3, 4, 5].map((k) => [0.5 * Math.cos((k * Math.PI) / 3), 0.5 * Math.sin((k * Math.PI) / 3)]);
  const s = L < HEAD_LENGTH ? L / HEAD_LENGTH : 1,
    len = Math.max(L, HEAD_LENGTH);
  const pts = [
    [0, 0.5],
    [len - HEAD_AXIS_LENGTH, 0.5],
    [len - HEAD_LENGTH, HEAD_WIDTH / 2],
    [len, 0],
    [len - HEAD_LENGTH, -HEAD_WIDTH / 2],
    [len - HEAD_AXIS_LENGTH, -0.5],
    [0, -0.5],
  ];
  return pts.map(([x, y]) => [x * s, y * s]);
}

/**
 * The quiver: an arrow from each of points (k, 2) along arrows (k, 2), both in data units, drawn
 * like matplotlib's quiver with automatic scale (arrow lengths proportional to |arrow|, the mean
 * one 1/(1.8·max(10, √k)) of the plot width) and directions in screen space. One filled path.
 */
export function quiverSvg(points, arrows, view, plotWidth, { color = QUIVER_COLOR } = {}) {
  const shaft = QUIVER_WIDTH * plotWidth; // px
  const pxPerUnit = quiverScale(arrows, plotWidth);
  const d = [];
  for (let i = 0; i < points.length; i += 2) {
    const u = arrows[i] * pxPerUnit,
      v = -arrows[i + 1] * pxPerUnit; // screen y points down
    if (!Number.isFinite(u) || !Number.isFinite(v)) continue; // a non-finite score has no arrow
    const len = Math.hypot(u, v),
      c = len > 0 ? u / len : 1,
      s = len > 0 ? v / len : 0;
    const x0 = view.x(points[i]),
      y0 = view.y(points[i + 1]);
    const outline = arrowOutline(len / shaft).map(
      ([x, y]) => `${num(x0 + shaft * (x * c - y * s))} ${num(y0 + shaft * (x * s + y * c))}`,
    );
    d.push(`M${outline.join('L')}Z`);
  }
  return `<path fill="${color}" d="${d.join('\n')}"/>`;
}

/**
 * Langevin chains from frames (Float32Array (F, n, 2): frame t of chain i at (t·n + i)·2): with
 * paths, each chain's points joined by arrows from one step to the next, as the tutorial draws them;
 * without, only the last frame, as dots: the generated samples.
 */
export function chainsSvg(frames, n, view, { paths = true } = {}) {
  const F = frames.length / (2 * n);
  const at = (t, i) => [view.x(frames[(t * n + i) * 2]), view.y(frames[(t * n + i) * 2 + 1])];
  if (!paths) {
    const last = frames.subarray((F - 1) * n * 2);
    return scatterSvg(last, view, { color: CHAIN_POINT_COLOR, opacity: SAMPLE_OPACITY, r: CHAIN_R - 0.5 });
  }
  const shafts = [],
    heads = [],
    dots = [];
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < F; t++) {
      const [x, y] = at(t, i);
      dots.push(`<circle cx="${num(x)}" cy="${num(y)}" r="${CHAIN_R}"/>`);
      if (t + 1 === F) continue;
      const [x1, y1] = at(t + 1, i);
      // The arrow runs from the edge of one point to just short of the next, so both stay
      // visible; a step too short for a whole head gets a smaller one, and a tiny step none.
      const len = Math.hypot(x1 - x, y1 - y),
        room = len - 2 * CHAIN_R - 1;
      if (room < MIN_CHAIN_ARROW) continue;
      const headL = Math.min(CHAIN_HEAD_L, room * 0.6),
        hw = (CHAIN_HEAD_W / 2) * (headL / CHAIN_HEAD_L);
      const ux = (x1 - x) / len,
        uy = (y1 - y) / len,
        tip = CHAIN_R + room;
      const bx = x + ux * (tip - headL),
        by = y + uy * (tip - headL);
      shafts.push(`M${num(x + ux * CHAIN_R)} ${num(y + uy * CHAIN_R)}L${num(bx)} ${num(by)}`);
      heads.push(
        `M${num(x + ux * tip)} ${num(y + uy * tip)}L${num(bx - uy * hw)} ${num(by + ux * hw)}` +
          `L${num(bx + uy * hw)} ${num(by - ux * hw)}Z`,
      );
    }
  }
  return [
    `<path d="${shafts.join('')}" stroke="${CHAIN_ARROW_COLOR}" stroke-width="${CHAIN_STROKE}" fill="none"/>`,
    `<path d="${heads.join('')}" fill="${CHAIN_ARROW_COLOR}"/>`,
    `<g fill="${CHAIN_POINT_COLOR}">\n${dots.join('\n')}\n</g>`,
  ].join('\n');
}

// Legend swatches: a dot, and an arrow of length len px from (x, y) to the right.
function swatchDot(cx, cy, r, color, opacity) {
  return `<circle cx="${cx}" cy="${cy}" r="${r}" fill="${color}" fill-opacity="${opacity}"/>`;
}

function swatchArrow(x, y, len, color) {
  return `<path d="M${x} ${y}h${len - 4}" stroke="${color}" stroke-width="1.5"/><path d="M${x + len} ${y}l-5 -3v6z" fill="${color}"/>`;
}

// The legend under the title: one swatch and label per layer, in rows no wider than `width`.
// Returns { svg, bottom } (bottom: px, the middle of the last row).
function legendSvg(items, x, y, width) {
  let at = x;
  const parts = [];
  for (const { label, swatch } of items) {
    const w = 18 + label.length * LABEL_PX * 0.55; // an estimate: a string has no text metrics
    if (at > x && at + w > x + width) [at, y] = [x, y + LEGEND_ROW_PX];
    parts.push(swatch(at, y));
    parts.push(`<text x="${at + 18}" y="${y}" dy="0.35em">${escapeXml(label)}</text>`);
    at += w + 16;
  }
  return { svg: `<g ${FONT} font-size="${LABEL_PX}" fill="#333">${parts.join('')}</g>`, bottom: y };
}

/**
 * The whole figure as an SVG document string. box: the data box { xmin, xmax, ymin, ymax } the plot
 * shows (widened by 5%); data: Float32Array (m, 2) or null; quiver: { points, arrows, label } or null;
 * chains: { frames, n, label, paths } or null (label: the legend's text; paths: false draws only the
 * last frame, default true); title: text. Anything outside the plot area is clipped.
 */
export function figureSvg({ title = '', box, data = null, quiver = null, chains = null, idPrefix = 'sf' }) {
  const limits = plotLimits(box);
  const view = viewport(limits, PLOT_PX, PLOT_PX);
  const clip = `${escapeXml(idPrefix)}-plot`;
  const layers = [],
    legend = [];
  if (quiver) {
    layers.push(quiverSvg(quiver.points, quiver.arrows, view, PLOT_PX));
    legend.push({
      label: quiver.label ?? 'score (log1p-scaled)',
      swatch: (x, y) => swatchArrow(x, y, 14, QUIVER_COLOR),
    });
  }
  if (data) {
    layers.push(scatterSvg(data, view));
    legend.push({ label: 'data', swatch: (x, y) => swatchDot(x + 6, y, 4, DATA_COLOR, 0.5) });
  }
  if (chains) {
    const paths = chains.paths ?? true;
    layers.push(chainsSvg(chains.frames, chains.n, view, { paths }));
    legend.push({
      label: chains.label ?? (paths ? 'Langevin chains' : 'Langevin samples'),
      swatch: (x, y) =>
        swatchDot(x + 3, y, 3, CHAIN_POINT_COLOR, 1) + (paths ? swatchArrow(x + 6, y, 9, CHAIN_ARROW_COLOR) : ''),
    });
  }
  const key = legendSvg(legend, MARGIN.left, LEGEND_Y, PLOT_PX);
  const top = key.bottom + LEGEND_GAP_PX + LABEL_PX / 2;
  const width = MARGIN.left + PLOT_PX + MARGIN.right,
    height = Math.ceil(top + PLOT_PX + MARGIN.bottom);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${MARGIN.left}" y="${TITLE_Y}" ${FONT} font-size="${TITLE_PX}" fill="#111">${escapeXml(title)}</text>`,
    key.svg,
    `<g transform="translate(${MARGIN.left} ${num(top)})">`,
    `<clipPath id="${clip}"><rect width="${PLOT_PX}" height="${PLOT_PX}"/></clipPath>`,
    `<g clip-path="url(#${clip})">`,
    ...layers,
    '</g>',
    axesSvg(limits, PLOT_PX, PLOT_PX),
    '</g>',
    '</svg>',
    '',
  ].join('\n');
}
