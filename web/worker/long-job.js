// long-job.js — announcing work that may block the worker longer than the page's heartbeat waits.
//
// A call whose cost grows with a setting (a field of a large grid, chains × steps, digit samples, a
// quality reading over many noise levels, the sampler comparison) cannot answer a PING while it runs.
// Around it the worker posts FROM_WORKER.BUSY and then FROM_WORKER.IDLE (protocol.js), and the page's
// Engine (web/app/engine.js) gives a busy worker its longer grace instead of stopping it. Jobs may nest
// (a view inside a training chunk's quality reading): only the outermost one is announced, so an inner
// IDLE never ends the grace of a job still running.

import { FROM_WORKER } from './protocol.js';

/** A longJob(what, fn) for this worker: runs fn between BUSY and IDLE posted with `post`; returns fn's result. */
export function longJobs(post) {
  let depth = 0;
  return function longJob(what, fn) {
    if (depth++ === 0) post({ type: FROM_WORKER.BUSY, what });
    try {
      return fn();
    } finally {
      if (--depth === 0) post({ type: FROM_WORKER.IDLE, what });
    }
  };
}
