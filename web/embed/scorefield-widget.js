// scorefield-widget.js — <scorefield-widget>, the embeddable Scorefield (docs/embedding.md): a worker,
// a run and its views per widget, from the page's modules (web/app/, web/render/, web/worker/), so it
// trains and draws as the page does. Attributes are the settings table's rows in kebab-case, checked by
// web/app/share.js (a clamped or dropped value is named in a notice); it starts near the viewport and
// pauses off-screen. Methods (also for frame.js's postMessage bridge): play, pause, reset, set, state,
// losses. Serve it from the page's own origin (a Worker cannot start from another), or use the iframe.

import { Engine } from '../app/engine.js';
import { Run, RUN_MESSAGES } from '../app/run.js';
import { NCSN_FROM_WORKER, TO_WORKER } from '../worker/protocol.js';
import { SETTINGS, coreDefaults, rowsOf, settingRow } from '../app/settings.js';
import { coerceSetting, paramName, readAttributes } from '../app/share.js';
import { buildControls, button, el } from '../app/controls.js';
import { ChainSet, DATA_GRID, FieldView, LossView } from '../app/views.js';
import { gridPoints } from '../render/geometry.js';
import { PANELS, SDE_PANELS, WIDGET_OPTIONS, WIDGET_ROWS, resolvePanels } from './options.js';
import { datasetLabel, loadDataset } from '../app/figures.js';
import { RUN_EVENTS } from '../app/events.js';

// The widget's run takes the table's own defaults, which are those of the page's 'sliced' run; the name
// only labels the messages to this widget's own worker.
const RUN = 'sliced';
const SDE_RUN = 'sde'; // the run of a widget with the samplers or density panel (objective vesde)
const ROWS = WIDGET_ROWS;
// Every name a row answers to: its own and its aliases, as the table spells them and in kebab-case.
const ROW_BY_KEY = new Map(
  ROWS.flatMap((row) =>
    [row.name, ...(row.aliases ?? [])].flatMap((name) => [
      [name, row],
      [paramName(name), row],
    ]),
  ),
);
// The worker starts once the widget is this close to the viewport, so it is ready as it scrolls in.
const START_MARGIN = '150px';
const MAX_NOTICES_SHOWN = 8; // older notices give way to newer ones
const STYLESHEET = new URL('widget.css', import.meta.url).href;
const DARK_QUERY = '(prefers-color-scheme: dark)';

let widgetCount = 0; // numbers the widgets of a page, for ids and file names

// Whether a run is the score-SDE panels' noise-conditional run (an NcsnRun).
const isSde = (run) => run.name === SDE_RUN;

function optionDefaults() {
  return Object.fromEntries(WIDGET_OPTIONS.map((row) => [row.name, row.default]));
}

export class ScorefieldWidget extends HTMLElement {
  static observedAttributes = ROWS.flatMap((row) => [row.name, ...(row.aliases ?? [])].map(paramName));

  #ui = null; // the shadow DOM's parts, once connected
  #given = {}; // settings from attributes and set(): { name: value }
  #options = optionDefaults();
  #notices = [];
  #engine = null;
  #run = null;
  #status = 'idle'; // the worker: idle (not started), starting, ready, failed
  #giveUpNotice = ''; // the notice of a give-up that Try again (retry()) can undo, or ''
  #isa = '';
  #onScreen = false;
  #resumeOnShow = false; // training was paused because the widget left the screen or the tab hid
  #autoplayPending = false; // autoplay waits for the widget to be on screen
  #frame = 0; // requestAnimationFrame handle
  #observer = null;
  #cleanup = [];
  #views = [];
  #viewsByPanel = {}; // panel → the views exported as its PNG
  #parts = new Set(); // the parts loaded on demand (#loadParts) asked for so far
  #pretrained = null; // { digits, gridView, state() } once the pretrained panel is built
  #data = { points: null, dataset: '', error: '', label: '' };
  #chains = new ChainSet();
  #player = null;
  #toolbar = null;
  #samplerControls = null;
  #sdeJobs = null; // SdeJobs of a widget with the samplers or density panel
  #exportBar = null;
  #fitToggle = null; // the toolbar's Fit checkbox, once the controls are built
  #userPoints = null; // the points of the last good points file, as the worker has them
  #id = ++widgetCount;

  connectedCallback() {
    const { values, notices } = readAttributes((name) => this.getAttribute(name), ROWS);
    this.#given = Object.fromEntries(Object.entries(values).filter(([name]) => SETTINGS.some((r) => r.name === name)));
    this.#options = {
      ...optionDefaults(),
      ...Object.fromEntries(Object.entries(values).filter(([name]) => WIDGET_OPTIONS.some((r) => r.name === name))),
    };
    this.#notices = [];
    this.#build();
    this.addNotices(notices);
    this.#layout();
    this.#observer = new IntersectionObserver((entries) => this.#onIntersect(entries), { rootMargin: START_MARGIN });
    this.#observer.observe(this);
    const onVisibility = () => this.#updateActive();
    document.addEventListener('visibilitychange', onVisibility);
    this.#cleanup.push(() => document.removeEventListener('visibilitychange', onVisibility));
    const dark = matchMedia(DARK_QUERY),
      onScheme = () => this.#layout();
    dark.addEventListener('change', onScheme);
    this.#cleanup.push(() => dark.removeEventListener('change', onScheme));
  }

  disconnectedCallback() {
    this.#observer?.disconnect();
    for (const fn of this.#cleanup.splice(0)) fn();
    cancelAnimationFrame(this.#frame);
    this.#frame = 0;
    this.#engine?.terminate();
    this.#engine = null;
    this.#run = null;
    this.#views = [];
    this.#viewsByPanel = {};
    this.#parts = new Set();
    this.#player = null;
    this.#toolbar = null;
    this.#samplerControls = null;
    this.#sdeJobs = null;
    this.#exportBar = null;
    this.#fitToggle = null;
    this.#userPoints = null;
    this.#status = 'idle';
    this.#onScreen = false;
    this.#resumeOnShow = false;
    this.#chains = new ChainSet();
    this.#data = { points: null, dataset: '', error: '', label: '' };
    this.shadowRoot?.replaceChildren();
    this.#ui = null;
  }

  attributeChangedCallback(name, old, value) {
    if (!this.#ui || old === value) return; // before connecting, connectedCallback reads them all
    const row = ROW_BY_KEY.get(name);
    if (value === null) this.#apply(row, this.#defaultOf(row));
    else this.set(name, value);
  }

  // ---- the public API (scripts on the page, and frame.js for postMessage) -----------------------

  /** Starts or continues training (starting the worker if it has not started). */
  play() {
    this.#resumeOnShow = false;
    if (this.#status !== 'ready') {
      this.#autoplayPending = true; // plays as soon as the worker is ready and the widget on screen
      this.#start();
      return;
    }
    if (this.#run.done) this.#run.reset();
    this.#run.play();
  }

  pause() {
    this.#autoplayPending = false;
    this.#resumeOnShow = false;
    if (this.#status === 'ready') this.#run.pause();
  }

  /** A fresh network with the same settings, at step 0. */
  reset() {
    this.#resumeOnShow = false;
    if (this.#status === 'ready') this.#run.reset();
  }

  /**
   * Changes one setting or option by name (as the table spells it, or in kebab-case), from a string,
   * number or boolean: { ok, value, notice } — a clamped value is applied with a notice, a bad one is
   * not applied. The widget also shows the notice.
   */
  set(name, value) {
    const row = typeof name === 'string' ? ROW_BY_KEY.get(name) : undefined;
    if (!row) {
      const notice = `'${String(name).slice(0, 32)}' is not a setting of this widget: ignored.`;
      this.addNotices([notice]);
      return { ok: false, notice };
    }
    const result = coerceSetting(row, value, paramName(row.name));
    if (result.notice) this.addNotices([result.notice]);
    if (!('value' in result)) return { ok: false, notice: result.notice };
    this.#apply(row, result.value);
    return { ok: true, value: result.value, notice: result.notice };
  }

  /**
   * After the widget gave up on a worker that kept dying: starts a new worker and restores the run
   * from the widget's checkpoint of it, as the page's Try again does (no reload, nothing lost).
   * Returns false when there is nothing to try again.
   */
  retry() {
    if (!this.#engine?.gaveUp) return false;
    const notice = this.#giveUpNotice;
    this.#giveUpNotice = '';
    this.#notices = this.#notices.filter((text) => text !== notice);
    this.#status = 'ready';
    this.#engine.retry();
    this.#showNotices();
    return true;
  }

  /** What the widget shows, as plain data (postMessage-safe). */
  state() {
    const run = this.#run;
    const settings = run ? { ...run.values } : { ...this.#defaultSettings(), ...this.#given };
    const last = run && run.count > 0 ? run.losses[run.count - 1] : NaN;
    const field = this.#viewsByPanel.field?.[0] && run?.fields.get(this.#viewsByPanel.field[0].gridId);
    const chains = run?.viewResult('chains');
    return {
      worker: this.#status,
      isa: this.#isa,
      settings,
      options: { ...this.#options },
      panels: this.#panels(),
      step: run?.step ?? 0,
      target: settings.steps,
      playing: !!run?.playing,
      done: !!run && run.dim > 0 && run.done,
      generation: run?.generation ?? -1,
      dim: run?.dim ?? 0,
      lossCount: run?.count ?? 0,
      lastLoss: Number.isFinite(last) ? last : null,
      error: run?.error || '',
      fieldStep: field?.scores && field.generation === run.generation ? field.step : -1, // the latest field drawn from
      chainsStep: chains?.frames && chains.generation === run.generation ? chains.step : -1, // the latest chains
      notices: [...this.#notices],
      canRetry: !!this.#giveUpNotice,
      pretrained: this.#pretrained?.state() ?? null,
    };
  }

  /** The losses so far, one per step (NaN for steps before a loaded weights file's). */
  losses() {
    return this.#run ? Array.from(this.#run.history()) : [];
  }

  /** Adds notices (plain sentences) to the widget's notice list; shown as text, never as markup. */
  addNotices(list) {
    if (list.length === 0) return;
    this.#notices = [...this.#notices, ...list.map(String)].slice(-MAX_NOTICES_SHOWN);
    this.#showNotices();
  }

  // ---- settings ------------------------------------------------------------------------------

  #defaultSettings() {
    return Object.fromEntries(SETTINGS.map((row) => [row.name, row.default]));
  }

  #defaultOf(row) {
    return WIDGET_OPTIONS.includes(row) ? row.default : this.#defaultSettings()[row.name];
  }

  #apply(row, value) {
    if (WIDGET_OPTIONS.includes(row)) {
      if (row.name === 'simd' && this.#engine && value !== this.#options.simd) {
        this.addNotices(['simd: the worker has started; the kernels change when the widget is added again.']);
      }
      this.#options[row.name] = value;
      if (row.name === 'autoplay' && !value) this.#autoplayPending = false;
      if (row.name === 'fit' && this.#fitToggle) this.#fitToggle.checked = value;
      this.#layout();
      return;
    }
    this.#given[row.name] = value;
    const run = this.#run;
    if (!run) {
      this.#layout();
      return;
    }
    this.#toolbar?.controls.set(row.name, value);
    this.#samplerControls?.set(row.name, value);
    if (this.#status !== 'ready') {
      // The worker has not loaded the core yet: the run sends every setting when it is configured.
      run.values[row.name] = value;
      run.explicit.add(row.name);
      this.#layout();
      return;
    }
    const wasPlaying = run.playing;
    run.set(row.name, value); // a new dataset reloads the data (the run's 'settings' listener)
    if (row.group === 'langevin') {
      this.#chains.touch();
      this.#player?.touch();
    }
    if (row.group === 'sde' && this.#sdeJobs) {
      this.#sdeJobs.startSample();
      if (row.name === 'sdeOdeSteps') this.#sdeJobs.startDensity();
    }
    if (row.resets && wasPlaying) run.play(); // a new network starts paused: keep training
    if (row.group === 'digits' && this.#pretrained?.digits.requested) this.#pretrained.digits.sample();
    this.#layout();
  }

  #panels() {
    const dataset = this.#run?.values.dataset ?? this.#given.dataset ?? settingRow('dataset').default;
    return resolvePanels(this.#options.panels, dataset);
  }

  // ---- DOM ---------------------------------------------------------------------------------------

  #build() {
    const root = this.shadowRoot ?? this.attachShadow({ mode: 'open' });
    const link = el('link');
    link.rel = 'stylesheet';
    link.href = STYLESHEET;
    const frame = el('div', 'sf');
    frame.setAttribute('part', 'widget');
    const notices = el('div', 'sf-notices');
    notices.setAttribute('role', 'status');
    const panels = el('div', 'sf-panels');
    const figures = {};
    const canvas = (label, className = '') => {
      const c = el('canvas', className);
      c.setAttribute('role', 'img');
      c.setAttribute('aria-label', label);
      c.id = `sf${this.#id}-${label.replace(/\W+/g, '-')}`;
      return c;
    };
    const figure = (panel, drawing, parent = panels) => {
      const f = el('figure', `sf-panel sf-${panel}`);
      f.dataset.panel = panel;
      f.append(drawing);
      parent.append(f);
      return f;
    };
    const field = canvas('score field'),
      chains = canvas('Langevin chains', 'clickable'),
      loss = canvas('loss');
    const digit = canvas('digit'),
      filmstrip = canvas('filmstrip', 'clickable');
    figures.field = [figure('field', field)];
    figures.chains = [figure('chains', chains)];
    figures.loss = [figure('loss', loss)];
    const samplers = canvas('sampler trajectories'),
      density = canvas('learned density');
    figures.samplers = [figure('samplers', samplers)];
    figures.density = [figure('density', density)];
    // The filmstrip runs under the grid, the whole width of the widget.
    const strip = el('div', 'sf-strip');
    figures.digits = [figure('digits', digit), figure('filmstrip', filmstrip, strip)];
    figures.digits[1].dataset.panel = 'digits';
    const pretrained = el('div', 'sf-pretrained'); // attribute `pretrained`: filled by pretrained-section.js
    pretrained.hidden = true;

    const bar = el('div', 'sf-bar');
    const playButton = button('Play', () => (this.#run?.playing ? this.pause() : this.play()), 'primary sf-play');
    const readout = el('span', 'sf-readout');
    readout.setAttribute('aria-live', 'off');
    const brand = el('span', 'sf-brand', 'Scorefield');
    bar.append(playButton, readout, brand);

    const controls = el('div', 'sf-controls');
    const toolbarBox = el('div', 'toolbar');
    const sampler = el('div', 'toolbar sf-sampler');
    const exportsBox = el('div', 'toolbar sf-exports');
    controls.append(toolbarBox, sampler, exportsBox);
    frame.append(notices, pretrained, panels, strip, bar, controls);
    root.replaceChildren(link, frame);
    this.#ui = {
      frame,
      notices,
      panels,
      figures,
      bar,
      playButton,
      readout,
      controls,
      toolbarBox,
      sampler,
      exportsBox,
      canvases: { field, chains, loss, digit, filmstrip, samplers, density },
      pretrained,
    };
    this.#showReadout();
  }

  #layout() {
    const ui = this.#ui;
    if (!ui) return;
    const theme =
      this.#options.theme === 'auto' ? (matchMedia(DARK_QUERY).matches ? 'dark' : 'light') : this.#options.theme;
    ui.frame.dataset.theme = theme;
    ui.frame.classList.toggle('is-compact', this.#options.compact);
    const shown = this.#panels();
    for (const panel of PANELS) for (const f of ui.figures[panel]) f.hidden = !shown.includes(panel);
    ui.panels.dataset.count = String(shown.length);
    ui.controls.hidden = !this.#options.controls;
    ui.pretrained.hidden = !this.#options.pretrained;
    this.#loadParts();
  }

  #showNotices() {
    const box = this.#ui?.notices;
    if (!box) return;
    const items = this.#notices.map((text) => el('p', 'sf-notice', text));
    if (this.#giveUpNotice) items.push(button('Try again', () => this.retry(), 'sf-retry'));
    if (items.length > 0) {
      items.push(
        button(
          'Dismiss',
          () => {
            this.#notices = [];
            this.#showNotices();
          },
          'sf-dismiss',
        ),
      );
    }
    box.replaceChildren(...items);
  }

  #showReadout() {
    const ui = this.#ui;
    const run = this.#run;
    let text;
    if (this.#status === 'idle') text = 'Starts training when scrolled into view.';
    else if (this.#status === 'starting') text = 'Starting the engine…';
    else if (this.#status === 'failed') text = 'The engine could not start.';
    else {
      const last = run.count > 0 ? run.losses[run.count - 1] : NaN;
      text = `step ${run.step} / ${run.values.steps}${Number.isFinite(last) ? ` · loss ${last.toFixed(3)}` : ''}`;
      if (run.diverged) text += ' · diverged: lower the learning rate';
      else if (run.error) text += ` · ${run.error}`;
    }
    if (ui.readout.textContent !== text) ui.readout.textContent = text;
    const label = run?.playing ? 'Pause' : run && run.dim > 0 && run.done ? 'Replay' : 'Play';
    if (ui.playButton.textContent !== label) ui.playButton.textContent = label;
    ui.playButton.disabled = this.#status === 'failed' || this.#status === 'starting' || (!!run && run.dim === 0);
  }

  // ---- starting, pausing off-screen -------------------------------------------------------------

  #onIntersect(entries) {
    for (const entry of entries) {
      if (entry.target === this) {
        this.#onScreen = entry.isIntersecting;
        if (this.#onScreen && !this.#engine) this.#start();
        this.#updateActive();
        continue;
      }
      const view = this.#views.find((v) => v.canvas === entry.target);
      if (!view) continue;
      view.visible = entry.isIntersecting;
      if (view.visible) view.invalidate();
    }
  }

  // Training runs only while the widget is on screen and the tab is visible.
  #updateActive() {
    const active = this.#onScreen && document.visibilityState !== 'hidden';
    const run = this.#run;
    if (!active) {
      if (run?.playing) {
        this.#resumeOnShow = true;
        run.pause();
      }
      cancelAnimationFrame(this.#frame);
      this.#frame = 0;
      return;
    }
    if (!this.#frame && this.#ui) this.#frame = requestAnimationFrame((now) => this.#tick(now));
    if (!run || run.dim === 0) return;
    if (this.#resumeOnShow || this.#autoplayPending) {
      this.#resumeOnShow = false;
      this.#autoplayPending = false;
      if (!run.done) run.play();
    }
  }

  #start() {
    if (this.#engine || !this.#ui) return;
    this.#status = 'starting';
    const simd = this.#options.simd === 'auto' ? undefined : this.#options.simd === 'simd128';
    // 'lazy': a widget fetches the digits table (44 KB) only if it trains on the digits.
    const engine = new Engine({
      simd,
      digits: 'lazy',
      pretrained: this.#options.pretrained ? 'prefetch' : undefined,
      onFailure: (message, fatal, msg) => this.#onFailure(message, fatal, msg),
    });
    this.#engine = engine;
    // The samplers and density panels need a noise-conditional network trained on a continuous σ: a
    // widget showing either trains one (section 8's run, ncsn-run.js, loaded only then) instead of the
    // plain sliced one.
    const sde = this.#panels().some((p) => SDE_PANELS.includes(p));
    if (!sde) this.#begin(engine, new Run(RUN, engine, this.#given));
    else
      import('../app/ncsn-run.js').then(
        ({ NcsnRun }) => {
          if (this.#engine === engine) this.#begin(engine, new NcsnRun(SDE_RUN, engine, this.#given));
        },
        (err) => this.#partFailed(err),
      );
    this.#updateActive();
  }

  // The run made, the rest of the start: its messages, views, parts and first configure.
  #begin(engine, run) {
    const sde = isSde(run);
    this.#run = run;
    for (const type of [...RUN_MESSAGES, ...(sde ? Object.values(NCSN_FROM_WORKER) : [])]) {
      engine.on(type, (msg) => {
        if (msg.run === run.name) run.receive(msg);
      });
    }
    this.#buildViews(run);
    this.#loadParts();
    // Settings applied by the toolbar, set() or a loaded file: a new dataset needs its data drawn.
    run.subscribe((_, what) => {
      if (what === RUN_EVENTS.SETTINGS && run.values.dataset !== this.#data.dataset && this.#status === 'ready') {
        this.#loadData(run.values.dataset);
        this.#layout();
      }
    });
    run.subscribe((_, what) => {
      if (what === RUN_EVENTS.STATE && run.dim > 0 && (this.#autoplayPending || this.#resumeOnShow))
        this.#updateActive();
      if (what === RUN_EVENTS.STATE)
        this.dispatchEvent(new CustomEvent('scorefield-state', { detail: { step: run.step, playing: run.playing } }));
    });
    this.#autoplayPending = this.#autoplayPending || this.#options.autoplay;
    engine.ready.then(
      (ready) => {
        if (this.#engine !== engine) return; // removed from the page meanwhile
        this.#status = 'ready';
        this.#isa = ready.isa;
        const changed = run.adoptDefaults(coreDefaults(ready.defaults, run.values.dataset));
        for (const name of changed) {
          this.#toolbar?.controls.set(name, run.values[name]);
          this.#samplerControls?.set(name, run.values[name]);
        }
        this.#loadData(run.values.dataset);
        run.configure();
        this.dispatchEvent(new CustomEvent('scorefield-ready', { detail: { isa: ready.isa } }));
      },
      () => {},
    );
    this.#updateActive();
  }

  #onFailure(message, fatal, msg) {
    if (fatal) {
      this.#status = 'failed';
      const needs = msg?.restarted
        ? ''
        : ' It needs a browser with WebAssembly and module Web Workers, ' +
          'and its files served from the same origin as this page.';
      const notice = `This widget cannot train: ${message}.${needs}`;
      // A worker that kept dying: Try again starts a new one from the checkpoints, without a reload.
      if (msg?.gaveUp) this.#giveUpNotice = notice;
      this.addNotices([notice]);
      return;
    }
    if (msg?.restarted) return void this.addNotices([message]);
    if (msg?.run === this.#run?.name) return; // shown in the read-out and the run's status line
    this.addNotices([`Something went wrong: ${message}`]);
  }

  #buildViews(run) {
    const { canvases } = this.#ui;
    const chainsView = new FieldView(canvases.chains, run, {
      id: 'chains',
      grid: DATA_GRID,
      data: this.#data,
      chains: this.#chains,
      title: 'Langevin chains',
    });
    const fieldView = new FieldView(canvases.field, run, {
      id: 'field',
      grid: DATA_GRID,
      data: this.#data,
      title: 'score field',
    });
    const lossView = new LossView(canvases.loss, run, { readout: 'on-use' });
    this.#views = [fieldView, chainsView, lossView];
    this.#viewsByPanel = { field: [fieldView], chains: [chainsView], loss: [lossView], digits: [] };
    if (isSde(run)) {
      // The score-SDE panels' views come with their part (#loadParts): only the loss is built here.
      this.#views = [lossView];
      this.#viewsByPanel = { loss: [lossView], samplers: [], density: [], digits: [] };
    }
    for (const view of this.#views) this.#observer.observe(view.canvas);
  }

  // The parts not every widget needs load when first needed — the digit views with the digits panel,
  // the toolbar and the exports with the controls — so that a plain figure loads less.
  #loadParts() {
    const run = this.#run;
    if (!run) return;
    if (!this.#parts.has('digits') && this.#panels().includes('digits')) {
      this.#parts.add('digits');
      import('../app/digit-views.js').then(
        (m) => {
          if (this.#run === run) this.#buildDigits(run, m);
        },
        (err) => this.#partFailed(err),
      );
    }
    if (!this.#parts.has('pretrained') && this.#options.pretrained) {
      this.#parts.add('pretrained');
      import('../app/pretrained-section.js').then(
        (m) => {
          if (this.#run === run) this.#buildPretrained(run, m);
        },
        (err) => this.#partFailed(err),
      );
    }
    if (!this.#parts.has('sde') && isSde(run)) {
      this.#parts.add('sde');
      Promise.all([import('../app/sde-jobs.js'), import('../app/sde-views.js')]).then(
        ([jobs, views]) => {
          if (this.#run === run) this.#buildSde(run, jobs, views);
        },
        (err) => this.#partFailed(err),
      );
    }
    if (!this.#parts.has('controls') && this.#options.controls) {
      this.#parts.add('controls');
      Promise.all([import('../app/toolbar.js'), import('../app/export-bar.js'), import('./points-input-ui.js')]).then(
        ([toolbar, exports, pointsInput]) => {
          if (this.#run !== run) return;
          this.#buildControls(run, toolbar, pointsInput);
          this.#buildExports(run, exports);
        },
        (err) => this.#partFailed(err),
      );
    }
  }

  // The samplers and density panels: section 8's jobs (sde-jobs.js) and views (sde-views.js).
  #buildSde(run, { SdeJobs }, { DensityView, SdeSampleView }) {
    const { canvases } = this.#ui;
    const views = {};
    const jobs = new SdeJobs({
      engine: this.#engine,
      run,
      onChange: (what) => {
        if (what === 'sample') views.samplers.invalidate();
        if (what === 'density') views.density.invalidate();
      },
    });
    views.samplers = new SdeSampleView(canvases.samplers, run, this.#data, jobs.state);
    views.density = new DensityView(canvases.density, run, jobs.state, 'learned');
    this.#sdeJobs = jobs;
    this.#views.push(views.samplers, views.density);
    this.#viewsByPanel.samplers = [views.samplers];
    this.#viewsByPanel.density = [views.density];
    for (const view of [views.samplers, views.density]) this.#observer.observe(view.canvas);
  }

  #partFailed(err) {
    this.addNotices([`A part of this widget could not be loaded: ${err.message}`]);
  }

  #buildDigits(run, { DigitImageView, DigitPlayer, FilmstripView }) {
    const { canvases } = this.#ui;
    this.#player = new DigitPlayer(run);
    const digitView = new DigitImageView(canvases.digit, this.#player);
    const filmView = new FilmstripView(canvases.filmstrip, this.#player);
    this.#views.push(digitView, filmView);
    this.#viewsByPanel.digits = [digitView];
    for (const view of [digitView, filmView]) this.#observer.observe(view.canvas);
  }

  #buildPretrained(run, { mountPretrained }) {
    this.#pretrained = mountPretrained(this.#ui.pretrained, this.#engine, run, `sf${this.#id}-digits`);
    this.#views.push(...this.#pretrained.views);
    for (const view of this.#pretrained.views) this.#observer.observe(view.canvas);
  }

  #buildControls(run, { RunToolbar }, pointsInput) {
    const ui = this.#ui;
    const onUserAction = () => {
      this.#autoplayPending = false;
      this.#resumeOnShow = false;
    };
    if (isSde(run)) {
      // A score-SDE widget: its training rows without the objective, and the sampler's rows (the
      // jobs may still be loading: #sdeJobs is read at the time of a change).
      this.#toolbar = new RunToolbar(ui.toolbarBox, run, {
        onUserAction,
        rows: rowsOf('train').filter((row) => row.name !== 'objective'),
      });
      const fields = el('div', 'toolbar-fields');
      this.#samplerControls = buildControls(fields, rowsOf('sde'), run.values, (name, value) => {
        run.set(name, value);
        this.#sdeJobs?.startSample();
        if (name === 'sdeOdeSteps') this.#sdeJobs?.startDensity();
      });
      const buttons = el('div', 'toolbar-buttons');
      let seedOffset = 0;
      buttons.append(button('Sample', () => this.#sdeJobs?.startSample(++seedOffset)));
      ui.sampler.replaceChildren(el('span', 'export-label', 'Sampler'), buttons, fields);
      this.#attachPointsInput(run, ['samplers', 'density'], pointsInput);
      return;
    }
    this.#toolbar = new RunToolbar(ui.toolbarBox, run, { onUserAction });
    const fields = el('div', 'toolbar-fields');
    this.#samplerControls = buildControls(fields, rowsOf('langevin'), run.values, (name, value) => {
      run.set(name, value);
      this.#chains.touch();
      this.#player?.touch();
    });
    const buttons = el('div', 'toolbar-buttons');
    buttons.append(
      button('Resample', () => {
        const seed = run.values.chainSeed + 1;
        run.set('chainSeed', seed);
        this.#samplerControls.set('chainSeed', seed);
        this.#chains.touch();
        this.#player?.touch();
      }),
      button('Three chains', () => this.#chains.clear()),
    );
    ui.sampler.replaceChildren(el('span', 'export-label', 'Sampler'), buttons, fields);
    this.#attachPointsInput(run, ['field', 'chains'], pointsInput);
  }

  // The Data row after the sampler's (Load points…, Fit) and the drop of a file on the 2-D panels.
  #attachPointsInput(run, panels, { attachPointsInput }) {
    this.#fitToggle = attachPointsInput({
      after: this.#ui.sampler,
      figures: panels.map((panel) => this.#ui.figures[panel][0]),
      id: `sf${this.#id}-points-file`,
      fit: this.#options.fit,
      fitHelp: WIDGET_OPTIONS.find((row) => row.name === 'fit').help,
      onFit: (value) => this.set('fit', value),
      onFile: (file) => this.#loadPointsFile(run, file),
    });
  }

  // A points file replaces the run's data: the worker trains on them as the dataset 'points' (a new
  // network; a score-SDE run already on points trains on, as section 8 does with painted points). A bad
  // file's problem goes to the notices and nothing changes (the run keeps training).
  async #loadPointsFile(run, file) {
    const engine = this.#engine;
    let points;
    try {
      if (this.#status !== 'ready') throw new Error('the engine has not started yet');
      const [{ readPointsFile }, { MAX_POINTS }, box] = await Promise.all([
        import('../app/points-input.js'),
        import('../app/paint.js'),
        // A score-SDE run's plots span section 8's box (its views are loaded already), the others DATA_GRID.
        isSde(run) ? import('../app/ncsn-views.js').then((m) => m.NCSN_BOX) : DATA_GRID,
      ]);
      points = await readPointsFile(engine, file, { box, fit: this.#options.fit, maxPoints: MAX_POINTS });
    } catch (err) {
      this.addNotices([`${file.name}: ${err.message}`]);
      return;
    }
    if (this.#run !== run || this.#engine !== engine) return;
    const wasPlaying = run.playing;
    Object.assign(this.#data, { dataset: 'points', points: points.slice(), label: 'your points', error: '' });
    this.#userPoints = points.slice();
    engine.send(TO_WORKER.POINTS, { run: run.name, points });
    // 'points' is no attribute value (a widget cannot be given points that way), so not set(): the
    // run takes it directly, a new network on the points either way (the worker's), which plays on.
    if (run.values.dataset !== 'points') {
      this.#given.dataset = 'points';
      run.set('dataset', 'points');
      this.#layout();
    }
    this.#showPointsInMenu();
    for (const view of this.#views) view.invalidate();
    if (wasPlaying) run.play();
    this.dispatchEvent(new CustomEvent('scorefield-points', { detail: { n: points.length / 2 } }));
  }

  // The toolbar's dataset menu says the run is on the file's points: an option no attribute names,
  // so it is shown chosen but disabled (another file comes through Load points… or a drop).
  #showPointsInMenu() {
    const select = this.#toolbar?.controls.inputs.get('dataset')?.input;
    if (!select) return;
    let option = [...select.options].find((o) => o.value === 'points');
    if (!option) {
      option = document.createElement('option');
      Object.assign(option, { value: 'points', textContent: 'your points (a file)', disabled: true });
      select.append(option);
    }
    select.value = 'points';
  }

  #loadData(dataset) {
    if (dataset === 'points' && this.#userPoints) {
      Object.assign(this.#data, { dataset, points: this.#userPoints.slice(), label: 'your points', error: '' });
      for (const view of this.#views) view.invalidate();
      return;
    }
    loadDataset(this.#engine, this.#data, dataset, {
      onChange: () => {
        for (const view of this.#views) view.invalidate();
      },
    });
  }

  #tick(now) {
    this.#frame = 0;
    if (!this.#ui) return;
    this.#toolbar?.update(now);
    this.#player?.update(now);
    // The pretrained samples are asked for when their grid first comes on screen.
    const pre = this.#pretrained;
    if (pre && !pre.digits.requested && pre.gridView.visible && this.#status === 'ready') pre.digits.sample();
    const byPanel = this.#viewsByPanel;
    this.#sdeJobs?.schedule(now, {
      sample: !!byPanel.samplers?.[0]?.visible,
      quality: false,
      density: !!byPanel.density?.[0]?.visible,
    });
    for (const view of this.#views) if (view.visible) view.update(now);
    for (const view of this.#views) if (view.visible && view.dirty) view.render();
    this.#showReadout();
    this.#exportBar?.update();
    if (this.#onScreen && document.visibilityState !== 'hidden')
      this.#frame = requestAnimationFrame((t) => this.#tick(t));
  }

  // ---- exports and imports -----------------------------------------------------------------------

  #buildExports(run, { ExportBar, fileStem }) {
    this.#exportBar = new ExportBar(this.#ui.exportsBox, {
      run,
      engine: this.#engine,
      pngViews: () => this.#panels().flatMap((p) => this.#viewsByPanel[p] ?? []),
      figure: () => this.#figure(),
      samples: () => this.#player?.samples ?? null,
      stem: () => fileStem('scorefield', run.values.dataset, run.values.objective, `step${run.step}`),
      notice: (text) => this.addNotices([text]),
      loaded: (settings) => {
        for (const [name, value] of Object.entries(settings)) {
          if (!SETTINGS.some((row) => row.name === name)) continue;
          this.#given[name] = value;
          this.#toolbar?.controls.set(name, value);
        }
        this.#chains.touch();
        this.#player?.touch();
        this.#layout();
        this.dispatchEvent(new CustomEvent('scorefield-loaded', { detail: { step: run.step } }));
      },
    });
  }

  // The SVG figure: the field of the chains panel (or the field panel) with the data, and the chains
  // when that panel shows; null until the field is computed or when the data is not 2-D.
  #figure() {
    const run = this.#run;
    if (!run || run.dim !== 2) return null;
    const chainsShown = this.#panels().includes('chains');
    const view = (chainsShown ? this.#viewsByPanel.chains : this.#viewsByPanel.field)?.[0];
    const field = view && run.fields.get(view.gridId);
    if (!field?.scores) return null;
    const chains = chainsShown ? run.viewResult(view.id) : null;
    return {
      title: `${datasetLabel(run.values.dataset)}: score field at step ${field.step}`,
      box: DATA_GRID,
      data: this.#data.points,
      field: { points: gridPoints(DATA_GRID), scores: field.scores },
      chains: chains?.frames ? chains : null,
      idPrefix: `scorefield${this.#id}`,
    };
  }
}

if (!customElements.get('scorefield-widget')) customElements.define('scorefield-widget', ScorefieldWidget);
