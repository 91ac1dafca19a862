// svg-context.js — a recording stand-in for a canvas's 2-D context that writes what is drawn on it as
// SVG, so that a figure drawn by the render modules (axes.js, cost-plot.js, heatmap.js, …) exports as
// vector graphics through the very code that draws it on screen: viewSvg(view, w, h) runs a view's
// draw(ctx, w, h) on an SvgContext and returns the document.
//
// It implements the subset of CanvasRenderingContext2D those modules use: paths of moveTo, lineTo,
// rect and arc, stroke and fill, fillRect, strokeRect, clearRect, fillText with textAlign and
// textBaseline, setLineDash, clip to the current path, save and restore, and drawImage of a canvas
// (embedded as a PNG, the heatmap's cells). Anything else throws, so a figure that needs more fails
// loudly instead of exporting something other than what the screen shows.

import { escapeXml } from './svg.js';

const BASELINE_DY = { top: '0.8em', middle: '0.35em', alphabetic: '0', bottom: '-0.2em', hanging: '0.8em' };
const ANCHOR = { left: 'start', start: 'start', center: 'middle', right: 'end', end: 'end' };

// A canvas font ('bold 12px system-ui') as SVG presentation attributes (no style attribute: a strict
// Content-Security-Policy refuses inline styles even in a parsed document).
function fontAttributes(font) {
  const m = /^(?:(italic|oblique)\s+)?(?:(bold|normal|\d{3})\s+)?(\d+(?:\.\d+)?)px\s+(.+)$/.exec(font.trim());
  if (!m) throw new Error(`SvgContext: cannot read the font '${font}'`);
  const [, style, weight, size, family] = m;
  return (
    `font-family="${escapeXml(family)}" font-size="${size}"` +
    (weight && weight !== 'normal' ? ` font-weight="${weight}"` : '') +
    (style ? ` font-style="${style}"` : '')
  );
}

// A coordinate to two decimals: enough below a device pixel, and short.
const num = (v) => String(Math.round(v * 100) / 100);

// The drawing state that save() keeps and restore() brings back.
const STATE_KEYS = ['fillStyle', 'strokeStyle', 'lineWidth', 'font', 'textAlign', 'textBaseline', 'globalAlpha'];

export class SvgContext {
  constructor(width, height) {
    this.width = width;
    this.height = height;
    this.fillStyle = '#000';
    this.strokeStyle = '#000';
    this.lineWidth = 1;
    this.font = '10px sans-serif';
    this.textAlign = 'start';
    this.textBaseline = 'alphabetic';
    this.globalAlpha = 1;
    this.imageSmoothingEnabled = true;
    this.dash = [];
    this.clipId = ''; // the clipPath in force, '' for none
    this.stack = [];
    this.path = [];
    this.defs = [];
    this.body = [];
  }

  save() {
    this.stack.push({ ...Object.fromEntries(STATE_KEYS.map((k) => [k, this[k]])), dash: this.dash, clip: this.clipId });
  }

  restore() {
    const s = this.stack.pop();
    if (!s) return;
    for (const k of STATE_KEYS) this[k] = s[k];
    this.dash = s.dash;
    this.clipId = s.clip;
  }

  setLineDash(dash) {
    this.dash = [...dash];
  }

  beginPath() {
    this.path = [];
  }

  moveTo(x, y) {
    this.path.push(`M${num(x)} ${num(y)}`);
  }

  lineTo(x, y) {
    this.path.push(`L${num(x)} ${num(y)}`);
  }

  closePath() {
    this.path.push('Z');
  }

  rect(x, y, w, h) {
    this.path.push(`M${num(x)} ${num(y)}h${num(w)}v${num(h)}h${num(-w)}Z`);
  }

  arc(x, y, r, start, end) {
    if (Math.abs(end - start) < 2 * Math.PI - 1e-9) throw new Error('SvgContext: only whole circles are drawn');
    this.path.push(
      `M${num(x - r)} ${num(y)}a${num(r)} ${num(r)} 0 1 0 ${num(2 * r)} 0a${num(r)} ${num(r)} 0 1 0 ${num(-2 * r)} 0Z`,
    );
  }

  stroke() {
    if (this.path.length === 0) return;
    const dash = this.dash.length ? ` stroke-dasharray="${this.dash.map(num).join(' ')}"` : '';
    this.#emit(
      `<path d="${this.path.join('')}" fill="none" stroke="${escapeXml(this.strokeStyle)}" stroke-width="${num(this.lineWidth)}"${dash}/>`,
    );
  }

  fill() {
    if (this.path.length === 0) return;
    this.#emit(`<path d="${this.path.join('')}" fill="${escapeXml(this.fillStyle)}"/>`);
  }

  clip() {
    const id = `clip${this.defs.length}`;
    this.defs.push(`<clipPath id="${id}"><path d="${this.path.join('')}"/></clipPath>`);
    this.clipId = id;
  }

  fillRect(x, y, w, h) {
    this.#emit(
      `<rect x="${num(x)}" y="${num(y)}" width="${num(w)}" height="${num(h)}" fill="${escapeXml(this.fillStyle)}"/>`,
    );
  }

  strokeRect(x, y, w, h) {
    this.#emit(
      `<rect x="${num(x)}" y="${num(y)}" width="${num(w)}" height="${num(h)}" fill="none" stroke="${escapeXml(this.strokeStyle)}" stroke-width="${num(this.lineWidth)}"/>`,
    );
  }

  // A cleared canvas shows the page behind it; an exported figure starts on paper (toSvg's background).
  clearRect() {}

  fillText(text, x, y) {
    const anchor = ANCHOR[this.textAlign] ?? 'start',
      dy = BASELINE_DY[this.textBaseline] ?? '0';
    this.#emit(
      `<text x="${num(x)}" y="${num(y)}" dy="${dy}" text-anchor="${anchor}" ${fontAttributes(this.font)} fill="${escapeXml(this.fillStyle)}">${escapeXml(text)}</text>`,
    );
  }

  // A canvas (the heatmap's cell layer) as an embedded PNG, scaled like the canvas would scale it.
  drawImage(image, x, y, w = image.width, h = image.height) {
    const copy = document.createElement('canvas');
    copy.width = image.width;
    copy.height = image.height;
    copy.getContext('2d').drawImage(image, 0, 0);
    const smooth = this.imageSmoothingEnabled ? '' : ' image-rendering="optimizeSpeed"';
    this.#emit(
      `<image x="${num(x)}" y="${num(y)}" width="${num(w)}" height="${num(h)}" preserveAspectRatio="none"${smooth} href="${copy.toDataURL('image/png')}"/>`,
    );
  }

  /** The recorded drawing as a standalone SVG document on a white background. */
  toSvg() {
    const { width: w, height: h } = this;
    return [
      `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}">`,
      `<defs>${this.defs.join('')}</defs>`,
      `<rect width="${w}" height="${h}" fill="#fff"/>`,
      ...this.body,
      '</svg>',
      '',
    ].join('\n');
  }

  #emit(element) {
    const alpha = this.globalAlpha < 1 ? ` opacity="${num(this.globalAlpha)}"` : '';
    const clip = this.clipId ? ` clip-path="url(#${this.clipId})"` : '';
    this.body.push(alpha || clip ? `<g${alpha}${clip}>${element}</g>` : element);
  }
}

/** A view's figure (its draw(ctx, width, height), as on screen) as an SVG document of width × height px. */
export function viewSvg(view, width, height) {
  const ctx = new SvgContext(width, height);
  view.draw(ctx, width, height);
  return ctx.toSvg();
}
