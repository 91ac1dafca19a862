// pieces.test.js — web/worker/pieces.js: sampler runs in pieces of bounded time and memory, keeping
// only the frames a figure draws (issue 15: chains and digit samples at the table's 10⁶ steps), and the
// core's chunked runs they stand on (model.langevinSampler, model.sampler with a class): the bits of
// one call however they are cut.
// Run `./build-wasm.sh` first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createScorefield } from '../../web/core/scorefield.js';
import {
  PIECE_STEPS,
  annealedInPieces,
  frameStride,
  keptFrames,
  langevinInPieces,
  stepOfFrame,
} from '../../web/worker/pieces.js';
import { guidedSamples } from '../../web/worker/pretrained.js';

const sf = await createScorefield({ digits: false });
const SAMPLER = { eps: 0.01, decay: 0.999, temperature: 1, seed: 5 };

function run(job) {
  const progress = [];
  for (;;) {
    const next = job.next();
    if (next.done) return { ...next.value, progress };
    progress.push(next.value);
  }
}

test('a_run_that_fits_one_piece_is_the_cores_own_run_bit_for_bit', () => {
  const model = sf.createModel({ dim: 2, hidden: 16 });
  const start = new Float32Array([0.5, -0.25, 1, 0]);
  const steps = 40;
  const whole = model.langevin({ start, ...SAMPLER, steps, keepAll: true });
  const got = run(langevinInPieces(model, { start, n: 2, dim: 2, ...SAMPLER, steps }, 1001));
  assert.equal(got.stride, 1);
  assert.deepEqual(got.progress, []);
  assert.deepEqual(got.frames, whole);
  model.dispose();
});

test('a_long_run_goes_in_pieces_with_progress_and_keeps_every_stride_th_frame', () => {
  const model = sf.createModel({ dim: 2, hidden: 16 });
  const start = new Float32Array([0.5, -0.25]);
  const steps = 2 * PIECE_STEPS + 123,
    maxFrames = 101;
  const got = run(langevinInPieces(model, { start, n: 1, dim: 2, ...SAMPLER, steps }, maxFrames));
  assert.equal(got.stride, frameStride(steps, maxFrames));
  assert.ok(keptFrames(steps, got.stride) <= maxFrames);
  assert.equal(got.frames.length, 2 * keptFrames(steps, got.stride));
  assert.deepEqual(
    got.progress.map((p) => p.done),
    [PIECE_STEPS, 2 * PIECE_STEPS],
  );
  assert.ok(got.progress.every((p) => p.total === steps));
  // The pieces are one run of the core: every kept frame is the one call's frame of its step.
  const whole = model.langevin({ start, ...SAMPLER, steps, keepAll: true });
  for (let f = 0; f < keptFrames(steps, got.stride); f++) {
    const t = stepOfFrame(f, steps, got.stride);
    assert.deepEqual(got.frames.subarray(2 * f, 2 * f + 2), whole.subarray(2 * t, 2 * t + 2), `step ${t}`);
  }
  assert.equal(stepOfFrame(keptFrames(steps, got.stride) - 1, steps, got.stride), steps, 'the last step is kept');
  assert.ok(got.frames.every(Number.isFinite));
  // The same settings give the same run again.
  assert.deepEqual(
    run(langevinInPieces(model, { start, n: 1, dim: 2, ...SAMPLER, steps }, maxFrames)).frames,
    got.frames,
  );
  model.dispose();
});

test('strides_bound_the_frames', () => {
  for (const [steps, maxFrames] of [
    [0, 2],
    [15, 1001],
    [1000, 1001],
    [1001, 1001],
    [10 ** 6, 1001],
    [999999, 3001],
  ]) {
    const stride = frameStride(steps, maxFrames);
    assert.ok(keptFrames(steps, stride) <= maxFrames, `${steps} steps, ${maxFrames} frames`);
    if (steps < maxFrames) assert.equal(stride, 1, 'every frame while they fit');
  }
});

test('a_langevin_run_in_chunks_of_any_size_gives_the_bits_of_one_call', () => {
  const model = sf.createModel({ dim: 3, hidden: 16, seed: 2 });
  const start = new Float32Array(5 * 3).map((_, i) => Math.sin(i));
  const options = { start, eps: 0.02, decay: 0.97, temperature: 0.8, steps: 37, seed: 2 ** 40 + 3 };
  const one = model.langevin(options);
  for (const chunk of [1, 4, 36, 100]) {
    const run = model.langevinSampler(options);
    assert.equal(run.totalSteps, 37);
    while (!run.done) run.step(chunk);
    assert.deepEqual(run.points, one, `chunks of ${chunk}`);
    assert.equal(run.nfe, 37);
    run.dispose();
  }
  // Its options are langevin's, checked the same way; keepAll is not one of them.
  assert.throws(
    () => model.langevinSampler({ ...options, steps: 2 ** 32 + 15 }),
    /steps must be an integer .* 4294967311/,
  );
  assert.throws(
    () => model.langevinSampler({ ...options, seed: 2 ** 53 }),
    /seed must be an integer .* 9007199254740992/,
  );
  assert.throws(() => model.langevinSampler({ ...options, keepAll: true }), /keepAll does not apply/);
  assert.throws(() => model.langevinSampler({ ...options, eps: -1 }), /eps must be finite and > 0, got -1/);
  const run = model.langevinSampler(options);
  model.dispose();
  assert.throws(() => run.step(1), /disposed/);
  run.dispose();
});

test('an_annealed_run_in_pieces_keeps_the_level_frames_of_one_call_with_progress', () => {
  const model = sf.createModel({ dim: 2, hidden: 16, seed: 4, noiseConditional: true });
  model.configureTraining({ dataset: 'moons', objective: 'ncsn', levels: 5 });
  const start = new Float32Array(6 * 2).map((_, i) => Math.cos(i));
  const steps = PIECE_STEPS + 7; // more than one piece per level's worth of the run
  const whole = model.annealedLangevin({ start, steps, eps: 1e-4, seed: 9, keep: 'levels' });
  const got = run(annealedInPieces(model, { start, n: 6, dim: 2, steps, eps: 1e-4, seed: 9 }));
  const { progress, ...rest } = got;
  assert.deepEqual(new Float32Array(Object.values(rest)), whole);
  assert.ok(progress.length >= 5, `${progress.length} pieces`);
  assert.ok(progress.every((p, i) => p.total === 5 * steps && p.done > (progress[i - 1]?.done ?? 0)));
  model.dispose();
});

test('guided_samples_in_pieces_are_the_bits_of_one_call_per_class', () => {
  const model = sf.createModel({ dim: 2, hidden: 16, seed: 3, noiseConditional: true, classes: 3 });
  model.configureTraining({ dataset: 'moons', objective: 'ncsn', levels: 3 });
  const n = 7,
    start = new Float32Array(n * 2).map((_, i) => Math.sin(3 * i)),
    steps = 20;
  for (const cls of [1, 'any']) {
    const job = guidedSamples(model, start, n, 11, { steps, eps: 1e-3, class: cls, guidance: 1.5 });
    let next = job.next();
    const progress = [];
    for (; !next.done; next = job.next()) progress.push(next.value);
    const { frames, classes } = next.value;
    for (let c = 0; c < 3; c++) {
      const members = [...classes.keys()].filter((i) => classes[i] === c);
      if (members.length === 0) continue;
      const part = new Float32Array(members.flatMap((i) => [start[2 * i], start[2 * i + 1]]));
      const seed = cls === 'any' ? 11 + c : 11;
      const want = model.annealedLangevin({
        start: part,
        steps,
        eps: 1e-3,
        seed,
        keep: 'levels',
        class: c,
        guidance: 1.5,
      });
      for (let f = 0; f < 4; f++)
        members.forEach((i, k) =>
          assert.deepEqual(
            frames.subarray((f * n + i) * 2, (f * n + i) * 2 + 2),
            want.subarray((f * members.length + k) * 2, (f * members.length + k) * 2 + 2),
            `class ${cls}: frame ${f} of chain ${i}`,
          ),
        );
    }
    if (cls === 'any') assert.deepEqual(progress.at(-1), { done: 3 * steps * (n - 2), total: 3 * steps * n });
  }
  // A class-conditional run refuses what annealedLangevin refuses, naming it.
  assert.throws(() => model.sampler({ sampler: 'annealed', n: 1, class: 3 }), /class must be .* got 3/);
  assert.throws(() => model.sampler({ sampler: 'sde', n: 1, class: 0 }), /apply to the sampler 'annealed'/);
  assert.throws(() => model.sampler({ sampler: 'annealed', n: 1, class: 0, guidance: Infinity }), /guidance/);
  model.dispose();
});
