// worker.js — the benchmark suite in a browser Worker (a module worker started by bench/page.html):
// fetches one bench module, runs bench/suite.js on it, posts the result back. The page is what
// bench/run.js opens in headless Chromium; the Worker is where Scorefield's page trains too.
import { instantiate, runSuite } from './suite.js';

self.onmessage = async ({ data: { isa, quick, gemm, only } }) => {
  try {
    const response = await fetch(`/build/bench/bench-${isa}.wasm`);
    if (!response.ok) throw new Error(`cannot fetch bench-${isa}.wasm: HTTP ${response.status}`);
    const exports = await instantiate(await response.arrayBuffer());
    const result = runSuite(exports, { isa, quick, gemm, only, log: (line) => self.postMessage({ log: line }) });
    result.engine = navigator.userAgent;
    self.postMessage({ result });
  } catch (err) {
    self.postMessage({ error: String(err?.stack ?? err) });
  }
};
