// protocol.js — the names of the messages between the page (web/app/engine.js) and the training
// worker (web/worker/worker.js), in one place that both sides import, so a renamed message cannot
// leave one side listening for something the other no longer sends.
//
// It defines names and the shape of each message (in comments); it sends nothing. Every message is a
// plain object { type, ... }; arrays of numbers travel as Float32Arrays whose buffers are transferred,
// never copied. `run` names one of the page's training runs (web/app/settings.js, RUNS).

/** Page → worker. */
export const TO_WORKER = Object.freeze({
  // { simd: true | false | undefined, digits?, pretrained? } — load the wasm core (undefined: SIMD128
  // when supported); pretrained 'prefetch' fetches the digits model meanwhile.
  INIT: 'init',
  // { requestId, dataset, n, seed } — n data points, answered by DATA.
  DATA: 'data',
  // { run, settings } — apply training settings; recreates the model (step 0) when the dataset or
  // seed changed or the run has no model yet, else keeps the parameters and Adam's state.
  CONFIGURE: 'configure',
  // { run } — train until the run's `steps` setting is reached or PAUSE arrives.
  PLAY: 'play',
  // { run }
  PAUSE: 'pause',
  // { run, steps } — train exactly `steps` more steps, then stop.
  STEP: 'step',
  // { run } — a fresh model with the same settings (step 0, paused).
  RESET: 'reset',
  // { run, gridId, grid: { xmin, xmax, ymin, ymax, nx, ny } } — the score on a grid, answered by FIELD.
  FIELD: 'field',
  // { run, viewId, starts: Float32Array (n, 2), langevin: { eps, decay, steps, temperature, seed } }
  // — one chain per start (chain i seeded seed + i, so adding a chain leaves the others unchanged),
  // every step kept, answered by CHAINS.
  CHAINS: 'chains',
  // { run, viewId, n, seed, langevin } — n chains from 0.1·U(0, 1)^D (the tutorial's digit start),
  // every step kept, answered by SAMPLES.
  SAMPLES: 'samples',
  // { requestId, cells: [{ dim, objective }], budgetMs } — time training steps on fresh models,
  // answered by one COST per cell.
  MEASURE: 'measure',
  // { run, requestId } — the run's weights file, answered by WEIGHTS.
  SAVE: 'save',
  // { run, requestId, bytes: Uint8Array, offered: { datasets, objectives } } — replace the run's
  // network with a weights file's (paused at its step), answered by STATE and LOADED; a refused file
  // is answered by ERROR and changes nothing.
  LOAD: 'load',
  // { run, settings, generation, bytes?: Uint8Array, points?: Float32Array } — recreate a run in a
  // restarted worker (the page's Engine sends it after the previous worker died): its network from the
  // page's last checkpoint of it (a SAVE's weights file; none: a fresh network from the settings), then
  // the settings, paused, counted as `generation`. A plain run's own points (POINTS) come with it;
  // painted points come first, as NCSN POINTS. Answered by STATE.
  RESTORE: 'restore',
  // { seq } — are you alive? Answered by PONG at once, whatever the worker is doing between chunks.
  PING: 'ping',
  // { run, points: Float32Array (n, 2) } — a plain run's own points (a file's), which it trains on as
  // the dataset 'points'; a run already on them starts a new network (step 0, paused).
  POINTS: 'points',
  // { requestId, points: Float32Array (n, 2), box: { xmin, xmax, ymin, ymax } } — the points centred
  // and scaled into box, keeping their shape (the core's sf_points_fit_box), answered by FIT.
  FIT: 'fit-points',
});

/** Worker → page. */
export const FROM_WORKER = Object.freeze({
  // { isa: 'simd128' | 'scalar', simdSupported, threads, threadsReason, defaults } — threads: the
  // count the core runs on, threadsReason: why fewer than asked ('' when not); — defaults: the core's sf.defaults (the
  // tutorial's settings per dataset), so the page's controls start where the library does.
  READY: 'ready',
  // { requestId, dataset, x: Float32Array (n, D) }
  DATA: 'data',
  // { run, generation, dim, step, playing, target } — after CONFIGURE, RESET, and whenever a run
  // starts or stops. generation counts the run's networks: a reset or a new dataset or seed makes a
  // new one, and every answer below carries the generation and step it describes.
  STATE: 'state',
  // { run, generation, firstStep, losses: Float32Array, step, msPerStep } — one training chunk's
  // losses; step is the run's step count after them, msPerStep the chunk's time in the core per step.
  LOSSES: 'losses',
  // { run, step, failedLoss, lr, message } — a step's loss, gradient or parameters were not finite:
  // the core rolled that step back and the run is paused.
  DIVERGED: 'diverged',
  // { run, generation, step, gridId, scores: Float32Array (ny·nx, 2) }
  FIELD: 'field',
  // { run, generation, step, viewId, n, steps, frames: Float32Array (steps + 1, n, 2) } — frame t
  // of chain i at (t·n + i)·2.
  CHAINS: 'chains',
  // { run, generation, step, viewId, n, dim, steps, frames: Float32Array (steps + 1, n, D) }
  SAMPLES: 'samples',
  // { requestId, dim, objective, msPerStep, steps } — one cell of a MEASURE.
  COST: 'cost',
  // { message, fatal, run?, request?, requestId?, gridId?, viewId? } — anything that went wrong,
  // naming the request it answers; fatal: the worker cannot go on (the wasm core did not load).
  ERROR: 'error',
  // { requestId, run, generation, step, bytes: Uint8Array } — a SAVE's weights file.
  WEIGHTS: 'weights',
  // { requestId, run, settings: { dataset, objective, batch, lr, seed, width, depth, … }, step } —
  // a LOAD succeeded: the run now has the file's network and these settings.
  LOADED: 'loaded',
  // { seq } — the answer to PING.
  PONG: 'pong',
  // { requestId, points: Float32Array (n, 2) } — FIT's points, fitted into its box.
  FIT: 'fit-points',
  // { what } — a job whose cost grows with a setting starts (a field, chains, digit samples, a quality
  // reading, the true score's field, the sampler comparison; web/worker/long-job.js): pings wait until
  // it ends, so the Engine gives the heartbeat more time until IDLE or the next PONG.
  BUSY: 'busy',
  // { what } — that job ended.
  IDLE: 'idle',
  // { run, generation, step, done, total } — a step too long for one chunk runs in pieces between
  // which the worker returns to its loop (answering pings); after each, this many of the batch's
  // `total` points are done. The step's LOSSES follow when it is complete.
  PROGRESS: 'progress',
  // { run, generation, step, request, viewId, done, total } — chains or digit samples too long for one
  // piece (web/worker/pieces.js) have run `done` of their `total` sampler steps; the CHAINS or SAMPLES
  // answer follows when they are complete, or a newer request for the view replaces them.
  VIEW_PROGRESS: 'view-progress',
});

/**
 * What the page's Engine itself tells the listeners of worker messages (web/app/engine.js): not sent by
 * any worker, but delivered the same way, so that runs hear it where they hear the worker.
 */
export const FROM_ENGINE = Object.freeze({
  // { run, step, restored, message } — the worker died and a new one took its place: the run is back
  // at `step` from the page's checkpoint (restored true, same generation) or, with no checkpoint of
  // its current network, a fresh network at step 0 (restored false, a new generation); paused either
  // way. Requests in flight were not answered.
  RESTARTED: 'engine-restarted',
});

/**
 * The NCSN section's messages (section 7: noise-conditional scores and annealed Langevin), handled by
 * web/worker/ncsn.js. Its runs also use the messages above: CONFIGURE with settings.objective 'ncsn'
 * makes a noise-conditional network, FIELD takes grid.sigma (the noise level of s(x, σ)), and SAMPLES
 * answers with the annealed sampler's frames, one per noise level.
 */
export const NCSN_TO_WORKER = Object.freeze({
  // { run, points: Float32Array (n, 2) } — the points a user painted (n <= sf.limits.points; n = 0 clears them),
  // kept for the run's dataset 'points' and for every network it makes later.
  POINTS: 'ncsn-points',
  // { run, flowId, n, steps, eps, seed, box: { xmin, xmax, ymin, ymax } } — start streaming an
  // annealed Langevin run of n particles from uniform on box (steps per level, eps as the core's),
  // answered by FLOW_FRAME messages until the last level; a new FLOW replaces the running one.
  FLOW: 'ncsn-flow',
  // { run } — stop the run's flow.
  FLOW_STOP: 'ncsn-flow-stop',
  // { requestId, run, n, steps, eps, seed, box, frames } — FLOW whole, answered by FLOW_FRAMES.
  FLOW_FRAMES: 'ncsn-flow-frames',
  // { requestId, dataset, grid: { xmin, xmax, ymin, ymax, nx, ny }, sigma } — the exact score of a
  // Gaussian-mixture dataset blurred by σ, answered by TRUE_FIELD.
  TRUE_FIELD: 'ncsn-true-field',
  // { requestId, n, seed, box } — plain against annealed Langevin on the mixture's exact score, from
  // the same n uniform starts, answered by COMPARE.
  COMPARE: 'ncsn-compare',
});

/** Worker → page, the NCSN section's. */
export const NCSN_FROM_WORKER = Object.freeze({
  // { run, generation, step, ed, floor, n, steps, error? } — sample quality during training: the
  // energy distance between n quick annealed samples and n fresh data points (ed null and error set
  // when the sampler failed), and floor, what two fresh draws of the data score (rms of a few).
  QUALITY: 'ncsn-quality',
  // { run, flowId, generation, step, level (1..L), levels, sigma, t, steps, x: Float32Array (n, 2),
  //   done, ed?, floor?, smallMode?, error? } — the particles after step t of level `level`; the
  // last frame has done true and, when it finished, the energy distance to fresh data (and for the
  // mixture the fraction at its small mode).
  FLOW_FRAME: 'ncsn-flow-frame',
  // { requestId, run, generation, step, n, frames: Float32Array (frames, n, 2) }
  FLOW_FRAMES: 'ncsn-flow-frames',
  // { requestId, dataset, sigma, scores: Float32Array (ny·nx, 2) }
  TRUE_FIELD: 'ncsn-true-field',
  // { requestId, n, start, plain, annealed: Float32Array (n, 2), plainSmall, annealedSmall,
  //   plainSteps, levels, steps } — final chains of both samplers and their fractions at the small mode.
  COMPARE: 'ncsn-compare',
});

// The seeds one pretrained-digits request uses from its seed s on (s·PRETRAINED_SEEDS …, pretrained.js),
// by which check.js bounds s so that all stay below sf.limits.seed.
export const PRETRAINED_SEEDS = 4096;

/** The pretrained digits and the digit classifier (web/worker/pretrained.js; docs/page.md). */
export const DIGITS_TO_WORKER = Object.freeze({
  // { requestId, jobId, n, seed, class: 'any' | K, guidance, steps?, eps? } — answered by LEVEL
  // messages, then PRETRAINED (or ERROR); a new request replaces a running one.
  PRETRAINED: 'digits-pretrained',
  // { requestId, x: Float32Array (n, 64), want?: Int32Array (n) } — answered by QUALITY.
  QUALITY: 'digits-quality',
});

/** Worker → page, the digits'. */
export const DIGITS_FROM_WORKER = Object.freeze({
  // { jobId, level, levels, n, x: Float32Array (n, 64) } — the chains after a noise level.
  LEVEL: 'digits-level',
  // { requestId, jobId, n, levels, steps, eps, seed, class, guidance, classes: Int32Array (n),
  //   frames: Float32Array (L + 1, n, 64), sigmas, ms, modelMs } or { requestId, jobId, replaced }.
  PRETRAINED: 'digits-pretrained',
  // { requestId, quality } — sf.digitsQuality's measure.
  QUALITY: 'digits-quality',
});

/**
 * The score-SDE section's messages (section 8), handled by web/worker/sde.js as jobs that run in
 * pieces between training chunks; a new request of a kind replaces the run's running one. Its run
 * also uses the messages above: CONFIGURE with settings.objective 'vesde' makes a noise-conditional
 * network trained on a continuous range of σ, POINTS (NCSN_TO_WORKER) gives it painted points.
 */
export const SDE_TO_WORKER = Object.freeze({
  // { run, jobId, sampler, steps, n, seed, snr?, churn? } — stream a sample of n points by `sampler`
  // ('annealed' | 'sde' | 'pc' | 'ode-euler' | 'ode-heun' | 'edm'), answered by FRAMES messages.
  SAMPLE: 'sde-sample',
  // { run, jobId, samplers: [name], nfes: [number], n, snr?, churn? } — the energy distance of n
  // samples to fresh data for every sampler at about every NFE, answered by QUALITY_FLOOR, one
  // QUALITY_POINT per (sampler, NFE) and QUALITY_DONE.
  QUALITY: 'sde-quality',
  // { run, jobId, grid: { xmin, xmax, ymin, ymax, nx, ny }, steps } — log p(x) on the grid through the
  // probability-flow ODE (steps Heun steps), answered by DENSITY_ROWS pieces and DENSITY_DONE.
  DENSITY: 'sde-density',
  // { run, kinds?: ['sample' | 'quality' | 'density'] } — stop the run's jobs (all kinds by default).
  CANCEL: 'sde-cancel',
  // { requestId, dataset, grid, steps } — the exact log-density of a Gaussian-mixture dataset on the
  // grid (the ODE of its exact score, steps Heun steps), answered by EXACT_DENSITY.
  EXACT_DENSITY: 'sde-exact-density',
});

/** Worker → page, the score-SDE section's. Every job's message carries { run, jobId, generation, step }. */
export const SDE_FROM_WORKER = Object.freeze({
  // { …, sampler, from, n, frames: Float32Array (k, n, 2), sigmas: [k numbers], nfe, done, taken?,
  //   ed?, floor?, scoreError? } — frames from..from + k − 1 of the sample; the last has done true
  //   and the energy distance of the samples to fresh data.
  FRAMES: 'sde-frames',
  // { …, floor, n } — the true-vs-true spread of the energy distance at n points.
  QUALITY_FLOOR: 'sde-quality-floor',
  // { …, sampler, target, steps, nfe, ed (null: failed), error?, ms, wallMs }
  QUALITY_POINT: 'sde-quality-point',
  // { … } — every point of the job is in.
  QUALITY_DONE: 'sde-quality-done',
  // { …, from, values: Float32Array } — log p(x) of grid points from..from + values.length − 1.
  DENSITY_ROWS: 'sde-density-rows',
  // { …, count, ms, gridMs, nll, se, gaussNll, gaussSe, gaussError, heldOut } — the grid is complete
  //   (ms: time in the core, gridMs: wall time); nll ± se: the mean negative log-likelihood of heldOut
  //   fresh points, nats per point; gaussNll ± gaussSe: theirs under a Gaussian fitted to the data
  //   (null, with gaussError, when none fits: a drawing on a line).
  DENSITY_DONE: 'sde-density-done',
  // { requestId, dataset, values: Float32Array (ny·nx) }
  EXACT_DENSITY: 'sde-exact-density',
});
