// gemm-shapes.js — the layer products of the workloads, one shape at a time, in one bench module:
// GFLOP/s per shape (the median and the best of 7 timed batches after a warm-up; on a busy machine
// the best is the better guide), for work on the kernels.
//   node bench/gemm-shapes.js [simd128|scalar] [--dir build/bench]
import { benchModule } from './module.js';

const { exports: ex, isaId: ISA } = await benchModule(process.argv.slice(2));

// [M, N, K, transposed A, accumulate]: forward (bias), input adjoint, weight gradient (transposed A,
// accumulating) of W1-W3 (R = 256 or 384 stack rows), and the sampler's M = 1 and M = 1024.
const SHAPES = [
  [256, 128, 2, 0, 0],
  [256, 128, 128, 0, 0],
  [256, 2, 128, 0, 0],
  [384, 2, 128, 0, 0],
  [384, 128, 128, 0, 0],
  [128, 128, 384, 1, 1],
  [128, 2, 384, 1, 1],
  [2, 128, 384, 1, 1],
  [128, 128, 64, 0, 0],
  [256, 64, 128, 0, 0],
  [256, 128, 64, 0, 0],
  [128, 64, 256, 1, 1],
  [128, 128, 256, 1, 1],
  [64, 128, 256, 1, 1],
  [1, 128, 64, 0, 0],
  [1, 128, 128, 0, 0],
  [1, 64, 128, 0, 0],
  [1024, 128, 128, 0, 0],
];
const rows = [];
for (const [M, N, K, t, acc] of SHAPES) {
  const calls = Math.max(1, Math.round(4e7 / (2 * M * N * K)));
  for (let w = 0; w < 3; w++) ex.bench_gemm(ISA, M, N, K, t, acc, calls);
  const runs = Array.from({ length: 7 }, () => ex.bench_gemm(ISA, M, N, K, t, acc, calls)).sort((a, b) => a - b);
  rows.push(
    `${`${M}x${N}x${K}${t ? '-T' : ''}`.padEnd(16)} ${runs[3].toFixed(2).padStart(7)} GFLOP/s (best ${runs[6].toFixed(2)})`,
  );
}
console.log(rows.join('\n'));
