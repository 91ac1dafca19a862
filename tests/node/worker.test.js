// worker.test.js — the training worker (web/worker/worker.js) in Node, driven by messages as the page
// drives it, and by every kind of message the page never sends: tests/BAD_INPUT.md's row "worker
// messages". Each bad message must be answered by an ERROR naming what was wrong, leave the run's
// network exactly as it was (its weights file byte for byte) and the worker answering; RESTORE must
// bring a saved run back bit for bit; a wasm trap must make the worker say so and close.
//
// The worker runs here on a stand-in `self` (an EventTarget with postMessage and close); messages go
// through structuredClone as they would between threads. Run `./build-wasm.sh` first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FROM_WORKER, TO_WORKER, NCSN_TO_WORKER, NCSN_FROM_WORKER, SDE_TO_WORKER } from '../../web/worker/protocol.js';

// A trap on demand: the core's training exports (whole steps, or a step's pieces) throw
// WebAssembly.RuntimeError once when asked.
const realInstantiate = WebAssembly.instantiate;
let trapNextTrain = false;
WebAssembly.instantiate = async (...args) => {
  const instance = await realInstantiate.apply(WebAssembly, args);
  const trapping =
    (f) =>
    (...a) => {
      if (!trapNextTrain) return f(...a);
      trapNextTrain = false;
      throw new WebAssembly.RuntimeError('unreachable');
    };
  return {
    exports: {
      ...instance.exports,
      sfw_model_train: trapping(instance.exports.sfw_model_train),
      sfw_model_step_chunk: trapping(instance.exports.sfw_model_step_chunk),
    },
  };
};

const outbox = [];
let closed = false;
const self = new EventTarget();
self.postMessage = (msg) => outbox.push(structuredClone(msg));
self.close = () => {
  closed = true;
};
globalThis.self = self;
await import('../../web/worker/worker.js');

const send = (msg) => self.dispatchEvent(new MessageEvent('message', { data: structuredClone(msg) }));

// Waits for the first message after `from` (an outbox index) that satisfies pred.
async function next(pred, from, what, timeoutMs = 10000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const found = outbox.slice(from).find(pred);
    if (found) return found;
    if (Date.now() > end)
      throw new Error(
        `no ${what} within ${timeoutMs} ms; last messages: ${JSON.stringify(outbox.slice(-3).map((m) => m.type))}`,
      );
    await new Promise((r) => setTimeout(r, 2));
  }
}

let requestId = 1000;
async function request(msg, answerType) {
  const id = requestId++,
    from = outbox.length;
  send({ ...msg, requestId: id });
  return next((m) => m.requestId === id && (m.type === answerType || m.type === FROM_WORKER.ERROR), from, answerType);
}

async function save(run) {
  const answer = await request({ type: TO_WORKER.SAVE, run }, FROM_WORKER.WEIGHTS);
  assert.equal(answer.type, FROM_WORKER.WEIGHTS, answer.message);
  return answer.bytes;
}

let pings = 0;
async function alive() {
  const seq = ++pings,
    from = outbox.length;
  send({ type: TO_WORKER.PING, seq });
  await next((m) => m.type === FROM_WORKER.PONG && m.seq === seq, from, 'PONG', 2000);
}

const SETTINGS = {
  dataset: 'swiss_roll',
  objective: 'sliced',
  batch: 128,
  lr: 0.001,
  seed: 42,
  width: 32,
  depth: 2,
  steps: 1000,
};

async function configure(run, settings) {
  const from = outbox.length;
  send({ type: TO_WORKER.CONFIGURE, run, settings });
  return next((m) => (m.type === FROM_WORKER.STATE && m.run === run) || m.type === FROM_WORKER.ERROR, from, 'STATE');
}

async function step(run, steps) {
  const from = outbox.length;
  send({ type: TO_WORKER.STEP, run, steps });
  return next((m) => m.type === FROM_WORKER.STATE && m.run === run && !m.playing, from, 'STATE after STEP');
}

const ready = next((m) => m.type === FROM_WORKER.READY, 0, 'READY');
send({ type: TO_WORKER.INIT });
await ready;

test('a_run_trains_and_is_restored_bit_for_bit_from_its_weights_file', async () => {
  assert.equal((await configure('a', SETTINGS)).type, FROM_WORKER.STATE);
  await step('a', 20);
  const checkpoint = await save('a');
  await step('a', 5);
  const after25 = await save('a');

  // What the page's Engine sends a restarted worker: the settings and the checkpoint.
  let from = outbox.length;
  send({ type: TO_WORKER.RESTORE, run: 'a', settings: SETTINGS, generation: 7, bytes: checkpoint });
  const state = await next((m) => m.type === FROM_WORKER.STATE && m.run === 'a', from, 'STATE after RESTORE');
  assert.deepEqual([state.generation, state.step, state.playing], [7, 20, false]);
  assert.deepEqual(await save('a'), checkpoint);
  await step('a', 5);
  assert.deepEqual(await save('a'), after25, 'training on from a checkpoint gives the same bits as training through');

  // Without a file, RESTORE makes the network the settings make, at step 0.
  from = outbox.length;
  send({ type: TO_WORKER.RESTORE, run: 'b', settings: SETTINGS, generation: 3 });
  const fresh = await next((m) => m.type === FROM_WORKER.STATE && m.run === 'b', from, 'STATE');
  assert.deepEqual([fresh.generation, fresh.step], [3, 0]);
});

test('a_noise_conditional_run_is_restored_with_its_painted_points', async () => {
  const settings = { ...SETTINGS, dataset: 'points', objective: 'ncsn', sigmaMax: 1, sigmaMin: 0.05, levels: 5 };
  const points = new Float32Array([0, 0, 0.5, 0.5, -0.5, 0.25]);
  send({ type: NCSN_TO_WORKER.POINTS, run: 'p', points });
  assert.equal((await configure('p', settings)).type, FROM_WORKER.STATE);
  await step('p', 10);
  const checkpoint = await save('p');
  send({ type: NCSN_TO_WORKER.POINTS, run: 'q', points }); // a restarted worker gets the points first
  const from = outbox.length;
  send({ type: TO_WORKER.RESTORE, run: 'q', settings, generation: 1, bytes: checkpoint });
  const state = await next((m) => m.type === FROM_WORKER.STATE && m.run === 'q', from, 'STATE');
  assert.equal(state.step, 10);
  await step('p', 3);
  await step('q', 3);
  assert.deepEqual(await save('q'), await save('p'));
});

// A score-SDE widget gives its run a file's points by POINTS: after a worker restart they come back in
// RESTORE (engine.js), and the noise-conditional run takes them there as a plain run does.
test('a_noise_conditional_run_given_points_by_POINTS_is_restored_with_them', async () => {
  const settings = { ...SETTINGS, dataset: 'points', objective: 'vesde', sigmaMax: 1, sigmaMin: 0.05, levels: 5 };
  const points = new Float32Array([0, 0, 0.5, 0.5, -0.5, 0.25]);
  assert.equal((await configure('v', { ...settings, dataset: 'mixture' })).type, FROM_WORKER.STATE);
  let from = outbox.length;
  send({ type: TO_WORKER.POINTS, run: 'v', points });
  await next((m) => m.type === FROM_WORKER.STATE && m.run === 'v', from, 'STATE after POINTS');
  assert.equal((await configure('v', settings)).type, FROM_WORKER.STATE);
  await step('v', 10);
  const checkpoint = await save('v');
  from = outbox.length;
  send({ type: TO_WORKER.RESTORE, run: 'w', settings, generation: 1, bytes: checkpoint, points });
  const state = await next((m) => m.type === FROM_WORKER.STATE && m.run === 'w', from, 'STATE');
  assert.equal(state.step, 10);
  await step('v', 3);
  await step('w', 3);
  assert.deepEqual(await save('w'), await save('v'), 'the restored run trains on the same points');
});

test('a_plain_run_given_points_trains_the_same_bits_as_model_setPoints_and_bad_points_change_nothing', async () => {
  const points = new Float32Array([0, 0, 0.5, 0.5, -0.5, 0.25, 1, -1]);
  const settings = { ...SETTINGS, dataset: 'points' };
  assert.equal((await configure('u', SETTINGS)).type, FROM_WORKER.STATE);
  let from = outbox.length;
  send({ type: TO_WORKER.POINTS, run: 'u', points });
  await next((m) => m.type === FROM_WORKER.STATE && m.run === 'u', from, 'STATE after POINTS');
  assert.equal((await configure('u', settings)).type, FROM_WORKER.STATE);
  await step('u', 10);
  const { createScorefield } = await import('../../web/core/scorefield.js');
  const sf = await createScorefield({ digits: false });
  const model = sf.createModel({ dim: 2, hidden: settings.width, depth: settings.depth, seed: settings.seed });
  model.setPoints(points);
  model.configureTraining({ dataset: 'points', objective: settings.objective, batch: settings.batch, lr: settings.lr });
  model.train(10);
  const bits = await save('u');
  assert.deepEqual(bits, model.save(), 'the worker run and model.setPoints train the same bits');
  model.dispose();

  // Points the core refuses (a NaN) are an ERROR naming the problem; the run keeps its network.
  from = outbox.length;
  send({ type: TO_WORKER.POINTS, run: 'u', points: new Float32Array([0, NaN]) });
  const error = await next((m) => m.type === FROM_WORKER.ERROR, from, 'ERROR');
  assert.match(error.message, /finite|NaN/i);
  assert.deepEqual(await save('u'), bits);

  // New points on a run training on 'points' start a new network: step 0, paused.
  from = outbox.length;
  send({ type: TO_WORKER.POINTS, run: 'u', points: points.subarray(0, 4) });
  const state = await next((m) => m.type === FROM_WORKER.STATE && m.run === 'u', from, 'STATE');
  assert.deepEqual([state.step, state.playing], [0, false]);
});

// Every cell of BAD_INPUT.md's worker-message row: [what, message, pattern of the ERROR's text].
const longName = 'r'.repeat(100000);
const grid = { xmin: -1, xmax: 1, ymin: -1, ymax: 1, nx: 4, ny: 4 };
const langevin = { eps: 0.01, decay: 0.9, steps: 5, temperature: 1, seed: 1 };
const BAD = [
  // not a message at all
  ['a number', 5, /must be an object/],
  ['a string', 'play', /must be an object/],
  ['an array', [TO_WORKER.PLAY, 'a'], /must be an object/],
  ['null', null, /unknown message type/], // event.data ?? {}: arrives as {}
  // missing
  ['no type', { run: 'a' }, /unknown message type undefined/],
  ['CONFIGURE without settings', { type: TO_WORKER.CONFIGURE, run: 'a' }, /settings must be an object/],
  ['STEP without steps', { type: TO_WORKER.STEP, run: 'a' }, /steps must be an integer/],
  ['FIELD without grid', { type: TO_WORKER.FIELD, run: 'a', gridId: 'g' }, /grid must be an object/],
  [
    'LOAD without bytes',
    { type: TO_WORKER.LOAD, run: 'a', requestId: 1, offered: { datasets: [], objectives: [] } },
    /bytes must be a Uint8Array/,
  ],
  ['PLAY without run', { type: TO_WORKER.PLAY }, /run must be a string/],
  // wrong type
  ['steps as a string', { type: TO_WORKER.STEP, run: 'a', steps: '5' }, /steps must be an integer/],
  [
    'settings as a string',
    { type: TO_WORKER.CONFIGURE, run: 'a', settings: 'swiss_roll' },
    /settings must be an object/,
  ],
  [
    'a setting as an object',
    { type: TO_WORKER.CONFIGURE, run: 'a', settings: { ...SETTINGS, lr: { value: 1 } } },
    /'lr' is not/,
  ],
  [
    'starts as an Array',
    { type: TO_WORKER.CHAINS, run: 'a', viewId: 'v', starts: [0, 0], langevin },
    /starts must be a Float32Array/,
  ],
  [
    'bytes as a string',
    { type: TO_WORKER.LOAD, run: 'a', requestId: 1, bytes: 'SFW1', offered: { datasets: [], objectives: [] } },
    /bytes must be a Uint8Array/,
  ],
  ['run as a number', { type: TO_WORKER.PAUSE, run: 5 }, /run must be a string/],
  ['a lr the core cannot read', { type: TO_WORKER.CONFIGURE, run: 'a', settings: { ...SETTINGS, lr: '0.1' } }, /lr/],
  // NaN and ±Infinity
  [
    'a NaN grid corner',
    { type: TO_WORKER.FIELD, run: 'a', gridId: 'g', grid: { ...grid, xmin: NaN } },
    /grid\.xmin must be a finite number/,
  ],
  [
    'an infinite step size',
    {
      type: TO_WORKER.CHAINS,
      run: 'a',
      viewId: 'v',
      starts: new Float32Array(2),
      langevin: { ...langevin, eps: Infinity },
    },
    /langevin\.eps must be a finite number/,
  ],
  ['a NaN learning rate', { type: TO_WORKER.CONFIGURE, run: 'a', settings: { ...SETTINGS, lr: NaN } }, /lr/],
  [
    'a NaN start',
    { type: TO_WORKER.CHAINS, run: 'a', viewId: 'v', starts: new Float32Array([NaN, 0]), langevin },
    /finite|NaN/i,
  ],
  [
    'an infinite σ',
    { type: NCSN_TO_WORKER.TRUE_FIELD, requestId: 1, dataset: 'mixture', grid, sigma: -Infinity },
    /sigma must be a finite number/,
  ],
  // negative and zero
  ['zero steps', { type: TO_WORKER.STEP, run: 'a', steps: 0 }, /steps must be an integer from 1/],
  ['negative steps', { type: TO_WORKER.STEP, run: 'a', steps: -1 }, /steps must be an integer from 1/],
  [
    'zero data points',
    { type: TO_WORKER.DATA, requestId: 1, dataset: 'swiss_roll', n: 0, seed: 1 },
    /n must be an integer from 1/,
  ],
  [
    'a negative seed',
    { type: TO_WORKER.SAMPLES, run: 'a', viewId: 'v', n: 2, seed: -1, langevin },
    /seed must be an integer from 0/,
  ],
  ['batch 0', { type: TO_WORKER.CONFIGURE, run: 'a', settings: { ...SETTINGS, batch: 0 } }, /batch/],
  ['a negative σ', { type: NCSN_TO_WORKER.TRUE_FIELD, requestId: 1, dataset: 'mixture', grid, sigma: -1 }, /sigma|σ/],
  // huge
  ['1e12 steps', { type: TO_WORKER.STEP, run: 'a', steps: 1e12 }, /steps must be an integer from 1 to 1000000/],
  [
    '1e9 data points',
    { type: TO_WORKER.DATA, requestId: 1, dataset: 'swiss_roll', n: 1e9, seed: 1 },
    /n must be an integer/,
  ],
  [
    'a grid of 1e6 × 1e6',
    { type: TO_WORKER.FIELD, run: 'a', gridId: 'g', grid: { ...grid, nx: 1e6, ny: 1e6 } },
    /grid\.nx must be an integer/,
  ],
  [
    'a billion sampler steps',
    {
      type: TO_WORKER.CHAINS,
      run: 'a',
      viewId: 'v',
      starts: new Float32Array(2),
      langevin: { ...langevin, steps: 1e9 },
    },
    /langevin\.steps must be an integer/,
  ],
  ['width 1e6', { type: TO_WORKER.CONFIGURE, run: 'a', settings: { ...SETTINGS, width: 1e6 } }, /hidden|width/],
  [
    'a 1e9 ms budget',
    { type: TO_WORKER.MEASURE, requestId: 1, cells: [{ dim: 2, objective: 'sliced' }], budgetMs: 1e9 },
    /budgetMs must be/,
  ],
  // integers a wasm i32 would wrap (2^32 + n → n, 2^31 → −2^31) or a double would round (2^53)
  [
    'width 2^32 + 8',
    { type: TO_WORKER.CONFIGURE, run: 'a', settings: { ...SETTINGS, width: 2 ** 32 + 8 } },
    /hidden must be an integer from 1 to 512, got 4294967304/,
  ],
  [
    'batch 2^32 + 16',
    { type: TO_WORKER.CONFIGURE, run: 'a', settings: { ...SETTINGS, batch: 2 ** 32 + 16 } },
    /batch must be an integer from 1 to 65536, got 4294967312/,
  ],
  [
    'depth 2^31',
    { type: TO_WORKER.CONFIGURE, run: 'a', settings: { ...SETTINGS, depth: 2 ** 31 } },
    /depth must be an integer from 1 to 4, got 2147483648/,
  ],
  [
    'seed 2^53',
    { type: TO_WORKER.CONFIGURE, run: 'a', settings: { ...SETTINGS, seed: 2 ** 53 } },
    /seed must be an integer from 0 to 9007199254740991, got 9007199254740992/,
  ],
  [
    '2^32 + 1 steps',
    { type: TO_WORKER.STEP, run: 'a', steps: 2 ** 32 + 1 },
    /steps must be an integer from 1 to 1000000/,
  ],
  [
    'a sampler seed of 2^53',
    { type: TO_WORKER.SAMPLES, run: 'a', viewId: 'v', n: 2, seed: 2 ** 53, langevin },
    /seed must be an integer from 0 to 9007199254740991/,
  ],
  [
    '2^32 + 15 sampler steps',
    {
      type: TO_WORKER.CHAINS,
      run: 'a',
      viewId: 'v',
      starts: new Float32Array(2),
      langevin: { ...langevin, steps: 2 ** 32 + 15 },
    },
    /langevin\.steps must be an integer from 0 to 1000000/,
  ],
  [
    'a cell of dim 2^32 + 2',
    { type: TO_WORKER.MEASURE, requestId: 1, cells: [{ dim: 2 ** 32 + 2, objective: 'sliced' }], budgetMs: 10 },
    /cells must be/,
  ],
  // out of range
  ['depth 5', { type: TO_WORKER.CONFIGURE, run: 'a', settings: { ...SETTINGS, depth: 5 } }, /depth/],
  [
    'a cell of dim 0',
    { type: TO_WORKER.MEASURE, requestId: 1, cells: [{ dim: 0, objective: 'sliced' }], budgetMs: 10 },
    /cells must be/,
  ],
  [
    'a non-integer count',
    { type: NCSN_TO_WORKER.COMPARE, requestId: 1, n: 2.5, seed: 1, box: grid },
    /n must be an integer/,
  ],
  [
    'starts not in pairs',
    { type: TO_WORKER.CHAINS, run: 'a', viewId: 'v', starts: new Float32Array(3), langevin },
    /multiple of D/,
  ],
  ['4097 painted points', { type: NCSN_TO_WORKER.POINTS, run: 'p', points: new Float32Array(2 * 4097) }, /4096/],
  ["a plain run's points as an Array", { type: TO_WORKER.POINTS, run: 'a', points: [0, 0] }, /points/],
  ['points to an unknown run', { type: TO_WORKER.POINTS, run: 'nobody', points: new Float32Array(2) }, /nobody/],
  ['points to fit as an Array', { type: TO_WORKER.FIT, requestId: 1, points: [0, 0], box: grid }, /points/],
  [
    'no points to fit',
    { type: TO_WORKER.FIT, requestId: 1, points: new Float32Array(0), box: grid },
    /points\.length \/ 2/,
  ],
  // unknown names
  ['an unknown type', { type: 'explode' }, /unknown message type 'explode'/],
  ['an unknown run', { type: TO_WORKER.PLAY, run: 'nosuch' }, /no run named 'nosuch'/],
  [
    'an unknown dataset',
    { type: TO_WORKER.CONFIGURE, run: 'a', settings: { ...SETTINGS, dataset: 'spirals' } },
    /spirals/,
  ],
  ['an unknown objective', { type: TO_WORKER.CONFIGURE, run: 'a', settings: { ...SETTINGS, objective: 'ssm' } }, /ssm/],
  [
    'points for a plain run',
    { type: NCSN_TO_WORKER.POINTS, run: 'a', points: new Float32Array(2) },
    /not a noise-conditional run/,
  ],
  ['a second INIT', { type: TO_WORKER.INIT }, /already loaded/],
  // the score-SDE section's jobs (issue 16)
  [
    'an unknown sampler',
    { type: SDE_TO_WORKER.SAMPLE, run: 'a', jobId: 1, sampler: 'rk4', steps: 10, n: 10, seed: 0 },
    /sampler must be one of 'annealed', 'sde', 'pc', 'ode-euler', 'ode-heun', 'edm'/,
  ],
  [
    'zero sampler steps',
    { type: SDE_TO_WORKER.SAMPLE, run: 'a', jobId: 1, sampler: 'sde', steps: 0, n: 10, seed: 0 },
    /steps must be/,
  ],
  [
    'a sample for a plain run',
    { type: SDE_TO_WORKER.SAMPLE, run: 'a', jobId: 1, sampler: 'sde', steps: 10, n: 10, seed: 0 },
    /not a noise-conditional run/,
  ],
  [
    'quality at 0 NFE',
    { type: SDE_TO_WORKER.QUALITY, run: 'a', jobId: 1, samplers: ['sde'], nfes: [0], n: 10 },
    /nfes must be an array of 1 to 32 whole numbers/,
  ],
  [
    'a density grid of 2000 columns',
    { type: SDE_TO_WORKER.DENSITY, run: 'a', jobId: 1, grid: { ...grid, nx: 2000 }, steps: 8 },
    /grid.nx must be/,
  ],
  ['cancelling an unknown kind', { type: SDE_TO_WORKER.CANCEL, run: 'a', kinds: ['all'] }, /kinds must be/],
  // oversized strings and objects
  ['a 100 000-character run name', { type: TO_WORKER.PLAY, run: longName }, /run must be a string of 1 to 256/],
  ['a megabyte type', { type: 't'.repeat(1 << 20) }, /unknown message type 't{40}…'/],
  [
    'a long dataset name',
    { type: TO_WORKER.DATA, requestId: 1, dataset: longName, n: 1, seed: 1 },
    /dataset must be a string/,
  ],
  [
    'settings of 1000 keys',
    {
      type: TO_WORKER.CONFIGURE,
      run: 'a',
      settings: Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`k${i}`, i])),
    },
    /at most 64 settings/,
  ],
  // truncated and corrupted files
  ['a truncated weights file', 'truncated', /truncated|short/i],
  ['a weights file with a flipped byte', 'flipped', /corrupt|CRC/i],
  ['a checkpoint of another network', 'other', /different network|dim|architecture/i],
];

test('every_bad_message_is_answered_by_an_error_and_changes_nothing', async () => {
  await configure('a', SETTINGS);
  await step('a', 10);
  const before = await save('a');
  const other = await (async () => {
    await configure('z', { ...SETTINGS, width: 16 });
    return save('z');
  })();
  const offered = { datasets: ['swiss_roll'], objectives: ['sliced', 'exact'] };
  for (const [what, message, pattern] of BAD) {
    let msg = message;
    if (message === 'truncated')
      msg = { type: TO_WORKER.LOAD, run: 'a', requestId: 1, bytes: before.slice(0, 100), offered };
    if (message === 'flipped') {
      const bytes = before.slice();
      bytes[bytes.length >> 1] ^= 0x10;
      msg = { type: TO_WORKER.LOAD, run: 'a', requestId: 1, bytes, offered };
    }
    if (message === 'other')
      msg = { type: TO_WORKER.RESTORE, run: 'a', settings: SETTINGS, generation: 1, bytes: other };
    const from = outbox.length;
    send(msg);
    const error = await next(
      (m) => m.type === FROM_WORKER.ERROR || m.type === FROM_WORKER.STATE || m.type === FROM_WORKER.DATA,
      from,
      `an answer to ${what}`,
    );
    assert.equal(error.type, FROM_WORKER.ERROR, `${what}: answered by ${error.type}, not an ERROR`);
    assert.match(error.message, pattern, `${what}: the message "${error.message.slice(0, 200)}"`);
    assert.equal(error.fatal, false, what);
    assert.ok(!error.trap, what);
    await alive();
    assert.deepEqual(await save('a'), before, `${what}: run 'a' changed`);
  }
  await step('a', 1); // and it still trains
  assert.ok(!closed);
});

// Issue 15: a step of seconds runs in pieces between which the worker returns to its loop: it posts
// PROGRESS, answers a ping sent mid-step at once, and the step's loss is train(1)'s, bit for bit.
test('a_long_step_runs_in_pieces_with_progress_and_the_same_loss', async () => {
  const heavy = { ...SETTINGS, objective: 'exact', batch: 8192, width: 512, depth: 2, steps: 10 };
  await configure('h', heavy);
  const from = outbox.length;
  send({ type: TO_WORKER.STEP, run: 'h', steps: 1 });
  await next((m) => m.type === FROM_WORKER.PROGRESS && m.run === 'h', from, 'PROGRESS');
  const sentAt = outbox.length;
  send({ type: TO_WORKER.PING, seq: 424242 });
  assert.equal(outbox[sentAt]?.type, FROM_WORKER.PONG, 'a ping mid-step is answered at once');
  const losses = await next((m) => m.type === FROM_WORKER.LOSSES && m.run === 'h', from, 'LOSSES', 60000);
  const progress = outbox.slice(from).filter((m) => m.type === FROM_WORKER.PROGRESS && m.run === 'h');
  assert.ok(progress.length >= 2, `${progress.length} PROGRESS messages`);
  assert.ok(
    progress.every(
      (m, i) => m.total === 8192 && m.done > 0 && m.done < 8192 && (i === 0 || m.done > progress[i - 1].done),
    ),
    'progress rises through the batch',
  );
  const { createScorefield } = await import('../../web/core/scorefield.js');
  const sf = await createScorefield({ digits: false });
  const model = sf.createModel({ dim: 2, hidden: 512, depth: 2, seed: heavy.seed });
  model.configureTraining({ dataset: 'swiss_roll', objective: 'exact', batch: 8192, lr: heavy.lr });
  assert.deepEqual(losses.losses, model.train(1), 'the loss of train(1)');
  model.dispose();
});

// Work whose cost grows with a setting (a field's grid, chains × steps, a quality reading over the
// ladder's levels, the true score's grid) is announced: BUSY, then IDLE, then the answer, so the
// page's heartbeat (web/app/engine.js) never stops a worker doing it. BUSY and IDLE pair up, never nested.
function assertAnnounced(from, answer, what) {
  const after = outbox.slice(from);
  const at = after.indexOf(answer);
  const busy = after.findIndex((m) => m.type === FROM_WORKER.BUSY && m.what === what);
  const idle = after.findIndex((m, i) => i > busy && m.type === FROM_WORKER.IDLE && m.what === what);
  assert.ok(busy >= 0 && busy < idle && idle < at, `${what}: BUSY, IDLE, answer (${after.map((m) => m.type)})`);
  let depth = 0;
  for (const m of after) {
    if (m.type === FROM_WORKER.BUSY) depth++;
    if (m.type === FROM_WORKER.IDLE) depth--;
    assert.ok(depth === 0 || depth === 1, `${what}: BUSY and IDLE pair up`);
  }
}

test('views_and_quality_readings_are_announced_as_long_jobs', async () => {
  await configure('v', SETTINGS);
  let from = outbox.length;
  send({ type: TO_WORKER.FIELD, run: 'v', gridId: 'g', grid: { ...grid, nx: 64, ny: 64 } });
  let answer = await next((m) => m.type === FROM_WORKER.FIELD && m.run === 'v', from, 'FIELD');
  assert.equal(answer.scores.length, 2 * 64 * 64);
  assertAnnounced(from, answer, TO_WORKER.FIELD);

  from = outbox.length;
  const starts = new Float32Array(2 * 50);
  send({ type: TO_WORKER.CHAINS, run: 'v', viewId: 'c', starts, langevin: { ...langevin, steps: 200 } });
  answer = await next((m) => m.type === FROM_WORKER.CHAINS && m.run === 'v', from, 'CHAINS');
  assertAnnounced(from, answer, TO_WORKER.CHAINS);

  from = outbox.length;
  send({ type: NCSN_TO_WORKER.TRUE_FIELD, requestId: 77, dataset: 'mixture', grid, sigma: 0.1 });
  answer = await next((m) => m.type === NCSN_FROM_WORKER.TRUE_FIELD && m.requestId === 77, from, 'TRUE_FIELD');
  assertAnnounced(from, answer, NCSN_TO_WORKER.TRUE_FIELD);

  const ncsn = { ...SETTINGS, dataset: 'moons', objective: 'ncsn', sigmaMax: 1, sigmaMin: 0.05, levels: 10 };
  assert.equal((await configure('n', { ...ncsn, edEvery: 5 })).type, FROM_WORKER.STATE);
  from = outbox.length;
  await step('n', 5);
  answer = await next((m) => m.type === NCSN_FROM_WORKER.QUALITY && m.run === 'n' && m.step === 5, from, 'QUALITY');
  assertAnnounced(from, answer, NCSN_FROM_WORKER.QUALITY);
  await alive();
});

// Chains and digit samples of many steps (the table allows 10⁶) run as jobs in pieces
// (web/worker/pieces.js): a VIEW_PROGRESS after each piece, pings answered between pieces, only the
// frames the figures draw kept, and a newer request for the view replacing the job (issue 15).
// Sends `msg` from inside the worker's next post that satisfies pred, as a message from the page
// arriving between two pieces of a job would be received (in Node the worker's own loop would run
// the whole job before a timer of the test fires).
function sendWhen(pred, msg) {
  const post = self.postMessage;
  self.postMessage = (m) => {
    post(m);
    if (pred(m)) {
      self.postMessage = post;
      send(msg);
    }
  };
}

test('long_chains_and_samples_run_in_pieces_with_progress_keep_the_drawn_frames_and_can_be_replaced', async () => {
  await configure('long', SETTINGS);
  const steps = 12000,
    starts = new Float32Array([0.5, 0, -0.5, 0, 0, 0.5]);
  let from = outbox.length;
  const seq = 9000;
  sendWhen((m) => m.type === FROM_WORKER.VIEW_PROGRESS && m.viewId === 'c', { type: TO_WORKER.PING, seq });
  send({ type: TO_WORKER.CHAINS, run: 'long', viewId: 'c', starts, langevin: { ...langevin, steps } });
  const answer = await next((m) => m.type === FROM_WORKER.CHAINS && m.viewId === 'c', from, 'CHAINS', 60000);
  const after = outbox.slice(from);
  const pong = after.findIndex((m) => m.type === FROM_WORKER.PONG && m.seq === seq);
  const progress = after.filter((m) => m.type === FROM_WORKER.VIEW_PROGRESS && m.viewId === 'c');
  assert.ok(pong >= 0 && pong < after.indexOf(progress[1]), 'a ping is answered between two pieces');
  assert.equal(progress[0].total, 3 * steps);
  assert.ok(progress.length >= 3, `${progress.length} progress messages`);
  for (let i = 1; i < progress.length; i++) assert.ok(progress[i].done > progress[i - 1].done, 'progress increases');
  assert.equal(answer.steps, steps);
  const frames = answer.frames.length / (2 * answer.n);
  assert.ok((frames - 1) * answer.n <= 3000, `${frames} frames of ${answer.n} chains: at most 3000 segments drawn`);
  assert.equal(frames, Math.floor(steps / answer.stride) + 1 + (steps % answer.stride ? 1 : 0));
  assert.deepEqual([...answer.frames.subarray(0, 6)], [...starts], 'frame 0 holds the starts');
  assert.ok(answer.frames.every(Number.isFinite));

  // A newer request for the same view replaces the job still running: one answer, the newer one's.
  from = outbox.length;
  sendWhen((m) => m.type === FROM_WORKER.VIEW_PROGRESS && m.viewId === 'r', {
    type: TO_WORKER.CHAINS,
    run: 'long',
    viewId: 'r',
    starts,
    langevin: { ...langevin, steps: 7 },
  });
  send({ type: TO_WORKER.CHAINS, run: 'long', viewId: 'r', starts, langevin: { ...langevin, steps } });
  const replaced = await next((m) => m.type === FROM_WORKER.CHAINS && m.viewId === 'r', from, 'CHAINS', 60000);
  assert.equal(replaced.steps, 7);
  assert.equal(replaced.frames.length, 8 * 3 * 2, 'every step of a short chain is kept');
  await alive();
  assert.equal(outbox.slice(from).filter((m) => m.type === FROM_WORKER.CHAINS && m.viewId === 'r').length, 1);

  // Samples (16 chains at once) keep at most 1001 frames, evenly spaced, the last among them.
  from = outbox.length;
  send({ type: TO_WORKER.SAMPLES, run: 'long', viewId: 's', n: 16, seed: 3, langevin: { ...langevin, steps: 40000 } });
  const samples = await next(
    (m) => (m.type === FROM_WORKER.SAMPLES && m.viewId === 's') || m.type === FROM_WORKER.ERROR,
    from,
    'SAMPLES',
    60000,
  );
  assert.equal(samples.type, FROM_WORKER.SAMPLES, samples.message);
  assert.equal(samples.stride, 40);
  assert.equal(samples.frames.length, 1001 * 16 * 2);
  assert.ok(outbox.slice(from).some((m) => m.type === FROM_WORKER.VIEW_PROGRESS && m.viewId === 's'));
});

test('a_wasm_trap_is_reported_and_closes_the_worker', async () => {
  await configure('t', SETTINGS);
  trapNextTrain = true;
  const from = outbox.length;
  send({ type: TO_WORKER.STEP, run: 't', steps: 1 });
  const error = await next((m) => m.type === FROM_WORKER.ERROR, from, 'ERROR');
  assert.equal(error.trap, true);
  assert.match(error.message, /trapped: unreachable/);
  assert.ok(closed, 'the worker closed itself');
});
