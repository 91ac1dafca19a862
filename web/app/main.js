// main.js — the page's entry point: starts the worker, builds the runs, toolbars and views of the six
// sections, trains the tutorial's runs in order on load, and runs the one animation-frame loop that
// refreshes read-outs and redraws whatever changed. The main thread only draws: every number comes
// from the worker (web/worker/), every picture from web/render/.
//
// Failures are shown, never swallowed: a core that does not load, a worker that dies, a run that
// diverges or a rejected setting each get a plain sentence on the page (alerts here, run status lines
// in toolbar.js). With ?test=1 it also exposes window.scorefieldTest for the browser tests.

import { Engine } from './engine.js';
import { Run, RUN_MESSAGES } from './run.js';
import { RUNS, coreDefaults, rowsOf } from './settings.js';
import { RunToolbar } from './toolbar.js';
import { buildControls, button, el } from './controls.js';
import { pointFields } from './point-fields.js';
import { ChainSet, DATA_GRID, FieldView, LossView, WIDE_GRID } from './views.js';
import { CostView, DataView } from './page-views.js';
import { DigitImageView, DigitPlayer, FilmstripView, SampleGridView } from './digit-views.js';
import { FrameStats } from './frame-stats.js';
import { FROM_WORKER, TO_WORKER } from '../worker/protocol.js';
import { readPageAddress } from './page-address.js';
import { syncAddress } from './address-sync.js';
import { ExportBar, fileStem } from './export-bar.js';
import { NcsnRun } from './ncsn-run.js';
import { buildNcsnSection } from './ncsn-section.js';
import { buildPretrainedSection } from './pretrained-section.js';
import { buildSdeSection } from './sde-section.js';
import { datasetLabel, loadDataset } from './figures.js';
import { RUN_EVENTS } from './events.js';

// Each cost cell trains for about this long after a warm-up step (at least two steps): enough to
// average out timer granularity (Chromium rounds performance.now() to 0.1 ms or coarser).
const MEASURE_BUDGET_MS = 150; // ms
const MEASURE_CELLS = [
  { dim: 2, objective: 'exact' },
  { dim: 2, objective: 'sliced' },
  { dim: 64, objective: 'exact' },
  { dim: 64, objective: 'sliced' },
];
// Views a little below the fold start drawing before they scroll in.
const VISIBILITY_MARGIN = '200px';
// Drawing stops for this frame once it has taken this long; the remaining views draw next frame, so
// a burst of changes (data arriving, a resize) spreads over frames instead of stalling scrolling.
const DRAW_BUDGET_MS = 8; // ms

performance.mark('scorefield:main-start'); // with worker-ready and first-quiver: where load time goes
const $ = (id) => document.getElementById(id);
const root = document.documentElement;

// ---- alerts: page-level messages that stay until their cause is gone -----------------------------

const alerts = {
  shown: new Map(), // key → element
  show(key, text, kind = 'is-error') {
    let node = this.shown.get(key);
    if (!node) {
      node = el('p', `alert ${kind}`);
      node.setAttribute('role', kind === 'is-error' ? 'alert' : 'status');
      $('alerts').append(node);
      this.shown.set(key, node);
    }
    node.textContent = text;
  },
};

// ---- page options, runs and the worker -------------------------------------------------------------

// Settings from the URL hash (share.js: `#section&exact.steps=500`), and from the older query string.
const address = readPageAddress(location.search, location.hash);
const page = { values: address.page };
const settingErrors = [...address.notices];

function onFailure(message, fatal, msg) {
  if (fatal) {
    root.dataset.worker = 'failed';
    // A worker that kept dying is not a missing browser feature: say only what happened.
    const needs = msg?.restarted
      ? ''
      : ' It needs a browser with WebAssembly and module Web Workers (current Chrome, ' +
        'Edge, Firefox or Safari), served over http(s) rather than opened as a file.';
    alerts.show('fatal', `The page cannot train anything: ${message}.${needs}`);
    $('engine-status').textContent = 'Engine failed to load.';
    if (msg?.gaveUp) offerRetry();
    return;
  }
  if (msg?.restarted) return void alerts.show('restarted', message, 'is-warning');
  if (msg?.run && runs[msg.run]) return; // shown in that run's status line (run.js, toolbar.js)
  alerts.show(`error:${message}`, `Something went wrong: ${message}`);
}

// After the page gave up on a worker that kept dying: a button that starts a new one from the page's
// checkpoints (engine.retry()), without a reload that would lose them.
function offerRetry() {
  const node = alerts.shown.get('fatal');
  if (!node || node.querySelector('.retry')) return;
  node.append(
    ' ',
    button(
      'Try again',
      () => {
        alerts.shown.delete('fatal');
        node.remove();
        root.dataset.worker = 'ready';
        $('engine-status').textContent = 'Engine: starting a new training worker.';
        engine.retry();
      },
      'retry',
    ),
  );
}

const simd = page.values.simd === 'auto' ? undefined : page.values.simd === 'simd128';
// The headline's pretrained digits are on screen at once unless the address opens another section:
// then the worker fetches their model while its core loads.
const heroFirst = address.anchor === '' || address.anchor === 'hero';
const engine = new Engine({
  simd,
  onFailure,
  pretrained: heroFirst ? 'prefetch' : undefined,
  threads: page.values.threads,
});

const runs = {};
for (const name of Object.keys(RUNS)) {
  runs[name] = new (RUNS[name].noiseConditional ? NcsnRun : Run)(name, engine, address.runs[name] ?? {});
}
for (const type of RUN_MESSAGES) {
  engine.on(type, (msg) => {
    if (msg.run) runs[msg.run]?.receive(msg);
  });
}
if (settingErrors.length > 0) {
  alerts.show(
    'settings',
    `Some settings in the address were adjusted or ignored: ${settingErrors.join(' ')}`,
    'is-warning',
  );
}
syncAddress(runs, address); // from now on the hash follows every change of a setting

// ---- autoplay: the tutorial's order, until the user takes over ------------------------------------

const autoplay = {
  active: page.values.autoplay === '1',
  queue: ['exact', 'sliced', 'measure', 'digits', 'ncsn', 'ncsnDigits', 'sde'],
  started: null, // the run autoplay last started, until the worker reports it stopped
  stop() {
    this.active = false;
  },
  // Starts the head of the queue, or drops it once the worker reports it finished (or failed:
  // autoplay moves on rather than stall). Called on every STATE message.
  advance() {
    while (this.active && this.queue.length > 0) {
      const next = this.queue[0];
      if (next === 'measure') {
        this.queue.shift();
        measureCosts();
        continue;
      }
      const run = runs[next];
      if (run.dim === 0 || run.playing) return; // not created yet, or training
      if (this.started !== next && !run.done) {
        this.started = next;
        run.play();
        return;
      }
      // Started but its PLAY not yet answered: wait for the STATE that says so.
      if (!run.done && !run.diverged && !run.error) return;
      this.queue.shift();
    }
  },
};
for (const run of Object.values(runs))
  run.subscribe((_, what) => {
    if (what === RUN_EVENTS.STATE) autoplay.advance();
  });

// ---- views ------------------------------------------------------------------------------------------

// The data drawn in sections 1, 3 and 4: the exact run's dataset, when it is 2-D.
const data = { points: null, dataset: '', error: '' };
const chains = new ChainSet();
const costs = new Map();
const views = [
  new DataView($('data-canvas'), data),
  new LossView($('exact-loss'), runs.exact),
  new FieldView($('exact-quiver'), runs.exact, { id: 'exact/quiver', grid: WIDE_GRID, title: 'score field' }),
  new FieldView($('field-data-canvas'), runs.exact, {
    id: 'exact/field-data',
    grid: DATA_GRID,
    data,
    title: 'score field and data',
  }),
  new FieldView($('langevin-canvas'), runs.exact, {
    id: 'exact/langevin',
    grid: DATA_GRID,
    data,
    chains,
    title: 'Langevin chains',
  }),
  new LossView($('sliced-loss'), runs.sliced),
  new FieldView($('sliced-quiver'), runs.sliced, {
    id: 'sliced/quiver',
    grid: WIDE_GRID,
    title: 'score field (sliced SM)',
  }),
  new CostView($('cost-canvas'), costs),
  new LossView($('digits-loss'), runs.digits),
];
const player = new DigitPlayer(runs.digits);
views.push(
  new DigitImageView($('digit-image'), player),
  new SampleGridView($('digit-grid'), player),
  new FilmstripView($('digit-filmstrip'), player),
);
const [dataView, , , fieldDataView, langevinView, , , costView] = views;
// The headline, the pretrained digits (pretrained-section.js): class and guidance live on the NCSN
// digits run's values, so the address carries them.
const hero = buildPretrainedSection({
  engine,
  run: runs.ncsnDigits,
  ownRun: runs.ownDigits,
  onUserAction: () => autoplay.stop(),
});
views.push(...hero.views);

// Section 7, NCSN (ncsn-section.js): its views and toolbars join the page's loops.
const ncsn = buildNcsnSection({ engine, runs, onUserAction: () => autoplay.stop() });
views.push(...ncsn.views);
// Section 8, score SDEs (sde-section.js).
const sde = buildSdeSection({ engine, runs, onUserAction: () => autoplay.stop() });
views.push(...sde.views);

const visibility = new IntersectionObserver(
  (entries) => {
    for (const entry of entries) {
      const view = views.find((v) => v.canvas === entry.target);
      view.visible = entry.isIntersecting;
      if (view.visible) view.invalidate();
    }
  },
  { rootMargin: VISIBILITY_MARGIN },
);
for (const view of views) visibility.observe(view.canvas);

// ---- controls -------------------------------------------------------------------------------------

const toolbars = [...document.querySelectorAll('.toolbar[data-run]')].map(
  (container) => new RunToolbar(container, runs[container.dataset.run], { onUserAction: () => autoplay.stop() }),
);
toolbars.push(...ncsn.toolbars, ...hero.toolbars, ...sde.toolbars);

// Section 4: the sampler's settings (on the exact run, whose field the chains follow).
const langevinBox = $('langevin-controls');
const langevinFields = el('div', 'toolbar-fields');
const langevinControls = buildControls(langevinFields, rowsOf('langevin'), runs.exact.values, (name, value) => {
  runs.exact.set(name, value);
  chains.touch();
});
const langevinButtons = el('div', 'toolbar-buttons');
langevinButtons.append(
  button(
    'Resample',
    () => {
      const seed = runs.exact.values.chainSeed + 1;
      runs.exact.set('chainSeed', seed);
      langevinControls.set('chainSeed', seed);
      chains.touch();
    },
    'primary',
  ),
  button('Back to three chains', () => chains.clear()),
);
langevinBox.append(langevinButtons, langevinFields, chainStartForm());

// The keyboard's way to do what a click on the plot does: a start point typed in, then "Add chain".
function chainStartForm() {
  const form = el('div', 'toolbar-fields chain-start');
  const start = { x: 0.5, y: 0.5 };
  pointFields(form, start, {
    min: -10,
    max: 10,
    label: (name) => `Start ${name}`,
    help: (name) => `The ${name} coordinate of a new chain's start (a click on the plot sets both).`,
  });
  const add = button('Add chain', () => chains.add(start.x, start.y));
  add.title = 'Start another chain at (Start x, Start y)';
  form.append(add);
  return form;
}

// Section 5: cost measurement.
let measuring = 0; // cells still to come
function measureCosts() {
  if (measuring > 0) return;
  costs.clear();
  measuring = MEASURE_CELLS.length;
  $('measure-button').disabled = true;
  $('measure-button').textContent = 'Measuring…';
  const requestId = engine.newRequestId();
  // One answer per cell: its timing, or an ERROR (already shown as an alert) that still counts.
  const listeners = [
    engine.on(FROM_WORKER.COST, (msg) => {
      if (msg.requestId !== requestId) return;
      costs.set(`${msg.dim}/${msg.objective}`, msg.msPerStep);
      costView.invalidate();
      if (--measuring === 0) finishMeasuring(listeners);
    }),
    engine.on(FROM_WORKER.ERROR, (msg) => {
      if (msg.requestId === requestId && --measuring === 0) finishMeasuring(listeners);
    }),
  ];
  engine.send(TO_WORKER.MEASURE, { requestId, cells: MEASURE_CELLS, budgetMs: MEASURE_BUDGET_MS });
  costView.invalidate();
}
function finishMeasuring(listeners) {
  for (const off of listeners) off();
  $('measure-button').disabled = false;
  $('measure-button').textContent = 'Measure again';
  costView.invalidate();
}
$('measure-button').addEventListener('click', () => measureCosts());

// Section 6: the digit sampler's settings (on the digits run) and the player.
const digitsSampler = el('div', 'toolbar-fields');
const digitsSamplerControls = buildControls(digitsSampler, rowsOf('langevin'), runs.digits.values, (name, value) => {
  runs.digits.set(name, value);
  player.touch();
});
$('digits-sampler').append(digitsSampler);
const playerPlay = $('player-play'),
  playerFrame = $('player-frame'),
  playerOut = $('player-frame-out');
playerPlay.addEventListener('click', () => player.setPlaying(!player.playing));
playerFrame.addEventListener('input', () => {
  const frame = Number(playerFrame.value); // read first: pausing redraws the slider at the old frame
  player.setPlaying(false);
  player.show(frame);
});
$('player-resample').addEventListener('click', () => player.resample());
player.subscribe(() => {
  const count = player.frameCount;
  playerPlay.textContent = player.playing ? 'Pause' : 'Play';
  playerFrame.max = String(Math.max(0, count - 1));
  playerFrame.disabled = count === 0;
  if (count > 0) {
    playerFrame.value = String(player.frame);
    const text = `step ${player.frame} of ${count - 1}`;
    playerOut.textContent = text;
    playerFrame.setAttribute('aria-valuetext', text);
  }
});

// Exports and imports (exports.js): section 4's figure with the exact run, and the digits run.
const viewOf = (id) => views.find((v) => v.canvas.id === id);
const toolbarOf = (run) => toolbars.find((t) => t.run === run)?.controls;
function exportBar(id, run, options) {
  return new ExportBar($(id), {
    run,
    engine,
    stem: () => fileStem('scorefield', run.name, run.values.dataset, `step${run.step}`),
    notice: (text) => alerts.show('exports', text, 'is-warning'),
    ...options,
  });
}
const exportBars = [
  exportBar('langevin-exports', runs.exact, {
    omit: ['filmstrip'],
    pngViews: () => [langevinView],
    figure: () => {
      const field = runs.exact.fields.get(langevinView.gridId),
        result = runs.exact.viewResult(langevinView.id);
      if (runs.exact.dim !== 2 || !field?.scores) return null;
      return {
        title: `${datasetLabel(runs.exact.values.dataset)}: Langevin chains at step ${field.step}`,
        box: DATA_GRID,
        data: data.points,
        field: { points: langevinView.points, scores: field.scores },
        chains: result?.frames ? result : null,
      };
    },
    loaded: (settings) => {
      for (const [name, value] of Object.entries(settings))
        for (const c of [toolbarOf(runs.exact), langevinControls]) c?.set(name, value);
      chains.touch();
    },
  }),
  exportBar('sde-exports', runs.sde, {
    omit: ['filmstrip'],
    pngViews: () => sde.views.filter((v) => v.canvas.id !== 'sde-data'),
    figure: sde.figure,
    svgViews: sde.svgViews,
    loaded: (settings) => {
      for (const [name, value] of Object.entries(settings)) toolbarOf(runs.sde)?.set(name, value);
    },
  }),
  exportBar('digits-exports', runs.digits, {
    omit: ['svg'],
    pngViews: () => [viewOf('digit-image'), viewOf('digit-grid')],
    samples: () => player.samples ?? null,
    loaded: (settings) => {
      for (const [name, value] of Object.entries(settings))
        for (const c of [toolbarOf(runs.digits), digitsSamplerControls]) c?.set(name, value);
      player.touch();
    },
  }),
];

// ---- start ----------------------------------------------------------------------------------------

// Asks the worker for the points of a dataset; a 64-d dataset has no scatter to draw.
function loadData(dataset) {
  loadDataset(engine, data, dataset, {
    onChange: () => {
      for (const view of [dataView, fieldDataView, langevinView]) view.invalidate();
    },
  });
}
runs.exact.subscribe((run, what) => {
  if (what === RUN_EVENTS.SETTINGS && run.values.dataset !== data.dataset && root.dataset.worker === 'ready')
    loadData(run.values.dataset);
});

engine.ready.then(
  (ready) => {
    performance.mark('scorefield:worker-ready');
    root.dataset.worker = 'ready';
    root.dataset.isa = ready.isa;
    const isaText = ready.isa === 'simd128' ? 'WebAssembly SIMD128' : 'scalar WebAssembly (no SIMD)';
    root.dataset.threads = String(ready.threads ?? 1);
    const threadsText =
      (ready.threads ?? 1) > 1
        ? `${ready.threads} threads`
        : `1 thread${ready.threadsReason ? `: ${ready.threadsReason}` : ''}`;
    $('engine-status').textContent = `Engine: ${isaText}, ${threadsText}, training in a Web Worker.`;
    if (!ready.simdSupported) {
      alerts.show(
        'simd',
        'This browser has no WebAssembly SIMD, so the page runs the scalar build of the same core: ' +
          'the same numbers, computed more slowly.',
        'is-warning',
      );
    } else if (ready.isa === 'scalar') {
      alerts.show(
        'simd',
        'Running the scalar build of the core, as the address asked (simd=scalar): the same numbers, ' +
          'computed more slowly.',
        'is-warning',
      );
    }
    for (const [name, run] of Object.entries(runs)) {
      const changed = run.adoptDefaults(coreDefaults(ready.defaults, run.values.dataset));
      // Every control showing this run's settings (each ignores names it does not show).
      const controls = [
        toolbars.find((t) => t.run === run)?.controls,
        name === 'exact' ? langevinControls : null,
        name === 'digits' ? digitsSamplerControls : null,
      ];
      for (const setting of changed) for (const c of controls) c?.set(setting, run.values[setting]);
    }
    loadData(runs.exact.values.dataset);
    for (const run of Object.values(runs)) run.configure();
  },
  () => {},
); // a failure is already on the page (onFailure)

const frameStats = new FrameStats();
const drawTimes = new Map(); // canvas id → { draws, totalMs, maxMs }, for the test hook
let nextView = 0; // where this frame's drawing starts, so that every view gets its turn
function frame(now) {
  frameStats.record(now);
  for (const toolbar of toolbars) toolbar.update(now);
  player.update(now);
  for (const bar of exportBars) bar.update();
  ncsn.update(now);
  hero.update(now);
  sde.update(now);
  // Requests first: the worker computes the next field while this frame draws the last one.
  for (const view of views) if (view.visible) view.update(now);
  const start = performance.now(),
    first = nextView;
  for (let k = 0; k < views.length && performance.now() - start < DRAW_BUDGET_MS; k++) {
    const index = (first + k) % views.length,
      view = views[index];
    if (!view.dirty || !view.visible) continue;
    const t0 = performance.now();
    view.render();
    const ms = performance.now() - t0;
    const entry = drawTimes.get(view.canvas.id) ?? { draws: 0, totalMs: 0, maxMs: 0 };
    drawTimes.set(view.canvas.id, {
      draws: entry.draws + 1,
      totalMs: entry.totalMs + ms,
      maxMs: Math.max(entry.maxMs, ms),
    });
    nextView = (index + 1) % views.length;
  }
  requestAnimationFrame(frame);
}
requestAnimationFrame(frame);

// ---- test hook --------------------------------------------------------------------------------------

if (page.values.test === '1') {
  const bits = (floats) => Array.from(new Uint32Array(Float32Array.from(floats).buffer));
  window.scorefieldTest = {
    run: (name) => {
      const r = runs[name];
      return {
        step: r.step,
        count: r.count,
        playing: r.playing,
        dim: r.dim,
        generation: r.generation,
        done: r.done,
        diverged: !!r.diverged,
        error: r.error,
        notice: r.notice,
        msPerStep: r.msPerStep,
        settings: { ...r.values },
        checkpoint: engine.checkpointStep(name),
      };
    },
    lossBits: (name) => bits(runs[name].history()),
    losses: (name) => Array.from(runs[name].history()),
    chains: () => {
      const result = runs.exact.viewResult('exact/langevin');
      return {
        starts: chains.count,
        drawn: result?.frames ? result.n : 0,
        version: result?.version,
        current: chains.version,
        step: result?.step, // the network step the chains ran on
      };
    },
    digitFramesRendered: () => player.framesRendered,
    digitFrameCount: () => player.frameCount,
    costs: () => Object.fromEntries(costs),
    frameStats: () => frameStats.summary(),
    resetFrameStats: () => {
      frameStats.reset();
      drawTimes.clear();
    },
    drawTimes: () => Object.fromEntries(drawTimes),
    marks: () => performance.getEntriesByType('mark').map((m) => ({ name: m.name, startTime: m.startTime })),
    ncsn: ncsn.test,
    pretrained: hero.test,
    sde: sde.test,
  };
}
