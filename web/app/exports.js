// exports.js — what a reader can take away from a figure: a PNG of the panels as shown (redrawn at
// twice their size, on white), the 2-D figure as a standalone SVG (web/render/svg.js, the CLI's
// writer), the losses as CSV, a PNG filmstrip of the digit frames, the chains or the digit denoising
// as an animated GIF (web/render/animation.js, the CLI's --gif writer), and the weights file (the
// core's format, README "Weights file format") to download or load back.
//
// The functions build files and start downloads; ExportBar puts them behind buttons for one run, and
// is the only part that talks to the worker (SAVE and LOAD of the weights file). Everything drawn
// goes through the same views and render functions as the screen, so an export matches what is shown.

import { log1pArrows } from '../render/geometry.js';
import { drawFilmstrip } from '../render/digits.js';
import { button, el } from './controls.js';
import { settingRow } from './settings.js';
import { TO_WORKER } from '../worker/protocol.js';

export const EXPORT_SCALE = 2; // exported PNGs: device pixels per CSS pixel of the panel on screen
const PANEL_GAP = 16; // px between panels in an exported PNG
const PAPER = '#fff'; // exports are light whatever the theme: they go into documents
const SVG_DATA_POINTS = 2000; // data dots in an SVG: the density shows, the file stays ~100 KB
const FILMSTRIP_COLS = 17; // the filmstrip PNG's tiles per row (51 frames: three rows)
const FILMSTRIP_TILE = 48; // px per tile side in the filmstrip PNG
const FILMSTRIP_LABEL = 14; // px under each tile for its step number (render/digits.js's LABEL_PX)
const FILMSTRIP_GAP = 4; // px between tiles (render/digits.js's TILE_GAP)

/** Starts a download of blob as filename (an <a download> on an object URL, revoked afterwards). */
export function download(blob, filename) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  // The download has its own reference by the time the click returns; a delay keeps slow engines safe.
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

/** A file name made of plain words: anything else becomes '-'. */
export function fileStem(...parts) {
  return parts
    .map((p) => String(p))
    .join('-')
    .replace(/[^A-Za-z0-9_.-]+/g, '-')
    .replace(/-+/g, '-')
    .slice(0, 80);
}

/**
 * The losses as CSV: a header `step,loss`, then one row per step whose loss is known (steps before a
 * loaded weights file's are NaN and left out). Each loss is the float32 value printed exactly enough
 * to read back the same bits.
 */
export function lossesCsv(losses, count) {
  const rows = ['step,loss'];
  for (let i = 0; i < count; i++) if (Number.isFinite(losses[i])) rows.push(`${i},${losses[i]}`);
  return `${rows.join('\n')}\n`;
}

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

/** The bytes of a File (an <input type="file"> choice) as a Uint8Array. */
export async function fileBytes(file) {
  return new Uint8Array(await file.arrayBuffer());
}

/**
 * The export buttons of one run inside `container`: PNG, SVG, losses CSV, weights, filmstrip,
 * animation (GIF), and "Load weights…". The owner says what each export draws from, as functions called at click time:
 *   pngViews() → the views to export as PNG; figure() → figureSvgText's options, or null when there is
 *   no 2-D figure; samples() → { frames, n } of digit samples, or null; stem() → the file names' stem;
 *   notice(text) shows a sentence; loaded(settings, step) tells the owner the run took a weights
 *   file's network and settings (the run has adopted them; the owner updates its controls); omit:
 *   names of buttons not to show ('svg', 'filmstrip', …).
 * A refused weights file gets the core's message through notice(), and the run keeps its network.
 */
export class ExportBar {
  constructor(
    container,
    { run, engine, pngViews, figure = () => null, samples = () => null, stem, notice, loaded = () => {}, omit = [] },
  ) {
    this.run = run;
    this.engine = engine;
    this.figure = figure;
    this.samples = samples;
    const act = (what, fn) => async () => {
      try {
        await fn();
      } catch (err) {
        notice(`${what} failed: ${err.message}`);
      }
    };
    const file = el('input', 'export-file');
    file.type = 'file';
    file.accept = '.sfw,application/octet-stream';
    file.hidden = true;
    file.setAttribute('aria-label', 'Weights file to load');
    file.addEventListener('change', () => {
      const chosen = file.files?.[0];
      file.value = ''; // choosing the same file again is a new change
      if (chosen) act(`Loading '${String(chosen.name).slice(0, 40)}'`, () => this.#load(chosen, loaded))();
    });
    this.buttons = {
      png: button(
        'PNG',
        act('PNG export', async () => download(await viewsPng(pngViews()), `${stem()}-figure.png`)),
      ),
      svg: button(
        'SVG',
        act('SVG export', async () => {
          const options = figure();
          if (!options) throw new Error('the SVG figure needs a 2-D dataset and its field');
          download(new Blob([await figureSvgText(options)], { type: 'image/svg+xml' }), `${stem()}-figure.svg`);
        }),
      ),
      csv: button(
        'Losses CSV',
        act('CSV export', () => {
          download(new Blob([lossesCsv(run.losses, run.count)], { type: 'text/csv' }), `${stem()}-losses.csv`);
        }),
      ),
      weights: button(
        'Weights',
        act('Weights export', async () => {
          const msg = await engine.request(TO_WORKER.SAVE, { run: run.name });
          download(new Blob([msg.bytes], { type: 'application/octet-stream' }), `${stem()}-weights.sfw`);
        }),
      ),
      filmstrip: button(
        'Filmstrip',
        act('Filmstrip export', async () => {
          const s = samples();
          if (!s) throw new Error('no digit frames yet');
          download(await filmstripPng(s.frames, s.n, 0), `${stem()}-filmstrip.png`);
        }),
      ),
      gif: button(
        'Animation (GIF)',
        act('GIF export', async () => {
          const gif = await animationGif({ samples: samples(), figure: figure() });
          download(gif, `${stem()}-animation.gif`);
        }),
      ),
      load: button('Load weights…', () => file.click()),
    };
    const b = this.buttons;
    b.png.title = 'The figure as shown, as a PNG image at twice its size';
    b.svg.title = 'The field, the data and the chains as a standalone SVG figure (2-D datasets)';
    b.csv.title = 'The loss of every step, as CSV';
    b.weights.title = 'The network and its optimiser state, as a Scorefield weights file (.sfw)';
    b.filmstrip.title = 'Every Langevin frame of the first digit sample, as a PNG';
    b.gif.title = 'The Langevin chains step by step (or the digits denoising), as a looping animated GIF';
    b.load.title = 'Replace the network with one from a weights file (.sfw)';
    for (const name of omit) b[name].hidden = true; // exports that mean nothing for this run
    container.append(el('span', 'export-label', 'Export'), ...Object.values(b), file);
    this.update();
  }

  /** Enables what can be exported now (call after changes, e.g. every animation frame). */
  update() {
    const run = this.run,
      b = this.buttons,
      ready = run.dim > 0;
    const set = (button, disabled) => {
      if (button.disabled !== disabled) button.disabled = disabled;
    };
    set(b.png, !ready);
    set(b.svg, !ready || run.dim !== 2); // figure() may still say the field is not computed yet
    set(b.csv, !ready || run.count === 0);
    set(b.weights, !ready);
    set(b.filmstrip, !this.samples());
    set(b.gif, !ready);
    set(b.load, !ready);
  }

  // The worker swaps networks only once the file loaded: a refused file leaves the run as it was.
  async #load(file, loaded) {
    const offered = {
      datasets: settingRow('dataset').options.map((o) => o.value),
      objectives: settingRow('objective').options.map((o) => o.value),
    };
    const msg = await this.engine.request(TO_WORKER.LOAD, {
      run: this.run.name,
      bytes: await fileBytes(file),
      offered,
    });
    this.run.adopt(msg.settings);
    loaded(msg.settings, msg.step);
  }
}
