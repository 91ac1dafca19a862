// lazy-api.test.js — createScorefield({ samplers: false }), as a widget's worker makes its core: the
// sampler and likelihood API, the measures and readPoints say they are not loaded (and change nothing) until
// sf.loadSamplers(), after which they give the bits of an instance that loaded them at once.
// Its own file: the sampler module, once loaded, serves every instance of the process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createScorefield } from '../../web/core/scorefield.js';

test('the_sampler_api_waits_for_load_samplers_and_then_gives_the_same_bits', async () => {
  const sf = await createScorefield({ digits: false, samplers: false });
  const model = sf.createModel({ dim: 2, noiseConditional: true });
  model.configureTraining({ dataset: 'mixture', objective: 'vesde' });
  model.train(20);
  const options = { sampler: 'ode-heun', steps: 8, n: 16, seed: 3 };
  assert.throws(() => model.sample(options), /the sampler API is not loaded: .*sf\.loadSamplers\(\)/);
  assert.throws(() => model.logLikelihood(new Float32Array(4)), /not loaded/);
  assert.throws(() => sf.dataSample('mixture', options), /not loaded/);
  assert.throws(() => sf.readPoints('0,0\n1,1\n'), /points-file reader is not loaded/);
  assert.throws(() => model.annealedLangevin({ n: 4, steps: 2 }), /not loaded/);
  const x = new Float32Array([0.3, -1.2, 0.8, 0.1]),
    y = new Float32Array([1.5, 0.2, -0.4, 0.9, 0.05, -0.7]);
  assert.throws(() => sf.energyDistance(x, y, 2), /not loaded/);
  assert.equal(model.stepCount, 20, 'a refused call changes nothing');
  await sf.loadSamplers();
  await sf.loadSamplers(); // again: a no-op
  const lazy = model.sample(options).points;
  const eager = await createScorefield({ digits: false });
  const twin = eager.createModel({ dim: 2, noiseConditional: true });
  twin.configureTraining({ dataset: 'mixture', objective: 'vesde' });
  twin.train(20);
  assert.deepEqual(Array.from(lazy), Array.from(twin.sample(options).points));
  assert.deepEqual(Array.from(sf.readPoints('0,0\n1,1\n')), [0, 0, 1, 1]);
  const anneal = { start: x, steps: 3, levels: 2, seed: 5 };
  assert.deepEqual(Array.from(model.annealedLangevin(anneal)), Array.from(twin.annealedLangevin(anneal)));
  const ed = sf.energyDistance(x, y, 2);
  assert.ok(Number.isFinite(ed) && ed !== 0, `energy distance ${ed}`);
  assert.equal(ed, eager.energyDistance(x, y, 2));
  model.dispose();
  twin.dispose();
});
