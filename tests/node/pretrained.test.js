// pretrained.test.js — the worker's pretrained digits (web/worker/pretrained.js) in Node: a job samples
// the shipped class-conditional model level by level, every chain drawn for the class asked for (for
// 'any', chain i for class i mod 10) and the classifier agrees; a bad class or guidance is answered
// by an ERROR naming the value and changes nothing (the next good job runs as if it never came); a
// new job replaces a running one, which is answered; check.js refuses malformed messages.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createScorefield } from '../../web/core/scorefield.js';
import { Pretrained } from '../../web/worker/pretrained.js';
import { checkMessage } from '../../web/worker/check.js';
import { DIGITS_FROM_WORKER, DIGITS_TO_WORKER, FROM_WORKER } from '../../web/worker/protocol.js';

const sf = await createScorefield();
const MODEL = new URL('../../web/core/scorefield-digits-model.sfw', import.meta.url);

// A Pretrained on a fake worker: posted messages collected, ticks run by hand.
function worker() {
  const posted = [];
  let wakes = 0;
  const p = new Pretrained(sf, {
    post: (m) => posted.push(m),
    longJob: (what, fn) => fn(),
    wake: () => wakes++,
    bytes: readFile(MODEL),
  });
  return { p, posted, wakes: () => wakes };
}

async function run(w, msg) {
  w.p.start({ type: DIGITS_TO_WORKER.PRETRAINED, requestId: msg.jobId, steps: 20, eps: 1e-4, ...msg });
  await w.p.load().catch(() => {});
  await new Promise((r) => setTimeout(r, 0));
  while (w.p.tick());
  return w.posted.filter((m) => m.jobId === msg.jobId || m.requestId === msg.jobId);
}

test('a_job_samples_the_class_asked_for_level_by_level_and_the_classifier_agrees', async () => {
  const w = worker();
  const out = await run(w, { jobId: 1, n: 20, seed: 0, class: 6, guidance: 2 });
  const levels = out.filter((m) => m.type === DIGITS_FROM_WORKER.LEVEL);
  const done = out.find((m) => m.type === DIGITS_FROM_WORKER.PRETRAINED);
  assert.equal(levels.length, 10);
  assert.deepEqual(
    levels.map((m) => m.level),
    [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
  );
  assert.equal(done.frames.length, 11 * 20 * 64);
  assert.deepEqual(Array.from(done.classes), new Array(20).fill(6));
  const last = done.frames.subarray(10 * 20 * 64);
  assert.deepEqual(last, levels[9].x);
  const q = sf.digitsQuality(last, done.classes);
  assert.ok(q.accuracy >= 0.9, `class 6: ${q.accuracy}`);

  const any = await run(w, { jobId: 2, n: 30, seed: 1, class: 'any', guidance: 2 });
  const anyDone = any.find((m) => m.type === DIGITS_FROM_WORKER.PRETRAINED);
  assert.deepEqual(
    Array.from(anyDone.classes),
    Array.from({ length: 30 }, (_, i) => i % 10),
  );
  const qa = sf.digitsQuality(anyDone.frames.subarray(10 * 30 * 64), anyDone.classes);
  assert.ok(qa.accuracy >= 0.9, `any: ${qa.accuracy}`);
  assert.ok(qa.minClassShare > 0);
});

test('a_bad_class_or_guidance_is_named_and_changes_nothing', async () => {
  const w = worker();
  const good = await run(w, { jobId: 1, n: 10, seed: 3, class: 2, guidance: 1 });
  for (const [jobId, bad, pattern] of [
    [2, { class: 12 }, /class must be 'any', 'prior' or an integer 0 \.\. 9, got 12/],
    [3, { class: -1 }, /got -1/],
    [4, { guidance: 21 }, /guidance must be in 0\.\.20/],
    [5, { guidance: -0.5 }, /guidance/],
  ]) {
    const out = await run(w, { jobId, n: 10, seed: 3, class: 2, guidance: 1, ...bad });
    assert.equal(out.length, 1, `job ${jobId}: ${JSON.stringify(out.map((m) => m.type))}`);
    assert.equal(out[0].type, FROM_WORKER.ERROR);
    assert.match(out[0].message, pattern);
    assert.equal(out[0].requestId, jobId);
  }
  // The same good job again gives the same samples: nothing was changed by the refusals.
  const again = await run(w, { jobId: 6, n: 10, seed: 3, class: 2, guidance: 1 });
  const frames = (out) => out.find((m) => m.type === DIGITS_FROM_WORKER.PRETRAINED).frames;
  assert.deepEqual(frames(again), frames(good));
});

test('a_new_job_replaces_a_running_one_which_is_answered', async () => {
  const w = worker();
  w.p.start({ type: DIGITS_TO_WORKER.PRETRAINED, requestId: 1, jobId: 1, n: 4, seed: 0, class: 1, guidance: 0 });
  await w.p.load();
  await new Promise((r) => setTimeout(r, 0));
  w.p.tick(); // one level of job 1
  const out = await run(w, { jobId: 2, n: 4, seed: 0, class: 3, guidance: 0 });
  const replaced = w.posted.find((m) => m.type === DIGITS_FROM_WORKER.PRETRAINED && m.jobId === 1);
  assert.equal(replaced.replaced, true);
  assert.equal(replaced.requestId, 1);
  assert.ok(out.some((m) => m.type === DIGITS_FROM_WORKER.PRETRAINED && m.class === 3 && !m.replaced));
});

test('malformed_pretrained_messages_are_refused_by_the_check', () => {
  const ok = { type: DIGITS_TO_WORKER.PRETRAINED, requestId: 1, jobId: 1, n: 40, seed: 0, class: 'any', guidance: 2 };
  checkMessage(ok, sf.limits);
  assert.throws(() => checkMessage({ ...ok, class: 'seven' }, sf.limits), /class must be 'any' or a class number/);
  assert.throws(() => checkMessage({ ...ok, guidance: NaN }, sf.limits), /guidance must be a finite number/);
  assert.throws(() => checkMessage({ ...ok, n: 0 }, sf.limits), /n must be/);
  assert.throws(() => checkMessage({ ...ok, seed: 2 ** 53 }, sf.limits), /seed must be/);
  const q = { type: DIGITS_TO_WORKER.QUALITY, requestId: 1, x: new Float32Array(64) };
  checkMessage(q, sf.limits);
  assert.throws(() => checkMessage({ ...q, want: [1] }, sf.limits), /want must be an Int32Array/);
});
