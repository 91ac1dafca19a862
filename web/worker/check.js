// check.js — the shape of every message the page may send the worker (protocol.js), checked before a
// handler sees it. A message that does not fit is refused with an Error naming the message, the field
// and what it should be; nothing in the worker changes. The page's own messages always fit: the check
// is for everything else that can reach a worker (a script on the page, a bug, a test).
//
// Shapes check types, sizes and the bounds the worker itself relies on (array lengths, counts it
// allocates for); the values the core takes (a learning rate, a dataset name) the core checks again
// with its own messages, so those are only required to be of the right type here. Integers are
// checked by web/core/validate.js against the core's own limits (sf.limits: steps, seeds, dimensions),
// read from the loaded module and never copied, so no integer of a message can wrap in a wasm i32.

import { integerProblem } from '../core/validate.js';
import { DIGITS_TO_WORKER, NCSN_TO_WORKER, PRETRAINED_SEEDS, SDE_TO_WORKER, TO_WORKER } from './protocol.js';

const MAX_NAME = 256; // characters in a run name, an id, a dataset or objective name
const MAX_COUNT = 1 << 20; // data points, chains, particles in one request
const MAX_FLOW_FRAMES = 10001; // frames of one animation (web/render/animation.js MAX_FRAMES)
const MAX_GRID = 1024; // grid cells along one side
const MAX_FLOATS = 1 << 24; // numbers in one Float32Array (64 MiB)
const MAX_BYTES = 1 << 28; // bytes in one weights file (256 MiB)
const MAX_CELLS = 64; // cells in one MEASURE
const MAX_BUDGET_MS = 10000; // a MEASURE cell's time budget
const MAX_SETTINGS = 64; // keys in a settings object
const MAX_PRETRAINED = 4096; // chains of one pretrained-digits request
const MAX_SDE_POINTS = 10000; // samples of one score-SDE sample or quality reading (the sdeParticles row's max)
const MAX_NFES = 32; // NFE values in one quality job
const SDE_SAMPLER_NAMES = ['annealed', 'sde', 'pc', 'ode-euler', 'ode-heun', 'edm'];

// ---- field checkers: each returns '' when the value fits, else what it should be --------------------
// Each also carries `.ts`, the TypeScript type of what it accepts: scripts/gen-messages.mjs writes the
// message types (web/worker/messages.d.ts) from these shapes, so the types and the checks are one copy.

/** @template {Function} F @param {string} ts @param {F} check @returns {F & { ts: string }} */
const typed = (ts, check) => Object.assign(check, { ts });

const isPlain = (v) => v !== null && typeof v === 'object' && !Array.isArray(v) && !ArrayBuffer.isView(v);

const name = typed('string', (v) =>
  typeof v === 'string' && v.length >= 1 && v.length <= MAX_NAME ? '' : `a string of 1 to ${MAX_NAME} characters`,
);
const id = typed('number | string', (v) =>
  (Number.isSafeInteger(v) && v >= 0) || name(v) === '' ? '' : 'an id (a non-negative integer or a short string)',
);
const int = (lo, hi) => typed('number', (v) => integerProblem(v, lo, hi));
const finite = typed('number', (v) => (Number.isFinite(v) ? '' : 'a finite number'));
const bool = typed('boolean', (v) => (typeof v === 'boolean' ? '' : 'true or false'));
const oneOf = (...values) =>
  typed(values.map((x) => `'${x}'`).join(' | '), (v) =>
    values.includes(v) ? '' : `one of ${values.map((x) => `'${x}'`).join(', ')}`,
  );
const floats = typed('Float32Array', (v) =>
  v instanceof Float32Array && v.length <= MAX_FLOATS ? '' : `a Float32Array of at most ${MAX_FLOATS} numbers`,
);
const bytes = typed('Uint8Array', (v) =>
  v instanceof Uint8Array && v.length <= MAX_BYTES ? '' : `a Uint8Array of at most ${MAX_BYTES} bytes`,
);
const names = typed('string[]', (v) =>
  Array.isArray(v) && v.length <= MAX_SETTINGS && v.every((x) => name(x) === '') ? '' : 'an array of names',
);
const optional = (check) =>
  Object.assign((v, path) => (v === undefined ? '' : check(v, path)), {
    ts: check.ts,
    optional: true,
    nested: check.nested,
    inner: check,
  });

// A settings object: its values are the core's to check, but they must be plain data of a few keys.
const settings = typed('Record<string, number | string | boolean | null | undefined>', (v) => {
  if (!isPlain(v) || Object.keys(v).length > MAX_SETTINGS) return `an object of at most ${MAX_SETTINGS} settings`;
  for (const [key, value] of Object.entries(v)) {
    const ok =
      value === undefined ||
      value === null ||
      typeof value === 'boolean' ||
      typeof value === 'number' ||
      (typeof value === 'string' && value.length <= MAX_NAME);
    if (!ok) return `an object of numbers, strings and booleans (its '${key.slice(0, MAX_NAME)}' is not)`;
  }
  return '';
});

const INIT_SHAPE = {
  simd: optional(bool),
  digits: optional(oneOf('eager', 'lazy')),
  pretrained: optional(oneOf('prefetch')),
  threads: optional(oneOf('auto', '1', '2', '3', '4', '5', '6', '7', '8')),
};

// A nested object, checked field by field; the first misfit names its path. A `typeName` makes it a
// named type of messages.d.ts (shared by the messages that carry it) instead of an inline one, and a
// named `base` object lends it its fields (the type `extends` it).
const object = (ownShape, typeName = '', base = null) => {
  const shape = { ...base?.shape, ...ownShape };
  const check = (v, path) => {
    if (!isPlain(v)) return { path, expected: 'an object' };
    for (const [key, fieldCheck] of Object.entries(shape)) {
      const inner = fieldCheck.nested
        ? fieldCheck(v[key], `${path}.${key}`)
        : fieldMisfit(fieldCheck, v[key], `${path}.${key}`);
      if (inner) return inner;
    }
    return null;
  };
  return Object.assign(check, { nested: true, shape, ownShape, base, typeName, ts: typeName || tsObject(shape) });
};

/** The TypeScript text of an object type of these fields (`{ a: number; b?: string }`). */
export function tsObject(shape, indent = '') {
  const fields = Object.entries(shape).map(
    ([key, check]) => `${indent}  ${key}${check.optional ? '?' : ''}: ${check.ts};`,
  );
  return `{\n${fields.join('\n')}\n${indent}}`;
}

function fieldMisfit(check, value, path) {
  if (check.nested) return check(value, path);
  const expected = check(value);
  return expected ? { path, expected } : null;
}

/** The shapes of every message type for a module of these limits (sf.limits): type → { field: checker }. */
export function shapesFor(limits) {
  const seed = int(0, limits.seed);
  const MAX_STEPS = limits.steps; // Langevin steps, training steps in one STEP
  const box = object({ xmin: finite, xmax: finite, ymin: finite, ymax: finite }, 'Box');
  const grid = object({ nx: int(1, MAX_GRID), ny: int(1, MAX_GRID) }, 'Grid', box);
  const fieldGrid = object({ sigma: optional(finite) }, 'FieldGrid', grid);
  // The plain sampler's settings (CHAINS, SAMPLES), or the annealed sampler's { steps, eps, seed } that
  // an NCSN run's SAMPLES carries in the same place.
  const langevin = object(
    {
      eps: finite,
      steps: int(0, MAX_STEPS),
      decay: optional(finite),
      temperature: optional(finite),
      seed: optional(seed),
    },
    'LangevinSettings',
  );
  const cell = object({ dim: int(1, limits.dim), objective: name }, 'MeasureCell');

  // type → { field: checker }. A field not listed is ignored (and never read by the handlers).
  return {
    [TO_WORKER.INIT]: INIT_SHAPE,
    [TO_WORKER.DATA]: { requestId: id, dataset: name, n: int(1, MAX_COUNT), seed },
    [TO_WORKER.CONFIGURE]: { run: name, settings },
    [TO_WORKER.PLAY]: { run: name },
    [TO_WORKER.PAUSE]: { run: name },
    [TO_WORKER.STEP]: { run: name, steps: int(1, MAX_STEPS) },
    [TO_WORKER.RESET]: { run: name },
    [TO_WORKER.FIELD]: { run: name, gridId: id, grid: fieldGrid },
    [TO_WORKER.CHAINS]: { run: name, viewId: id, starts: floats, langevin },
    [TO_WORKER.SAMPLES]: { run: name, viewId: id, n: int(1, MAX_COUNT), seed, langevin },
    [TO_WORKER.MEASURE]: {
      requestId: id,
      budgetMs: typed('number', (v) =>
        Number.isFinite(v) && v > 0 && v <= MAX_BUDGET_MS ? '' : `a number of ms from 0 to ${MAX_BUDGET_MS}`,
      ),
      cells: Object.assign(
        typed(`Array<${cell.ts}>`, (v) =>
          Array.isArray(v) && v.length >= 1 && v.length <= MAX_CELLS && v.every((c) => !cell(c, ''))
            ? ''
            : `an array of 1 to ${MAX_CELLS} { dim, objective } cells`,
        ),
        { inner: cell },
      ),
    },
    [TO_WORKER.SAVE]: { run: name, requestId: id },
    [TO_WORKER.LOAD]: { run: name, requestId: id, bytes, offered: object({ datasets: names, objectives: names }) },
    [TO_WORKER.RESTORE]: {
      run: name,
      settings,
      generation: int(0, Number.MAX_SAFE_INTEGER),
      bytes: optional(bytes),
      points: optional(floats),
    },
    [TO_WORKER.PING]: { seq: int(0, Number.MAX_SAFE_INTEGER) },
    [TO_WORKER.POINTS]: { run: name, points: floats },
    [TO_WORKER.FIT]: { requestId: id, points: floats, box },
    [NCSN_TO_WORKER.POINTS]: { run: name, points: floats },
    [NCSN_TO_WORKER.FLOW]: {
      run: name,
      flowId: id,
      n: int(1, MAX_COUNT),
      steps: int(1, MAX_STEPS),
      eps: finite,
      seed,
      box,
    },
    [NCSN_TO_WORKER.FLOW_STOP]: { run: name },
    [NCSN_TO_WORKER.FLOW_FRAMES]: {
      requestId: id,
      run: name,
      n: int(1, MAX_COUNT),
      steps: int(1, MAX_STEPS),
      eps: finite,
      seed,
      box,
      frames: int(2, MAX_FLOW_FRAMES),
    },
    [NCSN_TO_WORKER.TRUE_FIELD]: { requestId: id, dataset: name, grid, sigma: finite },
    [NCSN_TO_WORKER.COMPARE]: { requestId: id, n: int(1, MAX_COUNT), seed, box },
    // The class and guidance are the core's to check (it names the value and the model's classes);
    // here they need only be of a kind it can be given.
    [DIGITS_TO_WORKER.PRETRAINED]: {
      requestId: id,
      jobId: id,
      n: int(1, MAX_PRETRAINED),
      seed: int(0, Math.floor(limits.seed / PRETRAINED_SEEDS) - 1),
      class: typed("'any' | number", (v) => (v === 'any' || Number.isSafeInteger(v) ? '' : "'any' or a class number")),
      guidance: finite,
      steps: optional(int(1, MAX_STEPS)),
      eps: optional(finite),
    },
    [DIGITS_TO_WORKER.QUALITY]: {
      requestId: id,
      x: floats,
      want: optional(
        typed('Int32Array', (v) => (v instanceof Int32Array && v.length <= MAX_COUNT ? '' : 'an Int32Array of labels')),
      ),
    },
    [SDE_TO_WORKER.SAMPLE]: {
      run: name,
      jobId: id,
      sampler: oneOf(...SDE_SAMPLER_NAMES),
      steps: int(1, MAX_STEPS),
      n: int(1, MAX_SDE_POINTS),
      seed,
      snr: optional(finite),
      churn: optional(finite),
    },
    [SDE_TO_WORKER.QUALITY]: {
      run: name,
      jobId: id,
      samplers: typed(`Array<${SDE_SAMPLER_NAMES.map((x) => `'${x}'`).join(' | ')}>`, (v) =>
        Array.isArray(v) &&
        v.length >= 1 &&
        v.length <= SDE_SAMPLER_NAMES.length &&
        v.every((x) => SDE_SAMPLER_NAMES.includes(x))
          ? ''
          : `an array of sampler names (${SDE_SAMPLER_NAMES.join(', ')})`,
      ),
      nfes: typed('number[]', (v) =>
        Array.isArray(v) &&
        v.length >= 1 &&
        v.length <= MAX_NFES &&
        v.every((x) => integerProblem(x, 1, MAX_STEPS) === '')
          ? ''
          : `an array of 1 to ${MAX_NFES} whole numbers of score evaluations from 1 to ${MAX_STEPS}`,
      ),
      n: int(2, MAX_SDE_POINTS),
      snr: optional(finite),
      churn: optional(finite),
    },
    [SDE_TO_WORKER.DENSITY]: { run: name, jobId: id, grid, steps: int(1, MAX_STEPS) },
    [SDE_TO_WORKER.CANCEL]: {
      run: name,
      kinds: optional(
        typed("Array<'sample' | 'quality' | 'density'>", (v) =>
          Array.isArray(v) && v.every((k) => ['sample', 'quality', 'density'].includes(k))
            ? ''
            : "an array of 'sample', 'quality', 'density'",
        ),
      ),
    },
    [SDE_TO_WORKER.EXACT_DENSITY]: { requestId: id, dataset: name, grid, steps: int(1, MAX_STEPS) },
  };
}

const KNOWN_TYPES = new Set([
  ...Object.values(TO_WORKER),
  ...Object.values(NCSN_TO_WORKER),
  ...Object.values(DIGITS_TO_WORKER),
  ...Object.values(SDE_TO_WORKER),
]);
const shapesByLimits = new WeakMap();

/**
 * Throws an Error naming the first thing in msg that does not fit its type's shape, for a module of
 * `limits` (sf.limits; null before the core is loaded, when only INIT can be checked).
 */
export function checkMessage(msg, limits) {
  if (!isPlain(msg)) throw new Error('a message to the worker must be an object { type, … }');
  if (typeof msg.type !== 'string' || !KNOWN_TYPES.has(msg.type)) {
    const shown =
      typeof msg.type === 'string'
        ? `'${msg.type.slice(0, 40)}${msg.type.length > 40 ? '…' : ''}'`
        : String(typeof msg.type);
    throw new Error(`unknown message type ${shown}`);
  }
  let shape = INIT_SHAPE;
  if (msg.type !== TO_WORKER.INIT) {
    if (!limits) throw new Error(`'${msg.type}' arrived before the core was loaded`);
    if (!shapesByLimits.has(limits)) shapesByLimits.set(limits, shapesFor(limits));
    shape = shapesByLimits.get(limits)[msg.type];
    if (!shape) throw new Error(`unknown message type '${msg.type}'`);
  }
  for (const [key, check] of Object.entries(shape)) {
    const misfit = fieldMisfit(check, msg[key], key);
    if (misfit) throw new Error(`'${msg.type}' message: ${misfit.path} must be ${misfit.expected}`);
  }
}
