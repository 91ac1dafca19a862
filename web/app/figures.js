// figures.js — what the page's figures and the widget's share, written once: how a dataset is named
// in titles and captions, and loading the data a figure draws under its field, chains or particles
// from the worker (with the failure shown in the figure as text). The page (main.js, ncsn-section.js)
// and the widget (web/embed/scorefield-widget.js) both use these. Nothing here touches the DOM.

import { NCSN_DATASET_OPTIONS, settingRow } from './settings.js';
import { TO_WORKER } from '../worker/protocol.js';

export const DATA_POINTS = 10000; // the tutorial's scatter of 10 000 points
export const DATA_SEED = 0; // the data drawn is fixed, so figures compare across runs and visits

/** A dataset as titles name it: the settings table's label ('swiss roll (D = 2)'), else its name. */
export function datasetLabel(dataset) {
  return settingRow('dataset').options.find((o) => o.value === dataset)?.label ?? dataset;
}

/**
 * Asks the worker (engine.request) for n points of `dataset` into `data`, the figure's state
 * { dataset, points, label, error }: points (n, 2) for a 2-D set, null with an error sentence for a
 * higher-dimensional one or when the worker fails. An answer for a dataset chosen since is dropped.
 * onChange() runs once the answer (or the failure) is in `data`; label(dataset) names it.
 */
export function loadDataset(engine, data, dataset, { n = DATA_POINTS, label = datasetLabel, onChange }) {
  Object.assign(data, { dataset, points: null, error: '' });
  return engine.request(TO_WORKER.DATA, { dataset, n, seed: DATA_SEED }).then(
    (msg) => {
      if (msg.dataset !== data.dataset) return; // superseded by a newer choice
      const dim = msg.x.length / n;
      data.points = dim === 2 ? msg.x : null;
      data.label = label(dataset);
      data.error = dim === 2 ? '' : `${label(dataset)} has D = ${dim}: no scatter plot to draw.`;
      onChange();
    },
    (err) => {
      data.error = `The data could not be drawn: ${err.message}`;
      onChange();
    },
  );
}

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
