// options.js — what a widget reads from its attributes and its iframe's parameters: the settings
// table's training and sampler rows and the widget's own options, all from the one table
// (web/core/settings.js), and which panels a `panels` value shows. Values only; nothing here touches
// the DOM, so Node tests import it as it is.

import { PANELS, WIDGET_OPTIONS, rowsOf } from '../core/settings.js';

export { PANELS, WIDGET_OPTIONS };

/**
 * Every row a widget reads from its attributes and its iframe's parameters: the table's training and
 * sampler rows, the pretrained digits' class and guidance (the rows of other sections, like NCSN's,
 * mean nothing to a widget), then its own.
 */
export const WIDGET_ROWS = Object.freeze([
  ...rowsOf('train'),
  ...rowsOf('langevin'),
  ...rowsOf('digits'),
  ...rowsOf('sde'),
  ...WIDGET_OPTIONS,
]);

/** The panels of a score-SDE network (section 8): a widget with either trains one, shown with its loss. */
export const SDE_PANELS = Object.freeze(['samplers', 'density']);

/**
 * The panels that `panels` (a 'set' value: 'auto' or a list like 'field,loss') shows for a dataset:
 * 'auto' is the digits and their loss for the 8×8 digits, Langevin chains and the loss otherwise;
 * 'samplers' and 'density' (a score-SDE network's) show with 'loss' only.
 */
export function resolvePanels(panels, dataset) {
  const chosen = panels.split(',').filter((p) => PANELS.includes(p));
  // samplers and density come with the loss only: the field, chains and digits are another network's.
  if (chosen.some((p) => SDE_PANELS.includes(p)))
    return PANELS.filter((p) => chosen.includes(p) && (SDE_PANELS.includes(p) || p === 'loss'));
  if (chosen.length > 0 && !panels.split(',').includes('auto')) return PANELS.filter((p) => chosen.includes(p));
  return dataset === 'digits' ? ['digits', 'loss'] : ['chains', 'loss'];
}
