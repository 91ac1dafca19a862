// flow-frames.js — FLOW_FRAMES (web/worker/protocol.js): an NCSN run's particle flow whole, for an
// animation. Annealed Langevin from the given uniform starts with every step kept (L·steps + 1
// frames), of which `frames` evenly spaced ones (first and last included) are posted as one
// Float32Array (count, n, 2). Picking frames is indexing; every number is the core's. Loaded by
// ncsn.js on first use, so that a worker that never exports a flow does not load it.

import { NCSN_FROM_WORKER, NCSN_TO_WORKER } from './protocol.js';

/** Posts the FLOW_FRAMES answer to msg for trainer (an NcsnTrainer), starts from uniformBox; throws on bad input. */
export function postFlowFrames(trainer, msg, post, uniformBox) {
  const { n, steps, eps, seed, frames } = msg;
  if (trainer.dim !== 2) throw new Error('the particle flow needs a 2-D dataset');
  const start = uniformBox(trainer.core, n, msg.box, seed);
  const all = trainer.longJob(NCSN_TO_WORKER.FLOW_FRAMES, () =>
    trainer.model.annealedLangevin({ start, n, steps, eps, seed, keep: 'all' }),
  );
  const size = 2 * n,
    total = all.length / size,
    count = Math.min(frames, total);
  const out = new Float32Array(count * size);
  for (let k = 0; k < count; k++) {
    const from = Math.round((k * (total - 1)) / (count - 1));
    out.set(all.subarray(from * size, (from + 1) * size), k * size);
  }
  const answer = { type: NCSN_FROM_WORKER.FLOW_FRAMES, requestId: msg.requestId, run: msg.run, n, frames: out };
  post({ ...answer, generation: trainer.generation, step: trainer.step }, [out.buffer]);
}
