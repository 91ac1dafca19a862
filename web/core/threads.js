// threads.js — the helper threads of a threaded Scorefield instance (loader.js, threads > 1): T − 1
// instances of scorefield-simd128-threads.wasm over the calling instance's shared memory, one per Node
// worker_thread or Web Worker, and the runner (the module's import env.sfw_run) that hands them a
// call's tasks through the control block of threads-protocol.js. The calling thread runs task 0
// itself and blocks (Atomics.wait) until every helper has acknowledged, so the core sees an ordinary
// "run n tasks and return" (sf_set_runner). Which thread runs a task never changes a result.
import { CTL, waitChange } from './threads-protocol.js';

const IS_NODE = typeof process !== 'undefined' && !!process.versions?.node;
const STACK_BYTES = 1 << 20; // each helper's stack, like the calling thread's (-sTOTAL_STACK=1MB)
const READY_MS = 30000; // a helper that has not started by then is taken for dead

let live = 0; // helper threads alive in this process or worker, over every instance

/** The helper threads alive now, over every instance (0 once every threaded instance is disposed). */
export function liveHelperThreads() {
  return live;
}

/**
 * Why this engine cannot run threads ('' when it can): no SharedArrayBuffer (a page that is not
 * cross-origin isolated), or a thread that may not block (a page's main thread).
 * @returns {string}
 */
export function threadsUnavailable() {
  if (typeof SharedArrayBuffer === 'undefined' || globalThis.crossOriginIsolated === false)
    return 'the page is not cross-origin isolated';
  if (!IS_NODE && typeof WorkerGlobalScope === 'undefined')
    return "a page's main thread may not block: run Scorefield in a worker";
  return '';
}

/** The hardware's thread count (navigator.hardwareConcurrency, or Node's os.availableParallelism). */
export async function hardwareThreads() {
  if (IS_NODE) return (await import('node:os')).availableParallelism();
  return Math.max(1, navigator.hardwareConcurrency || 1);
}

/**
 * The runner of a threaded instance before its helpers start: `run` is the module's env.sfw_run;
 * `start(exports, threads)` then starts threads − 1 helpers (it needs the instance's malloc for their
 * stacks) and `stop()` ends them.
 * @param {WebAssembly.Module} module @param {WebAssembly.Memory} memory
 */
export function createRunner(module, memory) {
  const ctl = new SharedArrayBuffer(CTL.LENGTH * 4);
  const c = new Int32Array(ctl);
  /** @type {any[]} */
  let workers = [];
  /** @type {number[]} */
  let stacks = [];
  let exports = null;
  let helpers = 0;
  let calls = 0; // the calls that ran tasks on helper threads (tests check the threads were used)

  const run = (fn, ctx, n) => {
    if (n > 1 && helpers > 0) calls++;
    Atomics.store(c, CTL.FN, fn);
    Atomics.store(c, CTL.CTX, ctx);
    Atomics.store(c, CTL.N, n);
    Atomics.store(c, CTL.ACKS, 0);
    Atomics.add(c, CTL.GEN, 1);
    Atomics.notify(c, CTL.GEN);
    let failure = null;
    try {
      exports.sfw_run_task(fn, ctx, 0);
      for (let k = helpers + 1; k < n; k++) exports.sfw_run_task(fn, ctx, k); // never, while the core keeps n <= threads
    } catch (err) {
      failure = err;
    }
    for (let a; (a = Atomics.load(c, CTL.ACKS)) < helpers;) waitChange(c, CTL.ACKS, a);
    if (failure) throw failure;
    if (Atomics.load(c, CTL.FAILED)) throw new Error('scorefield: a helper thread failed in a task');
  };

  const spawn = async () => {
    const url = new URL('./thread-worker.js', import.meta.url);
    if (IS_NODE) {
      const { Worker } = await import('node:worker_threads');
      const w = new Worker(url);
      live++;
      w.once('exit', () => live--);
      return {
        post: (m) => w.postMessage(m),
        on: (f) => {
          w.on('message', f);
          w.unref(); // a process that forgets dispose() still exits (after the listener, which refs it)
        },
        onError: (f) => w.on('error', f),
        terminate: () => w.terminate(),
      };
    }
    const w = new Worker(url, { type: 'module' });
    live++;
    return {
      post: (m) => w.postMessage(m),
      on: (f) => w.addEventListener('message', (e) => f(e.data)),
      onError: (f) => w.addEventListener('error', (e) => f(new Error(e.message || 'worker error'))),
      terminate: () => {
        w.terminate();
        live--;
      },
    };
  };

  const stop = async () => {
    Atomics.store(c, CTL.QUIT, 1);
    Atomics.add(c, CTL.GEN, 1);
    Atomics.notify(c, CTL.GEN);
    const ws = workers;
    workers = [];
    helpers = 0;
    await Promise.all(ws.map((w) => w.terminate()));
    if (exports) for (const p of stacks) exports.free(p);
    stacks = [];
  };

  const start = async (exp, threads) => {
    exports = exp;
    try {
      for (let k = 1; k < threads; k++) {
        const stack = exp.malloc(STACK_BYTES);
        if (stack === 0) throw new Error('scorefield: out of memory for a helper thread stack');
        stacks.push(stack);
        const w = await spawn();
        workers.push(w);
        await new Promise((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('scorefield: a helper thread did not start')), READY_MS);
          w.on((m) => {
            if (m?.ready || m?.error) clearTimeout(timer);
            if (m?.ready) resolve(undefined);
            else if (m?.error) reject(new Error(`scorefield: a helper thread failed to start: ${m.error}`));
          });
          w.onError((err) => {
            clearTimeout(timer);
            reject(err);
          });
          w.post({ module, memory, ctl, k, stackTop: stack + STACK_BYTES });
        });
      }
    } catch (err) {
      await stop();
      throw err;
    }
    helpers = threads - 1;
  };

  return { run, start, stop, calls: () => calls };
}
