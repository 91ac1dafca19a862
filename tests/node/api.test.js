// api.test.js — the JavaScript API of web/core/scorefield.js, end to end on short runs.
//
// Checks that models train, score and sample with the shapes documented, that the API reproduces the
// native build's golden losses and is deterministic across instances and ISAs, that bad input throws
// an Error naming the problem and leaves the model usable, that a non-finite step is reported with the
// losses that ran, and that create/dispose cycles give memory back. The C-level checks are in
// wasm.test.js; run `./build-wasm.sh` first, then `node --test tests/node/`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createScorefield } from '../../web/core/scorefield.js';

const bits = (f32) => Array.from(new Uint32Array(f32.buffer, f32.byteOffset, f32.length));
const allFinite = (a) => Array.from(a).every(Number.isFinite);

// Copied from tests/node/wasm.test.js, golden_losses_match_the_native_build_bit_for_bit: the native
// build's losses for D = 2, H 128, depth 2, seed 42, swiss roll, sliced defaults, 10 steps.
const GOLDEN = [
  0x3f882ab0, 0x3e4843cc, 0xbcd6d9be, 0x3d01dfbf, 0x3da9753c, 0x3e1d2a4b, 0x3e54a384, 0x3dbf93ba, 0xbdac3a11,
  0xbdebb78f,
];

async function goldenRun(options) {
  const sf = await createScorefield(options);
  const model = sf.createModel({ dim: 2, seed: 42 });
  model.configureTraining({ dataset: 'swiss_roll', objective: 'sliced' });
  const losses = model.train(10);
  model.dispose();
  return losses;
}

test('end_to_end_short_runs_give_finite_losses', async () => {
  const sf = await createScorefield();
  const swiss = sf.createModel({ dim: 2 });
  swiss.configureTraining({ dataset: 'swiss_roll', objective: 'exact' });
  const losses = swiss.train(100);
  assert.ok(losses instanceof Float32Array);
  assert.equal(losses.length, 100);
  assert.ok(allFinite(losses));
  assert.equal(swiss.stepCount, 100);
  assert.equal(swiss.params().length, swiss.paramCount);
  swiss.dispose();

  const digits = sf.createModel({ dim: 64, hidden: 64 });
  digits.configureTraining({ dataset: 'digits', objective: 'sliced' });
  const d = digits.train(20);
  assert.equal(d.length, 20);
  assert.ok(allFinite(d));
  digits.dispose();

  const { x, labels } = sf.sampleData({ dataset: 'digits', n: 5, seed: 1 });
  assert.equal(x.length, 5 * 64);
  assert.ok(labels instanceof Int32Array && labels.every((c) => c >= 0 && c <= 9));
  assert.equal(sf.sampleData({ dataset: 'swiss_roll', n: 3 }).labels, null);
  const u = sf.uniform(100, -1, 1, 7);
  assert.ok(u.every((v) => v >= -1 && v < 1));
});

test('train_is_deterministic_and_matches_the_golden_losses', async () => {
  const [a, b] = await Promise.all([goldenRun(), goldenRun()]);
  assert.deepEqual(bits(a), bits(b), 'same seed, same losses in two fresh instances');
  assert.deepEqual(bits(a), GOLDEN);
});

test('simd_and_scalar_give_identical_losses', async () => {
  const simd = await createScorefield({ simd: true }),
    scalar = await createScorefield({ simd: false });
  assert.equal(simd.isa, 'simd128');
  assert.equal(scalar.isa, 'scalar');
  assert.deepEqual(bits(await goldenRun({ simd: false })), GOLDEN);
  assert.deepEqual(bits(await goldenRun({ simd: true })), GOLDEN);
});

test('score_grid_50x50_returns_2500x2_finite_scores', async () => {
  const sf = await createScorefield();
  const model = sf.createModel({ dim: 2 });
  model.train(5);
  const { points, scores } = model.scoreGrid({ xmin: -1.5, xmax: 2, ymin: -1.5, ymax: 2, nx: 50, ny: 50 });
  assert.equal(points.length, 2500 * 2);
  assert.equal(scores.length, 2500 * 2);
  assert.ok(allFinite(scores));
  assert.deepEqual([points[0], points[1]], [-1.5, -1.5]);
  assert.deepEqual([points[4998], points[4999]], [2, 2]);
  const cube = sf.createModel({ dim: 3 });
  assert.throws(() => cube.scoreGrid({ xmin: 0, xmax: 1, ymin: 0, ymax: 1, nx: 2, ny: 2 }), /dim 2/);
  cube.dispose();
  model.dispose();
});

test('langevin_keep_all_has_steps_plus_one_frames_and_frame_0_is_start', async () => {
  const sf = await createScorefield();
  const model = sf.createModel({ dim: 2 });
  const n = 7,
    steps = 15;
  const start = sf.uniform(n * 2, -1, 1, 3);
  const all = model.langevin({ start, n, eps: 0.01, decay: 0.9, temperature: 1, steps, seed: 11, keepAll: true });
  assert.equal(all.length, (steps + 1) * n * 2);
  assert.deepEqual(bits(all.subarray(0, n * 2)), bits(start));
  const last = model.langevin({ start, n, eps: 0.01, decay: 0.9, temperature: 1, steps, seed: 11 });
  assert.deepEqual(bits(last), bits(all.subarray(steps * n * 2)), 'keepAll=false is the last frame');
  model.dispose();
});

test('bad_input_throws_a_named_error_and_the_model_still_works', async () => {
  const sf = await createScorefield();
  const model = sf.createModel({ dim: 2 });
  const cases = [
    [() => model.configureTraining({ dataset: 'spirals' }), /unknown dataset 'spirals'.*'swiss_roll', 'digits'/],
    // An oversized string is named, not repeated: the message stays short.
    [() => model.configureTraining({ dataset: 'x'.repeat(1 << 20) }), /^(?![^]{400}).*unknown dataset 'x+\.\.\. /],
    [() => model.configureTraining({ ['k'.repeat(1 << 20)]: 1 }), /^(?![^]{400})/],
    [() => model.configureTraining({ objective: 'slicedVr' }), /unknown objective 'slicedVr'.*'sliced_vr'/],
    [() => model.configureTraining({ dataset: 'digits' }), /dimension 64 but the model's is 2/],
    [() => model.configureTraining({ lr: NaN }), /lr must be a finite number, got NaN/],
    [() => model.train(-1), /steps must be an integer from 0 to 2147483647, got -1/],
    [() => model.train(1.5), /steps must be an integer/],
    [() => model.langevin({ start: new Float32Array(5), n: 2 }), /start must hold 4 floats, got 5/],
    [() => model.score([0.5, 0.5], 1), /points must be a Float32Array/],
    [() => sf.createModel({ dim: 2, isa: 'avx' }), /unknown isa 'avx'/],
    [() => model.configureTraining({ batch: 0 }), /batch must be an integer from 1 to 65536, got 0/],
    [() => model.configureTraining({ batch: 1e9 }), /batch must be an integer from 1 to 65536, got 1000000000/],
    [() => model.configureTraining({ lr: 1e300 }), /learning rate must be finite and > 0, got inf/],
    [() => model.configureTraining({ lr: -0.1 }), /learning rate must be finite and > 0/],
    [() => model.configureTraining({ sigma: -1 }), /sigma must be finite and > 0/],
    [() => model.configureTraining({ lr: '0.1' }), /lr must be a finite number, got '0.1'/],
    [() => model.configureTraining({ levels: 1000 }), /levels must be an integer from 1 to 64, got 1000/],
    [() => sf.createModel({ dim: 2, hidden: 1e6 }), /hidden must be an integer from 1 to 512, got 1000000/],
    [() => sf.createModel({ dim: 0 }), /dim must be an integer from 1 to 256, got 0/],
    [() => sf.createModel({ dim: 2, seed: -1 }), /model seed must be an integer from 0 to 9007199254740991, got -1/],
    [() => sf.createModel({ dim: 2, seed: 2 ** 60 }), /model seed must be an integer/],
    [() => model.langevin({ start: new Float32Array(2), eps: -1 }), /eps must be finite and > 0/],
    [
      () => model.langevin({ start: new Float32Array(2), steps: 2e6 }),
      /steps must be an integer from 0 to 1000000, got 2000000/,
    ],
    [() => model.langevin({ start: new Float32Array([0, Infinity]) }), /start points contain NaN or infinity/],
    [() => model.score(new Float32Array([NaN, 0])), /x contains NaN or infinity/],
    [() => model.train(1e9), /out of memory: a buffer of 4000000000 bytes/],
    [() => model.train(2 ** 32 + 1), /steps must be an integer from 0 to 2147483647, got 4294967297/],
  ];
  for (const [call, message] of cases) {
    assert.throws(call, message);
    const losses = model.train(1);
    assert.ok(losses.length === 1 && allFinite(losses), `the model trains after ${message}`);
  }
  model.dispose();
  for (const call of [
    () => model.train(1),
    () => model.stepCount,
    () => model.params(),
    () => model.score(new Float32Array(2), 1),
    () => model.configureTraining({}),
  ]) {
    assert.throws(call, /model has been disposed/);
  }
  model.dispose(); // a second dispose is a no-op
});

test('non_finite_training_throws_with_the_losses_that_ran', async () => {
  const sf = await createScorefield();
  const model = sf.createModel({ dim: 2 });
  model.train(3);
  model.configureTraining({ lr: 1e35 });
  const before = model.stepCount;
  let err;
  try {
    model.train(50);
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof Error, 'lr 1e35 makes training non-finite within 50 steps');
  assert.match(err.message, /not finite/);
  assert.ok(err.losses instanceof Float32Array && err.losses.length < 50);
  assert.ok(allFinite(err.losses));
  assert.equal(model.stepCount, before + err.losses.length, 'the failed step is not counted');
  // The kept steps left parameters near 1e35, so the model is not expected to recover: only the
  // rollback is checked, by the failed call's losses and the step count.
  model.dispose();
});

test('defaults_come_from_the_c_library', async () => {
  const sf = await createScorefield();
  assert.deepEqual(sf.defaults.net, { hidden: 128, depth: 2, seed: 42 });
  const ladder2d = { sigmaMax: 3, sigmaMin: 0.01, levels: 10, sigmaDist: 'log_uniform' };
  assert.deepEqual(sf.defaults.train.swiss_roll, {
    objective: 'sliced',
    batch: 128,
    projections: 1,
    lr: 0.001,
    sigma: 0.1,
    dataNoise: 1,
    ...ladder2d,
  });
  assert.deepEqual(sf.defaults.train.digits, {
    objective: 'sliced',
    batch: 128,
    projections: 1,
    lr: 0.001,
    sigma: 0.2,
    dataNoise: 0.1,
    sigmaMax: 1,
    sigmaMin: 0.01,
    levels: 10,
    sigmaDist: 'log_uniform',
  });
  assert.equal(sf.defaults.train.mixture.dataNoise, 0.2);
  assert.deepEqual(sf.defaults.sde.mixture, {
    steps: 100,
    snr: 0.16,
    rho: 7,
    churn: 10,
    sigmaMax: 3,
    sigmaMin: 0.01,
    seed: 0,
  });
  assert.deepEqual(sf.defaults.likelihood.digits, {
    steps: 100,
    rho: 7,
    probes: 1,
    sigmaMax: 1,
    sigmaMin: 0.01,
    seed: 0,
  });
  assert.deepEqual(sf.defaults.anneal.mixture, { steps: 100, eps: 1e-5, seed: 0 });
  assert.deepEqual(sf.defaults.anneal.digits, { steps: 100, eps: 2e-5, seed: 0 });
  assert.deepEqual(sf.defaults.langevin.swiss_roll, { eps: 0.01, decay: 0.9, temperature: 1, steps: 15, seed: 0 });
  assert.deepEqual(sf.defaults.langevin.digits, { eps: 0.05, decay: 0.98, temperature: 0.02, steps: 50, seed: 0 });
  assert.ok(Object.isFrozen(sf.defaults.train.digits));
  assert.deepEqual(
    ['swiss_roll', 'digits', 'moons', 'points'].map((d) => sf.dataDim(d)),
    [2, 64, 2, 2],
  );
  assert.throws(() => sf.dataDim('spirals'), /unknown dataset 'spirals'/);
  const live = sf.heapUsed();
  assert.throws(
    () => sf.sampleData({ dataset: 'swiss_roll', n: 1e9, seed: 1 }),
    /out of memory: a buffer of 8000000000 bytes/,
  );
  assert.equal(sf.heapUsed(), live, 'a refused huge request allocates nothing');
  const model = sf.createModel({ dim: 64, hidden: 16 });
  assert.deepEqual(model.trainingConfig(), { dataset: 'digits', ...sf.defaults.train.digits });
  assert.deepEqual([model.dim, model.hidden, model.depth, model.seed], [64, 16, 2, 42]);
  model.dispose();
});

test('configure_training_changes_only_what_it_is_given', async () => {
  const sf = await createScorefield();
  const model = sf.createModel({ dim: 2 });
  model.configureTraining({ objective: 'exact', batch: 64 });
  model.configureTraining({ lr: 3e-4 });
  assert.deepEqual(model.trainingConfig(), {
    dataset: 'swiss_roll',
    objective: 'exact',
    batch: 64,
    projections: 1,
    lr: 3e-4,
    sigma: 0.1,
    dataNoise: 1,
    sigmaMax: 3,
    sigmaMin: 0.01,
    levels: 10,
    sigmaDist: 'log_uniform',
  });
  assert.throws(() => model.configureTraining({ sigmaDist: 'uniform' }), /unknown sigmaDist 'uniform'/);
  model.configureTraining({ dataset: 'moons' });
  assert.equal(model.trainingConfig().dataNoise, 0.05, 'a new dataset brings its own noise');
  assert.equal(model.trainingConfig().objective, 'exact', 'and keeps the objective');
  assert.throws(() => model.configureTraining({ learningRate: 0.1 }), /unknown training setting 'learningRate'/);
  assert.throws(() => model.configureTraining('fast'), /must be an object/);
  assert.equal(model.trainingConfig().lr, 3e-4, 'a refused change leaves the settings');
  model.dispose();
});

// Train 30 steps, save, restore (into a new model, into an existing one, into the scalar build) and
// train 20 more everywhere: the same bits as never stopping, because the file holds the moments, the
// step count and the training generator's state, and the two builds' kernels agree bit for bit.
test('weights_round_trip_trains_on_bit_for_bit', async () => {
  const sf = await createScorefield({ simd: true }),
    scalar = await createScorefield({ simd: false });
  const a = sf.createModel({ dim: 2, hidden: 32, seed: 5 });
  a.configureTraining({ objective: 'exact', lr: 2e-3 });
  a.train(30);
  const file = a.save();
  assert.ok(file instanceof Uint8Array);
  assert.equal(file.length, 128 + 12 * a.paramCount);
  assert.equal(new TextDecoder().decode(file.subarray(0, 8)), 'SCOREFLD');
  const b = sf.loadModel(file);
  const c = scalar.loadModel(file.buffer);
  const d = sf.createModel({ dim: 2, hidden: 32, seed: 9 });
  d.load(file);
  for (const m of [b, c, d]) {
    assert.deepEqual(m.trainingConfig(), a.trainingConfig());
    assert.deepEqual([m.dim, m.hidden, m.depth, m.seed, m.stepCount], [2, 32, 2, 5, 30]);
    assert.deepEqual(bits(m.params()), bits(a.params()));
  }
  const expected = bits(a.train(20));
  for (const m of [b, c, d]) assert.deepEqual(bits(m.train(20)), expected);
  assert.deepEqual(bits(c.params()), bits(a.params()));
  for (const m of [a, b, c, d]) m.dispose();
});

test('bad_weights_files_throw_a_named_error_and_change_nothing', async () => {
  const sf = await createScorefield();
  const model = sf.createModel({ dim: 2, hidden: 16 });
  model.train(3);
  const file = model.save();
  const other = sf.createModel({ dim: 2, hidden: 8 });
  const otherFile = other.save();
  other.dispose();
  const damaged = file.slice();
  damaged[200] ^= 0x10;
  const newer = file.slice();
  newer[8] = 4;
  const cases = [
    [file.subarray(0, 57), /truncated weights file/],
    [file.subarray(0, file.length - 1), /truncated weights file: D=2, H=16, depth 2 needs \d+ bytes/],
    [damaged, /corrupted weights file: the parameters' checksum does not match/],
    [newer, /version 4 is newer than this Scorefield reads \(version 3\)/],
    [new TextEncoder().encode('{"weights": [1, 2, 3]}'), /not a Scorefield weights file/],
    [new Uint8Array(0), /truncated weights file: 0 bytes/],
    [otherFile, /another architecture: D=2, H=8, depth 2, but this model is D=2, H=16, depth 2/],
    ['SCOREFLD', /weights file must be a Uint8Array or ArrayBuffer, got 'SCOREFLD'/],
    [[1, 2, 3], /must be a Uint8Array or ArrayBuffer, got Array/],
  ];
  for (const [bytes, message] of cases) {
    assert.throws(() => model.load(bytes), message);
    assert.deepEqual(model.save(), file, `the model is unchanged after ${message}`);
  }
  for (const [bytes, message] of cases.slice(0, 6)) assert.throws(() => sf.loadModel(bytes), message);
  assert.equal(model.train(1).length, 1, 'the model still trains');
  model.dispose();
});

// The heap's live bytes (emmalloc's heap minus its free blocks) return exactly to their baseline once
// everything a cycle made — models of both kinds, losses, scores, chains, weights files — is disposed:
// nothing leaks, not even a buffer the API allocated for one call. The memory size must stop growing too.
test('dispose_returns_the_heap_to_its_baseline', async () => {
  const sf = await createScorefield();
  const baseline = sf.heapUsed();
  const sizes = [];
  for (let i = 0; i < 100; i++) {
    const model = sf.createModel({ dim: 2, seed: i });
    model.configureTraining({ objective: i % 2 ? 'exact' : 'dsm' });
    model.train(2);
    model.scoreGrid({ xmin: -1, xmax: 1, ymin: -1, ymax: 1, nx: 8, ny: 8 });
    model.langevin({ start: new Float32Array(6), keepAll: true });
    const copy = sf.loadModel(model.save());
    assert.ok(sf.heapUsed() > baseline, 'two live models hold heap');
    assert.throws(() => copy.load(new Uint8Array(10)));
    copy.dispose();
    model.dispose();
    assert.equal(sf.heapUsed(), baseline, `cycle ${i}: heap ${sf.heapUsed()} != baseline ${baseline}`);
    sizes.push(sf.memory.buffer.byteLength);
  }
  assert.equal(sizes[99], sizes[4], `memory kept growing: ${sizes[4]} → ${sizes[99]}`);
});

test('noise_conditional_models_train_and_sample_annealed', async () => {
  const sf = await createScorefield();
  const model = sf.createModel({ dim: 2, hidden: 32, noiseConditional: true });
  assert.equal(model.noiseConditional, true);
  assert.equal(model.trainingConfig().objective, 'ncsn');
  model.configureTraining({ dataset: 'mixture', sigmaMax: 4, sigmaMin: 0.2 });
  const losses = model.train(200);
  assert.ok(allFinite(losses));
  const n = 16,
    start = sf.uniform(2 * n, -1.6, 1.6, 1);
  const last = model.annealedLangevin({ start, steps: 5 });
  assert.equal(last.length, 2 * n);
  const levels = model.annealedLangevin({ start, steps: 5, keep: 'levels' });
  assert.equal(levels.length, 11 * 2 * n);
  assert.deepEqual(bits(levels.subarray(10 * 2 * n)), bits(last), 'the last level frame is the result');
  const all = model.annealedLangevin({ start, steps: 5, keep: 'all', levels: 3 });
  assert.equal(all.length, (3 * 5 + 1) * 2 * n);
  const atSmall = model.score(start, n),
    atLarge = model.score(start, n, 4);
  assert.deepEqual(bits(atSmall), bits(model.score(start, n, 0.2)), 'score() is s(x, σ_L)');
  assert.notDeepEqual(bits(atSmall), bits(atLarge));
  assert.throws(() => model.annealedLangevin({ start, keep: 'some' }), /unknown keep 'some'/);
  assert.throws(() => model.configureTraining({ objective: 'sliced' }), /ncsn objective only/);
  assert.equal(sf.loadModel(model.save()).noiseConditional, true);
  model.dispose();
  const plain = sf.createModel({ dim: 2 });
  assert.throws(() => plain.annealedLangevin({ start }), /needs a noise-conditional model/);
  assert.throws(() => plain.configureTraining({ objective: 'ncsn' }), /needs a noise-conditional net/);
  assert.throws(() => sf.createModel({ dim: 2, noiseConditional: 1 }), /noiseConditional must be true or false/);
  plain.dispose();
});

test('painted_points_train_a_model', async () => {
  const sf = await createScorefield();
  const model = sf.createModel({ dim: 2, hidden: 16 });
  assert.throws(() => model.configureTraining({ dataset: 'points' }), /painted-points dataset is empty/);
  const points = new Float32Array([0, 0, 0.5, 0.5, -0.5, 0.5]);
  model.setPoints(points);
  model.configureTraining({ dataset: 'points' });
  assert.equal(model.trainingConfig().dataNoise, 0.03);
  assert.ok(allFinite(model.train(20)));
  assert.throws(() => model.setPoints(new Float32Array(3)), /points.length \/ 2 must be an integer/);
  assert.throws(() => model.setPoints(new Float32Array([0, NaN])), /NaN or infinity/);
  assert.throws(() => model.setPoints(new Float32Array(2 * 4097)), /point count must be 1..4096/);
  const copy = sf.loadModel(model.save());
  assert.deepEqual(bits(copy.train(3)), bits(model.train(3)), 'the points travel in the weights file');
  copy.dispose();
  model.dispose();
  const digits = sf.createModel({ dim: 64, hidden: 8 });
  assert.throws(() => digits.setPoints(points), /dimension 2/);
  digits.dispose();
});

test('the_digits_table_can_wait_until_a_digits_call_needs_it', async () => {
  const sf = await createScorefield({ digits: false });
  assert.equal(sf.digitsLoaded, false);
  assert.throws(() => sf.sampleData({ dataset: 'digits', n: 1 }), /digits table is not loaded/);
  const model = sf.createModel({ dim: 64, hidden: 8 });
  assert.throws(() => model.train(1), /digits table is not loaded/);
  await Promise.all([sf.loadDigits(), sf.loadDigits()]); // once, however often asked
  assert.equal(sf.digitsLoaded, true);
  assert.equal(model.train(2).length, 2);
  const eager = await createScorefield();
  assert.deepEqual(
    bits(eager.sampleData({ dataset: 'digits', n: 3, seed: 4 }).x),
    bits(sf.sampleData({ dataset: 'digits', n: 3, seed: 4 }).x),
  );
  model.dispose();
});

test('closed_form_scores_ladders_and_energy_distance', async () => {
  const sf = await createScorefield();
  const s = sf.dataScore({ dataset: 'mixture', points: new Float32Array([1, 1, -1, -1]) });
  assert.ok(Math.abs(s[0]) < 1e-3 && Math.abs(s[3]) < 1e-3, 'the score vanishes at the modes');
  const far = sf.dataScore({ dataset: 'mixture', points: new Float32Array([3, 3]), sigma: 1 });
  assert.ok(Math.abs(far[0] - (1 - 3) / (0.04 + 1)) < 1e-3, `blurred pull toward (1, 1): ${far[0]}`);
  assert.throws(() => sf.dataScore({ dataset: 'swiss_roll', points: new Float32Array(2) }), /no closed-form score/);
  const ladder = sf.noiseLadder(10, 3, 0.01);
  assert.equal(ladder[0], 3);
  assert.equal(ladder[9], Math.fround(0.01));
  assert.ok(ladder.every((v, i) => i === 0 || v < ladder[i - 1]));
  assert.throws(() => sf.noiseLadder(10, 0.01, 3), /sigma_max >= sigma_min/);
  assert.equal(sf.energyDistance(new Float32Array([0, 0]), new Float32Array([1, 1, 1]), 1), 2);
  assert.throws(
    () => sf.energyDistance(new Float32Array(3), new Float32Array(4), 2),
    /x.length \/ dim must be an integer/,
  );
});

// Issue 15: integers that a wasm i32 argument would wrap (2^32 + 8 → 8, 2^31 → −2^31) or a double
// would round (2^53) are refused by name and value at the API, Symbols get the same message as any
// other wrong type, and the model is untouched.
test('integers_beyond_the_limits_are_refused_by_value_never_wrapped', async () => {
  const sf = await createScorefield({ digits: false });
  const model = sf.createModel({ dim: 2, hidden: 8 });
  const before = model.save();
  const start = new Float32Array(2);
  const cases = [
    [() => sf.createModel({ dim: 2, hidden: 2 ** 32 + 8 }), /hidden must be an integer from 1 to 512, got 4294967304/],
    [() => sf.createModel({ dim: 2 ** 31 }), /dim must be an integer from 1 to 256, got 2147483648/],
    [() => sf.createModel({ dim: 2, depth: 2 ** 32 + 1 }), /depth must be an integer from 1 to 4, got 4294967297/],
    [
      () => sf.createModel({ dim: 2, seed: 2 ** 53 }),
      /model seed must be an integer from 0 to 9007199254740991, got 9007199254740992/,
    ],
    [() => sf.createModel({ dim: Symbol('x') }), /dim must be an integer from 1 to 256, got a Symbol/],
    [
      () => model.configureTraining({ batch: 2 ** 32 + 16 }),
      /batch must be an integer from 1 to 65536, got 4294967312/,
    ],
    [
      () => model.configureTraining({ projections: 2 ** 31 }),
      /projections must be an integer from 1 to 64, got 2147483648/,
    ],
    [() => model.configureTraining({ levels: 2 ** 32 + 2 }), /levels must be an integer from 1 to 64, got 4294967298/],
    [() => model.configureTraining({ lr: Symbol('x') }), /lr must be a finite number, got a Symbol/],
    [
      () => model.langevin({ start, steps: 2 ** 32 + 15 }),
      /steps must be an integer from 0 to 1000000, got 4294967311/,
    ],
    [() => model.langevin({ start, seed: 2 ** 53 }), /sampler seed must be an integer from 0 to 9007199254740991/],
    [() => model.langevin({ start, n: 2 ** 32 + 1 }), /n must be an integer from 0 to 2147483647, got 4294967297/],
    [() => model.annealedLangevin({ start, levels: 2 ** 32 + 2 }), /levels must be an integer from 1 to 64/],
    [() => model.annealedLangevin({ start, steps: 2 ** 31 }), /steps must be an integer from 0 to 1000000/],
    [
      () => model.scoreGrid({ xmin: 0, xmax: 1, ymin: 0, ymax: 1, nx: 2 ** 16, ny: 2 ** 16 }),
      /nx \* ny must be an integer from 1 to 2147483647/,
    ],
    [() => model.score(start, 2 ** 32 + 1), /n must be an integer from 0 to 2147483647/],
    [
      () => sf.sampleData({ dataset: 'swiss_roll', n: 2 ** 32 + 4 }),
      /n must be an integer from 0 to 2147483647, got 4294967300/,
    ],
    [
      () => sf.sampleData({ dataset: 'swiss_roll', n: 4, seed: 2 ** 53 }),
      /data seed must be an integer from 0 to 9007199254740991/,
    ],
    [() => sf.uniform(4, 0, 1, 2 ** 60), /seed must be an integer from 0 to 9007199254740991/],
    [() => sf.noiseLadder(2 ** 32 + 3, 1, 0.01), /levels must be an integer from 1 to 64, got 4294967299/],
    [() => sf.energyDistance(start, start, 2 ** 32 + 2), /dim must be an integer from 1 to 256, got 4294967298/],
  ];
  for (const [call, message] of cases) {
    assert.throws(call, message);
    assert.deepEqual(model.save(), before, `the model is untouched after ${message}`);
  }
  // The largest seed is accepted and read back exactly.
  const top = sf.createModel({ dim: 2, hidden: 8, seed: 2 ** 53 - 1 });
  assert.equal(top.seed, 2 ** 53 - 1);
  assert.equal(sf.loadModel(top.save()).seed, 2 ** 53 - 1);
  top.dispose();
  model.dispose();
});

test('options_are_read_once_before_the_model_is_touched_and_undefined_is_not_given', async () => {
  const sf = await createScorefield({ digits: false });
  let model = sf.createModel({ dim: 2, hidden: 8 });
  // What is given as undefined is not given: lr changes, the dataset stays.
  model.configureTraining({ lr: 0.01, dataset: undefined });
  assert.equal(model.trainingConfig().lr, 0.01);
  assert.equal(model.trainingConfig().dataset, 'swiss_roll');

  // A getter that disposes the model and makes another: the call refuses ('disposed') and the other
  // model is not written to.
  let other;
  const swap = (value) => ({
    get batch() {
      model.dispose();
      other = sf.createModel({ dim: 2, hidden: 8 });
      return value;
    },
  });
  const first = model;
  assert.throws(() => first.configureTraining(swap(7)), /disposed/);
  assert.equal(other.trainingConfig().batch, sf.defaults.train.swiss_roll.batch, 'the other model is untouched');
  other.dispose();

  // A `length` getter on the points is never consulted: they are copied through their own length.
  model = sf.createModel({ dim: 2, hidden: 8 });
  const points = new Float32Array([0, 0, 1, 1]);
  let asked = 0;
  Object.defineProperty(points, 'length', {
    get() {
      asked++;
      model.dispose();
      return 4096;
    },
  });
  model.setPoints(points);
  model.configureTraining({ dataset: 'points' });
  assert.equal(model.train(1).length, 1);
  assert.equal(asked, 0, 'the length getter never ran');
  model.dispose();

  model = sf.createModel({ dim: 2, hidden: 8 });
  const third = model;
  assert.throws(
    () =>
      third.langevin({
        start: new Float32Array(2),
        get steps() {
          third.dispose();
          return 3;
        },
      }),
    /disposed/,
  );
});

// Issue 15: a step in pieces (what the worker runs so that it answers the page during a long step) is
// the same step as train(1), bit for bit, whatever the size of the pieces.
test('a_step_in_pieces_gives_the_losses_of_train_bit_for_bit', async () => {
  const sf = await createScorefield({ digits: false });
  for (const objective of ['exact', 'sliced', 'dsm']) {
    const a = sf.createModel({ dim: 2, hidden: 512, depth: 1, seed: 3 });
    const b = sf.createModel({ dim: 2, hidden: 512, depth: 1, seed: 3 });
    for (const m of [a, b]) m.configureTraining({ objective, batch: 2000 });
    const want = a.train(2);
    const got = [];
    let pieces = 0;
    for (let t = 0; t < 2; t++) {
      b.beginStep();
      while (b.stepChunk(100) < 2000) {
        pieces++;
        b.score(new Float32Array([0.5, 0.5])); // views between the pieces change nothing
      }
      got.push(b.endStep());
    }
    assert.deepEqual(bits(Float32Array.from(got)), bits(want), objective);
    assert.deepEqual(bits(b.params()), bits(a.params()), objective);
    assert.ok(pieces > 2, `${objective}: ${pieces} pieces`);
    b.beginStep();
    b.stepChunk(1);
    b.cancelStep();
    assert.throws(() => b.endStep(), /not complete/);
    assert.deepEqual(b.save(), a.save(), `${objective}: a cancelled step changes nothing`);
    a.dispose();
    b.dispose();
  }
});

test('samplers_over_a_datasets_exact_score_and_reference_draws_run_in_the_core', async () => {
  const sf = await createScorefield();
  const n = 4000;
  const start = sf.uniformBox({ n, lo: [-2, -1], hi: [2, 1], seed: 3 });
  assert.equal(start.length, 2 * n);
  for (let i = 0; i < n; i++) assert.ok(start[2 * i] >= -2 && start[2 * i] < 2 && Math.abs(start[2 * i + 1]) <= 1);
  assert.deepEqual(bits(start), bits(sf.uniformBox({ n, lo: [-2, -1], hi: [2, 1], seed: 3 })), 'seeded');
  assert.throws(() => sf.uniformBox({ n: 2, lo: [1], hi: [0] }), /box side 0 must be finite with lo <= hi/);

  // Annealed Langevin on the mixture's exact score puts about 0.2 of the mass at the small mode (−1, −1).
  const annealed = sf.dataAnnealedLangevin({ dataset: 'mixture', start, seed: 1 });
  let small = 0;
  for (let i = 0; i < n; i++) if (annealed[2 * i] + annealed[2 * i + 1] < 0) small++;
  const se = Math.sqrt((0.2 * 0.8) / n);
  assert.ok(Math.abs(small / n - 0.2) < 0.03 + 3 * se, `small-mode fraction ${small / n}`);
  const frames = sf.dataLangevin({ dataset: 'mixture', start, eps: 0.004, steps: 5, seed: 2, keepAll: true });
  assert.equal(frames.length, 6 * 2 * n);
  assert.deepEqual(bits(frames.subarray(0, 2 * n)), bits(start), 'frame 0 is the start');
  assert.throws(() => sf.dataLangevin({ dataset: 'moons', start, eps: 0.01, steps: 1 }), /no closed-form score/);
  assert.throws(() => sf.dataLangevin({ dataset: 'mixture', start, eps: -1, steps: 1 }), /eps must be finite/);

  // Painted points: each draw is one of the points plus N(0, noise²).
  const points = new Float32Array([0, 0, 10, 10]);
  const draws = sf.pointsSample({ points, n: 2000, noise: 0.1, seed: 5 });
  let near0 = 0;
  for (let i = 0; i < 2000; i++) {
    const d0 = Math.hypot(draws[2 * i], draws[2 * i + 1]),
      d1 = Math.hypot(draws[2 * i] - 10, draws[2 * i + 1] - 10);
    assert.ok(Math.min(d0, d1) < 1, `draw ${i} is far from every point`);
    if (d0 < 1) near0++;
  }
  assert.ok(Math.abs(near0 / 2000 - 0.5) < 5 * Math.sqrt(0.25 / 2000), `${near0} of 2000 near the first point`);
  assert.throws(() => sf.pointsSample({ points, n: 2, noise: -1 }), /noise must be finite and >= 0/);
});

test('a_model_of_a_dimension_no_dataset_has_says_so_the_same_way_everywhere', async () => {
  const sf = await createScorefield();
  const model = sf.createModel({ dim: 3 });
  const message =
    'scorefield: invalid argument: no dataset has dimension 3 (the datasets have D = 2, digits D = 64; ' +
    'painted points D = 2): train this model with sf_model_loss_grad on your own data';
  // Every way towards training it: train, a step in pieces, a setting changed, a dataset of another D.
  assert.throws(() => model.train(1), { message });
  assert.throws(() => model.beginStep(), { message });
  assert.throws(() => model.configureTraining({ lr: 0.01 }), { message });
  assert.throws(() => model.configureTraining({ dataset: 'swiss_roll' }), { message });
  assert.throws(() => model.configureTraining({ dataset: 'points' }), { message });
  assert.equal(model.trainingConfig().dataset, null);
  assert.equal(model.stepCount, 0);
  // It still scores and samples.
  assert.equal(model.score(new Float32Array(6)).length, 6);
  model.dispose();
});
