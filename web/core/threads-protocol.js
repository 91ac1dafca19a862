// threads-protocol.js — the control block through which a threaded instance's runner (threads.js, on
// the calling thread) hands each call's tasks to its helper threads (thread-worker.js): an Int32Array
// over its own SharedArrayBuffer. A call stores the task (fn, ctx, n), clears the acknowledgements,
// bumps the generation and wakes every helper; helper k runs task k when k < n, then acknowledges.

/** The control block's words. */
export const CTL = Object.freeze({ GEN: 0, FN: 1, CTX: 2, N: 3, ACKS: 4, QUIT: 5, FAILED: 6, LENGTH: 8 });

const IDLE_MS = 100;

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
    if (Atomics.wait(c, CTL.GEN, gen, IDLE_MS) === 'timed-out') continue;
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
