// points-file.test.js — "Your own data" on the page: a CSV picked with the NCSN paint controls' file
// input or dropped on the data plot replaces the drawing and switches the run to it; a bad file shows its message naming the line
// and changes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { recordConsole, startBrowser, startServer } from './harness.js';

const WAIT_MS = 60000;
const baseUrl = await startServer();
const browser = await startBrowser();
test.after(() => browser.close());

test('a_picked_points_file_replaces_the_drawing_and_a_bad_one_changes_nothing', async (t) => {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  t.after(() => context.close());
  const page = await context.newPage();
  const problems = [];
  recordConsole(page, problems);
  await page.goto(new URL('?test=1&autoplay=0&ncsn.steps=60#ncsn', baseUrl).href);
  await page.waitForFunction(() => window.scorefieldTest?.run('ncsn').dim === 2, null, { timeout: WAIT_MS });
  const input = page.locator('#ncsn-points-file');
  await input.setInputFiles({
    name: 'pts.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('x,y\n0,0\n0.5,0.5\n-0.5,0.5\n1,-1\n'),
  });
  await page.waitForFunction(() => window.scorefieldTest.ncsn.painted() === 4, null, { timeout: WAIT_MS });
  await input.setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from('1,2\n3,abc\n') });
  const error = page.locator('#ncsn-points-file-error');
  await error.getByText('line 2, column 2: "abc" is not a number').waitFor({ timeout: WAIT_MS });
  assert.match(await error.textContent(), /^bad\.csv: points file:/);
  assert.equal(await page.evaluate(() => window.scorefieldTest.ncsn.painted()), 4);
  // A drop on the data plot does the same as a pick.
  await page.evaluate(() => {
    const dt = new DataTransfer();
    dt.items.add(new File(['[[0,0],[0.25,0.25],[0.5,0]]'], 'pts.json', { type: 'application/json' }));
    document.getElementById('ncsn-data').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true }));
  });
  await page.waitForFunction(() => window.scorefieldTest.ncsn.painted() === 3, null, { timeout: WAIT_MS });
  assert.equal(await error.textContent(), '');
  assert.deepEqual(problems, []);
});
