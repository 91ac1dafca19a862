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
import { download } from './exports.js';

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
 * runs.ncsnDigits. onUserAction: called when the user touches a control (main.js stops autoplay).
 * Returns { views, toolbars, update(now), test }.
 */
export function buildNcsnSection({ engine, runs, onUserAction }) {
  const run = runs.ncsn,
    digitsRun = runs.ncsnDigits;
  for (const type of Object.values(NCSN_FROM_WORKER)) {
    engine.on(type, (msg) => {
      if (msg.run) runs[msg.run]?.receive(msg);
    });
  }
  const data = { dataset: '', points: null, label: '', error: '' };

  // ---- training toolbars -------------------------------------------------------------------------------
  const toolbar = new RunToolbar($('ncsn-toolbar'), run, {
    onUserAction,
    rows: toolbarRows({ dataset: true, probe: true }),
  });
  const digitsToolbar = new RunToolbar($('ncsn-digits-toolbar'), digitsRun, {
    onUserAction,
    rows: toolbarRows({ dataset: false, probe: false }),
  });

  // ---- sampler bar: Sample again, Stop, the annealed sampler's settings, read-outs ---------------------
  let seedOffset = 0;
  // The flow as a looping GIF (web/render/animation.js, loaded on first use), from the current network
  // and the sampler's seed: the same network and seed give the same file.
  const gifStatus = el('output', 'points-file-error');
  gifStatus.id = 'ncsn-flow-gif-status';
  gifStatus.setAttribute('role', 'status');
  const gifButton = button('Animation (GIF)', async () => {
    onUserAction();
    gifButton.disabled = true;
    gifStatus.textContent = 'Sampling the flow…';
    try {
      const [{ animateChains }, msg] = await Promise.all([
        import('../render/animation.js'),
        run.flowFrames(NCSN_BOX, seedOffset, FLOW_GIF_PARTICLES, FLOW_GIF_FRAMES),
      ]);
      const shown = data.points ? data.points.subarray(0, 2 * FLOW_GIF_DATA_POINTS) : null;
      const bytes = animateChains({ data: shown, frames: msg.frames, n: msg.n, box: NCSN_BOX, trails: false });
      download(
        new Blob([bytes], { type: 'image/gif' }),
        `scorefield-ncsn-${run.values.dataset}-step${msg.step}-flow.gif`,
      );
      gifStatus.textContent = '';
    } catch (err) {
      gifStatus.textContent = `GIF export: ${err.message}`;
    } finally {
      gifButton.disabled = false;
    }
  });
  gifButton.id = 'ncsn-flow-gif';
  gifButton.title = 'The particle flow from uniform noise to the data, as a looping animated GIF';
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
    extra: [gifButton, gifStatus],
    rows: rowsOf('anneal'),
    values: run.values,
    onChange: (name, value) => {
      run.set(name, value);
      startFlow();
    },
    readouts: ['level', 'σ', 'energy distance', 'small mode'],
  });

  // ---- painting (painting.js, shared with section 8) ------------------------------------------------------
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
      for (const v of [particleView, learnedView, trueView]) v.invalidate();
    },
    onLoaded: () => {
      for (const v of [dataView, particleView, learnedView, trueView]) v.invalidate();
    },
  });

  // ---- σ of the field plots -------------------------------------------------------------------------------
  const sigmaState = { level: 0, follow: true };
  const { input: sigmaInput, output: sigmaValue } = followSlider($('ncsn-sigma'), {
    label: 'Noise level',
    id: 'ncsn-sigma-level',
    min: 1,
    max: 10,
    value: 1,
    onInput: (value) => {
      sigmaState.level = value - 1;
      sigmaState.follow = false;
      fieldsChanged();
    },
    onFollow: (checked) => {
      sigmaState.follow = checked;
      fieldsChanged();
    },
  });
  const sigmaOf = () => {
    const sigmas = ladder(run.values);
    return sigmas[Math.min(sigmaState.level, sigmas.length - 1)];
  };

  // ---- exact fields (cache of the worker's answers) ------------------------------------------------------
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

  // ---- plain against annealed on the mixture's exact score -------------------------------------------------
  const compare = { result: null, error: '', pending: false, seed: COMPARE_SEED };
  function runCompare() {
    if (compare.pending) return;
    compare.pending = true;
    compare.result = null;
    compare.error = '';
    compareButton.disabled = true;
    for (const v of compareViews) v.invalidate();
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
        compareButton.disabled = false;
        for (const v of compareViews) v.invalidate();
      });
  }
  const compareButton = button('Run again', () => {
    compare.seed++;
    runCompare();
  });
  compareButton.title = 'Both samplers again from new uniform starts';
  $('ncsn-compare-controls').append(compareButton);

  // ---- digits sampler -----------------------------------------------------------------------------------------
  const digitsState = { seedOffset: 0, version: 0 };
  const { controls: digitsControls } = samplerBar($('ncsn-digits-sampler'), {
    sampleLabel: 'Resample',
    onSample: () => {
      digitsState.seedOffset++;
      digitsState.version++;
      redrawDigits();
    },
    rows: rowsOf('anneal').filter((row) => row.name !== 'particles'),
    values: digitsRun.values,
    onChange: (name, value) => {
      digitsRun.set(name, value);
      digitsState.version++;
      redrawDigits();
    },
  });

  // ---- views ----------------------------------------------------------------------------------------------------
  const dataView = new NcsnDataView($('ncsn-data'), run, painter, data);
  painter.attach(dataView.canvas, (cx, cy) => dataView.dataAt(cx, cy));
  const particleView = new ParticleView($('ncsn-particles'), run, data);
  const learnedView = new SigmaFieldView($('ncsn-field-learned'), run, fieldSection, 'learned');
  const trueView = new SigmaFieldView($('ncsn-field-true'), run, fieldSection, 'true');
  const compareViews = [
    new CompareView($('ncsn-compare-plain'), compare, 'plain'),
    new CompareView($('ncsn-compare-annealed'), compare, 'annealed'),
  ];
  const levelsView = new NcsnDigitsView($('ncsn-digits-levels'), digitsRun, digitsState, 'levels');
  const gridView = new NcsnDigitsView($('ncsn-digits-grid'), digitsRun, digitsState, 'grid');
  const views = [
    dataView,
    particleView,
    new LossView($('ncsn-loss'), run),
    new QualityView($('ncsn-quality'), run),
    learnedView,
    trueView,
    ...compareViews,
    new LossView($('ncsn-digits-loss'), digitsRun),
    levelsView,
    gridView,
  ];
  function fieldsChanged() {
    learnedView.invalidate();
    trueView.invalidate();
  }
  function redrawDigits() {
    levelsView.invalidate();
    gridView.invalidate();
  }

  // ---- keeping controls and state in step with the runs ------------------------------------------------------
  let synced = false;
  run.subscribe((_, what) => {
    if (what === RUN_EVENTS.STATE) {
      if (!synced && run.dim > 0) {
        // the first network: the core's defaults are in, the worker is up
        synced = true;
        for (const row of rowsOf('anneal')) samplerControls.set(row.name, run.values[row.name]);
        loadData();
      }
    }
    if (what === RUN_EVENTS.SETTINGS) {
      loadData();
      fieldsChanged();
      sigmaInput.max = String(run.values.levels);
    }
  });
  let digitsSynced = false;
  digitsRun.subscribe((_, what) => {
    if (what === RUN_EVENTS.STATE && !digitsSynced && digitsRun.dim > 0) {
      digitsSynced = true;
      for (const row of rowsOf('anneal')) digitsControls.set(row.name, digitsRun.values[row.name]);
    }
  });

  // ---- the particle flow --------------------------------------------------------------------------------------
  let flowEndedAt = -Infinity,
    wasFlowing = false;
  function startFlow() {
    if (run.dim !== 2) return;
    run.startFlow(NCSN_BOX, seedOffset);
  }

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
    if (sigmaState.follow && f && !f.error && sigmaState.level !== f.level - 1) {
      sigmaState.level = f.level - 1;
      fieldsChanged();
    }
    const levels = run.values.levels;
    if (sigmaInput.max !== String(levels)) sigmaInput.max = String(levels);
    if (sigmaInput.value !== String(sigmaState.level + 1)) sigmaInput.value = String(sigmaState.level + 1);
    const sigmaText = `σ = ${formatSigma(sigmaOf())}`;
    if (sigmaValue.textContent !== sigmaText) sigmaValue.textContent = sigmaText;
    levelOut.set(f ? `${f.level} / ${f.levels}` : '–');
    sigmaOut.set(f ? formatSigma(f.sigma) : '–');
    edOut.set(f && Number.isFinite(f.ed) ? `${formatDistance(f.ed)} (floor ${formatDistance(f.floor)})` : '–');
    modeOut.set(f && Number.isFinite(f.smallMode) ? `${Math.round(100 * f.smallMode)} %` : '–');
    stopButton.disabled = !run.flowing;
    sampleButton.disabled = run.dim !== 2;
    if (!compare.result && !compare.pending && !compare.error && compareViews.some((v) => v.visible)) runCompare();
  }

  return {
    views,
    toolbars: [toolbar, digitsToolbar],
    update,
    // The browser tests' view of the section (main.js exposes it as scorefieldTest.ncsn).
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
      fieldsDrawn: () => ({ learned: !!learnedView.drawnScores, exact: !!trueView.drawnScores, sigma: sigmaOf() }),
      compare: () =>
        compare.result ? { plain: compare.result.plainSmall, annealed: compare.result.annealedSmall } : null,
      digitsRendered: () => levelsView.rendered + gridView.rendered,
    },
  };
}
