// page.test.js — the hosted page (web/index.html) in headless Chromium: it loads without console
// errors, the worker reports ready, training lowers the loss, the quiver is drawn and changes, a click
// adds a Langevin chain, digit frames render, a diverging run is caught, the failure states are
// shown, and the page's losses are the Node API's bit for bit.
//
// Drives Debian's /usr/bin/chromium through playwright-core against scripts/serve.mjs with its strict
// CSP (tests/browser/harness.js). Short runs come from the page's query string (exact.steps=…);
// every wait is on a condition with a bounded timeout, never a fixed sleep, so a slow machine only
// makes the run slower. Any console error, page error or request to a host other than 127.0.0.1
// fails the test it happens in. Screenshots go to $SCOREFIELD_SCREENSHOTS (default /tmp).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  SHOTS,
  WAIT_MS,
  canvasInk,
  frameStatsWhileTraining,
  nodeLossBits,
  startSession,
  waitDone,
  waitFor,
  waitReady,
} from './harness.js';

// The server (with the strict CSP the page is written for) and the browser are shared by every test.
// openPage(t, path, options): a fresh page at `path` (relative to the server root) with console
// errors, page errors, CSP violations and off-host requests recorded (harness.js); the test fails on
// any of them at its end unless allowErrors. beforeGoto(context) runs before the page loads.
const { openAt: openPage } = await startSession();

// Waits until a canvas's accessible name (kept in step with what it shows) matches pattern.
function waitForLabel(page, id, pattern) {
  return waitFor(
    page,
    ([canvasId, source]) => new RegExp(source).test(document.getElementById(canvasId).getAttribute('aria-label') ?? ''),
    [id, pattern.source],
  );
}

test('page_loads_without_console_errors_and_worker_reports_ready', async (t) => {
  const { page } = await openPage(t, '?test=1&autoplay=0');
  await waitReady(page);
  assert.equal(await page.evaluate(() => document.documentElement.dataset.isa), 'simd128');
  assert.match(await page.textContent('#engine-status'), /SIMD128/);
  // Every run got its network; nothing trains without autoplay.
  for (const run of ['exact', 'sliced', 'digits']) {
    await waitFor(page, (r) => window.scorefieldTest.run(r).dim > 0, run);
  }
  assert.equal((await page.evaluate(() => window.scorefieldTest.run('exact'))).step, 0);
  // The data scatter is drawn (views draw only on screen; the headline's digits are above it).
  await page.locator('#data-canvas').scrollIntoViewIfNeeded();
  await waitForLabel(page, 'data-canvas', /points/);
  assert.ok((await canvasInk(page, 'data-canvas')).ink > 2000);
});

test('training_lowers_the_loss', async (t) => {
  const { page } = await openPage(t, '?test=1&exact.steps=300&sliced.steps=1&digits.steps=1');
  await waitReady(page);
  await waitDone(page, 'exact');
  const losses = await page.evaluate(() => window.scorefieldTest.losses('exact'));
  assert.equal(losses.length, 300);
  assert.ok(losses.every(Number.isFinite));
  const mean = (a) => a.reduce((s, v) => s + v, 0) / a.length;
  const first = mean(losses.slice(0, 20)),
    last = mean(losses.slice(-20));
  assert.ok(last < first - 0.5, `loss went from ${first} to ${last}`);
  const readout = await page.textContent('.toolbar[data-run="exact"] .readout:first-child output');
  assert.equal(readout, '300 / 300');
});

// The canvas's ink once it has some, and differs from `previous` when given (a view draws on the frame
// after its label changes, and only while on screen: the headline above can still grow and push it
// down after the anchor's scroll), or the last reading after WAIT_MS.
async function inkOnceDrawn(page, id, previous = null) {
  await page.locator(`#${id}`).scrollIntoViewIfNeeded();
  const until = Date.now() + WAIT_MS;
  const drawn = (ink) => ink.green > 1000 && ink.hash !== previous?.hash;
  let ink = await canvasInk(page, id);
  while (!drawn(ink) && Date.now() < until) {
    await page.waitForTimeout(100);
    ink = await canvasInk(page, id);
  }
  return ink;
}

test('quiver_is_not_blank_and_changes_after_training', async (t) => {
  const { page } = await openPage(t, '?test=1&autoplay=0&exact.steps=200#exact');
  await waitReady(page);
  const label = () => page.getAttribute('#exact-quiver', 'aria-label');
  await waitForLabel(page, 'exact-quiver', /step 0\b/);
  const before = await inkOnceDrawn(page, 'exact-quiver');
  assert.ok(before.green > 1000, `only ${before.green} green pixels in the untrained quiver`);
  await page.click('.toolbar[data-run="exact"] button:has-text("Play")');
  await waitDone(page, 'exact');
  await waitForLabel(page, 'exact-quiver', /step 200\b/);
  const afterTraining = await inkOnceDrawn(page, 'exact-quiver', before);
  assert.ok(afterTraining.green > 1000, `only ${afterTraining.green} green pixels after training`);
  assert.notEqual(afterTraining.hash, before.hash, `the quiver did not change: ${await label()}`);
  await page.locator('#exact').screenshot({ path: join(SHOTS, 'scorefield-exact.png') });
});

test('clicking_the_chains_canvas_adds_a_chain', async (t) => {
  const { page } = await openPage(t, '?test=1&exact.steps=50&sliced.steps=1&digits.steps=1#langevin');
  await waitReady(page);
  await waitDone(page, 'exact');
  await waitFor(page, () => window.scorefieldTest.chains().drawn === 3);
  const box = await page.locator('#langevin-canvas').boundingBox();
  await page.mouse.click(box.x + box.width * 0.6, box.y + box.height * 0.4);
  await waitFor(page, () => window.scorefieldTest.chains().drawn === 4);
  await waitForLabel(page, 'langevin-canvas', /4 Langevin chains/);
  // Keyboard: the sampler's controls are labelled form fields ...
  const temperature = page.locator('#langevin-controls').getByLabel('Temperature');
  await temperature.fill('0');
  await temperature.press('Enter');
  await temperature.blur();
  await waitFor(page, () => {
    const c = window.scorefieldTest.chains();
    return c.version === c.current && c.drawn === 4;
  });
  // ... and a start point can be typed instead of clicked.
  await page.locator('#langevin-controls').getByRole('button', { name: 'Add chain' }).click();
  await waitFor(page, () => window.scorefieldTest.chains().drawn === 5);
  await page.locator('#langevin').screenshot({ path: join(SHOTS, 'scorefield-langevin.png') });
});

test('digit_frames_render_play_pause_and_scrub', async (t) => {
  const { page } = await openPage(t, '?test=1&autoplay=0&digits.steps=30#digits');
  await waitReady(page);
  await page.click('.toolbar[data-run="digits"] button:has-text("Play")');
  await waitDone(page, 'digits');
  await waitFor(
    page,
    () => window.scorefieldTest.digitFrameCount() === 51 && window.scorefieldTest.digitFramesRendered() > 0,
  );
  await page.click('#player-play'); // pause the animation
  await waitFor(page, () => document.getElementById('player-play').textContent === 'Play');
  // Views draw only on screen: bring the image in before scrubbing.
  await page.locator('#digit-image').scrollIntoViewIfNeeded();
  await page.locator('#player-frame').fill('7');
  await waitForLabel(page, 'digit-image', /step 7 \/ 50/);
  assert.equal(await page.textContent('#player-frame-out'), 'step 7 of 50');
  for (const id of ['digit-image', 'digit-grid', 'digit-filmstrip']) {
    await page.locator(`#${id}`).scrollIntoViewIfNeeded();
    await waitFor(page, (c) => /step 7\b|frame 7\b/.test(document.getElementById(c).getAttribute('aria-label')), id);
    const ink = await canvasInk(page, id);
    assert.ok(ink.ink > ink.pixels * 0.1, `${id} is nearly blank (${ink.ink} of ${ink.pixels} pixels)`);
  }
  await page.locator('#digits').screenshot({ path: join(SHOTS, 'scorefield-digits.png') });
});

test('same_seed_gives_the_node_apis_losses_bit_for_bit', async (t) => {
  const steps = 10;
  const { page } = await openPage(t, `?test=1&autoplay=0&exact.objective=sliced&exact.seed=42&exact.steps=${steps}`);
  await waitReady(page);
  await page.click('.toolbar[data-run="exact"] button:has-text("Play")');
  await waitDone(page, 'exact');
  const pageBits = await page.evaluate(() => window.scorefieldTest.lossBits('exact'));

  const nodeBits = await nodeLossBits(steps);
  assert.equal(await page.evaluate(() => document.documentElement.dataset.isa), 'simd128');
  assert.deepEqual(pageBits, nodeBits);
});

test('diverged_training_pauses_and_offers_a_lower_learning_rate', async (t) => {
  const { page } = await openPage(t, '?test=1&autoplay=0&exact.lr=100000&exact.steps=50#exact');
  await waitReady(page);
  await page.click('.toolbar[data-run="exact"] button:has-text("Play")');
  const status = page.locator('.toolbar[data-run="exact"] .run-status');
  await status.getByText('Training diverged').waitFor({ timeout: WAIT_MS });
  const run = await page.evaluate(() => window.scorefieldTest.run('exact'));
  assert.ok(run.diverged && !run.playing);
  assert.ok((await page.evaluate(() => window.scorefieldTest.losses('exact'))).every(Number.isFinite));
  await status.getByRole('button', { name: /learning rate 10000/ }).click();
  assert.equal(await page.locator('.toolbar[data-run="exact"]').getByLabel('Learning rate').inputValue(), '10000');
});

test('a_rejected_setting_is_explained_and_not_applied', async (t) => {
  const { page } = await openPage(t, '?test=1&autoplay=0');
  await waitReady(page);
  const batch = page.locator('.toolbar[data-run="exact"]').getByLabel('Batch size');
  await batch.fill('0');
  await batch.press('Enter');
  await batch.blur();
  const error = page.locator('.toolbar[data-run="exact"] .field-error');
  await error.getByText('Batch size must be between').waitFor({ timeout: WAIT_MS });
  assert.equal(await batch.getAttribute('aria-invalid'), 'true');
  assert.equal((await page.evaluate(() => window.scorefieldTest.run('exact'))).settings.batch, 128);
  await batch.fill('64'); // a valid value clears the message and is applied
  await batch.press('Enter');
  await waitFor(page, () => window.scorefieldTest.run('exact').settings.batch === 64);
  assert.equal(await batch.getAttribute('aria-invalid'), null);
});

test('scalar_fallback_is_announced', async (t) => {
  const { page } = await openPage(t, '?test=1&autoplay=0&simd=scalar');
  await waitReady(page);
  assert.equal(await page.evaluate(() => document.documentElement.dataset.isa), 'scalar');
  assert.match(await page.textContent('#alerts'), /scalar build/);
});

test('a_core_that_cannot_load_is_reported', async (t) => {
  const { page } = await openPage(t, '?test=1', {
    allowErrors: true, // the blocked .wasm request itself logs a console error
    beforeGoto: (context) => context.route('**/*.wasm', (route) => route.abort()),
  });
  await waitFor(page, () => document.documentElement.dataset.worker === 'failed');
  assert.match(await page.textContent('#alerts'), /cannot train anything/);
});

test('canvases_are_crisp_at_device_pixel_ratio_2_and_follow_resizes', async (t) => {
  const { page } = await openPage(t, '?test=1&autoplay=0#exact', { deviceScaleFactor: 2 });
  await waitReady(page);
  const size = () =>
    page.evaluate(() => {
      const c = document.getElementById('exact-quiver');
      return { backing: c.width, css: c.clientWidth, label: c.getAttribute('aria-label') };
    });
  await waitForLabel(page, 'exact-quiver', /step 0\b/);
  const wide = await size();
  assert.equal(wide.backing, 2 * wide.css);
  await page.setViewportSize({ width: 640, height: 900 }); // one column: the quiver gets wider
  await page.locator('#exact-quiver').scrollIntoViewIfNeeded(); // views redraw only on screen
  await waitFor(
    page,
    (css) => {
      const c = document.getElementById('exact-quiver');
      return c.clientWidth !== css && c.width === 2 * c.clientWidth;
    },
    wide.css,
  );
  assert.ok((await canvasInk(page, 'exact-quiver')).green > 1000, 'the quiver was not redrawn after the resize');
});

test('main_thread_stays_smooth_while_training', async (t) => {
  const { page } = await openPage(t, '?test=1&exact.steps=600&sliced.steps=1&digits.steps=1#exact');
  await waitReady(page);
  const stats = await frameStatsWhileTraining(t, page); // scrolling while it trains, as a reader would
  // A generous bound for headless Chromium on a busy 2-core machine (measured: p95 16.8 ms); training
  // on the main thread, or one ~100 ms draw per field update, would break it.
  assert.ok(stats.frames > 10, 'too few animation frames recorded');
  assert.ok(stats.p95 < 100, `p95 frame time ${stats.p95} ms`);
});
