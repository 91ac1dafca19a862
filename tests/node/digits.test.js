// digits.test.js — the digit-quality measure through the Node API: the core's classifier on held-out
// digits (the same figures as the native build, tests/c/test_classify.c), the measure's known answers,
// and bad input. Run `./build-wasm.sh` first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createScorefield } from '../../web/core/scorefield.js';

test('the_classifier_recognises_held_out_digits_in_both_builds', async () => {
  const results = [];
  for (const simd of [true, false]) {
    const sf = await createScorefield({ simd });
    const { x, labels } = sf.heldoutDigits({ seed: 1 });
    assert.equal(labels.length, 359);
    const { probs, labels: pred } = sf.classifyDigits(x);
    assert.equal(probs.length, 359 * 10);
    const hits = pred.filter((c, i) => c === labels[i]).length;
    assert.ok(hits >= 0.93 * 359, `held-out accuracy ${hits} / 359`);
    const q = sf.digitsQuality(x, labels);
    assert.equal(q.accuracy, hits / 359);
    assert.ok(q.confident > 0.7 && q.confident < 0.95, `confident share ${q.confident}`);
    assert.ok(q.minClassShare >= 0.05, `min class share ${q.minClassShare}`);
    assert.equal(q.classShare.length, 10);
    assert.ok(Math.abs(q.classShare.reduce((a, b) => a + b) - 1) < 1e-12);
    results.push([Array.from(probs), q]);
  }
  assert.deepEqual(results[0], results[1], 'the SIMD and scalar modules classify alike');
});

test('the_quality_measure_gives_known_answers', async () => {
  const sf = await createScorefield();
  const { x, labels } = sf.heldoutDigits({ n: 1, noise: 0 });
  const ten = new Float32Array(640);
  for (let i = 0; i < 10; i++) ten.set(x, 64 * i);
  const same = sf.digitsQuality(ten, Array(10).fill(labels[0]));
  assert.equal(same.accuracy, 1);
  assert.equal(same.classShare[labels[0]], 1);
  assert.equal(same.minClassShare, 0);
  assert.equal(same.classAccuracy.filter((a) => a !== null).length, 1, 'only the class asked for has an accuracy');
  const wrong = sf.digitsQuality(ten, Array(10).fill((labels[0] + 1) % 10));
  assert.equal(wrong.accuracy, 0);
  assert.equal(sf.digitsQuality(ten).accuracy, null);
  assert.equal(sf.digitsQuality(new Float32Array(64)).confident, 0, 'a blank image is no confident digit');
});

test('bad_input_to_the_classifier_throws_a_message_naming_it', async () => {
  const sf = await createScorefield();
  const x = new Float32Array(128);
  x[64 + 3] = NaN;
  assert.throws(() => sf.classifyDigits(x), /pixel 3 of image 1 is not finite/);
  assert.throws(() => sf.classifyDigits(new Float32Array(65)), /x.length \/ 64 must be an integer/);
  assert.throws(() => sf.digitsQuality(new Float32Array(0)), /must be >= 1/);
  assert.throws(() => sf.digitsQuality(new Float32Array(128), [1, 10]), /want\[1\] must be a class 0 .. 9, got 10/);
  assert.throws(() => sf.digitsQuality(new Float32Array(128), [1]), /want must hold 2 classes/);
  assert.throws(() => sf.heldoutDigits({ n: 360 }), /n must be in 0 .. 359, got 360/);
  const late = await createScorefield({ digits: false });
  assert.throws(() => late.classifyDigits(new Float32Array(64)), /digits table is not loaded/);
  await late.loadDigits();
  assert.equal(late.classifyDigits(new Float32Array(64)).labels.length, 1);
});
