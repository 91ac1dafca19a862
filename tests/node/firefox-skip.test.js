// firefox-skip.test.js — tests/browser/firefox.test.js without Firefox: it skips with one line saying
// what to install, at once (before any server or browser starts, so it cannot hang), and a FIREFOX
// named in the environment that does not exist fails the run with a message naming it. The run with
// Firefox installed is firefox.test.js itself.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const QUICK_MS = 30000; // ms: no server, no browser; a run that takes longer is waiting on something

function runFirefoxTests(env) {
  const clean = { ...process.env };
  delete clean.FIREFOX;
  delete clean.NODE_TEST_CONTEXT; // run as a top-level node --test, not as a child of this one
  return spawnSync(process.execPath, ['--test', '--test-reporter=tap', 'tests/browser/firefox.test.js'], {
    cwd: ROOT,
    env: { ...clean, ...env },
    encoding: 'utf8',
    timeout: QUICK_MS,
  });
}

test('without_firefox_the_firefox_tests_skip_with_one_line_and_pass', () => {
  const r = runFirefoxTests({ SF_FIREFOX_DEFAULT: '/nonexistent/firefox-esr' });
  assert.equal(r.signal, null, 'the run hung');
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const skips = r.stdout.split('\n').filter((line) => /# SKIP/.test(line));
  assert.equal(skips.length, 1, r.stdout);
  assert.match(skips[0], /Firefox tests skipped: \/nonexistent\/firefox-esr is not installed \(scripts\/setup\.sh/);
  assert.match(r.stdout, /^# pass 0$/m);
  assert.match(r.stdout, /^# skipped 1$/m);
});

test('a_firefox_named_in_the_environment_that_does_not_exist_fails_the_run', () => {
  const r = runFirefoxTests({ FIREFOX: '/nonexistent/firefox' });
  assert.equal(r.signal, null, 'the run hung');
  assert.notEqual(r.status, 0);
  assert.match(r.stdout + r.stderr, /FIREFOX=\/nonexistent\/firefox does not exist/);
});
