// gen_corpus.mjs — writes the fuzzer's seed corpus: valid weights files of several shapes (the
// fuzzer's model is D 2, H 8, depth 1; the others reach sf_model_from_weights' paths), each prefixed
// with the harness's mode byte (odd: reseal the checksums after mutating), plus a plain net's file
// relabelled version 1, which the reader still accepts. Run from the repository root after
// ./build-wasm.sh:  node tests/fuzz/gen_corpus.mjs
import { mkdir, writeFile } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { createScorefield } from '../../web/core/scorefield.js';

const dir = new URL('./corpus/', import.meta.url);
await mkdir(dir, { recursive: true });
const sf = await createScorefield();
const shapes = [
  { name: 'plain-2x8x1', net: { dim: 2, hidden: 8, depth: 1, seed: 7 }, train: {}, steps: 3 },
  { name: 'ncsn-2x8x1', net: { dim: 2, hidden: 8, depth: 1, noiseConditional: true }, train: { dataset: 'mixture' }, steps: 2 },
  { name: 'points-2x8x1', net: { dim: 2, hidden: 8, depth: 1 }, points: [0, 0, 0.5, 0.5, -0.5, 1], train: { dataset: 'points', objective: 'exact' }, steps: 1 },
  { name: 'none-3x4x2', net: { dim: 3, hidden: 4, depth: 2 }, steps: 0 },
  { name: 'class-2x8x1', net: { dim: 2, hidden: 8, depth: 1, noiseConditional: true, classes: 2 }, train: { dataset: 'moons' }, steps: 2 },
];
for (const s of shapes) {
  const model = sf.createModel(s.net);
  if (s.points) model.setPoints(new Float32Array(s.points));
  if (s.train) model.configureTraining(s.train);
  if (s.steps) model.train(s.steps);
  const file = model.save();
  for (const mode of [0, 1]) await writeFile(new URL(`${s.name}-${mode}`, dir), Buffer.concat([Buffer.from([mode]), file]));
  if (s.name.startsWith('plain')) {
    const v1 = Buffer.from(file); // version 1 at byte 8; the header's CRC-32 (bytes 0..119) at 120
    v1.writeUInt32LE(1, 8);
    v1.writeUInt32LE(crc32(v1.subarray(0, 120)), 120);
    await writeFile(new URL(`${s.name}-v1-0`, dir), Buffer.concat([Buffer.from([0]), v1]));
  }
  model.dispose();
}
console.log(`wrote ${2 * shapes.length + 1} seeds to ${dir.pathname}`);
