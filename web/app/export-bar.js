// export-bar.js — the export buttons of one run (ExportBar) and the small helpers of downloads: the
// bar is what a page or a widget with controls shows at once; what its buttons do (export-actions.js)
// and the files behind them (PNG, SVG, filmstrip, GIF: exports.js, and the render modules it uses)
// load on the first click.

import { button, el } from './controls.js';

/** @type {Promise<typeof import('./export-actions.js')> | null} */
let actionsLoading = null;
// export-actions.js, loaded once; a failed load is tried again on the next click.
const actions = () =>
  (actionsLoading ??= import('./export-actions.js').catch((err) => {
    actionsLoading = null;
    throw err;
  }));

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
 * The export buttons of one run inside `container`: PNG, SVG, losses CSV, weights, filmstrip,
 * animation (GIF), and "Load weights…". The owner says what each export draws from, as functions called at click time:
 *   pngViews() → the views to export as PNG; figure() → figureSvgText's options, or null when there is
 *   no 2-D figure; samples() → { frames, n } of digit samples, or null; stem() → the file names' stem;
 *   svgViews: [{ label, title, suffix, view }], more SVG buttons, each a view's figure as drawn (exports.js viewSvg);
 *   notice(text) shows a sentence; loaded(settings, step) tells the owner the run took a weights
 *   file's network and settings (the run has adopted them; the owner updates its controls); omit:
 *   names of buttons not to show ('svg', 'filmstrip', …).
 * A refused weights file gets the core's message through notice(), and the run keeps its network.
 */
export class ExportBar {
  constructor(
    container,
    {
      run,
      engine,
      pngViews,
      figure = () => null,
      samples = () => null,
      svgViews = [],
      stem,
      notice,
      loaded = () => {},
      omit = [],
    },
  ) {
    this.run = run;
    this.engine = engine;
    this.figure = figure;
    this.samples = samples;
    this.options = { pngViews, stem, loaded };
    // A click runs export-actions.js's function of that name on this bar; a failure (the module's
    // load included) becomes a sentence in the owner's notices.
    const act =
      (what, name, ...args) =>
      async () => {
        try {
          await (await actions())[name](this, ...args);
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
      if (chosen) act(`Loading '${String(chosen.name).slice(0, 40)}'`, 'load', chosen)();
    });
    // One more SVG button per figure of svgViews ({ label, title, suffix, view }): that view as drawn.
    const moreSvg = Object.fromEntries(
      svgViews.map((entry) => {
        const more = button(entry.label, act(`${entry.label} export`, 'viewSvg', entry));
        more.title = entry.title;
        return [entry.suffix, more];
      }),
    );
    this.moreSvg = Object.values(moreSvg);
    this.buttons = {
      png: button('PNG', act('PNG export', 'png')),
      svg: button('SVG', act('SVG export', 'svg')),
      ...moreSvg,
      csv: button('Losses CSV', act('CSV export', 'csv')),
      weights: button('Weights', act('Weights export', 'weights')),
      filmstrip: button('Filmstrip', act('Filmstrip export', 'filmstrip')),
      gif: button('Animation (GIF)', act('GIF export', 'gif')),
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
    for (const more of this.moreSvg) set(more, !ready);
    set(b.load, !ready);
  }
}
