// point-fields.js — the keyboard's way to place a point that a click or a drag on a plot places: two
// number fields, x and y, for the chain-start form (main.js) and the painting's typed dab
// (painting.js). A module of its own so that the widget, which loads controls.js but types no points,
// does not download it.

import { buildControls } from './controls.js';

/**
 * Two number fields inside `container` for a point typed in (the keyboard's way to place what a click
 * or a drag on a plot places), over [min, max] each; valid values are written into `point` ({ x, y }).
 * label(name) and help(name) give a field's label and tooltip.
 */
export function pointFields(container, point, { min, max, label = (name) => name, help }) {
  const rows = ['x', 'y'].map((name) => ({
    name,
    label: label(name),
    type: 'number',
    default: 0,
    min,
    max,
    step: 'any',
    help: help(name),
  }));
  buildControls(container, rows, point, (name, value) => {
    point[name] = value;
  });
}
