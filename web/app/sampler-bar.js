// sampler-bar.js — the parts of a sampler's figure that sections 7 and 8 (ncsn-section.js,
// sde-section.js) both show, written once: the sampler bar (Sample, an optional Stop, extra buttons,
// the sampler's settings from the settings table and its read-outs) and the slider that picks which
// level or frame the figures show, with its "follow the sampler" box.
//
// Like controls.js it builds DOM with createElement/textContent only and knows nothing about runs or
// the worker: what a button or a changed setting does is the caller's.

import { buildControls, button, el, readout } from './controls.js';

/**
 * The sampler bar inside `box`: a primary button (`sampleLabel`, default 'Sample') calling
 * onUserAction() then onSample(); when onStop is given, a Stop button doing the same with onStop();
 * `extra` elements after them; one control per row of `rows` showing `values`, each valid change
 * handed to onUserAction() then onChange(name, value); and a read-out per label of `readouts`.
 * Returns { sampleButton, stopButton, controls, readouts } (read-outs in the order of the labels).
 */
export function samplerBar(
  box,
  {
    sampleLabel = 'Sample',
    sampleTitle = '',
    stopTitle = '',
    onSample,
    onStop,
    extra = [],
    rows,
    values,
    onChange,
    readouts = [],
    onUserAction = () => {},
  },
) {
  const buttons = el('div', 'toolbar-buttons');
  const sampleButton = button(
    sampleLabel,
    () => {
      onUserAction();
      onSample();
    },
    'primary',
  );
  if (sampleTitle) sampleButton.title = sampleTitle;
  buttons.append(sampleButton);
  let stopButton = null;
  if (onStop) {
    stopButton = button('Stop', () => {
      onUserAction();
      onStop();
    });
    if (stopTitle) stopButton.title = stopTitle;
    buttons.append(stopButton);
  }
  buttons.append(...extra);
  const fields = el('div', 'toolbar-fields');
  const controls = buildControls(fields, rows, values, (name, value) => {
    onUserAction();
    onChange(name, value);
  });
  box.append(buttons, fields);
  const outs = readouts.map((label) => readout(label));
  if (outs.length > 0) {
    const readoutBox = el('div', 'toolbar-readouts');
    readoutBox.append(...outs.map((out) => out.root));
    box.append(readoutBox);
  }
  return { sampleButton, stopButton, controls, readouts: outs };
}

/**
 * A labelled range slider inside `box` with its value read-out and a "follow the sampler" box:
 * moving the slider unticks the box and calls onInput(value as a number); ticking or unticking the
 * box calls onFollow(checked). Returns { input, output, follow } (the slider, the read-out and the
 * checkbox), which the section updates as the sampler moves.
 */
export function followSlider(box, { label, id, min, max, value, onInput, onFollow }) {
  const name = el('label', 'field-label', label);
  const input = el('input');
  Object.assign(input, { type: 'range', id, min: String(min), max: String(max), step: '1', value: String(value) });
  name.htmlFor = input.id;
  const output = el('output', 'sigma-value');
  output.htmlFor = input.id;
  const followLabel = el('label', 'follow');
  const follow = el('input');
  follow.type = 'checkbox';
  follow.checked = true;
  followLabel.append(follow, ' follow the sampler');
  box.append(name, input, output, followLabel);
  input.addEventListener('input', () => {
    follow.checked = false;
    onInput(Number(input.value));
  });
  follow.addEventListener('change', () => onFollow(follow.checked));
  return { input, output, follow };
}
