// points-file.test.js — "Your own data" on the page: a CSV picked with the NCSN paint controls' file
// input or dropped on the data plot replaces the drawing and switches the run to it; a bad file shows its message naming the line
// and changes nothing; with "Fit a file to the plot" the points are centred and scaled into the
// plot's box by the core (the bits of sf.fitPoints), without it they are clamped to its edges.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { recordConsole, startBrowser, startServer } from './harness.js';
import { createScorefield } from '../../web/core/scorefield.js';
import { NCSN_BOX } from '../../web/app/ncsn-views.js';

const WAIT_MS = 60000;
const baseUrl = await startServer();
const browser = await startBrowser();
test.after(() => browser.close());

// The page at section 7 with its 2-D run ready, console messages recorded in problems.
async function openNcsn(t) {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  t.after(() => context.close());
  const page = await context.newPage();
  const problems = [];
  recordConsole(page, problems);
  await page.goto(new URL('?test=1&autoplay=0&ncsn.steps=60#ncsn', baseUrl).href);
  await page.waitForFunction(() => window.scorefieldTest?.run('ncsn').dim === 2, null, { timeout: WAIT_MS });
  return { page, problems };
}

test('a_picked_points_file_replaces_the_drawing_and_a_bad_one_changes_nothing', async (t) => {
  const { page, problems } = await openNcsn(t);
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

test('fit_on_centres_and_scales_a_file_into_the_plot_and_fit_off_clamps_it', async (t) => {
  const { page, problems } = await openNcsn(t);
  // Points far outside the plot's box [-2, 2]²: a shape 200 wide and 200 high around (200, 300).
  const csv = Buffer.from('x,y\n100,200\n300,250\n200,400\n150,300\n');
  const input = page.locator('#ncsn-points-file');
  const painted = () => page.evaluate(() => window.scorefieldTest.ncsn.paintedPoints());
  await input.setInputFiles({ name: 'far.csv', mimeType: 'text/csv', buffer: csv });
  await page.waitForFunction(() => window.scorefieldTest.ncsn.painted() === 4, null, { timeout: WAIT_MS });
  // Fit off: every point is clamped to the box's corner region (x = 2, y = 2).
  assert.deepEqual(await painted(), [2, 2, 2, 2, 2, 2, 2, 2]);
  await page.locator('#ncsn-points-fit').check();
  await input.setInputFiles({ name: 'far.csv', mimeType: 'text/csv', buffer: csv });
  await page.waitForFunction(() => window.scorefieldTest.ncsn.paintedPoints()[0] !== 2, null, { timeout: WAIT_MS });
  const sf = await createScorefield({ digits: false });
  const want = sf.fitPoints(sf.readPoints(csv), NCSN_BOX);
  const got = await painted();
  assert.deepEqual(got, Array.from(want), 'the page fits a file to the bits of sf.fitPoints');
  for (let i = 0; i < got.length; i += 2) {
    assert.ok(
      got[i] > NCSN_BOX.xmin && got[i] < NCSN_BOX.xmax && got[i + 1] > NCSN_BOX.ymin && got[i + 1] < NCSN_BOX.ymax,
    );
  }
  assert.equal(await page.locator('#ncsn-points-file-error').textContent(), '');
  assert.deepEqual(problems, []);
});
