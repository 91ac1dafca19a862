// threads.mjs — the wasm threaded module against one thread (bench/threads-suite.js: the tutorial's
// workloads at 1 and 2 threads, alternated `pairs` times, the speed-up printed as the median of the
// pairs' ratios, the same bits checked), in Node and, with --chromium, in a Worker of headless
// Chromium on a cross-origin isolated page (scripts/serve.mjs serves the repository, bench/threads.html).
// Wants a quiet machine (`uptime`).
//
//   node bench/threads.mjs [pairs] [--markdown] [--chromium]
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createScorefield } from '../web/core/scorefield.js';
import { benchThreads } from './threads-suite.js';
import { CHROMIUM, LAUNCH_ARGS } from '../tests/browser/chromium.js';

const args = process.argv.slice(2);
const pairs = Number(args.find((a) => /^\d+$/.test(a)) ?? 3);
const markdown = args.includes('--markdown');
const inChromium = args.includes('--chromium');
const ROOT = fileURLToPath(new URL('..', import.meta.url));

const line = (engine, r) =>
  `${engine} ${r.name}: 1 thread ${r.one.toFixed(0)}/s, 2 threads ${r.two.toFixed(0)}/s, ` +
  `${r.speedup.toFixed(2)}× (same bits)`;

async function inNode() {
  const one = await createScorefield({ threads: 1 });
  const two = await createScorefield({ threads: 2 });
  if (two.threads !== 2) throw new Error(`2 threads unavailable: ${two.threadsReason}`);
  try {
    return benchThreads(one, two, { pairs, log: (r) => markdown || console.log(line('Node', r)) });
  } finally {
    await two.dispose();
  }
}

// scripts/serve.mjs on a free port over the repository root: { url, stop() }.
async function serveRoot() {
  const server = spawn(process.execPath, [`${ROOT}scripts/serve.mjs`, '0', ROOT], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    server.stdout.on('data', (chunk) => {
      out += chunk;
      const m = /Serving .* at (http:\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    server.on('exit', (code) => reject(new Error(`serve.mjs exited with ${code}`)));
  });
  return { url, stop: () => server.kill() };
}

async function chromiumRows() {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: no Chromium rows`);
  const { chromium } = await import('playwright-core');
  const server = await serveRoot();
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...LAUNCH_ARGS] });
  try {
    const page = await browser.newPage();
    page.on('console', (m) => console.error(`chromium: ${m.text()}`));
    await page.goto(`${server.url}bench/threads.html?pairs=${pairs}`);
    await page.waitForFunction(() => window.benchResult || window.benchError, null, {
      timeout: 30 * 60e3,
      polling: 500,
    });
    const { result, error } = await page.evaluate(() => ({ result: window.benchResult, error: window.benchError }));
    if (error) throw new Error(`Chromium: ${error}`);
    if (!markdown) for (const r of result.rows) console.log(line(`Chromium ${browser.version()}`, r));
    return result.rows;
  } finally {
    await browser.close();
    server.stop();
  }
}

const columns = [['Node', await inNode()]];
if (inChromium) columns.push(['Chromium', await chromiumRows()]);
if (markdown) {
  console.log(`| workload | ${columns.map(([e]) => `${e}: 1 thread | 2 threads | speed-up`).join(' | ')} |`);
  console.log(`| --- | ${columns.map(() => '--: | --: | --:').join(' | ')} |`);
  for (let i = 0; i < columns[0][1].length; i++) {
    const cells = columns.map(([, rows]) => {
      const r = rows[i];
      return `${r.one.toFixed(0)} /s | ${r.two.toFixed(0)} /s | ${r.speedup.toFixed(2)}×`;
    });
    console.log(`| ${columns[0][1][i].name} | ${cells.join(' | ')} |`);
  }
}
