// enums.test.js — JavaScript's copies of the C library's enumerations (web/core/enums.js) and the
// limits it reads from the module (sf.limits) against src/scorefield.h, parsed from its text, so that
// neither can drift from the header: a value changed, an enumerator or limit added on one side only.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createScorefield } from '../../web/core/scorefield.js';
import { DATASETS, ISAS, KEEPS, OBJECTIVES, SAMPLERS, SIGMA_DISTS, STATUS } from '../../web/core/enums.js';

const HEADER = readFileSync(new URL('../../src/scorefield.h', import.meta.url), 'utf8');

// { suffix in lower case: value } of the enumerators `PREFIX_X = n` in the header, COUNT left out.
function enumerators(prefix) {
  const out = {};
  for (const [, name, value] of HEADER.matchAll(new RegExp(`\\b${prefix}_(\\w+)\\s*=\\s*(\\d+)`, 'g'))) {
    if (name !== 'COUNT') out[name.toLowerCase()] = Number(value);
  }
  assert.ok(Object.keys(out).length >= 2, `found enumerators ${prefix}_* in scorefield.h`);
  return out;
}

test('enums.js mirrors every enumeration of scorefield.h, value for value', () => {
  assert.deepEqual({ ...OBJECTIVES }, enumerators('SF_OBJ'));
  assert.deepEqual({ ...DATASETS }, enumerators('SF_DATA'));
  assert.deepEqual({ ...KEEPS }, enumerators('SF_KEEP'));
  assert.deepEqual({ ...ISAS }, enumerators('SF_ISA'));
  assert.deepEqual({ ...SAMPLERS }, enumerators('SF_SAMPLER'));
  assert.deepEqual({ ...SIGMA_DISTS }, enumerators('SF_SIGMA'));
  // STATUS names sf_status by sf_status_name's words ('invalid_argument'), not by the enumerators':
  // the values must be the header's, in its order.
  const status = [...HEADER.matchAll(/\b(SF_OK|SF_E[A-Z]+)\s*=\s*(\d+)/g)].map((m) => Number(m[2]));
  assert.ok(status.length >= 4, 'found sf_status in scorefield.h');
  assert.deepEqual(Object.values(STATUS), status);
});

test('sf.limits holds every SF_MAX_* of scorefield.h with its value, and nothing else', async () => {
  const header = {};
  for (const [, name, value] of HEADER.matchAll(/#define SF_MAX_(\w+)\s+(\d+)(ULL)?/g))
    header[name.toLowerCase()] = Number(value);
  assert.ok(Object.keys(header).length >= 9, 'found the SF_MAX_* limits in scorefield.h');
  for (const simd of [true, false]) {
    const sf = await createScorefield({ simd, digits: false });
    assert.deepEqual({ ...sf.limits }, header, `limits of the ${sf.isa} module`);
    assert.equal(sf.limits.seed, Number.MAX_SAFE_INTEGER);
  }
});
