// pieces.test.js — web/worker/pieces.js: Langevin runs in pieces of bounded time and memory, keeping
// only the frames a figure draws (issue 15: chains and digit samples at the table's 10⁶ steps).
// Run `./build-wasm.sh` first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createScorefield } from '../../web/core/scorefield.js';
import {
  PIECE_STEPS,
  frameStride,
  keptFrames,
  langevinInPieces,
  pieceSeed,
  stepOfFrame,
} from '../../web/worker/pieces.js';

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
  // The first piece is the core's run of its steps, seeded as the whole run is.
  const first = model.langevin({ start, ...SAMPLER, steps: PIECE_STEPS, keepAll: true });
  for (let f = 0; stepOfFrame(f, steps, got.stride) <= PIECE_STEPS; f++) {
    const t = stepOfFrame(f, steps, got.stride);
    assert.deepEqual(got.frames.subarray(2 * f, 2 * f + 2), first.subarray(2 * t, 2 * t + 2), `step ${t}`);
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

test('strides_bound_the_frames_and_piece_seeds_stay_within_the_seed_range', () => {
  for (const [steps, maxFrames] of [
    [0, 2],
    [15, 1001],
    [1000, 1001],
    [1001, 1001],
    [10 ** 6, 1001],
    [10 ** 6, 1001],
    [999999, 3001],
  ]) {
    const stride = frameStride(steps, maxFrames);
    assert.ok(keptFrames(steps, stride) <= maxFrames, `${steps} steps, ${maxFrames} frames`);
    if (steps < maxFrames) assert.equal(stride, 1, 'every frame while they fit');
  }
  const max = 2 ** 53 - 1;
  for (const seed of [0, 1, 2 ** 32, max - 2 ** 32, max])
    for (const p of [1, 2, 1000]) {
      const s = pieceSeed(seed, p);
      assert.ok(Number.isSafeInteger(s) && s >= 0 && s <= max, `piece ${p} of seed ${seed}: ${s}`);
      assert.notEqual(s, seed);
    }
});
