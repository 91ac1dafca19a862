// pieces.js — sampler runs as jobs the worker runs in pieces, keeping only the frames a figure draws.
//
// A sampler run at the table's maximum (10⁶ steps) takes seconds to minutes and would hold every frame
// ((steps + 1) × n × D floats: 4 GB for 16 digits). Run as a generator, it does at most one piece of
// bounded work per call of next(), so the worker returns to its loop between pieces (answering pings,
// taking newer requests that replace this one), and yields { done, total } steps for a progress line.
//
// Each job is one run of the core in chunks (model.langevinSampler, model.sampler: the generator and
// step size carried over in C), so a run cut into pieces ends with the bits of one call with the same
// seed, however many pieces it takes. Plain Langevin keeps at most maxFrames frames, evenly spaced: the
// steps 0, stride, 2·stride, … and always the last; annealed Langevin keeps one frame per noise level.
// A job that is dropped before its end frees its run when the worker calls its return().

export const PIECE_STEPS = 5000; // at most this many steps per piece (2-D: ~75 ms)
export const PIECE_FLOATS = 1 << 20; // at most this many chain-steps × D per piece: a bound on its work

/** Steps per piece for chains of `size` = n × D floats: at most PIECE_STEPS and PIECE_FLOATS / size. */
export function pieceSteps(size) {
  return Math.max(1, Math.min(PIECE_STEPS, Math.floor(PIECE_FLOATS / Math.max(1, size))));
}

/** The stride between kept frames so that at most maxFrames (≥ 2) frames of `steps` steps are kept. */
export function frameStride(steps, maxFrames) {
  return Math.max(1, Math.ceil(steps / (maxFrames - 1)));
}

/** The number of frames kept of `steps` steps at `stride`: steps 0, stride, … and the last. */
export function keptFrames(steps, stride) {
  return Math.floor(steps / stride) + 1 + (steps % stride === 0 ? 0 : 1);
}

/** The sampler step of kept frame f (0 ≤ f < keptFrames(steps, stride)). */
export function stepOfFrame(f, steps, stride) {
  return Math.min(f * stride, steps);
}

/**
 * Whether a Langevin job of `steps` steps over size = n × D floats keeping at most maxFrames frames is
 * one call of model.langevin (every frame kept, one piece): then it needs no chunked run (samplers.js),
 * which a plain widget's short chains never download.
 */
export function langevinOneCall(size, steps, maxFrames) {
  return steps <= pieceSteps(size) && frameStride(steps, maxFrames) === 1;
}

/**
 * n chains of D = dim from start (Float32Array (n, D)) through one model.langevinSampler run, as a
 * generator: yields { done, total } after each piece but the last, returns { stride, frames:
 * Float32Array (F, n, D) } with F = keptFrames(steps, stride), frame f the chains after
 * stepOfFrame(f, steps, stride) steps: the frames of model.langevin({ …, keepAll: true }), bit for bit.
 * @param {any} model
 * @param {{ start: Float32Array, n: number, dim: number, eps: number, decay: number, temperature: number, steps: number, seed: number }} settings
 * @param {number} maxFrames
 * @returns {Generator<{ done: number, total: number }, { stride: number, frames: Float32Array }>}
 */
export function* langevinInPieces(model, { start, n, dim, eps, decay, temperature, steps, seed }, maxFrames) {
  const size = n * dim;
  const stride = frameStride(steps, maxFrames);
  if (langevinOneCall(size, steps, maxFrames))
    return { stride, frames: model.langevin({ start, n, eps, decay, temperature, steps, seed, keepAll: true }) };
  const frames = new Float32Array(keptFrames(steps, stride) * size);
  const piece = pieceSteps(size);
  const run = model.langevinSampler({ start, n, eps, decay, temperature, steps, seed });
  try {
    frames.set(run.points, 0);
    let t = 0,
      f = 1;
    while (t < steps) {
      const end = Math.min(steps, t + piece);
      while (t < end) {
        const next = Math.min(end, (Math.floor(t / stride) + 1) * stride);
        t = run.step(next - t);
        if (t % stride === 0 || t === steps) frames.set(run.points, size * f++);
      }
      if (t < steps) yield { done: t, total: steps };
    }
    return { stride, frames };
  } finally {
    run.dispose();
  }
}

/**
 * n chains of annealed Langevin from start (Float32Array (n, D)) through one model.sampler run
 * ('annealed' on the model's training ladder, `steps` per level, ε eps; a class-conditional model's
 * guided score with `guide` = { class, guidance }), as a generator: yields { done, total } steps after
 * each piece but the last (done offset by `before` within `of` steps in all, for a job of several
 * runs), returns frames Float32Array (L + 1, n, D): the start and the chains after each level, the bits
 * of model.annealedLangevin({ …, keep: 'levels' }).
 * @param {any} model
 * @param {{ start: Float32Array, n: number, dim: number, steps: number, eps: number, seed: number, guide?: object }} settings
 * @param {number} [before]
 * @param {number | null} [of]
 * @returns {Generator<{ done: number, total: number }, Float32Array>}
 */
export function* annealedInPieces(model, { start, n, dim, steps, eps, seed, guide = {} }, before = 0, of = null) {
  const size = n * dim;
  const run = model.sampler({ sampler: 'annealed', x0: start, n, steps, eps, seed, ...guide });
  try {
    const L = steps > 0 ? run.totalSteps / steps : model.trainingConfig().levels;
    const total = of ?? run.totalSteps;
    const frames = new Float32Array((L + 1) * size);
    const piece = pieceSteps(size);
    frames.set(run.points, 0);
    let t = 0;
    if (steps === 0) for (let l = 1; l <= L; l++) frames.set(run.points, l * size);
    while (t < run.totalSteps) {
      const end = Math.min(run.totalSteps, t + piece);
      while (t < end) {
        const next = Math.min(end, (Math.floor(t / steps) + 1) * steps);
        t = run.step(next - t);
        if (t % steps === 0) frames.set(run.points, (t / steps) * size);
      }
      if (t < run.totalSteps || before + t < total) yield { done: before + t, total };
    }
    return frames;
  } finally {
    run.dispose();
  }
}

/**
 * A job run inside another: yields map(p) for each progress p of job and returns job's result; the
 * outer job's return() (a dropped job) closes job too, freeing its run.
 * @template P, R, Q
 * @param {Generator<P, R>} job
 * @param {(p: P) => Q} map
 * @returns {Generator<Q, R>}
 */
export function* relay(job, map) {
  try {
    for (;;) {
      const next = job.next();
      if (next.done) return next.value;
      yield map(/** @type {P} */ (next.value));
    }
  } finally {
    job.return(/** @type {any} */ (undefined));
  }
}
