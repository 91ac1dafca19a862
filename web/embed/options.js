// options.js — the embeddable widget's own options, in the row format of web/app/settings.js: which
// panels show, whether the controls show, autoplay, compact size, light or dark, and which kernels.
// The training and sampler settings are the settings table's rows (SETTINGS); these rows are what a
// widget has beyond them. Both become the custom element's attributes and the iframe's parameters
// (web/app/share.js reads them, web/embed/scorefield-widget.js applies them).
//
// Values only; nothing here touches the DOM, so Node tests import it as it is.

import { rowsOf } from '../app/settings.js';

/** The panels a widget can show, in the order it lays them out. */
export const PANELS = Object.freeze(['field', 'chains', 'loss', 'digits']);

/**
 * The widget's rows. Types beyond the table's: 'boolean' (an attribute present with no value, or
 * 1/true/yes/on, is true; 0/false/no/off is false) and 'set' (a comma- or space-separated subset of
 * the options, in any order).
 */
export const WIDGET_OPTIONS = Object.freeze([
  {
    name: 'panels',
    type: 'set',
    label: 'Panels',
    default: 'auto',
    options: [
      { value: 'auto', label: 'chains and loss for a 2-D dataset, digits and loss for the digits' },
      ...PANELS.map((value) => ({ value, label: value })),
    ],
    help: 'Which figures show: field (the score field over the data), chains (Langevin chains over it), loss, digits.',
  },
  {
    name: 'controls',
    type: 'boolean',
    label: 'Controls',
    default: false,
    help: 'Show the training and sampler controls and the export buttons.',
  },
  {
    name: 'autoplay',
    type: 'boolean',
    label: 'Autoplay',
    default: true,
    help: 'Start training when the widget first scrolls into view.',
  },
  {
    name: 'compact',
    type: 'boolean',
    label: 'Compact',
    default: false,
    help: 'Smaller figures in one row, for a narrow column.',
  },
  {
    name: 'theme',
    type: 'enum',
    label: 'Theme',
    default: 'auto',
    options: [
      { value: 'auto', label: "the reader's system setting" },
      { value: 'light', label: 'light' },
      { value: 'dark', label: 'dark' },
    ],
    help: 'Light or dark colours around and inside the figures.',
  },
  {
    name: 'simd',
    type: 'enum',
    label: 'Kernels',
    default: 'auto',
    options: [
      { value: 'auto', label: 'SIMD128 when supported' },
      { value: 'simd128', label: 'SIMD128' },
      { value: 'scalar', label: 'scalar' },
    ],
    help: 'Which build of the core the worker loads (both give the same numbers).',
  },
]);

/**
 * Every row a widget reads from its attributes and its iframe's parameters: the table's training and
 * sampler rows (the rows of other sections, like NCSN's, mean nothing to a widget), then its own.
 */
export const WIDGET_ROWS = Object.freeze([...rowsOf('train'), ...rowsOf('langevin'), ...WIDGET_OPTIONS]);

/**
 * The panels that `panels` (a 'set' value: 'auto' or a list like 'field,loss') shows for a dataset:
 * 'auto' is the digits and their loss for the 8×8 digits, Langevin chains and the loss otherwise.
 */
export function resolvePanels(panels, dataset) {
  const chosen = panels.split(',').filter((p) => PANELS.includes(p));
  if (chosen.length > 0 && !panels.split(',').includes('auto')) return PANELS.filter((p) => chosen.includes(p));
  return dataset === 'digits' ? ['digits', 'loss'] : ['chains', 'loss'];
}
