// faults.test.js — issue 7's faults on the hosted page, in headless Chromium: a training worker that
// dies (closed, hung, or reporting a wasm trap) is noticed within about a second, the page says so,
// and the runs come back from the page's last checkpoint with the user's settings; a worker that
// keeps dying is given up on with a message; a diverging run pauses, keeps its last finite state and
// trains on after the learning rate is lowered.
//
// The worker is killed from outside through Playwright's handle on it (page.workers()), as the browser
// would kill it; the page learns of it only through its own heartbeat (web/app/engine.js).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createScorefield } from '../../web/core/scorefield.js';
import { startServer, startBrowser, openPage, waitFor as waitForCondition, WAIT_MS } from './harness.js';

const baseUrl = await startServer({ csp: true });
const browser = await startBrowser();
// The Engine's own bound is HEARTBEAT_MS + DEAD_AFTER_MS = 1.7 s; this leaves room for a loaded machine.
const NOTICE_BOUND_MS = 3000;

async function open(t, query, options) {
  const { page } = await openPage(t, browser, new URL(`index.html${query}`, baseUrl).href, options);
  await waitFor(page, () => document.documentElement.dataset.worker);
  assert.equal(await page.evaluate(() => document.documentElement.dataset.worker), 'ready');
  return page;
}

const run = (page, name) => page.evaluate((r) => window.scorefieldTest.run(r), name);
const alertsText = (page) => page.evaluate(() => document.getElementById('alerts').textContent);

// The harness's waitFor, saying on a timeout what the page last said (a restart, a give-up, a failure).
const waitFor = (page, fn, arg) =>
  waitForCondition(page, fn, arg).catch(async (err) => {
    throw new Error(`${err.message}; the page's alerts: ${await alertsText(page).catch(() => '(page gone)')}`);
  });

// Workers a test closed: they may linger in page.workers() a moment, in no particular order.
const killed = new WeakSet();

// The page's training worker (a worker.js this file has not killed).
function trainingWorker(page) {
  const workers = page.workers().filter((w) => w.url().endsWith('/worker/worker.js') && !killed.has(w));
  assert.equal(workers.length, 1, `one live training worker, found ${workers.length}`);
  return workers[0];
}

// Runs `how` in the page's training worker (closing or hanging it) without waiting for an answer.
// It runs from a timer, after Playwright's evaluate has answered (a close inside the evaluate left it
// pending; see HANG for what closing still does). The source is sent as a string, evaluated by
// DevTools (the page's CSP forbids eval, not DevTools).
function kill(page, how) {
  const worker = trainingWorker(page);
  killed.add(worker);
  worker.evaluate(`void setTimeout(${how}, 0)`).catch(() => {}); // a hung or closed worker never answers
}

// Waits until the page has a live training worker again (the Engine replaced the killed one).
async function replacement(page) {
  for (const end = Date.now() + WAIT_MS; Date.now() < end; await new Promise((r) => setTimeout(r, 20))) {
    if (page.workers().some((w) => w.url().endsWith('/worker/worker.js') && !killed.has(w))) return;
  }
  throw new Error('the training worker was not replaced');
}

// Trains run `exact` to `steps`, pausing there, and waits for the page's checkpoint of that step.
async function trainTo(page, steps) {
  await page.locator('.toolbar[data-run="exact"]').getByLabel('Steps', { exact: true }).fill(String(steps));
  await page.locator('.toolbar[data-run="exact"]').getByLabel('Steps', { exact: true }).press('Enter');
  await page.click('.toolbar[data-run="exact"] button:has-text("Play")');
  await waitFor(
    page,
    (n) => {
      const r = window.scorefieldTest.run('exact');
      return r.step === n && !r.playing && r.checkpoint === n;
    },
    steps,
  );
}

// Kills the worker with `how` and resolves with the ms until the page said so.
async function killAndTime(page, how) {
  const t0 = Date.now();
  kill(page, how);
  await page.waitForFunction(
    () => /training worker (stopped|was stopped by the page)/.test(document.getElementById('alerts').textContent),
    null,
    { timeout: WAIT_MS, polling: 20 },
  );
  return Date.now() - t0;
}

for (const [kind, how] of [
  ['closed', () => self.close()],
  [
    'hung',
    () => {
      for (const end = Date.now() + 5000; Date.now() < end;);
    },
  ],
  [
    'trapped',
    () => {
      self.postMessage({ type: 'error', message: 'the wasm core trapped: unreachable', fatal: false, trap: true });
      self.close();
    },
  ],
]) {
  test(`a_${kind}_worker_is_noticed_and_restarted_from_the_last_checkpoint`, async (t) => {
    const page = await open(t, '?test=1&autoplay=0&exact.lr=0.002#exact', { allowErrors: kind === 'trapped' });
    await trainTo(page, 200);
    const before = await run(page, 'exact');
    const losses = await page.evaluate(() => window.scorefieldTest.lossBits('exact'));

    const noticedMs = await killAndTime(page, how);
    t.diagnostic(`${kind}: noticed after ${noticedMs} ms`);
    assert.ok(noticedMs < NOTICE_BOUND_MS, `noticed after ${noticedMs} ms`);
    assert.match(await alertsText(page), new RegExp(`exact is back at step 200`));
    await waitFor(
      page,
      () =>
        window.scorefieldTest.run('exact').generation >= 0 &&
        document.documentElement.dataset.worker === 'ready' &&
        window.scorefieldTest.run('exact').dim === 2,
    );

    // The same network at the same step, the user's settings kept, its status line saying what happened.
    const after = await run(page, 'exact');
    assert.deepEqual([after.step, after.generation, after.playing], [200, before.generation, false]);
    assert.equal(after.settings.lr, 0.002);
    assert.match(
      after.notice,
      /training worker (stopped|was stopped by the page).*this run is back at step 200, paused/,
    );
    assert.match(
      await page.textContent('.toolbar[data-run="exact"] .run-status'),
      /training worker (stopped|was stopped by the page)/,
    );

    // It trains on: the history up to the checkpoint kept, the new steps appended.
    await trainTo(page, 260);
    const resumed = await page.evaluate(() => window.scorefieldTest.lossBits('exact'));
    assert.equal(resumed.length, 260);
    assert.deepEqual(resumed.slice(0, 200), losses);
    assert.ok((await page.evaluate(() => window.scorefieldTest.losses('exact'))).every(Number.isFinite));
  });
}

test('a_run_killed_while_training_comes_back_paused_at_a_checkpoint_and_finishes_like_an_unbroken_one', async (t) => {
  // Reference: 1500 steps without a fault.
  const reference = await open(t, '?test=1&autoplay=0#exact');
  await trainTo(reference, 1500);
  const want = await reference.evaluate(() => window.scorefieldTest.lossBits('exact'));

  const page = await open(t, '?test=1&autoplay=0#exact');
  await page.locator('.toolbar[data-run="exact"]').getByLabel('Steps', { exact: true }).fill('1500');
  await page.locator('.toolbar[data-run="exact"]').getByLabel('Steps', { exact: true }).press('Enter');
  await page.click('.toolbar[data-run="exact"] button:has-text("Play")');
  await waitFor(page, () => window.scorefieldTest.run('exact').checkpoint > 0); // a checkpoint taken while playing
  await killAndTime(page, () => self.close());
  await waitFor(
    page,
    () => window.scorefieldTest.run('exact').dim === 2 && !window.scorefieldTest.run('exact').playing,
  );
  const back = await run(page, 'exact');
  assert.ok(back.step > 0 && back.step < 1500, `back at step ${back.step}`);
  await page.click('.toolbar[data-run="exact"] button:has-text("Play")');
  await waitFor(page, () => window.scorefieldTest.run('exact').done && !window.scorefieldTest.run('exact').playing);
  // The weights file holds the training generator's state: the retrained steps give the same bits.
  assert.deepEqual(await page.evaluate(() => window.scorefieldTest.lossBits('exact')), want);
});

// A worker that hangs until the page stops it (a restart all the same): how the tests below kill.
// Under Playwright, Chromium sometimes never starts the worker that replaces a killed one: the page then
// says, rightly, "the restarted training worker did not start within 20 s" (what
// a_restarted_worker_that_core_never_loads… tests on purpose). Seen in fresh-clone CI runs after a
// worker closed itself, inside Playwright's evaluate or after it, and once in a local run after a hang;
// the cause is not known. onFreshPage runs such a test once more.
const HANG = () => {
  for (;;);
};

// Runs body(page) on a fresh page; once more, with a diagnostic, if the page said a restarted worker
// did not start (the harness's artefact above), so that only a real fault fails the test.
async function onFreshPage(t, query, body, options) {
  for (let attempt = 1; ; attempt++) {
    const page = await open(t, query, options);
    try {
      return await body(page);
    } catch (err) {
      const said = await alertsText(page).catch(() => '');
      if (attempt >= 2 || !/restarted training worker did not start within/.test(said)) throw err;
      t.diagnostic(`attempt ${attempt}: a restarted worker was never started; again on a fresh page`);
      await page.close();
    }
  }
}

test('a_worker_that_keeps_dying_is_given_up_on_with_a_message', async (t) => {
  const page = await onFreshPage(t, '?test=1&autoplay=0#exact', async (page) => {
    for (let i = 0; i < 3; i++) {
      // Untrained, the run has no checkpoint: each restart gives it a fresh network, a new generation.
      const { generation } = await run(page, 'exact');
      kill(page, HANG);
      await waitFor(
        page,
        (g) => window.scorefieldTest.run('exact').generation > g && window.scorefieldTest.run('exact').dim === 2,
        generation,
      );
      await replacement(page);
    }
    kill(page, HANG);
    await waitFor(page, () => document.documentElement.dataset.worker === 'failed');
    return page;
  });
  assert.match(await alertsText(page), /stopped 4 times within a minute.*can still be exported.*Try again/);
  assert.doesNotMatch(await alertsText(page), /needs a browser/);
  // Try again: a new worker without a reload, the run restored on it.
  await page.click('#alerts button.retry');
  await waitFor(
    page,
    () => document.documentElement.dataset.worker === 'ready' && window.scorefieldTest.run('exact').dim === 2,
  );
  assert.doesNotMatch(await alertsText(page), /cannot train anything/);
});

// A restarted worker that cannot start (its script or its core fails to load: the server gone a
// moment) or never says READY (its core's download never ends) is given up on as a worker that keeps
// dying is: the trained run's checkpoint stays with the page, and Try again, once the files load
// again, restores the run at its step. The page does not blame the browser: it trained a moment ago.
for (const [kind, files, serve, said] of [
  ['script_cannot_load', '**/worker/worker.js', (route) => route.abort(), /could not start: its script/],
  ['core_cannot_load', '**/*.wasm', (route) => route.abort(), /could not start: .*wasm/],
  ['core_never_loads', '**/*.wasm', () => {}, /did not start within 20 s/],
]) {
  test(`a_restarted_worker_that_${kind}_is_given_up_on_and_try_again_restores_the_run`, async (t) => {
    const query = '?test=1&autoplay=0&exact.seed=5#exact';
    const page = await onFreshPage(
      t,
      query,
      async (page) => {
        await trainTo(page, 30);
        await page.route(files, serve);
        kill(page, HANG);
        await waitFor(page, () => document.documentElement.dataset.worker === 'failed');
        assert.match(await alertsText(page), said);
        return page;
      },
      { allowErrors: true },
    );
    assert.match(await alertsText(page), /restarted training worker.*can still be exported.*Try again/);
    assert.doesNotMatch(await alertsText(page), /needs a browser/);
    await page.unroute(files);
    await page.click('#alerts button.retry');
    await waitFor(
      page,
      () => document.documentElement.dataset.worker === 'ready' && window.scorefieldTest.run('exact').step === 30,
    );
    assert.equal((await run(page, 'exact')).settings.seed, 5);
  });
}

// After the page gives up, a trained run is not lost: Export weights is answered from the page's own
// checkpoint of it (the worker is gone), a file that loads at the run's step with its settings.
test('after_giving_up_a_trained_run_still_exports_its_weights_from_the_pages_checkpoint', async (t) => {
  const page = await onFreshPage(t, '?test=1&autoplay=0&exact.seed=3#exact', async (page) => {
    await trainTo(page, 30);
    for (let i = 0; i < 3; i++) {
      kill(page, HANG);
      await replacement(page).catch(async (err) => {
        throw new Error(`restart ${i + 1}: ${err.message}: ${await alertsText(page)}`);
      });
      await waitFor(
        page,
        () => document.documentElement.dataset.worker === 'ready' && window.scorefieldTest.run('exact').step === 30,
      );
      await page.waitForTimeout(500); // the restore answered: the next kill meets a worker at rest
    }
    kill(page, HANG);
    await waitFor(page, () => document.documentElement.dataset.worker === 'failed');
    return page;
  });
  const [file] = await Promise.all([
    page.waitForEvent('download', { timeout: WAIT_MS }),
    page.locator('#langevin-exports').getByRole('button', { name: 'Weights', exact: true }).click(),
  ]);
  const bytes = await readFile(await file.path());
  const sf = await createScorefield({ digits: false });
  const model = sf.loadModel(bytes);
  assert.equal(model.stepCount, 30);
  assert.equal(model.seed, 3);
  model.dispose();
  assert.doesNotMatch(await alertsText(page), /Weights export failed/);
});

// The widget and its iframe give up as the page does, and offer the same Try again: a button in the
// widget's notices (the iframe holds the widget), widget.retry() and the frame's `scorefield:retry`
// message. Each starts a new worker and restores the run from its checkpoint, without a reload.
const widgetState = (page) => page.evaluate(() => document.querySelector('scorefield-widget').state());

async function killWidgetWorkerFourTimes(page) {
  await page.waitForFunction(() => document.querySelector('scorefield-widget')?.state().dim === 2, null, {
    timeout: WAIT_MS,
  });
  for (let i = 0; i < 3; i++) {
    await page.waitForTimeout(3000); // the widget's first requests answered: the worker is idle
    const restarts = (await widgetState(page)).notices.filter((n) => /restarted/.test(n)).length;
    kill(page, HANG);
    await page
      .waitForFunction(
        (r) => {
          const s = document.querySelector('scorefield-widget').state();
          return s.notices.filter((n) => /restarted/.test(n)).length > r && s.worker === 'ready' && s.dim === 2;
        },
        restarts,
        { timeout: WAIT_MS },
      )
      .catch(async (err) => {
        throw new Error(`${err.message}: ${JSON.stringify(await widgetState(page))}`);
      });
    await replacement(page);
  }
  await page.waitForTimeout(3000);
  kill(page, HANG);
  await page.waitForFunction(() => document.querySelector('scorefield-widget').state().worker === 'failed', null, {
    timeout: WAIT_MS,
  });
  const s = await widgetState(page);
  assert.equal(s.canRetry, true);
  assert.match(s.notices.join(' '), /stopped 4 times within a minute/);
}

async function waitRetried(page) {
  await page.waitForFunction(
    () => {
      const s = document.querySelector('scorefield-widget').state();
      return s.worker === 'ready' && s.dim === 2 && !s.canRetry;
    },
    null,
    { timeout: WAIT_MS },
  );
  const s = await widgetState(page);
  assert.doesNotMatch(s.notices.join(' '), /cannot train/);
}

test('the_widget_and_the_iframe_offer_try_again_after_giving_up', async (t) => {
  const { page } = await openPage(t, browser, new URL('embed/frame.html?autoplay=0&panels=loss', baseUrl).href);
  await killWidgetWorkerFourTimes(page);
  await page.click('scorefield-widget .sf-retry'); // the button in the widget's notices
  await waitRetried(page);
  await replacement(page);

  // Again, now through the frame's message (from its own origin, which the frame always obeys).
  await killWidgetWorkerFourTimes(page);
  const answer = await page.evaluate(
    () =>
      new Promise((resolve) => {
        window.addEventListener('message', (e) => e.data?.type === 'scorefield:retry-result' && resolve(e.data));
        window.postMessage({ type: 'scorefield:retry', id: 7 }, window.location.origin);
      }),
  );
  assert.deepEqual(answer, { type: 'scorefield:retry-result', ok: true, id: 7 });
  await waitRetried(page);
  assert.equal(
    await page.evaluate(() => document.querySelector('scorefield-widget').retry()),
    false,
    'nothing to retry',
  );
});

test('diverged_training_is_rolled_back_and_trains_on_after_a_lower_learning_rate', async (t) => {
  const page = await open(t, '?test=1&autoplay=0&exact.steps=100#exact');
  await trainTo(page, 40);
  const before40 = await page.evaluate(() => window.scorefieldTest.lossBits('exact'));
  const toolbar = page.locator('.toolbar[data-run="exact"]');
  // Adam keeps every step within about lr of the last: at lr 10 the loss grows huge but stays finite
  // (15 on this run after 2000 steps); lr 1e5 makes the parameters non-finite within a few steps.
  await toolbar.getByLabel('Learning rate').fill('100000');
  await toolbar.getByLabel('Learning rate').press('Enter');
  await toolbar.getByLabel('Steps', { exact: true }).fill('100');
  await toolbar.getByLabel('Steps', { exact: true }).press('Enter');
  await page.click('.toolbar[data-run="exact"] button:has-text("Play")');
  await toolbar.locator('.run-status').getByText('Training diverged').waitFor({ timeout: WAIT_MS });
  const stopped = await run(page, 'exact');
  assert.ok(stopped.diverged && !stopped.playing && stopped.step < 100);
  assert.ok((await page.evaluate(() => window.scorefieldTest.losses('exact'))).every(Number.isFinite));
  // The steps before a divergence have blown the weights up already: the way out goes back to the
  // checkpoint from before the learning rate was raised, with the learning rate used there.
  await toolbar
    .locator('.run-status')
    .getByRole('button', { name: 'Go back to step 40 and continue with learning rate 0.001' })
    .click();
  assert.equal(await toolbar.getByLabel('Learning rate').inputValue(), '0.001');
  await waitFor(page, () => window.scorefieldTest.run('exact').done && !window.scorefieldTest.run('exact').playing);
  const losses = await page.evaluate(() => window.scorefieldTest.losses('exact'));
  assert.equal(losses.length, 100);
  assert.ok(losses.every(Number.isFinite));
  assert.ok(!(await run(page, 'exact')).diverged);
  // Steps 1–40 are those trained before the learning rate was raised, bit for bit.
  assert.deepEqual((await page.evaluate(() => window.scorefieldTest.lossBits('exact'))).slice(0, 40), before40);
});
