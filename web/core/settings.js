// settings.js — every setting of every front end as one table: the page's controls and URL hash, the
// widget's attributes and its iframe's parameters, postMessage `set`, the Node API's option names where
// they overlap and the command line's flags (tools/scorefield.mjs) all read their name, type, range and
// label from the rows here. Add a row and all of them gain it (docs/recipes-frontend.md).
//
// Ranges that the C core bounds name its limits (SF_MAX_* of scorefield.h, read through the wasm API as
// sf.limits) instead of copying numbers: web/core/limits.js is generated from the built core
// (scripts/gen-limits.mjs) and tested against it, so that a page can read a row before any core has
// loaded; setLimits() takes a loaded core's own. Names that links, embeds or scripts already
// use stay valid as a row's `aliases` (hidden → width, sampler-steps → chain-steps, sampler-seed →
// chain-seed, isa → simd). Range checks here only keep obvious mistakes from reaching the core with a
// clear message; the core checks every value again. Nothing here touches the DOM.

import { DATASETS, ISAS, OBJECTIVES } from './enums.js';
import { CORE_LIMITS } from './limits.js';

let LIMITS = CORE_LIMITS;

/** The samplers of a score-SDE run ([value, label]), as the core's model.sample names them. */
export const SDE_SAMPLERS = Object.freeze([
  ['annealed', 'annealed Langevin'],
  ['sde', 'reverse SDE (Euler–Maruyama)'],
  ['pc', 'predictor–corrector'],
  ['ode-euler', 'probability-flow ODE, Euler'],
  ['ode-heun', 'probability-flow ODE, Heun'],
  ['edm', 'EDM stochastic'],
]);

/** Takes a loaded core's limits (sf.limits: { dim, hidden, depth, batch, proj, steps, levels, points, seed }). */
export function setLimits(limits) {
  LIMITS = Object.freeze({ ...limits });
}

/** One of the core's limits by name (sf.limits). */
export function limit(name) {
  if (!Object.hasOwn(LIMITS, name)) throw new Error(`unknown limit '${name}'`);
  return LIMITS[name];
}

// How the controls name the core's datasets and objectives, in the order they are offered. A name the
// core has and this list lacks is offered under its own name; one listed as null is not offered
// (painted points need the NCSN section's drawing tool, and NCSN its noise-conditional network: that
// section offers them itself).
const DATASET_LABELS = {
  swiss_roll: 'swiss roll (D = 2)',
  moons: 'two moons (D = 2)',
  eight_gaussians: 'eight Gaussians (D = 2)',
  rings: 'rings (D = 2)',
  checkerboard: 'checkerboard (D = 2)',
  mixture: 'Gaussian mixture (D = 2)',
  digits: 'digits (D = 64)',
  points: null,
};
const OBJECTIVE_LABELS = {
  exact: 'exact SM',
  sliced: 'sliced SM',
  sliced_vr: 'sliced SM, variance reduced',
  dsm: 'denoising SM',
  ncsn: null,
  vesde: null, // the score-SDE objective (a noise-conditional net), not offered for plain nets
};

// [{ value, label }] for an enum of the core, in the label table's order, then any others.
function enumOptions(table, labels) {
  const names = [
    ...Object.keys(labels).filter((k) => Object.hasOwn(table, k)),
    ...Object.keys(table).filter((k) => !Object.hasOwn(labels, k)),
  ];
  return names.filter((k) => labels[k] !== null).map((k) => ({ value: k, label: labels[k] ?? k.replaceAll('_', ' ') }));
}

/**
 * A setting: { name, group, type: 'enum' | 'integer' | 'number', label, default, min, max, step,
 * options: [{ value, label }] (enums), unit, help, resets }. `resets`: changing it starts the run over
 * (a new network), so controls say so. `scale: 'log'` marks settings best moved in factors of ten.
 */
// A seed's row: an integer from 0 to the largest seed the core takes (links, attributes and flags carry
// every seed the core takes); `row` gives the rest (name, group, label, default, help, …).
function seedRow(row) {
  return {
    ...row,
    type: 'integer',
    min: 0,
    get max() {
      return limit('seed');
    },
    step: 1,
  };
}

// `cli`: where a command line (tools/scorefield.mjs) takes a wider range than a control's min..max —
// what the core itself accepts, for runs no page would start — that range, in the same row.
const POSITIVE = Object.freeze({ min: 0, max: undefined, minExclusive: true }); // any finite x > 0
const MAX_CLI_STEPS = 100000000; // a command line's training: about a day

export const SETTINGS = Object.freeze([
  {
    name: 'dataset',
    group: 'train',
    type: 'enum',
    label: 'Dataset',
    default: 'swiss_roll',
    resets: true,
    options: enumOptions(DATASETS, DATASET_LABELS),
    help: 'What the network learns: a 2-D point cloud, or the 8×8 digits as 64-d points.',
  },
  {
    name: 'objective',
    group: 'train',
    type: 'enum',
    label: 'Objective',
    default: 'sliced',
    options: enumOptions(OBJECTIVES, OBJECTIVE_LABELS),
    help: 'Exact score matching takes the trace of the Jacobian (D passes); sliced takes one random projection.',
  },
  {
    name: 'lr',
    group: 'train',
    type: 'number',
    label: 'Learning rate',
    default: 1e-3,
    min: 1e-7,
    max: 1e6,
    cli: POSITIVE,
    step: 'any',
    scale: 'log',
    help: "Adam's step size (the tutorial's 1e-3).",
  },
  {
    name: 'batch',
    group: 'train',
    type: 'integer',
    label: 'Batch size',
    default: 128,
    min: 1,
    get max() {
      return limit('batch');
    },
    step: 1,
    help: "Points per training step (the tutorial's 128).",
  },
  {
    name: 'steps',
    group: 'train',
    type: 'integer',
    label: 'Steps',
    default: 2000,
    min: 1,
    max: 1000000,
    cli: { min: 0, max: MAX_CLI_STEPS },
    step: 1,
    help: 'Play trains until the run has taken this many steps.',
  },
  seedRow({
    name: 'seed',
    group: 'train',
    label: 'Seed',
    default: 42,
    resets: true,
    help: 'Seeds the initial weights and the training batches: same seed, same losses.',
  }),
  {
    name: 'width',
    group: 'train',
    type: 'integer',
    label: 'Width',
    aliases: ['hidden'],
    default: 128,
    min: 1,
    get max() {
      return limit('hidden');
    },
    step: 1,
    resets: true,
    help: "Hidden units per layer, H (the tutorial's 128; the core allows up to 512).",
  },
  {
    name: 'depth',
    group: 'train',
    type: 'integer',
    label: 'Depth',
    default: 2,
    min: 1,
    get max() {
      return limit('depth');
    },
    step: 1,
    resets: true,
    help: "Hidden layers (the tutorial's 2; the core allows up to 4).",
  },
  {
    name: 'eps',
    group: 'langevin',
    type: 'number',
    label: 'ε',
    default: 0.01,
    min: 1e-6,
    max: 10,
    cli: POSITIVE,
    step: 'any',
    scale: 'log',
    help: "Langevin's first step size.",
  },
  {
    name: 'decay',
    group: 'langevin',
    type: 'number',
    label: 'Decay',
    default: 0.9,
    min: 0.01,
    max: 2,
    cli: POSITIVE,
    step: 'any',
    help: 'ε is multiplied by this after every step.',
  },
  {
    name: 'chainSteps',
    group: 'langevin',
    type: 'integer',
    label: 'Steps',
    aliases: ['samplerSteps'],
    default: 15,
    min: 0,
    get max() {
      return limit('steps');
    },
    step: 1,
    help: 'Langevin steps per chain.',
  },
  {
    name: 'temperature',
    group: 'langevin',
    type: 'number',
    label: 'Temperature',
    default: 1,
    min: 0,
    max: 100,
    cli: { min: 0, max: undefined },
    step: 'any',
    help: 'Scales the noise of each step (0: plain gradient ascent on log p).',
  },
  seedRow({
    name: 'chainSeed',
    group: 'langevin',
    label: 'Sampler seed',
    aliases: ['samplerSeed'],
    default: 0,
    help: "Seeds the chains' noise; Resample picks the next one.",
  }),
  // The NCSN section's rows (section 7): the noise ladder it trains on ('ncsn') and its annealed
  // sampler ('anneal'). Defaults are the core's for the 2-D sets (sf.defaults; ncsnCoreDefaults).
  {
    name: 'sigmaMax',
    group: 'ncsn',
    type: 'number',
    label: 'σ₁ (largest)',
    default: 3,
    min: 1e-4,
    max: 100,
    cli: POSITIVE,
    step: 'any',
    scale: 'log',
    help: 'The first and largest noise level, about the diameter of the data.',
  },
  {
    name: 'sigmaMin',
    group: 'ncsn',
    type: 'number',
    label: 'σ_L (smallest)',
    default: 0.01,
    min: 1e-4,
    max: 100,
    cli: POSITIVE,
    step: 'any',
    scale: 'log',
    help: 'The last and smallest noise level; the ladder between is geometric.',
  },
  {
    name: 'levels',
    group: 'ncsn',
    type: 'integer',
    label: 'Levels L',
    default: 10,
    min: 1,
    get max() {
      return limit('levels');
    },
    step: 1,
    help: 'Noise levels of the ladder; training draws one uniformly for every point of a batch.',
  },
  {
    name: 'edEvery',
    group: 'ncsn',
    type: 'integer',
    label: 'Quality every',
    default: 500,
    min: 10,
    max: 1000000,
    step: 1,
    help: 'Training steps between two measurements of sample quality (500 quick annealed samples, ~0.1 s each: every 500 steps adds about a third to training).',
  },
  {
    name: 'particles',
    group: 'anneal',
    type: 'integer',
    label: 'Particles',
    default: 2000,
    min: 2,
    max: 10000,
    step: 1,
    help: 'Chains the annealed sampler runs at once, drawn as they move.',
  },
  {
    name: 'annealSteps',
    group: 'anneal',
    type: 'integer',
    label: 'Steps per level T',
    default: 100,
    min: 0,
    get max() {
      return limit('steps');
    },
    step: 1,
    help: 'Langevin steps at each noise level (NCSN: 100).',
  },
  {
    name: 'annealEps',
    group: 'anneal',
    type: 'number',
    label: 'ε',
    default: 1e-5,
    min: 1e-9,
    max: 10,
    cli: POSITIVE,
    step: 'any',
    scale: 'log',
    help: 'Step size: level i steps with α_i = ε·σ_i²/σ_L².',
  },
  seedRow({
    name: 'annealSeed',
    group: 'anneal',
    label: 'Sampler seed',
    default: 0,
    help: "Seeds the annealed sampler's start and noise; Sample again picks the next one.",
  }),
  // The digits' class-conditional sampler (the page's pretrained digits and the widget's digits panel):
  // which class to draw and how strongly to guide towards it.
  {
    name: 'digitClass',
    group: 'digits',
    type: 'enum',
    label: 'Digit',
    default: 'any',
    options: [
      { value: 'any', label: 'any (each sample a class of its own)' },
      ...Array.from({ length: 10 }, (_, k) => ({ value: String(k), label: String(k) })),
    ],
    help: 'The class to draw: 0 to 9, or any (sample i: class i mod 10).',
  },
  {
    name: 'guidance',
    group: 'digits',
    type: 'number',
    label: 'Guidance w',
    default: 2,
    min: 0,
    get max() {
      return limit('guidance');
    },
    step: 'any',
    help: 'Classifier-free guidance: the sampler follows (1 + w)·s(x, σ, c) − w·s(x, σ, ∅).',
  },
  // The score-SDE section's rows (section 8, run 'sde', so its links read #sde.sde-sampler=pc): which
  // sampler draws the particles and with what, and the ODE likelihood behind the density map.
  {
    name: 'sdeSampler',
    group: 'sde',
    type: 'enum',
    label: 'Sampler',
    default: 'ode-heun',
    options: SDE_SAMPLERS.map(([value, label]) => ({ value, label })),
    help: 'Annealed Langevin (NCSN), the reverse SDE, predictor–corrector, the probability-flow ODE (Euler or Heun) or EDM’s stochastic sampler.',
  },
  {
    name: 'sdeSteps',
    group: 'sde',
    type: 'integer',
    label: 'Sampler steps',
    default: 18,
    min: 1,
    get max() {
      return limit('steps');
    },
    step: 1,
    help: 'Steps of the sampler; its score evaluations (NFE) are shown beside it (Heun: 2 per step, less one).',
  },
  {
    name: 'sdeSnr',
    group: 'sde',
    type: 'number',
    label: 'Corrector SNR',
    default: 0.16,
    min: 0,
    max: 10,
    step: 'any',
    help: "Predictor–corrector: the Langevin corrector's signal-to-noise ratio r (Song et al. 2021: 0.16).",
  },
  {
    name: 'sdeChurn',
    group: 'sde',
    type: 'number',
    label: 'EDM churn',
    default: 0,
    min: 0,
    max: 100,
    step: 'any',
    help: "EDM's stochastic sampler: S_churn, the noise added back per step (0: the deterministic Heun ODE).",
  },
  {
    name: 'sdeParticles',
    group: 'sde',
    type: 'integer',
    label: 'Particles',
    default: 1000,
    min: 2,
    max: 10000,
    step: 1,
    help: 'Samples drawn at once; the first few hundred are drawn with their trajectories.',
  },
  seedRow({
    name: 'sdeSeed',
    group: 'sde',
    label: 'Sampler seed',
    default: 0,
    help: "Seeds the sampler's start and noise; Sample again picks the next one.",
  }),
  {
    name: 'sdeOdeSteps',
    group: 'sde',
    type: 'integer',
    label: 'Likelihood steps',
    default: 8,
    min: 2,
    max: 1000,
    step: 1,
    help: 'Heun steps of the probability-flow ODE that gives log p(x) on the density map and the held-out NLL (8: the 50 × 50 map in about 2 s on two cores; more: closer to the exact ODE).',
  },
]);

// The class a digitClass value names, as the core takes it: 'any' or 0 .. 9.
export function digitClassValue(value) {
  return value === 'any' ? 'any' : Number(value);
}

// The kernels: the core's ISAs (enums.js), 'auto' first.
const SIMD_ROW = {
  name: 'simd',
  aliases: ['isa'],
  type: 'enum',
  label: 'Kernels',
  default: 'auto',
  options: Object.keys(ISAS).map((value) => ({
    value,
    label: { auto: 'SIMD128 when supported', simd128: 'SIMD128' }[value] ?? value,
  })),
  help: 'Which build of the core runs (both give the same numbers).',
};

// Threads (issue 18): 'auto' (the hardware's, at most 8: a batch's most chunks) or a count. More than
// one needs a cross-origin isolated page (scripts/serve.mjs sends the headers); elsewhere one thread,
// with the same numbers, and the engine line says why.
export const THREADS_ROW = {
  name: 'threads',
  type: 'enum',
  label: 'Threads',
  default: '1',
  options: ['auto', '1', '2', '3', '4', '5', '6', '7', '8'].map((value) => ({
    value,
    label: value === 'auto' ? 'every core, up to 8' : value,
  })),
  help: 'How many threads train and sample (any count gives the same numbers; more than one needs a cross-origin isolated page).',
};

/** A threads row's value as createScorefield takes it: 'auto' or a number. */
export function threadsValue(value) {
  return value === 'auto' ? 'auto' : Number(value);
}

// A page option of a few spelled-out values ([[value, label]]), the first the default.
function switchRow(name, label, values) {
  return {
    name,
    type: 'enum',
    label,
    default: values[0][0],
    options: values.map(([value, l]) => ({ value, label: l })),
  };
}

/**
 * Options of the hosted page itself, read from its address (e.g. ?simd=scalar&autoplay=0): same row
 * format, not tied to a run. Types beyond the settings': 'boolean' (an attribute present with no
 * value, or 1/true/yes/on, is true; 0/false/no/off is false) and 'set' (a comma- or space-separated
 * subset of the options, in any order).
 */
export const PAGE_OPTIONS = Object.freeze([
  SIMD_ROW,
  THREADS_ROW,
  // The page's links spell autoplay 1 or 0 and read it back as such (tests/node/settings.test.js); a
  // widget's is a boolean attribute (WIDGET_OPTIONS).
  switchRow('autoplay', 'Autoplay', [
    ['1', 'train the runs in order on load'],
    ['0', 'wait for Play'],
  ]),
  switchRow('test', 'Test hook', [
    ['0', 'off'],
    ['1', 'window.scorefieldTest for the browser tests'],
  ]),
]);

/** The panels a widget can show, in the order it lays them out. */
export const PANELS = Object.freeze(['field', 'chains', 'loss', 'digits', 'samplers', 'density']);

/** The widget's own options: which panels show, controls, autoplay, compact size, theme, kernels. */
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
    help: 'Which figures show: field (the score field over the data), chains (Langevin chains over it), loss, digits; or samplers (a score-SDE sampler with its trajectories) and density (its log p(x)), which train a score-SDE network.',
  },
  {
    name: 'controls',
    type: 'boolean',
    label: 'Controls',
    default: false,
    help: 'Show the training and sampler controls and the export buttons.',
  },
  {
    name: 'fit',
    type: 'boolean',
    label: 'Fit a file to the plot',
    default: false,
    help: 'Centre and scale a points file (Load points… or a drop on the plot) into the plot, keeping its shape; off, points outside the plot are clamped to its edge.',
  },
  {
    name: 'autoplay',
    type: 'boolean',
    label: 'Autoplay',
    default: true,
    help: 'Start training when the widget first scrolls into view.',
  },
  {
    name: 'pretrained',
    type: 'boolean',
    label: 'Pretrained digits',
    default: false,
    help: 'Digits from the pretrained class-conditional model, with buttons 0 to 9 (fetches 0.5 MB).',
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
  SIMD_ROW,
]);

const ALL_ROWS = () => [...SETTINGS, ...PAGE_OPTIONS, ...WIDGET_OPTIONS];
const BY_NAME = new Map(SETTINGS.map((row) => [row.name, row]));

/** The row of a setting name; throws for an unknown one (a programming error, not user input). */
export function settingRow(name) {
  const row = BY_NAME.get(name);
  if (!row) throw new Error(`unknown setting '${name}'`);
  return row;
}

/** Rows of one group ('train', 'langevin', 'ncsn', 'anneal', 'digits', 'sde'), in table order. */
export function rowsOf(group) {
  return SETTINGS.filter((row) => row.group === group);
}

/** A table name as attributes, addresses and command-line flags spell it: chainSteps → chain-steps. */
export function paramName(name) {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** A row of any table here (settings, page options, widget options) by its name or an alias, or null. */
export function findRow(name) {
  return ALL_ROWS().find((row) => row.name === name || (row.aliases ?? []).includes(name)) ?? null;
}

/**
 * Parses and checks one value (a string from a control or the URL, or a number) against its row:
 * { value } or { error } with a sentence a person can act on.
 */
export function parseSetting(row, raw) {
  if (row.type === 'enum') {
    const value = String(raw);
    if (row.options.some((o) => o.value === value)) return { value };
    return { error: `${row.label} must be one of ${row.options.map((o) => o.value).join(', ')}.` };
  }
  const text = typeof raw === 'string' ? raw.trim() : raw;
  const value = typeof text === 'number' ? text : text === '' ? NaN : Number(text);
  if (!Number.isFinite(value)) return { error: `${row.label} must be a number.` };
  if (row.type === 'integer' && !Number.isInteger(value)) return { error: `${row.label} must be a whole number.` };
  if (value < row.min || value > row.max) return { error: `${row.label} must be between ${row.min} and ${row.max}.` };
  return { value };
}
