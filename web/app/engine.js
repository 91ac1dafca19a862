// engine.js — the page's side of the training worker: starts it, sends it messages, and hands each
// reply to the listeners registered for its type. Every way the worker can fail — an ERROR message,
// a script that does not load, a message that cannot be decoded, a core that does not answer — ends
// in one onFailure(message, fatal) call, so nothing fails silently.
//
// It knows the message names (web/worker/protocol.js) but not what they mean to the page; runs and
// views (run.js, main.js) decide what to send and what to do with the answers.

import { FROM_WORKER, TO_WORKER } from '../worker/protocol.js';

// If the worker has not said READY by then, something is wrong (a stalled fetch of the wasm file,
// an engine that never compiles it): say so rather than wait forever.
const READY_TIMEOUT_MS = 20000; // ms

export class Engine {
  #worker;
  #listeners = new Map(); // message type → Set of functions
  #onFailure;
  #nextRequestId = 1;
  #pending = new Map(); // requestId → { resolve, reject }

  /**
   * Starts the worker and asks it to load the core; simd: true | false | undefined (auto); digits:
   * 'eager' (default) or 'lazy' (the digits table is fetched only when a digits run needs it).
   */
  constructor({ simd, onFailure, digits = 'eager' }) {
    this.#onFailure = onFailure;
    this.ready = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the training worker did not start within ${READY_TIMEOUT_MS / 1000} s`)), READY_TIMEOUT_MS);
      this.on(FROM_WORKER.READY, (msg) => { clearTimeout(timer); resolve(msg); });
      this.on(FROM_WORKER.ERROR, (msg) => { if (msg.fatal) { clearTimeout(timer); reject(new Error(msg.message)); } });
    });
    this.ready.catch(() => {}); // the page awaits it; this keeps an early failure from going unhandled
    this.#worker = new Worker(new URL('../worker/worker.js', import.meta.url), { type: 'module' });
    this.#worker.addEventListener('message', (event) => this.#dispatch(event.data));
    // A worker script that fails to load or throws outside a handler arrives here, not as a message.
    this.#worker.addEventListener('error', (event) => {
      event.preventDefault();
      this.#fail(`The training worker stopped: ${event.message || 'its script could not be loaded'}.`, true);
    });
    this.#worker.addEventListener('messageerror', () => this.#fail('A message from the training worker could not be read.', false));
    this.send(TO_WORKER.INIT, { simd, digits });
  }

  /** Registers fn for worker messages of a type (FROM_WORKER); returns a function that removes it. */
  on(type, fn) {
    if (!this.#listeners.has(type)) this.#listeners.set(type, new Set());
    this.#listeners.get(type).add(fn);
    return () => this.#listeners.get(type).delete(fn);
  }

  /** Posts { type, ...payload } to the worker, transferring the listed buffers. */
  send(type, payload = {}, transfer = []) {
    this.#worker.postMessage({ type, ...payload }, transfer);
  }

  /**
   * Sends a message that the worker answers with a message carrying the same requestId (DATA,
   * MEASURE, SAVE, LOAD); resolves with the first answer, or rejects with an ERROR's message (which
   * then is the caller's to show: onFailure does not hear it). Further answers (one per MEASURE
   * cell) reach on().
   */
  request(type, payload = {}) {
    const requestId = this.#nextRequestId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(requestId, { resolve, reject });
      this.send(type, { ...payload, requestId });
    });
  }

  /**
   * Stops the worker and frees everything it held (a widget removed from its page); requests still
   * waiting are rejected, and nothing more is sent or received.
   */
  terminate() {
    this.#worker.terminate();
    for (const { reject } of this.#pending.values()) reject(new Error('the training worker was stopped'));
    this.#pending.clear();
    this.#listeners.clear();
  }

  /** A requestId for messages whose answers the caller follows through on(). */
  newRequestId() {
    return this.#nextRequestId++;
  }

  #dispatch(msg) {
    let answered = false; // an ERROR that answers a request() goes to its caller, not to onFailure
    if (msg?.requestId != null && this.#pending.has(msg.requestId)) {
      const { resolve, reject } = this.#pending.get(msg.requestId);
      this.#pending.delete(msg.requestId);
      answered = true;
      if (msg.type === FROM_WORKER.ERROR) reject(new Error(msg.message));
      else resolve(msg);
    }
    if (msg?.type === FROM_WORKER.ERROR && !(answered && !msg.fatal)) this.#fail(msg.message, !!msg.fatal, msg);
    for (const fn of this.#listeners.get(msg?.type) ?? []) {
      try {
        fn(msg);
      } catch (err) {
        this.#fail(`The page could not handle the worker's '${msg.type}' message: ${err.message}`, false);
      }
    }
  }

  #fail(message, fatal, msg = {}) {
    for (const { reject } of this.#pending.values()) if (fatal) reject(new Error(message));
    if (fatal) this.#pending.clear();
    this.#onFailure(message, fatal, msg);
  }
}
