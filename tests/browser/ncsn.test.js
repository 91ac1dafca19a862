// ncsn.test.js — section 7 of the hosted page (noise-conditional scores and annealed Langevin) in
// headless Chromium: the NCSN run trains (finite, falling loss) and measures its sample quality as it
// trains, the particle view streams the annealed sampler level by level and stays smooth, the learned
// field at one noise level renders beside the exact one, painted points (pointer, keyboard, typed)
// train, the digits' annealed grid renders, and plain against annealed Langevin on the mixture's exact
// score splits the chains between the modes as the paper says — all without a console message.
//
// Same harness as page.test.js: Debian's /usr/bin/chromium through playwright-core against
// scripts/serve.mjs on a free port, short runs from the address (ncsn.steps=…), every wait on a
// condition with a bounded timeout. Screenshots go to $SCOREFIELD_SCREENSHOTS (default /tmp).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { canvasInk, recordConsole, startBrowser, startServer } from './harness.js';

const SHOTS = process.env.SCOREFIELD_SCREENSHOTS ?? '/tmp';
const WAIT_MS = 60000; // ms for any one condition (runs here are a few hundred steps)
const VIEWPORT = { width: 1200, height: 900 };
// Short runs: 300 steps with a quality reading every 100, and a light sampler (500 particles, 20 steps
// a level: about a second of worker time) so that a flow runs start to end within the test.
const QUICK = 'test=1&autoplay=0&ncsn.steps=300&ncsn.edEvery=100&ncsn.particles=500&ncsn.annealSteps=20';

const baseUrl = await startServer();
const browser = await startBrowser();

// A fresh page at `path` whose console messages (any type), page errors and off-host requests fail the test.
async function openPage(t, path) {
  const context = await browser.newContext({ viewport: VIEWPORT });
  t.after(() => context.close());
  const problems = [];
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.protocol === 'data:' || url.hostname === '127.0.0.1') return route.continue();
    problems.push(`request to ${url.href}`);
    return route.abort();
  });
  const page = await context.newPage();
  recordConsole(page, problems);
  t.after(() => assert.deepEqual(problems, [], 'the page logged errors or left 127.0.0.1'));
  await page.goto(new URL(path, baseUrl).href);
  await waitFor(page, () => document.documentElement.dataset.worker);
  assert.equal(await page.evaluate(() => document.documentElement.dataset.worker), 'ready');
  return page;
}

function waitFor(page, fn, arg) {
  return page.waitForFunction(fn, arg, { timeout: WAIT_MS });
}

async function train(page, run, toolbar) {
  await waitFor(page, (r) => window.scorefieldTest.run(r).dim > 0, run);
  await page.click(`${toolbar} button:has-text("Play")`);
  await waitFor(page, (r) => window.scorefieldTest.run(r).done && !window.scorefieldTest.run(r).playing, run);
}

const mean = (a) => a.reduce((s, v) => s + v, 0) / a.length;

test('ncsn_trains_measures_quality_streams_particles_and_compares_fields', async (t) => {
  const page = await openPage(t, `?${QUICK}#ncsn`);
  await train(page, 'ncsn', '#ncsn-toolbar');
  const losses = await page.evaluate(() => window.scorefieldTest.losses('ncsn'));
  assert.equal(losses.length, 300);
  assert.ok(losses.every(Number.isFinite), 'a loss is not finite');
  const first = mean(losses.slice(0, 50)),
    last = mean(losses.slice(-50));
  assert.ok(last < first, `the loss did not fall: ${first} → ${last}`);

  // A quality reading at steps 0, 100, 200 and 300, finite, better at the end than at the start.
  await waitFor(page, () => window.scorefieldTest.ncsn.quality().points.length === 4);
  const quality = await page.evaluate(() => window.scorefieldTest.ncsn.quality());
  assert.deepEqual(
    quality.points.map((q) => q.step),
    [0, 100, 200, 300],
  );
  assert.ok(
    quality.points.every((q) => Number.isFinite(q.ed)),
    JSON.stringify(quality.points),
  );
  assert.ok(quality.points[3].ed < quality.points[0].ed, JSON.stringify(quality.points));
  assert.ok(quality.floor > 0 && quality.floor < 0.05, `true-vs-true reference ${quality.floor}`);
  await page.locator('#ncsn-quality').scrollIntoViewIfNeeded();
  await waitFor(page, () =>
    /energy distance .* at step 300/.test(document.getElementById('ncsn-quality').getAttribute('aria-label')),
  );

  // The particles: the flow starts by itself once its view is on screen, moves level by level, and
  // ends with an energy distance.
  await page.locator('#ncsn-particles').scrollIntoViewIfNeeded();
  await waitFor(page, () => window.scorefieldTest.ncsn.flow().done);
  const flow = await page.evaluate(() => window.scorefieldTest.ncsn.flow());
  assert.equal(flow.error, '');
  assert.equal(flow.level, 10);
  assert.ok(Number.isFinite(flow.ed), `no energy distance at the end of the flow: ${JSON.stringify(flow)}`);
  await waitFor(page, () =>
    /samples: energy distance/.test(document.getElementById('ncsn-particles').getAttribute('aria-label')),
  );
  // Drawn level by level (the page draws the frames it receives, at most one per display frame) ...
  assert.ok(
    flow.framesDrawn >= 10 && flow.levelsDrawn >= 5,
    `frames drawn ${flow.framesDrawn}, levels ${flow.levelsDrawn}`,
  );
  const end = await canvasInk(page, 'ncsn-particles');
  assert.ok(end.red > 200, `only ${end.red} particle pixels`);
  // ... and Sample starts again from new starts: a different picture. This flow has the page's default
  // size (2000 particles, 100 steps a level: a few seconds), and the main thread stays smooth meanwhile.
  const sampler = page.locator('#ncsn-sampler');
  for (const [label, value] of [
    ['Particles', '2000'],
    ['Steps per level T', '100'],
  ]) {
    await sampler.getByLabel(label, { exact: true }).fill(value);
    await sampler.getByLabel(label, { exact: true }).press('Enter');
  }
  await page.click('#ncsn-sampler button:has-text("Sample")');
  await waitFor(page, () => window.scorefieldTest.ncsn.flow().n === 2000 && !window.scorefieldTest.ncsn.flow().done);
  await page.evaluate(() => window.scorefieldTest.resetFrameStats());
  await waitFor(page, () => window.scorefieldTest.ncsn.flow().done);
  const stats = await page.evaluate(() => window.scorefieldTest.frameStats());
  const draws = await page.evaluate(() => window.scorefieldTest.drawTimes()['ncsn-particles']);
  await waitFor(page, () =>
    /2000 samples: energy distance/.test(document.getElementById('ncsn-particles').getAttribute('aria-label')),
  );
  assert.notEqual((await canvasInk(page, 'ncsn-particles')).hash, end.hash, 'the particles did not change');
  t.diagnostic(
    `frames during the flow ${stats.frames}: p50 ${stats.p50.toFixed(1)} ms, p95 ${stats.p95.toFixed(1)} ms, max ${stats.max.toFixed(1)} ms; ` +
      `particle draws ${draws.draws}: mean ${(draws.totalMs / draws.draws).toFixed(2)} ms, max ${draws.maxMs.toFixed(1)} ms`,
  );
  assert.ok(stats.frames > 10 && stats.p95 < 100, `frame times ${JSON.stringify(stats)}`); // generous: a loaded 2-core machine
  await page.locator('#ncsn-toolbar').scrollIntoViewIfNeeded();
  await page.locator('#ncsn-toolbar').screenshot({ path: join(SHOTS, 'scorefield-ncsn-toolbar.png') });

  // The learned field beside the exact one (eight Gaussians has a closed form), at a level set with
  // the slider: left to follow the sampler, σ moves with every flow, and each new σ redraws both
  // canvases as "Computing the field…" (no arrows) until the worker answers, so a count taken at an
  // arbitrary moment raced the flows (seen: 0 arrow pixels in 3 of 3 full runs of scripts/test.sh).
  await page.locator('#ncsn-field-true').scrollIntoViewIfNeeded();
  await waitFor(page, () => {
    const f = window.scorefieldTest.ncsn.fieldsDrawn();
    return f.learned && f.exact;
  });
  const slider = page.locator('#ncsn-sigma-level');
  await slider.focus();
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight'); // level 3 of 10: σ = 3·(0.01/3)^(2/9) = 0.845
  await waitFor(
    page,
    () =>
      /σ = 0\.84/.test(document.getElementById('ncsn-field-true').getAttribute('aria-label')) &&
      /σ = 0\.84/.test(document.getElementById('ncsn-field-learned').getAttribute('aria-label')),
  );
  // Both fields drawn at that σ: more than 1000 arrow pixels in each, seen together within WAIT_MS.
  const FIELDS = ['ncsn-field-learned', 'ncsn-field-true'];
  const drawn = await waitFor(
    page,
    (ids) =>
      ids.every((canvasId) => {
        const canvas = document.getElementById(canvasId);
        // Read through a fresh copy: reading the page's own canvas again and again makes Chromium print a
        // willReadFrequently warning, and any console message fails a test.
        const copy = new OffscreenCanvas(canvas.width, canvas.height).getContext('2d', { willReadFrequently: true });
        copy.drawImage(canvas, 0, 0);
        const { data } = copy.getImageData(0, 0, canvas.width, canvas.height);
        let green = 0;
        for (let i = 0; i < data.length; i += 4)
          green += data[i + 3] > 0 && data[i + 1] > 90 && data[i] < 80 && data[i + 2] < 80;
        return green > 1000;
      }),
    FIELDS,
  ).then(
    () => true,
    () => false,
  );
  if (!drawn) {
    for (const id of FIELDS) {
      const ink = await canvasInk(page, id);
      assert.ok(ink.green > 1000, `only ${ink.green} arrow pixels in ${id}`);
    }
    assert.fail('the two fields never showed their arrows at the same time');
  }
  await page.locator('#ncsn-sigma').screenshot({ path: join(SHOTS, 'scorefield-ncsn-sigma.png') });
  await page.locator('#ncsn').screenshot({ path: join(SHOTS, 'scorefield-ncsn.png') });
});

test('painted_points_train_from_pointer_keyboard_and_form', async (t) => {
  const page = await openPage(t, '?test=1&autoplay=0&ncsn.steps=60&ncsn.edEvery=30#ncsn');
  await waitFor(page, () => window.scorefieldTest.run('ncsn').dim === 2);
  const canvas = page.locator('#ncsn-data');
  await canvas.scrollIntoViewIfNeeded();
  await waitFor(page, () => /drag here/.test(document.getElementById('ncsn-data').getAttribute('aria-label')));
  const box = await canvas.boundingBox();
  // A stroke across the middle of the plot: one point every 0.03 data units of its path.
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.5);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.7, box.y + box.height * 0.4, { steps: 12 });
  await page.mouse.up();
  const stroke = await page.evaluate(() => window.scorefieldTest.ncsn.painted());
  assert.ok(stroke > 20, `the stroke painted ${stroke} points`);
  await waitFor(page, () => window.scorefieldTest.run('ncsn').settings.dataset === 'points');
  assert.equal(await page.locator('#ncsn-toolbar').getByLabel('Dataset').inputValue(), 'points');
  // The keyboard: focus the plot, move the brush, drop a dab (13 points) ...
  await canvas.focus();
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('Space');
  await waitFor(page, (n) => window.scorefieldTest.ncsn.painted() === n + 13, stroke);
  // ... or type a point.
  const paint = page.locator('#ncsn-paint');
  await paint.getByLabel('x', { exact: true }).fill('-1');
  await paint.getByLabel('x', { exact: true }).press('Enter');
  await paint.getByLabel('y', { exact: true }).fill('1');
  await paint.getByLabel('y', { exact: true }).press('Enter');
  await paint.getByRole('button', { name: 'Add points at (x, y)' }).click();
  await waitFor(page, (n) => window.scorefieldTest.ncsn.painted() === n + 26, stroke);
  await waitFor(page, () =>
    /your drawing: \d+ points/.test(document.getElementById('ncsn-data').getAttribute('aria-label')),
  );

  await train(page, 'ncsn', '#ncsn-toolbar');
  const losses = await page.evaluate(() => window.scorefieldTest.losses('ncsn'));
  assert.equal(losses.length, 60);
  assert.ok(losses.every(Number.isFinite));
  await waitFor(page, () => window.scorefieldTest.ncsn.quality().points.some((q) => q.step === 60));
  await canvas.screenshot({ path: join(SHOTS, 'scorefield-ncsn-painted.png') });

  // Clearing empties the drawing, and training on nothing is refused in words.
  await paint.getByRole('button', { name: 'Clear drawing' }).click();
  assert.equal(await page.evaluate(() => window.scorefieldTest.ncsn.painted()), 0);
  const steps = page.locator('#ncsn-toolbar').getByLabel('Steps', { exact: true });
  await steps.fill('80');
  await steps.press('Enter');
  await page.click('#ncsn-toolbar button:has-text("Play")');
  await page.locator('#ncsn-toolbar .run-status').getByText('no painted points').waitFor({ timeout: WAIT_MS });
});

test('digits_annealed_grid_and_mode_weights_render', async (t) => {
  const page = await openPage(t, '?test=1&autoplay=0&ncsnDigits.steps=40#ncsn');
  await train(page, 'ncsnDigits', '#ncsn-digits-toolbar');
  const losses = await page.evaluate(() => window.scorefieldTest.losses('ncsnDigits'));
  assert.ok(losses.length === 40 && losses.every(Number.isFinite));
  await page.locator('#ncsn-digits-levels').scrollIntoViewIfNeeded();
  await waitFor(page, () =>
    /after each of the 10 noise levels/.test(document.getElementById('ncsn-digits-levels').getAttribute('aria-label')),
  );
  await page.locator('#ncsn-digits-grid').scrollIntoViewIfNeeded();
  await waitFor(page, () =>
    /36 digits from the annealed sampler/.test(document.getElementById('ncsn-digits-grid').getAttribute('aria-label')),
  );
  for (const id of ['ncsn-digits-levels', 'ncsn-digits-grid']) {
    const ink = await canvasInk(page, id);
    assert.ok(ink.ink > ink.pixels * 0.2, `${id} is nearly blank (${ink.ink} of ${ink.pixels} pixels)`);
  }
  await page.locator('#ncsn-digits-levels').screenshot({ path: join(SHOTS, 'scorefield-ncsn-digits.png') });

  // Plain against annealed Langevin on the mixture's exact score: seeded, so the fractions are fixed
  // numbers; the bounds only say what the paper says (about half against about the true 20 %).
  await page.locator('#ncsn-compare-plain').scrollIntoViewIfNeeded();
  await waitFor(page, () => window.scorefieldTest.ncsn.compare() !== null);
  const { plain, annealed } = await page.evaluate(() => window.scorefieldTest.ncsn.compare());
  t.diagnostic(`small mode: plain ${plain}, annealed ${annealed}`);
  assert.ok(plain > 0.4 && plain < 0.6, `plain Langevin put ${plain} at the small mode`);
  assert.ok(annealed > 0.15 && annealed < 0.27, `annealed Langevin put ${annealed} at the small mode`);
  await waitFor(page, () =>
    /annealed Langevin: \d+ % at the small mode/.test(
      document.getElementById('ncsn-compare-annealed').getAttribute('aria-label'),
    ),
  );
  assert.ok((await canvasInk(page, 'ncsn-compare-annealed')).red > 200);
});
