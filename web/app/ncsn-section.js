// ncsn-section.js — section 7 of the page, noise-conditional scores and annealed Langevin (Song &
// Ermon 2019): builds its toolbars, sampler and painting controls and its views, and keeps the state
// that is the section's rather than a run's — the painted points, the noise level the field plots
// show, the exact fields and the plain-against-annealed comparison the worker computed — and decides
// when to stream the particles (whenever they are on screen and the network changed since the last
// flow). main.js calls buildNcsnSection once, adds its views and toolbars to the page's loops and
// calls update() every animation frame.
//
// Runs are NcsnRuns (ncsn-run.js, created by main.js from settings.js's RUNS); views are
// ncsn-views.js's; the worker side is web/worker/ncsn.js.

import { button, el } from './controls.js';
import { followSlider, samplerBar } from './sampler-bar.js';
import { attachSectionPainting } from './painting.js';
import { RunToolbar } from './toolbar.js';
import { LossView } from './views.js';
import { ladder } from './ncsn-run.js';
import {
  CompareView,
  NCSN_BOX,
  NCSN_GRID,
  NcsnDataView,
  NcsnDigitsView,
  ParticleView,
  QualityView,
  SigmaFieldView,
  formatDistance,
  formatSigma,
} from './ncsn-views.js';
import { NCSN_DATASET_OPTIONS, rowsOf } from './settings.js';
import { NCSN_FROM_WORKER, NCSN_TO_WORKER } from '../worker/protocol.js';
import { RUN_EVENTS } from './events.js';
import { download } from './export-bar.js';

const DATA_POINTS = 2000; // the generated data drawn under the particles and fields
const ANALYTIC = new Set(['mixture', 'eight_gaussians']); // datasets with sf.dataScore
// After a flow ends its last frame stays this long before a changed network is sampled again.
const FLOW_HOLD_MS = 1500; // ms
const COMPARE_CHAINS = 1000;
// The particle flow's GIF: 500 particles (the CLI's annealed chains) over 101 frames, a 5 s loop at
// 20 fps, under 2 MB at 480 px (docs/animation.md); the data under them as in the SVG export.
const FLOW_GIF_PARTICLES = 500;
const FLOW_GIF_FRAMES = 101;
const FLOW_GIF_DATA_POINTS = 2000;
const COMPARE_SEED = 1;

const $ = (id) => document.getElementById(id);

// The rows a toolbar shows: the training rows without the objective (always ncsn here), the dataset
// row with the section's own options (or none, for the digits), then the noise ladder.
function toolbarRows({ dataset, probe }) {
  const rows = [];
  for (const row of rowsOf('train')) {
    if (row.name === 'objective') continue;
    if (row.name === 'dataset') {
      if (dataset) rows.push({ ...row, options: NCSN_DATASET_OPTIONS });
      continue;
    }
    rows.push(row);
  }
  return [...rows, ...rowsOf('ncsn').filter((row) => probe || row.name !== 'edEvery')];
}

/**
 * Builds section 7 inside the page's markup (index.html, ids ncsn-*) for runs.ncsn and
 * runs.ncsnDigits, from its parts below: the 2-D run (toolbar, painting, the particle flow and its
 * sampler bar), the field plots at one noise level, the plain-against-annealed comparison and the
 * digits. onUserAction: called when the user touches a control (main.js stops autoplay).
 * Returns { views, toolbars, update(now), test }.
 */
export function buildNcsnSection({ engine, runs, onUserAction }) {
  const run = runs.ncsn;
  for (const type of Object.values(NCSN_FROM_WORKER)) {
    engine.on(type, (msg) => {
      if (msg.run) runs[msg.run]?.receive(msg);
    });
  }
  const data = { dataset: '', points: null, label: '', error: '' };
  const fields = buildSigmaFields({ engine, run, data });
  const flow = buildFlow({ engine, run, data, onUserAction, fields });
  const compare = buildCompare({ engine });
  const digits = buildDigits({ run: runs.ncsnDigits, onUserAction });
  const parts = [flow, fields, compare, digits];
  return {
    views: parts.flatMap((part) => part.views),
    toolbars: [flow.toolbar, digits.toolbar],
    update(now) {
      flow.update(now);
      fields.update(run.flow);
      compare.update();
    },
    // The browser tests' view of the section (main.js exposes it as scorefieldTest.ncsn).
    test: { ...flow.test, ...fields.test, ...compare.test, ...digits.test },
  };
}

/**
 * The 2-D run: its toolbar, the painting, and the particle flow with its sampler bar (Sample again,
 * Stop, the GIF, the annealed sampler's settings and read-outs). The flow streams whenever the
 * particles are on screen and the network changed since the last flow.
 */
function buildFlow({ engine, run, data, onUserAction, fields }) {
  const toolbar = new RunToolbar($('ncsn-toolbar'), run, {
    onUserAction,
    rows: toolbarRows({ dataset: true, probe: true }),
  });
  let seedOffset = 0;
  const startFlow = () => {
    if (run.dim === 2) run.startFlow(NCSN_BOX, seedOffset);
  };
  const {
    sampleButton,
    stopButton,
    controls: samplerControls,
    readouts: [levelOut, sigmaOut, edOut, modeOut],
  } = samplerBar($('ncsn-sampler'), {
    onUserAction,
    sampleTitle: 'Run the annealed sampler again from new uniform starts (the next seed)',
    stopTitle: 'Stop the particles where they are',
    onSample: () => {
      seedOffset++;
      startFlow();
    },
    onStop: () => run.stopFlow(),
    extra: flowGif({ run, data, onUserAction, seed: () => seedOffset }),
    rows: rowsOf('anneal'),
    values: run.values,
    onChange: (name, value) => {
      run.set(name, value);
      startFlow();
    },
    readouts: ['level', 'σ', 'energy distance', 'small mode'],
  });

  // Painting (painting.js, shared with section 8).
  const { painter, loadData } = attachSectionPainting({
    engine,
    run,
    box: NCSN_BOX,
    prefix: 'ncsn',
    toolbar,
    onUserAction,
    data,
    n: DATA_POINTS,
    onPainted: () => {
      particleView.invalidate();
      fields.invalidate();
    },
    onLoaded: () => {
      dataView.invalidate();
      particleView.invalidate();
      fields.invalidate();
    },
  });

  const dataView = new NcsnDataView($('ncsn-data'), run, painter, data);
  painter.attach(dataView.canvas, (cx, cy) => dataView.dataAt(cx, cy));
  const particleView = new ParticleView($('ncsn-particles'), run, data);

  // Controls and data in step with the run: the core's defaults come with the first network.
  let synced = false;
  run.subscribe((_, what) => {
    if (what === RUN_EVENTS.STATE && !synced && run.dim > 0) {
      synced = true;
      for (const row of rowsOf('anneal')) samplerControls.set(row.name, run.values[row.name]);
      loadData();
    }
    if (what === RUN_EVENTS.SETTINGS) {
      loadData();
      fields.invalidate();
    }
  });

  let flowEndedAt = -Infinity,
    wasFlowing = false;
  function update(now) {
    // The flow runs while its view is on screen: it starts again when the network changed since the
    // last one (while training, a new flow follows each finished one after FLOW_HOLD_MS).
    if (run.flowing && !particleView.visible) {
      run.stopFlow();
      run.flowStep = -1; // sample again when it comes back into view
    }
    if (wasFlowing && !run.flowing) flowEndedAt = now;
    wasFlowing = run.flowing;
    if (
      particleView.visible &&
      !run.flowing &&
      run.dim === 2 &&
      run.step > 0 &&
      run.step !== run.flowStep &&
      now - flowEndedAt > FLOW_HOLD_MS &&
      !run.error
    )
      startFlow();
    const f = run.flow;
    levelOut.set(f ? `${f.level} / ${f.levels}` : '–');
    sigmaOut.set(f ? formatSigma(f.sigma) : '–');
    edOut.set(f && Number.isFinite(f.ed) ? `${formatDistance(f.ed)} (floor ${formatDistance(f.floor)})` : '–');
    modeOut.set(f && Number.isFinite(f.smallMode) ? `${Math.round(100 * f.smallMode)} %` : '–');
    stopButton.disabled = !run.flowing;
    sampleButton.disabled = run.dim !== 2;
  }

  return {
    toolbar,
    views: [dataView, particleView, new LossView($('ncsn-loss'), run), new QualityView($('ncsn-quality'), run)],
    update,
    test: {
      flow: () => {
        const f = run.flow;
        return {
          flowing: run.flowing,
          framesDrawn: particleView.framesDrawn,
          levelsDrawn: particleView.levelsDrawn.size,
          level: f?.level ?? 0,
          t: f?.t ?? 0,
          done: !!f?.done,
          ed: f?.ed ?? null,
          floor: f?.floor ?? null,
          smallMode: f?.smallMode ?? null,
          error: f?.error ?? '',
          n: f?.n ?? 0,
        };
      },
      quality: () => ({ points: run.quality.map((q) => ({ ...q })), floor: run.qualityFloor }),
      painted: () => painter.count,
      paintedPoints: () => Array.from(painter.snapshot()),
    },
  };
}

// The flow as a looping GIF (web/render/animation.js, loaded on first use), from the current network
// and the sampler's seed: the same network and seed give the same file. Returns [button, status].
function flowGif({ run, data, onUserAction, seed }) {
  const status = el('output', 'points-file-error');
  status.id = 'ncsn-flow-gif-status';
  status.setAttribute('role', 'status');
  const gifButton = button('Animation (GIF)', async () => {
    onUserAction();
    gifButton.disabled = true;
    status.textContent = 'Sampling the flow…';
    try {
      const [{ animateChains }, msg] = await Promise.all([
        import('../render/animation.js'),
        run.flowFrames(NCSN_BOX, seed(), FLOW_GIF_PARTICLES, FLOW_GIF_FRAMES),
      ]);
      const shown = data.points ? data.points.subarray(0, 2 * FLOW_GIF_DATA_POINTS) : null;
      const bytes = animateChains({ data: shown, frames: msg.frames, n: msg.n, box: NCSN_BOX, trails: false });
      download(
        new Blob([bytes], { type: 'image/gif' }),
        `scorefield-ncsn-${run.values.dataset}-step${msg.step}-flow.gif`,
      );
      status.textContent = '';
    } catch (err) {
      status.textContent = `GIF export: ${err.message}`;
    } finally {
      gifButton.disabled = false;
    }
  });
  gifButton.id = 'ncsn-flow-gif';
  gifButton.title = 'The particle flow from uniform noise to the data, as a looping animated GIF';
  return [gifButton, status];
}

/**
 * The learned and the exact field at one noise level of the ladder: the slider that picks it (or
 * follows the flow's level) and the cache of the exact fields the worker computed.
 */
function buildSigmaFields({ engine, run, data }) {
  const state = { level: 0, follow: true };
  const { input: sigmaInput, output: sigmaValue } = followSlider($('ncsn-sigma'), {
    label: 'Noise level',
    id: 'ncsn-sigma-level',
    min: 1,
    max: 10,
    value: 1,
    onInput: (value) => {
      state.level = value - 1;
      state.follow = false;
      invalidate();
    },
    onFollow: (checked) => {
      state.follow = checked;
      invalidate();
    },
  });
  const sigmaOf = () => {
    const sigmas = ladder(run.values);
    return sigmas[Math.min(state.level, sigmas.length - 1)];
  };

  const trueFields = new Map(); // `${dataset}/${sigma}` → { scores } (scores null and error on failure)
  const pendingTrue = new Set();
  const fieldSection = {
    data,
    sigma: sigmaOf,
    analytic: (dataset) => ANALYTIC.has(dataset),
    trueFieldAt: (dataset, sigma) => trueFields.get(`${dataset}/${sigma}`),
    trueField(dataset, sigma) {
      const key = `${dataset}/${sigma}`;
      if (trueFields.has(key) || pendingTrue.has(key)) return;
      pendingTrue.add(key);
      engine
        .request(NCSN_TO_WORKER.TRUE_FIELD, { dataset, grid: NCSN_GRID, sigma })
        .then(
          (msg) => {
            trueFields.set(key, { scores: msg.scores });
          },
          (err) => {
            trueFields.set(key, { scores: null, error: err.message });
          },
        )
        .finally(() => {
          pendingTrue.delete(key);
          trueView.invalidate();
        });
    },
  };
  const learnedView = new SigmaFieldView($('ncsn-field-learned'), run, fieldSection, 'learned');
  const trueView = new SigmaFieldView($('ncsn-field-true'), run, fieldSection, 'true');
  function invalidate() {
    learnedView.invalidate();
    trueView.invalidate();
  }

  // Every frame, with the run's flow: the level follows the flow's, the slider the ladder's length.
  function update(flow) {
    if (state.follow && flow && !flow.error && state.level !== flow.level - 1) {
      state.level = flow.level - 1;
      invalidate();
    }
    const levels = String(run.values.levels);
    if (sigmaInput.max !== levels) sigmaInput.max = levels;
    if (sigmaInput.value !== String(state.level + 1)) sigmaInput.value = String(state.level + 1);
    const sigmaText = `σ = ${formatSigma(sigmaOf())}`;
    if (sigmaValue.textContent !== sigmaText) sigmaValue.textContent = sigmaText;
  }

  return {
    views: [learnedView, trueView],
    invalidate,
    update,
    test: {
      fieldsDrawn: () => ({ learned: !!learnedView.drawnScores, exact: !!trueView.drawnScores, sigma: sigmaOf() }),
    },
  };
}

/** Plain against annealed Langevin on the mixture's exact score, run when its plots first show. */
function buildCompare({ engine }) {
  const compare = { result: null, error: '', pending: false, seed: COMPARE_SEED };
  const views = [
    new CompareView($('ncsn-compare-plain'), compare, 'plain'),
    new CompareView($('ncsn-compare-annealed'), compare, 'annealed'),
  ];
  const invalidate = () => {
    for (const v of views) v.invalidate();
  };
  function run() {
    if (compare.pending) return;
    Object.assign(compare, { pending: true, result: null, error: '' });
    againButton.disabled = true;
    invalidate();
    engine
      .request(NCSN_TO_WORKER.COMPARE, { n: COMPARE_CHAINS, seed: compare.seed, box: NCSN_BOX })
      .then(
        (msg) => {
          compare.result = msg;
        },
        (err) => {
          compare.error = err.message;
        },
      )
      .finally(() => {
        compare.pending = false;
        againButton.disabled = false;
        invalidate();
      });
  }
  const againButton = button('Run again', () => {
    compare.seed++;
    run();
  });
  againButton.title = 'Both samplers again from new uniform starts';
  $('ncsn-compare-controls').append(againButton);
  return {
    views,
    update() {
      if (!compare.result && !compare.pending && !compare.error && views.some((v) => v.visible)) run();
    },
    test: {
      compare: () =>
        compare.result ? { plain: compare.result.plainSmall, annealed: compare.result.annealedSmall } : null,
    },
  };
}

/** The digits run: its toolbar, loss, and the annealed sampler's rows of levels and grid of samples. */
function buildDigits({ run, onUserAction }) {
  const toolbar = new RunToolbar($('ncsn-digits-toolbar'), run, {
    onUserAction,
    rows: toolbarRows({ dataset: false, probe: false }),
  });
  const state = { seedOffset: 0, version: 0 };
  const redraw = () => {
    state.version++;
    levelsView.invalidate();
    gridView.invalidate();
  };
  const { controls } = samplerBar($('ncsn-digits-sampler'), {
    sampleLabel: 'Resample',
    onSample: () => {
      state.seedOffset++;
      redraw();
    },
    rows: rowsOf('anneal').filter((row) => row.name !== 'particles'),
    values: run.values,
    onChange: (name, value) => {
      run.set(name, value);
      redraw();
    },
  });
  const levelsView = new NcsnDigitsView($('ncsn-digits-levels'), run, state, 'levels');
  const gridView = new NcsnDigitsView($('ncsn-digits-grid'), run, state, 'grid');
  let synced = false;
  run.subscribe((_, what) => {
    if (what === RUN_EVENTS.STATE && !synced && run.dim > 0) {
      synced = true;
      for (const row of rowsOf('anneal')) controls.set(row.name, run.values[row.name]);
    }
  });
  return {
    toolbar,
    views: [new LossView($('ncsn-digits-loss'), run), levelsView, gridView],
    test: { digitsRendered: () => levelsView.rendered + gridView.rendered },
  };
}
