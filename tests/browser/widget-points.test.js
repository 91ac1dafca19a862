// widget-points.test.js — a widget with controls takes the user's own points: a file picked with its
// "Load points…" button or dropped on its 2-D plot replaces the run's data and trains the bits the Node
// API trains on the same points (model.setPoints), fitted into the plot by the core (sf.fitPoints) with
// the fit option or clamped to its edge without; each bad file shows its problem in the notices and
// changes nothing. Screenshots (the toolbar's Data row, the drop highlight) go to $SCOREFIELD_SCREENSHOTS.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createScorefield } from '../../web/core/scorefield.js';
import { MAX_POINTS_FILE_BYTES } from '../../web/core/points-file.js';
import { SHOTS, WAIT_MS, openPage, startBrowser, startServer } from './harness.js';

const base = await startServer({ csp: true });
const browser = await startBrowser();
test.after(() => browser.close());

const BOX = { xmin: -1.5, xmax: 1.5, ymin: -1.5, ymax: 1.5 }; // the widget's plot (views.js DATA_GRID)
const SETTINGS = { objective: 'dsm', batch: 32, lr: 0.003, width: 32, depth: 1, seed: 3, steps: 20 };
const state = (page) => page.evaluate(() => document.getElementById('w').state());

async function openWidget(t, extra = {}) {
  const { page } = await openPage(t, browser, `${base}embed/frame.html?autoplay=0&panels=loss`);
  await page.evaluate(
    (attrs) => {
      const w = document.createElement('scorefield-widget');
      w.id = 'w';
      for (const [k, v] of Object.entries(attrs)) if (v !== null) w.setAttribute(k, String(v));
      document.body.append(w);
    },
    { controls: '1', autoplay: '0', panels: 'chains loss', dataset: 'moons', ...SETTINGS, ...extra },
  );
  await page.locator('#w').scrollIntoViewIfNeeded();
  await page.waitForFunction(() => document.getElementById('w').state().dim === 2, null, { timeout: WAIT_MS });
  await page.locator('#w .sf-load-points').waitFor({ timeout: WAIT_MS });
  return page;
}

// The losses of `steps` steps on `points` through the Node API, as bits.
async function nodeLosses(isa, points) {
  const sf = await createScorefield({ simd: isa === 'simd128', digits: false });
  const model = sf.createModel({ dim: 2, hidden: SETTINGS.width, depth: SETTINGS.depth, seed: SETTINGS.seed });
  model.setPoints(points);
  model.configureTraining({ dataset: 'points', objective: SETTINGS.objective, batch: SETTINGS.batch, lr: SETTINGS.lr });
  const losses = Array.from(new Uint32Array(model.train(SETTINGS.steps).buffer));
  model.dispose();
  return { sf, losses };
}

async function trainedLosses(page) {
  await page.evaluate(() => document.getElementById('w').play());
  await page.waitForFunction(
    (steps) => {
      const s = document.getElementById('w').state();
      return s.step === steps && !s.playing;
    },
    SETTINGS.steps,
    { timeout: WAIT_MS },
  );
  return page.evaluate(() =>
    Array.from(new Uint32Array(Float32Array.from(document.getElementById('w').losses()).buffer)),
  );
}

const CSV = 'x,y\n100,200\n300,250\n200,400\n150,300\n0.5,-0.25\n';

// Picks CSV with the Load points… input; returns the widget's state once it trains on the points,
// with no notice.
async function pickCsv(page) {
  await page
    .locator('#w input.sf-points-file')
    .setInputFiles({ name: 'far.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });
  await page.waitForFunction(() => document.getElementById('w').state().settings.dataset === 'points', null, {
    timeout: WAIT_MS,
  });
  const s = await state(page);
  assert.deepEqual(s.notices, []);
  return s;
}

test('a_picked_file_trains_what_model_setPoints_trains_clamped_without_fit', async (t) => {
  const page = await openWidget(t);
  const s = await pickCsv(page);
  // The toolbar's dataset menu says so (an option no attribute names: shown, not choosable).
  const menu = page.locator('#w select[name="dataset"]');
  assert.equal(await menu.inputValue(), 'points');
  assert.equal(await menu.locator('option[value="points"]').evaluate((o) => o.disabled), true);
  const clamped = new Float32Array([1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 0.5, -0.25]);
  const { losses } = await nodeLosses(s.isa, clamped);
  assert.deepEqual(await trainedLosses(page), losses, 'the same bits as model.setPoints on the clamped points');
  await page.locator('#w').screenshot({ path: join(SHOTS, 'scorefield-widget-points.png') });
});

test('a_dropped_file_with_fit_trains_on_the_points_sf_fitPoints_makes', async (t) => {
  const page = await openWidget(t, { fit: '1' });
  assert.equal(await page.locator('#w .sf-fit input').isChecked(), true, 'the toolbar shows the fit attribute');
  const figure = page.locator('#w .sf-chains');
  await page.evaluate(() => {
    const fig = document.getElementById('w').shadowRoot.querySelector('.sf-chains');
    const dt = new DataTransfer();
    dt.items.add(new File(['x'], 'x.csv', { type: 'text/csv' }));
    fig.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
  });
  assert.equal(await figure.evaluate((f) => f.classList.contains('is-drop-target')), true, 'the drop highlight');
  await page.locator('#w').screenshot({ path: join(SHOTS, 'scorefield-widget-drop.png') });
  await page.evaluate((csv) => {
    const fig = document.getElementById('w').shadowRoot.querySelector('.sf-chains');
    const dt = new DataTransfer();
    dt.items.add(new File([csv], 'far.csv', { type: 'text/csv' }));
    fig.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, CSV);
  await page
    .waitForFunction(() => document.getElementById('w').state().settings.dataset === 'points', null, {
      timeout: 8000,
    })
    .catch(async (e) => {
      console.log(JSON.stringify(await state(page)));
      throw e;
    });
  assert.equal(await figure.evaluate((f) => f.classList.contains('is-drop-target')), false);
  const s = await state(page);
  assert.deepEqual(s.notices, []);
  const sf = await createScorefield({ simd: s.isa === 'simd128', digits: false });
  const fitted = sf.fitPoints(sf.readPoints(Buffer.from(CSV)), BOX);
  const { losses } = await nodeLosses(s.isa, fitted);
  assert.deepEqual(await trainedLosses(page), losses, 'the same bits as model.setPoints on sf.fitPoints');
});

// The iframe takes `fit` as a parameter of its address, like the widget's attribute.
test('the_iframe_takes_fit_from_its_address_and_fits_a_picked_file', async (t) => {
  const query = new URLSearchParams({
    autoplay: '0',
    controls: '1',
    fit: '1',
    panels: 'chains,loss',
    dataset: 'moons',
  });
  for (const [k, v] of Object.entries(SETTINGS)) query.set(k, String(v));
  const { page } = await openPage(t, browser, `${base}embed/frame.html?${query}`);
  await page.evaluate(() => (document.querySelector('scorefield-widget').id = 'w'));
  await page.waitForFunction(() => document.getElementById('w').state().dim === 2, null, { timeout: WAIT_MS });
  assert.equal(await page.locator('#w .sf-fit input').isChecked(), true, "the Data row shows the address's fit");
  const s = await pickCsv(page);
  const sf = await createScorefield({ simd: s.isa === 'simd128', digits: false });
  const { losses } = await nodeLosses(s.isa, sf.fitPoints(sf.readPoints(Buffer.from(CSV)), BOX));
  assert.deepEqual(await trainedLosses(page), losses, 'the same bits as model.setPoints on sf.fitPoints');
});

// A score-SDE widget (the samplers panel, objective vesde by itself) has the Data row too: a file
// fitted into section 8's box, on which its network trains the bits the Node API trains.
test('a_score_sde_widget_trains_on_a_picked_file_fitted_to_its_box', async (t) => {
  const page = await openWidget(t, { panels: 'samplers loss', dataset: 'mixture', objective: null, fit: '1' });
  assert.equal((await state(page)).settings.objective, 'vesde');
  const s = await pickCsv(page);
  const sf = await createScorefield({ simd: s.isa === 'simd128', digits: false });
  const fitted = sf.fitPoints(sf.readPoints(Buffer.from(CSV)), { xmin: -2, xmax: 2, ymin: -2, ymax: 2 }); // NCSN_BOX
  const { width, depth, seed, batch, lr, sigmaMax, sigmaMin, levels } = s.settings;
  const model = sf.createModel({ dim: 2, hidden: width, depth, seed, noiseConditional: true });
  model.setPoints(fitted);
  model.configureTraining({ dataset: 'points', objective: 'vesde', batch, lr });
  model.configureTraining({ sigmaMax, sigmaMin, levels });
  const losses = Array.from(new Uint32Array(model.train(SETTINGS.steps).buffer));
  model.dispose();
  assert.deepEqual(await trainedLosses(page), losses, 'the same bits as the Node API on sf.fitPoints into the box');
  await page.locator('#w').screenshot({ path: join(SHOTS, 'scorefield-widget-sde-points.png') });
});

// Every bad file of BAD_INPUT.md's widget row: [what, file name, bytes, the notice's pattern].
const BAD_FILES = [
  ['not numbers', 'words.csv', Buffer.from('x,y\n1,2\n3,abc\n'), /line 3.*"abc" is not a number/],
  ['a NaN', 'nan.csv', Buffer.from('1,2\nNaN,3\n'), /line 2/],
  ['one column', 'one.csv', Buffer.from('1\n2\n3\n'), /line 1/],
  ['too many points', 'many.csv', Buffer.from('0,0\n'.repeat(4097)), /4096/],
  ['a huge file', 'huge.csv', Buffer.alloc(MAX_POINTS_FILE_BYTES + 1, 0x30), /over the limit of 10485760 bytes/],
  ['a binary', 'bin.csv', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3, 0xff, 0xfe]), /binary content/],
];

test('each_bad_file_shows_its_problem_and_changes_nothing', async (t) => {
  const page = await openWidget(t, { steps: 1000000, batch: 1024, width: 128, depth: 2 }); // training all along
  await page.evaluate(() => document.getElementById('w').play());
  await page.waitForFunction(() => document.getElementById('w').state().step > 0, null, { timeout: WAIT_MS });
  const before = await state(page);
  const input = page.locator('#w input.sf-points-file');
  for (const [i, [what, name, bytes, pattern]] of BAD_FILES.entries()) {
    await input.setInputFiles({ name, mimeType: 'text/csv', buffer: bytes });
    await page.waitForFunction((n) => document.getElementById('w').state().notices.length === n, i + 1, {
      timeout: WAIT_MS,
    });
    const s = await state(page);
    const notice = s.notices.at(-1);
    assert.ok(notice.startsWith(`${name}: `), `${what}: ${notice}`);
    assert.match(notice, pattern, what);
    assert.equal(s.settings.dataset, 'moons', `${what} changes nothing`);
    assert.equal(s.generation, before.generation, `${what} keeps the network`);
    assert.equal(s.playing, true, `${what}: the run keeps training`);
  }
});
