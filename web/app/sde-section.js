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
 * Builds section 8 inside the page's markup (index.html, ids sde-*) for runs.sde. onUserAction: called
 * when the user touches a control. Returns { views, svgViews, toolbars, update(now), figure, test }.
 */
export function buildSdeSection({ engine, runs, onUserAction }) {
  const run = runs.sde;
  const data = { dataset: '', points: null, label: '', error: '' };

  // ---- the jobs and their results (sde-jobs.js, shared with the widget) ---------------------------------
  const jobs = new SdeJobs({
    engine,
    run,
    onChange: (what) => {
      if (what === 'sample') sampleView.invalidate();
      if (what === 'quality') costView.invalidate();
      if (what === 'density') learnedView.invalidate();
      if (what === 'exact') exactView.invalidate();
    },
  });
  const { state } = jobs;
  const startSample = () => {
    jobs.startSample(seedOffset);
    follow.checked = true;
  };

  // ---- training toolbar and painting ---------------------------------------------------------------------
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
    onPainted: () => sampleView.invalidate(),
    onLoaded: () => {
      dataView.invalidate();
      sampleView.invalidate();
    },
  });

  // ---- sampler bar: Sample, Stop, the sampler's settings, read-outs --------------------------------------
  let seedOffset = 0;
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

  // ---- the σ slider: scrubs through the frames of the sample shown ---------------------------------------
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
      sampleView.invalidate();
    },
    onFollow: (checked) => {
      state.scrub.follow = checked;
      sampleView.invalidate();
    },
  });

  // ---- quality and density bars ----------------------------------------------------------------------------
  const qualityButton = button('Measure again', () => {
    onUserAction();
    jobs.startQuality();
  });
  qualityButton.title = `Every sampler at ${QUALITY_NFES.join(', ')} score evaluations, ${QUALITY_POINTS} samples each`;
  $('sde-quality-controls').append(qualityButton);
  const densityFields = el('div', 'toolbar-fields');
  buildControls(
    densityFields,
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
    densityTime = readout('grid time');
  gaussOut.root.title = 'The held-out NLL under a Gaussian fitted to the data: the baseline the network has to beat';
  const densityReadouts = el('div', 'toolbar-readouts');
  densityReadouts.append(nllOut.root, gaussOut.root, densityTime.root);
  $('sde-density-controls').append(densityFields, densityReadouts);

  // ---- views -----------------------------------------------------------------------------------------------
  const dataView = new NcsnDataView($('sde-data'), run, painter, data);
  painter.attach(dataView.canvas, (cx, cy) => dataView.dataAt(cx, cy));
  const sampleView = new SdeSampleView($('sde-particles'), run, data, state);
  const costView = new SdeCostView($('sde-quality'), run, state);
  const learnedView = new DensityView($('sde-density-learned'), run, state, 'learned');
  const exactView = new DensityView($('sde-density-exact'), run, state, 'exact');
  const views = [dataView, sampleView, new LossView($('sde-loss'), run), costView, learnedView, exactView];

  run.subscribe((_, what) => {
    if (what === RUN_EVENTS.STATE && run.dim > 0) loadData();
    if (what === RUN_EVENTS.SETTINGS) {
      loadData();
      exactView.invalidate();
    }
  });

  // ---- what runs when: each figure's job while it is on screen and its network is new ----------------------
  function update(now) {
    jobs.schedule(now, { sample: sampleView.visible, quality: costView.visible, density: learnedView.visible });

    // Controls and read-outs, only while a figure of the section is on screen, and written only when
    // changed (tracked here: reading an input's value back every frame cost section 7 frames).
    if (!views.some((v) => v.visible)) return;
    const shown = state.sample;
    const frame = state.shownFrame();
    const sigma = shown?.sigmas[frame];
    const d = state.density;
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
    nllOut.set(d?.done && !d.error ? `${d.nll.toFixed(3)} ± ${d.se.toFixed(3)}` : '–');
    gaussOut.set(
      d?.done && !d.error && d.gaussNll !== null ? `${d.gaussNll.toFixed(3)} ± ${d.gaussSe.toFixed(3)}` : '–',
    );
    densityTime.set(d?.gridPageMs > 0 ? `${(d.gridPageMs / 1000).toFixed(2)} s` : '–');
    put(stopButton, 'disabled', !shown || shown.done);
    put(sampleButton, 'disabled', run.dim !== 2);
    put(qualityButton, 'disabled', run.dim !== 2 || run.playing);
  }
  // The last value written to each element's property by put().
  const written = new Map();
  function put(element, key, value) {
    let last = written.get(element);
    if (!last) written.set(element, (last = {}));
    if (last[key] === value) return;
    last[key] = value;
    element[key] = value;
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

  // The export bar's SVG buttons for the quality plot and the learned density, drawn as on screen.
  const svgViews = [
    {
      label: 'Quality SVG',
      title: 'The energy distance against cost plot, as drawn, as an SVG figure',
      suffix: 'quality',
      view: costView,
    },
    {
      label: 'Density SVG',
      title: 'The learned log p(x) heatmap with its contour lines, as drawn, as an SVG figure',
      suffix: 'density',
      view: learnedView,
    },
  ];

  return {
    views,
    svgViews,
    toolbars: [toolbar],
    update,
    figure,
    // The browser tests' view of the section (main.js exposes it as scorefieldTest.sde).
    test: {
      sample: () =>
        state.sample && {
          ...pick(state.sample, 'sampler', 'nfe', 'done', 'ed', 'floor', 'error'),
          frames: state.sample.count,
          drawn: sampleView.framesDrawn,
        },
      quality: () => ({
        ...pick(state.quality, 'floor', 'done', 'error'),
        points: Object.fromEntries([...state.quality.points].map(([k, v]) => [k, v.map((p) => ({ ...p }))])),
      }),
      density: () =>
        state.density && {
          ...pick(state.density, 'filled', 'done', 'nll', 'se', 'gaussNll', 'gaussSe', 'gaussError', 'ms'),
          ...pick(state.density, 'gridMs', 'gridPageMs', 'pageMs', 'error'),
          drawn: learnedView.drawn,
        },
      exactDrawn: () => exactView.drawn,
      densityAgain: () => jobs.startDensity(),
      scrub: (frame) => {
        state.scrub.follow = false;
        state.scrub.frame = frame;
        sampleView.invalidate();
      },
      painted: () => painter.count,
    },
  };
}
