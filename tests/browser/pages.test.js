// pages.test.js — every page under web/, whatever it is, served with the strict CSP and opened in
// headless Chromium: it must load and start training without a console error, a CSP violation or a
// request to any host but 127.0.0.1 (harness.js fails the test on any of them). A page added later is
// covered without touching this file. What each page does is tested in its own file (page, embed,
// share, ncsn, faults); this one is only the net under all of them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT, openPage, startBrowser, startServer, waitFor } from './harness.js';

const WEB = join(ROOT, 'web');
const pages = readdirSync(WEB, { recursive: true })
  .filter((path) => path.endsWith('.html'))
  .sort();
const base = await startServer({ csp: true });
const browser = await startBrowser();

test('there_are_pages_to_check', () => {
  assert.ok(pages.includes('index.html') && pages.length >= 3, `pages: ${pages.join(', ')}`);
});

for (const path of pages) {
  test(`${relative(WEB, join(WEB, path))}_loads_under_the_strict_csp_and_asks_nothing_of_other_hosts`, async (t) => {
    const response = await fetch(new URL(path, base));
    assert.match(response.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    // The page trains by default (autoplay) or when asked; either way its worker has to be up.
    const { page } = await openPage(t, browser, new URL(path, base).href);
    await page.waitForLoadState('networkidle');
    // The hosted page says its worker is ready on <html>; a page of widgets, in each widget's state.
    await waitFor(
      page,
      () =>
        document.documentElement.dataset.worker === 'ready' ||
        [...document.querySelectorAll('scorefield-widget')].some((w) => w.state().worker === 'ready'),
    );
    // Give it a moment of training, drawing and (for pages with frames) loading them, then let
    // harness.js look at what it recorded.
    await page.mouse.wheel(0, 5000);
    await page.waitForLoadState('networkidle');
  });
}
