// animation.test.js — the page's "Animation (GIF)" exports (web/app/exports.js, web/render/animation.js)
// downloaded as a visitor gets them, under the strict CSP, and decoded with omggif: the chains GIF
// of section 4 has a frame per Langevin step plus the start, the digits GIF of section 6 a frame per
// step of the denoising, and so does a widget's with controls (the same ExportBar); all are 480 px,
// loop forever and stay under 2 MB. The encoder is the copy build-wasm.sh puts in web/vendor/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { GifReader } from 'omggif';
import { WAIT_MS, openPage, startBrowser, startServer, waitFor } from './harness.js';

const base = await startServer({ csp: true });
const browser = await startBrowser();
const SIZE = 480; // px, web/render/animation.js DEFAULT_SIZE
const MAX_BYTES = 2 * 1024 * 1024;

const runOf = (page, name) => page.evaluate((r) => window.scorefieldTest.run(r), name);
const waitDone = (page, name) =>
  waitFor(page, (r) => window.scorefieldTest.run(r).done && !window.scorefieldTest.run(r).playing, name);

async function downloadGif(page, bar) {
  const [file] = await Promise.all([
    page.waitForEvent('download', { timeout: WAIT_MS }),
    page.locator(bar).getByRole('button', { name: 'Animation (GIF)', exact: true }).click(),
  ]);
  const bytes = new Uint8Array(await readFile(await file.path()));
  const gif = new GifReader(bytes);
  const pixels = new Uint8Array(gif.width * gif.height * 4);
  for (let f = 0; f < gif.numFrames(); f++) gif.decodeAndBlitFrameRGBA(f, pixels); // every frame decodes
  assert.deepEqual([gif.width, gif.height, gif.loopCount()], [SIZE, SIZE, 0]);
  assert.ok(bytes.length < MAX_BYTES, `${bytes.length} bytes`);
  return { name: file.suggestedFilename(), frames: gif.numFrames(), bytes };
}

test('the_chains_export_as_a_gif_with_a_frame_per_step', async (t) => {
  const { page } = await openPage(t, browser, `${base}?test=1&autoplay=0#langevin&exact.steps=25&exact.seed=3`);
  await waitFor(page, () => window.scorefieldTest?.run('exact').dim > 0);
  await page.locator('.toolbar[data-run="exact"]').getByRole('button', { name: 'Play' }).click();
  await waitDone(page, 'exact');
  // The chains of the trained network: views ask for them only on screen.
  await page.locator('#langevin-canvas').scrollIntoViewIfNeeded();
  await waitFor(page, () => {
    const c = window.scorefieldTest.chains();
    return c.drawn === 3 && c.step === window.scorefieldTest.run('exact').step;
  });
  const { chainSteps } = (await runOf(page, 'exact')).settings;
  const first = await downloadGif(page, '#langevin-exports');
  assert.match(first.name, /animation\.gif$/);
  assert.equal(first.frames, chainSteps + 1);
  const again = await downloadGif(page, '#langevin-exports');
  assert.deepEqual(again.bytes, first.bytes, 'the same chains give the same bytes');
});

test('the_digit_denoising_exports_as_a_gif_with_a_frame_per_step', async (t) => {
  const { page } = await openPage(t, browser, `${base}?test=1&autoplay=0&digits.steps=10#digits`);
  await waitFor(page, () => window.scorefieldTest?.run('digits').dim > 0);
  await page.locator('.toolbar[data-run="digits"]').getByRole('button', { name: 'Play' }).click();
  await waitDone(page, 'digits');
  await waitFor(page, () => window.scorefieldTest.digitFrameCount() > 1);
  const count = await page.evaluate(() => window.scorefieldTest.digitFrameCount());
  const { frames } = await downloadGif(page, '#digits-exports');
  assert.equal(frames, count);
});

test('a_widget_with_controls_exports_its_digit_denoising_as_a_gif', async (t) => {
  const { page } = await openPage(t, browser, `${base}embed/frame.html?dataset=digits&steps=20&controls=1`);
  const filmstripLabel = () =>
    page.evaluate(
      () =>
        document
          .querySelector('scorefield-widget')
          ?.shadowRoot?.querySelector('.sf-filmstrip canvas')
          ?.getAttribute('aria-label') ?? '',
    );
  await waitFor(page, () =>
    /Filmstrip of all \d+ frames/.test(
      document
        .querySelector('scorefield-widget')
        ?.shadowRoot?.querySelector('.sf-filmstrip canvas')
        ?.getAttribute('aria-label') ?? '',
    ),
  );
  const count = Number(/Filmstrip of all (\d+) frames/.exec(await filmstripLabel())[1]);
  const { frames } = await downloadGif(page, 'scorefield-widget');
  assert.equal(frames, count);
});

test('the_ncsn_particle_flow_exports_as_a_gif_of_101_frames_the_same_for_the_same_network_and_seed', async (t) => {
  const quick = 'test=1&autoplay=0&ncsn.steps=200&ncsn.edEvery=0&ncsn.particles=500&ncsn.annealSteps=20';
  const { page } = await openPage(t, browser, `${base}?${quick}#ncsn`);
  await waitFor(page, () => window.scorefieldTest?.run('ncsn').dim > 0);
  await page.locator('#ncsn-toolbar').getByRole('button', { name: 'Play' }).click();
  await waitDone(page, 'ncsn');
  const first = await downloadGif(page, '#ncsn-sampler');
  assert.match(first.name, /^scorefield-ncsn-\w+-step200-flow\.gif$/);
  // 10 levels × 20 steps + 1 frames, 101 of them kept evenly spaced: a 5 s loop at 20 fps.
  assert.equal(first.frames, 101);
  const again = await downloadGif(page, '#ncsn-sampler');
  assert.deepEqual(again.bytes, first.bytes, 'the same network and seed give the same bytes');
  t.diagnostic(`particle flow GIF: ${first.bytes.length} bytes`);
});
