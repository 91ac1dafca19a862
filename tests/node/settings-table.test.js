// settings-table.test.js — the one settings table (web/core/settings.js) that every front end reads:
// its ranges that the C core bounds are the core's limits (sf.limits, through the generated
// web/core/limits.js, which must equal them); the older names
// (hidden, sampler-steps, sampler-seed, isa) still work in links, attributes and command-line flags;
// and the CLI's options that are settings take their name, type and range from the table.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createScorefield } from '../../web/core/scorefield.js';
import { CORE_LIMITS } from '../../web/core/limits.js';
import { PAGE_OPTIONS, WIDGET_OPTIONS, findRow, limit, paramName, settingRow } from '../../web/core/settings.js';
import { readAttributes, readFrameAddress } from '../../web/app/share.js';
import { readPageAddress } from '../../web/app/page-address.js';
import { WIDGET_ROWS } from '../../web/embed/options.js';
import { MAX_POINTS } from '../../web/app/paint.js';
import { OPTIONS, main } from '../../tools/scorefield.mjs';

const sf = await createScorefield({ digits: false });

test('the_generated_limits_are_the_cores', () => {
  assert.deepEqual(
    { ...CORE_LIMITS },
    { ...sf.limits },
    'web/core/limits.js is stale: run node scripts/gen-limits.mjs',
  );
});

test('ranges_the_core_bounds_are_its_limits', () => {
  const bound = { batch: 'batch', width: 'hidden', depth: 'depth', levels: 'levels', chainSteps: 'steps' };
  for (const [name, key] of Object.entries(bound)) {
    assert.equal(settingRow(name).max, sf.limits[key], name);
    assert.equal(limit(key), sf.limits[key], key);
  }
  assert.equal(settingRow('annealSteps').max, sf.limits.steps);
  assert.equal(MAX_POINTS, sf.limits.points);
  assert.throws(() => limit('nope'), /unknown limit 'nope'/);
});

test('the_kernels_row_offers_the_cores_isas_on_page_widget_and_cli', () => {
  const simd = findRow('simd');
  assert.deepEqual(
    simd.options.map((o) => o.value),
    ['auto', 'scalar', 'simd128'],
  );
  assert.equal(findRow('isa'), simd);
  assert.ok(PAGE_OPTIONS.includes(simd) && WIDGET_OPTIONS.includes(simd));
  assert.deepEqual(OPTIONS.find((o) => o.name === 'simd').choices, ['auto', 'scalar', 'simd128']);
});

test('older_names_are_aliases_in_links_attributes_and_frames', () => {
  const page = readPageAddress('', '#exact.hidden=64&exact.sampler-steps=7&exact.samplerSeed=3&simd=scalar');
  assert.deepEqual(page.notices, []);
  assert.deepEqual(page.runs.exact, { width: 64, chainSteps: 7, chainSeed: 3 });
  const attrs = { hidden: '32', 'sampler-seed': '9', isa: 'scalar' };
  const read = readAttributes((k) => attrs[k] ?? null, WIDGET_ROWS);
  assert.deepEqual(read, { values: { width: 32, chainSeed: 9, simd: 'scalar' }, notices: [] });
  // The row's own name wins over an alias given beside it.
  const both = readAttributes((k) => ({ width: '16', hidden: '32' })[k] ?? null, WIDGET_ROWS);
  assert.equal(both.values.width, 16);
  const frame = readFrameAddress('?hidden=600', '', WIDGET_ROWS);
  assert.equal(frame.values.width, sf.limits.hidden);
  assert.match(frame.notices[0], /hidden: 600 is above the maximum 512/);
});

test('cli_options_that_are_settings_take_the_tables_name_type_and_range', () => {
  const byName = new Map(OPTIONS.map((o) => [o.name, o]));
  for (const [flag, row] of [
    ['width', 'width'],
    ['batch', 'batch'],
    ['depth', 'depth'],
    ['levels', 'levels'],
    ['chain-steps', 'chainSteps'],
    ['anneal-steps', 'annealSteps'],
  ]) {
    const opt = byName.get(flag);
    assert.ok(opt, `--${flag}`);
    assert.equal(paramName(settingRow(row).name), flag);
    assert.equal(opt.max, settingRow(row).max, flag);
    assert.equal(opt.min, settingRow(row).min, flag);
  }
  assert.deepEqual(byName.get('width').aliases, ['hidden']);
  assert.deepEqual(byName.get('chain-steps').aliases, ['sampler-steps']);
  assert.deepEqual(byName.get('chain-seed').aliases, ['sampler-seed']);
  assert.deepEqual(byName.get('simd').aliases, ['isa']);
  assert.equal(byName.get('projections').max, sf.limits.proj);
  assert.equal(byName.get('seed').max, sf.limits.seed);
  // Every option that is a row takes the row's range, or the row's own `cli` range (the core's, wider
  // than a control's): no range is written in the command line itself.
  let wide = 0;
  for (const opt of OPTIONS) {
    const row = findRow(opt.name.replace(/-(.)/g, (_, c) => c.toUpperCase()));
    if (!row || row.type === 'enum' || row.type === 'boolean' || paramName(row.name) !== opt.name) continue;
    const range = { min: row.min, max: row.max, minExclusive: undefined, ...row.cli };
    assert.deepEqual([opt.min, opt.max, opt.minExclusive], [range.min, range.max, range.minExclusive], opt.name);
    if (row.cli) wide++;
  }
  assert.equal(
    wide,
    8,
    "steps, lr, sigma-max, sigma-min, eps, decay, temperature and anneal-eps take the core's range",
  );
  assert.equal(byName.get('steps').max, 100000000);
  assert.equal(byName.get('lr').minExclusive, true);
});

// main() with captured streams: { code, out, err }.
async function cli(argv) {
  const written = { out: '', err: '' };
  const stream = (key) => ({ isTTY: false, write: (s) => void (written[key] += s) });
  const code = await main(argv, { stdout: stream('out'), stderr: stream('err') });
  return { code, ...written };
}

test('cli_flags_answer_to_the_tables_names_and_the_older_ones', async () => {
  const run = await cli(['train', '--steps', '3', '--width', '8', '--simd', 'scalar', '--chain-steps', '2', '--quiet']);
  assert.equal(run.code, 0, run.err);
  assert.match(run.out, /net 2→8→8→2 \(scalar\)/);
  for (const [argv, message] of [
    [['train', '--resume', 'x.sfw', '--hidden', '8'], /--hidden is fixed by the weights file/],
    [['train', '--resume', 'x.sfw', '--width', '8'], /--width is fixed by the weights file/],
    [['train', '--width', '8', '--hidden', '8'], /--hidden is given twice/],
    [['train', '--width', '513'], /--width must be an integer from 1 to 512, got 513/],
    [['train', '--sampler-steps', '2000000'], /--(sampler|chain)-steps must be an integer from 0 to 1000000/],
    [['train', '--widht', '8'], /did you mean --width\?/],
  ]) {
    const r = await cli(argv);
    assert.equal(r.code, 2, argv.join(' '));
    assert.match(r.err, message, argv.join(' '));
  }
});
