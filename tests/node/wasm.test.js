// wasm.test.js — the WebAssembly builds through web/core/loader.js, the loader the worker uses.
//
// Checks that both modules (build-wasm.sh) load in Node with nothing but the memory-growth import,
// reproduce the native build's numbers bit for bit, agree with each other bit for bit, reject bad
// input with a message, and give memory back. Run `./build-wasm.sh` first; `node --test tests/node/`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { loadScorefield, readCoreFile, simdSupported } from '../../web/core/loader.js';

// Keep in sync with src/scorefield.h.
const SF_OK = 0,
  SF_EINVAL = 1;
const SF_OBJ_SLICED = 1;
const SF_DATA_SWISS_ROLL = 0,
  SF_DATA_DIGITS = 1;
const SF_ISA_AUTO = 0;

const ISAS = ['simd128', 'scalar'];
// An instance of one module, given the digits table (scorefield-digits.bin) as the Node API gives it.
async function load(isa) {
  const sf = await loadScorefield({ simd: isa === 'simd128' });
  const table = await readCoreFile('scorefield-digits.bin');
  const buf = sf.exports.malloc(table.length);
  new Uint8Array(sf.memory.buffer, buf, table.length).set(table);
  sf.check(sf.exports.sfw_data_load_digits(buf, table.length));
  sf.exports.free(buf);
  return sf;
}

// The float32 bit patterns of a Float32Array (or of n floats at ptr), copied out of wasm memory.
const bits = (f32) => Array.from(new Uint32Array(f32.buffer.slice(f32.byteOffset, f32.byteOffset + f32.byteLength)));
const hex = (u) => '0x' + u.toString(16).padStart(8, '0');

// C's %a notation ("-0x1.d21b88p-2"), which JavaScript has no literal for, as a Number (exact: the
// mantissa has at most 53 bits and the scaling is by powers of two).
function parseHexFloat(text) {
  const m = /^(-?)0x([0-9a-f])(?:\.([0-9a-f]*))?p([+-]\d+)$/i.exec(text);
  if (!m) throw new Error(`not a hex float: ${text}`);
  const frac = m[3] ?? '';
  const mantissa = parseInt(m[2] + frac, 16) / 16 ** frac.length;
  return (m[1] ? -1 : 1) * mantissa * 2 ** Number(m[4]);
}

// Trains a fresh model and returns its losses and final parameters as bit patterns.
function train(sf, { dim, hidden, depth, seed, dataset, objective, batch, nProj, lr, sigma, noise, steps }) {
  const e = sf.exports;
  const m = e.sfw_model_create(dim, hidden, depth, seed, SF_ISA_AUTO);
  assert.notEqual(m, 0, sf.cstr(e.sfw_error()));
  try {
    assert.equal(sf.cstr(e.sfw_model_isa_name(m)), sf.isa, 'the model runs the kernels of its module');
    // The NCSN ladder (σ₁ 3, σ_L 0.01, 10 levels) is unused by these objectives but must be valid.
    sf.check(e.sfw_model_set_train(m, dataset, objective, batch, nProj, lr, sigma, noise, 3, 0.01, 10));
    const lossPtr = e.malloc(4 * steps);
    try {
      sf.check(e.sfw_model_train(m, steps, lossPtr));
      const losses = bits(sf.f32(lossPtr, steps)); // views made after the calls, never kept across them
      const params = bits(sf.f32(e.sfw_model_params(m), e.sfw_model_param_count(m)));
      assert.equal(e.sfw_model_step_count(m), steps);
      return { losses, params };
    } finally {
      e.free(lossPtr);
    }
  } finally {
    e.sfw_model_free(m);
  }
}

test('both_modules_load_with_only_the_memory_growth_import', async () => {
  for (const isa of ISAS) {
    const bytes = await readFile(new URL(`../../web/core/scorefield-${isa}.wasm`, import.meta.url));
    const imports = WebAssembly.Module.imports(await WebAssembly.compile(bytes));
    assert.deepEqual(
      imports.map((i) => `${i.module}.${i.name}`),
      ['env.emscripten_notify_memory_growth'],
      isa,
    );
    const sf = await load(isa);
    assert.equal(sf.isa, isa);
    assert.equal(typeof sf.exports.sfw_model_create, 'function');
  }
  const auto = await loadScorefield();
  assert.equal(auto.simdSupported, simdSupported());
  assert.equal(auto.simdSupported, true, 'Node 20 supports wasm SIMD128: the probe module must validate');
  assert.equal(auto.isa, 'simd128', 'the loader picks SIMD128 where it is supported');
  assert.equal((await loadScorefield({ simd: false })).isa, 'scalar');
});

// tests/c/test_data.c prints these from the native build: "# swiss roll seed 42: …".
test('same_seed_same_numbers_as_the_native_build', async () => {
  const native = ['0x1.dd3f44p-3', '-0x1.d21b88p-2', '0x1.ddc16cp-2', '0x1.59336ap+0'];
  const expected = bits(new Float32Array(native.map(parseHexFloat)));
  for (const isa of ISAS) {
    const sf = await load(isa);
    const e = sf.exports;
    const x = e.malloc(4 * 2 * 4);
    sf.check(e.sfw_data_sample(x, 0, SF_DATA_SWISS_ROLL, 4, 1.0, 42));
    assert.deepEqual(bits(sf.f32(x, 4)).map(hex), expected.map(hex), isa);
    e.free(x);
  }
});

test('simd_and_scalar_modules_train_bit_identically', async () => {
  const [simd, scalar] = await Promise.all(ISAS.map(load));
  const runs = [
    {
      dim: 2,
      hidden: 32,
      depth: 2,
      seed: 9,
      dataset: SF_DATA_SWISS_ROLL,
      objective: SF_OBJ_SLICED,
      batch: 37,
      nProj: 2,
      lr: 1e-3,
      sigma: 0.1,
      noise: 1.0,
      steps: 20,
    },
    {
      dim: 64,
      hidden: 32,
      depth: 2,
      seed: 9,
      dataset: SF_DATA_DIGITS,
      objective: SF_OBJ_SLICED,
      batch: 37,
      nProj: 2,
      lr: 1e-3,
      sigma: 0.2,
      noise: 0.1,
      steps: 5,
    },
  ];
  for (const run of runs) {
    const a = train(simd, run),
      b = train(scalar, run);
    assert.ok(
      a.params.some((u) => u !== 0),
      'parameters are not trivially zero',
    );
    assert.deepEqual(a.losses.map(hex), b.losses.map(hex), `losses, D = ${run.dim}`);
    const i = a.params.findIndex((u, k) => u !== b.params[k]);
    assert.equal(i, -1, `D = ${run.dim}: parameter ${i} differs: ${hex(a.params[i] ?? 0)} vs ${hex(b.params[i] ?? 0)}`);
  }
});

test('langevin_chains_are_bit_identical_between_modules', async () => {
  const chains = [];
  for (const sf of await Promise.all(ISAS.map(load))) {
    const e = sf.exports;
    const n = 5,
      steps = 15,
      D = 2; // the tutorial's 2-D sampler: ε 0.01, decay 0.9, T 1
    const m = e.sfw_model_create(D, 32, 2, 3, SF_ISA_AUTO);
    const x0 = e.malloc(4 * n * D),
      out = e.malloc(4 * (steps + 1) * n * D);
    sf.check(e.sfw_uniform(x0, n * D, -1, 1, 7));
    sf.check(e.sfw_langevin(m, out, x0, n, 0.01, 0.9, 1.0, steps, 11, 1));
    assert.deepEqual(bits(sf.f32(out, n * D)), bits(sf.f32(x0, n * D)), 'keep_all: frame 0 is x0');
    const all = bits(sf.f32(out, (steps + 1) * n * D));
    assert.notDeepEqual(all.slice(-n * D), all.slice(0, n * D), 'the chains moved');
    assert.equal(e.sfw_langevin(m, out, x0, n, 0.01, 0.9, 1.0, steps, -1, 1), SF_EINVAL);
    assert.match(sf.cstr(e.sfw_error()), /sampler seed/);
    chains.push(all);
    e.free(out);
    e.free(x0);
    e.sfw_model_free(m);
  }
  assert.deepEqual(chains[0].map(hex), chains[1].map(hex));
});

// GOLDEN: these come from the NATIVE build (gcc -ffp-contract=off, libscorefield.a, scalar and
// SIMDe kernels alike): the losses of sf_net_config_default(2) (H 128, depth 2, seed 42) trained for
// 10 steps with sf_train_config_default(SF_DATA_SWISS_ROLL) (sliced SM, batch 128, 1 projection,
// lr 1e-3, σ 0.1, noise 1.0). Every build must match them bit for bit; a difference is a bug, never a
// reason to update them.
test('golden_losses_match_the_native_build_bit_for_bit', async () => {
  const GOLDEN = [
    0x3f882ab0, 0x3e4843cb, 0xbcd6d9be, 0x3d01dfc4, 0x3da9753d, 0x3e1d2a4a, 0x3e54a385, 0x3dbf93bb, 0xbdac3a13,
    0xbdebb790,
  ];
  const GOLDEN_PARAMS_FNV1A = 0xaead7887; // FNV-1a of the 17154 parameters' bytes after the 10 steps
  for (const isa of ISAS) {
    const { losses, params } = train(await load(isa), {
      dim: 2,
      hidden: 128,
      depth: 2,
      seed: 42,
      dataset: SF_DATA_SWISS_ROLL,
      objective: SF_OBJ_SLICED,
      batch: 128,
      nProj: 1,
      lr: 1e-3,
      sigma: 0.1,
      noise: 1.0,
      steps: 10,
    });
    const step = losses.findIndex((u, k) => u !== GOLDEN[k]);
    assert.equal(
      step,
      -1,
      `${isa}: loss of step ${step + 1} is ${hex(losses[step] ?? 0)}, native ${hex(GOLDEN[step] ?? 0)}`,
    );
    let h = 0x811c9dc5;
    for (const b of new Uint8Array(new Uint32Array(params).buffer)) h = Math.imul(h ^ b, 0x01000193) >>> 0;
    assert.equal(hex(h), hex(GOLDEN_PARAMS_FNV1A), `${isa}: parameters after 10 steps`);
  }
});

test('digits_wait_for_their_table_and_refuse_a_damaged_one', async () => {
  const sf = await loadScorefield({ simd: true });
  const e = sf.exports;
  const x = e.malloc(4 * 64);
  assert.equal(e.sfw_data_sample(x, 0, SF_DATA_DIGITS, 1, 0.1, 1), SF_EINVAL);
  assert.match(sf.cstr(e.sfw_error()), /digits table is not loaded/);
  const table = await readCoreFile('scorefield-digits.bin');
  assert.equal(table.length, 1797 * 65);
  const buf = e.malloc(table.length);
  const view = () => new Uint8Array(sf.memory.buffer, buf, table.length);
  view().set(table);
  view()[0] += 1; // one pixel off
  assert.equal(e.sfw_data_load_digits(buf, table.length), SF_EINVAL);
  assert.match(sf.cstr(e.sfw_error()), /check sums/);
  assert.equal(e.sfw_data_sample(x, 0, SF_DATA_DIGITS, 1, 0.1, 1), SF_EINVAL, 'a damaged table is not taken');
  view().set(table);
  assert.equal(e.sfw_data_load_digits(buf, table.length), SF_OK);
  assert.equal(e.sfw_data_sample(x, 0, SF_DATA_DIGITS, 1, 0.1, 1), SF_OK);
  e.free(buf);
  e.free(x);
});

test('bad_input_returns_a_status_and_a_message', async () => {
  const sf = await load('simd128');
  const e = sf.exports;
  assert.equal(e.sfw_model_create(0, 32, 2, 1, SF_ISA_AUTO), 0);
  assert.match(sf.cstr(e.sfw_error()), /dimension/);
  for (const seed of [-1, 0.5, 2 ** 53, NaN, Infinity]) {
    assert.equal(e.sfw_model_create(2, 32, 2, seed, SF_ISA_AUTO), 0, `seed ${seed} accepted`);
    assert.match(sf.cstr(e.sfw_error()), /seed/);
  }
  assert.throws(() => sf.check(SF_EINVAL), /invalid argument: .*seed/);

  const m = e.sfw_model_create(2, 32, 2, 2 ** 53 - 1, SF_ISA_AUTO);
  assert.notEqual(m, 0, sf.cstr(e.sfw_error()));
  assert.equal(
    e.sfw_model_set_train(m, SF_DATA_SWISS_ROLL, SF_OBJ_SLICED, 16, 1, NaN, 0.1, 1.0, 3, 0.01, 10),
    SF_EINVAL,
  );
  assert.match(sf.cstr(e.sfw_error()), /learning rate/);
  const losses = e.malloc(4 * 3);
  // Unknown ids (the JS API names them; here they are bare numbers).
  assert.equal(e.sfw_model_set_train(m, 99, SF_OBJ_SLICED, 16, 1, 1e-3, 0.1, 1.0, 3, 0.01, 10), SF_EINVAL);
  assert.match(sf.cstr(e.sfw_error()), /dataset/);
  assert.equal(e.sfw_model_set_train(m, SF_DATA_SWISS_ROLL, -1, 16, 1, 1e-3, 0.1, 1.0, 3, 0.01, 10), SF_EINVAL);
  assert.match(sf.cstr(e.sfw_error()), /objective/);
  assert.equal(e.sfw_model_create(2, 32, 2, 1, 7), 0, 'isa 7');
  assert.match(sf.cstr(e.sfw_error()), /isa|instruction/i);
  assert.equal(e.sfw_model_train(m, 3, losses), SF_OK, 'the model still trains with its previous settings');
  assert.ok(Array.from(sf.f32(losses, 3)).every(Number.isFinite));
  assert.equal(e.sfw_model_step_count(m), 3);

  const pts = e.malloc(4 * 4);
  sf.f32(pts, 2).set([0.5, 0.5]);
  assert.equal(e.sfw_model_score(m, pts + 8, pts, 1), SF_OK);
  assert.ok(Array.from(sf.f32(pts + 8, 2)).every(Number.isFinite));
  sf.f32(pts, 2).set([0.5, NaN]);
  assert.equal(e.sfw_model_score(m, pts + 8, pts, 1), SF_EINVAL, 'a NaN point is rejected');
  assert.match(sf.cstr(e.sfw_error()), /NaN/);
  e.free(pts);
  e.free(losses);
  e.sfw_model_free(m);
});

test('creating_and_freeing_models_does_not_grow_the_heap', async () => {
  const sf = await load('simd128');
  const e = sf.exports;
  const sizes = [];
  for (let i = 0; i < 50; i++) {
    // D = 64, H = 512, 4 hidden layers: over 16 MB per model (P ≈ 0.85 M floats, six P-sized arrays and
    // the workspace), so the first cycle must grow memory past its initial 16 MB (exercising the growth
    // import and the loader's no-op for it) and a leak would grow it again every cycle.
    const m = e.sfw_model_create(64, 512, 4, i, SF_ISA_AUTO);
    assert.notEqual(m, 0, sf.cstr(e.sfw_error()));
    const x = e.malloc(4 * 64 * 16);
    sf.check(e.sfw_uniform(x, 64 * 16, 0, 0.1, i));
    e.free(x);
    e.sfw_model_free(m);
    sizes.push(sf.memory.buffer.byteLength);
  }
  assert.ok(sizes[0] > 16 * 2 ** 20, `a model this size grows memory past 16 MB: ${sizes[0]} bytes`);
  assert.equal(sizes[49], sizes[4], `memory kept growing: ${sizes.join(' ')}`);
});
