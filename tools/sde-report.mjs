// sde-report.mjs — sample quality against cost for the score-SDE samplers (issue 16): trains one
// continuous-noise (vesde) net per 2-D set, samples 2000 points with every sampler at several numbers
// of score evaluations (NFE, 4 … 1000), and prints the energy distance to fresh data beside the
// true-vs-true floor (two fresh samples of the data, over several seeds: mean ± standard deviation),
// then the held-out negative log-likelihood through the probability-flow ODE beside a Gaussian fitted
// to the training data. A report, not a test: docs/samplers.md records its output.
//
//   node tools/sde-report.mjs [--steps N] [--datasets a,b] [--quick] [--sigma-max X] [--sigma-dist D]
//                             [--hidden H] [--lr X] [--samplers a,b] [--no-nll]
//     defaults: 20000 training steps; swiss_roll, moons, eight_gaussians, rings; σ_max 10; σ log-uniform
//     (or edm: EDM's log-normal); H 128; lr the dataset's default; every sampler; the NLL printed
//   node tools/sde-report.mjs --digits FILE
//     the digits' held-out bits/dim under a saved vesde digits model (train one with
//     `scorefield.mjs train --dataset digits --objective vesde`) beside a fitted 64-d Gaussian
//
// A sampler is "at the floor" when its energy distance is at most the floor's mean + 2 standard
// deviations. All numbers are the core's (sampling, energy distance, likelihood, the Gaussian fitted
// to a training draw).
import { createScorefield } from '../web/core/scorefield.js';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const STEPS = Number(opt('steps', '20000'));
const DATASETS = opt('datasets', 'swiss_roll,moons,eight_gaussians,rings').split(',');
const QUICK = args.includes('--quick');
const SIGMA_MAX = Number(opt('sigma-max', '10'));
const SIGMA_DIST = opt('sigma-dist', 'log_uniform');
const HIDDEN = Number(opt('hidden', '128'));
const LR = opt('lr') === undefined ? undefined : Number(opt('lr'));
const SAMPLERS = opt('samplers');
const NLL = !args.includes('--no-nll');
if (
  !Number.isInteger(STEPS) ||
  STEPS < 1 ||
  !(SIGMA_MAX > 0.01) ||
  !['log_uniform', 'edm'].includes(SIGMA_DIST) ||
  !Number.isInteger(HIDDEN) ||
  HIDDEN < 1 ||
  (LR !== undefined && !(LR > 0))
) {
  process.stderr.write(
    'usage: node tools/sde-report.mjs [--steps N] [--datasets a,b] [--quick] [--sigma-max X] ' +
      '[--sigma-dist log_uniform|edm] [--hidden H] [--lr X] [--samplers a,b] [--no-nll]\n',
  );
  process.exit(2);
}
const N = 2000; // samples per sampler and points per data draw
const FLOOR_DRAWS = 5; // pairs of fresh samples behind the floor
const SEEDS = { fresh: 101, floor: 1000, heldout: 303, fit: 404, sampler: 7 };
// Steps per sampler (annealed: steps per level of 10 levels), chosen so that NFE spans 4 … 1000.
const FULL_GRID = QUICK
  ? {
      annealed: [2, 10, 100],
      sde: [10, 100, 1000],
      pc: [5, 50, 500],
      'ode-euler': [10, 100],
      'ode-heun': [3, 10, 25, 50],
      edm: [5, 25, 50],
    }
  : {
      annealed: [1, 10, 100],
      sde: [4, 50, 200, 500],
      pc: [25, 100, 250],
      'ode-euler': [10, 50, 200],
      'ode-heun': [3, 10, 18, 25, 50],
      edm: [10, 25, 50],
    };
const GRID = SAMPLERS
  ? Object.fromEntries(
      SAMPLERS.split(',').map((k) => {
        if (!FULL_GRID[k]) {
          process.stderr.write(`sde-report: --samplers: no sampler '${k}'\n`);
          process.exit(2);
        }
        return [k, FULL_GRID[k]];
      }),
    )
  : FULL_GRID;

const sf = await createScorefield({ digits: opt('digits') !== undefined });
const out = (line = '') => process.stdout.write(`${line}\n`);

// NLL of points (m, D) under the Gaussian fitted to fit (n, D) (its mean and sample covariance, the
// core's sf.gaussianFit): { mean, se, bitsPerDim, bitsPerDimSe } of log p.
const gaussianLogp = (fit, points, D) => sf.gaussianLogLikelihood(sf.gaussianFit(fit, D), points);

if (opt('digits') !== undefined) {
  const { readFileSync } = await import('node:fs');
  const model = sf.loadModel(readFileSync(opt('digits')));
  const tc = model.trainingConfig();
  const held = sf.heldoutDigits({ noise: tc.dataNoise }).x;
  const t0 = performance.now();
  const ll = model.logLikelihood(held, { steps: 100, probes: 1 });
  const g = gaussianLogp(
    sf.sampleData({ dataset: 'digits', n: 1438, noise: tc.dataNoise, seed: SEEDS.fit }).x,
    held,
    64,
  );
  out(
    `digits (${model.stepCount} steps of ${tc.objective}, data noise ${tc.dataNoise}): the 359 held-out digits ` +
      `${ll.bitsPerDim.toFixed(3)} ± ${ll.bitsPerDimSe.toFixed(3)} bits/dim (ODE 100 Heun steps, 1 Hutchinson probe, ` +
      `${((performance.now() - t0) / 1000).toFixed(1)} s); a Gaussian fitted to 1438 training draws ` +
      `${g.bitsPerDim.toFixed(3)} ± ${g.bitsPerDimSe.toFixed(3)} bits/dim`,
  );
  process.exit(0);
}

const summary = [];
for (const dataset of DATASETS) {
  const t0 = performance.now();
  const model = sf.createModel({ dim: 2, hidden: HIDDEN, noiseConditional: true, seed: 42 });
  model.configureTraining({
    dataset,
    objective: 'vesde',
    sigmaMax: SIGMA_MAX,
    sigmaDist: SIGMA_DIST,
    ...(LR === undefined ? {} : { lr: LR }),
  });
  model.train(STEPS);
  const trainSeconds = (performance.now() - t0) / 1000;
  const tc = model.trainingConfig();
  const fresh = sf.sampleData({ dataset, n: N, seed: SEEDS.fresh }).x;
  const floors = [];
  for (let r = 0; r < FLOOR_DRAWS; r++) {
    const a = sf.sampleData({ dataset, n: N, seed: SEEDS.floor + 2 * r }).x;
    const b = sf.sampleData({ dataset, n: N, seed: SEEDS.floor + 2 * r + 1 }).x;
    floors.push(sf.energyDistance(a, b, 2));
  }
  const fm = floors.reduce((a, b) => a + b, 0) / FLOOR_DRAWS;
  const fsd = Math.sqrt(floors.reduce((a, b) => a + (b - fm) ** 2, 0) / (FLOOR_DRAWS - 1));
  const bar = fm + 2 * fsd;
  out(`## ${dataset}`);
  out();
  out(
    `vesde net 2→${HIDDEN}→${HIDDEN}→2, σ ${tc.sigmaMin} … ${tc.sigmaMax} ${SIGMA_DIST === 'edm' ? 'EDM log-normal' : 'log-uniform'}, ${STEPS} steps (batch ${tc.batch}, lr ${tc.lr}) in ${trainSeconds.toFixed(0)} s. ` +
      `Energy distance of ${N} samples to ${N} fresh points; true-vs-true floor ${fm.toFixed(5)} ± ${fsd.toFixed(5)} ` +
      `(${FLOOR_DRAWS} pairs); ✓ = at most ${bar.toFixed(5)}.`,
  );
  out();
  out('| sampler | NFE: energy distance |');
  out('| --- | --- |');
  const best = {};
  for (const [sampler, list] of Object.entries(GRID)) {
    const cells = [];
    for (const steps of list) {
      const r = model.sample({
        sampler: /** @type {any} */ (sampler),
        n: N,
        steps,
        seed: SEEDS.sampler,
        ...(sampler === 'annealed' ? { levels: 10 } : {}),
      });
      const ed = sf.energyDistance(r.points, fresh, 2);
      const ok = ed <= bar;
      if (ok && best[sampler] === undefined) best[sampler] = r.nfe;
      cells.push(`${r.nfe}: ${ed.toFixed(5)}${ok ? ' ✓' : ''}`);
    }
    out(`| ${sampler} | ${cells.join(' · ')} |`);
  }
  const row = { dataset, best, nll: NaN, nllSe: NaN, gauss: NaN, floor: fm };
  if (NLL) {
    const heldout = sf.sampleData({ dataset, n: N, seed: SEEDS.heldout }).x;
    const ll = model.logLikelihood(heldout, { steps: 100 });
    const g = gaussianLogp(sf.sampleData({ dataset, n: N, seed: SEEDS.fit }).x, heldout, 2);
    out();
    out(
      `Held-out NLL (${N} fresh points, ODE 100 Heun steps, exact divergence): ${(-ll.mean).toFixed(3)} ± ${ll.se.toFixed(3)} nats; ` +
        `a fitted Gaussian: ${(-g.mean).toFixed(3)} ± ${g.se.toFixed(3)} nats.`,
    );
    Object.assign(row, { nll: -ll.mean, nllSe: ll.se, gauss: -g.mean });
  }
  out();
  summary.push(row);
  model.dispose();
}
out('## Fewest NFE at the floor');
out();
out(`| dataset | ${Object.keys(GRID).join(' | ')} | NLL (nats) | Gaussian NLL |`);
out(
  `| --- | ${Object.keys(GRID)
    .map(() => '---')
    .join(' | ')} | --- | --- |`,
);
for (const s of summary)
  out(
    `| ${s.dataset} | ${Object.keys(GRID)
      .map((k) => s.best[k] ?? '—')
      .join(' | ')} | ${NLL ? `${s.nll.toFixed(3)} ± ${s.nllSe.toFixed(3)} | ${s.gauss.toFixed(3)}` : '— | —'} |`,
  );
