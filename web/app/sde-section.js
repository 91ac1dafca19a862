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
import { attachPainting } from './painting.js';
import { RunToolbar } from './toolbar.js';
import { LossView } from './views.js';
import { NCSN_BOX, NcsnDataView, formatDistance, formatSigma } from './ncsn-views.js';
import { DensityView, SDE_GRID, SdeCostView, SdeSampleView } from './sde-views.js';
import { NCSN_DATASET_OPTIONS, rowsOf, sdeSamplerSettings } from './settings.js';
import { loadDataset } from './figures.js';
import { FROM_WORKER, SDE_FROM_WORKER, SDE_TO_WORKER } from '../worker/protocol.js';
import { RUN_EVENTS } from './events.js';

const DATA_POINTS = 2000; // the generated data drawn under the particles
const ANALYTIC = new Set(['mixture', 'eight_gaussians']); // datasets with an exact density
/** The samplers of the quality figure and the NFE it measures them at. */
export const QUALITY_SAMPLERS = Object.freeze(['annealed', 'sde', 'pc', 'ode-euler', 'ode-heun']);
export const QUALITY_NFES = Object.freeze([4, 8, 16, 32, 64, 128, 250, 500, 1000]);
const QUALITY_POINTS = 500; // samples per quality point (and fresh data points against them)
const RESAMPLE_HOLD_MS = 1500; // ms a finished sample stays before a changed network is sampled again
const $ = (id) => document.getElementById(id);

/**
 * Builds section 8 inside the page's markup (index.html, ids sde-*) for runs.sde. onUserAction: called
 * when the user touches a control. Returns { views, toolbars, update(now), test }.
 */
export function buildSdeSection({ engine, runs, onUserAction }) {
  const run = runs.sde;
  const data = { dataset: '', points: null, label: '', error: '' };
  let nextJob = 1;

  // ---- the section's state: the streamed sample, the quality series, the density maps ------------
  const state = {
    sample: null, // { jobId, sampler, n, frames, count, sigmas, nfe, done, ed, floor, error, step }
    scrub: { frame: 0, follow: true },
    shownFrame: () => {
      const s = state.sample;
      if (!s || s.count === 0) return 0;
      return state.scrub.follow ? s.count - 1 : Math.min(state.scrub.frame, s.count - 1);
    },
    quality: freshQuality(),
    density: null, // { jobId, values, filled, done, nll, se, ms, gridMs, error, step }
    exact: new Map(), // dataset → { values } or { error }
    pendingExact: new Set(),
    analytic: (dataset) => ANALYTIC.has(dataset),
    exactFor(dataset) {
      if (!state.exact.has(dataset) && !state.pendingExact.has(dataset)) requestExact(dataset);
      return state.exact.get(dataset);
    },
  };
  function freshQuality() {
    return {
      jobId: 0,
      floor: NaN,
      points: new Map(QUALITY_SAMPLERS.map((name) => [name, []])),
      expected: QUALITY_SAMPLERS.length * QUALITY_NFES.length,
      nfeRange: [QUALITY_NFES[0], QUALITY_NFES[QUALITY_NFES.length - 1]],
      done: false,
      error: '',
      step: -1,
      generation: -1,
    };
  }

  // ---- messages from the worker ----------------------------------------------------------------------
  engine.on(SDE_FROM_WORKER.FRAMES, (msg) => {
    const s = state.sample;
    if (!s || msg.jobId !== s.jobId) return;
    const per = 2 * msg.n,
      k = msg.frames.length / per;
    if ((s.count + k) * per > s.frames.length) {
      const grown = new Float32Array(Math.max(2 * s.frames.length, (s.count + k) * per));
      grown.set(s.frames.subarray(0, s.count * per));
      s.frames = grown;
    }
    s.frames.set(msg.frames, s.count * per);
    s.count += k;
    s.sigmas.push(...msg.sigmas);
    s.nfe = msg.nfe;
    if (msg.done) {
      Object.assign(s, { done: true, ed: msg.ed ?? NaN, floor: msg.floor ?? NaN, doneAt: performance.now() });
    }
    sampleView.invalidate();
  });
  engine.on(SDE_FROM_WORKER.QUALITY_FLOOR, (msg) => {
    if (msg.jobId !== state.quality.jobId) return;
    state.quality.floor = msg.floor;
    costView.invalidate();
  });
  engine.on(SDE_FROM_WORKER.QUALITY_POINT, (msg) => {
    if (msg.jobId !== state.quality.jobId) return;
    state.quality.points.get(msg.sampler)?.push({ nfe: msg.nfe, ed: msg.ed, ms: msg.ms, error: msg.error });
    costView.invalidate();
  });
  engine.on(SDE_FROM_WORKER.QUALITY_DONE, (msg) => {
    if (msg.jobId !== state.quality.jobId) return;
    state.quality.done = true;
    costView.invalidate();
  });
  engine.on(SDE_FROM_WORKER.DENSITY_ROWS, (msg) => {
    const d = state.density;
    if (!d || msg.jobId !== d.jobId) return;
    d.values.set(msg.values, msg.from);
    d.filled += msg.values.length;
    learnedView.invalidate();
  });
  engine.on(SDE_FROM_WORKER.DENSITY_DONE, (msg) => {
    const d = state.density;
    if (!d || msg.jobId !== d.jobId) return;
    Object.assign(d, { done: true, nll: msg.nll, se: msg.se, ms: msg.ms, gridMs: msg.gridMs, heldOut: msg.heldOut });
    d.pageMs = performance.now() - d.sentAt;
    learnedView.invalidate();
  });
  // A job that failed ends with an ERROR naming its request (and its jobId).
  engine.on(FROM_WORKER.ERROR, (msg) => {
    if (msg.run !== run.name) return;
    if (msg.request === SDE_TO_WORKER.SAMPLE && state.sample && !state.sample.done) {
      Object.assign(state.sample, { done: true, error: msg.message, doneAt: performance.now() });
      sampleView.invalidate();
    }
    if (msg.request === SDE_TO_WORKER.QUALITY && !state.quality.done) {
      Object.assign(state.quality, { done: true, error: msg.message });
      costView.invalidate();
    }
    if (msg.request === SDE_TO_WORKER.DENSITY && state.density && !state.density.done) {
      Object.assign(state.density, { done: true, error: msg.message });
      learnedView.invalidate();
    }
  });

  function requestExact(dataset) {
    state.pendingExact.add(dataset);
    engine
      .request(SDE_TO_WORKER.EXACT_DENSITY, { dataset, grid: SDE_GRID })
      .then(
        (msg) => state.exact.set(dataset, { values: msg.values }),
        (err) => state.exact.set(dataset, { values: null, error: err.message }),
      )
      .finally(() => {
        state.pendingExact.delete(dataset);
        exactView.invalidate();
      });
  }

  // ---- starting and stopping the jobs ------------------------------------------------------------------
  function startSample() {
    if (run.dim !== 2) return;
    const settings = sdeSamplerSettings(run.values);
    const jobId = nextJob++;
    state.sample = {
      jobId,
      sampler: settings.sampler,
      n: settings.n,
      frames: new Float32Array(2 * settings.n * 64),
      count: 0,
      sigmas: [],
      nfe: 0,
      done: false,
      ed: NaN,
      floor: NaN,
      error: '',
      step: run.step,
      generation: run.generation,
      doneAt: Infinity,
    };
    state.scrub.follow = true;
    follow.checked = true;
    engine.send(SDE_TO_WORKER.SAMPLE, { run: run.name, jobId, ...settings, seed: settings.seed + seedOffset });
    sampleView.invalidate();
  }
  function startQuality() {
    if (run.dim !== 2) return;
    const q = freshQuality();
    q.jobId = nextJob++;
    q.step = run.step;
    q.generation = run.generation;
    state.quality = q;
    const { snr, churn } = sdeSamplerSettings(run.values);
    engine.send(SDE_TO_WORKER.QUALITY, {
      run: run.name,
      jobId: q.jobId,
      samplers: [...QUALITY_SAMPLERS],
      nfes: [...QUALITY_NFES],
      n: QUALITY_POINTS,
      snr,
      churn,
    });
    costView.invalidate();
  }
  function startDensity() {
    if (run.dim !== 2) return;
    const jobId = nextJob++;
    state.density = {
      jobId,
      values: new Float32Array(SDE_GRID.nx * SDE_GRID.ny).fill(NaN),
      filled: 0,
      done: false,
      error: '',
      step: run.step,
      generation: run.generation,
      sentAt: performance.now(),
    };
    engine.send(SDE_TO_WORKER.DENSITY, { run: run.name, jobId, grid: SDE_GRID, steps: run.values.sdeOdeSteps });
    learnedView.invalidate();
  }
  function cancel(kind) {
    engine.send(SDE_TO_WORKER.CANCEL, { run: run.name, kinds: [kind] });
  }

  // ---- training toolbar and painting ---------------------------------------------------------------------
  const trainRows = rowsOf('train')
    .filter((row) => row.name !== 'objective')
    .map((row) => (row.name === 'dataset' ? { ...row, options: NCSN_DATASET_OPTIONS } : row));
  const ladderRows = rowsOf('ncsn').filter((row) => row.name !== 'edEvery');
  const toolbar = new RunToolbar($('sde-toolbar'), run, { onUserAction, rows: [...trainRows, ...ladderRows] });
  const painter = attachPainting({
    engine,
    run,
    box: NCSN_BOX,
    canvas: $('sde-data'),
    paintBox: $('sde-paint'),
    idPrefix: 'sde',
    onUserAction,
    onCommitted: () => {
      if (run.values.dataset === 'points') loadData();
    },
    showDataset: (value) => toolbar.controls.set('dataset', value),
  });

  // ---- sampler bar: Sample, Stop, the sampler's settings, read-outs --------------------------------------
  let seedOffset = 0;
  const samplerBox = $('sde-sampler');
  const samplerButtons = el('div', 'toolbar-buttons');
  const sampleButton = button(
    'Sample',
    () => {
      onUserAction();
      seedOffset++;
      startSample();
    },
    'primary',
  );
  sampleButton.title = 'Run the sampler again (the next seed)';
  const stopButton = button('Stop', () => {
    onUserAction();
    cancel('sample');
    if (state.sample && !state.sample.done) Object.assign(state.sample, { done: true, doneAt: Infinity });
    sampleView.invalidate();
  });
  samplerButtons.append(sampleButton, stopButton);
  const samplerFields = el('div', 'toolbar-fields');
  const samplerRows = rowsOf('sde').filter((row) => row.name !== 'sdeOdeSteps');
  buildControls(samplerFields, samplerRows, run.values, (name, value) => {
    onUserAction();
    run.set(name, value);
    startSample();
    if (name === 'sdeSnr' || name === 'sdeChurn') state.quality.step = -1; // measure again when shown
  });
  const samplerReadouts = el('div', 'toolbar-readouts');
  const nfeOut = readout('NFE'),
    edOut = readout('energy distance');
  samplerReadouts.append(nfeOut.root, edOut.root);
  samplerBox.append(samplerButtons, samplerFields, samplerReadouts);

  // ---- the σ slider: scrubs through the frames of the sample shown ---------------------------------------
  const scrubBox = $('sde-scrub');
  const scrubLabel = el('label', 'field-label', 'Sampling time');
  const scrubInput = el('input');
  Object.assign(scrubInput, { type: 'range', id: 'sde-scrub-frame', min: '0', max: '0', step: '1', value: '0' });
  scrubLabel.htmlFor = scrubInput.id;
  const scrubValue = el('output', 'sigma-value');
  scrubValue.htmlFor = scrubInput.id;
  const followLabel = el('label', 'follow');
  const follow = el('input');
  follow.type = 'checkbox';
  follow.checked = true;
  followLabel.append(follow, ' follow the sampler');
  scrubBox.append(scrubLabel, scrubInput, scrubValue, followLabel);
  scrubInput.addEventListener('input', () => {
    state.scrub.frame = Number(scrubInput.value);
    state.scrub.follow = false;
    follow.checked = false;
    sampleView.invalidate();
  });
  follow.addEventListener('change', () => {
    state.scrub.follow = follow.checked;
    sampleView.invalidate();
  });

  // ---- quality and density bars ----------------------------------------------------------------------------
  const qualityButton = button('Measure again', () => {
    onUserAction();
    startQuality();
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
      startDensity();
    },
  );
  const nllOut = readout('held-out NLL (nats per point)'),
    densityTime = readout('grid time');
  const densityReadouts = el('div', 'toolbar-readouts');
  densityReadouts.append(nllOut.root, densityTime.root);
  $('sde-density-controls').append(densityFields, densityReadouts);

  // ---- views -----------------------------------------------------------------------------------------------
  const dataView = new NcsnDataView($('sde-data'), run, painter, data);
  painter.attach(dataView.canvas, (cx, cy) => dataView.dataAt(cx, cy));
  const sampleView = new SdeSampleView($('sde-particles'), run, data, state);
  const costView = new SdeCostView($('sde-quality'), run, state);
  const learnedView = new DensityView($('sde-density-learned'), run, state, 'learned');
  const exactView = new DensityView($('sde-density-exact'), run, state, 'exact');
  const views = [dataView, sampleView, new LossView($('sde-loss'), run), costView, learnedView, exactView];

  // ---- data under the plots ----------------------------------------------------------------------------------
  function loadData() {
    const dataset = run.values.dataset;
    if (dataset === 'points') {
      if (data.dataset === 'points' && data.version === painter.version) return;
      Object.assign(data, {
        dataset,
        points: painter.count > 0 ? painter.snapshot() : null,
        label: 'your drawing',
        error: '',
        version: painter.version,
      });
      sampleView.invalidate();
      return;
    }
    if (dataset === data.dataset) return;
    loadDataset(engine, data, dataset, {
      n: DATA_POINTS,
      label: (name) => NCSN_DATASET_OPTIONS.find((o) => o.value === name)?.label.replace(/ \(D = 2\)$/, '') ?? name,
      onChange: () => {
        dataView.invalidate();
        sampleView.invalidate();
      },
    });
  }
  run.subscribe((_, what) => {
    if (what === RUN_EVENTS.STATE && run.dim > 0) loadData();
    if (what === RUN_EVENTS.SETTINGS) {
      loadData();
      exactView.invalidate();
    }
  });

  // ---- what runs when: each figure's job while it is on screen and its network is new ----------------------
  const running = { sample: false, quality: false, density: false };
  function update(now) {
    const ready = run.dim === 2 && run.step > 0; // a failed job waits for a new network, not run.error
    const s = state.sample;
    // The sample: again when the network changed (after a pause to look at the last one).
    const sampleBusy = !!s && !s.done;
    if (sampleBusy && !sampleView.visible) {
      cancel('sample');
      state.sample = null; // sample again when it comes back into view
    } else if (
      sampleView.visible &&
      ready &&
      !sampleBusy &&
      (!s || ((s.step !== run.step || s.generation !== run.generation) && now - s.doneAt > RESAMPLE_HOLD_MS))
    )
      startSample();
    // Quality and density: once training pauses, for the network as it stands.
    const q = state.quality;
    const qualityBusy = q.jobId > 0 && !q.done;
    if (qualityBusy && (!costView.visible || run.playing)) {
      cancel('quality');
      state.quality = freshQuality();
      costView.invalidate();
    } else if (
      costView.visible &&
      ready &&
      !run.playing &&
      !qualityBusy &&
      (q.step !== run.step || q.generation !== run.generation)
    )
      startQuality();
    const d = state.density;
    const densityBusy = !!d && !d.done;
    if (densityBusy && (!learnedView.visible || run.playing)) {
      cancel('density');
      state.density = null;
      learnedView.invalidate();
    } else if (
      learnedView.visible &&
      ready &&
      !run.playing &&
      !densityBusy &&
      (!d || d.step !== run.step || d.generation !== run.generation)
    )
      startDensity();
    running.sample = !!state.sample && !state.sample.done;

    // controls and read-outs
    const shown = state.sample;
    const max = String(Math.max(0, (shown?.count ?? 1) - 1));
    if (scrubInput.max !== max) scrubInput.max = max;
    const frame = state.shownFrame();
    if (scrubInput.value !== String(frame)) scrubInput.value = String(frame);
    const sigma = shown?.sigmas[frame];
    const text = !shown?.count
      ? '–'
      : Number.isFinite(sigma)
        ? `σ = ${formatSigma(sigma)} (frame ${frame})`
        : `frame ${frame} of ${shown.count - 1}`;
    if (scrubValue.textContent !== text) scrubValue.textContent = text;
    nfeOut.set(shown?.count ? String(shown.nfe) : '–');
    edOut.set(
      shown?.done && Number.isFinite(shown.ed)
        ? `${formatDistance(shown.ed)} (floor ${formatDistance(shown.floor)})`
        : '–',
    );
    nllOut.set(
      state.density?.done && !state.density.error
        ? `${state.density.nll.toFixed(3)} ± ${state.density.se.toFixed(3)}`
        : '–',
    );
    densityTime.set(
      state.density?.done && !state.density.error ? `${(state.density.pageMs / 1000).toFixed(2)} s` : '–',
    );
    stopButton.disabled = !running.sample;
    sampleButton.disabled = run.dim !== 2;
    qualityButton.disabled = run.dim !== 2 || run.playing;
  }

  return {
    views,
    toolbars: [toolbar],
    update,
    // The browser tests' view of the section (main.js exposes it as scorefieldTest.sde).
    test: {
      sample: () => {
        const s = state.sample;
        return s
          ? {
              sampler: s.sampler,
              frames: s.count,
              nfe: s.nfe,
              done: s.done,
              ed: s.ed,
              floor: s.floor,
              error: s.error,
              drawn: sampleView.framesDrawn,
            }
          : null;
      },
      quality: () => ({
        floor: state.quality.floor,
        done: state.quality.done,
        error: state.quality.error,
        points: Object.fromEntries([...state.quality.points].map(([k, v]) => [k, v.map((p) => ({ ...p }))])),
      }),
      density: () => {
        const d = state.density;
        return d
          ? {
              filled: d.filled,
              done: d.done,
              nll: d.nll,
              se: d.se,
              ms: d.ms,
              gridMs: d.gridMs,
              pageMs: d.pageMs,
              error: d.error,
              drawn: learnedView.drawn,
            }
          : null;
      },
      exactDrawn: () => exactView.drawn,
      scrub: (frame) => {
        state.scrub.follow = false;
        state.scrub.frame = frame;
        sampleView.invalidate();
      },
      painted: () => painter.count,
    },
  };
}
