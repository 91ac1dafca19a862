// plot-readout.js — the read-out of a plot of values against the training step (the loss plots of the
// page and the widget, the NCSN section's quality plot): the pointer (hovering, or a tap or click on a
// touch screen) picks the nearest point, and the focused plot's arrow keys move along the points
// (Shift or Page Up/Down: ten at a time, Home/End: the first and last, Escape: none). The point is
// marked on the canvas (web/render/readout.js) and its text, "step 120: loss 0.4321", is written into
// an <output> under the plot, which screen readers announce. A plot with `zoomSteps` also gets a
// checkbox that zooms it onto its last zoomSteps steps.
//
// One PlotReadout per view: the view passes its points to setPoints() each time it draws and calls
// draw() last; the read-out calls onChange() when the view must be redrawn. Numbers are the view's.
// Views load this module with import() (views.js attachReadout): the page at once, a widget when its
// plot is first pointed at, tapped or focused, so that a figure nobody reads loads less.

import { el } from './controls.js';
import { drawReadout } from '../render/readout.js';

const PAGE_POINTS = 10; // points moved by Shift+arrow, Page Up and Page Down

let readoutCount = 0; // numbers the read-outs of a document, for ids

export class PlotReadout {
  /**
   * canvas: the plot's; onChange(): redraw the view; label: what the plot shows (for the checkbox and
   * the output's name); zoomSteps: > 0 adds the zoom checkbox.
   */
  constructor(canvas, onChange, { label, zoomSteps = 0 }) {
    this.canvas = canvas;
    this.onChange = onChange;
    this.zoomSteps = zoomSteps;
    this.zoomed = false;
    this.index = -1; // the point shown, -1 none
    this.points = null; // { first, count, xOf(i), at(i) → { x, y, text } } from the view's last draw
    const id = `${canvas.id || 'plot'}-readout-${++readoutCount}`;
    this.output = el('output', 'plot-readout');
    this.output.id = id;
    this.output.setAttribute('aria-live', 'polite');
    this.output.textContent = 'Point at the plot, or focus it and use the arrow keys, to read a step.';
    const bar = el('div', 'plot-readout-bar');
    bar.append(this.output);
    if (zoomSteps > 0) {
      const zoom = el('label', 'plot-zoom');
      this.zoomBox = el('input');
      this.zoomBox.type = 'checkbox';
      this.zoomBox.className = 'plot-zoom-toggle';
      this.zoomBox.addEventListener('change', () => {
        this.zoomed = this.zoomBox.checked;
        this.onChange();
      });
      zoom.append(this.zoomBox, ` last ${zoomSteps} steps`);
      zoom.title = `Zoom the ${label} onto its last ${zoomSteps} steps`;
      bar.append(zoom);
    }
    canvas.after(bar);
    canvas.tabIndex = 0;
    canvas.setAttribute('aria-describedby', id);
    canvas.classList.add('has-readout');
    canvas.addEventListener('pointermove', (e) => this.#point(e));
    canvas.addEventListener('pointerdown', (e) => this.#point(e));
    canvas.addEventListener('pointerleave', (e) => {
      if (e.pointerType === 'mouse' && document.activeElement !== canvas) this.#select(-1);
    });
    canvas.addEventListener('keydown', (e) => this.#key(e));
  }

  /** The first step a zoomed plot of n steps shows (0 when not zoomed). */
  fromStep(n) {
    return this.zoomed ? Math.max(0, n - this.zoomSteps) : 0;
  }

  /** The view's points, from its latest draw (see the file's comment). */
  setPoints(points) {
    this.points = points;
  }

  /**
   * A loss plot's points and read-out: losses[from .. n − 1] as drawLoss drew them with view (its
   * areaView). losses[i] is the loss of step i + 1 (step 0 is the untrained network).
   */
  drawLoss(ctx, view, losses, from, n) {
    this.setPoints({
      first: from,
      count: n - from,
      xOf: (i) => view.x(i),
      at: (i) => ({
        x: view.x(i),
        y: view.y(losses[i]),
        text: `step ${i + 1}: loss ${Number.isFinite(losses[i]) ? losses[i].toPrecision(4) : 'not known (before the loaded file)'}`,
      }),
    });
    this.draw(ctx, view.area);
  }

  /** Draws the read-out over the view (call after the view's own drawing) and updates the output. */
  draw(ctx, area) {
    const p = this.points;
    if (!p || p.count === 0 || this.index < 0) return;
    this.index = Math.min(Math.max(this.index, p.first), p.first + p.count - 1);
    const { x, y, text } = p.at(this.index);
    if (this.output.textContent !== text) this.output.textContent = text;
    drawReadout(ctx, area, x, y, text);
  }

  // The output changes at once (a screen reader, or a test, reads it before the next frame is drawn).
  #select(i) {
    if (i === this.index) return;
    this.index = i;
    this.output.textContent = i < 0 ? '' : this.points.at(i).text;
    this.onChange();
  }

  #point(e) {
    const p = this.points;
    if (!p || p.count === 0) return;
    const rect = this.canvas.getBoundingClientRect();
    this.#select(nearestIndex(p.first, p.count, p.xOf, e.clientX - rect.left));
  }

  #key(e) {
    const p = this.points;
    if (!p || p.count === 0) return;
    const first = p.first,
      last = p.first + p.count - 1;
    const at = this.index < 0 ? last : this.index;
    const jump = e.shiftKey ? PAGE_POINTS : 1;
    const moves = {
      ArrowLeft: at - jump,
      ArrowDown: at - jump,
      ArrowRight: at + jump,
      ArrowUp: at + jump,
      PageDown: at - PAGE_POINTS,
      PageUp: at + PAGE_POINTS,
      Home: first,
      End: last,
      Escape: -1,
    };
    if (!(e.key in moves)) return;
    e.preventDefault();
    const i = moves[e.key];
    this.#select(i < 0 && e.key !== 'Escape' ? first : Math.min(i, last));
  }
}

/** The point of 0 .. count − 1 (sorted by x, from `first`) nearest to pixel px, by binary search. */
function nearestIndex(first, count, xOf, px) {
  let lo = first,
    hi = first + count - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xOf(mid) < px) lo = mid + 1;
    else hi = mid;
  }
  return lo > first && Math.abs(xOf(lo - 1) - px) <= Math.abs(xOf(lo) - px) ? lo - 1 : lo;
}
