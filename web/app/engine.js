// engine.js — the page's side of the training worker: starts it, sends it messages, hands each reply
// to the listeners registered for its type, and keeps the worker alive. Every way the worker can fail
// — an ERROR message, a script that does not load, a message that cannot be decoded, a core that does
// not answer — ends in one onFailure(message, fatal) call, so nothing fails silently.
//
// Supervision by progress, not silence: the Engine pings the worker every HEARTBEAT_MS, and any sign of
// progress (a PONG, a PROGRESS of a step in pieces, the end of an announced long job) counts. The
// worker computes long steps in pieces and answers between them, so a busy worker is never taken for a
// dead one; a worker with no progress for DEAD_AFTER_MS (hung, crashed, out of memory, terminated) is
// stopped by the page ("stopped by the page after N s without progress"), and one that reports a wasm
// trap is replaced too: a new worker starts, and every run is restored from the page's last checkpoint of it: a weights
// file the Engine asks for every CHECKPOINT_MS while a run trains and whenever it stops. Settings and
// painted points are the page's own and are sent again. Runs hear FROM_ENGINE.RESTARTED.
//
// It knows the message names (web/worker/protocol.js) but not what they mean to the page; runs and
// views (run.js, main.js) decide what to send and what to do with the answers.

import { FROM_ENGINE, FROM_WORKER, NCSN_TO_WORKER, TO_WORKER } from '../worker/protocol.js';

// If the worker has not said READY by then, something is wrong (a stalled fetch of the wasm file,
// an engine that never compiles it): say so rather than wait forever.
const READY_TIMEOUT_MS = 20000; // ms
// The worker answers a ping between two training chunks (~20 ms); one that has not answered for
// DEAD_AFTER_MS is taken for dead. A heartbeat timer that itself fires this late means the page was
// busy or throttled (a background tab), not the worker: that ping is not judged.
const HEARTBEAT_MS = 200;
// 1.5 s, not less: a worker restoring several runs after a restart, or any worker on a machine busy
// with several times its cores' work, can be silent for over half a second and is not dead.
const DEAD_AFTER_MS = 1500; // a dead worker is noticed within HEARTBEAT_MS + DEAD_AFTER_MS
const LATE_TIMER_MS = 500;
// A worker that announced a long job (FROM_WORKER.BUSY: a field, chains, digit samples, a quality
// reading, the sampler comparison; web/worker/long-job.js) has this long before its silence counts;
// IDLE (the job ended) or its next PONG ends the grace.
const BUSY_GRACE_MS = 30000;
const CHECKPOINT_MS = 2000; // a weights file of every training run this often
// More restarts than this within RESTART_WINDOW_MS means the worker dies of something it meets again
// (the same request, the same data): stop restarting and say so.
const MAX_RESTARTS = 3;
const RESTART_WINDOW_MS = 60000;

export class Engine {
  #worker = null;
  #options; // { simd, digits, pretrained, threads }
  #listeners = new Map(); // message type → Set of functions
  #onFailure;
  #nextRequestId = 1;
  #pending = new Map(); // requestId → { resolve, reject }
  #ready = false; // the current worker said READY
  #stopped = false; // terminate() was called, or restarting gave up
  #gaveUp = false; // restarting gave up (retry() tries again; checkpoints stay exportable)
  #runs = new Map(); // run name → { settings, points, generation, step, playing, checkpoint, safe, saving }
  #heartbeat = { timer: 0, seq: 0, sentAt: 0, waiting: false, lastTick: 0, busySince: 0 };
  #checkpointTimer = 0;
  #restarts = []; // times of recent restarts
  #afterReady = null; // what a restarted worker is sent once it is READY
  #startedAt = 0;
  #starts = 0; // workers started (see #restarted)
  #queued = []; // [message, transfer] sent before the worker was READY

  /**
   * Starts the worker and asks it to load the core; simd: true | false | undefined (auto); digits:
   * 'eager' (default) or 'lazy' (the digits table is fetched only when a digits run needs it);
   * pretrained: 'prefetch' fetches the pretrained digits model while the core loads (a page that shows
   * it at once), undefined only when samples are first asked for.
   */
  constructor({ simd, onFailure, digits = 'eager', pretrained, threads }) {
    this.#onFailure = onFailure;
    this.#options = { simd, digits, ...(pretrained ? { pretrained } : {}), ...(threads ? { threads } : {}) };
    this.ready = new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the training worker did not start within ${READY_TIMEOUT_MS / 1000} s`)),
        READY_TIMEOUT_MS,
      );
      this.on(FROM_WORKER.READY, (msg) => {
        clearTimeout(timer);
        resolve(msg);
      });
      this.on(FROM_WORKER.ERROR, (msg) => {
        if (msg.fatal) {
          clearTimeout(timer);
          reject(new Error(msg.message));
        }
      });
    });
    this.ready.catch(() => {}); // the page awaits it; this keeps an early failure from going unhandled
    this.#startWorker();
  }

  /** Registers fn for worker messages of a type (FROM_WORKER, FROM_ENGINE); returns a function that removes it. */
  on(type, fn) {
    if (!this.#listeners.has(type)) this.#listeners.set(type, new Set());
    this.#listeners.get(type).add(fn);
    return () => this.#listeners.get(type).delete(fn);
  }

  /** Posts { type, ...payload } to the worker, transferring the listed buffers. */
  send(type, payload = {}, transfer = []) {
    if (this.#stopped) return;
    if (type === TO_WORKER.PLAY || type === TO_WORKER.CONFIGURE) this.#pinSafePoint(payload.run);
    this.#remember(type, payload);
    // Until the worker's core is loaded, messages wait here (after a restart, behind the restores).
    if (!this.#ready) this.#queued.push([{ type, ...payload }, transfer]);
    else this.#worker.postMessage({ type, ...payload }, transfer);
  }

  /**
   * Sends a message that the worker answers with a message carrying the same requestId (DATA,
   * MEASURE, SAVE, LOAD); resolves with the first answer, or rejects with an ERROR's message (which
   * then is the caller's to show: onFailure does not hear it). Further answers (one per MEASURE
   * cell) reach on(). A request in flight when the worker dies is rejected.
   */
  request(type, payload = {}) {
    const requestId = this.#nextRequestId++;
    return new Promise((resolve, reject) => {
      // After the page gave up on the worker, a run's checkpoint is still the page's to export.
      const held = type === TO_WORKER.SAVE && this.#gaveUp ? this.#heldWeights(payload.run) : null;
      if (held) return void resolve(held);
      if (this.#stopped) return void reject(new Error('the training worker was stopped'));
      this.#pending.set(requestId, { resolve, reject });
      this.send(type, { ...payload, requestId });
    });
  }

  /**
   * Stops the worker and frees everything it held (a widget removed from its page); requests still
   * waiting are rejected, and nothing more is sent or received.
   */
  terminate() {
    this.#stopped = true;
    this.#stopWorker();
    this.#rejectPending('the training worker was stopped');
    this.#listeners.clear();
  }

  /**
   * After the page gave up restarting the worker (it kept dying): starts a new one and restores every
   * run from the page's checkpoints, as a restart does, with a fresh count of restarts. Returns
   * whether it tried (false when the page had not given up, or the Engine was terminated).
   */
  retry() {
    if (!this.#gaveUp) return false;
    this.#gaveUp = false;
    this.#stopped = false;
    this.#restarts = [];
    this.#restart('the page was asked to try again', { retry: true });
    return true;
  }

  /** Whether the page gave up restarting the worker (retry() tries again). */
  get gaveUp() {
    return this.#gaveUp;
  }

  // A WEIGHTS-shaped answer from a run's checkpoint held by the page, or null when it holds none.
  #heldWeights(run) {
    const record = this.#runs.get(run);
    const checkpoint = record && currentCheckpoint(record);
    if (!checkpoint) return null;
    return {
      type: FROM_WORKER.WEIGHTS,
      run,
      generation: checkpoint.generation,
      step: checkpoint.step,
      bytes: checkpoint.bytes.slice(),
      fromCheckpoint: true,
    };
  }

  /** The step of the page's last checkpoint of a run's current network, or null when it has none. */
  checkpointStep(run) {
    const record = this.#runs.get(run);
    return record ? (currentCheckpoint(record)?.step ?? null) : null;
  }

  /**
   * Where a run can go back to after it diverged: { step, settings } of the checkpoint taken before its
   * training last started or its settings last changed (a raised learning rate is the usual cause),
   * or null when there is none for its current network.
   */
  safePoint(run) {
    const record = this.#runs.get(run);
    const safe = record?.safe;
    return safe && safe.generation === record.generation ? { step: safe.step, settings: { ...safe.settings } } : null;
  }

  /**
   * Puts a run back at its safe point (the network, Adam's state and the training generator as they
   * were there), keeping its current settings; paused. Returns whether there was one.
   */
  rewind(run) {
    const record = this.#runs.get(run);
    if (!this.safePoint(run)) return false;
    const { safe } = record;
    record.checkpoint = safe;
    this.send(TO_WORKER.RESTORE, { run, settings: record.settings, generation: record.generation, bytes: safe.bytes });
    return true;
  }

  /** A requestId for messages whose answers the caller follows through on(). */
  newRequestId() {
    return this.#nextRequestId++;
  }

  // ---- the worker's life ---------------------------------------------------------------------------

  #startWorker() {
    const worker = new Worker(new URL('../worker/worker.js', import.meta.url), { type: 'module' });
    this.#worker = worker;
    this.#ready = false;
    this.#startedAt = performance.now();
    this.#starts++;
    worker.addEventListener('message', (event) => {
      if (this.#worker === worker) this.#dispatch(event.data);
    });
    // A worker script that fails to load or throws outside a handler arrives here, not as a message.
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      if (this.#worker !== worker) return;
      const reason = event.message || 'its script could not be loaded';
      // After READY, restart. Before the first READY nothing was lost and a new worker would fail the
      // same way; before a restarted worker's READY (the server gone a moment, say) the checkpoints
      // are here: give up as after too many restarts, offering Try again.
      if (this.#ready) this.#restart(`it failed: ${reason}`);
      else if (this.#restarted) this.#giveUp(`the restarted training worker could not start: ${reason}`);
      else this.#fail(`The training worker stopped: ${reason}.`, true);
    });
    worker.addEventListener('messageerror', () =>
      this.#fail('A message from the training worker could not be read.', false),
    );
    worker.postMessage({ type: TO_WORKER.INIT, ...this.#options });
    const beat = this.#heartbeat;
    beat.waiting = false;
    beat.busySince = 0;
    beat.lastTick = performance.now();
    beat.timer = setInterval(() => this.#checkHeartbeat(), HEARTBEAT_MS);
    this.#checkpointTimer = setInterval(() => this.#checkpointPlaying(), CHECKPOINT_MS);
  }

  #stopWorker() {
    clearInterval(this.#heartbeat.timer);
    clearInterval(this.#checkpointTimer);
    this.#worker?.terminate();
    this.#worker = null;
  }

  #checkHeartbeat() {
    const beat = this.#heartbeat,
      now = performance.now();
    const late = now - beat.lastTick > HEARTBEAT_MS + LATE_TIMER_MS;
    beat.lastTick = now;
    if (!this.#ready) {
      // The first start has the ready promise's own timeout; a restart or a Try again has this one. The
      // page's checkpoints are still here: it gives up as after too many restarts, offering Try again.
      if (this.#restarted && now - this.#startedAt > READY_TIMEOUT_MS)
        this.#giveUp(`the restarted training worker did not start within ${READY_TIMEOUT_MS / 1000} s`);
      return;
    }
    const limit = beat.busySince > 0 ? beat.busySince + BUSY_GRACE_MS : beat.sentAt + DEAD_AFTER_MS;
    if (beat.waiting && !late && now >= limit) {
      const silent = ((now - Math.max(beat.sentAt, beat.busySince)) / 1000).toFixed(1);
      this.#restart(`stopped by the page after ${silent} s without progress`, { byPage: true });
      return;
    }
    if (beat.waiting && !late) return;
    beat.seq++;
    beat.sentAt = now;
    beat.waiting = true;
    this.#worker.postMessage({ type: TO_WORKER.PING, seq: beat.seq });
  }

  // Replaces a dead worker and restores every run from its checkpoint (see the file's comment).
  // byPage: the page stopped a worker without progress (reason says so); retry: retry() asked for it.
  #restart(reason, { byPage = false, retry = false } = {}) {
    const now = performance.now();
    this.#restarts = this.#restarts.filter((t) => now - t < RESTART_WINDOW_MS);
    this.#stopWorker();
    const what = byPage ? `The training worker was ${reason}` : `The training worker stopped (${reason})`;
    this.#rejectPending(`${what} before it answered; ask again`);
    if (this.#restarts.length >= MAX_RESTARTS) {
      this.#giveUp(
        `the training worker stopped ${MAX_RESTARTS + 1} times within a minute, most recently ` +
          `${byPage ? `when it was ${reason}` : `because ${reason}`}`,
      );
      return;
    }
    if (!retry) this.#restarts.push(now); // Try again starts a fresh count: it is not one of them
    this.#startWorker();
    // What the new worker is sent once its core is loaded (READY); the runs are told at once.
    const restores = [],
      restored = [];
    for (const [run, record] of this.#runs) {
      if (record.points) restores.push({ type: NCSN_TO_WORKER.POINTS, run, points: record.points });
      if (!record.settings) continue; // points painted for a run not configured yet: they go ahead of it
      const checkpoint = currentCheckpoint(record);
      const lost = record.step; // steps of its current network before the worker died
      // Without a checkpoint the network starts afresh: a new generation, so the page forgets the old one.
      record.generation = checkpoint ? record.generation : record.generation + 1;
      record.step = checkpoint ? checkpoint.step : 0;
      record.playing = false;
      record.saving = false;
      restores.push({
        type: TO_WORKER.RESTORE,
        run,
        settings: record.settings,
        generation: record.generation,
        bytes: checkpoint?.bytes,
        points: record.ownPoints ?? undefined,
      });
      restored.push({ run, step: record.step, restored: !!checkpoint, lost });
    }
    this.#afterReady = () => {
      for (const message of restores) this.#worker.postMessage(message);
      // The restores are long work the page itself asked for, queued ahead of the next ping: the
      // worker has the busy grace until it answers (PONG) or says its last restore is done (IDLE).
      if (restores.length > 0) this.#heartbeat.busySince = performance.now();
    };
    const stopped = retry ? 'A new training worker was started' : `${what} and was restarted`;
    const said = (r) =>
      r.restored ? `back at step ${r.step}` : `a fresh network (its ${r.lost} steps were not saved yet)`;
    for (const r of restored) {
      const message =
        r.lost > 0 ? `${stopped}: this run is ${said(r)}, paused.` : `${stopped}; this run had not trained yet.`;
      this.#deliver({ type: FROM_ENGINE.RESTARTED, run: r.run, step: r.step, restored: r.restored, message });
    }
    const trained = restored.filter((r) => r.lost > 0);
    const where = trained.length === 0 ? '' : `: ${trained.map((r) => `${r.run} is ${said(r)}`).join('; ')}; paused`;
    this.#onFailure(`${stopped}${where}.`, false, { restarted: true });
  }

  // ---- what the Engine keeps to restore runs -------------------------------------------------------

  // Notes what a restarted worker needs from the messages the page sends.
  #remember(type, payload) {
    const kinds = [TO_WORKER.CONFIGURE, TO_WORKER.POINTS, NCSN_TO_WORKER.POINTS];
    if (typeof payload.run !== 'string' || !kinds.includes(type)) return;
    let record = this.#runs.get(payload.run);
    if (!record) {
      record = {
        settings: null,
        points: null,
        ownPoints: null, // a plain run's own points (TO_WORKER.POINTS), sent with its RESTORE
        generation: -1,
        step: 0,
        playing: false,
        checkpoint: null,
        safe: null,
        saving: false,
      };
      this.#runs.set(payload.run, record);
    }
    if (type === TO_WORKER.CONFIGURE) record.settings = payload.settings;
    else if (type === TO_WORKER.POINTS) record.ownPoints = payload.points.slice();
    else record.points = payload.points?.length > 0 ? payload.points.slice() : null;
  }

  // Before a run starts training or its settings change, its latest checkpoint becomes its safe point
  // (with the settings it was trained with).
  #pinSafePoint(run) {
    const record = this.#runs.get(run);
    const checkpoint = record && currentCheckpoint(record);
    if (checkpoint) record.safe = checkpoint;
  }

  #observe(msg) {
    const record = typeof msg.run === 'string' ? this.#runs.get(msg.run) : null;
    if (!record) return;
    if (msg.type === FROM_WORKER.STATE) {
      const stopped = record.playing && !msg.playing;
      record.generation = msg.generation;
      record.step = msg.step;
      record.playing = msg.playing;
      // A stopped run, or a network the page has not saved yet (a loaded file), is saved now.
      const saved = record.checkpoint?.generation === msg.generation && record.checkpoint.step === msg.step;
      if (!saved && (stopped || (!msg.playing && msg.step > 0))) this.#checkpoint(msg.run, record);
    } else if (msg.type === FROM_WORKER.LOADED) {
      record.settings = { ...record.settings, ...msg.settings };
    }
  }

  #checkpointPlaying() {
    for (const [run, record] of this.#runs) if (record.playing) this.#checkpoint(run, record);
  }

  #checkpoint(run, record) {
    if (record.saving || !this.#ready) return;
    record.saving = true;
    const { settings } = record; // the settings that trained the network saved (a rewind offers its lr)
    this.request(TO_WORKER.SAVE, { run }).then(
      (msg) => {
        record.saving = false;
        if (msg.generation === record.generation)
          record.checkpoint = { generation: msg.generation, step: msg.step, bytes: msg.bytes, settings };
      },
      () => {
        record.saving = false;
      },
    ); // the next one will do
  }

  // ---- messages from the worker --------------------------------------------------------------------

  #dispatch(msg) {
    if (msg?.type === FROM_WORKER.PONG) {
      if (msg.seq === this.#heartbeat.seq) this.#heartbeat.waiting = false;
      this.#heartbeat.busySince = 0;
      return;
    }
    if (msg?.type === FROM_WORKER.PROGRESS) {
      // A piece of a long step is done: progress, whatever ping is outstanding.
      this.#heartbeat.waiting = false;
      this.#heartbeat.busySince = 0;
    }
    if (msg?.type === FROM_WORKER.BUSY) {
      this.#heartbeat.busySince = performance.now();
      return;
    }
    if (msg?.type === FROM_WORKER.IDLE) {
      // The ping waiting behind the job is answered next: it has DEAD_AFTER_MS from now.
      this.#heartbeat.busySince = 0;
      this.#heartbeat.sentAt = performance.now();
      return;
    }
    if (msg?.type === FROM_WORKER.READY) {
      this.#ready = true;
      const afterReady = this.#afterReady;
      this.#afterReady = null;
      afterReady?.();
      for (const [message, transfer] of this.#queued.splice(0)) this.#worker.postMessage(message, transfer);
    }
    if (msg?.type === FROM_WORKER.ERROR && msg.fatal && !this.#ready && this.#restarted) {
      // A restarted worker whose core did not load (its file could not be fetched, say): as above.
      this.#giveUp(`the restarted training worker could not start: ${msg.message}`);
      return;
    }
    if (msg?.type === FROM_WORKER.ERROR && msg.trap) {
      // A wasm trap leaves the core's memory in an unknown state: the worker closes itself.
      this.#restart(`its core failed: ${msg.message}`);
      return;
    }
    this.#observe(msg ?? {});
    let answered = false; // an ERROR that answers a request() goes to its caller, not to onFailure
    if (msg?.requestId != null && this.#pending.has(msg.requestId)) {
      const { resolve, reject } = this.#pending.get(msg.requestId);
      this.#pending.delete(msg.requestId);
      answered = true;
      if (msg.type === FROM_WORKER.ERROR) reject(new Error(msg.message));
      else resolve(msg);
    }
    if (msg?.type === FROM_WORKER.ERROR && !(answered && !msg.fatal)) this.#fail(msg.message, !!msg.fatal, msg);
    this.#deliver(msg);
  }

  #deliver(msg) {
    for (const fn of this.#listeners.get(msg?.type) ?? []) {
      try {
        fn(msg);
      } catch (err) {
        this.#fail(`The page could not handle the worker's '${msg.type}' message: ${err.message}`, false);
      }
    }
  }

  #rejectPending(message) {
    for (const { reject } of this.#pending.values()) reject(new Error(message));
    this.#pending.clear();
  }

  // The worker replaced another (restart, Try again): the heartbeat times its start; failing it gives up.
  get #restarted() {
    return this.#starts > 1;
  }

  // Stops restarting: says why, and that the checkpoints stay exportable and retry() starts anew.
  #giveUp(why) {
    this.#stopped = true;
    this.#gaveUp = true;
    this.#stopWorker();
    this.#fail(
      `${why}; the page's checkpoints of every run can still be exported, and Try again starts a new ` +
        'worker from them without a reload',
      true,
      { restarted: true, gaveUp: true },
    );
  }

  #fail(message, fatal, msg = {}) {
    if (fatal) this.#rejectPending(message);
    this.#onFailure(message, fatal, msg);
  }
}

// A run's checkpoint if it is of the run's current network (a reset or a new dataset makes it stale).
function currentCheckpoint(record) {
  return record.checkpoint?.generation === record.generation ? record.checkpoint : null;
}
