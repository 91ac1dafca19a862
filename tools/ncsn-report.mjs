// ncsn-report.mjs — how close NCSN's samples come to the data: trains a noise-conditional net on a 2-D
// set with the ncsn objective, samples it with annealed Langevin, and prints the energy distance to
// fresh data beside the true-vs-true floor (two fresh samples of the data) and, for contrast, plain
// Langevin on the tutorial's sliced-SM field. A report, not a test: run it when the method changes.
//
//   node tools/ncsn-report.mjs [dataset] [steps] [chains] [batch] [lr]
//                                         (defaults: swiss_roll 5000 1000 128 0.001, the library's)
import { createScorefield } from '../web/core/scorefield.js';
import { DATASETS } from '../web/core/enums.js';

const [dataset = 'swiss_roll', stepsArg = '5000', chainsArg = '1000', batchArg = '128', lrArg = '0.001'] =
  process.argv.slice(2);
const steps = Number(stepsArg),
  n = Number(chainsArg),
  batch = Number(batchArg),
  lr = Number(lrArg);
if (
  !Object.hasOwn(DATASETS, dataset) ||
  dataset === 'digits' ||
  dataset === 'points' ||
  !Number.isInteger(steps) ||
  steps < 1 ||
  !Number.isInteger(n) ||
  n < 2 ||
  !Number.isInteger(batch) ||
  !(lr > 0)
) {
  console.error('usage: node tools/ncsn-report.mjs [dataset] [steps >= 1] [chains >= 2] [batch] [lr > 0]');
  console.error('dataset: a generated 2-D set (swiss_roll, moons, eight_gaussians, rings, checkerboard, mixture)');
  process.exit(2);
}
const SEEDS = { data: 101, truth: 202, start: 303 }; // fixed, so the report is reproducible
const BOX = 1.6; // chains start uniform on [−BOX, BOX]², around every 2-D set

const sf = await createScorefield();
const fresh = sf.sampleData({ dataset, n, seed: SEEDS.data }).x;
const floor = sf.energyDistance(fresh, sf.sampleData({ dataset, n, seed: SEEDS.truth }).x, 2);
const start = sf.uniform(2 * n, -BOX, BOX, SEEDS.start);

const t0 = performance.now();
const ncsn = sf.createModel({ dim: 2, noiseConditional: true });
ncsn.configureTraining({ dataset, batch, lr });
const ncsnLosses = ncsn.train(steps);
const tNcsn = (performance.now() - t0) / 1000;
const annealed = ncsn.annealedLangevin({ start });

const plain = sf.createModel({ dim: 2 });
plain.configureTraining({ dataset, objective: 'sliced', batch, lr });
plain.train(steps);
const langevin = plain.langevin({ start });

const mean = (a) => a.reduce((s, v) => s + v, 0) / a.length;
const t = ncsn.trainingConfig(),
  a = sf.defaults.anneal[dataset];
console.log(`dataset ${dataset}, ${steps} training steps of batch ${batch}, lr ${lr}, ${n} chains, ${sf.isa}`);
console.log(
  `ncsn: ladder ${t.sigmaMax} -> ${t.sigmaMin} in ${t.levels} levels, ${a.steps} steps/level, eps ${a.eps}; ` +
    `last-200 mean loss ${mean(Array.from(ncsnLosses.slice(-200))).toFixed(4)}, trained in ${tNcsn.toFixed(1)} s`,
);
console.log(`energy distance to fresh data:`);
console.log(`  true vs true (floor)           ${floor.toFixed(5)}`);
console.log(`  ncsn + annealed Langevin       ${sf.energyDistance(annealed, fresh, 2).toFixed(5)}`);
console.log(
  `  sliced SM + plain Langevin     ${sf.energyDistance(langevin, fresh, 2).toFixed(5)}  (tutorial sampler: 15 steps)`,
);
console.log(`  the start points (uniform)     ${sf.energyDistance(start, fresh, 2).toFixed(5)}`);
ncsn.dispose();
plain.dispose();
