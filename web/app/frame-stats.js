// frame-stats.js — how smoothly the main thread runs: the time between animation frames, kept for
// the last few thousand frames, summarised as percentiles. The page shows nothing of it; the browser
// tests and the performance notes read it through the test hook (main.js).

const CAPACITY = 4096; // frames kept (about a minute at 60 Hz)

export class FrameStats {
  constructor() {
    this.deltas = new Float64Array(CAPACITY);
    this.count = 0; // deltas recorded since the last reset (may exceed CAPACITY; the newest are kept)
    this.last = NaN;
  }

  /** Records one animation frame at time `now` (ms, requestAnimationFrame's argument). */
  record(now) {
    if (Number.isFinite(this.last)) this.deltas[this.count++ % CAPACITY] = now - this.last;
    this.last = now;
  }

  reset() {
    this.count = 0;
    this.last = NaN;
  }

  /** { frames, mean, p50, p95, max } of the kept deltas, in ms (NaN fields when there are none). */
  summary() {
    const n = Math.min(this.count, CAPACITY);
    const sorted = Array.from(this.deltas.subarray(0, n)).sort((a, b) => a - b);
    const at = (q) => (n > 0 ? sorted[Math.min(n - 1, Math.floor(q * n))] : NaN);
    const mean = n > 0 ? sorted.reduce((a, b) => a + b, 0) / n : NaN;
    return { frames: n, mean, p50: at(0.5), p95: at(0.95), max: n > 0 ? sorted[n - 1] : NaN };
  }
}
