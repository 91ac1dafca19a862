// heavy.test.js — issue 15's heavy-but-valid settings: the table's own maxima (web/core/settings.js,
// through limit()), alone and in a heavy combination, on the page (settings in the link) and in the
// iframe widget (embed/frame.html parameters). For each, one Step (or Play) must complete without the
// page stopping or restarting its worker or giving up, and where a figure is at its maximum the main
// thread's p95 frame time must stay within the frame budget.
//
// Kept to about two minutes on the shared 2-core machine: one page per case, one step each.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage as openPageAt, startBrowser, startServer, waitFor, WAIT_MS } from './harness.js';
import { paramName, settingRow } from '../../web/core/settings.js';

const baseUrl = await startServer();
const browser = await startBrowser();

const P95_BUDGET_MS = 20; // the main-thread p95 frame time
const MEASURE_MS = 3000; // ms of frames measured with a figure at its maximum
// The heavy combination at the table's maxima: the exact objective's cost grows with
// width × depth × batch; one step of it takes tens of seconds and must run in pieces the page sees
// progress from.
const HEAVY_BATCH = settingRow('batch').max;
const HEAVY = { objective: 'exact', batch: HEAVY_BATCH, width: 'max', depth: 'max' };
const TROUBLE = /restarted|stopped by the page|cannot train|did not answer/i;

/** A setting's value for a link: 'max' is the table's maximum (its row's max, from the core's limits). */
function valueOf(name, value) {
  return value === 'max' ? settingRow(name).max : value;
}

/** `run.param=value&…` for the page's link. */
function runQuery(run, settings) {
  return Object.entries(settings)
    .map(([name, value]) => `${run}.${paramName(name)}=${valueOf(name, value)}`)
    .join('&');
}

async function alerts(page) {
  return (await page.textContent('#alerts')) ?? '';
}

/** Opens the page with settings for the exact run, waits for the worker and checks they took effect. */
async function openWith(t, settings, extra = '') {
  const { page } = await openPageAt(t, browser, `${baseUrl}?test=1&autoplay=0&${runQuery('exact', settings)}${extra}`);
  await waitFor(page, () => document.documentElement.dataset.worker);
  assert.equal(await page.evaluate(() => document.documentElement.dataset.worker), 'ready', await alerts(page));
  const got = await page.evaluate(() => window.scorefieldTest.run('exact').settings);
  for (const [name, value] of Object.entries(settings)) assert.equal(got[name], valueOf(name, value), name);
  return page;
}

/** Presses Step on the exact run and waits until the step is taken; nothing may be restarted on the way. */
async function stepOnce(page) {
  const before = await page.evaluate(() => window.scorefieldTest.run('exact').step);
  await page.click('.toolbar[data-run="exact"] button:has-text("Step")');
  await page.waitForFunction(
    ([from, trouble]) =>
      window.scorefieldTest.run('exact').step > from ||
      new RegExp(trouble, 'i').test(document.getElementById('alerts').textContent),
    [before, TROUBLE.source],
    { timeout: 2 * WAIT_MS },
  );
  const text = await alerts(page);
  assert.doesNotMatch(text, TROUBLE, 'the page stopped or restarted its worker');
  const run = await page.evaluate(() => window.scorefieldTest.run('exact'));
  assert.equal(run.step, before + 1, `the step was not taken: ${text}`);
  assert.equal(run.error ?? '', '', run.error);
}

/** Main-thread frame times over MEASURE_MS: { p95, … } from the page's frame stats. */
async function frameTimes(page) {
  await page.evaluate(() => window.scorefieldTest.resetFrameStats());
  await page.waitForTimeout(MEASURE_MS);
  return page.evaluate(() => window.scorefieldTest.frameStats());
}

for (const name of ['batch', 'width', 'depth']) {
  test(`the_table_maximum_of_${name}_alone_steps_without_a_restart`, async (t) => {
    const page = await openWith(t, { [name]: 'max' });
    await stepOnce(page);
  });
}

test('the_table_maximum_of_steps_plays_without_a_restart', async (t) => {
  const page = await openWith(t, { steps: 'max' });
  await page.click('.toolbar[data-run="exact"] button:has-text("Play")');
  await waitFor(page, () => window.scorefieldTest.run('exact').step >= 20);
  await page.click('.toolbar[data-run="exact"] button:has-text("Pause")');
  assert.doesNotMatch(await alerts(page), TROUBLE);
});

// Known failure (issue 15, items 1 and 7 of its list): the chains of the exact run are computed in one
// call of the worker, which at 10⁶ steps stays silent for longer than the page waits, and the page
// restarts it; announcing the call as long work (longJob in worker.js) is not enough, since the chains
// figure then draws every one of the 10⁶ steps of every chain and freezes the main thread for > 30 s.
const CHAINS_NOT_IN_PIECES =
  'issue 15 items 1 and 7: chains at 10⁶ steps restart the worker; their figure is not decimated';

test(
  'the_table_maximum_of_chain_steps_keeps_the_chains_figure_within_the_frame_budget',
  { todo: CHAINS_NOT_IN_PIECES },
  async (t) => {
    const page = await openWith(t, { chainSteps: 'max' }, '#langevin');
    await stepOnce(page);
    await page.locator('#langevin-canvas').scrollIntoViewIfNeeded();
    await waitFor(page, () => window.scorefieldTest.chains().drawn > 0);
    const stats = await frameTimes(page);
    assert.ok(
      stats.p95 <= P95_BUDGET_MS,
      `p95 frame time ${stats.p95} ms with ${settingRow('chainSteps').max} chain steps`,
    );
    assert.doesNotMatch(await alerts(page), TROUBLE);
  },
);

test('the_filmstrip_at_many_chain_steps_stays_within_the_frame_budget', async (t) => {
  // 16 chains of 64 pixels keep every frame: the table's maximum (10⁶ steps, 4 GB of frames) cannot be
  // held, so this takes 10⁵ (400 MB), where the old filmstrip drew 6.4 million cells a frame.
  const chainSteps = 100000;
  const { page } = await openPageAt(t, browser, `${baseUrl}?test=1&autoplay=0&digits.chain-steps=${chainSteps}#digits`);
  await page.locator('#digit-filmstrip').scrollIntoViewIfNeeded();
  await waitFor(page, (n) => window.scorefieldTest.digitFrameCount() === n + 1, chainSteps);
  const stats = await frameTimes(page);
  t.diagnostic(`p95 ${stats.p95} ms`);
  assert.ok(stats.p95 <= P95_BUDGET_MS, `p95 frame time ${stats.p95} ms with the filmstrip of ${chainSteps} steps`);
  assert.doesNotMatch(await alerts(page), TROUBLE);
});

test('the_heavy_combination_steps_in_pieces_without_a_restart_and_keeps_frames_smooth', async (t) => {
  const page = await openWith(t, HEAVY, '#exact');
  await page.evaluate(() => window.scorefieldTest.resetFrameStats());
  await stepOnce(page);
  const stats = await page.evaluate(() => window.scorefieldTest.frameStats());
  t.diagnostic(`p95 ${stats.p95} ms`);
  assert.ok(stats.p95 <= P95_BUDGET_MS, `p95 frame time ${stats.p95} ms during a heavy step`);
});

test('the_iframe_takes_the_heavy_combination_without_a_restart', async (t) => {
  const params = Object.entries(HEAVY)
    .map(([name, value]) => `${paramName(name)}=${valueOf(name, value)}`)
    .join('&');
  const { page } = await openPageAt(t, browser, `${baseUrl}embed/frame.html?steps=1&panels=loss,field&${params}`);
  const w = 'scorefield-widget';
  await page.waitForFunction(
    (sel) => {
      const s = document.querySelector(sel)?.state?.();
      return s && (s.step >= 1 || s.error || s.notices.length > 0);
    },
    w,
    { timeout: 2 * WAIT_MS },
  );
  const s = await page.evaluate((sel) => document.querySelector(sel).state(), w);
  assert.deepEqual(s.notices, []);
  assert.equal(s.error, '');
  assert.equal(s.step, 1);
  assert.equal(s.settings.width, settingRow('width').max);
  assert.equal(s.settings.depth, settingRow('depth').max);
  assert.equal(s.settings.batch, HEAVY_BATCH);
});
