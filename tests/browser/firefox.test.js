// firefox.test.js — what a visitor meets, in Debian's firefox-esr (headless, WebDriver BiDi through
// puppeteer-core; tests/browser/firefox-harness.js): the page loads and its worker is ready, training
// lowers the loss, the page's losses are the Node API's bit for bit, the example blog page's widgets
// and its iframe train and draw, the strict CSP is sent and a violation would be caught, and a worker
// that dies is noticed and replaced. Every page is served with the strict CSP (serve.mjs --csp) and
// fails its test on any console message at all, a page error, a CSP violation or a request off
// 127.0.0.1. The same checks in Chromium, and many more, are page, embed, faults and pages.test.js.
//
// Without Firefox (FIREFOX, else /usr/bin/firefox-esr) the file is one skipped test whose line says
// scripts/setup.sh installs it, decided before the server starts; with it, any failure fails the run.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  ROOT,
  SHOTS,
  WAIT_MS,
  canvasInk,
  firefoxMissing,
  nodeLossBits,
  openPage,
  startFirefox,
  startServer,
  waitFor,
  waitReady,
} from './firefox-harness.js';

const missing = firefoxMissing();
if (missing) test('firefox_tests_need_firefox_esr', { skip: missing }, () => {});
// Without Firefox no server starts and the tests below are not even declared.
const firefoxTest = missing ? () => {} : test;
const base = missing ? '' : await startServer({ csp: true });
const browser = missing ? null : await startFirefox();
const open = (t, path, options) => openPage(t, browser, new URL(path, base).href, options);

const waitDone = (page, run) =>
  waitFor(page, (r) => window.scorefieldTest?.run(r).done && !window.scorefieldTest.run(r).playing, run);

const widgetState = (target, selector) => target.evaluate((s) => document.querySelector(s)?.state?.(), selector);

firefoxTest('the_page_loads_its_worker_is_ready_and_training_lowers_the_loss_in_firefox', async (t) => {
  const { page } = await open(t, '?test=1&exact.steps=300&sliced.steps=1&digits.steps=1');
  await waitReady(page);
  assert.equal(await page.evaluate(() => document.documentElement.dataset.isa), 'simd128');
  await waitDone(page, 'exact');
  const losses = await page.evaluate(() => window.scorefieldTest.losses('exact'));
  assert.equal(losses.length, 300);
  const mean = (a) => a.reduce((s, v) => s + v, 0) / a.length;
  const [first, last] = [mean(losses.slice(0, 20)), mean(losses.slice(-20))];
  assert.ok(last < first - 0.5, `loss went from ${first} to ${last}`);
  await page.evaluate(() => document.getElementById('exact-quiver').scrollIntoView()); // views draw only on screen
  // The label says step 300 as soon as the step is drawn, with "Computing the field…" until its
  // scores arrive: wait for the arrows themselves.
  await waitFor(page, () => {
    const c = document.getElementById('exact-quiver');
    const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
    let green = 0;
    for (let p = 0; p < data.length; p += 4) if (data[p + 3] > 0 && data[p + 1] > 90 && data[p] < 80) green++;
    return /step 300\b/.test(c.getAttribute('aria-label')) && green > 1000;
  });
  await (await page.$('#exact')).screenshot({ path: join(SHOTS, 'scorefield-firefox-exact.png') });
});

firefoxTest('same_seed_gives_the_node_apis_losses_bit_for_bit_in_firefox', async (t) => {
  const steps = 10;
  const { page } = await open(t, `?test=1&autoplay=0&exact.objective=sliced&exact.seed=42&exact.steps=${steps}`);
  await waitReady(page);
  // Play stays disabled until the run's first network is made (its STATE can come well after the
  // worker is ready on a busy machine), and a click on a disabled button does nothing: wait for it, as
  // Playwright's click does in the Chromium tests.
  await waitFor(page, () => document.querySelector('.toolbar[data-run="exact"] button')?.disabled === false);
  await page.evaluate(() => {
    const play = document.querySelector('.toolbar[data-run="exact"] button');
    if (play.textContent !== 'Play') throw new Error(`the toolbar's first button is '${play.textContent}'`);
    play.click();
  });
  await waitDone(page, 'exact');
  const pageBits = await page.evaluate(() => window.scorefieldTest.lossBits('exact'));
  const nodeBits = await nodeLossBits(steps);
  assert.deepEqual(pageBits, nodeBits);
});

firefoxTest('the_blog_pages_widgets_and_iframe_train_and_draw_in_firefox', async (t) => {
  const { page } = await open(t, 'blog.html');
  await waitFor(page, () => document.querySelector('#roll')?.state?.().step >= 100);
  await page.evaluate(() => document.getElementById('blobs').scrollIntoView());
  await waitFor(page, () => document.querySelector('#blobs').state().step >= 100);
  for (const [id, canvas] of [
    ['#roll', '.sf-chains canvas'],
    ['#blobs', '.sf-field canvas'],
  ]) {
    await page.evaluate((w) => document.querySelector(w).scrollIntoView(), id);
    await waitFor(
      page,
      ([w, c]) => /step [1-9]/.test(document.querySelector(w).shadowRoot.querySelector(c).getAttribute('aria-label')),
      [id, canvas],
    );
    assert.ok((await canvasInk(page, [id, canvas])).green > 1000, `${id}: the field is nearly blank`);
    assert.ok((await canvasInk(page, [id, '.sf-loss canvas'])).ink > 500, `${id}: the loss plot is nearly blank`);
  }
  assert.equal((await widgetState(page, '#blobs')).settings.dataset, 'eight_gaussians');
  await page.evaluate(() => document.getElementById('frame').scrollIntoView());
  const frame = await (async () => {
    for (const end = Date.now() + 60000; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) {
      const f = page.frames().find((x) => /embed\/frame\.html/.test(x.url()));
      if (f) return f;
    }
    throw new Error('the iframe did not load');
  })();
  await waitFor(frame, () => {
    const st = document.querySelector('scorefield-widget')?.state?.();
    return st?.worker === 'ready' && st.step > 0;
  });
  await waitFor(page, () => Number(document.getElementById('frame').height) !== 440);
  await (await page.$('#roll')).screenshot({ path: join(SHOTS, 'scorefield-firefox-widget.png') });
});

firefoxTest('the_harness_hears_console_messages_of_the_page_its_frames_and_its_workers_in_firefox', async (t) => {
  const fixtures = await startServer({ csp: true, root: join(ROOT, 'tests/browser/fixtures') });
  const { problems } = await openPage(t, browser, `${fixtures}console.html`, { allowErrors: true });
  const want = ['console info: console fixture: from the page', 'console log: console fixture: from the frame'];
  want.push('console warn: console fixture: from the worker');
  for (const end = Date.now() + WAIT_MS; !want.every((w) => problems.includes(w)) && Date.now() < end;)
    await new Promise((resolve) => setTimeout(resolve, 50));
  assert.deepEqual(
    want.filter((w) => !problems.includes(w)),
    [],
    `heard: ${problems.join('; ')}`,
  );
});

firefoxTest('the_strict_csp_is_sent_and_a_violation_would_be_caught_in_firefox', async (t) => {
  const response = await fetch(`${base}index.html`);
  assert.equal(
    response.headers.get('content-security-policy'),
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'",
  );
  // The net works in Firefox: an inline script is refused and the listener records it.
  const { page } = await open(t, '?test=1&autoplay=0', { allowErrors: true });
  await waitReady(page);
  await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.inlineRan = true';
    document.head.append(s);
  });
  await waitFor(page, () => window.cspViolations.length > 0);
  assert.equal(await page.evaluate(() => window.inlineRan), undefined);
  assert.match((await page.evaluate(() => window.cspViolations))[0], /^script-src/);
});

firefoxTest('a_dead_worker_is_noticed_and_restarted_from_the_last_checkpoint_in_firefox', async (t) => {
  const { page } = await open(t, '?test=1&exact.steps=200&sliced.steps=1&digits.steps=1#exact', {
    trackWorkers: true,
  });
  await waitReady(page);
  await waitFor(page, () => {
    const r = window.scorefieldTest.run('exact');
    return r.step === 200 && !r.playing && r.checkpoint === 200;
  });
  const losses = await page.evaluate(() => window.scorefieldTest.lossBits('exact'));
  // Terminated from outside: no message, no error event; the page learns of it by its heartbeat.
  await page.evaluate(() => {
    if (window.testWorkers.length !== 1) throw new Error(`${window.testWorkers.length} workers, not 1`);
    window.testWorkers.pop().terminate();
  });
  await waitFor(page, () =>
    /training worker (stopped|was stopped by the page)/.test(document.getElementById('alerts').textContent),
  );
  assert.match(await page.evaluate(() => document.getElementById('alerts').textContent), /exact is back at step 200/);
  await waitFor(
    page,
    () =>
      document.documentElement.dataset.worker === 'ready' &&
      window.scorefieldTest.run('exact').dim === 2 &&
      window.testWorkers.length > 0,
  );
  const after = await page.evaluate(() => window.scorefieldTest.run('exact'));
  assert.deepEqual([after.step, after.playing], [200, false]);
  assert.match(after.notice, /training worker (stopped|was stopped by the page).*this run is back at step 200, paused/);
  assert.deepEqual(await page.evaluate(() => window.scorefieldTest.lossBits('exact')), losses);
});
