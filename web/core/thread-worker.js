// thread-worker.js — one helper thread of a threaded Scorefield instance (web/core/threads.js): a Node
// worker_thread or a Web Worker (created from inside the page's worker). It gets the compiled threaded
// module, the shared memory, the control block and the top of its own stack in one message,
// instantiates the module over that memory (no _initialize: the calling thread's instance has set the
// memory up), answers 'ready', then runs task k of each call the runner publishes until told to quit.
// No numerics here: the tasks are the core's (sfw_run_task), this file only waits and acknowledges.
import { CTL, taskLoop } from './threads-protocol.js';

const IS_NODE = typeof process !== 'undefined' && !!process.versions?.node;

/** @param {(data: any) => void} post @param {any} data */
async function start(post, data) {
  const { module, memory, ctl, k, stackTop } = data;
  const control = new Int32Array(ctl);
  try {
    const instance = await WebAssembly.instantiate(/** @type {WebAssembly.Module} */ (module), {
      env: {
        memory,
        emscripten_notify_memory_growth: () => {},
        sfw_run: () => {
          throw new Error('scorefield: a helper thread does not run tasks of its own');
        },
      },
    });
    const exp = /** @type {Record<string, (...args: number[]) => number>} */ (
      /** @type {unknown} */ (instance.exports)
    );
    exp.stackRestore(stackTop & ~15); // its own stack, below which it never writes into another's
    const gen = Atomics.load(control, CTL.GEN);
    post({ ready: true });
    taskLoop(control, k, gen, (fn, ctx) => exp.sfw_run_task(fn, ctx, k));
  } catch (err) {
    Atomics.store(control, CTL.FAILED, 1);
    post({ error: String(err?.message ?? err) });
  }
  post({ done: true });
}

if (IS_NODE) {
  const { parentPort } = await import('node:worker_threads');
  parentPort.once('message', (data) => start((m) => parentPort.postMessage(m), data));
} else {
  self.addEventListener('message', (e) => start((m) => self.postMessage(m), e.data), { once: true });
}
