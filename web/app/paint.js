// paint.js — points a user draws for an NCSN run to learn: a pointer drag lays points along its path,
// the keyboard moves a brush and drops a dab of points, and a typed (x, y) does the same from a form.
// At most MAX_POINTS points: the most a model holds (the core's limit, sf.limits.points).
//
// It keeps the points and turns input events into them; what the canvas shows is the data view's
// (ncsn-views.js), and handing the points to the worker is the section's (ncsn-section.js), on
// onCommit — once per finished stroke or dab, not per pointer move.

import { limit } from '../core/settings.js';

export const MAX_POINTS = limit('points');
const SPACING = 0.03; // data units between the points of a stroke: ~4 px on the page's plots
const DAB_POINTS = 12; // a dab: its centre and a ring of this many points around it
const DAB_RADIUS = 0.06; // data units
const CURSOR_STEP = 0.05; // data units per arrow key press
const CURSOR_STEP_FAST = 0.25; // with Shift
const HEART_POINTS = 240; // the drawing offered when a user picks 'your drawing' with nothing drawn
const HEART_SCALE = 1 / 12; // the heart curve spans about ±17 units: to about ±1.4

export class Painter {
  /** box: { xmin, xmax, ymin, ymax } — where points may go (the plot's data box). */
  constructor(box) {
    this.box = box;
    this.points = new Float32Array(2 * MAX_POINTS);
    this.count = 0;
    this.version = 0; // bumped on every change
    this.cursor = { x: 0, y: 0, shown: false }; // the keyboard's brush
    this.listeners = new Set();
  }

  /** fn(painter, committed): every change; committed is true when a stroke, dab or clear is finished. */
  subscribe(fn) {
    this.listeners.add(fn);
  }

  get full() {
    return this.count >= MAX_POINTS;
  }

  /** The points as a new Float32Array (count, 2). */
  snapshot() {
    return this.points.slice(0, 2 * this.count);
  }

  /** Adds a point (clamped to the box); false when full. Does not commit. */
  add(x, y) {
    if (this.full || !Number.isFinite(x) || !Number.isFinite(y)) return false;
    const b = this.box;
    this.points[2 * this.count] = Math.min(b.xmax, Math.max(b.xmin, x));
    this.points[2 * this.count + 1] = Math.min(b.ymax, Math.max(b.ymin, y));
    this.count++;
    return true;
  }

  /** A dab at (x, y): its centre and a small ring of points; then commits. */
  dab(x, y) {
    this.add(x, y);
    for (let k = 0; k < DAB_POINTS; k++) {
      const a = (2 * Math.PI * k) / DAB_POINTS;
      this.add(x + DAB_RADIUS * Math.cos(a), y + DAB_RADIUS * Math.sin(a));
    }
    this.#changed(true);
  }

  clear() {
    this.count = 0;
    this.#changed(true);
  }

  /** Replaces the points by `points` (Float32Array (n, 2), from a points file; clamped to the box); then commits. */
  replace(points) {
    this.count = 0;
    for (let i = 0; i + 1 < points.length; i += 2) this.add(points[i], points[i + 1]);
    this.#changed(true);
  }

  /** Replaces the points by a heart, a drawing to start from; then commits. */
  fillExample() {
    this.count = 0;
    for (let i = 0; i < HEART_POINTS; i++) {
      const t = (2 * Math.PI * i) / HEART_POINTS;
      const x = 16 * Math.sin(t) ** 3,
        y = 13 * Math.cos(t) - 5 * Math.cos(2 * t) - 2 * Math.cos(3 * t) - Math.cos(4 * t);
      this.add(x * HEART_SCALE, (y + 2) * HEART_SCALE);
    }
    this.#changed(true);
  }

  /**
   * Makes `canvas` paintable: a pointer drag lays points every SPACING along its path; when it has
   * focus, the arrow keys move a brush (Shift: faster) and Space or Enter drops a dab there.
   * toData(clientX, clientY) maps a pointer to data coordinates, or null outside the plot.
   */
  attach(canvas, toData) {
    let last = null; // the stroke's last point, while a pointer is down
    canvas.addEventListener('pointerdown', (event) => {
      if (event.button !== 0) return;
      const p = toData(event.clientX, event.clientY);
      if (!p) return;
      event.preventDefault();
      canvas.setPointerCapture(event.pointerId);
      last = p;
      this.add(p.x, p.y);
      this.#changed(false);
    });
    canvas.addEventListener('pointermove', (event) => {
      if (!last) return;
      const p = toData(event.clientX, event.clientY);
      if (!p) return;
      const d = Math.hypot(p.x - last.x, p.y - last.y);
      if (d < SPACING) return;
      const k = Math.floor(d / SPACING);
      for (let i = 1; i <= k; i++) this.add(last.x + ((p.x - last.x) * i) / k, last.y + ((p.y - last.y) * i) / k);
      last = p;
      this.#changed(false);
    });
    const end = () => {
      if (!last) return;
      last = null;
      this.#changed(true);
    };
    canvas.addEventListener('pointerup', end);
    canvas.addEventListener('pointercancel', end);
    canvas.addEventListener('focus', () => {
      this.cursor.shown = true;
      this.#changed(false);
    });
    canvas.addEventListener('blur', () => {
      this.cursor.shown = false;
      this.#changed(false);
    });
    canvas.addEventListener('keydown', (event) => {
      const step = event.shiftKey ? CURSOR_STEP_FAST : CURSOR_STEP;
      const moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
      const b = this.box,
        c = this.cursor;
      if (moves[event.key]) {
        c.x = Math.min(b.xmax, Math.max(b.xmin, c.x + moves[event.key][0]));
        c.y = Math.min(b.ymax, Math.max(b.ymin, c.y + moves[event.key][1]));
        this.#changed(false);
      } else if (event.key === ' ' || event.key === 'Enter') {
        this.dab(c.x, c.y);
      } else {
        return;
      }
      event.preventDefault(); // arrows and Space would scroll the page
    });
  }

  #changed(committed) {
    this.version++;
    for (const fn of this.listeners) fn(this, committed);
  }
}
