// readout.test.js — the read-outs of the plots (web/app/plot-readout.js), in headless Chromium: on the
// page's loss plot the pointer shows the step and loss under it, the focused plot's arrow keys, Home
// and End move along the steps, the zoom checkbox fits the plot to the last 200 steps (and the
// read-out stays within them); the widget's loss plot is the same component and does the same (loaded
// when the plot is first focused or pointed at, so that a figure nobody reads loads less); the
// NCSN section's quality plot reads its measurements the same way; the steps before a loaded weights
// file read as not known. Every text is checked against the losses or measurements the page itself reports.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SHOTS, openPage, startBrowser, startServer, waitFor } from './harness.js';

const base = await startServer({ csp: true });
const browser = await startBrowser();

const readoutOf = (target, canvas) =>
  target.evaluate((c) => c.closest('figure, .sf-panel, div').querySelector('.plot-readout').textContent, canvas);
const lossText = (step, loss) => `step ${step}: loss ${loss.toPrecision(4)}`;

// The pixel hash of a canvas (read through a copy: reading the page's own canvas repeatedly warns).
const hashOf = (canvas) =>
  canvas.evaluate((c) => {
    const copy = new OffscreenCanvas(c.width, c.height).getContext('2d', { willReadFrequently: true });
    copy.drawImage(c, 0, 0);
    const { data } = copy.getImageData(0, 0, c.width, c.height);
    let hash = 0;
    for (let i = 0; i < data.length; i++) hash = (hash * 31 + data[i]) >>> 0;
    return hash;
  });

test('the_page_loss_plot_reads_out_under_the_pointer_and_the_arrow_keys_and_zooms_on_the_last_steps', async (t) => {
  const { page } = await openPage(t, browser, `${base}?test=1&exact.steps=300&sliced.steps=1&digits.steps=1`);
  await waitFor(page, () => window.scorefieldTest?.run('exact').done && !window.scorefieldTest.run('exact').playing);
  const losses = await page.evaluate(() => window.scorefieldTest.losses('exact'));
  assert.equal(losses.length, 300);
  const canvas = await page.$('#exact-loss');
  await canvas.scrollIntoViewIfNeeded();
  // Views draw only on screen: the read-out knows the points once the plot is drawn.
  await waitFor(page, () => /: 300 steps/.test(document.getElementById('exact-loss').getAttribute('aria-label')));

  // The pointer: at the right end of the plot area the last step, at the left end the first.
  const box = await canvas.boundingBox();
  await page.mouse.move(box.x + box.width - 15, box.y + box.height / 2);
  await waitFor(page, () => /^step 300: loss /.test(document.querySelector('#exact .plot-readout').textContent));
  assert.equal(await readoutOf(page, canvas), lossText(300, losses[299]));
  await page.mouse.move(box.x + 47, box.y + box.height / 2);
  await waitFor(page, () => /^step [1-5]: loss /.test(document.querySelector('#exact .plot-readout').textContent));

  // The keyboard: Tab reaches the plot (it is focusable); End, arrows, Home.
  await canvas.focus();
  assert.equal(await page.evaluate(() => document.activeElement.id), 'exact-loss');
  assert.equal(await canvas.evaluate((c) => c.tabIndex), 0);
  await page.keyboard.press('End');
  assert.equal(await readoutOf(page, canvas), lossText(300, losses[299]));
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  assert.equal(await readoutOf(page, canvas), lossText(298, losses[297]));
  await page.keyboard.press('Shift+ArrowLeft');
  assert.equal(await readoutOf(page, canvas), lossText(288, losses[287]));
  await page.keyboard.press('Home');
  assert.equal(await readoutOf(page, canvas), lossText(1, losses[0]));
  const before = await hashOf(canvas);

  // The zoom: the last 200 steps; Home is now step 101 and the plot is redrawn.
  const zoom = await page.$('#exact .plot-zoom-toggle');
  assert.match(await page.evaluate(() => document.querySelector('#exact .plot-zoom').textContent), /last 200 steps/);
  await zoom.focus();
  await page.keyboard.press('Space');
  assert.equal(await zoom.evaluate((z) => z.checked), true);
  await canvas.focus();
  await page.keyboard.press('Home');
  assert.equal(await readoutOf(page, canvas), lossText(101, losses[100]));
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  assert.notEqual(await hashOf(canvas), before, 'the zoomed plot looks the same');
  await (await page.$('#exact .figure-row')).screenshot({ path: join(SHOTS, 'scorefield-loss-readout.png') });
  await page.keyboard.press('Escape');
  assert.equal(await readoutOf(page, canvas), '');
});

test('the_widget_loss_plot_has_the_same_read_out_and_zoom', async (t) => {
  const { page } = await openPage(t, browser, `${base}blog.html`);
  await waitFor(page, () => document.querySelector('#roll')?.state?.().lossCount >= 30);
  await page.evaluate(() => document.querySelector('#roll').pause());
  await waitFor(page, () => !document.querySelector('#roll').state().playing);
  const losses = await page.evaluate(() => document.querySelector('#roll').losses());
  const canvas = await page.$('#roll >> .sf-loss canvas');
  await canvas.scrollIntoViewIfNeeded();
  // A widget loads its read-out when the plot is first focused or pointed at; the plot is focusable before.
  assert.equal(
    await canvas.evaluate((c) => [c.tabIndex, !!c.closest('figure').querySelector('.plot-readout')].join()),
    '0,false',
  );
  await canvas.focus();
  await page.waitForFunction((c) => c.closest('figure').querySelector('.plot-readout'), canvas);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  await page.keyboard.press('End');
  const n = losses.length;
  assert.equal(await readoutOf(page, canvas), lossText(n, losses[n - 1]));
  await page.keyboard.press('ArrowLeft');
  assert.equal(await readoutOf(page, canvas), lossText(n - 1, losses[n - 2]));
  const box = await canvas.boundingBox();
  await page.mouse.move(box.x + 47, box.y + box.height / 2);
  await page.waitForFunction(
    (c) => /^step [1-9]\d?: loss /.test(c.closest('figure').querySelector('.plot-readout').textContent),
    canvas,
  );
  assert.equal(await page.locator('#roll >> .plot-zoom-toggle').count(), 1);
  await (await page.$('#roll')).screenshot({ path: join(SHOTS, 'scorefield-widget-readout.png') });
});

test('the_ncsn_quality_plot_reads_out_its_measurements', async (t) => {
  const quick = 'test=1&autoplay=0&ncsn.steps=200&ncsn.edEvery=100&ncsn.particles=500&ncsn.annealSteps=20';
  const { page } = await openPage(t, browser, `${base}?${quick}#ncsn`);
  await waitFor(page, () => window.scorefieldTest?.run('ncsn').dim > 0);
  await page.click('#ncsn-toolbar button:has-text("Play")');
  await waitFor(page, () => window.scorefieldTest.ncsn.quality().points.length === 3);
  const points = await page.evaluate(() => window.scorefieldTest.ncsn.quality().points);
  const canvas = await page.$('#ncsn-quality');
  await canvas.scrollIntoViewIfNeeded();
  await waitFor(page, () => /3 measurements/.test(document.getElementById('ncsn-quality').getAttribute('aria-label')));
  await canvas.focus();
  await page.keyboard.press('End');
  assert.match(await readoutOf(page, canvas), new RegExp(`^step ${points[2].step}: energy distance `));
  await page.keyboard.press('Home');
  assert.match(await readoutOf(page, canvas), /^step 0: energy distance /);
  await page.keyboard.press('ArrowRight');
  assert.match(await readoutOf(page, canvas), new RegExp(`^step ${points[1].step}: `));
});

test('the_loss_plot_reads_not_known_for_the_steps_before_a_loaded_weights_file', async (t) => {
  const { page } = await openPage(t, browser, `${base}?test=1&autoplay=0#langevin&exact.steps=25&exact.seed=3`);
  await waitFor(page, () => window.scorefieldTest?.run('exact').dim > 0);
  await page.locator('.toolbar[data-run="exact"]').getByRole('button', { name: 'Play' }).click();
  await waitFor(page, () => window.scorefieldTest.run('exact').done && !window.scorefieldTest.run('exact').playing);
  const bar = page.locator('#langevin-exports');
  const [file] = await Promise.all([
    page.waitForEvent('download'),
    bar.getByRole('button', { name: 'Weights', exact: true }).click(),
  ]);
  const bytes = await readFile(await file.path());
  // The file back into the run: its 25 steps are known to have happened, their losses are not.
  await bar
    .locator('input[type="file"]')
    .setInputFiles({ name: 'exact.sfw', mimeType: 'application/octet-stream', buffer: bytes });
  await waitFor(
    page,
    () => window.scorefieldTest.run('exact').generation > 1 && window.scorefieldTest.run('exact').step === 25,
  );
  const losses = await page.evaluate(() => window.scorefieldTest.losses('exact'));
  assert.ok(losses.length > 0 && losses.every((l) => l === null || Number.isNaN(l)), `losses ${losses.slice(0, 3)}`);
  const canvas = await page.$('#exact-loss');
  await canvas.scrollIntoViewIfNeeded();
  await waitFor(page, () => /: 25 steps/.test(document.getElementById('exact-loss').getAttribute('aria-label')));
  await canvas.focus();
  await page.keyboard.press('Home');
  assert.equal(await readoutOf(page, canvas), 'step 1: loss not known (before the loaded file)');
  await page.keyboard.press('End');
  assert.equal(await readoutOf(page, canvas), 'step 25: loss not known (before the loaded file)');
});
