// threads-worker.js — bench/threads-suite.js in a browser Worker (started by bench/threads.html, which
// bench/threads.mjs --chromium opens in headless Chromium): the page's training runs in a Worker too,
// and a Worker may wait on its helper threads where a page's main thread may not.
import { createScorefield } from '../web/core/scorefield.js';
import { benchThreads } from './threads-suite.js';

self.onmessage = async ({ data: { pairs } }) => {
  try {
    const one = await createScorefield({ threads: 1 });
    const two = await createScorefield({ threads: 2 });
    if (two.threads !== 2) throw new Error(`2 threads unavailable: ${two.threadsReason}`);
    const rows = benchThreads(one, two, { pairs, log: (row) => self.postMessage({ row }) });
    await two.dispose();
    self.postMessage({ rows, engine: navigator.userAgent });
  } catch (err) {
    self.postMessage({ error: String(err?.stack ?? err) });
  }
};
