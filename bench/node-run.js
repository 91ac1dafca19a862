// node-run.js — one bench wasm module in this Node process: prints the suite's result as JSON.
//   node bench/node-run.js <simd128|scalar> [--quick] [--no-gemm] [--only W1,W3] [--dir build/bench]
//                          [--cpu-clock]   time with the process's CPU time (see suite.js)
import { readFile } from 'node:fs/promises';
import { instantiate, runSuite } from './suite.js';

const args = process.argv.slice(2);
const isa = args[0];
if (isa !== 'simd128' && isa !== 'scalar') {
  console.error(
    'usage: node bench/node-run.js <simd128|scalar> [--quick] [--no-gemm] [--only W1,W3] [--dir DIR] [--cpu-clock]',
  );
  process.exit(2);
}
const opt = (name) => {
  const i = args.indexOf(name);
  return i > 0 ? args[i + 1] : undefined;
};
const dir = opt('--dir') ?? new URL('../build/bench/', import.meta.url).pathname;
const cpuClock = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e3;
};
const exports = await instantiate(
  await readFile(`${dir}/bench-${isa}.wasm`),
  args.includes('--cpu-clock') ? cpuClock : undefined,
);
const result = runSuite(exports, {
  isa,
  quick: args.includes('--quick'),
  gemm: !args.includes('--no-gemm') && !args.includes('--cpu-clock'), // per-call CPU time is too coarse
  only: opt('--only')?.split(',') ?? null,
  log: (s) => process.stderr.write(`  ${s}\n`),
});
result.engine = `Node ${process.versions.node} (V8 ${process.versions.v8})`;
console.log(JSON.stringify(result));
