// threads.test.js — the threaded module (web/core/scorefield-simd128-threads.wasm, issue 18) from the
// Node API: createScorefield({ threads }) checks its value, every objective trains to the same losses
// and weights at 1, 2 and 3 threads as on the single-threaded module, bit for bit, the samplers give
// the same bits, and threaded instances and models give back their memory and their threads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createScorefield, liveHelperThreads } from '../../web/core/scorefield.js';
import { main } from '../../tools/scorefield.mjs';

const bits = (f32) => Array.from(new Uint32Array(f32.buffer, f32.byteOffset, f32.length));

// Each objective's net and data: a batch large enough that a step runs on every thread.
const RUNS = [
  { objective: 'exact', net: { dim: 2 }, train: { dataset: 'swiss_roll', batch: 256 } },
  { objective: 'sliced', net: { dim: 2 }, train: { dataset: 'swiss_roll', batch: 256 } },
  { objective: 'sliced_vr', net: { dim: 2 }, train: { dataset: 'moons', batch: 256 } },
  { objective: 'dsm', net: { dim: 2 }, train: { dataset: 'rings', batch: 256 } },
  { objective: 'sliced', net: { dim: 64, hidden: 256 }, train: { dataset: 'digits', batch: 128 } },
  { objective: 'ncsn', net: { dim: 2, noiseConditional: true }, train: { dataset: 'mixture', batch: 256 } },
  { objective: 'vesde', net: { dim: 2, noiseConditional: true }, train: { dataset: 'moons', batch: 256 } },
];

function trainAll(sf) {
  return RUNS.map(({ objective, net, train }) => {
    const model = sf.createModel(net);
    model.configureTraining({ ...train, objective });
    const losses = bits(model.train(12));
    const weights = Array.from(model.save());
    model.dispose();
    return { losses, weights };
  });
}

test('threads_option_is_checked_with_a_message_naming_the_value', async () => {
  for (const [value, shown] of [
    [0, '0'],
    [65, '65'],
    [1.5, '1.5'],
    [-1, '-1'],
    ['2', "'2'"],
    ['many', "'many'"],
    [NaN, 'NaN'],
  ])
    await assert.rejects(
      createScorefield({ threads: value, digits: false }),
      (err) => err.message.includes(`threads must be 'auto' or an integer 1..64, got ${shown}`),
      String(value),
    );
  const one = await createScorefield({ digits: false });
  assert.equal(one.threads, 1);
  assert.equal(one.threadsReason, '');
  const auto = await createScorefield({ threads: 'auto', digits: false });
  assert.ok(auto.threads >= 1 && auto.threads <= 8, `auto gave ${auto.threads}`);
  await auto.dispose();
  const scalar = await createScorefield({ threads: 2, simd: false, digits: false });
  assert.equal(scalar.threads, 1);
  assert.equal(scalar.threadsReason, 'the scalar build is single-threaded');
});

test('every_objective_trains_to_the_same_bits_at_1_2_and_3_threads', async () => {
  const reference = trainAll(await createScorefield());
  for (const threads of [1, 2, 3]) {
    const sf = await createScorefield({ threads });
    assert.equal(sf.threads, threads);
    assert.equal(sf.threadsReason, '');
    const got = trainAll(sf);
    RUNS.forEach(({ objective, train }, i) => {
      const what = `${objective} on ${train.dataset} at ${threads} threads`;
      assert.deepEqual(got[i].losses, reference[i].losses, `${what}: losses`);
      assert.deepEqual(got[i].weights, reference[i].weights, `${what}: weights`);
    });
    if (threads > 1) assert.ok(sf.threadedCalls > 0, `no call ran on the helpers at ${threads} threads`);
    else assert.equal(sf.threadedCalls, 0);
    await sf.dispose();
  }
});

function sampleAll(sf) {
  const plain = sf.createModel({ dim: 2 });
  plain.configureTraining({ dataset: 'swiss_roll', objective: 'dsm' });
  plain.train(5);
  const n = 1024;
  const start = sf.uniform(2 * n, -1.5, 1.5, 3);
  const langevin = bits(plain.langevin({ start, n, steps: 8, seed: 5 }));
  plain.dispose();
  const nc = sf.createModel({ dim: 2, noiseConditional: true });
  nc.configureTraining({ dataset: 'mixture', objective: 'vesde' });
  nc.train(5);
  const annealed = bits(nc.annealedLangevin({ start, steps: 3 }));
  const sde = bits(nc.sample({ sampler: 'sde', n, steps: 10, seed: 9 }).points);
  const pc = bits(nc.sample({ sampler: 'pc', n, steps: 6, seed: 9 }).points);
  nc.dispose();
  return { langevin, annealed, sde, pc };
}

test('langevin_annealed_and_sde_samplers_give_the_same_bits_on_threads', async () => {
  const reference = sampleAll(await createScorefield({ digits: false }));
  for (const threads of [2, 3]) {
    const sf = await createScorefield({ threads, digits: false });
    const before = sf.threadedCalls;
    const got = sampleAll(sf);
    for (const k of Object.keys(reference)) assert.deepEqual(got[k], reference[k], `${k} at ${threads} threads`);
    assert.ok(sf.threadedCalls > before, 'the samplers ran on the helpers');
    await sf.dispose();
  }
});

test('threaded_models_and_instances_give_back_memory_and_threads', async () => {
  const sf = await createScorefield({ threads: 2, digits: false });
  const baseline = sf.heapUsed();
  for (let i = 0; i < 200; i++) {
    const model = sf.createModel({ dim: 2, hidden: 64 });
    model.configureTraining({ dataset: 'moons', objective: i % 2 ? 'exact' : 'dsm', batch: 256 });
    model.train(2);
    model.dispose();
  }
  assert.equal(sf.heapUsed(), baseline, 'heap back to its baseline after 200 threaded models');
  assert.ok(sf.threadedCalls > 0);
  await sf.dispose();
  await sf.dispose(); // twice is a no-op
  // A model outlives its instance's threads: it runs on one thread, with the same bits.
  const kept = await createScorefield({ threads: 2, digits: false });
  const model = kept.createModel({ dim: 2 });
  model.configureTraining({ dataset: 'moons', objective: 'dsm', batch: 256 });
  const a = bits(model.train(3));
  await kept.dispose();
  const b = bits(model.train(3));
  const ref = (await createScorefield({ digits: false })).createModel({ dim: 2 });
  ref.configureTraining({ dataset: 'moons', objective: 'dsm', batch: 256 });
  assert.deepEqual([...a, ...b], bits(ref.train(6)));
  for (let i = 0; i < 20; i++) await (await createScorefield({ threads: 3, digits: false })).dispose();
  for (let t = 0; liveHelperThreads() > 0 && t < 100; t++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(liveHelperThreads(), 0, 'no helper thread alive once every instance is disposed');
});

test('cli_threads_trains_the_same_weights_and_refuses_bad_values_with_exit_2', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sf-threads-'));
  try {
    const sink = () => ({
      text: '',
      write(s) {
        this.text += s;
      },
    });
    const run = async (argv) => {
      const out = sink(),
        err = sink();
      const code = await main(argv, { stdout: out, stderr: err });
      return { code, out: out.text, err: err.text };
    };
    const train = ['train', '--steps', '40', '--batch', '256', '--quiet'];
    const one = await run([...train, '--weights', join(dir, 'one.sfw')]);
    assert.equal(one.code, 0, one.err);
    const two = await run([...train, '--threads', '2', '--weights', join(dir, 'two.sfw')]);
    assert.equal(two.code, 0, two.err);
    assert.deepEqual(readFileSync(join(dir, 'two.sfw')), readFileSync(join(dir, 'one.sfw')));
    for (const bad of ['0', '9', 'many', '1.5']) {
      const r = await run([...train, '--threads', bad, '--weights', join(dir, 'bad.sfw')]);
      assert.equal(r.code, 2, bad);
      assert.match(r.err, new RegExp(`--threads must be one of auto, 1, .*; got '${bad.replace('.', '\\.')}'`));
    }
    const help = await run(['help', 'train']);
    assert.match(help.out, /--threads auto\|1\|2/);
    assert.equal(liveHelperThreads(), 0, 'the CLI ended its helper threads');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
