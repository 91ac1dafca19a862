#!/usr/bin/env node
// scorefield.mjs — Scorefield's command-line tool: trains a score model on the tutorial's workloads
// (swiss roll, digits) or the other generated sets, with any setting, saves its losses and weights,
// runs Langevin chains on it (annealed Langevin for a noise-conditional 'ncsn' model), and draws what
// it learned (an SVG of data, score field and chains for 2-D sets; a PNG grid of frames for the
// digits). `sample` does the last two from a saved weights file.
//
// It computes nothing itself: training, sampling and the weights file are the library's, through the
// Node API (web/core/scorefield.js); figures are web/render/svg.js and tools/digit-grid.js + png.js.
// What it adds: one table of options (OPTIONS) that drives parsing, validation and the help text;
// a progress display; file formats (CSV/JSON) for losses and samples; and exit codes — 0 on success,
// 2 for a usage error (the message and a short usage on stderr), 1 for a failure at run time (an
// unreadable or corrupted weights file, training that stopped on a non-finite step, a file that
// cannot be written), printed as one line `scorefield: …` without a stack trace.
//
// Output streams: results (what was trained, which files were written) go to stdout; progress goes
// to stderr — a redrawn bar when stderr is a terminal, ten plain lines when it is not — so that
// `… > log` or a pipe captures the results without carriage returns, and the bar still shows on the
// terminal while stdout is redirected (the convention of curl, wget and pip).
//
//   node tools/scorefield.mjs train --dataset swiss_roll --objective exact --out-dir runs/swiss
//   node tools/scorefield.mjs sample --weights runs/swiss/weights.sfw --chains 500 --svg samples.svg

import { readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

import { createScorefield } from '../web/core/scorefield.js';
import { checkPointsFileSize } from '../web/core/points-file.js';
import { DATASETS, OBJECTIVES, SAMPLER_NAMES } from '../web/core/enums.js';
import { integerProblem } from '../web/core/validate.js';
import { findRow, limit, paramName, threadsValue } from '../web/core/settings.js';
import { gridPoints, log1pArrows } from '../web/render/geometry.js';
import { figureSvg } from '../web/render/svg.js';
import { COLORMAPS, digitGrid } from './digit-grid.js';
import { OutputError, checkOutputs, makeDirs, writeAtomic } from './outputs.js';
import { encodePng } from './png.js';

const PROG = 'node tools/scorefield.mjs';
const EXIT_RUNTIME = 1; // the run failed: a file, the weights or the numbers
const EXIT_USAGE = 2; // the command line is wrong: nothing was run

// The tutorial's training loops; the other 2-D sets take the swiss roll's.
const TUTORIAL_STEPS = { swiss_roll: 2000, digits: 5000 };
const DIGITS_DIM = 64; // D of the digits; every other dataset is 2-D (web/core/enums.js)
// 'points' trains on points painted on the page, which a command line has no way to give yet.
const CLI_DATASETS = Object.keys(DATASETS).filter((d) => d !== 'points');
// The figure's region: the tutorial's for the swiss roll, a square around the other 2-D sets.
const TUTORIAL_BOX = [-1.5, 2, -1.5, 2];
const TOY_BOX = [-2, 2, -2, 2];
const TUTORIAL_STARTS = [
  [-1.5, -1.5],
  [0, 0],
  [1.5, 0],
]; // the tutorial's three 2-D chains
// The tutorial runs one digit chain; eight rows make the grid show how different starts end up.
const DIGITS_CHAINS = 8;
const DIGITS_START_HI = 0.1; // digit chains start at 0.1·U(0, 1)⁶⁴, as the tutorial's
// Annealed Langevin is drawn as its samples rather than paths (its first levels jump across the
// plane), so a 2-D ncsn model gets enough chains for the samples to show the distribution.
const ANNEALED_CHAINS = 500;
const QUIVER_N = 50; // grid points per side of the quiver, as the tutorial's linspace(…, 50)
const MAX_PATH_CHAINS = 16; // more chains than this are drawn as their last points: paths would be clutter
const DATA_PICTURE_SEED = 0; // the data drawn under the quiver: fixed, so figures compare across runs
const LOSS_WINDOW = 32; // steps in the shown loss: the tutorial's title is the mean of the last 32
const PLAIN_REPORTS = 10; // progress lines a run prints when stderr is not a terminal
const CHUNK_MS = 100; // ms of training between redraws of the bar: smooth, and the call overhead is nil
const MAX_CHUNK_GROWTH = 4; // a chunk grows at most this much over the previous one (timings are noisy)
const MAX_KEPT_FLOATS = 2 ** 26; // (sampler steps + 1)·chains·D floats kept for the files: 256 MB
const MAX_CHAINS = 100000;
const MAX_DATA_POINTS = 100000; // dots in an SVG: beyond this the file is megabytes of overlap
const DEFAULT_FILES = {
  losses: 'losses.csv',
  weights: 'weights.sfw',
  samples: 'samples.csv',
  svg: 'figure.svg',
  png: 'frames.png',
};

// Integer options are bounded by the library's own limits (sf.limits, SF_MAX_* of src/scorefield.h,
// read from the loaded module: an option's `limit` names one), checked by web/core/validate.js, so
// that the command line fails as a usage error before anything runs; the library checks again.

const REPORT_CHAINS = 500; // digits-report's unconditional samples (and as many again over the classes)
const COMMANDS = {
  train: 'train a score model, then sample from it and draw it',
  sample: 'run Langevin chains on a saved model and draw them',
  likelihood: 'the negative log-likelihood of held-out data (or a points file) under a vesde/ncsn model, ± SE',
  'digits-report': 'measure digit samples: confident share, class shares, conditional accuracy, energy distance',
  help: 'show this help',
};
const T = ['train'],
  TS = ['train', 'sample'],
  L = ['likelihood'];
const LIKELIHOOD_COUNT = 2000; // held-out points drawn from --dataset (the digits: their 359 held-out images)
const lib =
  (part, key) =>
  ({ defaults, dataset }) =>
    part === 'net' ? defaults.net[key] : defaults[part][dataset][key];
const dimOf = (dataset) => (dataset === 'digits' ? DIGITS_DIM : 2);
const CLI_TYPES = { integer: 'int', number: 'number', enum: 'choice' };

/**
 * An option that is a row of the settings table (web/core/settings.js): its flag is the row's name in
 * kebab-case, its older names (the row's aliases) stay valid flags, and its type and range are the
 * row's — the library's limits where the core bounds it, and the row's `cli` range where a command
 * line takes a wider one than a page's control. `cli` adds what only a command line has (group,
 * commands, default, help).
 */
function fromTable(name, cli) {
  const row = findRow(name);
  return {
    name: paramName(row.name),
    aliases: (row.aliases ?? []).map(paramName),
    type: CLI_TYPES[row.type],
    ...(row.type === 'enum'
      ? { choices: row.options.map((o) => o.value) }
      : { min: row.min, max: row.max, ...row.cli }),
    ...cli,
  };
}

/**
 * Every option, once: its name (the API's setting in kebab-case), type, the commands it applies to,
 * its default (a value, or a function of { dataset, defaults } where `defaults` is sf.defaults), its
 * range, its help line and the help section it is listed in. Parsing, validation and usage read it.
 */
export const OPTIONS = [
  fromTable('dataset', {
    group: 'Training',
    choices: CLI_DATASETS,
    commands: T,
    default: 'swiss_roll',
    help: "the data: the tutorial's 2-D swiss roll or 8×8 digits (D = 64), or another 2-D set",
  }),
  // Every objective of the core: a command line trains noise-conditional networks too.
  fromTable('objective', {
    group: 'Training',
    choices: Object.keys(OBJECTIVES),
    commands: T,
    default: lib('train', 'objective'),
    help: 'exact, sliced, variance-reduced sliced, denoising, or noise-conditional (NCSN) score matching',
  }),
  fromTable('steps', {
    group: 'Training',
    commands: T,
    default: ({ dataset }) => TUTORIAL_STEPS[dataset] ?? TUTORIAL_STEPS.swiss_roll,
    help: "training steps (the tutorial's loops)",
  }),
  fromTable('batch', {
    group: 'Training',
    commands: T,
    default: lib('train', 'batch'),
    help: 'points per step',
  }),
  fromTable('lr', {
    group: 'Training',
    commands: T,
    default: lib('train', 'lr'),
    help: "Adam's learning rate",
  }),
  {
    group: 'Training',
    name: 'projections',
    type: 'int',
    min: 1,
    max: limit('proj'),
    commands: T,
    default: lib('train', 'projections'),
    help: 'random projections per point (sliced objectives)',
  },
  {
    group: 'Training',
    name: 'sigma',
    type: 'number',
    min: 0,
    minExclusive: true,
    commands: T,
    default: lib('train', 'sigma'),
    help: 'σ of the noise added by denoising score matching (dsm)',
  },
  {
    group: 'Training',
    name: 'data-noise',
    key: 'dataNoise',
    type: 'number',
    min: 0,
    commands: T,
    default: lib('train', 'dataNoise'),
    help: 'noise of the data generator (swiss roll before /10; digits on X/16)',
  },
  fromTable('sigmaMax', {
    group: 'Training',
    key: 'sigmaMax',
    commands: T,
    default: lib('train', 'sigmaMax'),
    help: 'ncsn: the largest noise level σ₁ of the ladder',
  }),
  fromTable('sigmaMin', {
    group: 'Training',
    key: 'sigmaMin',
    commands: T,
    default: lib('train', 'sigmaMin'),
    help: 'ncsn: the smallest noise level σ_L',
  }),
  fromTable('levels', {
    group: 'Training',
    commands: T,
    default: lib('train', 'levels'),
    help: 'ncsn: noise levels L, geometric from σ₁ down to σ_L',
  }),
  {
    group: 'Training',
    name: 'data',
    type: 'path',
    metavar: 'FILE',
    commands: T,
    help: 'train on your own 2-D points: CSV/TSV (header optional) or a JSON array of [x, y] (not with --dataset)',
  },
  {
    group: 'Training',
    name: 'fit',
    type: 'bool',
    commands: T,
    help: "with --data: centre and scale the points into --box (the figure's), keeping their shape",
  },
  {
    group: 'Training',
    name: 'resume',
    type: 'path',
    metavar: 'FILE',
    commands: T,
    help: 'continue training a saved model (its settings unless given; not --dataset, --width, --depth, --seed)',
  },
  fromTable('width', {
    group: 'Model',
    commands: T,
    default: lib('net', 'hidden'),
    help: 'hidden width H of the MLP D → H → … → H → D',
  }),
  fromTable('depth', {
    group: 'Model',
    commands: T,
    default: lib('net', 'depth'),
    help: 'hidden layers',
  }),
  // Seeds: the library's whole range (a page's links keep to 32 bits).
  fromTable('seed', {
    group: 'Model',
    commands: T,
    default: lib('net', 'seed'),
    help: 'seeds the initial weights and the training batches',
  }),
  fromTable('simd', {
    group: 'Model',
    commands: TS,
    default: 'auto',
    help: 'kernels: SIMD128 when available, or force one (same numbers either way)',
  }),
  fromTable('threads', {
    group: 'Model',
    commands: TS,
    default: '1',
    help: "threads that train and sample: 'auto' (every core, up to 8) or 1..8 (same numbers either way)",
  }),
  {
    group: 'Sampling',
    name: 'chains',
    type: 'int',
    min: 1,
    max: MAX_CHAINS,
    commands: TS,
    default: ({ dataset, annealed }) =>
      dataset === 'digits' ? DIGITS_CHAINS : annealed ? ANNEALED_CHAINS : TUTORIAL_STARTS.length,
    help: `chains; 2-D starts are uniform over --box unless --start, digits start at 0.1·U(0,1)^64; 2-D ncsn models ${ANNEALED_CHAINS}`,
  },
  {
    group: 'Sampling',
    name: 'start',
    type: 'points',
    metavar: 'X,Y;…',
    commands: TS,
    help: "2-D start points (default: the tutorial's -1.5,-1.5;0,0;1.5,0)",
  },
  fromTable('eps', {
    group: 'Sampling',
    commands: TS,
    default: lib('langevin', 'eps'),
    help: 'Langevin step ε at the first step',
  }),
  fromTable('decay', {
    group: 'Sampling',
    commands: TS,
    default: lib('langevin', 'decay'),
    help: 'ε ← ε·decay after each step',
  }),
  fromTable('temperature', {
    group: 'Sampling',
    commands: TS,
    default: lib('langevin', 'temperature'),
    help: 'T, the scale of the noise √ε·T·z',
  }),
  fromTable('chainSteps', {
    group: 'Sampling',
    key: 'steps',
    commands: TS,
    default: lib('langevin', 'steps'),
    help: 'Langevin steps (every frame is kept)',
  }),
  fromTable('chainSeed', {
    group: 'Sampling',
    key: 'seed',
    commands: TS,
    default: lib('langevin', 'seed'),
    help: "seeds the sampler's noise and the random start points",
  }),
  fromTable('annealSteps', {
    group: 'Annealed sampling (ncsn models)',
    key: 'steps',
    commands: TS,
    default: lib('anneal', 'steps'),
    help: 'annealed Langevin steps per noise level (the end of each level is kept)',
  }),
  fromTable('annealEps', {
    group: 'Annealed sampling (ncsn models)',
    key: 'eps',
    commands: TS,
    default: lib('anneal', 'eps'),
    help: 'ε: the step at level i is ε·σ_i²/σ_L²',
  }),
  {
    group: 'Score-SDE sampling (ncsn and vesde models)',
    name: 'sampler',
    type: 'choice',
    choices: Object.keys(SAMPLER_NAMES),
    commands: TS,
    default: ({ objective }) => (objective === 'vesde' ? 'ode-heun' : 'annealed'),
    defaultText: 'annealed for ncsn, ode-heun for vesde',
    help:
      'annealed Langevin, reverse SDE, predictor–corrector, probability-flow ODE (Euler, Heun) or EDM; ' +
      '--sampler-steps sets the steps of the σ grid (annealed: per level)',
  },
  {
    group: 'Score-SDE sampling (ncsn and vesde models)',
    name: 'snr',
    type: 'number',
    min: 0,
    minExclusive: true,
    commands: TS,
    default: lib('sde', 'snr'),
    help: "pc: the corrector's signal-to-noise ratio",
  },
  {
    group: 'Score-SDE sampling (ncsn and vesde models)',
    name: 'churn',
    type: 'number',
    min: 0,
    commands: TS,
    default: lib('sde', 'churn'),
    help: 'edm: S_churn, the noise added back per step (γ = min(churn/steps, √2 − 1))',
  },
  {
    group: 'Likelihood',
    name: 'points',
    type: 'path',
    metavar: 'FILE',
    commands: L,
    help: 'the 2-D points to measure: CSV/TSV (header optional) or a JSON array of [x, y] (not with --dataset)',
  },
  {
    group: 'Likelihood',
    name: 'count',
    type: 'int',
    min: 1,
    max: MAX_CHAINS,
    commands: L,
    default: LIKELIHOOD_COUNT,
    defaultText: `${LIKELIHOOD_COUNT}; digits the 359 held-out images`,
    help: "held-out points drawn from --dataset (fresh draws with the model's data noise)",
  },
  {
    group: 'Likelihood',
    name: 'ode-steps',
    type: 'int',
    min: 1,
    limit: 'steps',
    commands: L,
    default: lib('likelihood', 'steps'),
    help: 'Heun steps of the probability-flow ODE (2 score evaluations each)',
  },
  {
    group: 'Likelihood',
    name: 'probes',
    type: 'int',
    min: 0,
    limit: 'proj',
    commands: L,
    default: lib('likelihood', 'probes'),
    help: "0: the exact divergence; else Hutchinson's estimate with this many probes per point",
  },
  {
    group: 'Likelihood',
    name: 'likelihood-seed',
    type: 'int',
    min: 0,
    limit: 'seed',
    commands: L,
    default: 0,
    help: "seeds the held-out points' draw and the probes",
  },
  {
    group: 'Files',
    name: 'weights',
    type: 'path',
    metavar: 'FILE',
    commands: TS,
    help: 'train: write the weights file; sample: the weights file to read (required)',
  },
  {
    group: 'Files',
    name: 'losses',
    type: 'path',
    metavar: 'FILE',
    ext: ['.csv', '.json'],
    commands: T,
    help: 'write the loss of every step (.csv or .json)',
  },
  {
    group: 'Files',
    name: 'samples',
    type: 'path',
    metavar: 'FILE',
    ext: ['.csv', '.json'],
    commands: TS,
    help: 'write every frame of the chains (.csv or .json)',
  },
  {
    group: 'Files',
    name: 'svg',
    type: 'path',
    metavar: 'FILE',
    ext: ['.svg'],
    commands: TS,
    help: '2-D: write the figure of data, score field and chains',
  },
  {
    group: 'Files',
    name: 'png',
    type: 'path',
    metavar: 'FILE',
    ext: ['.png'],
    commands: TS,
    help: 'digits: write the frames of every chain as a grid',
  },
  {
    group: 'Files',
    name: 'gif',
    type: 'path',
    metavar: 'FILE',
    ext: ['.gif'],
    commands: TS,
    help: 'write the sampling as a looping GIF (2-D: the chains over the data; digits: the chains denoising)',
  },
  {
    group: 'Files',
    name: 'out-dir',
    type: 'path',
    metavar: 'DIR',
    commands: TS,
    help: `write every output not named otherwise into DIR (${Object.values(DEFAULT_FILES).join(', ')})`,
  },
  {
    group: 'Figures',
    name: 'box',
    type: 'box',
    metavar: 'X0,X1,Y0,Y1',
    commands: TS,
    default: ({ dataset }) => (dataset === 'swiss_roll' ? TUTORIAL_BOX : TOY_BOX),
    help: 'the region of the 2-D figure and of its 50×50 quiver',
  },
  {
    group: 'Figures',
    name: 'data-points',
    type: 'int',
    min: 0,
    max: MAX_DATA_POINTS,
    commands: TS,
    default: 2000,
    help: 'data points drawn under the 2-D figure',
  },
  {
    group: 'Figures',
    name: 'cmap',
    type: 'choice',
    choices: Object.keys(COLORMAPS),
    commands: TS,
    default: 'viridis',
    help: "colour map of the digit frames (the tutorial's imshow uses gray)",
  },
  {
    group: 'Classes',
    name: 'conditional',
    type: 'bool',
    commands: T,
    help: "train a class-conditional ncsn net on the dataset's labels (20 % dropped, for guidance)",
  },
  {
    group: 'Classes',
    name: 'class',
    type: 'class',
    metavar: 'K|any|prior',
    limit: 'classes', // classes 0 .. SF_MAX_CLASSES − 1
    commands: TS,
    default: 'any',
    help: 'the class a class-conditional model samples, any (the null token) or prior (chain i of class i mod K)',
  },
  {
    group: 'Classes',
    name: 'guidance',
    type: 'number',
    min: 0,
    max: limit('guidance'),
    commands: TS,
    default: 0,
    help: 'classifier-free guidance w: (1 + w)·s(x, σ, c) − w·s(x, σ, ∅)',
  },
  { group: 'Other', name: 'quiet', type: 'bool', commands: TS, help: 'no progress display' },
  { group: 'Other', name: 'help', type: 'bool', commands: TS, help: 'show this help' },
];
// digits-report trains like train (or loads --weights) and samples like sample, but writes no files
// and draws nothing: it takes these options.
const REPORT_OPTIONS = [
  ...['steps', 'lr', 'batch', 'width', 'depth', 'seed', 'sigma-max', 'sigma-min', 'levels', 'conditional'],
  ...['simd', 'threads', 'chains', 'anneal-steps', 'anneal-eps', 'chain-seed', 'guidance', 'weights', 'quiet', 'help'],
];
for (const o of OPTIONS) if (REPORT_OPTIONS.includes(o.name)) o.commands = [...o.commands, 'digits-report'];
// likelihood loads --weights and measures --dataset's held-out points or a --points file.
const LIKELIHOOD_OPTIONS = ['dataset', 'weights', 'simd', 'threads', 'quiet', 'help'];
for (const o of OPTIONS) if (LIKELIHOOD_OPTIONS.includes(o.name)) o.commands = [...o.commands, 'likelihood'];
const BY_NAME = new Map(OPTIONS.map((o) => [o.name, o]));
// Every flag, the older names included: name → option.
const BY_FLAG = new Map(OPTIONS.flatMap((o) => [o.name, ...(o.aliases ?? [])].map((flag) => [flag, o])));
// parseArgs's values keep, under this key, the flag each option was given as (for messages).
const FLAGS = Symbol('flags');

/** The flag an option was given as (an older name, if that is what was typed), without the dashes. */
function flagOf(values, name) {
  return values[FLAGS]?.[name] ?? name;
}
const METAVARS = { int: 'N', number: 'X', choice: 'NAME', path: 'FILE' };

/** A problem with the command line: reported with the usage, exit code 2. */
// A usage message quotes what was typed; an argument of any length must not become a message of that
// length, so a message is cut at MAX_MESSAGE characters.
const MAX_MESSAGE = 400;
class UsageError extends Error {
  constructor(message) {
    super(message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE)}…` : message);
  }
}

// ---- Parsing ------------------------------------------------------------------------------------

const NUMBER_RE = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i; // no hex, no blanks, no "" (Number() takes all three)

// A number of the command line: decimal, and finite once read (1e999 overflows to Infinity).
function numberOf(opt, text, what) {
  if (!NUMBER_RE.test(text.trim())) throw new UsageError(`--${opt.name} needs ${what}, got '${text}'`);
  const v = Number(text);
  if (!Number.isFinite(v))
    throw new UsageError(`--${opt.name}: ${text.trim()} is too large (it overflows to Infinity)`);
  return v;
}

function parseNumber(opt, text) {
  return numberOf(opt, text, 'a number');
}

function checkRange(opt, v) {
  const lo = opt.min ?? -Infinity,
    hi = opt.max ?? Infinity;
  const below = opt.minExclusive ? v <= lo : v < lo;
  if (!below && v <= hi) return v;
  const range = hi === Infinity ? `${opt.minExclusive ? '>' : '>='} ${lo}` : `in ${lo}..${hi}`;
  throw new UsageError(`--${opt.name} must be ${range}, got ${v}`);
}

function numberList(opt, text, what) {
  return text.split(',').map((s) => {
    if (!NUMBER_RE.test(s.trim())) throw new UsageError(`--${opt.name} needs ${what}, got '${text}'`);
    return numberOf(opt, s, what);
  });
}

/** The library's limit that bounds opt (its `limit` names one of sf.limits). */
function loadedLimit(opt, limits) {
  const max = limits?.[opt.limit];
  if (max === undefined) throw new Error(`the library's limit '${opt.limit}' is not loaded`);
  return max;
}

/** The value of one option from its text, by the option's type (limits: sf.limits); throws UsageError. */
function parseValue(opt, text, limits) {
  switch (opt.type) {
    case 'choice':
      if (!opt.choices.includes(text))
        throw new UsageError(`--${opt.name} must be one of ${opt.choices.join(', ')}; got '${text}'`);
      return text;
    case 'int': {
      const v = parseNumber(opt, text);
      const max = opt.limit === undefined ? opt.max : loadedLimit(opt, limits);
      const problem = integerProblem(v, opt.min, max);
      if (problem) throw new UsageError(`--${opt.name} must be ${problem}, got ${text.length > 40 ? v : text}`);
      return v;
    }
    case 'number':
      return checkRange(opt, parseNumber(opt, text));
    case 'class': {
      if (text === 'any' || text === 'prior') return text;
      const v = parseNumber(opt, text);
      const classes = loadedLimit(opt, limits);
      if (!Number.isInteger(v) || v < 0 || v >= classes)
        throw new UsageError(`--${opt.name} must be any, prior or a class 0..${classes - 1}, got '${text}'`);
      return v;
    }
    case 'path':
      if (text === '') throw new UsageError(`--${opt.name} needs a file name`);
      if (opt.ext && !opt.ext.includes(extname(text).toLowerCase())) {
        throw new UsageError(
          `--${opt.name}: the format is chosen by extension, one of ${opt.ext.join(', ')}; got '${text}'`,
        );
      }
      return text;
    case 'points': {
      const pts = text
        .split(/[;\s]+/)
        .filter(Boolean)
        .map((p) => numberList(opt, p, 'points as x,y;x,y;…'));
      if (pts.length === 0 || pts.some((p) => p.length !== 2)) {
        throw new UsageError(`--${opt.name} needs points as x,y;x,y;…, got '${text}'`);
      }
      return pts;
    }
    case 'box': {
      const b = numberList(opt, text, 'four numbers xmin,xmax,ymin,ymax');
      if (b.length !== 4) throw new UsageError(`--${opt.name} needs four numbers xmin,xmax,ymin,ymax, got '${text}'`);
      if (!(b[0] < b[1] && b[2] < b[3]))
        throw new UsageError(`--${opt.name} needs xmin < xmax and ymin < ymax, got '${text}'`);
      return b;
    }
    default:
      throw new Error(`option table: unknown type ${opt.type}`);
  }
}

// The option nearest to a mistyped name (edit distance ≤ 2), for "did you mean".
function nearest(name) {
  const dist = (a, b) => {
    let row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      const next = [i];
      for (let j = 1; j <= b.length; j++)
        next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] !== b[j - 1] ? 1 : 0));
      row = next;
    }
    return row[b.length];
  };
  let best = null,
    bestD = 3;
  for (const flag of BY_FLAG.keys()) {
    const d = dist(name, flag);
    if (d < bestD) [best, bestD] = [flag, d];
  }
  return best;
}

/**
 * The command line (process.argv.slice(2)) as { command, values } with values by option name (only
 * those given), or { command: 'help', topic }. limits: sf.limits, the bounds of integer options.
 * Throws UsageError.
 */
export function parseArgs(argv, limits) {
  const [command, ...rest] = argv;
  if (command === undefined) throw new UsageError('no command given');
  if (command === 'help' || command === '--help' || command === '-h') {
    if (rest.length > 1 || (rest[0] !== undefined && !Object.hasOwn(COMMANDS, rest[0]))) {
      throw new UsageError(`help takes one of ${Object.keys(COMMANDS).join(', ')}`);
    }
    return { command: 'help', topic: rest[0] };
  }
  if (!Object.hasOwn(COMMANDS, command)) throw new UsageError(`unknown command '${command}'`);
  const values = {};
  Object.defineProperty(values, FLAGS, { value: {} });
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '-h') return { command: 'help', topic: command };
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument '${arg}' (options start with --)`);
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const table = BY_FLAG.get(name);
    if (!table) {
      const guess = nearest(name);
      throw new UsageError(`unknown option --${name}${guess ? ` (did you mean --${guess}?)` : ''}`);
    }
    const opt = name === table.name ? table : { ...table, name }; // messages name the flag as typed
    if (!opt.commands.includes(command)) throw new UsageError(`--${name} does not apply to '${command}'`);
    if (Object.hasOwn(values, table.name)) throw new UsageError(`--${name} is given twice`);
    values[FLAGS][table.name] = name;
    if (opt.type === 'bool') {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      values[table.name] = true;
      continue;
    }
    let text;
    if (eq >= 0) {
      text = arg.slice(eq + 1);
    } else {
      text = rest[++i];
      // A value may start with '-' (a negative number) but not with '--': that is the next option.
      if (text === undefined || text.startsWith('--'))
        throw new UsageError(`--${name} needs a value (${metavar(opt)})`);
    }
    values[table.name] = parseValue(opt, text, limits);
  }
  if (values.help) return { command: 'help', topic: command };
  return { command, values };
}

// ---- Help ---------------------------------------------------------------------------------------

function metavar(opt) {
  return opt.metavar ?? (opt.type === 'choice' ? opt.choices.join('|') : (METAVARS[opt.type] ?? ''));
}

function shown(v) {
  return Array.isArray(v) ? v.join(',') : String(v);
}

// An option's default as help shows it: one value, or the most common value over the datasets
// followed by the datasets that differ ("0.1; digits 0.2").
function defaultText(opt, defaults) {
  if (opt.defaultText) return opt.defaultText;
  if (opt.default === undefined) return '';
  if (typeof opt.default !== 'function') return shown(opt.default);
  if (!defaults) return "the library's default";
  const per = CLI_DATASETS.map((dataset) => [dataset, shown(opt.default({ dataset, defaults }))]);
  const tally = new Map();
  for (const [, v] of per) tally.set(v, (tally.get(v) ?? 0) + 1);
  const common = [...tally].reduce((a, b) => (b[1] > a[1] ? b : a))[0];
  const others = per.filter(([, v]) => v !== common).map(([d, v]) => `${d} ${v}`);
  return others.length ? `${common}; ${others.join(', ')}` : common;
}

const HELP_COLUMNS = 100; // characters per help line

// text in lines of at most `columns` characters, broken at spaces.
function wrap(text, columns) {
  const lines = [''];
  for (const word of text.split(' ')) {
    const last = lines[lines.length - 1];
    if (last && last.length + 1 + word.length > columns) lines.push(word);
    else lines[lines.length - 1] = last ? `${last} ${word}` : word;
  }
  return lines;
}

const SYNOPSIS = [
  `usage: ${PROG} train [options]`,
  `       ${PROG} sample --weights FILE [options]`,
  `       ${PROG} likelihood --weights FILE [--dataset NAME | --points FILE]`,
  `       ${PROG} help [train|sample|likelihood]`,
].join('\n');

/** The help text: the synopsis, then each section's options (those of `topic` when given). */
export function helpText(topic, defaults) {
  const lines = [SYNOPSIS, '', 'Commands:'];
  const nameWidth = Math.max(...Object.keys(COMMANDS).map((name) => name.length)) + 2;
  for (const [name, text] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(nameWidth)}${text}`);
  lines.push('');
  const opts = OPTIONS.filter((o) => !topic || topic === 'help' || o.commands.includes(topic));
  const left = (o) => `  --${o.name}${o.type === 'bool' ? '' : ` ${metavar(o)}`}`;
  const width = Math.min(34, Math.max(...opts.map((o) => left(o).length)) + 2);
  for (const group of [...new Set(opts.map((o) => o.group))]) {
    lines.push(`${group}:`);
    for (const o of opts.filter((x) => x.group === group)) {
      const d = defaultText(o, defaults);
      const only = !topic && o.commands.length === 1 ? ` [${o.commands[0]} only]` : '';
      const also = o.aliases?.length ? ` (also ${o.aliases.map((a) => `--${a}`).join(', ')})` : '';
      const text = `${o.help}${d ? ` (default ${d})` : ''}${also}${only}`;
      const l = left(o);
      const wrapped = wrap(text, HELP_COLUMNS - width);
      if (l.length >= width) lines.push(l);
      wrapped.forEach((w, k) => lines.push((k === 0 && l.length < width ? l.padEnd(width) : ''.padEnd(width)) + w));
    }
    lines.push('');
  }
  lines.push('Progress goes to stderr (a bar on a terminal, plain lines otherwise); results to stdout.');
  lines.push('Exit codes: 0 done, 1 failed while running, 2 bad command line.');
  lines.push('');
  lines.push('Examples:');
  lines.push(`  ${PROG} train --objective exact --out-dir runs/swiss`);
  lines.push(`  ${PROG} train --dataset digits --steps 5000 --weights digits.sfw --png digits.png`);
  lines.push(`  ${PROG} sample --weights runs/swiss/weights.sfw --chains 500 --svg samples.svg`);
  return lines.join('\n');
}

// ---- Settings -----------------------------------------------------------------------------------

// The value of an option: given, else its default for the dataset.
function setting(values, name, ctx) {
  if (Object.hasOwn(values, name)) return values[name];
  const d = BY_NAME.get(name).default;
  return typeof d === 'function' ? d(ctx) : d;
}

// The output files: explicit names, else the --out-dir default names of those that apply.
function outputs(values, command, dataset) {
  const out = {};
  const wanted = command === 'train' ? ['losses', 'weights', 'samples'] : ['samples'];
  wanted.push(dataset === 'digits' ? 'png' : 'svg');
  for (const key of ['losses', 'weights', 'samples', 'svg', 'png', 'gif']) {
    if (command === 'sample' && key === 'weights') continue; // sample's --weights is its input
    if (Object.hasOwn(values, key)) out[key] = values[key];
    else if (values['out-dir'] !== undefined && wanted.includes(key))
      out[key] = join(values['out-dir'], DEFAULT_FILES[key]);
  }
  if (out.svg && dataset === 'digits') throw new UsageError('--svg draws 2-D datasets; the digits get --png');
  if (out.png && dataset !== 'digits') throw new UsageError(`--png draws the digits; ${dataset} gets --svg`);
  return out;
}

const PLAIN_SAMPLER = ['eps', 'decay', 'temperature', 'chain-steps'];
const ANNEALED_SAMPLER = ['anneal-steps', 'anneal-eps'];
const SDE_SAMPLER = ['sampler', 'snr', 'churn'];

// The sampler of a noise-conditional model and its options, checked together: a plain-Langevin option,
// an annealed one with another sampler, --snr without pc or --churn without edm is a usage error.
// --sampler-steps (the older name of --chain-steps) sets the σ grid's steps, or annealed Langevin's steps
// per level; --chain-steps itself stays plain Langevin's.
function sdeSettings(values, ctx) {
  const sampler = setting(values, 'sampler', ctx);
  const annealed = sampler === 'annealed';
  const has = (name) => Object.hasOwn(values, name);
  const typed = has('chain-steps') ? flagOf(values, 'chain-steps') : null;
  const plain = PLAIN_SAMPLER.find((name) => has(name) && !(name === 'chain-steps' && typed === 'sampler-steps'));
  if (plain)
    throw new UsageError(
      annealed
        ? `--${flagOf(values, plain)} sets plain Langevin; an ncsn model samples with annealed Langevin (--anneal-steps, --anneal-eps)`
        : `--${flagOf(values, plain)} sets plain Langevin; this model samples with --sampler ${sampler} (--sampler-steps)`,
    );
  if (!annealed) {
    const wrong = ANNEALED_SAMPLER.find(has);
    if (wrong) throw new UsageError(`--${wrong} sets annealed Langevin; --sampler is ${sampler}`);
  } else if (typed && has('anneal-steps'))
    throw new UsageError("--sampler-steps and --anneal-steps both set annealed Langevin's steps per level: give one");
  if (has('snr') && sampler !== 'pc')
    throw new UsageError(`--snr sets the pc sampler's corrector; --sampler is ${sampler}`);
  if (has('churn') && sampler !== 'edm') throw new UsageError(`--churn sets the edm sampler; --sampler is ${sampler}`);
  const steps = typed
    ? values['chain-steps']
    : annealed
      ? setting(values, 'anneal-steps', ctx)
      : ctx.defaults.sde[ctx.dataset].steps;
  if (!annealed && steps < 1)
    throw new UsageError(`--${typed} must be at least 1 for --sampler ${sampler}, got ${steps}`);
  return {
    sampler,
    steps,
    snr: setting(values, 'snr', ctx),
    churn: setting(values, 'churn', ctx),
    eps: annealed ? setting(values, 'anneal-eps', ctx) : undefined,
  };
}

/**
 * The sampler's settings and start points for a model of dimension D trained as tc, checked
 * together: { annealed, sde, n, start, seed, and eps, decay, temperature, steps (plain Langevin), or
 * steps, eps (annealed, for a noise-conditional model), or sampler, steps, snr, churn (a score-SDE
 * sampler, from the prior: start null), frames: how many frames come back }.
 */
function samplerSettings(sf, values, tc, D, noiseConditional) {
  const ctx = { dataset: tc.dataset ?? 'swiss_roll', defaults: sf.defaults, objective: tc.objective };
  ctx.annealed = noiseConditional; // the chains' default: many, drawn as samples
  if (!noiseConditional) {
    const wrong = SDE_SAMPLER.find((name) => Object.hasOwn(values, name));
    if (wrong)
      throw new UsageError(`--${wrong} needs a noise-conditional model (train it with --objective vesde or ncsn)`);
    const given = ANNEALED_SAMPLER.find((name) => Object.hasOwn(values, name));
    if (given) throw new UsageError(`--${flagOf(values, given)} sets annealed Langevin, which only ncsn models use`);
  }
  const sde = noiseConditional ? sdeSettings(values, ctx) : null;
  const annealed = sde?.sampler === 'annealed';
  const lc = {
    annealed,
    sde: sde && !annealed ? sde : null,
    seed: setting(values, 'chain-seed', ctx),
    cls: setting(values, 'class', ctx),
    guidance: setting(values, 'guidance', ctx),
  };
  if (!annealed && (lc.cls !== 'any' || lc.guidance !== 0))
    throw new UsageError('--class and --guidance need a class-conditional ncsn model (train it with --conditional)');
  if (annealed) Object.assign(lc, { steps: sde.steps, eps: sde.eps });
  else if (!sde) for (const name of PLAIN_SAMPLER) lc[BY_NAME.get(name).key ?? name] = setting(values, name, ctx);
  // Plain Langevin and the SDE samplers keep every step; annealed keeps the end of each noise level (a
  // level runs --anneal-steps steps, too many to draw as arrows).
  lc.frames = annealed ? tc.levels + 1 : lc.sde ? lc.sde.steps + 1 : lc.steps + 1;
  let start, n;
  if (lc.sde) {
    if (values.start)
      throw new UsageError(`--start is for Langevin; --sampler ${lc.sde.sampler} starts from its prior`);
    n = setting(values, 'chains', { ...ctx, annealed: true });
    start = null;
  } else if (values.start) {
    if (D !== 2) throw new UsageError(`--start gives 2-D points; ${tc.dataset} has D = ${D}`);
    n = values.start.length;
    if (values.chains !== undefined && values.chains !== n)
      throw new UsageError(`--chains ${values.chains} but --start gives ${n} points`);
    start = Float32Array.from(values.start.flat());
  } else if (D === 2 && values.chains === undefined && !noiseConditional) {
    n = TUTORIAL_STARTS.length;
    start = Float32Array.from(TUTORIAL_STARTS.flat());
  } else {
    n = setting(values, 'chains', ctx);
    if (D === 2) {
      const [x0, x1, y0, y1] = setting(values, 'box', ctx);
      const u = sf.uniform(2 * n, 0, 1, lc.seed);
      start = u.map((v, k) => (k % 2 === 0 ? x0 + v * (x1 - x0) : y0 + v * (y1 - y0)));
    } else {
      start = sf.uniform(D * n, 0, DIGITS_START_HI, lc.seed);
    }
  }
  if (lc.frames * n * D > MAX_KEPT_FLOATS) {
    throw new UsageError(
      `keeping ${n} chains × ${lc.frames} frames × D = ${D} is too much ` +
        `(${lc.frames * n * D} floats, at most ${MAX_KEPT_FLOATS}): use fewer --chains or steps`,
    );
  }
  return { ...lc, n, start };
}

// ---- Progress -----------------------------------------------------------------------------------

const BAR_CELLS = 24; // characters of the bar

function meanTail(losses, end) {
  let s = 0;
  const from = Math.max(0, end - LOSS_WINDOW);
  for (let i = from; i < end; i++) s += losses[i];
  return end > from ? s / (end - from) : NaN;
}

function count(k, one, many) {
  return `${k} ${k === 1 ? one : many}`;
}

function fmtLoss(v) {
  return Number.isFinite(v) ? v.toFixed(4) : String(v);
}

/**
 * Progress of a training run on a stream: 'bar' redraws one line (a terminal), 'plain' prints a line
 * every tenth of the run, 'none' prints nothing. Loss is the mean of the last 32 steps' losses.
 */
class Progress {
  constructor(total, mode, stream) {
    this.total = total;
    this.mode = mode;
    this.stream = stream;
    this.every = Math.max(1, Math.ceil(total / PLAIN_REPORTS));
    this.next = this.every;
    this.lastDraw = -Infinity;
  }

  // The largest chunk that does not run past the next plain line.
  limit(done) {
    return this.mode === 'plain' ? this.next - done : Infinity;
  }

  update(done, losses, seconds, offset) {
    const rate = seconds > 0 ? done / seconds : 0;
    const loss = fmtLoss(meanTail(losses, done));
    const step = `${offset + done}/${offset + this.total}`;
    if (this.mode === 'plain' && (done >= this.next || done === this.total)) {
      this.stream.write(`step ${step}  loss ${loss}  ${rate.toFixed(0)} steps/s\n`);
      while (this.next <= done) this.next += this.every;
    } else if (this.mode === 'bar') {
      const now = performance.now();
      if (now - this.lastDraw < CHUNK_MS && done < this.total) return;
      this.lastDraw = now;
      const filled = Math.round((BAR_CELLS * done) / Math.max(this.total, 1));
      const eta = rate > 0 && done < this.total ? `  eta ${((this.total - done) / rate).toFixed(0)} s` : '';
      const line = `[${'#'.repeat(filled)}${'.'.repeat(BAR_CELLS - filled)}] step ${step}  loss ${loss}  ${rate.toFixed(0)} steps/s${eta}`;
      const cols = this.stream.columns || 80;
      this.stream.write(`\r${line.slice(0, cols - 1)}\x1b[K`); // \x1b[K clears what a longer line left
      if (done === this.total) this.stream.write('\n');
    }
  }
}

// ---- Files --------------------------------------------------------------------------------------

// The shortest decimal that reads back as the same float32 (at most 9 significant digits).
function f32(v) {
  if (!Number.isFinite(v)) return v;
  for (let p = 1; p <= 9; p++) {
    const c = Number(v.toPrecision(p));
    if (Math.fround(c) === v) return c;
  }
  return v;
}

// A reason from a Node file-system error without its code and path ("no such file or directory").
function reason(err) {
  return err.code ? err.message.replace(/^[A-Z]+: /, '').replace(/, \w+ '.*'$/, '') : err.message;
}

// Checks every output before anything runs (tools/outputs.js: collisions, paths that cannot be
// written: a usage error, exit 2), then makes their directories.
function prepareDirs(out, values) {
  const labels = {};
  for (const key of Object.keys(out))
    if (!Object.hasOwn(values, key)) labels[key] = `--out-dir's ${DEFAULT_FILES[key]}`;
  try {
    checkOutputs(out, labels);
  } catch (err) {
    if (err instanceof OutputError) throw new UsageError(err.message);
    throw err;
  }
  for (const path of Object.values(out)) {
    try {
      makeDirs(dirname(path));
    } catch (err) {
      throw new Error(`cannot write '${path}': ${reason(err)}`, { cause: err });
    }
  }
}

// Every output is written whole or not at all (a temporary file renamed into place).
function writeOut(path, data) {
  writeAtomic(path, data);
}

function readWeights(path) {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (err) {
    throw new Error(`cannot read weights file '${path}': ${reason(err)}`, { cause: err });
  }
}

function writeLosses(path, losses, firstStep, meta) {
  if (extname(path).toLowerCase() === '.json') {
    writeOut(path, `${JSON.stringify({ ...meta, firstStep, losses: Array.from(losses, f32) })}\n`);
  } else {
    const rows = Array.from(losses, (v, i) => `${firstStep + i},${f32(v)}`);
    writeOut(path, `step,loss\n${rows.join('\n')}\n`);
  }
}

// frames (F, n, D) as CSV rows "step,chain,x…" (or "level,…" for annealed chains) or JSON
// { …meta, frames: [F][n][D] }.
function writeSamples(path, frames, n, D, meta, frameName) {
  const F = frames.length / (n * D);
  if (extname(path).toLowerCase() === '.json') {
    const nested = Array.from({ length: F }, (_, t) =>
      Array.from({ length: n }, (_, i) => Array.from(frames.subarray((t * n + i) * D, (t * n + i + 1) * D), f32)),
    );
    writeOut(path, `${JSON.stringify({ ...meta, chains: n, dim: D, frames: nested })}\n`);
    return;
  }
  const columns = D === 2 ? ['x', 'y'] : Array.from({ length: D }, (_, d) => `p${d}`);
  const rows = [`${frameName},chain,${columns.join(',')}`];
  for (let t = 0; t < F; t++) {
    for (let i = 0; i < n; i++)
      rows.push(`${t},${i},${Array.from(frames.subarray((t * n + i) * D, (t * n + i + 1) * D), f32).join(',')}`);
  }
  writeOut(path, `${rows.join('\n')}\n`);
}

const OBJECTIVE_TITLES = {
  ncsn: 'noise-conditional score matching (NCSN)',
  vesde: 'continuous-noise score matching (VE SDE)',
  exact: 'exact score matching',
  sliced: 'sliced score matching',
  sliced_vr: 'sliced score matching (variance reduced)',
  dsm: 'denoising score matching',
};

function netText(model) {
  return [model.dim, ...Array(model.depth).fill(model.hidden), model.dim].join('→');
}

// The SVG of a 2-D model: data, the 50×50 quiver over the box, the chains.
function writeSvg(path, sf, model, tc, lc, frames, values) {
  const [xmin, xmax, ymin, ymax] = setting(values, 'box', { dataset: tc.dataset });
  const box = { xmin, xmax, ymin, ymax };
  const points = gridPoints({ ...box, nx: QUIVER_N, ny: QUIVER_N });
  const arrows = log1pArrows(model.score(points));
  const m = setting(values, 'data-points', {});
  // Painted points ('points', from the page) are not generated, so there is no data to draw.
  const data =
    m > 0 && CLI_DATASETS.includes(tc.dataset)
      ? sf.sampleData({ dataset: tc.dataset, n: m, noise: tc.dataNoise, seed: DATA_PICTURE_SEED }).x
      : null;
  const title = `${tc.dataset.replaceAll('_', ' ')}: ${OBJECTIVE_TITLES[tc.objective]}, ${model.stepCount} steps, net ${netText(model)}`;
  const label = lc.sde
    ? `${lc.sde.sampler}: σ ${tc.sigmaMax} → ${tc.sigmaMin}, ${lc.sde.steps} steps, ${lc.nfe} score evaluations`
    : lc.annealed
      ? `annealed Langevin: σ ${tc.sigmaMax} → ${tc.sigmaMin}, ${tc.levels} levels × ${lc.steps} steps, ε ${lc.eps}`
      : `Langevin: ε ${lc.eps}, ×${lc.decay}, T ${lc.temperature}, ${lc.steps} steps`;
  // A noise-conditional model's field is drawn at its smallest noise level, the one sampling ends on.
  const quiverLabel = model.noiseConditional ? `score at σ ${tc.sigmaMin} (log1p-scaled)` : undefined;
  const chains = { frames, n: lc.n, label, paths: !lc.annealed && !lc.sde && lc.n <= MAX_PATH_CHAINS };
  writeOut(path, figureSvg({ title, box, data, quiver: { points, arrows, label: quiverLabel }, chains }));
}

// The sampling as a looping GIF (web/render/animation.js, loaded on first use: it needs the GIF
// encoder that build-wasm.sh copies to web/vendor/). Returns the line to print.
async function writeGif(path, sf, tc, lc, frames, values) {
  const { animateChains, animateDigits } = await import('../web/render/animation.js');
  let bytes;
  if (tc.dataset === 'digits') bytes = animateDigits({ frames, n: lc.n });
  else {
    const [xmin, xmax, ymin, ymax] = setting(values, 'box', { dataset: tc.dataset });
    const m = setting(values, 'data-points', {});
    const data =
      m > 0 && CLI_DATASETS.includes(tc.dataset)
        ? sf.sampleData({ dataset: tc.dataset, n: m, noise: tc.dataNoise, seed: DATA_PICTURE_SEED }).x
        : null;
    const trails = !lc.annealed && !lc.sde && lc.n <= MAX_PATH_CHAINS;
    bytes = animateChains({ data, frames, n: lc.n, box: { xmin, xmax, ymin, ymax }, trails });
  }
  writeOut(path, bytes);
  return `wrote ${path} (${count(lc.frames, 'frame', 'frames')}, ${bytes.length} bytes)`;
}

function writePng(path, frames, n, values) {
  const { width, height, rgb } = digitGrid(frames, n, { colormap: setting(values, 'cmap', {}) });
  writeOut(path, encodePng(width, height, rgb));
}

// ---- Commands -----------------------------------------------------------------------------------

// Trains `steps` steps in chunks, reporting progress; returns the losses. On a non-finite step the
// error carries .losses (those that ran, from every chunk).
function trainWithProgress(model, steps, progress) {
  const losses = new Float32Array(steps);
  const offset = model.stepCount;
  const t0 = performance.now();
  let done = 0,
    chunk = 1;
  while (done < steps) {
    const n = Math.max(1, Math.min(chunk, steps - done, progress.limit(done)));
    const tc = performance.now();
    try {
      losses.set(model.train(n), done);
    } catch (err) {
      if (err.losses) err.losses = Float32Array.from([...losses.subarray(0, done), ...err.losses]);
      throw err;
    }
    done += n;
    const dt = performance.now() - tc;
    chunk = Math.max(1, Math.min(MAX_CHUNK_GROWTH * n, Math.round((n * CHUNK_MS) / Math.max(dt, 1e-3))));
    progress.update(done, losses, (performance.now() - t0) / 1000, offset);
  }
  return { losses, seconds: (performance.now() - t0) / 1000 };
}

// Samples with settings lc (samplerSettings), writes the samples file and the picture; returns the
// lines to print.
async function sampleAndDraw(sf, model, tc, lc, values, out) {
  const report = [];
  if (!out.samples && !out.svg && !out.png && !out.gif) return report;
  const guided = { class: lc.cls, guidance: lc.guidance };
  if (lc.sde && (lc.cls !== 'any' || lc.guidance !== 0))
    throw new UsageError(`--class and --guidance sample with annealed Langevin; --sampler is ${lc.sde.sampler}`);
  const run = lc.sde
    ? model.sample({
        sampler: lc.sde.sampler,
        n: lc.n,
        steps: lc.sde.steps,
        seed: lc.seed,
        keep: 'all',
        ...(lc.sde.sampler === 'pc' ? { snr: lc.sde.snr } : {}),
        ...(lc.sde.sampler === 'edm' ? { churn: lc.sde.churn } : {}),
      })
    : null;
  if (run) {
    lc.nfe = run.nfe;
    report.push(
      `sampled ${count(lc.n, 'chain', 'chains')} with ${lc.sde.sampler}: ${lc.sde.steps} steps, ` +
        `${lc.nfe} score evaluations per chain`,
    );
  }
  const frames = run
    ? run.frames
    : lc.annealed
      ? model.annealedLangevin({
          start: lc.start,
          n: lc.n,
          steps: lc.steps,
          eps: lc.eps,
          seed: lc.seed,
          keep: 'levels',
          ...guided,
        })
      : model.langevin({
          start: lc.start,
          n: lc.n,
          eps: lc.eps,
          decay: lc.decay,
          temperature: lc.temperature,
          steps: lc.steps,
          seed: lc.seed,
          keepAll: true,
        });
  const F = lc.frames;
  if (out.samples) {
    const sampler = lc.sde
      ? {
          kind: lc.sde.sampler,
          sigmaMax: tc.sigmaMax,
          sigmaMin: tc.sigmaMin,
          steps: lc.sde.steps,
          nfe: lc.nfe,
          ...(lc.sde.sampler === 'pc' ? { snr: lc.sde.snr } : {}),
          ...(lc.sde.sampler === 'edm' ? { churn: lc.sde.churn } : {}),
          seed: lc.seed,
        }
      : lc.annealed
        ? {
            kind: 'annealed',
            sigmaMax: tc.sigmaMax,
            sigmaMin: tc.sigmaMin,
            levels: tc.levels,
            steps: lc.steps,
            eps: lc.eps,
            seed: lc.seed,
            ...guided,
          }
        : {
            kind: 'langevin',
            eps: lc.eps,
            decay: lc.decay,
            temperature: lc.temperature,
            steps: lc.steps,
            seed: lc.seed,
          };
    writeSamples(
      out.samples,
      frames,
      lc.n,
      model.dim,
      { dataset: tc.dataset, sampler },
      lc.annealed ? 'level' : 'step',
    );
    report.push(`wrote ${out.samples} (${count(lc.n, 'chain', 'chains')} × ${count(F, 'frame', 'frames')})`);
  }
  if (out.svg) {
    writeSvg(out.svg, sf, model, tc, lc, frames, values);
    report.push(`wrote ${out.svg}`);
  }
  if (out.png) {
    writePng(out.png, frames, lc.n, values);
    report.push(`wrote ${out.png} (${count(lc.n, 'chain', 'chains')} × ${count(F, 'frame', 'frames')})`);
  }
  if (out.gif) report.push(await writeGif(out.gif, sf, tc, lc, frames, values));
  return report;
}

function progressMode(values, stream) {
  if (values.quiet) return 'none';
  return stream.isTTY ? 'bar' : 'plain';
}

// A model for train and digits-report: loaded from --resume, or new with the command line's net
// (class-conditional with --conditional, which needs a labelled dataset and the ncsn objective).
function newModel(sf, values, dataset, isa) {
  const ctx = { dataset, defaults: sf.defaults };
  let noiseConditional = ['ncsn', 'vesde'].includes(setting(values, 'objective', ctx)),
    classes = 0;
  if (values.conditional) {
    if (Object.hasOwn(values, 'objective') && values.objective !== 'ncsn')
      throw new UsageError(
        `--conditional trains a noise-conditional net: --objective must be ncsn, got ${values.objective}`,
      );
    classes = sf.dataClasses(dataset);
    if (classes === 0) throw new UsageError(`--conditional needs a dataset with labels; ${dataset} has none`);
    noiseConditional = true;
  }
  return sf.createModel({
    dim: dimOf(dataset),
    hidden: setting(values, 'width', ctx),
    depth: setting(values, 'depth', ctx),
    seed: setting(values, 'seed', ctx),
    isa,
    noiseConditional,
    classes,
  });
}

// --class and --guidance need a class-conditional model: a usage error before anything samples.
function checkGuided(model, lc) {
  if (model.classes === 0 && (lc.cls !== 'any' || lc.guidance !== 0))
    throw new UsageError('--class and --guidance need a class-conditional model (train it with --conditional)');
  if (lc.cls !== 'any' && lc.cls >= model.classes)
    throw new UsageError(`--class must be any, prior or 0..${model.classes - 1} for this model, got ${lc.cls}`);
}

// --data FILE: the points of a CSV/TSV/JSON file (web/core/points-file.js), its size checked before
// it is read; a bad file is a usage error naming the file, the line and the problem.
function readPointsFile(sf, path, flag = 'data') {
  try {
    checkPointsFileSize(statSync(path).size);
    return sf.readPoints(readFileSync(path));
  } catch (err) {
    throw new UsageError(`--${flag} ${path}: ${err.message}`);
  }
}

async function train(sf, values, stdout, stderr) {
  for (const k of ['dataset', 'width', 'depth', 'seed', 'conditional']) {
    if (values.resume !== undefined && Object.hasOwn(values, k))
      throw new UsageError(`--${flagOf(values, k)} is fixed by the weights file of --resume`);
  }
  if (values.fit !== undefined && values.data === undefined)
    throw new UsageError('--fit needs --data: it centres and scales the points of a file into --box');
  if (values.data !== undefined) {
    for (const k of ['dataset', 'resume', 'conditional'])
      if (Object.hasOwn(values, k)) throw new UsageError(`--data cannot be given with --${flagOf(values, k)}`);
  }
  const isa = setting(values, 'simd', {});
  await sf.loadDigits();
  let model;
  if (values.resume !== undefined) {
    model = sf.loadModel(readWeights(values.resume), { isa });
  } else {
    model = newModel(sf, values, values.data !== undefined ? 'points' : setting(values, 'dataset', {}), isa);
  }
  try {
    if (values.data !== undefined) {
      let points = readPointsFile(sf, values.data);
      if (values.fit) {
        const [xmin, xmax, ymin, ymax] = setting(values, 'box', { dataset: 'points' });
        points = sf.fitPoints(points, { xmin, xmax, ymin, ymax });
      }
      model.setPoints(points);
    }
    const dataset =
      values.data !== undefined
        ? 'points'
        : values.resume !== undefined
          ? model.trainingConfig().dataset
          : setting(values, 'dataset', {});
    const out = outputs(values, 'train', dataset);
    prepareDirs(out, values); // an output that cannot be written fails now, not after a long run
    const changes = { dataset };
    for (const name of [
      'objective',
      'batch',
      'lr',
      'projections',
      'sigma',
      'data-noise',
      'sigma-max',
      'sigma-min',
      'levels',
    ]) {
      if (Object.hasOwn(values, name)) changes[BY_NAME.get(name).key ?? name] = values[name];
    }
    model.configureTraining(changes);
    const tc = model.trainingConfig();
    const steps = setting(values, 'steps', { dataset, defaults: sf.defaults });
    const lc = samplerSettings(sf, values, tc, model.dim, model.noiseConditional); // checked now, not after training
    checkGuided(model, lc);
    const firstStep = model.stepCount + 1;
    const meta = {
      ...tc,
      hidden: model.hidden,
      depth: model.depth,
      seed: model.seed,
      isa: model.isa,
      classes: model.classes,
    };
    const progress = new Progress(steps, progressMode(values, stderr), stderr);
    let run;
    try {
      run = trainWithProgress(model, steps, progress);
    } catch (err) {
      if (err.losses && out.losses) {
        writeLosses(out.losses, err.losses, firstStep, meta);
        stdout.write(`wrote ${out.losses} (${count(err.losses.length, 'loss', 'losses')}, up to the failed step)\n`);
      }
      if (progress.mode === 'bar') stderr.write('\n');
      throw err;
    }
    const { losses, seconds } = run;
    const rate = seconds > 0 ? (steps / seconds).toFixed(0) : '-';
    stdout.write(
      `trained ${dataset}, ${tc.objective}, net ${netText(model)} (${model.isa}): ${steps} steps in ` +
        `${seconds.toFixed(1)} s (${rate} steps/s), loss ${fmtLoss(meanTail(losses, steps))} ` +
        `(mean of the last ${Math.min(LOSS_WINDOW, steps)})\n`,
    );
    // The weights first: the trained network is what a later failure must not lose.
    if (out.weights) {
      const bytes = model.save();
      writeOut(out.weights, bytes);
      stdout.write(`wrote ${out.weights} (${bytes.length} bytes, ${model.stepCount} steps)\n`);
    }
    if (out.losses) {
      writeLosses(out.losses, losses, firstStep, meta);
      stdout.write(`wrote ${out.losses} (${count(steps, 'loss', 'losses')})\n`);
    }
    for (const line of await sampleAndDraw(sf, model, tc, lc, values, out)) stdout.write(`${line}\n`);
    if (Object.keys(out).length === 0) {
      stderr.write(
        'scorefield: nothing written (give --out-dir DIR or --losses, --weights, --samples, --svg, --png)\n',
      );
    }
  } finally {
    model.dispose();
  }
}

async function sample(sf, values, stdout, stderr) {
  if (values.weights === undefined) throw new UsageError('sample needs --weights FILE');
  const bytes = readWeights(values.weights);
  await sf.loadDigits();
  const model = sf.loadModel(bytes, { isa: setting(values, 'simd', {}) });
  try {
    const tc = model.trainingConfig();
    if (!tc.dataset) throw new Error(`weights file '${values.weights}' names no dataset to sample`);
    const out = outputs(values, 'sample', tc.dataset);
    prepareDirs(out, values);
    stdout.write(
      `loaded ${values.weights}: ${tc.dataset}, ${tc.objective}, net ${netText(model)}, ${model.stepCount} steps trained\n`,
    );
    const lc = samplerSettings(sf, values, tc, model.dim, model.noiseConditional);
    checkGuided(model, lc);
    const lines = await sampleAndDraw(sf, model, tc, lc, values, out);
    for (const line of lines) stdout.write(`${line}\n`);
    if (lines.length === 0)
      stderr.write('scorefield: nothing written (give --out-dir DIR or --samples, --svg, --png)\n');
  } finally {
    model.dispose();
  }
}

/**
 * likelihood: the mean negative log-likelihood (± its standard error) of held-out points under a
 * noise-conditional model, through the probability-flow ODE (model.logLikelihood): fresh draws of
 * --dataset (default the model's) with the model's data noise, the digits' 359 held-out images, or the
 * 2-D points of a --points file. Bits per dimension beside nats for D > 2.
 */
async function likelihood(sf, values, stdout) {
  if (values.weights === undefined) throw new UsageError('likelihood needs --weights FILE');
  if (values.points !== undefined)
    for (const k of ['dataset', 'count'])
      if (Object.hasOwn(values, k)) throw new UsageError(`--points gives the points; --${k} cannot be given with it`);
  const bytes = readWeights(values.weights);
  await sf.loadDigits();
  const model = sf.loadModel(bytes, { isa: setting(values, 'simd', {}) });
  try {
    const tc = model.trainingConfig();
    if (!model.noiseConditional)
      throw new Error(
        `likelihood needs a noise-conditional model (trained with --objective vesde or ncsn); ` +
          `'${values.weights}' holds a ${tc.objective} model`,
      );
    const dataset = values.dataset ?? tc.dataset;
    const seed = setting(values, 'likelihood-seed', {});
    let x, what;
    if (values.points !== undefined) {
      if (model.dim !== 2) throw new UsageError(`--points gives 2-D points; this model has D = ${model.dim}`);
      x = readPointsFile(sf, values.points, 'points');
      what = `${count(x.length / 2, 'point', 'points')} of ${values.points}`;
    } else {
      if (!dataset || dataset === 'points')
        throw new UsageError('give --dataset NAME or --points FILE: the weights file names no dataset to draw from');
      if (sf.dataDim(dataset) !== model.dim)
        throw new UsageError(`--dataset ${dataset} has D = ${sf.dataDim(dataset)}; this model has D = ${model.dim}`);
      if (dataset === 'digits') {
        if (Object.hasOwn(values, 'count')) throw new UsageError('--count: the digits are their 359 held-out images');
        x = sf.heldoutDigits({ noise: tc.dataNoise, seed }).x;
        what = `the 359 held-out digits (noise ${tc.dataNoise})`;
      } else {
        const n = setting(values, 'count', {});
        x = sf.sampleData({ dataset, n, noise: tc.dataNoise, seed }).x;
        what = `${n} fresh ${dataset} points (noise ${tc.dataNoise}, seed ${seed})`;
      }
    }
    const ctx = { dataset: dataset && dataset !== 'points' ? dataset : 'swiss_roll', defaults: sf.defaults };
    const steps = setting(values, 'ode-steps', ctx),
      probes = setting(values, 'probes', ctx);
    const t0 = performance.now();
    const r = model.logLikelihood(x, { steps, probes, seed });
    const seconds = (performance.now() - t0) / 1000;
    const lines = [
      `negative log-likelihood of ${what}:`,
      `  ${(-r.mean).toFixed(4)} ± ${r.se.toFixed(4)} nats per point`,
    ];
    if (model.dim > 2) lines.push(`  ${r.bitsPerDim.toFixed(4)} ± ${r.bitsPerDimSe.toFixed(4)} bits per dimension`);
    lines.push(
      `probability-flow ODE from σ ${tc.sigmaMin} to ${tc.sigmaMax}, ${steps} Heun steps, ` +
        `${probes === 0 ? 'exact divergence' : `Hutchinson divergence (${probes} probe${probes > 1 ? 's' : ''})`}, ` +
        `${seconds.toFixed(1)} s; the density is the data's blurred by N(0, σ_min²)`,
    );
    stdout.write(`${lines.join('\n')}\n`);
  } finally {
    model.dispose();
  }
}

// Without the wasm modules help still works; per-dataset defaults are then not shown.
async function help(topic, sf, stdout) {
  stdout.write(`${helpText(topic, sf?.defaults ?? null)}\n`);
}

const pct = (v) => (v === null ? '-' : `${(100 * v).toFixed(1)} %`);

/**
 * digits-report: a digits ncsn model (--weights, or trained now with the training options) sampled
 * with annealed Langevin and measured by the core's digit classifier, beside the same measures of
 * real held-out digits: the share of confident samples (top probability >= 0.9), the class shares
 * (smallest first), the energy distance to held-out digits against the real-vs-real floor, and for a
 * class-conditional model the conditional accuracy per class at --guidance.
 */
async function digitsReport(sf, values, stdout, stderr) {
  const isa = setting(values, 'simd', {});
  await sf.loadDigits();
  let model;
  if (values.weights !== undefined) {
    for (const k of REPORT_OPTIONS.slice(0, 10))
      if (Object.hasOwn(values, k)) throw new UsageError(`--${k} trains a model; --weights loads one`);
    model = sf.loadModel(readWeights(values.weights), { isa });
  } else {
    model = newModel(sf, { ...values, objective: 'ncsn' }, 'digits', isa);
  }
  try {
    if (model.dim !== DIGITS_DIM || !model.noiseConditional)
      throw new Error('digits-report needs a noise-conditional (ncsn) digits model');
    if (values.weights === undefined) {
      const changes = { dataset: 'digits', objective: 'ncsn' };
      for (const name of ['batch', 'lr', 'sigma-max', 'sigma-min', 'levels'])
        if (Object.hasOwn(values, name)) changes[BY_NAME.get(name).key ?? name] = values[name];
      model.configureTraining(changes);
      const steps = setting(values, 'steps', { dataset: 'digits', defaults: sf.defaults });
      const { seconds } = trainWithProgress(model, steps, new Progress(steps, progressMode(values, stderr), stderr));
      stdout.write(
        `trained digits, ncsn, net ${netText(model)}, ${model.classes} classes: ${steps} steps in ${seconds.toFixed(1)} s\n`,
      );
    }
    const tc = model.trainingConfig();
    const n = values.chains ?? REPORT_CHAINS;
    const seed = setting(values, 'chain-seed', { dataset: 'digits', defaults: sf.defaults });
    const guidance = setting(values, 'guidance', {});
    if (model.classes === 0 && guidance !== 0)
      throw new UsageError('--guidance needs a class-conditional model (train it with --conditional)');
    const d = sf.defaults.anneal.digits;
    const run = (start, k, cls) =>
      model.annealedLangevin({
        start,
        n: k,
        steps: values['anneal-steps'] ?? d.steps,
        eps: values['anneal-eps'] ?? d.eps,
        seed,
        ...(model.classes > 0 ? { class: cls, guidance: cls === 'any' ? 0 : guidance } : {}),
      });
    const t0 = performance.now();
    const real = sf.heldoutDigits({ noise: tc.dataNoise });
    const train = sf.sampleData({ dataset: 'digits', n: real.labels.length, noise: tc.dataNoise, seed: 1 });
    const qr = sf.digitsQuality(real.x, real.labels);
    const m = Math.min(n, real.labels.length);
    const edTo = (x) =>
      sf.energyDistance(x.subarray(0, m * DIGITS_DIM), real.x.subarray(0, m * DIGITS_DIM), DIGITS_DIM);
    const floor = edTo(train.x);
    const sets = [
      {
        name: model.classes > 0 ? 'null token' : 'samples',
        x: run(sf.uniform(DIGITS_DIM * n, 0, DIGITS_START_HI, seed), n, 'any'),
      },
    ];
    if (model.classes > 0) {
      // The label prior: p(x) = Σ_c p(c)·p(x | c), chain i of class i mod classes (the digits' classes
      // are equally frequent to within 1 %), each class sampled without guidance; interleaved, so the
      // first m rows the energy distance uses hold every class equally.
      const prior = model.annealedLangevin({
        start: sf.uniform(DIGITS_DIM * n, 0, DIGITS_START_HI, seed + 100),
        n,
        steps: values['anneal-steps'] ?? d.steps,
        eps: values['anneal-eps'] ?? d.eps,
        seed: seed + 100,
        class: 'prior',
        guidance: 0,
      });
      sets.push({ name: 'label prior', x: prior });
    }
    const columns = sets.map(({ name, x }) => ({ name, q: sf.digitsQuality(x), ed: edTo(x) }));
    const shares = (s) => s.map((v, c) => `${c}:${(100 * v).toFixed(0)}`).join(' ');
    const row = (label, f, last) =>
      `${label.padEnd(25)}${columns.map((col) => f(col).padStart(11)).join(' ')}    ${last}`;
    const lines = [
      `${''.padEnd(25)}${columns.map((col) => col.name.padStart(11)).join(' ')}    held-out real digits`,
      row('confident (p >= 0.9)', (col) => pct(col.q.confident), pct(qr.confident).padStart(7)),
      row('smallest class share', (col) => pct(col.q.minClassShare), pct(qr.minClassShare).padStart(7)),
      row(
        'energy distance',
        (col) => col.ed.toFixed(4),
        `${floor.toFixed(4).padStart(7)} (training vs held-out digits, ${m} each)`,
      ),
      ...columns.map((col) => `class shares (%), ${col.name.padEnd(11)} ${shares(col.q.classShare)}`),
      `classifier accuracy on the held-out digits: ${pct(qr.accuracy)}`,
    ];
    if (model.classes > 0)
      lines.push(
        'unconditional samples: "null token" samples s(x, σ, ∅); "label prior" draws each chain\'s class from the',
        'labels (equal shares) and samples p(x | c) without guidance: both are samples of p(x)',
      );
    if (model.classes > 0) {
      const per = Math.max(1, Math.round(n / model.classes));
      const x = new Float32Array(per * model.classes * DIGITS_DIM);
      const want = [];
      for (let c = 0; c < model.classes; c++) {
        x.set(run(sf.uniform(DIGITS_DIM * per, 0, DIGITS_START_HI, seed + 1 + c), per, c), c * per * DIGITS_DIM);
        for (let i = 0; i < per; i++) want.push(c);
      }
      const qc = sf.digitsQuality(x, want);
      lines.push(
        `conditional accuracy at guidance ${guidance} (${per} samples per class): ${pct(qc.accuracy)}, ` +
          `confident ${pct(qc.confident)}`,
        `  per class (%)          ${qc.classAccuracy.map((v, c) => `${c}:${v === null ? '-' : (100 * v).toFixed(0)}`).join(' ')}`,
      );
    }
    lines.push(
      `sampled ${n} chains in ${((performance.now() - t0) / 1000).toFixed(1)} s (annealed Langevin, ${tc.levels} levels)`,
    );
    stdout.write(`${lines.join('\n')}\n`);
  } finally {
    model.dispose();
  }
}

/** Runs the command line argv; returns the exit code. Streams default to the process's. */
export async function main(argv, { stdout = process.stdout, stderr = process.stderr } = {}) {
  let disposeCore = null;
  try {
    // The core first: its limits bound the options (the digits table is loaded by the commands).
    let sf = null,
      loadError = null;
    try {
      sf = await createScorefield({ digits: false });
    } catch (err) {
      loadError = err;
    }
    const parsed = parseArgs(argv, sf?.limits);
    // --threads: the threaded module, its helper threads ended before returning.
    const threads = parsed.values?.threads;
    if (sf && threads !== undefined && threads !== '1' && parsed.command !== 'help') {
      sf = await createScorefield({ digits: false, threads: threadsValue(threads) });
      disposeCore = sf.dispose;
    }
    if (parsed.command === 'help') await help(parsed.topic, sf, stdout);
    else if (!sf) throw loadError;
    else if (parsed.command === 'train') await train(sf, parsed.values, stdout, stderr);
    else if (parsed.command === 'digits-report') await digitsReport(sf, parsed.values, stdout, stderr);
    else if (parsed.command === 'likelihood') await likelihood(sf, parsed.values, stdout);
    else await sample(sf, parsed.values, stdout, stderr);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      stderr.write(`scorefield: ${err.message}\n${SYNOPSIS}\nRun '${PROG} help' for every option.\n`);
      return EXIT_USAGE;
    }
    // The API's messages already start with "scorefield: "; a stack helps only when debugging.
    stderr.write(`scorefield: ${String(err?.message ?? err).replace(/^scorefield: /, '')}\n`);
    if (process.env.SCOREFIELD_DEBUG) stderr.write(`${err?.stack}\n`);
    return EXIT_RUNTIME;
  } finally {
    await disposeCore?.();
  }
}

// Run as a program (not imported by the tests). Installed, the command is a symlink in
// node_modules/.bin: Node runs this file by its real path, so the symlink's path is resolved first.
if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2));
}
