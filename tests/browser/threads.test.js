// threads.test.js — the hosted page with threads=2 (issue 18) in headless Chromium: served cross-origin
// isolated (scripts/serve.mjs), its worker runs the threaded core on two threads, the engine line says
// so, the losses are the Node API's at one thread bit for bit, and the main thread stays smooth while
// both train; served without the isolation headers, the same address runs on one thread and says why.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createScorefield } from '../../web/core/scorefield.js';
import { frameStatsWhileTraining, startSession, waitDone, waitReady } from './harness.js';

const { openAt: openPage } = await startSession();

test('threads_2_on_the_isolated_page_gives_the_node_losses_of_one_thread', async (t) => {
  const steps = 40;
  const { page } = await openPage(
    t,
    `?test=1&autoplay=0&threads=2&exact.objective=sliced&exact.seed=42&exact.batch=256&exact.steps=${steps}`,
  );
  await waitReady(page);
  assert.equal(await page.evaluate(() => self.crossOriginIsolated), true);
  assert.equal(await page.evaluate(() => document.documentElement.dataset.threads), '2');
  assert.match(await page.textContent('#engine-status'), /SIMD128, 2 threads/);
  await page.click('.toolbar[data-run="exact"] button:has-text("Play")');
  await waitDone(page, 'exact');
  const pageBits = await page.evaluate(() => window.scorefieldTest.lossBits('exact'));

  // The Node API on the single-threaded module, the page's settings.
  const reference = (await createScorefield({ threads: 1 })).createModel({ dim: 2, seed: 42 });
  reference.configureTraining({ dataset: 'swiss_roll', objective: 'sliced', batch: 256, lr: 1e-3 });
  assert.deepEqual(pageBits, [...new Uint32Array(reference.train(steps).buffer)]);
});

// The page's frame times while both cores train for several seconds (4000 steps), the reader scrolling.
// Issue 18's target is p95 <= 20 ms; measured 2026-12-06 on a quiet 2-core VM: 16.7 ms in three runs of
// 630-650 frames, 33 ms with one busy process beside it, 50 ms at a load average of 2 and 383 ms at
// 18-25 (docs/performance.md). Asserted is the bound the other pages' smoothness tests take for a loaded
// machine (a frame time of 100 ms is visible stutter); the figure itself is reported.
test('main_thread_frames_stay_smooth_while_two_threads_train', async (t) => {
  const { page } = await openPage(t, '?test=1&threads=2&exact.steps=4000&sliced.steps=1&digits.steps=1#exact');
  await waitReady(page);
  assert.equal(await page.evaluate(() => document.documentElement.dataset.threads), '2');
  const stats = await frameStatsWhileTraining(t, page);
  assert.ok(stats.frames > 100, `too few animation frames recorded: ${stats.frames}`);
  assert.ok(stats.p95 < 100, `p95 frame time ${stats.p95} ms while two threads train`);
});

test('a_page_that_is_not_isolated_runs_one_thread_and_says_why', async (t) => {
  const { page } = await openPage(t, '?test=1&autoplay=0&threads=2', {
    beforeGoto: async (context) => {
      // The same server, its document without the isolation headers.
      await context.route(
        (url) => url.pathname === '/',
        async (route) => {
          const response = await route.fetch();
          const headers = { ...response.headers() };
          delete headers['cross-origin-opener-policy'];
          delete headers['cross-origin-embedder-policy'];
          await route.fulfill({ response, headers });
        },
      );
    },
  });
  await waitReady(page);
  assert.equal(await page.evaluate(() => self.crossOriginIsolated), false);
  assert.equal(await page.evaluate(() => document.documentElement.dataset.threads), '1');
  assert.match(await page.textContent('#engine-status'), /1 thread: the page is not cross-origin isolated/);
});
