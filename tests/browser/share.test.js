// share.test.js — the hosted page's state in its URL hash, in headless Chromium under the strict
// CSP header: changing settings writes them into the hash, and opening that link reproduces the
// losses of the run that made it bit for bit; bad hash values become a notice (as text) and the page
// still trains; a section anchor and settings share the hash; a hand-edited hash applies new
// settings; the page's export bar round-trips a weights file and the hash follows what it loaded.
//
// Harness and rules as embed.test.js (harness.js): any console error, page error, CSP violation or
// request leaving 127.0.0.1 fails the test.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { WAIT_MS, openPage, startBrowser, startServer, waitFor } from './harness.js';

const base = await startServer({ csp: true });
const browser = await startBrowser();

async function waitReady(page) {
  await waitFor(page, () => document.documentElement.dataset.worker);
  assert.equal(await page.evaluate(() => document.documentElement.dataset.worker), 'ready');
  await waitFor(page, () => window.scorefieldTest.run('exact').dim > 0);
}

const run = (page, name) => page.evaluate((r) => window.scorefieldTest.run(r), name);
const waitDone = (page, name) =>
  waitFor(page, (r) => window.scorefieldTest.run(r).done && !window.scorefieldTest.run(r).playing, name);
const lossBits = (page, name) => page.evaluate((r) => window.scorefieldTest.lossBits(r), name);

// Types a value into one of the exact run's toolbar controls and commits it.
async function setControl(page, label, value) {
  const control = page.locator('.toolbar[data-run="exact"]').getByLabel(label, { exact: true });
  if (await control.evaluate((e) => e.tagName === 'SELECT')) await control.selectOption(value);
  else {
    await control.fill(value);
    await control.press('Enter');
  }
}

test('a_link_with_a_hash_reproduces_the_losses_of_the_run_that_made_it', async (t) => {
  const { page } = await openPage(t, browser, `${base}?test=1&autoplay=0#exact`);
  await waitReady(page);
  for (const [label, value] of [
    ['Objective', 'dsm'],
    ['Seed', '7'],
    ['Batch size', '64'],
    ['Learning rate', '0.002'],
    ['Width', '48'],
    ['Depth', '1'],
    ['Steps', '30'],
  ]) {
    await setControl(page, label, value);
  }
  const temperature = page.locator('#langevin-controls').getByLabel('Temperature');
  await temperature.fill('0.5');
  await temperature.press('Enter');
  await waitFor(page, () => /temperature=0\.5/.test(location.hash));
  const hash = await page.evaluate(() => location.hash);
  assert.ok(hash.startsWith('#exact&'), hash);
  for (const part of [
    'exact.objective=dsm',
    'exact.seed=7',
    'exact.batch=64',
    'exact.lr=0.002',
    'exact.width=48',
    'exact.depth=1',
    'exact.steps=30',
    'exact.temperature=0.5',
  ]) {
    assert.ok(hash.includes(part), `${part} is not in ${hash}`);
  }
  await page.locator('.toolbar[data-run="exact"]').getByRole('button', { name: 'Play' }).click();
  await waitDone(page, 'exact');
  const made = await lossBits(page, 'exact');
  assert.equal(made.length, 30);

  const link = page.url();
  const { page: again } = await openPage(t, browser, link);
  await waitReady(again);
  const settings = (await run(again, 'exact')).settings;
  assert.deepEqual(
    [
      settings.objective,
      settings.seed,
      settings.batch,
      settings.lr,
      settings.width,
      settings.depth,
      settings.steps,
      settings.temperature,
    ],
    ['dsm', 7, 64, 0.002, 48, 1, 30, 0.5],
  );
  assert.equal(
    await again.locator('.toolbar[data-run="exact"]').getByLabel('Width', { exact: true }).inputValue(),
    '48',
  );
  await again.locator('.toolbar[data-run="exact"]').getByRole('button', { name: 'Play' }).click();
  await waitDone(again, 'exact');
  assert.deepEqual(await lossBits(again, 'exact'), made);
});

test('bad_hash_values_give_a_notice_as_text_and_a_working_page', async (t) => {
  const bad = [
    'exact.batch=0',
    'exact.steps=abc',
    'exact.steps=20',
    'exact.lr=1e-9',
    'bogus=%3Cimg%20src%3Dx%20id%3Dinjected%3E',
    'exact.dataset=%3Cb%3Ebold%3C%2Fb%3E',
    'exact.seed=%E0%A4%A',
  ];
  const { page } = await openPage(t, browser, `${base}?test=1&autoplay=0#exact&${bad.join('&')}`);
  await waitReady(page);
  const alert = await page.evaluate(() => {
    const box = document.getElementById('alerts');
    return { text: box.textContent, elements: box.querySelectorAll('img, b, script').length };
  });
  assert.equal(alert.elements, 0, 'a value from the address became markup');
  for (const expected of [
    'batch: 0 is below the minimum 1: using 1',
    "'abc' is not a number",
    'lr: 1e-9 is below the minimum',
    "'bogus' is not a setting here",
    "'<b>bold</b>' is not one of",
    'is not a well-formed setting',
  ]) {
    assert.ok(alert.text.includes(expected), `the notice lacks "${expected}": ${alert.text}`);
  }
  const { settings } = await run(page, 'exact');
  assert.deepEqual(
    [settings.batch, settings.steps, settings.lr, settings.dataset, settings.seed],
    [1, 20, 1e-7, 'swiss_roll', 42],
  );
  await page.locator('.toolbar[data-run="exact"]').getByRole('button', { name: 'Play' }).click();
  await waitDone(page, 'exact');
  const losses = await page.evaluate(() => window.scorefieldTest.losses('exact'));
  assert.equal(losses.length, 20);
  assert.ok(losses.every(Number.isFinite));
});

test('a_section_anchor_and_settings_share_the_hash_and_an_edited_hash_applies', async (t) => {
  const { page } = await openPage(t, browser, `${base}?test=1&autoplay=0#langevin&exact.steps=77`);
  await waitReady(page);
  assert.equal((await run(page, 'exact')).settings.steps, 77);
  await waitFor(page, () => Math.abs(document.getElementById('langevin').getBoundingClientRect().top) < 50);
  // A link to a section keeps the settings (written back after the anchor), without a reload.
  await page.evaluate(() => {
    window.sameDocument = true;
    location.hash = '#digits';
  });
  await waitFor(page, () => location.hash === '#digits&exact.steps=77');
  assert.equal(await page.evaluate(() => window.sameDocument), true);
  // A hash edited by hand reloads the page with its settings.
  await Promise.all([
    page.waitForEvent('load', { timeout: WAIT_MS }),
    page.evaluate(() => {
      location.hash = '#exact&exact.steps=88';
    }),
  ]);
  await waitReady(page);
  assert.equal(await page.evaluate(() => window.sameDocument), undefined);
  assert.equal((await run(page, 'exact')).settings.steps, 88);
});

test('the_page_exports_a_weights_file_and_loads_it_back_into_the_hash', async (t) => {
  const { page } = await openPage(
    t,
    browser,
    `${base}?test=1&autoplay=0#langevin&exact.steps=25&exact.seed=3&exact.objective=exact`,
  );
  await waitReady(page);
  await page.locator('.toolbar[data-run="exact"]').getByRole('button', { name: 'Play' }).click();
  await waitDone(page, 'exact');
  const bar = page.locator('#langevin-exports');
  const [file] = await Promise.all([
    page.waitForEvent('download', { timeout: WAIT_MS }),
    bar.getByRole('button', { name: 'Weights', exact: true }).click(),
  ]);
  const bytes = await readFile(await file.path());
  assert.equal(bytes.toString('latin1', 0, 8), 'SCOREFLD');
  await waitFor(page, () => window.scorefieldTest.chains().drawn === 3);
  const [svg] = await Promise.all([
    page.waitForEvent('download', { timeout: WAIT_MS }),
    bar.getByRole('button', { name: 'SVG', exact: true }).click(),
  ]);
  assert.match(await readFile(await svg.path(), 'utf8'), /^<svg [^>]*viewBox=/);
  // Another network, then the file: its settings come back into the controls and the hash.
  await setControl(page, 'Seed', '11');
  await waitFor(
    page,
    () => window.scorefieldTest.run('exact').step === 0 && window.scorefieldTest.run('exact').settings.seed === 11,
  );
  await bar
    .locator('input[type="file"]')
    .setInputFiles({ name: 'exact.sfw', mimeType: 'application/octet-stream', buffer: bytes });
  await waitFor(page, () => window.scorefieldTest.run('exact').step === 25 && /exact\.seed=3\b/.test(location.hash));
  assert.equal(await page.locator('.toolbar[data-run="exact"]').getByLabel('Seed', { exact: true }).inputValue(), '3');
  // A damaged file is refused by name; the run keeps its network.
  const damaged = Buffer.from(bytes);
  damaged[200] ^= 0xff;
  const generation = (await run(page, 'exact')).generation;
  await bar
    .locator('input[type="file"]')
    .setInputFiles({ name: 'damaged.sfw', mimeType: 'application/octet-stream', buffer: damaged });
  await waitFor(page, () => /corrupted weights file/.test(document.getElementById('alerts').textContent));
  const after = await run(page, 'exact');
  assert.deepEqual([after.step, after.generation, after.settings.seed], [25, generation, 3]);
});
