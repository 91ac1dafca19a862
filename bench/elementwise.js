// elementwise.js — ns per element of the elementwise kernels (softplus + sigmoid, mul, Adam) in one
// bench module, on 16384 elements (one 128 × 128 block), for work on the kernels.
//   node bench/elementwise.js [simd128|scalar] [--dir build/bench]
import { readFile } from 'node:fs/promises';
import { instantiate } from './suite.js';

const args = process.argv.slice(2);
const isa = args[0] ?? 'simd128';
const i = args.indexOf('--dir');
const dir = i >= 0 ? args[i + 1] : new URL('../build/bench/', import.meta.url).pathname;
const ex = await instantiate(await readFile(`${dir}/bench-${isa}.wasm`));
const ISA = { scalar: 1, simd128: 2 }[isa];
const NAMES = ['softplus_sigmoid', 'mul', 'adam'];
NAMES.forEach((name, which) => {
  for (let w = 0; w < 3; w++) ex.bench_elementwise(ISA, which, 16384, 50);
  const runs = Array.from({ length: 7 }, () => ex.bench_elementwise(ISA, which, 16384, 200)).sort((a, b) => a - b);
  console.log(`${name.padEnd(18)} ${runs[3].toFixed(3).padStart(7)} ns/element`);
});
