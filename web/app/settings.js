// settings.js — the page's runs over the one settings table (web/core/settings.js, which every front
// end shares): which training runs the page has and the defaults in which they differ, and how a run's
// values become the worker's messages. Nothing here touches the DOM.

import { PAGE_OPTIONS, SETTINGS, parseSetting, rowsOf, settingRow } from '../core/settings.js';

export { PAGE_OPTIONS, SETTINGS, parseSetting, rowsOf, settingRow };

/**
 * The page's training runs, in page order, with the defaults in which they differ from the table:
 * the tutorial's exact and sliced runs on the swiss roll (2000 steps each) and its digits run
 * (sliced, 5000 steps, sampled with ε 0.05, ×0.98, 50 steps, T 0.02).
 */
export const RUNS = Object.freeze({
  exact: { label: 'exact score matching', defaults: { objective: 'exact' } },
  sliced: { label: 'sliced score matching', defaults: { objective: 'sliced' } },
  digits: {
    label: 'digits',
    defaults: {
      dataset: 'digits',
      objective: 'sliced',
      steps: 5000,
      eps: 0.05,
      decay: 0.98,
      chainSteps: 50,
      temperature: 0.02,
    },
  },
  // Section 7, NCSN (web/app/ncsn-*.js): noise-conditional networks trained with the ncsn objective,
  // on a 2-D set (or painted points) and on the digits. The digits need a larger learning rate than
  // the tutorial's to show digit-like samples after 5000 steps (measured: README, NCSN).
  ncsn: {
    label: 'NCSN',
    noiseConditional: true,
    defaults: { dataset: 'eight_gaussians', objective: 'ncsn', steps: 3000 },
  },
  ncsnDigits: {
    label: 'NCSN digits',
    noiseConditional: true,
    defaults: { dataset: 'digits', objective: 'ncsn', steps: 5000, lr: 3e-3, sigmaMax: 1, annealEps: 2e-5 },
  },
  // The headline's "train your own" (pretrained-section.js): a class-conditional noise-conditional net
  // (10 classes, labels dropped 20 % of the time) trained live beside the pretrained model, with the
  // shipped model's recipe (lr 2·10⁻³, σ 1 → 0.01) and a shorter run.
  ownDigits: {
    label: 'your conditional digits',
    noiseConditional: true,
    classes: 10,
    defaults: {
      dataset: 'digits',
      objective: 'ncsn',
      steps: 2000,
      lr: 2e-3,
      sigmaMax: 1,
      annealEps: 1e-4,
      annealSteps: 20,
    },
  },
  // Section 8, score SDEs (web/app/sde-*.js): a noise-conditional network trained on a continuous range
  // of σ (the vesde objective), sampled by the samplers of the 'sde' rows. Its quality probe while
  // training is section 7's (rare here: the section measures every sampler itself once it stops).
  sde: {
    label: 'score SDE',
    noiseConditional: true,
    defaults: { dataset: 'moons', objective: 'vesde', steps: 3000, edEvery: 1000 },
  },
});

/** Every setting's default for a run (RUNS key), as { name: value }. */
export function runDefaults(run) {
  const overrides = RUNS[run]?.defaults;
  if (!overrides) throw new Error(`unknown run '${run}'`);
  return Object.fromEntries(SETTINGS.map((row) => [row.name, overrides[row.name] ?? row.default]));
}

/**
 * The settings the core's own defaults (sf.defaults, sent with the worker's READY) give a run whose
 * dataset is `dataset`: { name: value } for the rows the core has an opinion on. The table's defaults
 * are the tutorial's and should agree; where they do not, the core wins (main.js applies these to the
 * settings nobody chose explicitly).
 */
export function coreDefaults(defaults, dataset) {
  const train = defaults?.train?.[dataset],
    langevin = defaults?.langevin?.[dataset];
  const out = {};
  if (train) Object.assign(out, { lr: train.lr, batch: train.batch });
  if (defaults?.net) out.seed = defaults.net.seed;
  if (langevin) {
    Object.assign(out, {
      eps: langevin.eps,
      decay: langevin.decay,
      chainSteps: langevin.steps,
      temperature: langevin.temperature,
    });
  }
  // Only values the table accepts: a core default outside a row's range is the table's bug to fix, not
  // something to send on.
  return Object.fromEntries(Object.entries(out).filter(([name, v]) => !('error' in parseSetting(settingRow(name), v))));
}

/** The training part of a run's settings, as the worker's CONFIGURE takes it. */
export function trainingSettings(values) {
  return Object.fromEntries(rowsOf('train').map((row) => [row.name, values[row.name]]));
}

/** The Langevin part of a run's settings, as the worker's CHAINS and SAMPLES take it. */
export function langevinSettings(values) {
  return {
    eps: values.eps,
    decay: values.decay,
    steps: values.chainSteps,
    temperature: values.temperature,
    seed: values.chainSeed,
  };
}

// ---- the NCSN section (section 7) -------------------------------------------------------------------

/**
 * The datasets an NCSN run on 2-D data offers: every 2-D set of the dataset row, then the user's
 * drawing ('points'), which the shared row leaves out (only the NCSN section has a drawing tool).
 */
export const NCSN_DATASET_OPTIONS = Object.freeze([
  ...settingRow('dataset').options.filter((o) => o.value !== 'digits'),
  { value: 'points', label: 'your drawing (paint it on the data plot)' },
]);

/**
 * The training settings of a noise-conditional run, as its CONFIGURE takes them: the train rows and the
 * ladder, with the objective 'vesde' for the score-SDE run and 'ncsn' for the others.
 */
export function ncsnTrainingSettings(values) {
  return {
    ...trainingSettings(values),
    objective: values.objective === 'vesde' ? 'vesde' : 'ncsn',
    ...Object.fromEntries(rowsOf('ncsn').map((row) => [row.name, values[row.name]])),
  };
}

/** The annealed sampler's settings of an NCSN run: { n, steps, eps, seed }. */
export function annealSettings(values) {
  return { n: values.particles, steps: values.annealSteps, eps: values.annealEps, seed: values.annealSeed };
}

/**
 * What the core's defaults (sf.defaults) say about an NCSN run on `dataset`: the ladder
 * (sigmaMax, sigmaMin, levels) and the sampler's T and ε, for the rows the table accepts.
 */
export function ncsnCoreDefaults(defaults, dataset) {
  const train = defaults?.train?.[dataset],
    anneal = defaults?.anneal?.[dataset];
  const out = {};
  if (train) Object.assign(out, { sigmaMax: train.sigmaMax, sigmaMin: train.sigmaMin, levels: train.levels });
  if (anneal) Object.assign(out, { annealSteps: anneal.steps, annealEps: anneal.eps });
  return Object.fromEntries(Object.entries(out).filter(([name, v]) => !('error' in parseSetting(settingRow(name), v))));
}

/** A score-SDE run's sampler settings as the worker's SDE_TO_WORKER.SAMPLE takes them. */
export function sdeSamplerSettings(values) {
  return {
    sampler: values.sdeSampler,
    steps: values.sdeSteps,
    n: values.sdeParticles,
    seed: values.sdeSeed,
    snr: values.sdeSnr,
    churn: values.sdeChurn,
  };
}
