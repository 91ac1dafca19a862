// threads-protocol.js — the control block through which a threaded instance's runner (threads.js, on
// the calling thread) hands each call's tasks to its helper threads (thread-worker.js): an Int32Array
// over its own SharedArrayBuffer. A call stores the task (fn, ctx, n), clears the acknowledgements,
// bumps the generation and wakes every helper; helper k runs task k when k < n, then acknowledges.

/** The control block's words. */
export const CTL = Object.freeze({ GEN: 0, FN: 1, CTX: 2, N: 3, ACKS: 4, QUIT: 5, FAILED: 6, LENGTH: 8 });

const IDLE_MS = 100;
// A word is watched this long before its thread sleeps in Atomics.wait: a training step hands work to
// the helpers twice, a few hundred µs apart, and waking a thread that slept costs tens of µs on a
// virtual machine's cores (the wake-up goes through the hypervisor), which is what kept two threads
// from twice the speed (issue 18). Training keeps the helpers awake; between calls they sleep again.
const SPIN_MS = 0.2;
const SPIN_CHECKS = 64; // loads between reads of the clock

/**
 * Waits until c[i] is no longer `value`: first by watching it for up to SPIN_MS, then in
 * Atomics.wait for up to `ms` (Infinity: until woken). Returns false when `ms` ran out first.
 * @param {Int32Array} c @param {number} i @param {number} value @param {number} ms
 */
export function waitChange(c, i, value, ms = Infinity) {
  const until = performance.now() + SPIN_MS;
  do {
    for (let k = 0; k < SPIN_CHECKS; k++) if (Atomics.load(c, i) !== value) return true;
  } while (performance.now() < until);
  return Atomics.wait(c, i, value, ms) !== 'timed-out';
}

/**
 * A helper's loop: waits for each new generation, runs task k of it (when k < n) and acknowledges,
 * until QUIT. A task that throws (a trap) sets FAILED and is still acknowledged, so the caller never
 * waits for a thread that will not answer.
 * `gen` is the generation read before the helper said it was ready (read after, a call published in
 * between would never be acknowledged).
 * @param {Int32Array} c @param {number} k @param {number} gen
 * @param {(fn: number, ctx: number) => void} runTask
 */
export function taskLoop(c, k, gen, runTask) {
  for (;;) {
    // In slices of 100 ms: a thread blocked in one endless wait cannot be terminated (Node, at the
    // exit of a process whose instance was never disposed, would wait for it forever).
    if (!waitChange(c, CTL.GEN, gen, IDLE_MS)) continue;
    gen = Atomics.load(c, CTL.GEN);
    if (Atomics.load(c, CTL.QUIT)) return;
    if (k < Atomics.load(c, CTL.N)) {
      try {
        runTask(Atomics.load(c, CTL.FN), Atomics.load(c, CTL.CTX));
      } catch {
        Atomics.store(c, CTL.FAILED, 1);
      }
    }
    Atomics.add(c, CTL.ACKS, 1);
    Atomics.notify(c, CTL.ACKS);
  }
}
