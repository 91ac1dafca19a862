// digit-views.js — section 6's Langevin denoising of digits: the frames of 16 chains started from
// the tutorial's 0.1·U(0, 1)^64, shown as one 8×8 image with its step number and a colour bar, a
// filmstrip of every frame, and a grid of all samples at the same step; play, pause and scrub.
//
// The player asks the digits run for samples (every frame kept) whenever the network changed —
// at most once a second while it trains — and keeps which frame is shown; drawing is
// web/render/digits.js's, the frames are the worker's.

import { ModelView, drawNote } from './views.js';
import {
  drawColourBar,
  drawDigit,
  drawDigitGrid,
  drawFilmstripCursor,
  filmstripLayer,
  imageRange,
  tileAt,
} from '../render/digits.js';
import { TEXT_COLOR, TITLE_FONT } from '../render/theme.js';
import { TO_WORKER } from '../worker/protocol.js';
import { stepOfFrame } from '../worker/pieces.js';
import { RUN_EVENTS } from './events.js';

export const PLAYER_SAMPLES = 16; // chains sampled at once: sample 0 is the big image, all 16 the grid
const FRAME_MS = 120; // ms per frame while playing: 51 frames in about 6 s
const SAMPLE_REFRESH_MS = 1000; // ms between new samples while the run trains
const PIXELS = 64;
const BAR_W = 14; // px, the colour bar's width
const BAR_GAP = 12; // px between the image and the bar
const BAR_LABELS_W = 44; // px for the bar's tick labels
const TITLE_H = 26; // px above the image

/** The frames every view of the player draws from, and which one is shown. */
export class DigitPlayer {
  constructor(run) {
    this.run = run;
    this.viewId = 'digits/player';
    this.frame = -1; // −1 until samples arrive: then the last frame, the denoised digits
    this.playing = true;
    this.lastAdvance = 0;
    this.seedOffset = 0; // bumped by Resample: the next seed
    this.settingsVersion = 0; // bumped when the sampler's settings change
    this.listeners = new Set();
    this.framesRendered = 0; // counts images drawn (the browser tests read it)
    run.subscribe((_, what) => {
      if (what === RUN_EVENTS.VIEW || what === RUN_EVENTS.STATE) this.#changed();
    });
  }

  subscribe(fn) {
    this.listeners.add(fn);
  }

  /**
   * The latest samples: { frames (F, n, 64), n, steps, stride, step } or undefined. Up to 1000 sampler
   * steps F = steps + 1 (every frame); beyond, the worker keeps every stride-th (web/worker/pieces.js).
   */
  get samples() {
    const result = this.run.viewResult(this.viewId);
    return result?.frames ? result : undefined;
  }

  get frameCount() {
    const s = this.samples;
    return s ? s.frames.length / (s.n * PIXELS) : 0;
  }

  /** The sampler step of frame f of the latest samples. */
  stepOf(f) {
    const s = this.samples;
    return s ? stepOfFrame(f, s.steps, s.stride ?? 1) : 0;
  }

  /** 'Sampling…', with how far the worker is when the samples run in pieces. */
  sampling() {
    const progress = this.run.viewProgress.get(this.viewId);
    if (!progress) return 'Sampling…';
    return `Sampling: step ${progress.done.toLocaleString('en')} of ${progress.total.toLocaleString('en')}…`;
  }

  /** Called every animation frame: asks for samples when stale, advances the frame when playing. */
  update(now) {
    const run = this.run;
    if (run.dim === PIXELS) {
      run.wantView(
        this.viewId,
        TO_WORKER.SAMPLES,
        { n: PLAYER_SAMPLES, seed: run.values.chainSeed + this.seedOffset, langevin: run.langevin() },
        `${this.seedOffset}/${this.settingsVersion}`,
        SAMPLE_REFRESH_MS,
      );
    }
    const count = this.frameCount;
    if (count === 0) return;
    if (this.frame < 0 || this.frame >= count) this.show(count - 1);
    if (this.playing && now - this.lastAdvance >= FRAME_MS) {
      this.lastAdvance = now;
      this.show((this.frame + 1) % count);
    }
  }

  show(frame) {
    const count = this.frameCount;
    if (count === 0) return;
    const f = Math.max(0, Math.min(count - 1, Math.round(frame)));
    if (f !== this.frame) {
      this.frame = f;
      this.#changed();
    }
  }

  setPlaying(playing) {
    this.playing = playing;
    this.#changed();
  }

  /** New chains from the next seed. */
  resample() {
    this.seedOffset++;
    this.#changed();
  }

  /** New chains after a change of the sampler's settings (same seed). */
  touch() {
    this.settingsVersion++;
    this.#changed();
  }

  #changed() {
    for (const fn of this.listeners) fn(this);
  }
}

/** Sample 0 at the current frame, with "step t / T" above it and a colour bar beside it (model: a DigitPlayer). */
export class DigitImageView extends ModelView {
  draw(ctx, width, height) {
    const player = this.model,
      samples = player.samples;
    if (!samples) {
      drawNote(ctx, width, height, [
        player.run.dim === 0
          ? 'Starting the network…'
          : player.run.dim !== PIXELS
            ? 'The digits run trains on another dataset.'
            : player.sampling(),
      ]);
      return;
    }
    const t = player.frame,
      offset = t * samples.n * PIXELS;
    const range = imageRange(samples.frames, offset);
    const side = Math.max(8, Math.min(height - TITLE_H, width - BAR_GAP - BAR_W - BAR_LABELS_W));
    const x = Math.floor((width - side - BAR_GAP - BAR_W - BAR_LABELS_W) / 2),
      y = TITLE_H;
    ctx.font = TITLE_FONT;
    ctx.fillStyle = TEXT_COLOR;
    ctx.textBaseline = 'alphabetic';
    const title = `step ${player.stepOf(t)} / ${samples.steps} (network at training step ${samples.step})`;
    ctx.fillText(title, x, TITLE_H - 9);
    drawDigit(ctx, samples.frames, offset, x, y, side, range);
    drawColourBar(ctx, x + side + BAR_GAP, y, BAR_W, side, range.lo, range.hi);
    player.framesRendered++;
    this.describe(`Langevin denoising of a digit, ${title}.`);
  }
}

/**
 * Every frame of sample 0 as a filmstrip (every k-th when they do not fit); clicking a tile shows that
 * frame. The tiles are drawn once per set of samples and canvas size into a layer; a frame of the
 * animation copies it and outlines the current tile. model: a DigitPlayer.
 */
export class FilmstripView extends ModelView {
  constructor(canvas, player) {
    super(canvas, player);
    this.layer = null; // the tiles of `layerSamples` at the canvas's size
    this.layerSamples = null;
    canvas.addEventListener('click', (event) => {
      const samples = player.samples;
      const layer = this.layer;
      if (!samples || !layer) return;
      const rect = canvas.getBoundingClientRect();
      const i = tileAt(layer.layout, layer.shown.length, event.clientX - rect.left, event.clientY - rect.top);
      if (i >= 0) {
        player.setPlaying(false);
        player.show(layer.shown[i]);
      }
    });
  }

  draw(ctx, width, height) {
    const player = this.model,
      samples = player.samples;
    if (!samples) {
      this.layer = null;
      this.layerSamples = null;
      const progress = player.run.viewProgress.get(player.viewId);
      const lines = ['The filmstrip appears with the first samples.', ...(progress ? [player.sampling()] : [])];
      drawNote(ctx, width, height, lines);
      this.describe(lines.join(' '));
      return;
    }
    const { canvas } = ctx,
      layer = this.layer;
    if (
      !layer ||
      this.layerSamples !== samples ||
      layer.width !== width ||
      layer.height !== height ||
      layer.canvas.width !== canvas.width ||
      layer.canvas.height !== canvas.height
    ) {
      this.layer = filmstripLayer(width, height, samples.frames, samples.n, 0, canvas.width, canvas.height, (t) =>
        player.stepOf(t),
      );
      this.layerSamples = samples;
    }
    drawFilmstripCursor(ctx, this.layer, player.frame);
    const count = player.frameCount,
      shown = this.layer.shown.length;
    const kept = count === samples.steps + 1 ? '' : ` kept of ${samples.steps} steps (every ${samples.stride}th)`;
    const which = shown === count ? `all ${count} frames${kept}` : `${shown} of ${count} frames${kept}, evenly spaced,`;
    this.describe(
      `Filmstrip of ${which} of the first sample; frame ${player.frame} (step ${player.stepOf(player.frame)}) is outlined.`,
    );
  }
}

/** All samples at the current frame (model: a DigitPlayer). */
export class SampleGridView extends ModelView {
  draw(ctx, width, height) {
    const player = this.model,
      samples = player.samples;
    if (!samples) {
      drawNote(ctx, width, height, ['…']);
      return;
    }
    drawDigitGrid(ctx, width, height, samples.frames, samples.n, player.frame);
    this.describe(`${samples.n} digit samples at Langevin step ${player.stepOf(player.frame)}.`);
  }
}
