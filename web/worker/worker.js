// worker.js — the page's training worker: owns the wasm core and every model, trains the playing runs
// in short time-boxed chunks, and answers the page's requests for fields, chains, samples, data and
// cost measurements with transferred Float32Arrays.
//
// It draws nothing and keeps no page state beyond each run's model and settings: the page (web/app/)
// validates settings against its table before sending them, keeps the loss history and decides what
// to ask for and when. Message names and shapes are in protocol.js. Every handler runs inside
// try/catch and reports failures as ERROR messages, so the worker never dies silently.

import { createScorefield } from '../core/scorefield.js';
import { readCoreFile } from '../core/loader.js';
import { threadsValue } from '../core/settings.js';
import {
  DIGITS_FROM_WORKER,
  DIGITS_TO_WORKER,
  NCSN_TO_WORKER,
  SDE_TO_WORKER,
  TO_WORKER,
  FROM_WORKER,
} from './protocol.js';
import { checkMessage } from './check.js';
import { RunTrainer } from './trainer.js';
import { longJobs } from './long-job.js';

// One training chunk lasts about this long: short enough that PAUSE, settings and view requests are
// answered within a frame or two, long enough that the per-message overhead stays small.
const CHUNK_MS = 20; // ms
// While any run trains, views (fields, chains, samples) may take at most this fraction of the
// worker's time, so redrawing the quiver as often as the display allows costs training ≤ ~10 %.
const VIEW_TIME_FRACTION = 0.1;
const PRETRAINED_FILE = 'scorefield-digits-model.sfw';

let sf = null; // the createScorefield() instance, once INIT succeeded
let threadsReason = ''; // why the core runs on fewer threads than INIT asked ('' when not)
// Modules loaded on first need, so that a 2-D widget never loads them: the NCSN section's (ncsn.js),
// the score-SDE section's jobs (sde.js) and the pretrained digits with class-conditional samples
// (pretrained.js).
let ncsnModule = null;
let sdeModule = null;
let digitsModule = null;
let measureModule = null; // the cost measurement of the page's section 5 (measure.js)
let samplersLoaded = false; // the Node API's chunked samplers (web/core/samplers.js): chains and digit samples run through them
let pretrained = null;
let modelBytes = null; // INIT's prefetch of the model file
let moduleFailed = false; // after a failed load, its messages meet the handler's error instead
let initStarted = false;
const runs = new Map(); // run name → RunTrainer
const viewQueue = new Map(); // request key → the latest request for that key (older ones are dropped)
const viewJobs = new Map(); // request key → { request, stamp, job }: chains or samples running in pieces
const measureQueue = []; // pending cost-measurement cells
let nextViewAt = 0; // performance.now() before which views wait while a run trains
let roundRobin = 0; // which playing run trains next

// A zero-delay scheduler: setTimeout(0) is clamped to ≥ 4 ms after a few nested calls, which would
// idle the worker ~17 % of the time between 20 ms chunks. A message to ourselves runs as a task too,
// so messages from the page still interleave with chunks.
const wake = new MessageChannel();
let scheduled = false;
wake.port1.onmessage = () => {
  scheduled = false;
  guarded(null, tick);
};
// In Node, where tests load this file, the channel must not keep the process alive by itself.
/** @type {MessagePort & { unref?: () => void }} */ (wake.port1).unref?.();
function schedule() {
  if (scheduled) return;
  scheduled = true;
  wake.port2.postMessage(0);
}

function post(message, transfer = []) {
  self.postMessage(message, transfer);
}

function reportError(err, context) {
  post({ type: FROM_WORKER.ERROR, message: err?.message ?? String(err), fatal: false, ...context });
}

// Runs fn, turning any exception into an ERROR message naming the request it came from. A wasm trap
// leaves the core's memory in an unknown state: the worker says so and closes, and the page's Engine
// starts a new one from its checkpoints (web/app/engine.js).
function guarded(context, fn) {
  try {
    fn();
  } catch (err) {
    if (err instanceof WebAssembly.RuntimeError) {
      post({
        type: FROM_WORKER.ERROR,
        message: `the wasm core trapped: ${err.message}`,
        fatal: false,
        trap: true,
        ...context,
      });
      self.close?.();
      return;
    }
    reportError(err, context ?? {});
  }
}

// The fields of a message that name what an ERROR answers, when they are of a kind the page sends
// (a message that failed its check may hold anything there).
function contextOf(msg) {
  const context = {};
  const usable = (v) => Number.isSafeInteger(v) || (typeof v === 'string' && v.length <= 256);
  for (const [key, from] of [
    ['run', 'run'],
    ['request', 'type'],
    ['requestId', 'requestId'],
    ['gridId', 'gridId'],
    ['viewId', 'viewId'],
  ]) {
    if (usable(msg?.[from])) context[key] = msg[from];
  }
  return context;
}

function trainerOf(name) {
  const trainer = runs.get(name);
  if (!trainer) throw new Error(`no run named '${name}' (send CONFIGURE first)`);
  return trainer;
}

function postState(trainer) {
  post({ type: FROM_WORKER.STATE, ...trainer.state() });
}

// ---- the work loop --------------------------------------------------------------------------------

function playingRuns() {
  return [...runs.values()].filter((t) => t.playing);
}

function tick() {
  const playing = playingRuns();
  if (playing.length > 0) {
    const trainer = playing[roundRobin++ % playing.length];
    guarded({ run: trainer.name }, () => trainChunk(trainer));
  }
  const training = playingRuns().length > 0;
  const views = viewQueue.size > 0 || viewJobs.size > 0;
  if (views && (!training || performance.now() >= nextViewAt)) serveViews(training);
  // One cell per tick, training or not: a cell blocks the worker for about its budget, and the
  // single thread means a run training beside it does not change what the cell measures.
  if (measureQueue.length > 0) {
    const cell = measureQueue.shift();
    guarded({ request: TO_WORKER.MEASURE, requestId: cell.requestId }, () => measureModule.measureCell(sf, cell, post));
  }
  const flowing = ncsnModule?.ncsnTick(runs.values()) ?? false; // the NCSN section's particle flows
  const sampling = pretrained?.tick() ?? false; // one noise level of the pretrained digits (pretrained.js)
  const sdeJobs = sdeModule?.sdeTick(runs, longJob, reportError) ?? false; // the score-SDE section's jobs
  const pending = viewQueue.size > 0 || viewJobs.size > 0 || measureQueue.length > 0;
  if (playingRuns().length > 0 || pending || flowing || sampling || sdeJobs) schedule();
}

function trainChunk(trainer) {
  let chunk;
  try {
    chunk = trainer.trainFor(CHUNK_MS);
  } catch (err) {
    postState(trainer); // trainFor paused the run: the page must not keep showing it as playing
    throw err;
  }
  if (chunk.progress) {
    post({
      type: FROM_WORKER.PROGRESS,
      run: trainer.name,
      generation: trainer.generation,
      step: trainer.step,
      ...chunk.progress,
    });
  }
  if (chunk.losses.length > 0) {
    post(
      {
        type: FROM_WORKER.LOSSES,
        run: trainer.name,
        generation: trainer.generation,
        firstStep: chunk.firstStep,
        losses: chunk.losses,
        step: trainer.step,
        msPerStep: chunk.msPerStep,
      },
      [chunk.losses.buffer],
    );
  }
  if (chunk.diverged) {
    post({ type: FROM_WORKER.DIVERGED, run: trainer.name, ...chunk.diverged });
    postState(trainer);
  } else if (!trainer.playing) {
    postState(trainer); // reached its target
  }
}

// Serves every queued view request and advances every view job by one piece; while training, then
// waits (1/fraction − 1) times as long as they took before serving views again.
function serveViews(training) {
  const start = performance.now();
  const requests = [...viewQueue.entries()];
  viewQueue.clear();
  for (const [key, request] of requests) {
    guarded(viewContext(request), () => serveView(key, request));
  }
  for (const [key, entry] of [...viewJobs]) {
    if (!requests.some(([k]) => k === key)) guarded(viewContext(entry.request), () => advanceJob(key, entry));
  }
  const spent = performance.now() - start;
  nextViewAt = training ? performance.now() + spent * (1 / VIEW_TIME_FRACTION - 1) : 0;
}

function viewContext(request) {
  return { run: request.run, request: request.type, gridId: request.gridId, viewId: request.viewId };
}

// Jobs whose cost grows with a setting (a field's grid, chains × steps, digit samples, a quality
// reading, the sampler comparison) may block for seconds: the page's heartbeat is told first
// (BUSY, then IDLE), so that it does not take the silence for a dead worker (long-job.js). Chains and
// digit samples run in pieces besides (pieces.js): one piece per visit of the loop, a VIEW_PROGRESS
// after each, and a newer request for the same view replaces the job.
const longJob = longJobs(post);

/**
 * @param {string} key the view queue's key of the request
 * @param {import('./messages.js').FieldMessage | import('./messages.js').ChainsMessage | import('./messages.js').SamplesMessage} request
 */
function serveView(key, request) {
  const trainer = trainerOf(request.run);
  const stamp = { run: request.run, generation: trainer.generation, step: trainer.step };
  switch (request.type) {
    case TO_WORKER.FIELD: {
      const scores = longJob(request.type, () => trainer.field(request.grid));
      post({ type: FROM_WORKER.FIELD, ...stamp, gridId: request.gridId, scores }, [scores.buffer]);
      break;
    }
    case TO_WORKER.CHAINS:
    case TO_WORKER.SAMPLES: {
      dropJob(key); // a newer request replaces a job still running
      const job =
        request.type === TO_WORKER.CHAINS
          ? trainer.chains(request.starts, request.langevin)
          : trainer.samples(sf, request.n, request.seed, request.langevin);
      const entry = { request, stamp, trainer, job };
      viewJobs.set(key, entry);
      advanceJob(key, entry);
      break;
    }
    default:
      throw new Error(`unknown view request '${/** @type {{ type: string }} */ (request).type}'`);
  }
}

// One piece of a view job: its progress, or its answer when it is done.
function advanceJob(key, entry) {
  const { request, stamp, trainer, job } = entry;
  let next;
  try {
    if (runs.get(request.run) !== trainer) throw new Error(`the run '${request.run}' was replaced`);
    next = longJob(request.type, () => job.next());
  } catch (err) {
    viewJobs.delete(key);
    throw err;
  }
  if (!next.done) {
    post({ type: FROM_WORKER.VIEW_PROGRESS, ...stamp, request: request.type, viewId: request.viewId, ...next.value });
    return;
  }
  viewJobs.delete(key);
  const result = next.value,
    type = request.type === TO_WORKER.CHAINS ? FROM_WORKER.CHAINS : FROM_WORKER.SAMPLES;
  post({ type, ...stamp, viewId: request.viewId, ...result }, [result.frames.buffer]);
}

function dropViews(run) {
  for (const [key, request] of viewQueue) if (request.run === run) viewQueue.delete(key);
  for (const [key, entry] of viewJobs) if (entry.request.run === run) dropJob(key);
}

// Drops a view job before its end: its return() frees the core's sampler run it holds (pieces.js).
function dropJob(key) {
  const entry = viewJobs.get(key);
  viewJobs.delete(key);
  entry?.job.return(undefined);
}

// ---- messages from the page -----------------------------------------------------------------------

/** @param {import('./messages.js').InitMessage} msg */
async function init({ simd, digits, pretrained: prefetch, threads = '1' }) {
  // The pretrained digits model is fetched while the core loads when the page shows it at once.
  if (prefetch === 'prefetch') {
    modelBytes = readCoreFile(PRETRAINED_FILE);
    modelBytes.catch(() => {}); // a failed fetch is reported when samples are asked for
  }
  // The hosted page (digits 'eager') uses the NCSN section at once: its module (and the core API's
  // samplers) loads with the core, as does the digits' with a prefetch. A widget ('lazy') loads each
  // when a message needs it.
  const ncsn = digits !== 'lazy' ? import('./ncsn.js') : null;
  const pretrainedJs = prefetch === 'prefetch' ? import('./pretrained.js') : null;
  try {
    // Threads where the page is cross-origin isolated (else the core says why it runs on one); helpers
    // that fail to start leave the single-threaded core, with the reason.
    const options = { simd, digits: digits !== 'lazy', samplers: digits !== 'lazy' };
    let reason = '';
    try {
      sf = await createScorefield({ ...options, threads: threadsValue(threads) });
    } catch (err) {
      if (threads === '1') throw err;
      reason = `the helper threads did not start (${err?.message ?? err})`;
      sf = await createScorefield(options);
    }
    threadsReason = reason || sf.threadsReason;
    samplersLoaded = digits !== 'lazy';
    if (ncsn) ncsnModule = await ncsn;
    if (pretrainedJs) {
      await loadSamplers();
      setDigitsModule(await pretrainedJs);
    }
  } catch (err) {
    post({ type: FROM_WORKER.ERROR, fatal: true, message: err?.message ?? String(err) });
    return;
  }
  post({
    type: FROM_WORKER.READY,
    isa: sf.isa,
    simdSupported: sf.simdSupported,
    threads: sf.threads,
    threadsReason,
    defaults: sf.defaults ?? null,
  });
}

// points: a plain run's own points (RESTORE's), which it needs before its first network on them.
function newTrainer(name, settings, points) {
  return isNcsnSettings(settings)
    ? new ncsnModule.NcsnTrainer(sf, name, settings, post, longJob, digitsModule?.guidedSamples, points)
    : new RunTrainer(sf, name, settings, points);
}

/** @param {import('./messages.js').ToWorkerMessage} msg a message check.js has accepted */
function handle(msg) {
  if (msg.type === TO_WORKER.INIT) {
    if (sf || initStarted) throw new Error('the core is already loaded (INIT comes once)');
    initStarted = true;
    return void init(msg);
  }
  if (!sf) throw new Error(`'${msg.type}' arrived before the core was loaded`);
  switch (msg.type) {
    case TO_WORKER.DATA: {
      const { x } = sf.sampleData({ dataset: msg.dataset, n: msg.n, seed: msg.seed });
      post({ type: FROM_WORKER.DATA, requestId: msg.requestId, dataset: msg.dataset, x }, [x.buffer]);
      break;
    }
    case TO_WORKER.CONFIGURE: {
      let trainer = runs.get(msg.run);
      if (!trainer) {
        trainer = newTrainer(msg.run, msg.settings);
        runs.set(msg.run, trainer);
      } else {
        trainer.configure(msg.settings);
      }
      postState(trainer);
      break;
    }
    case TO_WORKER.PLAY:
      trainerOf(msg.run).play();
      postState(trainerOf(msg.run));
      break;
    case TO_WORKER.PAUSE:
      trainerOf(msg.run).pause();
      postState(trainerOf(msg.run));
      break;
    case TO_WORKER.STEP:
      trainerOf(msg.run).stepBy(msg.steps);
      postState(trainerOf(msg.run));
      break;
    case TO_WORKER.RESET:
      trainerOf(msg.run).reset();
      dropViews(msg.run);
      postState(trainerOf(msg.run));
      break;
    case TO_WORKER.FIELD:
      trainerOf(msg.run); // fail now, naming the run, rather than later in the queue
      viewQueue.set(`${msg.run}/field/${msg.gridId}`, msg);
      break;
    case TO_WORKER.CHAINS:
    case TO_WORKER.SAMPLES:
      trainerOf(msg.run);
      viewQueue.set(`${msg.run}/${msg.type}/${msg.viewId}`, msg);
      break;
    case TO_WORKER.MEASURE:
      for (const cell of msg.cells) measureQueue.push({ requestId: msg.requestId, budgetMs: msg.budgetMs, ...cell });
      break;
    case TO_WORKER.SAVE: {
      const trainer = trainerOf(msg.run);
      const bytes = trainer.save();
      post(
        {
          type: FROM_WORKER.WEIGHTS,
          requestId: msg.requestId,
          run: msg.run,
          generation: trainer.generation,
          step: trainer.step,
          bytes,
        },
        [bytes.buffer],
      );
      break;
    }
    case TO_WORKER.LOAD: {
      const trainer = trainerOf(msg.run);
      let settings;
      try {
        settings = trainer.load(msg.bytes, msg.offered);
      } catch (err) {
        // Not the run's error: a refused file leaves the run as it was. The requester shows it.
        reportError(err, { request: msg.type, requestId: msg.requestId });
        break;
      }
      dropViews(msg.run);
      postState(trainer);
      post({ type: FROM_WORKER.LOADED, requestId: msg.requestId, run: msg.run, settings, step: trainer.step });
      break;
    }
    case TO_WORKER.RESTORE: {
      // After a restart the page restores every run, one message each, ahead of its pings: each
      // (a model built, a weights file read, a dataset made) is announced as long work.
      const trainer = longJob(msg.type, () => {
        const made = newTrainer(msg.run, msg.settings, msg.points);
        try {
          if (msg.bytes) made.restore(msg.bytes);
        } catch (err) {
          made.dispose();
          throw err;
        }
        return made;
      });
      trainer.generation = msg.generation;
      runs.get(msg.run)?.dispose();
      runs.set(msg.run, trainer);
      dropViews(msg.run);
      postState(trainer);
      break;
    }
    case TO_WORKER.POINTS: {
      const trainer = trainerOf(msg.run);
      trainer.setPoints(msg.points);
      dropViews(msg.run);
      postState(trainer);
      break;
    }
    case TO_WORKER.FIT: {
      const points = sf.fitPoints(msg.points, msg.box);
      post({ type: FROM_WORKER.FIT, requestId: msg.requestId, points }, [points.buffer]);
      break;
    }
    case DIGITS_TO_WORKER.PRETRAINED:
      if (!pretrained) throw new Error('the pretrained digits could not be loaded');
      pretrained.start(msg);
      break;
    case DIGITS_TO_WORKER.QUALITY: {
      if (!digitsModule) throw new Error('the digit classifier could not be loaded');
      const quality = longJob(msg.type, () => digitsModule.digitsQuality(sf, msg));
      post({ type: DIGITS_FROM_WORKER.QUALITY, requestId: msg.requestId, quality });
      break;
    }
    default:
      if (ncsnModule?.handleNcsn(msg, { sf, trainerOf, post, longJob })) break;
      if (sdeModule?.handleSde(msg, { sf, trainerOf, post, isNoiseConditional: isNoiseConditionalTrainer })) break;
      throw new Error(`unknown message type '${msg.type}'`);
  }
  schedule();
}

// A rejected promise nobody awaited would otherwise only reach the worker's console.
self.addEventListener('unhandledrejection', (event) => reportError(event.reason, {}));

// A worker started with digits: 'lazy' (a 2-D widget) loads the digits table only when a message
// needs it; messages that arrive meanwhile wait behind it, so their order is kept.
let digitsWait = null; // a Promise while the table loads
let digitsFailed = false; // after a failed load, digits messages meet the core's own error instead
const waiting = [];

function needsDigits(msg) {
  if (!sf || sf.digitsLoaded || digitsFailed) return false;
  if (msg.type === TO_WORKER.CONFIGURE) return msg.settings?.dataset === 'digits';
  if (msg.type === TO_WORKER.DATA) return msg.dataset === 'digits';
  if (msg.type === TO_WORKER.MEASURE) return (msg.cells ?? []).some((cell) => cell?.dim === 64);
  if (msg.type === DIGITS_TO_WORKER.QUALITY) return true; // the classifier trains on the table
  return false;
}

// Whether CONFIGURE settings are a noise-conditional run's (an NcsnTrainer, ncsn.js): the NCSN
// section's (ncsn) and the score-SDE section's (vesde).
function isNcsnSettings(settings) {
  return settings?.objective === 'ncsn' || settings?.objective === 'vesde';
}

function isNoiseConditionalTrainer(trainer) {
  return !!ncsnModule && trainer instanceof ncsnModule.NcsnTrainer;
}

const NCSN_TYPES = new Set(Object.values(NCSN_TO_WORKER));
const DIGITS_TYPES = new Set(Object.values(DIGITS_TO_WORKER));
const SDE_TYPES = new Set(Object.values(SDE_TO_WORKER));

// The module a message needs and the worker has not loaded: 'ncsn', 'sde', 'digits', 'measure', 'samplers' or ''.
function moduleNeeded(msg) {
  if (!sf || moduleFailed) return '';
  const runSettings = msg.type === TO_WORKER.CONFIGURE || msg.type === TO_WORKER.RESTORE ? msg.settings : null;
  if (!ncsnModule && (NCSN_TYPES.has(msg.type) || isNcsnSettings(runSettings))) return 'ncsn';
  if (!sdeModule && SDE_TYPES.has(msg.type)) return 'sde';
  if (!digitsModule && (DIGITS_TYPES.has(msg.type) || runSettings?.classes > 0)) return 'digits';
  if (!measureModule && msg.type === TO_WORKER.MEASURE) return 'measure';
  // Long chains and digit samples run in pieces (pieces.js) through the chunked runs of samplers.js;
  // the ncsn, sde and digits modules load it with them.
  if (!samplersLoaded && (msg.type === TO_WORKER.CHAINS || msg.type === TO_WORKER.SAMPLES)) {
    const trainer = runs.get(msg.run);
    if (trainer instanceof RunTrainer && trainer.needsChunkedRuns(msg)) return 'samplers';
  }
  return '';
}

// Loads a module (messages wait behind it, in order).
function loadModule(name) {
  if (name === 'ncsn')
    return Promise.all([import('./ncsn.js'), loadSamplers()]).then(([m]) => {
      ncsnModule = m;
    });
  if (name === 'sde')
    return Promise.all([import('./sde.js'), loadSamplers()]).then(([m]) => {
      sdeModule = m;
    });
  if (name === 'samplers') return loadSamplers();
  if (name === 'measure')
    return import('./measure.js').then((m) => {
      measureModule = m;
    });
  return Promise.all([import('./pretrained.js'), loadSamplers()]).then(([m]) => setDigitsModule(m));
}

function loadSamplers() {
  return sf.loadSamplers().then(() => {
    samplersLoaded = true;
  });
}

function setDigitsModule(m) {
  digitsModule = m;
  pretrained = new m.Pretrained(sf, { post, longJob, wake: schedule, file: PRETRAINED_FILE, bytes: modelBytes });
  if (modelBytes) pretrained.load().catch(() => {});
}

function receive(msg) {
  // The heartbeat (web/app/engine.js) is answered at once, before anything can make it wait.
  if (msg?.type === TO_WORKER.PING && Number.isSafeInteger(msg.seq))
    return void post({ type: FROM_WORKER.PONG, seq: msg.seq });
  try {
    checkMessage(msg, sf?.limits ?? null);
  } catch (err) {
    return void reportError(err, contextOf(msg));
  }
  if (digitsWait) return void waiting.push(msg);
  const module = moduleNeeded(msg);
  if (module || needsDigits(msg)) {
    waiting.push(msg);
    digitsWait = (module ? loadModule(module) : sf.loadDigits())
      .catch((err) => {
        if (module) moduleFailed = true;
        else digitsFailed = true;
        reportError(err, { run: msg.run, request: msg.type, requestId: msg.requestId });
      })
      .finally(() => {
        digitsWait = null;
        for (const next of waiting.splice(0)) receive(next);
      });
    return;
  }
  guarded(contextOf(msg), () => handle(msg));
}

self.addEventListener('message', (event) => receive(event.data ?? {}));
