// frame.js — the iframe page (frame.html): one <scorefield-widget> made from the frame's URL
// parameters, and a small postMessage API for the page that embeds the frame.
//
//   <iframe src="/scorefield/embed/frame.html?dataset=moons&panels=field,loss&origins=https://blog.example"
//           title="Score matching, live" width="640" height="520"></iframe>
//
// Parameters (query string or hash, the hash winning) are the widget's attributes (web/app/share.js
// checks them; bad ones become notices in the widget) plus `origins`: a comma-separated allow-list of
// the origins whose messages the frame obeys. The frame's own origin is always allowed; a message from
// any other origin, of an unknown type or of the wrong shape is ignored without an answer.
//
// Messages in (each a plain object; `id`, if given, a string or number echoed in the answer):
//   { type: 'scorefield:play' }   { type: 'scorefield:pause' }   { type: 'scorefield:reset' }
//   { type: 'scorefield:set', name, value }  → { type: 'scorefield:set-result', id, ok, value, notice }
//   { type: 'scorefield:get-state' }         → { type: 'scorefield:state', id, state }
//   { type: 'scorefield:retry' }             → { type: 'scorefield:retry-result', id, ok } (Try again after
//                                              the widget gave up on its worker; ok false when it had not)
// Messages out, to the parent, for each allowed origin: { type: 'scorefield:ready', state } once the
// worker is ready, { type: 'scorefield:resize', height } (CSS px) when the widget's height changes.

import './scorefield-widget.js';
import { addressValue, allowedOrigins, formatValue, paramName, readFrameAddress } from '../app/share.js';
import { WIDGET_ROWS } from './options.js';

const ROWS = WIDGET_ROWS;
const PREFIX = 'scorefield:';
const MAX_ID_CHARS = 64; // a longer id is not echoed

const read = readFrameAddress(location.search, location.hash, ROWS, { ignore: ['origins'] });
const allow = allowedOrigins(addressValue(location.search, location.hash, 'origins'), location.origin);

const widget = document.createElement('scorefield-widget');
for (const row of ROWS) {
  if (Object.hasOwn(read.values, row.name))
    widget.setAttribute(paramName(row.name), formatValue(row, read.values[row.name]));
}
document.body.append(widget);
widget.addNotices([...read.notices, ...allow.notices]);

// Counts what the frame ignored (document.documentElement.dataset.ignoredMessages), for the tests.
let ignored = 0;
function ignore() {
  document.documentElement.dataset.ignoredMessages = String(++ignored);
}

// The embedding page's origin: Chromium and Safari say it (ancestorOrigins); elsewhere the referrer,
// which browsers send cross-origin as the origin alone by default.
function parentOrigin() {
  if (window.parent === window) return null;
  if (location.ancestorOrigins?.length > 0) return location.ancestorOrigins[0];
  try {
    return document.referrer ? new URL(document.referrer).origin : null;
  } catch {
    return null;
  }
}

// Tells an allowed parent something (a parent whose origin is not allowed hears nothing).
function toParent(message) {
  const origin = parentOrigin();
  if (origin && allow.origins.has(origin)) window.parent.postMessage(message, origin);
}

const isPlainObject = (v) => v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype;
const isValue = (v) => typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));

window.addEventListener('message', (event) => {
  const msg = event.data;
  if (
    !allow.origins.has(event.origin) ||
    !isPlainObject(msg) ||
    typeof msg.type !== 'string' ||
    !msg.type.startsWith(PREFIX)
  ) {
    ignore();
    return;
  }
  const id =
    (typeof msg.id === 'string' && msg.id.length <= MAX_ID_CHARS) ||
    (typeof msg.id === 'number' && Number.isFinite(msg.id))
      ? msg.id
      : null;
  const reply = (answer) => event.source?.postMessage({ ...answer, id }, { targetOrigin: event.origin });
  switch (msg.type) {
    case 'scorefield:play':
      widget.play();
      break;
    case 'scorefield:pause':
      widget.pause();
      break;
    case 'scorefield:reset':
      widget.reset();
      break;
    case 'scorefield:set': {
      if (typeof msg.name !== 'string' || !isValue(msg.value)) {
        ignore();
        return;
      }
      const result = widget.set(msg.name, msg.value);
      reply({ type: 'scorefield:set-result', ok: result.ok, value: result.value ?? null, notice: result.notice ?? '' });
      break;
    }
    case 'scorefield:get-state':
      reply({ type: 'scorefield:state', state: widget.state() });
      break;
    case 'scorefield:retry':
      reply({ type: 'scorefield:retry-result', ok: widget.retry() });
      break;
    default:
      ignore();
  }
});

widget.addEventListener('scorefield-ready', () => toParent({ type: 'scorefield:ready', state: widget.state() }));
let lastHeight = 0;
new ResizeObserver(() => {
  const height = Math.ceil(widget.getBoundingClientRect().height);
  if (height !== lastHeight) {
    lastHeight = height;
    toParent({ type: 'scorefield:resize', height });
  }
}).observe(widget);
