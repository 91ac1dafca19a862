// soak.mjs — long-run memory check of the engine behind the page and the Node API: a million training
// steps on one model, then a thousand create/train/save/load/dispose cycles, watching the wasm heap's
// live bytes, the wasm memory's size and the JS heap. Fails (exit 1) when any grows past its bound:
//   wasm live bytes   exactly constant while training (training allocates nothing), and back to the
//                     baseline after every cycle;
//   wasm memory       no growth after the first cycle (memory only grows, so growth would be a leak);
//   JS heap           at most JS_HEAP_BOUND_MB above its level after warm-up, once garbage is collected.
//
//   node --expose-gc tools/soak.mjs [steps] [cycles] [hidden]     (defaults 1000000 1000 128)
import { createScorefield } from '../web/core/scorefield.js';

const JS_HEAP_BOUND_MB = 8; // room for V8's own caches and code; a per-step or per-cycle leak of even
// 8 bytes would exceed it over a million steps
const CHUNK = 1000; // steps per train() call: the page trains in chunks like this
const MB = 2 ** 20;
const PROGRESS_STEPS = 100 * CHUNK; // a progress line (and a JS heap reading) this often while training
const PROGRESS_CYCLES = 100; // … and this often across cycles

const [steps = 1e6, cycles = 1000, hidden = 128] = process.argv.slice(2).map(Number);
if (![steps, cycles, hidden].every((v) => Number.isInteger(v) && v > 0)) {
  console.error('usage: node --expose-gc tools/soak.mjs [steps] [cycles] [hidden]');
  process.exit(2);
}
const gc = globalThis.gc ?? (() => {});
if (!globalThis.gc) console.warn('soak: run with --expose-gc for a meaningful JS heap figure');
const jsHeap = () => (gc(), process.memoryUsage().heapUsed);

const sf = await createScorefield();
const failures = [];
const t0 = performance.now();
// A line per stretch of work, with the time so far, so a long run shows it is alive and how fast it goes.
const progress = (text) => console.log(`  ${((performance.now() - t0) / 1000).toFixed(0)} s  ${text}`);

// Phase 1: one model, `steps` training steps.
const model = sf.createModel({ dim: 2, hidden });
model.configureTraining({ objective: 'sliced' });
model.train(CHUNK); // warm-up
const live0 = sf.heapUsed(),
  mem0 = sf.memory.buffer.byteLength,
  js0 = jsHeap();
let jsMax = js0,
  liveChanged = 0;
for (let done = CHUNK; done < steps; done += CHUNK) {
  model.train(Math.min(CHUNK, steps - done));
  if (sf.heapUsed() !== live0) liveChanged++;
  if (done % PROGRESS_STEPS === 0) {
    jsMax = Math.max(jsMax, jsHeap());
    progress(
      `training: step ${done}, wasm live bytes ${sf.heapUsed()}, memory ${sf.memory.buffer.byteLength / MB} MB, ` +
        `JS heap ${(jsHeap() / MB).toFixed(1)} MB`,
    );
  }
}
jsMax = Math.max(jsMax, jsHeap());
const tTrain = (performance.now() - t0) / 1000;
console.log(
  `training: ${model.stepCount} steps (H ${hidden}) in ${tTrain.toFixed(0)} s; wasm live bytes ` +
    `${live0} → ${sf.heapUsed()}, memory ${mem0 / MB} MB → ${sf.memory.buffer.byteLength / MB} MB, ` +
    `JS heap ${(js0 / MB).toFixed(1)} MB → max ${(jsMax / MB).toFixed(1)} MB`,
);
if (liveChanged) failures.push(`wasm live bytes changed during ${liveChanged} training chunks`);
if (sf.memory.buffer.byteLength !== mem0) failures.push('wasm memory grew while training');
if (jsMax - js0 > JS_HEAP_BOUND_MB * MB)
  failures.push(`JS heap grew ${((jsMax - js0) / MB).toFixed(1)} MB while training`);
model.dispose();

// Phase 2: `cycles` times a model's whole life.
const base = sf.heapUsed();
let memAfterFirst = 0,
  js1 = 0,
  jsMax2 = 0,
  notBack = 0;
for (let i = 0; i < cycles; i++) {
  const m = sf.createModel({ dim: 2, hidden, seed: i });
  m.train(10);
  m.scoreGrid({ xmin: -1.5, xmax: 2, ymin: -1.5, ymax: 2, nx: 50, ny: 50 });
  const copy = sf.loadModel(m.save());
  copy.langevin({ start: new Float32Array([-1.5, -1.5, 0, 0, 1.5, 0]), keepAll: true });
  copy.dispose();
  m.dispose();
  if (sf.heapUsed() !== base) notBack++;
  if (i === 0) ((memAfterFirst = sf.memory.buffer.byteLength), (js1 = jsHeap()));
  if (i % PROGRESS_CYCLES === PROGRESS_CYCLES - 1) {
    jsMax2 = Math.max(jsMax2, jsHeap());
    progress(
      `cycles: ${i + 1}, wasm live bytes ${sf.heapUsed()}, memory ${sf.memory.buffer.byteLength / MB} MB, ` +
        `JS heap ${(jsHeap() / MB).toFixed(1)} MB`,
    );
  }
}
jsMax2 = Math.max(jsMax2, js1, jsHeap());
console.log(
  `cycles: ${cycles} create/train/score/save/load/sample/dispose; wasm live bytes back to ` +
    `${base} after ${cycles - notBack} of ${cycles}, memory ${memAfterFirst / MB} MB → ` +
    `${sf.memory.buffer.byteLength / MB} MB, JS heap ${(js1 / MB).toFixed(1)} MB → max ${(jsMax2 / MB).toFixed(1)} MB`,
);
if (notBack) failures.push(`the wasm heap was not back to its baseline after ${notBack} cycles`);
if (sf.memory.buffer.byteLength !== memAfterFirst) failures.push('wasm memory grew across cycles');
if (jsMax2 - js1 > JS_HEAP_BOUND_MB * MB)
  failures.push(`JS heap grew ${((jsMax2 - js1) / MB).toFixed(1)} MB across cycles`);

console.log(`soak: ${failures.length ? 'FAILED' : 'ok'} in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
for (const f of failures) console.log(`  ${f}`);
process.exit(failures.length ? 1 : 0);
