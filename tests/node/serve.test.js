// serve.test.js — scripts/serve.mjs sends every file cross-origin isolated (COOP same-origin, COEP
// require-corp, CORP cross-origin so that isolated pages elsewhere may embed the widget), the headers a page needs for shared WebAssembly memory (issue 18),
// with and without its strict CSP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SERVE = fileURLToPath(new URL('../../scripts/serve.mjs', import.meta.url));

/** Starts serve.mjs on a free port and resolves with its base URL; the test kills it at the end. */
function start(t, extra = []) {
  const child = spawn(process.execPath, [SERVE, ...extra, '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => child.kill());
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/at (http:\/\/127\.0\.0\.1:\d+\/)/);
      if (m) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`serve.mjs exited with ${code}`)));
  });
}

for (const extra of [[], ['--csp']]) {
  test(`every_file_is_sent_cross_origin_isolated${extra.length ? '_with_the_csp' : ''}`, async (t) => {
    const base = await start(t, extra);
    for (const path of ['', 'index.html', 'core/scorefield.js']) {
      const res = await fetch(base + path);
      await res.arrayBuffer();
      assert.equal(res.status, 200, path);
      assert.equal(res.headers.get('cross-origin-opener-policy'), 'same-origin', path);
      assert.equal(res.headers.get('cross-origin-embedder-policy'), 'require-corp', path);
      assert.equal(res.headers.get('cross-origin-resource-policy'), 'cross-origin', path);
    }
  });
}
