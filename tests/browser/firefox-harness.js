// firefox-harness.js — what firefox.test.js needs to drive Debian's firefox-esr: one headless Firefox
// through puppeteer-core over WebDriver BiDi, and pages that record every console message (of any
// type: log, info, warn, error — the page's, its frames' and its workers'), page errors, CSP
// violations (a listener installed before any script of any frame) and requests to hosts other than
// 127.0.0.1, failing the test that caused any of them. The server is harness.js's (serve.mjs).
//
// FIREFOX (env) names the browser, else /usr/bin/firefox-esr. firefoxMissing() says, before any server
// starts, whether it is there: without Debian's firefox-esr the tests are skipped with one line naming
// what to install (scripts/setup.sh installs it); a FIREFOX named in the environment that does not
// exist fails instead, since someone asked for that browser. With Firefox installed, a failing test
// fails the run, and a Firefox that does not start within LAUNCH_MS fails it too, never hangs. Not a
// test file itself (node --test runs *.test.js).

import { after } from 'node:test';
import { existsSync } from 'node:fs';
import puppeteer from 'puppeteer-core';
import { VIEWPORT, WAIT_MS, checkAtEnd, waitReady as waitReadyWith } from './harness.js';

export { ROOT, SHOTS, WAIT_MS, canvasInk, nodeLossBits, startServer } from './harness.js';
// SF_FIREFOX_DEFAULT stands in for Debian's path only in tests/node/firefox-skip.test.js, which checks
// the skip on a machine that has Firefox.
const DEFAULT_FIREFOX = process.env.SF_FIREFOX_DEFAULT ?? '/usr/bin/firefox-esr';
export const FIREFOX = process.env.FIREFOX || DEFAULT_FIREFOX;
const LAUNCH_MS = 60000; // ms for Firefox to start on a loaded 2-core machine (it takes ~3 s idle)

/**
 * null when the tests can run; else the one sentence a skipped run prints. Throws when FIREFOX was
 * set to a path that does not exist.
 */
export function firefoxMissing() {
  if (existsSync(FIREFOX)) return null;
  if (process.env.FIREFOX)
    throw new Error(`FIREFOX=${FIREFOX} does not exist: unset it to use /usr/bin/firefox-esr, or fix the path`);
  return `Firefox tests skipped: ${FIREFOX} is not installed (scripts/setup.sh installs Debian's firefox-esr)`;
}

/** The shared headless Firefox, closed after the file's tests; throws a clear error if it is missing. */
export async function startFirefox() {
  if (!existsSync(FIREFOX))
    throw new Error(
      `Firefox is not installed: no ${FIREFOX} (set FIREFOX to another path). scripts/setup.sh installs Debian's firefox-esr.`,
    );
  let browser;
  try {
    browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: FIREFOX,
      headless: true,
      protocol: 'webDriverBiDi',
      timeout: LAUNCH_MS,
    });
  } catch (err) {
    throw new Error(`Firefox (${FIREFOX}) did not start under puppeteer-core: ${err.message}`, { cause: err });
  }
  after(() => browser.close());
  return browser;
}

/**
 * A fresh browser context and page at url, recording problems (above); the test fails at its end on
 * any of them unless allowErrors. trackWorkers keeps every Worker the page makes in
 * window.testWorkers, so a test can terminate one as the browser would kill it (the BiDi driver
 * cannot run code inside a worker).
 */
export async function openPage(t, browser, url, { allowErrors = false, trackWorkers = false } = {}) {
  const context = await browser.createBrowserContext();
  const problems = [];
  let page = null;
  checkAtEnd(t, () => page, context, problems, allowErrors);
  page = await context.newPage();
  await page.setViewport(VIEWPORT);
  page.on('console', (msg) => problems.push(`console ${msg.type()}: ${msg.text()}`));
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('request', (request) => {
    const target = new URL(request.url());
    if (target.protocol !== 'data:' && target.protocol !== 'blob:' && target.hostname !== '127.0.0.1')
      problems.push(`request to ${target.href}`);
  });
  await page.evaluateOnNewDocument((track) => {
    window.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.cspViolations.push(`${e.violatedDirective}: ${e.blockedURI}`);
    });
    if (!track) return;
    const NativeWorker = window.Worker;
    window.testWorkers = [];
    window.Worker = class extends NativeWorker {
      constructor(...args) {
        super(...args);
        window.testWorkers.push(this);
      }
    };
  }, trackWorkers);
  await page.goto(url);
  return { page, context, problems };
}

/** Waits until fn(arg) is truthy in the page or frame. */
export function waitFor(target, fn, arg) {
  return target.waitForFunction(fn, { timeout: WAIT_MS, polling: 50 }, arg);
}

/** harness.js's waitReady with the waits above. */
export function waitReady(page) {
  return waitReadyWith(page, waitFor);
}
