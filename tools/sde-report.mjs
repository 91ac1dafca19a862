// sde-report.mjs — sample quality against cost for the score-SDE samplers (issue 16): trains one
// continuous-noise (vesde) net per 2-D set, samples 2000 points with every sampler at several numbers
// of score evaluations (NFE, 4 … 1000), and prints the energy distance to fresh data beside the
// true-vs-true floor (two fresh samples of the data, over several seeds: mean ± standard deviation),
// then the held-out negative log-likelihood through the probability-flow ODE beside a Gaussian fitted
// to the training data. A report, not a test: docs/samplers.md records its output.
//
//   node tools/sde-report.mjs [--steps N] [--datasets a,b] [--quick] [--sigma-max X]
//     defaults: 6000 training steps; swiss_roll, moons, eight_gaussians, rings; σ_max 10
//
// A sampler is "at the floor" when its energy distance is at most the floor's mean + 2 standard
// deviations. All numbers are the core's (sampling, energy distance, likelihood); the Gaussian fit is
// the report's own (the sample mean and covariance of the training draw, in doubles).
import { createScorefield } from '../web/core/scorefield.js';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const STEPS = Number(opt('steps', '6000'));
const DATASETS = opt('datasets', 'swiss_roll,moons,eight_gaussians,rings').split(',');
const QUICK = args.includes('--quick');
const SIGMA_MAX = Number(opt('sigma-max', '10'));
if (!Number.isInteger(STEPS) || STEPS < 1 || !(SIGMA_MAX > 0.01)) {
  process.stderr.write('usage: node tools/sde-report.mjs [--steps N] [--datasets a,b] [--quick] [--sigma-max X]\n');
  process.exit(2);
}
const N = 2000; // samples per sampler and points per data draw
const FLOOR_DRAWS = 5; // pairs of fresh samples behind the floor
const SEEDS = { fresh: 101, floor: 1000, heldout: 303, fit: 404, sampler: 7 };
// Steps per sampler (annealed: steps per level of 10 levels), chosen so that NFE spans 4 … 1000.
const GRID = QUICK
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

const sf = await createScorefield({ digits: false });
const out = (line = '') => process.stdout.write(`${line}\n`);

// NLL (nats per point) of points under a Gaussian fitted to fit (both (n, 2)): mean ± SE.
function gaussianNll(fit, points) {
  const n = fit.length / 2;
  let mx = 0,
    my = 0;
  for (let i = 0; i < n; i++) ((mx += fit[2 * i]), (my += fit[2 * i + 1]));
  ((mx /= n), (my /= n));
  let sxx = 0,
    sxy = 0,
    syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = fit[2 * i] - mx,
      dy = fit[2 * i + 1] - my;
    ((sxx += dx * dx), (sxy += dx * dy), (syy += dy * dy));
  }
  ((sxx /= n - 1), (sxy /= n - 1), (syy /= n - 1));
  const det = sxx * syy - sxy * sxy;
  const m = points.length / 2;
  const nll = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    const dx = points[2 * i] - mx,
      dy = points[2 * i + 1] - my;
    const q = (syy * dx * dx - 2 * sxy * dx * dy + sxx * dy * dy) / det;
    nll[i] = -(0.5 * q + Math.log(2 * Math.PI) + 0.5 * Math.log(det)); // stored as log p
  }
  return sf.likelihoodSummary(nll, 2);
}

const summary = [];
for (const dataset of DATASETS) {
  const t0 = performance.now();
  const model = sf.createModel({ dim: 2, noiseConditional: true, seed: 42 });
  model.configureTraining({ dataset, objective: 'vesde', sigmaMax: SIGMA_MAX });
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
    `vesde net 2→128→128→2, σ ${tc.sigmaMin} … ${tc.sigmaMax} log-uniform, ${STEPS} steps (batch ${tc.batch}, lr ${tc.lr}) in ${trainSeconds.toFixed(0)} s. ` +
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
  const heldout = sf.sampleData({ dataset, n: N, seed: SEEDS.heldout }).x;
  const ll = model.logLikelihood(heldout, { steps: 100 });
  const g = gaussianNll(sf.sampleData({ dataset, n: N, seed: SEEDS.fit }).x, heldout);
  out();
  out(
    `Held-out NLL (${N} fresh points, ODE 100 Heun steps, exact divergence): ${(-ll.mean).toFixed(3)} ± ${ll.se.toFixed(3)} nats; ` +
      `a fitted Gaussian: ${(-g.mean).toFixed(3)} ± ${g.se.toFixed(3)} nats.`,
  );
  out();
  summary.push({ dataset, best, nll: -ll.mean, nllSe: ll.se, gauss: -g.mean, floor: fm });
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
      .join(' | ')} | ${s.nll.toFixed(3)} ± ${s.nllSe.toFixed(3)} | ${s.gauss.toFixed(3)} |`,
  );
