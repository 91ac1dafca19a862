// sde-section.js — section 8 of the page, score SDEs (Song et al. 2021, Karras et al. 2022): one
// continuous-noise network (run 'sde', the vesde objective) trained live on a 2-D set or a drawing,
// sampled by annealed Langevin, the reverse SDE, predictor–corrector, the probability-flow ODE (Euler,
// Heun) or EDM's sampler with the trajectories drawn and a slider that scrubs through the sampling;
// every sampler's energy distance against its cost (NFE); and the model's log p(x) on a grid through
// the ODE beside the data, with the held-out NLL, and the exact density of the two mixtures.
//
// The worker side is web/worker/sde.js: every request is a job in pieces that a newer one of the same
// kind replaces and that stops (CANCEL) when its figure leaves the screen. main.js calls
// buildSdeSection once, adds its views and toolbars to the page's loops and calls update() every frame.

import { buildControls, button, el, readout } from './controls.js';
import { followSlider, samplerBar } from './sampler-bar.js';
import { attachSectionPainting } from './painting.js';
import { RunToolbar } from './toolbar.js';
import { LossView } from './views.js';
import { NCSN_BOX, NcsnDataView, formatDistance, formatSigma } from './ncsn-views.js';
import { DensityView, SdeCostView, SdeSampleView } from './sde-views.js';
import { QUALITY_NFES, QUALITY_POINTS, SdeJobs } from './sde-jobs.js';
import { NCSN_DATASET_OPTIONS, rowsOf } from './settings.js';
import { RUN_EVENTS } from './events.js';

const DATA_POINTS = 2000; // the generated data drawn under the particles
const SVG_PATHS = 200; // particles whose trajectories the SVG export draws (as the figure does)
const SVG_FRAMES = 40; // frames of each trajectory in the SVG export, evenly spaced up to the shown one
const $ = (id) => document.getElementById(id);

/** A copy of obj's named fields (the browser tests' snapshots of the section's state). */
const pick = (obj, ...fields) => Object.fromEntries(fields.map((f) => [f, obj[f]]));

/**
 * Builds section 8 inside the page's markup (index.html, ids sde-*) for runs.sde, from its parts below:
 * the training toolbar with the painting, the sampling (particles, sampler bar, time slider), the
 * quality against cost and the density. onUserAction: called when the user touches a control.
 * Returns { views, svgViews, toolbars, update(now), figure, test }.
 */
export function buildSdeSection({ engine, runs, onUserAction }) {
  const run = runs.sde;
  const data = { dataset: '', points: null, label: '', error: '' };

  // The jobs and their results (sde-jobs.js, shared with the widget); each result redraws its view.
  const redraw = {};
  const jobs = new SdeJobs({ engine, run, onChange: (what) => redraw[what]?.invalidate() });
  const put = changeWriter();
  const sampling = buildSampling({ run, jobs, data, onUserAction, put });
  const quality = buildQuality({ run, jobs, onUserAction, put });
  const density = buildDensity({ run, jobs, onUserAction });
  Object.assign(redraw, {
    sample: sampling.view,
    quality: quality.view,
    density: density.learnedView,
    exact: density.exactView,
  });

  // The training toolbar and the painting (painting.js, shared with section 7).
  const trainRows = rowsOf('train')
    .filter((row) => row.name !== 'objective')
    .map((row) => (row.name === 'dataset' ? { ...row, options: NCSN_DATASET_OPTIONS } : row));
  const ladderRows = rowsOf('ncsn').filter((row) => row.name !== 'edEvery');
  const toolbar = new RunToolbar($('sde-toolbar'), run, { onUserAction, rows: [...trainRows, ...ladderRows] });
  const { painter, loadData } = attachSectionPainting({
    engine,
    run,
    box: NCSN_BOX,
    prefix: 'sde',
    toolbar,
    onUserAction,
    data,
    n: DATA_POINTS,
    onPainted: () => sampling.view.invalidate(),
    onLoaded: () => {
      dataView.invalidate();
      sampling.view.invalidate();
    },
  });
  const dataView = new NcsnDataView($('sde-data'), run, painter, data);
  painter.attach(dataView.canvas, (cx, cy) => dataView.dataAt(cx, cy));
  run.subscribe((_, what) => {
    if (what === RUN_EVENTS.STATE && run.dim > 0) loadData();
    if (what === RUN_EVENTS.SETTINGS) {
      loadData();
      density.exactView.invalidate();
    }
  });

  const views = [
    dataView,
    sampling.view,
    new LossView($('sde-loss'), run),
    quality.view,
    density.learnedView,
    density.exactView,
  ];

  // What runs when: each figure's job while it is on screen and its network is new. Controls and
  // read-outs only while a figure of the section is on screen, and written only when changed (tracked
  // by put: reading an input's value back every frame cost section 7 frames).
  function update(now) {
    jobs.schedule(now, {
      sample: sampling.view.visible,
      quality: quality.view.visible,
      density: density.learnedView.visible,
    });
    if (!views.some((v) => v.visible)) return;
    sampling.update();
    quality.update();
    density.update();
  }

  // The export bar's SVG buttons for the quality plot and the learned density, drawn as on screen.
  const svgViews = [
    {
      label: 'Quality SVG',
      title: 'The energy distance against cost plot, as drawn, as an SVG figure',
      suffix: 'quality',
      view: quality.view,
    },
    {
      label: 'Density SVG',
      title: 'The learned log p(x) heatmap with its contour lines, as drawn, as an SVG figure',
      suffix: 'density',
      view: density.learnedView,
    },
  ];

  const { state } = jobs;
  return {
    views,
    svgViews,
    toolbars: [toolbar],
    update,
    figure: sampling.figure,
    // The browser tests' view of the section (main.js exposes it as scorefieldTest.sde).
    test: {
      sample: () =>
        state.sample && {
          ...pick(state.sample, 'sampler', 'nfe', 'done', 'ed', 'floor', 'error'),
          frames: state.sample.count,
          drawn: sampling.view.framesDrawn,
        },
      quality: () => ({
        ...pick(state.quality, 'floor', 'done', 'error'),
        points: Object.fromEntries([...state.quality.points].map(([k, v]) => [k, v.map((p) => ({ ...p }))])),
      }),
      density: () =>
        state.density && {
          ...pick(state.density, 'filled', 'done', 'nll', 'se', 'gaussNll', 'gaussSe', 'gaussError', 'ms'),
          ...pick(state.density, 'gridMs', 'gridPageMs', 'pageMs', 'error'),
          drawn: density.learnedView.drawn,
        },
      exactDrawn: () => density.exactView.drawn,
      densityAgain: () => jobs.startDensity(),
      scrub: sampling.scrub,
      painted: () => painter.count,
    },
  };
}

// put(element, key, value): sets element[key] only when value differs from the last one put there.
function changeWriter() {
  const written = new Map(); // element → { key: the last value put }
  return (element, key, value) => {
    let last = written.get(element);
    if (!last) written.set(element, (last = {}));
    if (last[key] === value) return;
    last[key] = value;
    element[key] = value;
  };
}

/**
 * The particles of one sample with their trajectories: the sampler bar (Sample, Stop, the sampler's
 * settings, NFE and energy distance), the slider that scrubs through the sampling, and the particles'
 * figure for the SVG export.
 */
function buildSampling({ run, jobs, data, onUserAction, put }) {
  const { state } = jobs;
  let seedOffset = 0;
  const startSample = () => {
    jobs.startSample(seedOffset);
    follow.checked = true;
  };
  const {
    sampleButton,
    stopButton,
    readouts: [nfeOut, edOut],
  } = samplerBar($('sde-sampler'), {
    onUserAction,
    sampleTitle: 'Run the sampler again (the next seed)',
    onSample: () => {
      seedOffset++;
      startSample();
    },
    onStop: () => jobs.stopSample(),
    rows: rowsOf('sde').filter((row) => row.name !== 'sdeOdeSteps'),
    values: run.values,
    onChange: (name, value) => {
      run.set(name, value);
      startSample();
      if (name === 'sdeSnr' || name === 'sdeChurn') state.quality.step = -1; // measure again when shown
    },
    readouts: ['NFE', 'energy distance'],
  });

  // The time slider: scrubs through the frames of the sample shown.
  const {
    input: scrubInput,
    output: scrubValue,
    follow,
  } = followSlider($('sde-scrub'), {
    label: 'Sampling time',
    id: 'sde-scrub-frame',
    min: 0,
    max: 0,
    value: 0,
    onInput: (value) => {
      state.scrub.frame = value;
      state.scrub.follow = false;
      view.invalidate();
    },
    onFollow: (checked) => {
      state.scrub.follow = checked;
      view.invalidate();
    },
  });
  const view = new SdeSampleView($('sde-particles'), run, data, state);

  function update() {
    const shown = state.sample;
    const frame = state.shownFrame();
    const sigma = shown?.sigmas[frame];
    put(scrubInput, 'max', String(Math.max(0, (shown?.count ?? 1) - 1)));
    put(scrubInput, 'value', String(frame));
    put(
      scrubValue,
      'textContent',
      !shown?.count
        ? '–'
        : Number.isFinite(sigma)
          ? `σ = ${formatSigma(sigma)} (frame ${frame})`
          : `frame ${frame} of ${shown.count - 1}`,
    );
    put(follow, 'checked', state.scrub.follow);
    nfeOut.set(shown?.count ? String(shown.nfe) : '–');
    edOut.set(
      shown?.done && Number.isFinite(shown.ed)
        ? `${formatDistance(shown.ed)} (floor ${formatDistance(shown.floor)})`
        : '–',
    );
    put(stopButton, 'disabled', !shown || shown.done);
    put(sampleButton, 'disabled', run.dim !== 2);
  }

  // The particles' figure for the SVG export (exports.js figureSvgText's options): the data, and the
  // trajectories of the first SVG_PATHS particles up to the frame shown, at most SVG_FRAMES of its frames.
  function figure() {
    const s = state.sample;
    if (run.dim !== 2 || !s?.count) return null;
    const shown = state.shownFrame(),
      n = Math.min(SVG_PATHS, s.n),
      F = Math.min(SVG_FRAMES, shown + 1);
    const frames = new Float32Array(F * n * 2);
    for (let f = 0; f < F; f++) {
      const t = F === 1 ? shown : Math.round((f * shown) / (F - 1));
      frames.set(s.frames.subarray(t * s.n * 2, t * s.n * 2 + n * 2), f * n * 2);
    }
    const sigma = s.sigmas[shown];
    return {
      title: `${data.label || run.values.dataset}: ${s.sampler}, ${s.nfe} NFE${Number.isFinite(sigma) ? `, σ = ${formatSigma(sigma)}` : ''}`,
      box: NCSN_BOX,
      idPrefix: 'scorefield-sde',
      data: data.points,
      chains: { frames, n, label: `${s.sampler} trajectories` },
    };
  }

  return {
    view,
    update,
    figure,
    scrub: (frame) => {
      state.scrub.follow = false;
      state.scrub.frame = frame;
      view.invalidate();
    },
  };
}

/** Every sampler's energy distance against its cost, measured again by a button (not while training). */
function buildQuality({ run, jobs, onUserAction, put }) {
  const again = button('Measure again', () => {
    onUserAction();
    jobs.startQuality();
  });
  again.title = `Every sampler at ${QUALITY_NFES.join(', ')} score evaluations, ${QUALITY_POINTS} samples each`;
  $('sde-quality-controls').append(again);
  return {
    view: new SdeCostView($('sde-quality'), run, jobs.state),
    update: () => put(again, 'disabled', run.dim !== 2 || run.playing),
  };
}

/**
 * The learned log p(x) on a grid through the probability-flow ODE, with its steps' control and the
 * held-out NLL beside a fitted Gaussian's, and the exact density of the two mixtures.
 */
function buildDensity({ run, jobs, onUserAction }) {
  const { state } = jobs;
  const fields = el('div', 'toolbar-fields');
  buildControls(
    fields,
    rowsOf('sde').filter((row) => row.name === 'sdeOdeSteps'),
    run.values,
    (name, value) => {
      onUserAction();
      run.set(name, value);
      jobs.startDensity();
    },
  );
  const nllOut = readout('held-out NLL (nats per point)'),
    gaussOut = readout('a fitted Gaussian'),
    timeOut = readout('grid time');
  gaussOut.root.title = 'The held-out NLL under a Gaussian fitted to the data: the baseline the network has to beat';
  const readouts = el('div', 'toolbar-readouts');
  readouts.append(nllOut.root, gaussOut.root, timeOut.root);
  $('sde-density-controls').append(fields, readouts);

  function update() {
    const d = state.density;
    nllOut.set(d?.done && !d.error ? `${d.nll.toFixed(3)} ± ${d.se.toFixed(3)}` : '–');
    gaussOut.set(
      d?.done && !d.error && d.gaussNll !== null ? `${d.gaussNll.toFixed(3)} ± ${d.gaussSe.toFixed(3)}` : '–',
    );
    timeOut.set(d?.gridPageMs > 0 ? `${(d.gridPageMs / 1000).toFixed(2)} s` : '–');
  }

  return {
    learnedView: new DensityView($('sde-density-learned'), run, state, 'learned'),
    exactView: new DensityView($('sde-density-exact'), run, state, 'exact'),
    update,
  };
}
