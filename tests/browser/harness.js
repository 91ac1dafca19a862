// harness.js — what the browser tests share: a static
// server (scripts/serve.mjs, optionally with its strict Content-Security-Policy header), one headless
// Chromium, and pages that record console messages of any kind (log, info, warn, error, debug…), page
// errors, CSP violations and requests that leave 127.0.0.1, failing the test that caused any of them.
// The page prints nothing to the console in normal operation: a message there is a bug or debug output.
//
// Debian's /usr/bin/chromium through playwright-core (see /work/shared/TOOLCHAIN.md), a free port, every cleanup registered as soon as its resource exists, every wait
// on a condition with a bounded timeout. Not a test file itself (node --test runs *.test.js).

import { after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM, LAUNCH_ARGS } from './chromium.js';
import { createScorefield } from '../../web/core/scorefield.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const SHOTS = process.env.SCOREFIELD_SCREENSHOTS ?? '/tmp';
const SERVER_START_MS = 10000; // ms for serve.mjs to print its URL
export const WAIT_MS = 60000; // ms for any one condition (short training runs, a loaded 2-core machine)
export const VIEWPORT = { width: 1200, height: 900 };

/** Starts serve.mjs on a free port (with --csp when csp; serving root, default web/) and resolves with its base URL. */
export async function startServer({ csp = false, root = join(ROOT, 'web') } = {}) {
  const server = spawn(process.execPath, [join(ROOT, 'scripts/serve.mjs'), ...(csp ? ['--csp'] : []), '0', root], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  after(() => server.kill());
  process.on('exit', () => server.kill());
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('serve.mjs did not print its URL')), SERVER_START_MS);
    let out = '';
    server.stdout.on('data', (chunk) => {
      out += chunk;
      const match = out.match(/at (http:\/\/127\.0\.0\.1:\d+\/)/);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    server.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve.mjs exited with ${code}`));
    });
  });
}

/** The shared Chromium, closed after the file's tests. */
export async function startBrowser() {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...LAUNCH_ARGS] });
  after(() => browser.close());
  mkdirSync(SHOTS, { recursive: true });
  return browser;
}

/**
 * What most test files share: the server (with the strict CSP the pages are written for, unless
 * csp: false), the browser, and openAt(t, path, options) — openPage at `path` relative to the
 * server's root. Resolves with { baseUrl, browser, openAt }.
 */
export async function startSession({ csp = true } = {}) {
  const baseUrl = await startServer({ csp });
  const browser = await startBrowser();
  const openAt = (t, path, options) => openPage(t, browser, new URL(path, baseUrl).href, options);
  return { baseUrl, browser, openAt };
}

/**
 * A fresh context and page at url, recording problems: console messages of any type (the page's, its
 * frames' and its workers'; recordConsole), page errors, CSP violations (a listener installed before any script of any frame)
 * and requests to hosts other than 127.0.0.1. The test fails at its end on any problem unless
 * allowErrors. beforeGoto(context, page) runs before the page loads (to listen to its requests).
 */
export async function openPage(
  t,
  browser,
  url,
  { allowErrors = false, colorScheme = 'light', viewport = VIEWPORT, deviceScaleFactor = 1, beforeGoto } = {},
) {
  const context = await browser.newContext({ viewport, colorScheme, deviceScaleFactor, acceptDownloads: true });
  const problems = [];
  let page = null;
  checkAtEnd(t, () => page, context, problems, allowErrors);
  await context.route('**/*', (route) => {
    const target = new URL(route.request().url());
    if (target.protocol === 'data:' || target.protocol === 'blob:' || target.hostname === '127.0.0.1')
      return route.continue();
    problems.push(`request to ${target.href}`);
    return route.abort();
  });
  await context.addInitScript(() => {
    window.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.cspViolations.push(`${e.violatedDirective}: ${e.blockedURI}`);
    });
  });
  page = await context.newPage();
  recordConsole(page, problems);
  if (beforeGoto) await beforeGoto(context, page);
  await page.goto(url);
  return { page, context, problems };
}

/**
 * At the end of test t: asks every frame of page() for its CSP violations (window.cspViolations, from
 * watchCsp) into `problems`, closes `context`, and fails the test on any problem unless allowErrors.
 * One hook, so that the frames are asked before the context closes (Playwright and Puppeteer alike).
 */
export function checkAtEnd(t, page, context, problems, allowErrors) {
  t.after(async () => {
    const shown = page();
    for (const frame of shown && !shown.isClosed() ? shown.frames() : []) {
      const violations = await frame.evaluate(() => window.cspViolations ?? []).catch(() => []);
      problems.push(...violations.map((v) => `CSP violation in ${frame.url()}: ${v}`));
    }
    await context.close();
    if (!allowErrors) assert.deepEqual(problems, [], 'the page logged, failed, violated its CSP or left 127.0.0.1');
  });
}

/**
 * Records into `problems` every console message of `page` (its frames' and its workers' too) whatever
 * its type — log, info, warn, error, debug — and every page error: the page and the widget print
 * nothing in normal operation (issue 14), so any message fails the test that recorded it.
 */
export function recordConsole(page, problems) {
  page.on('console', (msg) => problems.push(`console ${msg.type()}: ${msg.text()}`));
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('worker', (worker) =>
    worker.on('console', (msg) => problems.push(`worker console ${msg.type()}: ${msg.text()}`)),
  );
}

/** Waits until fn(arg) is truthy in the page or frame. */
/** Waits until the test hook reports that a run finished its steps. */
export async function waitDone(page, run) {
  await waitFor(page, (r) => window.scorefieldTest?.run(r).done && !window.scorefieldTest.run(r).playing, run);
}

/**
 * Frame times of the page's main thread while its exact run trains to the end, the reader scrolling
 * meanwhile: { frames, p50, p95, max } in ms, also reported as a diagnostic of test t.
 */
export async function frameStatsWhileTraining(t, page) {
  await waitFor(page, () => window.scorefieldTest.run('exact').playing);
  await page.evaluate(() => window.scorefieldTest.resetFrameStats());
  for (let y = 0; y < 2000 && !(await page.evaluate(() => window.scorefieldTest.run('exact').done)); y += 200) {
    await page.mouse.wheel(0, 200);
    await page.waitForTimeout(100);
  }
  await waitDone(page, 'exact');
  const stats = await page.evaluate(() => window.scorefieldTest.frameStats());
  const ms = (v) => `${v.toFixed(1)} ms`;
  t.diagnostic(`frames ${stats.frames}, p50 ${ms(stats.p50)}, p95 ${ms(stats.p95)}, max ${ms(stats.max)}`);
  return stats;
}

export function waitFor(target, fn, arg) {
  return target.waitForFunction(fn, arg, { timeout: WAIT_MS });
}

/**
 * Waits until the page's worker has answered (html[data-worker]) and fails, with the page's alerts as
 * the message, unless it is 'ready'. wait: waitFor, or the Firefox harness's own.
 */
export async function waitReady(page, wait = waitFor) {
  await wait(page, () => document.documentElement.dataset.worker);
  assert.equal(
    await page.evaluate(() => document.documentElement.dataset.worker),
    'ready',
    await page.evaluate(() => document.getElementById('alerts').textContent),
  );
}

/**
 * Runs in the page (target.evaluate(canvasPixels, where), Playwright and Puppeteer alike): counts of a
 * canvas's pixels that are not (near) white (ink), red (particles) and green (quiver), with a cheap
 * hash of the whole image. where: the canvas's id, or [host, inner] — a custom element's selector and
 * the canvas's selector in its shadow root (inner empty: host is the canvas's own selector).
 */
export function canvasPixels(where) {
  const [host, inner] = Array.isArray(where) ? where : [];
  const canvas =
    typeof where === 'string'
      ? document.getElementById(where)
      : inner
        ? document.querySelector(host).shadowRoot.querySelector(inner)
        : document.querySelector(host);
  // Read through a fresh copy: reading the page's own canvas again and again makes Chromium print a
  // willReadFrequently warning, and any console message fails a test.
  const copy = new OffscreenCanvas(canvas.width, canvas.height).getContext('2d', { willReadFrequently: true });
  copy.drawImage(canvas, 0, 0);
  const { data } = copy.getImageData(0, 0, canvas.width, canvas.height);
  let ink = 0,
    red = 0,
    green = 0,
    hash = 0;
  for (let i = 0; i < data.length; i += 4) {
    const [r, g, b, a] = [data[i], data[i + 1], data[i + 2], data[i + 3]];
    if (a > 0 && (r < 230 || g < 230 || b < 230)) ink++;
    if (a > 0 && r > 180 && g < 150 && b < 150) red++;
    if (a > 0 && g > 90 && r < 80 && b < 80) green++;
    hash = (hash * 31 + r + 7 * g + 13 * b + a) >>> 0;
  }
  return { ink, red, green, hash, pixels: data.length / 4 };
}

/** canvasPixels of a canvas of the page or frame `target` (where: as canvasPixels takes it). */
export function canvasInk(target, where) {
  return target.evaluate(canvasPixels, where);
}

/**
 * The loss of each of the first `steps` steps (as float32 bits) that the Node API's SIMD build gives
 * the page's first run with the link ?exact.objective=sliced&exact.seed=42: the same seed must give the
 * page these bits exactly, in any browser.
 */
export async function nodeLossBits(steps) {
  const sf = await createScorefield({ simd: true });
  const model = sf.createModel({ dim: 2, seed: 42 });
  model.configureTraining({ dataset: 'swiss_roll', objective: 'sliced', batch: 128, lr: 1e-3 });
  const bits = Array.from(new Uint32Array(model.train(steps).buffer));
  model.dispose();
  return bits;
}
