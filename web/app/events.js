// events.js — the page's events by name, in one place: what a run (run.js, ncsn-run.js) tells its
// subscribers with subscribe(fn(run, what)), so that a view, the toolbar, the address or the widget
// names what it waits for rather than repeating a bare string.

export const RUN_EVENTS = Object.freeze({
  SETTINGS: 'settings', // a setting changed (the run may have started over)
  STATUS: 'status', // the status line changed: a message, an error, a save or a load
  STATE: 'state', // the worker reported the run's state: step, playing, done, dim
  LOSSES: 'losses', // new losses arrived
  FIELD: 'field', // a score field arrived
  VIEW: 'view', // chains, samples or particles arrived
  QUALITY: 'quality', // a sample-quality measurement arrived (NCSN runs)
});
