// controls.js — builds labelled, keyboard-usable form controls from rows of the settings table
// (settings.js), shows a plain-language message beside a control whose value is rejected, and hands
// valid changes to a callback. Also the small helpers for buttons and read-outs the toolbars share.
//
// It creates elements with createElement/textContent only (no innerHTML, no inline styles: the page
// runs under a strict Content-Security-Policy) and knows nothing about runs or the worker.

import { parseSetting } from './settings.js';

let uid = 0; // makes element ids unique when several toolbars show the same setting

/** An element with a class and optional text. */
export function el(tag, className = '', text = '') {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text) e.textContent = text;
  return e;
}

/** A <button type="button"> with a label and a click handler. */
export function button(label, onClick, className = '') {
  const b = el('button', className, label);
  b.type = 'button';
  b.addEventListener('click', onClick);
  return b;
}

/** A labelled <output> read-out: returns { root, set(text) } (set skips unchanged text). */
export function readout(label, className = '') {
  const root = el('div', `readout ${className}`.trim());
  const name = el('span', 'readout-label', label);
  const value = el('output', 'readout-value', '–');
  const id = `ro-${++uid}`;
  value.id = id;
  name.id = `${id}-label`;
  value.setAttribute('aria-labelledby', name.id);
  root.append(name, value);
  let shown = '–';
  return {
    root,
    set(text) {
      if (text !== shown) {
        value.textContent = text;
        shown = text;
      }
    },
  };
}

/**
 * One control per row inside `container`, showing `values`. onChange(name, value) receives each
 * valid change; an invalid one is marked (aria-invalid) and explained next to the control, and
 * onChange is not called. Returns { set(name, value), setDisabled(name, disabled), inputs }.
 */
export function buildControls(container, rows, values, onChange) {
  const inputs = new Map();
  for (const row of rows) {
    const id = `setting-${row.name}-${++uid}`;
    const field = el('div', `field field-${row.type}`);
    const label = el('label', 'field-label', row.label);
    label.htmlFor = id;
    const input = row.type === 'enum' ? selectFor(row) : numberInputFor(row);
    input.id = id;
    input.name = row.name;
    input.value = String(values[row.name]);
    const error = el('span', 'field-error');
    error.id = `${id}-error`;
    error.setAttribute('role', 'status'); // announced when it appears
    const help = row.help + (row.resets ? ' Changing it restarts the run.' : '');
    input.title = help;
    input.setAttribute('aria-describedby', error.id);
    input.addEventListener('change', () => {
      const parsed = parseSetting(row, input.value);
      if ('error' in parsed) {
        input.setAttribute('aria-invalid', 'true');
        error.textContent = parsed.error;
        return;
      }
      input.removeAttribute('aria-invalid');
      error.textContent = '';
      onChange(row.name, parsed.value);
    });
    field.append(label, input, error);
    container.append(field);
    inputs.set(row.name, { input, error });
  }
  return {
    inputs,
    set(name, value) {
      const entry = inputs.get(name);
      if (!entry) return;
      entry.input.value = String(value);
      entry.input.removeAttribute('aria-invalid');
      entry.error.textContent = '';
    },
    setDisabled(name, disabled) {
      const entry = inputs.get(name);
      if (entry) entry.input.disabled = disabled;
    },
  };
}

function selectFor(row) {
  const select = el('select');
  for (const option of row.options) {
    const o = el('option', '', option.label);
    o.value = option.value;
    select.append(o);
  }
  return select;
}

function numberInputFor(row) {
  const input = el('input');
  input.type = 'number';
  input.inputMode = row.type === 'integer' ? 'numeric' : 'decimal';
  input.min = String(row.min);
  input.max = String(row.max);
  input.step = String(row.step ?? 'any');
  input.required = true;
  return input;
}
