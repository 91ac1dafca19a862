// run.mjs — the experiment behind issue 18's choice for WebAssembly threads: several instances of
// one module (bench/wasm-threads/build.sh) over one shared memory, in Node worker_threads, the main
// instance's runner (env.sfw_run) handing each task to a worker instance through Atomics. Trains the
// tutorial's swiss-roll workloads at 1 and 2 threads, checks that losses and weights are the same bits,
// and prints steps/s and the ratio (wall clock, medians of alternated runs).
//
//   bench/wasm-threads/build.sh && node bench/wasm-threads/run.mjs [steps] [pairs]
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';

const WASM = new URL('../../build/bench/scorefield-simd128-threads.wasm', import.meta.url);
const PAGES = 4096; // 256 MiB, the module's fixed shared memory
const STACK = 1 << 20;
// Control words (Int32Array over their own SharedArrayBuffer): generation, fn, ctx, n, acks, quit.
const GEN = 0,
  FN = 1,
  CTX = 2,
  N = 3,
  ACKS = 4,
  QUIT = 5;

if (isMainThread) {
  const steps = Number(process.argv[2] ?? 200),
    pairs = Number(process.argv[3] ?? 3);
  const module = await WebAssembly.compile(await readFile(WASM));
  const memory = new WebAssembly.Memory({ initial: PAGES, maximum: PAGES, shared: true });
  const ctl = new Int32Array(new SharedArrayBuffer(64));
  let workers = 0;
  let exp;
  // The runner: publish the task, wake every worker, run task 0 here, wait until every worker has
  // acknowledged this generation (those with k >= n only acknowledge).
  const sfw_run = (fn, ctx, n) => {
    Atomics.store(ctl, FN, fn);
    Atomics.store(ctl, CTX, ctx);
    Atomics.store(ctl, N, n);
    Atomics.store(ctl, ACKS, 0);
    Atomics.add(ctl, GEN, 1);
    Atomics.notify(ctl, GEN);
    exp.sfw_run_task(fn, ctx, 0);
    for (let a; (a = Atomics.load(ctl, ACKS)) < workers;) Atomics.wait(ctl, ACKS, a);
  };
  const { instance } = { instance: await WebAssembly.instantiate(module, { env: { memory, sfw_run } }) };
  exp = instance.exports;
  exp._initialize();
  const THREADS = 2;
  const pool = [];
  for (let k = 1; k < THREADS; k++) {
    const stack = exp.malloc(STACK);
    const w = new Worker(new URL(import.meta.url), { workerData: { module, memory, ctl, k, stackTop: stack + STACK } });
    await new Promise((resolve) => w.once('message', resolve));
    pool.push(w);
  }
  workers = pool.length;
  if (exp.sfw_threads_init(THREADS) !== 0) throw new Error('sfw_threads_init failed');

  const run = (threads, dim, objective) => {
    const m = exp.sfw_model_create(dim, 128, 2, 42, 0, 0, 0);
    if (!m) throw new Error('model');
    if (objective >= 0 && exp.sfw_model_set_train(m, 0, objective, 128, 1, 1e-3, 0.1, 1.0, 3, 0.01, 10) !== 0)
      throw new Error('set_train');
    if (exp.sfw_model_set_threads(m, threads) !== 0) throw new Error('set_threads');
    const losses = exp.malloc(4 * steps);
    exp.sfw_model_train(m, 10, losses); // warm-up
    const t0 = performance.now();
    if (exp.sfw_model_train(m, steps, losses) !== 0) throw new Error('train');
    const ms = performance.now() - t0;
    const P = exp.sfw_model_param_count(m);
    const bytes = new Uint8Array(memory.buffer, exp.sfw_model_params(m), 4 * P);
    let h = 0x811c9dc5;
    for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
    const lossBits = new Uint32Array(memory.buffer, losses, steps).slice();
    exp.free(losses);
    exp.sfw_model_free(m);
    return { rate: (1000 * steps) / ms, hash: h, lossBits };
  };
  const med = (v) => [...v].sort((a, b) => a - b)[v.length >> 1];
  for (const [name, objective] of [
    ['W1 exact SM, swiss roll', 0],
    ['W2 sliced SM, swiss roll', 1],
  ]) {
    const ratios = [],
      r1s = [],
      r2s = [];
    for (let p = 0; p < pairs; p++) {
      const a = run(1, 2, objective),
        b = run(2, 2, objective);
      if (a.hash !== b.hash || a.lossBits.some((x, i) => x !== b.lossBits[i]))
        throw new Error(`${name}: 2 threads differ from 1 (params ${a.hash} vs ${b.hash})`);
      (r1s.push(a.rate), r2s.push(b.rate), ratios.push(b.rate / a.rate));
    }
    process.stdout.write(
      `${name}: 1 thread ${med(r1s).toFixed(0)} steps/s, 2 threads ${med(r2s).toFixed(0)} steps/s, ` +
        `speed-up ${med(ratios).toFixed(2)}x (median of ${pairs} pairs), same bits\n`,
    );
  }
  Atomics.store(ctl, QUIT, 1);
  Atomics.add(ctl, GEN, 1);
  Atomics.notify(ctl, GEN);
  for (const w of pool) await w.terminate();
} else {
  const { module, memory, ctl, k, stackTop } = workerData;
  const noNested = () => {
    throw new Error('a worker instance does not run tasks of its own');
  };
  const instance = await WebAssembly.instantiate(module, { env: { memory, sfw_run: noNested } });
  const exp = instance.exports;
  exp.stackRestore(stackTop & ~15); // its own stack; no _initialize: the memory is already set up
  let gen = Atomics.load(ctl, GEN);
  parentPort.postMessage('ready');
  for (;;) {
    Atomics.wait(ctl, GEN, gen);
    gen = Atomics.load(ctl, GEN);
    if (Atomics.load(ctl, QUIT)) break;
    if (k < Atomics.load(ctl, N)) exp.sfw_run_task(Atomics.load(ctl, FN), Atomics.load(ctl, CTX), k);
    Atomics.add(ctl, ACKS, 1);
    Atomics.notify(ctl, ACKS);
  }
}
