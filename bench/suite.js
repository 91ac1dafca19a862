// suite.js — runs bench.c's workloads in one bench wasm module, the same way in Node and in a
// browser Worker, and returns the results in the shape bench/bench_native.c prints.
//
// The module is compiled from the library plus bench/bench.c by bench/build.sh; it imports the clock
// (env.bench_now = performance.now) and the memory-growth notification. Timing happens inside the
// module (see bench.c), so this file only instantiates, calls and reads the result array.

// Keep in sync with bench/bench.h (the workload and field enums).
export const WORKLOADS = ['W1', 'W2', 'W3', 'W4a', 'W4b'];
export const FIELDS = [
  'stepsPerS',
  'msPerStep',
  'flops',
  'gflops',
  'hash',
  'segments',
  'units',
  'gemmShare',
  'gemmGflops',
  'gemmFlops',
];
const PEAK_ITERS = 20000000,
  PEAK_WARMUP = 3,
  PEAK_RUNS = 5; // keep in sync with bench_native.c
export const ISA_IDS = { scalar: 1, simd128: 2 }; // sf_isa in src/scorefield.h

// clock: () => milliseconds; performance.now by default. bench/node-run.js --cpu-clock passes the
// process's CPU time instead, which a busy machine's preemptions do not inflate (a development aid
// for comparing builds; the tables use wall-clock time).
export async function instantiate(bytes, clock = () => performance.now()) {
  const module = await WebAssembly.compile(bytes);
  const env = {
    bench_now: clock,
    emscripten_notify_memory_growth: () => {},
  };
  const { exports } = await WebAssembly.instantiate(module, { env });
  exports._initialize();
  return exports;
}

// isa: 'simd128' | 'scalar' (the kernel set; the scalar module has only the scalar one).
// only: workload names or prefixes ('W4' = W4a and W4b); quick: a fifth of the steps; gemm: the
// GEMM-timed second pass (needs a fine-grained clock: Node, not a page without cross-origin isolation).
export function runSuite(exports, { isa, only = null, quick = false, gemm = true, peak = true, log = () => {} }) {
  const result = { isa, peakGflops: -1, workloads: {} };
  if (peak && isa === 'simd128') {
    // As bench_native.c: per loop 3 short warm-up runs (V8 tiers the loop up meanwhile), then the
    // best of 5 runs (a peak: anything else on the machine can only slow a run down); the peak is
    // the faster loop.
    const rates = [0, 1].map((loop) => {
      for (let k = 0; k < PEAK_WARMUP; k++) exports.bench_peak_gflops(loop, PEAK_ITERS / 10, 0.999, 1e-3, 0.01);
      const runs = Array.from({ length: PEAK_RUNS }, () =>
        exports.bench_peak_gflops(loop, PEAK_ITERS, 0.999, 1e-3, 0.01),
      );
      return Math.max(...runs);
    });
    [result.peakChained, result.peakSplit] = rates;
    result.peakGflops = Math.max(...rates);
    log(`peak ${result.peakGflops.toFixed(2)} GFLOP/s (chained ${rates[0].toFixed(2)}, split ${rates[1].toFixed(2)})`);
  }
  WORKLOADS.forEach((name, w) => {
    if (only && !only.some((p) => name.startsWith(p))) return;
    const status = exports.bench_run(w, ISA_IDS[isa], quick ? 1 : 0, gemm ? 1 : 0);
    const r = new Float64Array(exports.memory.buffer, exports.bench_results() + 8 * w * FIELDS.length, FIELDS.length);
    const o = { status };
    FIELDS.forEach((f, i) => {
      o[f] = r[i];
    });
    const shapes = new Float64Array(exports.memory.buffer, exports.bench_shapes(), 7 * exports.bench_shape_count());
    o.shapes = [];
    for (let i = 0; i < shapes.length; i += 7) {
      const [M, N, K, trans, calls, ms, flops] = shapes.subarray(i, i + 7);
      o.shapes.push({ M, N, K, trans, calls, ms, gflops: (flops / ms) * 1e-6 });
    }
    result.workloads[name] = o;
    log(
      `${name} ${isa}: ${o.stepsPerS.toFixed(1)} steps/s` +
        (o.gemmShare >= 0 ? `, GEMM ${(100 * o.gemmShare).toFixed(0)}% at ${o.gemmGflops.toFixed(2)} GFLOP/s` : ''),
    );
  });
  return result;
}
