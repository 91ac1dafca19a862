#!/usr/bin/env node
// pretrained-digits.mjs — makes the pretrained digits model the page and widget load at once:
// web/core/scorefield-digits-model.sfw, a class-conditional noise-conditional net (10 classes plus the
// null token, so it samples any digit, or one digit with guidance) trained on the 8×8 digits.
//
// Deterministic: the library's training is the same bits on every build and ISA, so the same command
// writes the same bytes; tests/node/digits.test.js checks the shipped file's SHA-256 and regenerates a
// short version. Settings (and why) are in docs/digits.md; measure the result with
//   node tools/scorefield.mjs digits-report --weights web/core/scorefield-digits-model.sfw --guidance 3
//
//   node tools/pretrained-digits.mjs [--steps N] [--out FILE]
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { createScorefield } from '../web/core/scorefield.js';

export const PRETRAINED = {
  net: { dim: 64, hidden: 128, depth: 2, seed: 1, noiseConditional: true, classes: 10 },
  train: { dataset: 'digits', objective: 'ncsn', lr: 2e-3, batch: 128 },
  steps: 4000,
};
const OUT = fileURLToPath(new URL('../web/core/scorefield-digits-model.sfw', import.meta.url));

/**
 * The weights file of the pretrained model after `steps` training steps (a Uint8Array); options go to
 * createScorefield ({ simd: false } trains on the scalar module: the same bytes).
 */
export async function pretrainedDigits(steps = PRETRAINED.steps, options = {}) {
  const sf = await createScorefield(options);
  const model = sf.createModel(PRETRAINED.net);
  try {
    model.configureTraining(PRETRAINED.train);
    model.train(steps);
    return model.save();
  } finally {
    model.dispose();
  }
}

export const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

async function main(argv) {
  let steps = PRETRAINED.steps,
    out = OUT;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--steps' && Number.isInteger(Number(argv[i + 1])) && Number(argv[i + 1]) >= 0)
      steps = Number(argv[++i]);
    else if (argv[i] === '--out' && argv[i + 1]) out = argv[++i];
    else throw new Error(`usage: node tools/pretrained-digits.mjs [--steps N] [--out FILE]; got '${argv[i]}'`);
  }
  const t0 = performance.now();
  const bytes = await pretrainedDigits(steps);
  writeFileSync(out, bytes);
  const seconds = ((performance.now() - t0) / 1000).toFixed(1);
  process.stdout.write(
    `wrote ${out}: ${bytes.length} bytes, ${steps} steps in ${seconds} s, sha256 ${sha256(bytes)}\n`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    await main(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`pretrained-digits: ${err.message}\n`);
    process.exitCode = 1;
  }
}
