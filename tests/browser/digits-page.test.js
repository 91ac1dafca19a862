// digits-page.test.js — the page's headline of pretrained digits (issue 17) in headless Chromium, served
// with the strict Content-Security-Policy header: the first finished grid of digits is on screen
// within FIRST_DIGITS_MS of the page's load event (measured and reported as a diagnostic), the digit
// classifier finds them digits; the class buttons change the samples and the classifier agrees with
// the class asked for; the guidance slider and the buttons write the address; bad class and guidance
// values in the address are named in a notice and change nothing; the widget's `pretrained` attribute
// draws the class it names, and a 2-D widget never downloads the model (embed.test.js measures its
// transfer size). A screenshot of the headline goes to $SCOREFIELD_SCREENSHOTS (default /tmp).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { SHOTS, WAIT_MS, openPage, startBrowser, startServer, waitFor } from './harness.js';

// The target: the first digits on screen at most 1.5 s after the page loaded from localhost.
// SCOREFIELD_FIRST_DIGITS_MS sets another bound; the figures are reported either way.
const FIRST_DIGITS_MS = Number(process.env.SCOREFIELD_FIRST_DIGITS_MS ?? 1500);
const OVERLOADED = 2; // load average per core above which the time is reported but not judged
const MODEL = '/core/scorefield-digits-model.sfw';

const base = await startServer({ csp: true });
const browser = await startBrowser();

const hero = (page) => page.evaluate(() => window.scorefieldTest.pretrained());

// The page at `query`, with the paths it requested collected in `files`.
async function openHero(t, query) {
  const files = new Set();
  const { page } = await openPage(t, browser, `${base}index.html?test=1&autoplay=0${query}`, {
    beforeGoto: (context) => context.on('request', (r) => files.add(new URL(r.url()).pathname)),
  });
  return { page, files };
}

// Waits for finished samples of job > after and their quality; returns the headline's state.
async function finished(page, after = 0) {
  await waitFor(
    page,
    (job) => {
      const s = window.scorefieldTest?.pretrained();
      return !!s && s.jobId > job && s.done && s.quality !== null;
    },
    after,
  );
  return hero(page);
}

// When the first finished grid was drawn, after navigation and after the load event, and the state.
async function firstDigits(page) {
  const s = await finished(page);
  const timing = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const marks = Object.fromEntries(performance.getEntriesByType('mark').map((m) => [m.name, m.startTime]));
    return { load: nav.loadEventEnd, marks };
  });
  const first = timing.marks['scorefield:first-digits'];
  const text =
    `${first.toFixed(0)} ms after navigation, ${(first - timing.load).toFixed(0)} ms after the load event ` +
    `(worker ready at ${timing.marks['scorefield:worker-ready']?.toFixed(0)} ms; sampling ${s.ms.toFixed(0)} ms, ` +
    `of which loading the model ${s.modelMs.toFixed(0)} ms)`;
  return { s, afterLoad: first - timing.load, text };
}

test('the_first_digits_are_on_screen_within_1_5_s_of_load_and_the_classifier_finds_them_digits', async (t) => {
  const { page, files } = await openHero(t, '');
  // A first visit in a fresh browser compiles everything; the target is for the page loaded again
  // (the browser's cache warm, as for a visitor who comes back or follows a link within the site).
  const cold = await firstDigits(page);
  await page.reload();
  const warm = await firstDigits(page);
  const s = warm.s;
  t.diagnostic(`first digits, first visit: ${cold.text}`);
  t.diagnostic(`first digits, loaded again: ${warm.text}`);
  // A time is only a measurement of the page on a machine that is not running several times its cores'
  // worth of other work (the shared 2-core development machine often is): then it is reported, not judged.
  const load = loadavg()[0],
    cores = cpus().length;
  if (load <= OVERLOADED * cores)
    assert.ok(warm.afterLoad <= FIRST_DIGITS_MS, `the first digits came ${warm.afterLoad.toFixed(0)} ms after load`);
  else t.diagnostic(`not judged: load average ${load.toFixed(1)} on ${cores} cores`);
  assert.ok(files.has(MODEL), 'the page fetched the pretrained model');
  // 'any': column k is class k; the classifier is confident about them and sees every class.
  assert.equal(s.resultClass, 'any');
  assert.deepEqual(
    s.classes.slice(0, 10),
    Array.from({ length: 10 }, (_, k) => k),
  );
  assert.ok(s.quality.confident >= 0.8, `confident share ${s.quality.confident}`);
  assert.ok(s.quality.minClassShare >= 0.05, `smallest class share ${s.quality.minClassShare}`);
  // The grid is drawn: most of its pixels are not the page's white.
  const inked = await page.evaluate(() => {
    const canvas = document.getElementById('hero-grid');
    const copy = new OffscreenCanvas(canvas.width, canvas.height).getContext('2d', { willReadFrequently: true });
    copy.drawImage(canvas, 0, 0);
    const { data } = copy.getImageData(0, 0, canvas.width, canvas.height);
    let ink = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i + 3] > 0 && data[i] + data[i + 1] + data[i + 2] < 690) ink++;
    return ink / (data.length / 4);
  });
  assert.ok(inked > 0.3, `the grid is mostly empty (${inked})`);
  await page.locator('#hero').screenshot({ path: join(SHOTS, 'scorefield-hero-digits.png') });
});

test('class_buttons_change_the_samples_and_the_classifier_agrees', async (t) => {
  const { page } = await openHero(t, '');
  let s = await finished(page);
  for (const k of [3, 7, 0]) {
    await page.click(`#hero-controls button[data-digit-class="${k}"]`);
    s = await finished(page, s.jobId);
    assert.equal(s.resultClass, k);
    assert.ok(
      s.classes.every((c) => c === k),
      `drawn for ${k}: ${s.classes}`,
    );
    assert.ok(s.quality.accuracy >= 0.9, `class ${k}: the classifier agrees with ${s.quality.accuracy}`);
    assert.equal(await page.getAttribute(`#hero-controls button[data-digit-class="${k}"]`, 'aria-pressed'), 'true');
    assert.match(await page.evaluate(() => location.hash), new RegExp(`ncsnDigits\\.digit-class=${k}`));
  }
  // The slider: guidance 0 samples again and lands in the address.
  await page.locator('#hero-guidance').fill('0');
  s = await finished(page, s.jobId);
  assert.equal(s.guidance, 0);
  assert.match(await page.evaluate(() => location.hash), /ncsnDigits\.guidance=0/);
  assert.ok(s.quality.accuracy >= 0.9, `class 0 at w = 0: ${s.quality.accuracy}`);
});

test('an_address_sets_class_and_guidance_and_bad_values_are_named_and_change_nothing', async (t) => {
  const good = await openHero(t, '#ncsnDigits.digit-class=4&ncsnDigits.guidance=3');
  const s = await finished(good.page);
  assert.deepEqual([s.resultClass, s.guidance], [4, 3]);
  assert.ok(s.quality.accuracy >= 0.9);

  const bad = await openHero(t, '#ncsnDigits.digit-class=12&ncsnDigits.guidance=-1');
  const b = await finished(bad.page);
  const alerts = await bad.page.locator('#alerts').innerText();
  assert.match(alerts, /digit-class: '12' is not one of any, 0, 1/);
  assert.match(alerts, /guidance: -1 is below the minimum 0: using 0/);
  assert.deepEqual([b.digitClass, b.resultClass, b.guidance], ['any', 'any', 0]);
  assert.equal(b.error, '');
});

test('the_widget_pretrained_attribute_draws_the_class_it_names', async (t) => {
  const files = new Set();
  const { page } = await openPage(t, browser, `${base}embed/frame.html?pretrained=1&digit-class=5&autoplay=0`, {
    beforeGoto: (context) => context.on('request', (r) => files.add(new URL(r.url()).pathname)),
  });
  await page.waitForFunction(
    () => {
      const p = document.querySelector('scorefield-widget')?.state().pretrained;
      return !!p && p.done && p.quality !== null;
    },
    null,
    { timeout: WAIT_MS },
  );
  const s = await page.evaluate(() => document.querySelector('scorefield-widget').state());
  assert.deepEqual(s.notices, []);
  assert.equal(s.pretrained.resultClass, 5);
  assert.ok(s.pretrained.quality.accuracy >= 0.9, `class 5: ${s.pretrained.quality.accuracy}`);
  assert.ok(files.has(MODEL));
  // The widget's class picker, and a bad value through set(): refused by name, nothing changes.
  const refused = await page.evaluate(() => document.querySelector('scorefield-widget').set('digit-class', '11'));
  assert.equal(refused.ok, false);
  assert.match(refused.notice, /digit-class: '11' is not one of/);
  const jobId = s.pretrained.jobId;
  await page.locator('scorefield-widget').locator('button[data-digit-class="2"]').click();
  await page.waitForFunction(
    (job) => {
      const p = document.querySelector('scorefield-widget').state().pretrained;
      return p.jobId > job && p.done && p.quality !== null;
    },
    jobId,
    { timeout: WAIT_MS },
  );
  const after = await page.evaluate(() => document.querySelector('scorefield-widget').state().pretrained);
  assert.equal(after.resultClass, 2);
  assert.ok(after.quality.accuracy >= 0.9);
  await page.locator('scorefield-widget').screenshot({ path: join(SHOTS, 'scorefield-widget-pretrained.png') });
});

// Issue 17's target for "train your own": at least half of the samples confident within 60 s of Play,
// in headless Chromium on a 2-core machine. The own net is sampled and measured as it trains. A net a
// few steps old can make blobs the classifier is sure are one digit, so the samples must also be of
// the class they were drawn for (at least half of them): digits, not a confident accident.
const OWN_TARGET = 0.5;
const OWN_BUDGET_MS = 60000;

test('train_your_own_reaches_half_confident_digits_within_60_s', async (t) => {
  const { page } = await openHero(t, '');
  await page.locator('#hero-own-toolbar').scrollIntoViewIfNeeded();
  const started = Date.now();
  await page.locator('#hero-own-toolbar button', { hasText: 'Play' }).click();
  await page.waitForFunction(
    (target) => window.scorefieldTest.pretrained().own.some((p) => p.confident >= target && p.accuracy >= target),
    OWN_TARGET,
    { timeout: OWN_BUDGET_MS },
  );
  const seconds = (Date.now() - started) / 1000;
  const own = (await hero(page)).own;
  const first = own.find((p) => p.confident >= OWN_TARGET && p.accuracy >= OWN_TARGET);
  t.diagnostic(
    `train your own: ${(first.confident * 100).toFixed(1)} % confident, ${(first.accuracy * 100).toFixed(1)} % ` +
      `as asked at step ${first.step}, ${seconds.toFixed(1)} s after Play (${own.length} readings)`,
  );
});
