// module.js — what the kernel scripts (elementwise.js, gemm-shapes.js) share: their command line
// `[simd128|scalar] [--dir build/bench]` and the bench wasm module it names, instantiated (Node only;
// suite.js, which also runs in a browser worker, does the instantiating).
import { readFile } from 'node:fs/promises';
import { ISA_IDS, instantiate } from './suite.js';

/** { exports, isaId } of the bench module the arguments name (default simd128 from build/bench/). */
export async function benchModule(args) {
  const isa = args[0] ?? 'simd128';
  if (!Object.hasOwn(ISA_IDS, isa)) throw new Error(`unknown build '${isa}' (simd128 or scalar)`);
  const i = args.indexOf('--dir');
  const dir = i >= 0 ? args[i + 1] : new URL('../build/bench/', import.meta.url).pathname;
  return { exports: await instantiate(await readFile(`${dir}/bench-${isa}.wasm`)), isaId: ISA_IDS[isa] };
}
