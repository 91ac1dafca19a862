// elementwise.js — ns per element of the elementwise kernels (softplus + sigmoid, mul, Adam) in one
// bench module, on 16384 elements (one 128 × 128 block), for work on the kernels.
//   node bench/elementwise.js [simd128|scalar] [--dir build/bench]
import { benchModule } from './module.js';

const { exports: ex, isaId: ISA } = await benchModule(process.argv.slice(2));
const NAMES = ['softplus_sigmoid', 'mul', 'adam'];
NAMES.forEach((name, which) => {
  for (let w = 0; w < 3; w++) ex.bench_elementwise(ISA, which, 16384, 50);
  const runs = Array.from({ length: 7 }, () => ex.bench_elementwise(ISA, which, 16384, 200)).sort((a, b) => a - b);
  console.log(`${name.padEnd(18)} ${runs[3].toFixed(3).padStart(7)} ns/element`);
});
