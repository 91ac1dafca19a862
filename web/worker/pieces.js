// pieces.js — Langevin chains as jobs the worker runs in pieces, keeping only the frames a figure draws.
//
// A sampler run at the table's maximum (10⁶ steps) takes seconds to minutes and would hold every frame
// ((steps + 1) × n × D floats: 4 GB for 16 digits). Run as a generator, it does at most one piece of
// bounded memory and time per call of next(), so the worker returns to its loop between pieces
// (answering pings, taking newer requests that replace this one), and yields { done, total } steps for
// a progress line. It keeps at most maxFrames frames, evenly spaced: the steps 0, stride, 2·stride, …
// and always the last.
//
// A run that fits one piece is one call of model.langevin with the given seed, exactly as before. A
// longer run continues piece after piece from the last point: piece p (p ≥ 1) is seeded
// pieceSeed(seed, p) and starts at the step size the core's own schedule reaches there (ε ← ε·decay
// in float32 after every step), so it is the same sampler with a fresh noise stream per piece.

export const PIECE_STEPS = 5000; // at most this many steps per piece (2-D: ~75 ms)
export const PIECE_FLOATS = 1 << 20; // at most this many floats (4 MB) of frames per piece
const SEED_MAX = 2 ** 53 - 1; // sf.limits.seed
const PIECE_SEED_STRIDE = 2 ** 32; // chains are seeded seed + i: pieces never meet another chain's seed

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

/** The seed of piece p ≥ 1 of a run seeded `seed`: seed + p·2³², wrapped within 0 … 2⁵³ − 1. */
export function pieceSeed(seed, p) {
  const offset = p * PIECE_SEED_STRIDE;
  return seed <= SEED_MAX - offset ? seed + offset : seed - (SEED_MAX + 1 - offset);
}

/**
 * n chains of D = dim from start (Float32Array (n, D)) through model.langevin, as a generator: yields
 * { done, total } after each piece, returns { stride, frames: Float32Array (F, n, D) } with F =
 * keptFrames(steps, stride).
 */
export function* langevinInPieces(model, { start, n, dim, eps, decay, temperature, steps, seed }, maxFrames) {
  const size = n * dim;
  const stride = frameStride(steps, maxFrames);
  const frames = new Float32Array(keptFrames(steps, stride) * size);
  const pieceSteps = Math.max(1, Math.min(PIECE_STEPS, Math.floor(PIECE_FLOATS / Math.max(1, size)) - 1));
  if (steps <= pieceSteps) {
    const all = model.langevin({ start, eps, decay, temperature, steps, seed, keepAll: true });
    for (let t = 0, f = 0; t <= steps; t++) {
      if (t % stride === 0 || t === steps) frames.set(all.subarray(t * size, (t + 1) * size), size * f++);
    }
    return { stride, frames };
  }
  frames.set(start.subarray(0, size), 0);
  let x = start,
    t = 0,
    f = 1,
    p = 0;
  let e = Math.fround(eps);
  const d = Math.fround(decay);
  while (t < steps) {
    const length = Math.min(pieceSteps, steps - t);
    const piece = model.langevin({
      start: x,
      eps: e,
      decay,
      temperature,
      steps: length,
      seed: p === 0 ? seed : pieceSeed(seed, p),
      keepAll: true,
    });
    for (let k = 1; k <= length; k++) {
      const at = t + k;
      if (at % stride === 0 || at === steps) frames.set(piece.subarray(k * size, (k + 1) * size), size * f++);
    }
    x = piece.slice(length * size, (length + 1) * size);
    for (let k = 0; k < length; k++) e = Math.fround(e * d); // the core's own schedule, float32
    t += length;
    p++;
    if (t < steps) yield { done: t, total: steps };
  }
  return { stride, frames };
}
