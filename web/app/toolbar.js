// toolbar.js — the controls and read-outs of one training run: Play/Pause, Step, Reset, one control
// per training setting of the table (settings.js), the read-outs step, loss, steps/s and ms/step,
// and a status line that says in plain words when training diverged or failed, with the way out.
//
// It turns clicks into Run commands and shows the Run's state; it sends nothing to the worker
// itself and draws no canvas.

import { buildControls, button, el, readout } from './controls.js';
import { rowsOf, settingRow } from './settings.js';
import { RUN_EVENTS } from './events.js';

const DIVERGED_LR_FACTOR = 10; // the learning rate the page offers after a divergence: ÷10

/**
 * A toolbar for `run` inside `container` (a <div> the page leaves empty); rows: the settings it shows
 * (default: the table's training rows).
 */
export class RunToolbar {
  constructor(container, run, { onUserAction = () => {}, rows = rowsOf('train') } = {}) {
    this.run = run;
    this.onUserAction = onUserAction; // tells main.js the user took over from autoplay
    const buttons = el('div', 'toolbar-buttons');
    this.playButton = button('Play', () => this.#act(() => (run.playing ? run.pause() : run.play())), 'primary');
    this.stepButton = button('Step', () => this.#act(() => run.stepOnce()));
    this.stepButton.title = 'Train exactly one step';
    this.resetButton = button('Reset', () => this.#act(() => run.reset()));
    this.resetButton.title = 'A fresh network with the same settings, back to step 0';
    buttons.append(this.playButton, this.stepButton, this.resetButton);

    const fields = el('div', 'toolbar-fields');
    this.controls = buildControls(fields, rows, run.values, (name, value) =>
      this.#act(() => {
        const wasPlaying = run.playing;
        run.set(name, value);
        // A new network (dataset, seed) starts paused in the worker: keep training if it was playing.
        if (settingRow(name).resets && wasPlaying) run.play();
      }),
    );

    const readouts = el('div', 'toolbar-readouts');
    this.stepOut = readout('step');
    this.lossOut = readout('loss');
    this.rateOut = readout('steps/s');
    this.costOut = readout('ms/step');
    readouts.append(this.stepOut.root, this.lossOut.root, this.rateOut.root, this.costOut.root);

    this.status = el('div', 'run-status');
    this.status.setAttribute('role', 'status');
    this.statusText = el('span');
    this.fixButton = button('', () => this.#recover(), 'fix');
    this.fixButton.hidden = true;
    this.status.append(this.statusText, this.fixButton);

    container.append(buttons, fields, readouts, this.status);
    run.subscribe((_, what) => {
      if (what !== RUN_EVENTS.LOSSES && what !== RUN_EVENTS.FIELD && what !== RUN_EVENTS.VIEW) this.#showStatus();
    });
    this.#showStatus();
  }

  /** Refreshes the read-outs (called every animation frame; unchanged text is not rewritten). */
  update(now) {
    const run = this.run;
    this.stepOut.set(`${run.step} / ${run.values.steps}`);
    const last = run.count > 0 ? run.losses[run.count - 1] : NaN;
    this.lossOut.set(Number.isFinite(last) ? last.toFixed(4) : '–');
    const rate = run.stepsPerSecond(now);
    this.rateOut.set(run.playing && rate > 0 ? rate.toFixed(0) : '–');
    this.costOut.set(Number.isFinite(run.msPerStep) ? run.msPerStep.toFixed(2) : '–');
    const label = run.playing ? 'Pause' : 'Play';
    if (this.playButton.textContent !== label) this.playButton.textContent = label;
    const disabled = run.dim === 0;
    this.playButton.disabled = disabled || (!run.playing && run.done);
    this.stepButton.disabled = disabled || run.playing;
    this.resetButton.disabled = disabled;
  }

  #act(fn) {
    this.onUserAction(this.run);
    fn();
  }

  #showStatus() {
    const run = this.run;
    this.fixButton.hidden = true;
    this.status.classList.remove('is-error', 'is-warning');
    if (run.diverged) {
      const { step, failedLoss, lr } = run.diverged;
      const fix = this.#fix();
      this.statusText.textContent =
        `Training diverged at step ${step}: with learning rate ${lr} the loss or the ` +
        `weights stopped being finite numbers (loss ${Number.isFinite(failedLoss) ? Number(failedLoss.toPrecision(3)) : failedLoss}). That step was undone and training paused.`;
      this.fixButton.textContent =
        fix.back != null
          ? `Go back to step ${fix.back} and continue with learning rate ${formatLr(fix.lr)}`
          : `Use learning rate ${formatLr(fix.lr)} and continue`;
      this.fixButton.hidden = false;
      this.status.classList.add('is-warning');
    } else if (run.error) {
      this.statusText.textContent = `Something went wrong: ${run.error}`;
      this.status.classList.add('is-error');
    } else if (run.notice) {
      this.statusText.textContent = run.notice;
      this.status.classList.add('is-warning');
    } else if (run.dim !== 0 && run.done && !run.playing) {
      this.statusText.textContent = `Trained ${run.step} steps. Raise Steps to train further, or Reset.`;
    } else {
      this.statusText.textContent = '';
    }
  }

  // The way out of a divergence: back to the page's checkpoint from before training started or a
  // setting changed, when there is one, and a learning rate below the one that diverged — the one used
  // there if it was lower, else a tenth. (The steps just before a divergence have usually blown the
  // weights up already: going on from them with any learning rate diverges again.)
  #fix() {
    const run = this.run,
      safe = run.safePoint();
    const back = safe && safe.step < run.diverged.step ? safe.step : null;
    const lr = back != null && safe.settings.lr < run.values.lr ? safe.settings.lr : run.values.lr / DIVERGED_LR_FACTOR;
    return { back, lr };
  }

  #recover() {
    const { back } = this.#fix();
    const lower = Number(formatLr(this.#fix().lr));
    this.#act(() => {
      if (back != null) this.run.rewind();
      this.run.set('lr', lower);
      this.controls.set('lr', lower);
      this.run.play();
    });
  }
}

// A learning rate with three significant digits, as a number input shows it.
function formatLr(lr) {
  return String(Number(lr.toPrecision(3)));
}
