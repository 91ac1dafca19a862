// export-actions.js — what the export bar's buttons do (ExportBar, export-bar.js): the files behind
// them (PNG, SVG, losses CSV, weights, filmstrip, GIF; exports.js and the render modules it uses for the
// drawn ones) and loading a weights file. Loaded on the bar's first click, so that a page or widget
// that shows the bar but never exports does not download it. Each function takes the bar, whose
// options say what an export draws from; a failure throws, and the bar names it in a notice.

import { download } from './export-bar.js';
import { settingRow } from './settings.js';
import { TO_WORKER } from '../worker/protocol.js';

/** @type {Promise<typeof import('./exports.js')> | null} */
let filesLoading = null;
// exports.js, the file makers, loaded once.
const files = () => (filesLoading ??= import('./exports.js'));

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

/** The bytes of a File (an <input type="file"> choice) as a Uint8Array. */
export async function fileBytes(file) {
  return new Uint8Array(await file.arrayBuffer());
}

export async function png(bar) {
  const { pngViews, stem } = bar.options;
  download(await (await files()).viewsPng(pngViews()), `${stem()}-figure.png`);
}

export async function svg(bar) {
  const options = bar.figure();
  if (!options) throw new Error('the SVG figure needs a 2-D dataset and its field');
  const text = await (await files()).figureSvgText(options);
  download(new Blob([text], { type: 'image/svg+xml' }), `${bar.options.stem()}-figure.svg`);
}

// One of svgViews' figures ({ view, suffix }): that view as drawn.
export async function viewSvg(bar, { view, suffix }) {
  download(await (await files()).viewSvg(view), `${bar.options.stem()}-${suffix}.svg`);
}

export function csv(bar) {
  const { run } = bar;
  download(new Blob([lossesCsv(run.losses, run.count)], { type: 'text/csv' }), `${bar.options.stem()}-losses.csv`);
}

export async function weights(bar) {
  const msg = await bar.engine.request(TO_WORKER.SAVE, { run: bar.run.name });
  download(new Blob([msg.bytes], { type: 'application/octet-stream' }), `${bar.options.stem()}-weights.sfw`);
}

export async function filmstrip(bar) {
  const s = bar.samples();
  if (!s) throw new Error('no digit frames yet');
  download(await (await files()).filmstripPng(s.frames, s.n, 0), `${bar.options.stem()}-filmstrip.png`);
}

export async function gif(bar) {
  const animation = await (await files()).animationGif({ samples: bar.samples(), figure: bar.figure() });
  download(animation, `${bar.options.stem()}-animation.gif`);
}

// A weights file: the worker swaps networks only once the file loaded, so a refused file leaves the
// run as it was; then the owner hears of the settings the run adopted (options.loaded).
export async function load(bar, file) {
  const offered = {
    datasets: settingRow('dataset').options.map((o) => o.value),
    objectives: settingRow('objective').options.map((o) => o.value),
  };
  const msg = await bar.engine.request(TO_WORKER.LOAD, { run: bar.run.name, bytes: await fileBytes(file), offered });
  bar.run.adopt(msg.settings);
  bar.options.loaded(msg.settings, msg.step);
}
