// threads-suite.js — the threaded wasm module against one thread, through the public API
// (createScorefield({ threads })), the same code in Node (bench/threads.mjs) and in a browser Worker
// (bench/threads-worker.js): the tutorial's workloads trained (or sampled) at 1 and 2 threads,
// alternated `pairs` times; each row's speed-up is the median of the pairs' ratios (wall clock), and
// the losses and weights of both are checked to be the same bits.

// As bench.c's: W1 exact SM and W2 sliced SM on the swiss roll (D = 2), W3 sliced SM on the digits
// (D = 64), W4 Langevin on the digits net (50 steps) with 1024 chains and with one.
export const WORKLOADS = [
  { name: 'W1 exact SM, swiss roll', dim: 2, train: { objective: 'exact' }, steps: 2000 },
  { name: 'W2 sliced SM, swiss roll', dim: 2, train: { objective: 'sliced' }, steps: 2000 },
  { name: 'W3 sliced SM, digits', dim: 64, train: { objective: 'sliced', dataset: 'digits' }, steps: 1000 },
  { name: 'W4 Langevin, digits, 1024 chains', dim: 64, chains: 1024, steps: 50, repeat: 4 },
  { name: 'W4 Langevin, digits, 1 chain', dim: 64, chains: 1, steps: 50, repeat: 2000 },
];

function fnv(bytes) {
  let h = 0x811c9dc5;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h.toString(16);
}

// One timed run of a workload on sf: { perS, hash }.
function run(sf, w) {
  const model = sf.createModel({ dim: w.dim });
  try {
    if (w.train) {
      model.configureTraining(w.train);
      model.train(20); // warm-up, outside the clock
      const t0 = performance.now();
      const losses = model.train(w.steps);
      const ms = performance.now() - t0;
      return { perS: (1000 * w.steps) / ms, hash: fnv(new Uint8Array(losses.buffer)) + fnv(model.save()) };
    }
    const start = sf.uniform(w.chains * w.dim, 0, 0.1, 1);
    const settings = { start, steps: w.steps, eps: 0.05, decay: 0.98, temperature: 0.02, seed: 3 };
    let last = model.langevin(settings);
    const t0 = performance.now();
    for (let r = 0; r < w.repeat; r++) last = model.langevin(settings);
    const ms = performance.now() - t0;
    return { perS: (1000 * w.steps * w.repeat) / ms, hash: fnv(new Uint8Array(last.buffer)) };
  } finally {
    model.dispose();
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Runs every workload `pairs` times at 1 and 2 threads on the scorefields one and two; log(row) after
 * each. Returns the rows { name, one, two, speedup } (one, two: per second, medians).
 */
export function benchThreads(one, two, { pairs = 3, log = () => {} } = {}) {
  const rows = [];
  for (const w of WORKLOADS) {
    const r1 = [],
      r2 = [],
      ratios = [];
    for (let p = 0; p < pairs; p++) {
      const a = run(one, w),
        b = run(two, w);
      if (a.hash !== b.hash) throw new Error(`${w.name}: 1 and 2 threads differ (${a.hash} vs ${b.hash})`);
      r1.push(a.perS);
      r2.push(b.perS);
      ratios.push(b.perS / a.perS);
    }
    const row = { name: w.name, one: median(r1), two: median(r2), speedup: median(ratios) };
    rows.push(row);
    log(row);
  }
  return rows;
}
