// settings.js — the page's settings as one table: each row names a setting, its type, default,
// range and label, and everything else follows from it — the controls (controls.js), validation of
// what a user types, the page's URL hash and the embeddable widget's attributes (share.js reads and
// writes those; web/embed/options.js adds the widget's own rows): add a row and all of them gain it.
//
// The training runs of the page (RUNS) share the rows and differ only in some defaults. Range checks
// here only keep obvious mistakes from reaching the worker with a clear message; the C core checks
// every value again (src/scorefield.h). Nothing here touches the DOM.

import { DATASETS, OBJECTIVES } from '../core/enums.js';

// How the controls name the core's datasets and objectives, in the order they are offered. A name the
// core has and this list lacks is offered under its own name; one listed as null is not offered
// (painted points need a drawing tool, and NCSN a noise-conditional network: later features).
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
  vesde: null, // the score-SDE section's objective (a noise-conditional net), not offered for plain nets
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
    max: 65536,
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
    step: 1,
    help: 'Play trains until the run has taken this many steps.',
  },
  {
    name: 'seed',
    group: 'train',
    type: 'integer',
    label: 'Seed',
    default: 42,
    min: 0,
    max: 2 ** 32 - 1,
    step: 1,
    resets: true,
    help: 'Seeds the initial weights and the training batches: same seed, same losses.',
  },
  {
    name: 'width',
    group: 'train',
    type: 'integer',
    label: 'Width',
    default: 128,
    min: 1,
    max: 512,
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
    max: 4,
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
    step: 'any',
    help: 'ε is multiplied by this after every step.',
  },
  {
    name: 'chainSteps',
    group: 'langevin',
    type: 'integer',
    label: 'Steps',
    default: 15,
    min: 0,
    max: 10000,
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
    step: 'any',
    help: 'Scales the noise of each step (0: plain gradient ascent on log p).',
  },
  {
    name: 'chainSeed',
    group: 'langevin',
    type: 'integer',
    label: 'Sampler seed',
    default: 0,
    min: 0,
    max: 2 ** 32 - 1,
    step: 1,
    help: "Seeds the chains' noise; Resample picks the next one.",
  },
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
    max: 64,
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
    min: 1,
    max: 10000,
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
    step: 'any',
    scale: 'log',
    help: 'Step size: level i steps with α_i = ε·σ_i²/σ_L².',
  },
  {
    name: 'annealSeed',
    group: 'anneal',
    type: 'integer',
    label: 'Sampler seed',
    default: 0,
    min: 0,
    max: 2 ** 32 - 1,
    step: 1,
    help: "Seeds the annealed sampler's start and noise; Sample again picks the next one.",
  },
]);

const BY_NAME = new Map(SETTINGS.map((row) => [row.name, row]));

/**
 * The page's training runs, in page order, with the defaults in which they differ from the table:
 * the tutorial's exact and sliced runs on the swiss roll (2000 steps each) and its digits run
 * (sliced, 5000 steps, sampled with ε 0.05, ×0.98, 50 steps, T 0.02).
 */
export const RUNS = Object.freeze({
  exact: { label: 'exact score matching', defaults: { objective: 'exact' } },
  sliced: { label: 'sliced score matching', defaults: { objective: 'sliced' } },
  digits: {
    label: 'digits',
    defaults: {
      dataset: 'digits',
      objective: 'sliced',
      steps: 5000,
      eps: 0.05,
      decay: 0.98,
      chainSteps: 50,
      temperature: 0.02,
    },
  },
  // Section 7, NCSN (web/app/ncsn-*.js): noise-conditional networks trained with the ncsn objective,
  // on a 2-D set (or painted points) and on the digits. The digits need a larger learning rate than
  // the tutorial's to show digit-like samples after 5000 steps (measured: README, NCSN).
  ncsn: {
    label: 'NCSN',
    noiseConditional: true,
    defaults: { dataset: 'eight_gaussians', objective: 'ncsn', steps: 3000 },
  },
  ncsnDigits: {
    label: 'NCSN digits',
    noiseConditional: true,
    defaults: { dataset: 'digits', objective: 'ncsn', steps: 5000, lr: 3e-3, sigmaMax: 1, annealEps: 2e-5 },
  },
});

/**
 * Options of the page itself, read from the query string (e.g. ?simd=scalar&autoplay=0): same row
 * format, not tied to a run.
 */
export const PAGE_OPTIONS = Object.freeze([
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
  },
  {
    name: 'autoplay',
    type: 'enum',
    label: 'Autoplay',
    default: '1',
    options: [
      { value: '1', label: 'train the runs in order on load' },
      { value: '0', label: 'wait for Play' },
    ],
  },
  {
    name: 'test',
    type: 'enum',
    label: 'Test hook',
    default: '0',
    options: [
      { value: '0', label: 'off' },
      { value: '1', label: 'window.scorefieldTest for the browser tests' },
    ],
  },
]);

/** The row of a setting name; throws for an unknown one (a programming error, not user input). */
export function settingRow(name) {
  const row = BY_NAME.get(name);
  if (!row) throw new Error(`unknown setting '${name}'`);
  return row;
}

/** Rows of one group ('train' or 'langevin'), in table order. */
export function rowsOf(group) {
  return SETTINGS.filter((row) => row.group === group);
}

/** Every setting's default for a run (RUNS key), as { name: value }. */
export function runDefaults(run) {
  const overrides = RUNS[run]?.defaults;
  if (!overrides) throw new Error(`unknown run '${run}'`);
  return Object.fromEntries(SETTINGS.map((row) => [row.name, overrides[row.name] ?? row.default]));
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

/**
 * The settings the core's own defaults (sf.defaults, sent with the worker's READY) give a run whose
 * dataset is `dataset`: { name: value } for the rows the core has an opinion on. The table's defaults
 * are the tutorial's and should agree; where they do not, the core wins (main.js applies these to the
 * settings nobody chose explicitly).
 */
export function coreDefaults(defaults, dataset) {
  const train = defaults?.train?.[dataset],
    langevin = defaults?.langevin?.[dataset];
  const out = {};
  if (train) Object.assign(out, { lr: train.lr, batch: train.batch });
  if (defaults?.net) out.seed = defaults.net.seed;
  if (langevin) {
    Object.assign(out, {
      eps: langevin.eps,
      decay: langevin.decay,
      chainSteps: langevin.steps,
      temperature: langevin.temperature,
    });
  }
  // Only values the table accepts: a core default outside a row's range is the table's bug to fix, not
  // something to send on.
  return Object.fromEntries(Object.entries(out).filter(([name, v]) => !('error' in parseSetting(settingRow(name), v))));
}

/** The training part of a run's settings, as the worker's CONFIGURE takes it. */
export function trainingSettings(values) {
  return Object.fromEntries(rowsOf('train').map((row) => [row.name, values[row.name]]));
}

/** The Langevin part of a run's settings, as the worker's CHAINS and SAMPLES take it. */
export function langevinSettings(values) {
  return {
    eps: values.eps,
    decay: values.decay,
    steps: values.chainSteps,
    temperature: values.temperature,
    seed: values.chainSeed,
  };
}

// ---- the NCSN section (section 7) -------------------------------------------------------------------

/**
 * The datasets an NCSN run on 2-D data offers: every 2-D set of the dataset row, then the user's
 * drawing ('points'), which the shared row leaves out (only the NCSN section has a drawing tool).
 */
export const NCSN_DATASET_OPTIONS = Object.freeze([
  ...settingRow('dataset').options.filter((o) => o.value !== 'digits'),
  { value: 'points', label: 'your drawing (paint it on the data plot)' },
]);

/** The training settings of an NCSN run, as its CONFIGURE takes them: the train rows and the ladder. */
export function ncsnTrainingSettings(values) {
  return {
    ...trainingSettings(values),
    objective: 'ncsn',
    ...Object.fromEntries(rowsOf('ncsn').map((row) => [row.name, values[row.name]])),
  };
}

/** The annealed sampler's settings of an NCSN run: { n, steps, eps, seed }. */
export function annealSettings(values) {
  return { n: values.particles, steps: values.annealSteps, eps: values.annealEps, seed: values.annealSeed };
}

/**
 * What the core's defaults (sf.defaults) say about an NCSN run on `dataset`: the ladder
 * (sigmaMax, sigmaMin, levels) and the sampler's T and ε, for the rows the table accepts.
 */
export function ncsnCoreDefaults(defaults, dataset) {
  const train = defaults?.train?.[dataset],
    anneal = defaults?.anneal?.[dataset];
  const out = {};
  if (train) Object.assign(out, { sigmaMax: train.sigmaMax, sigmaMin: train.sigmaMin, levels: train.levels });
  if (anneal) Object.assign(out, { annealSteps: anneal.steps, annealEps: anneal.eps });
  return Object.fromEntries(Object.entries(out).filter(([name, v]) => !('error' in parseSetting(settingRow(name), v))));
}
