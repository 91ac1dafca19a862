// points-input-ui.js — a widget's "Load points…" button and Fit toggle (a Data row after the toolbar)
// and the drop of a points file on its 2-D plots, with a highlight while a file is dragged over one.
// Loaded with the widget's controls (scorefield-widget.js), so a plain widget does not load it; the
// file itself is read by web/app/points-input.js, loaded only when a file comes.

import { button, el } from '../app/controls.js';

/**
 * Builds the Data row after `after` and the drop targets `figures`; onFile(file) for a picked or
 * dropped file, onFit(checked) when the toggle changes. Returns the Fit checkbox (the widget keeps it
 * in step with the `fit` attribute).
 */
export function attachPointsInput({ after, figures, id, fit, fitHelp, onFit, onFile }) {
  const input = el('input');
  Object.assign(input, { type: 'file', className: 'sf-points-file', accept: '.csv,.tsv,.txt,.json,text/*' });
  Object.assign(input, { id, hidden: true });
  input.addEventListener('change', () => {
    const file = input.files?.[0];
    input.value = '';
    if (file) onFile(file);
  });
  const load = button('Load points…', () => input.click(), 'sf-load-points');
  load.title = 'Train on your own 2-D points: a CSV, TSV or JSON file (or drop one on the plot)';
  const fitLabel = el('label', 'field-label sf-fit');
  const toggle = el('input');
  Object.assign(toggle, { type: 'checkbox', checked: fit });
  toggle.addEventListener('change', () => onFit(toggle.checked));
  fitLabel.title = fitHelp;
  fitLabel.append(toggle, ' Fit a file to the plot');
  const row = el('div', 'toolbar sf-data');
  row.append(el('span', 'export-label', 'Data'), load, fitLabel, input);
  after.after(row);
  for (const figure of figures) {
    figure.addEventListener('dragover', (event) => {
      if (!event.dataTransfer?.types.includes('Files')) return;
      event.preventDefault();
      figure.classList.add('is-drop-target');
    });
    figure.addEventListener('dragleave', () => figure.classList.remove('is-drop-target'));
    figure.addEventListener('drop', (event) => {
      figure.classList.remove('is-drop-target');
      const file = event.dataTransfer?.files?.[0];
      if (!file) return;
      event.preventDefault();
      onFile(file);
    });
  }
  return toggle;
}
