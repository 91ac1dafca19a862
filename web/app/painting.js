// painting.js — a noise-conditional run's painted data, shared by section 7 (NCSN) and section 8
// (score SDEs): a Painter over the section's data plot, the points handed to the worker after every
// finished stroke (and before a CONFIGURE that makes a network for them), the paint controls (count,
// a typed point, Clear, a points file or a drop on the plot), and the switch of the run to the drawing
// when a user paints over a generated set. Each section calls attachPainting once with its own
// elements; what the plot shows is ncsn-views.js's NcsnDataView.

import { button, el, readout } from './controls.js';
import { pointFields } from './point-fields.js';
import { MAX_POINTS, Painter } from './paint.js';
import { readPointsFile } from './points-input.js';
import { NCSN_TO_WORKER } from '../worker/protocol.js';
import { NCSN_DATASET_OPTIONS } from './settings.js';
import { loadDataset } from './figures.js';

/**
 * A 2-D section's painting and data (sections 7 and 8): attachPainting on the page's elements
 * `${prefix}-data` (the data plot) and `${prefix}-paint` (the controls), the section's dataset control
 * in `toolbar`, and loadData(), which fills `data` with n points of the run's dataset or the drawing
 * (loadSectionData: onPainted() or onLoaded() when it changed), called again after every stroke.
 * Returns { painter, loadData }.
 */
export function attachSectionPainting({
  engine,
  run,
  box,
  prefix,
  toolbar,
  onUserAction,
  data,
  n,
  onPainted,
  onLoaded,
}) {
  const loadData = () => loadSectionData(engine, data, run.values.dataset, painter, { n, onPainted, onLoaded });
  const painter = attachPainting({
    engine,
    run,
    box,
    canvas: document.getElementById(`${prefix}-data`),
    paintBox: document.getElementById(`${prefix}-paint`),
    idPrefix: prefix,
    onUserAction,
    onCommitted: () => {
      if (run.values.dataset === 'points') loadData();
    },
    showDataset: (value) => toolbar.controls.set('dataset', value),
  });
  return { painter, loadData };
}

/**
 * engine, run: the section's Engine and (noise-conditional) run; box: the plot's data box; canvas:
 * the data plot (files may be dropped on it); paintBox: where the controls go; idPrefix: ids of the
 * file input and its message (`${idPrefix}-points-file`, `…-error`); onUserAction(); onCommitted():
 * after every finished stroke, dab, clear or file; showDataset(value): sets the section's dataset
 * control (the run switches to 'points' when painted over a generated set).
 * Returns the Painter.
 */
export function attachPainting({
  engine,
  run,
  box,
  canvas,
  paintBox,
  idPrefix,
  onUserAction,
  onCommitted,
  showDataset,
}) {
  const painter = new Painter(box);
  let pointsSent = -1; // the painter version the worker has
  let workerReady = false;
  engine.ready.then(
    () => {
      workerReady = true;
      sendPoints();
    },
    () => {},
  );
  function sendPoints() {
    if (!workerReady || pointsSent === painter.version) return; // the worker takes messages once it is READY
    pointsSent = painter.version;
    engine.send(NCSN_TO_WORKER.POINTS, { run: run.name, points: painter.snapshot() });
  }
  // Choosing the drawing with nothing drawn offers a heart to start from; the points reach the worker
  // before the CONFIGURE that makes a network for them.
  run.beforeDataset = (dataset) => {
    if (dataset !== 'points') return;
    if (painter.count === 0) painter.fillExample();
    sendPoints();
  };
  painter.subscribe((_, committed) => {
    if (!committed) return;
    sendPoints();
    onCommitted();
    // Painting on a generated dataset switches the run to the drawing.
    if (painter.count > 0 && run.values.dataset !== 'points') {
      onUserAction();
      run.set('dataset', 'points');
      showDataset('points');
    }
  });
  // A restarted worker, or a network made since, takes the points again (the run's STATE).
  run.subscribe(() => sendPoints());

  // ---- the controls: count, a typed point, clear, a points file ----------------------------------------
  const countOut = readout('painted');
  const clearButton = button('Clear drawing', () => {
    onUserAction();
    painter.clear();
  });
  const typed = { x: 0, y: 0 };
  const typedFields = el('div', 'toolbar-fields');
  pointFields(typedFields, typed, {
    min: box.xmin,
    max: box.xmax,
    help: (name) =>
      `The ${name} coordinate of a dab of points (the keyboard's way to paint; a drag on the plot does the same).`,
  });
  const dabButton = button('Add points at (x, y)', () => {
    onUserAction();
    painter.dab(typed.x, typed.y);
  });
  // A points file (CSV/TSV/JSON, web/core/points-file.js) replaces the drawing; a bad one shows its
  // message and changes nothing.
  const fileLabel = el('label', 'field-label', 'Your own data (CSV, TSV or JSON)');
  const fileInput = el('input');
  Object.assign(fileInput, { type: 'file', id: `${idPrefix}-points-file`, accept: '.csv,.tsv,.txt,.json,text/*' });
  fileLabel.htmlFor = fileInput.id;
  const fileError = el('output', 'points-file-error');
  fileError.id = `${idPrefix}-points-file-error`;
  fileError.setAttribute('role', 'status');
  // Fit: a file's points centred and scaled into the plot's box by the core (sf.fitPoints, in the
  // worker), keeping their shape; off, they are taken as they are and clamped to the box.
  const fitLabel = el('label', 'field-label points-fit');
  const fitInput = el('input');
  Object.assign(fitInput, { type: 'checkbox', id: `${idPrefix}-points-fit` });
  fitLabel.title =
    "Centre and scale a file's points into the plot, keeping their shape (else points outside it are clamped to its edge)";
  fitLabel.append(fitInput, ' Fit a file to the plot');
  async function loadPointsFile(file) {
    try {
      const points = await readPointsFile(engine, file, { box, fit: fitInput.checked, maxPoints: MAX_POINTS });
      fileError.textContent = '';
      onUserAction();
      painter.replace(points);
    } catch (err) {
      fileError.textContent = `${file.name}: ${err.message}`;
    }
  }
  fileInput.addEventListener('change', async () => {
    const file = fileInput.files?.[0];
    fileInput.value = '';
    if (file) await loadPointsFile(file);
  });
  // The same by a drop on the data plot.
  canvas.addEventListener('dragover', (event) => event.preventDefault());
  canvas.addEventListener('drop', (event) => {
    const file = event.dataTransfer?.files?.[0];
    if (!file) return;
    event.preventDefault();
    loadPointsFile(file);
  });
  paintBox.append(countOut.root, typedFields, dabButton, clearButton, fileLabel, fileInput, fitLabel, fileError);
  painter.subscribe(() => countOut.set(`${painter.count} / ${MAX_POINTS}`));
  countOut.set(`0 / ${MAX_POINTS}`);
  return painter;
}

// ---- the sections' data (here, not in figures.js, which every widget loads) -------------------------

/** A 2-D dataset as sections 7 and 8 name it: its label without ' (D = 2)', else its name. */
export function planeDatasetLabel(dataset) {
  return NCSN_DATASET_OPTIONS.find((o) => o.value === dataset)?.label.replace(/ \(D = 2\)$/, '') ?? dataset;
}

/**
 * The data under a 2-D section's figures (sections 7 and 8): for the dataset 'points' the painter's
 * points as of its last finished stroke (onPainted() when they changed), else n points of `dataset`
 * from the worker through loadDataset (onLoaded() once in). Does nothing when `data` already holds it.
 */
export function loadSectionData(engine, data, dataset, painter, { n, onPainted, onLoaded }) {
  if (dataset === 'points') {
    if (data.dataset === 'points' && data.version === painter.version) return;
    Object.assign(data, {
      dataset,
      points: painter.count > 0 ? painter.snapshot() : null,
      label: 'your drawing',
      error: '',
      version: painter.version,
    });
    onPainted();
    return;
  }
  if (dataset === data.dataset) return;
  loadDataset(engine, data, dataset, { n, label: planeDatasetLabel, onChange: onLoaded });
}
