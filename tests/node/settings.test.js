// settings.test.js — properties of the settings table's readers (web/app/share.js) on random and
// malformed input: addresses, attributes and allow-lists never throw, every value that comes out is
// one the table accepts, nothing is clamped or dropped without a notice, notices stay short and
// bounded, and the hash the page writes reads back to the same state.
//
// Inputs come from a seeded generator (SEED; set SCOREFIELD_FUZZ_SEED / SCOREFIELD_FUZZ_CASES to
// explore further), built from the pieces that break parsers: separators, %-escapes (good and
// broken), the table's own keys and values, numbers at and beyond the ranges, unicode and long runs.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PAGE_OPTIONS, RUNS, SETTINGS, parseSetting } from '../../web/app/settings.js';
import {
  MAX_ADDRESS_CHARS,
  MAX_NOTICES,
  allowedOrigins,
  coerceSetting,
  paramName,
  readAttributes,
  readFrameAddress,
  splitAddress,
} from '../../web/app/share.js';
import { pageHash, readPageAddress } from '../../web/app/page-address.js';
import { PANELS, WIDGET_ROWS, resolvePanels } from '../../web/embed/options.js';

const SEED = Number(process.env.SCOREFIELD_FUZZ_SEED ?? 20240611);
const CASES = Number(process.env.SCOREFIELD_FUZZ_CASES ?? 3000);
const MAX_NOTICE_CHARS = 400; // a notice is a sentence, whatever it quotes

// mulberry32: a small seeded generator, so a failure reproduces from SEED and the case number.
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const pick = (r, list) => list[Math.floor(r() * list.length)];

const KEYS = [
  ...Object.keys(RUNS).flatMap((run) =>
    SETTINGS.flatMap((row) => [`${run}.${row.name}`, `${run}.${paramName(row.name)}`]),
  ),
  ...PAGE_OPTIONS.map((row) => row.name),
  ...WIDGET_ROWS.map((row) => paramName(row.name)),
  'exact',
  'langevin',
  'digits',
  'exact.',
  '.steps',
  'exact.nope',
  '__proto__',
  'constructor',
  'exact.__proto__',
  'origins',
  '',
];
const VALUES = [
  '0',
  '1',
  '-1',
  '42',
  '2000',
  '1e-3',
  '1e+3',
  '1e999',
  '-1e999',
  '1e-999',
  'NaN',
  'Infinity',
  '-0',
  '0x10',
  '0b1',
  '.5',
  '5.',
  '2.5',
  '65536',
  '65537',
  '4294967295',
  '4294967296',
  '9007199254740993',
  ' 7 ',
  '',
  'abc',
  'true',
  'false',
  'yes',
  'off',
  'auto',
  'dark',
  'Dark',
  'swiss_roll',
  'digits',
  'points',
  'ncsn',
  'exact',
  'sliced_vr',
  'field,loss',
  'loss digits',
  'field,,bogus',
  'chains,field,loss,digits',
  'scalar',
  '%',
  '%2',
  '%E0%A4%A',
  '%zz',
  '%3Cscript%3Ealert(1)%3C%2Fscript%3E',
  '<img src=x onerror=alert(1)>',
  '"\'><',
  '\u0000\u0007\u001b[31m',
  'é',
  '\ud83d\ude00',
  '\ud800',
  '1'.repeat(120),
  'x'.repeat(5000),
];
const GLUE = ['&', '=', '#', '?', '&&', '==', '+', '%26', '%3D', ';', ' '];

function randomAddress(r) {
  const parts = [];
  const n = Math.floor(r() * 8);
  if (r() < 0.3) parts.push(pick(r, ['exact', 'langevin', '-bad', '1abc', '%E0', 'a b']));
  for (let i = 0; i < n; i++) {
    const roll = r();
    if (roll < 0.7) parts.push(`${pick(r, KEYS)}=${pick(r, VALUES)}`);
    else if (roll < 0.85) parts.push(pick(r, KEYS));
    else parts.push(pick(r, VALUES));
  }
  let s = parts.join(pick(r, ['&', '&', '&', ...GLUE]));
  if (r() < 0.1) s = s.repeat(1 + Math.floor(r() * 200)); // past MAX_ADDRESS_CHARS
  return (r() < 0.5 ? pick(r, ['#', '?', '', '##']) : '') + s;
}

// The table's own strict check accepts the value (the same check its controls apply).
function assertAccepted(row, value, context) {
  if (row.type === 'boolean') return assert.equal(typeof value, 'boolean', context);
  if (row.type === 'set') {
    const known = row.options.map((o) => o.value);
    assert.ok(typeof value === 'string' && value.split(',').every((v) => known.includes(v)), `${context}: ${value}`);
    return undefined;
  }
  const parsed = parseSetting(row, value);
  assert.ok(!('error' in parsed), `${context}: ${row.name}=${value} fails the table: ${parsed.error}`);
  return undefined;
}

function assertNotices(notices, context) {
  assert.ok(Array.isArray(notices), context);
  assert.ok(notices.length <= MAX_NOTICES + 1, `${context}: ${notices.length} notices`);
  for (const n of notices) {
    assert.equal(typeof n, 'string', context);
    assert.ok(n.length <= MAX_NOTICE_CHARS, `${context}: a notice of ${n.length} characters`);
    assert.ok(!/[\u0000-\u001f\u007f]/.test(n), `${context}: a control character in ${JSON.stringify(n)}`);
  }
}

test('random_addresses_never_throw_and_give_only_values_the_table_accepts', () => {
  const r = rng(SEED);
  for (let i = 0; i < CASES; i++) {
    const search = randomAddress(r),
      hash = randomAddress(r),
      context = `case ${i}: ${JSON.stringify([search, hash]).slice(0, 200)}`;
    const read = readPageAddress(search, hash);
    assertNotices(read.notices, context);
    assert.deepEqual(Object.keys(read.runs).sort(), Object.keys(RUNS).sort(), context);
    for (const values of Object.values(read.runs)) {
      for (const [name, value] of Object.entries(values))
        assertAccepted(
          SETTINGS.find((row) => row.name === name),
          value,
          context,
        );
    }
    for (const row of PAGE_OPTIONS) assertAccepted(row, read.page[row.name], context);
    assert.ok(read.anchor === '' || /^[A-Za-z][\w-]*$/.test(read.anchor), context);
    const frame = readFrameAddress(search, hash, WIDGET_ROWS, { ignore: ['origins'] });
    assertNotices(frame.notices, context);
    for (const [name, value] of Object.entries(frame.values))
      assertAccepted(
        WIDGET_ROWS.find((row) => row.name === name),
        value,
        context,
      );
  }
});

test('nothing_is_clamped_or_dropped_without_a_notice', () => {
  const r = rng(SEED + 1);
  for (let i = 0; i < CASES; i++) {
    const row = pick(r, WIDGET_ROWS);
    const raw = r() < 0.1 ? pick(r, [42, -3, 1e300, NaN, true, null, undefined, {}, []]) : pick(r, VALUES);
    const context = `case ${i}: ${row.name} = ${JSON.stringify(raw)}`;
    let result;
    assert.doesNotThrow(() => {
      result = coerceSetting(row, raw);
    }, context);
    assert.ok('value' in result || result.notice, `${context}: dropped without a notice`);
    if ('value' in result) assertAccepted(row, result.value, context);
    if (result.notice) assertNotices([result.notice], context);
    if ('value' in result && !result.notice) {
      // Accepted silently: the value is what was given, up to spacing and (for names) letter case.
      const given = String(raw).trim();
      if (row.type === 'integer' || row.type === 'number') assert.equal(result.value, Number(given) + 0, context);
      else if (row.type === 'enum') assert.equal(result.value.toLowerCase(), given.toLowerCase(), context);
    }
    if (row.type === 'integer' || row.type === 'number') {
      const strict = parseSetting(row, typeof raw === 'string' ? raw : String(raw));
      if ('error' in strict)
        assert.ok(result.notice, `${context}: the table refuses it (${strict.error}) but no notice`);
    }
  }
});

test('out_of_range_numbers_are_clamped_and_malformed_ones_dropped', () => {
  const read = readPageAddress(
    '',
    '#exact&exact.batch=0&exact.seed=1e30&exact.lr=abc&exact.steps=2.5&exact.width=513&bogus=1',
  );
  assert.equal(read.anchor, 'exact');
  assert.deepEqual(read.runs.exact, { batch: 1, seed: 2 ** 53 - 1, width: 512 });
  assert.equal(read.notices.length, 6);
  assert.match(read.notices.join(' '), /batch: 0 is below the minimum 1: using 1/);
  assert.match(read.notices.join(' '), /lr: 'abc' is not a number: ignored/);
  assert.match(read.notices.join(' '), /'bogus' is not a setting here/);
});

test('a_section_anchor_and_state_share_the_hash', () => {
  assert.deepEqual(readPageAddress('', '#langevin').runs.exact, {});
  assert.equal(readPageAddress('', '#langevin').anchor, 'langevin');
  assert.deepEqual(readPageAddress('', '#langevin').notices, []);
  const both = readPageAddress(
    '?exact.steps=50&test=1',
    '#exact&exact.steps=500&exact.chain-steps=40&digits.chainSteps=7',
  );
  assert.equal(both.anchor, 'exact');
  assert.deepEqual(both.runs.exact, { steps: 500, chainSteps: 40 }); // the hash wins over the query
  assert.deepEqual(both.runs.digits, { chainSteps: 7 });
  assert.equal(both.page.test, '1');
  assert.deepEqual(both.pageGiven, { test: '1' });
  assert.deepEqual(both.notices, []);
  assert.equal(readPageAddress('', '#a%20b').notices.length, 1); // not an element id
});

test('the_hash_the_page_writes_reads_back_to_the_same_state', () => {
  const r = rng(SEED + 2);
  for (let i = 0; i < CASES / 10; i++) {
    const runs = {};
    for (const run of Object.keys(RUNS)) {
      runs[run] = {};
      for (const row of SETTINGS) {
        if (r() < 0.5) continue;
        if (row.type === 'enum') runs[run][row.name] = pick(r, row.options).value;
        else if (row.type === 'integer')
          runs[run][row.name] = row.min + Math.floor(r() * Math.min(row.max - row.min + 1, 1e6));
        else runs[run][row.name] = Math.fround(row.min + r() * (Math.min(row.max, 10) - row.min));
      }
    }
    const anchor = r() < 0.5 ? pick(r, ['exact', 'langevin', 'digits']) : '';
    const pageGiven = r() < 0.5 ? { simd: 'scalar', autoplay: '0' } : {};
    const hash = pageHash({ anchor, pageGiven, runs });
    const read = readPageAddress('', hash);
    assert.deepEqual(read.notices, [], hash);
    assert.equal(read.anchor, anchor, hash);
    assert.deepEqual(read.pageGiven, pageGiven, hash);
    for (const run of Object.keys(RUNS)) assert.deepEqual(read.runs[run], runs[run], `${hash}: ${run}`);
    assert.ok(hash.length < MAX_ADDRESS_CHARS);
  }
  assert.equal(pageHash({}), '');
});

// Issue 15: the table's integer ranges are the core's limits (sf.limits), and a seed the core accepts
// (up to 2^53 − 1, as a weights file may carry) goes into a link and comes back exactly, no notice.
test('integer_ranges_are_the_cores_limits_and_links_carry_every_seed_exactly', async () => {
  const { createScorefield } = await import('../../web/core/scorefield.js');
  const sf = await createScorefield({ digits: false });
  const limitOf = { batch: 'batch', width: 'hidden', depth: 'depth', levels: 'levels', seed: 'seed' };
  for (const row of SETTINGS) {
    if (limitOf[row.name]) assert.equal(row.max, sf.limits[limitOf[row.name]], `${row.name}'s maximum`);
    if (/seed$/i.test(row.name)) assert.equal(row.max, sf.limits.seed, `${row.name}'s maximum`);
    if (/steps$/i.test(row.name)) assert.ok(row.max <= sf.limits.steps, `${row.name}'s maximum`);
  }
  for (const seed of [2 ** 32, 2 ** 40, 2 ** 53 - 1]) {
    const hash = pageHash({ anchor: '', pageGiven: {}, runs: { exact: { seed } } });
    const read = readPageAddress('', hash);
    assert.deepEqual(read.notices, [], hash);
    assert.equal(read.runs.exact.seed, seed, hash);
  }
  const beyond = readPageAddress('', '#exact.seed=9007199254740992');
  assert.equal(beyond.notices.length, 1, 'a seed of 2^53 is clamped with a notice');
});

test('splitting_an_address_never_throws_and_bounds_its_input', () => {
  const r = rng(SEED + 3);
  for (let i = 0; i < CASES; i++) {
    const text = randomAddress(r);
    const { entries, notices } = splitAddress(text, { anchor: r() < 0.5 });
    assertNotices(notices.slice(0, MAX_NOTICES + 1), `case ${i}`);
    assert.ok(entries.every(([k, v]) => typeof k === 'string' && typeof v === 'string'));
    assert.ok(entries.reduce((n, [k, v]) => n + k.length + v.length, 0) <= MAX_ADDRESS_CHARS);
  }
  for (const odd of [undefined, null, 42, {}, '%', '#%', '?&&&', '=', '=&=', '#'.repeat(10000)]) {
    assert.doesNotThrow(() => splitAddress(odd, { anchor: true }));
  }
});

test('widget_attributes_are_checked_like_the_hash', () => {
  const r = rng(SEED + 4);
  for (let i = 0; i < CASES / 3; i++) {
    const attrs = new Map();
    for (const row of WIDGET_ROWS) if (r() < 0.4) attrs.set(paramName(row.name), pick(r, VALUES));
    const read = readAttributes((name) => attrs.get(name) ?? null, WIDGET_ROWS);
    assertNotices(read.notices, `case ${i}`);
    for (const [name, value] of Object.entries(read.values))
      assertAccepted(
        WIDGET_ROWS.find((row) => row.name === name),
        value,
        `case ${i}`,
      );
  }
  const read = readAttributes(
    (name) =>
      ({ controls: '', compact: 'no', panels: 'loss,nope', theme: 'purple', 'chain-steps': '40' })[name] ?? null,
    WIDGET_ROWS,
  );
  assert.deepEqual(read.values, { controls: true, compact: false, panels: 'loss', chainSteps: 40 });
  assert.equal(read.notices.length, 2);
});

test('panels_resolve_to_known_panels_in_layout_order', () => {
  assert.deepEqual(resolvePanels('auto', 'swiss_roll'), ['chains', 'loss']);
  assert.deepEqual(resolvePanels('auto', 'digits'), ['digits', 'loss']);
  assert.deepEqual(resolvePanels('loss,field', 'moons'), ['field', 'loss']);
  assert.deepEqual(resolvePanels('auto,loss', 'moons'), ['chains', 'loss']);
  for (const p of resolvePanels('field,chains,loss,digits', 'moons')) assert.ok(PANELS.includes(p));
  // The score-SDE panels train another network: they show with the loss only.
  assert.deepEqual(resolvePanels('density,samplers', 'moons'), ['samplers', 'density']);
  assert.deepEqual(resolvePanels('chains,density,loss', 'moons'), ['loss', 'density']);
});

test('the_sde_rows_refuse_bad_values_with_a_message_naming_the_setting', () => {
  const rows = new Map(WIDGET_ROWS.map((row) => [row.name, row]));
  for (const name of ['sdeSampler', 'sdeSteps', 'sdeSnr', 'sdeChurn', 'sdeParticles', 'sdeSeed', 'sdeOdeSteps'])
    assert.ok(rows.has(name), name);
  assert.match(
    parseSetting(rows.get('sdeSampler'), 'rk4').error,
    /Sampler must be one of annealed, sde, pc, ode-euler, ode-heun, edm/,
  );
  assert.match(parseSetting(rows.get('sdeSteps'), 0).error, /Sampler steps must be between 1 and/);
  assert.match(parseSetting(rows.get('sdeSnr'), -1).error, /Corrector SNR must be between 0 and 10/);
  assert.match(parseSetting(rows.get('sdeChurn'), 'x').error, /EDM churn must be a number/);
  assert.match(parseSetting(rows.get('sdeParticles'), 1.5).error, /Particles must be a whole number/);
  assert.match(parseSetting(rows.get('sdeOdeSteps'), 1001).error, /Likelihood steps must be between 2 and 1000/);
  assert.deepEqual(parseSetting(rows.get('sdeSampler'), 'pc'), { value: 'pc' });
});

test('the_origin_allow_list_takes_only_http_origins', () => {
  const own = 'http://127.0.0.1:8000';
  const { origins, notices } = allowedOrigins(
    'https://blog.example, http://localhost:3000/ javascript:alert(1) https://a.example/path null *',
    own,
  );
  assert.deepEqual([...origins].sort(), [own, 'http://localhost:3000', 'https://blog.example'].sort());
  assert.equal(notices.length, 4);
  const r = rng(SEED + 5);
  for (let i = 0; i < CASES / 3; i++) {
    const text = randomAddress(r);
    const result = allowedOrigins(text, own);
    assert.ok(result.origins.has(own));
    for (const o of result.origins) assert.match(o, /^https?:\/\/[^/]+$/);
    assertNotices(result.notices.slice(0, MAX_NOTICES), `case ${i}`);
  }
  assert.deepEqual([...allowedOrigins(undefined, own).origins], [own]);
});

// Issue 15: integers a wasm i32 argument would wrap (2^31, 2^32 + 8 arrives as 8) or a double would
// round (2^53 + 2) never pass as something else. In a link, an iframe's address, a widget attribute, a
// postMessage `set` (a number: the widget's set() coerces it, web/embed/scorefield-widget.js) and the
// page's own form: the value is the row's maximum with a notice naming the number, or refused.
test('integers_of_2_pow_31_32_and_53_are_clamped_by_value_in_links_attributes_and_messages_never_wrapped', () => {
  const BIG = [2 ** 31, 2 ** 32, 2 ** 32 + 8, 2 ** 53, 2 ** 53 + 2];
  const expect = (row, big, read, where) => {
    const context = `${where}: ${row.name} = ${big}`;
    assert.equal(read.value, Math.min(big, row.max), context);
    if (big > row.max)
      assert.ok(
        read.notices.some((n) => n.includes(String(big))),
        `${context}: ${read.notices}`,
      );
    else assert.deepEqual(read.notices, [], context);
  };
  let checked = 0;
  for (const row of SETTINGS.filter((r) => r.type === 'integer')) {
    for (const big of BIG) {
      const link = readPageAddress('', `#exact.${paramName(row.name)}=${big}`);
      expect(row, big, { value: link.runs.exact?.[row.name], notices: link.notices }, 'link');
      const form = parseSetting(row, big);
      if (big > row.max) assert.match(form.error, /must be between/, `form: ${row.name} = ${big}`);
      else assert.equal(form.value, big);
      checked++;
    }
  }
  for (const row of WIDGET_ROWS.filter((r) => r.type === 'integer')) {
    const key = paramName(row.name);
    for (const big of BIG) {
      const frame = readFrameAddress('', `#${key}=${big}`, WIDGET_ROWS);
      expect(row, big, { value: frame.values[row.name], notices: frame.notices }, 'iframe address');
      const attrs = readAttributes((name) => (name === key ? String(big) : null), WIDGET_ROWS);
      expect(row, big, { value: attrs.values[row.name], notices: attrs.notices }, 'attribute');
      const message = coerceSetting(row, big, key);
      expect(row, big, { value: message.value, notices: message.notice ? [message.notice] : [] }, 'postMessage');
      checked++;
    }
  }
  assert.ok(checked >= 20, `${checked} cases`);
});
