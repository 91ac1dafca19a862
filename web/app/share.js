// share.js — settings in addresses and attributes: reads the hosted page's URL hash (and the older
// query string), the widget's attributes and its iframe's parameters against the settings table
// (web/core/settings.js: the settings, the page's options and the widget's); page-address.js reads the
// page's own address with these rules and writes its state back into the hash, so that a link
// reproduces what its sender saw.
//
// Outside text is data, never markup: every value is checked against its row, a number out of range
// is clamped and anything malformed or unknown is dropped, each with a one-sentence notice that the
// caller shows as text. Nothing here touches the DOM or throws on any input, so Node tests feed it
// random strings (tests/node/settings.test.js).
//
// The hash: an optional section anchor first, then key=value pairs joined by '&' — e.g.
// `#langevin&exact.seed=7&exact.chain-steps=40`. Run settings are `<run>.<setting>`, page options
// bare (`simd=scalar`); setting names are written in kebab-case (chain-steps) and also read as the
// table spells them (chainSteps). The query string (`?exact.steps=50`) is read the same way, and the
// hash wins where both name a setting.

import { paramName } from '../core/settings.js';

export { paramName };

export const MAX_ADDRESS_CHARS = 4096; // longer query strings or hashes are cut here, with a notice
export const MAX_VALUE_CHARS = 100; // a longer value is not any setting's: dropped
export const MAX_NOTICES = 6; // notices listed one by one; the rest are counted in one more
const SHOWN_CHARS = 32; // outside text quoted in a notice is cut to this many characters
// A decimal number as people type it: no hex, no binary, no "Infinity", no empty string.
const NUMBER_PATTERN = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const ANCHOR_PATTERN = /^[A-Za-z][\w-]*$/;
const TRUE_WORDS = ['', '1', 'true', 'yes', 'on'];
const FALSE_WORDS = ['0', 'false', 'no', 'off'];

// Outside text made fit to quote in a notice: control characters out, cut to SHOWN_CHARS.
function shown(text) {
  const clean = String(text).replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
  return clean.length > SHOWN_CHARS ? `${clean.slice(0, SHOWN_CHARS)}…` : clean;
}

function decode(text) {
  try {
    return decodeURIComponent(text);
  } catch {
    return null; // a malformed %-escape
  }
}

/**
 * A query string or hash (a leading '?' or '#' is skipped) as { anchor, entries: [[key, value]],
 * notices }. With { anchor: true } a first part without '=' that looks like an element id is the
 * section anchor. '+' stays '+' (so 1e+3 is a number); a part with a broken %-escape is dropped.
 */
export function splitAddress(text, { anchor: withAnchor = false } = {}) {
  let s = typeof text === 'string' ? text : '';
  const notices = [];
  if (s.startsWith('?') || s.startsWith('#')) s = s.slice(1);
  if (s.length > MAX_ADDRESS_CHARS) {
    notices.push(`The address is longer than ${MAX_ADDRESS_CHARS} characters: the rest was ignored.`);
    s = s.slice(0, MAX_ADDRESS_CHARS);
  }
  const parts = s.split('&');
  let anchor = '';
  if (withAnchor && parts.length > 0 && !parts[0].includes('=')) {
    const first = decode(parts.shift());
    if (first !== null && ANCHOR_PATTERN.test(first)) anchor = first;
    else if (first) notices.push(`'${shown(first)}' is not a section of the page: ignored.`);
  }
  const entries = [];
  for (const part of parts) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = decode(eq < 0 ? part : part.slice(0, eq)),
      value = eq < 0 ? '' : decode(part.slice(eq + 1));
    if (key === null || value === null) notices.push(`'${shown(part)}' is not a well-formed setting: ignored.`);
    else entries.push([key, value]);
  }
  return { anchor, entries, notices };
}

/**
 * One outside value (a string from an address or attribute; a number or boolean from a postMessage)
 * checked against its row: { value } when it is valid, { value, notice } when it was clamped into the
 * row's range, { notice } when it was dropped. `key` is how the notice names the setting.
 */
export function coerceSetting(row, raw, key = paramName(row.name)) {
  const text =
    typeof raw === 'string' ? raw.trim() : typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : null;
  const name = shown(key);
  if (text === null) return { notice: `${name}: not a value: ignored.` };
  if (text.length > MAX_VALUE_CHARS)
    return { notice: `${name}: a value of ${text.length} characters is not a ${row.label.toLowerCase()}: ignored.` };
  switch (row.type) {
    case 'enum': {
      const option =
        row.options.find((o) => o.value === text) ??
        row.options.find((o) => o.value.toLowerCase() === text.toLowerCase());
      if (option) return { value: option.value };
      return {
        notice: `${name}: '${shown(text)}' is not one of ${row.options.map((o) => o.value).join(', ')}: ignored.`,
      };
    }
    case 'boolean': {
      const word = text.toLowerCase();
      if (TRUE_WORDS.includes(word)) return { value: true };
      if (FALSE_WORDS.includes(word)) return { value: false };
      return { notice: `${name}: '${shown(text)}' is neither true nor false: ignored.` };
    }
    case 'set': {
      const words = text.split(/[\s,]+/).filter((w) => w !== '');
      const known = row.options.map((o) => o.value);
      const chosen = known.filter((v) => words.some((w) => w.toLowerCase() === v));
      const unknown = words.filter((w) => !known.includes(w.toLowerCase()));
      if (chosen.length === 0)
        return { notice: `${name}: '${shown(text)}' names none of ${known.join(', ')}: ignored.` };
      const value = chosen.join(',');
      if (unknown.length > 0)
        return { value, notice: `${name}: '${shown(unknown.join(', '))}' ignored (not one of ${known.join(', ')}).` };
      return { value };
    }
    case 'integer':
    case 'number': {
      if (!NUMBER_PATTERN.test(text)) return { notice: `${name}: '${shown(text)}' is not a number: ignored.` };
      const v = Number(text) + 0; // + 0 turns −0 into 0
      if (!Number.isFinite(v)) return { notice: `${name}: '${shown(text)}' is too large a number: ignored.` };
      if (row.type === 'integer' && !Number.isInteger(v))
        return { notice: `${name}: '${shown(text)}' is not a whole number: ignored.` };
      if (v < row.min)
        return { value: row.min, notice: `${name}: ${shown(text)} is below the minimum ${row.min}: using ${row.min}.` };
      if (v > row.max)
        return { value: row.max, notice: `${name}: ${shown(text)} is above the maximum ${row.max}: using ${row.max}.` };
      return { value: v };
    }
    default:
      return { notice: `${name}: this setting cannot be given here: ignored.` };
  }
}

/** A value as an address or attribute writes it: numbers as JavaScript prints them, booleans 1/0. */
export function formatValue(row, value) {
  if (row.type === 'boolean') return value ? '1' : '0';
  return String(value);
}

// At most MAX_NOTICES notices, and one more that counts the rest.
export function capped(notices) {
  if (notices.length <= MAX_NOTICES + 1) return notices;
  return [...notices.slice(0, MAX_NOTICES), `… and ${notices.length - MAX_NOTICES} more.`];
}

/**
 * Reads [key, value] entries against groups of rows: groups is { id: { prefix, rows } }; a key is
 * prefix + paramName(name) or prefix + name, for the row's name and its aliases. Returns { values: { id: { name: value } },
 * notices }; a later entry for the same setting wins, keys listed in `ignore` are skipped and any
 * other unknown key gets a notice.
 */
export function readEntries(entries, groups, { ignore = [] } = {}) {
  const keys = new Map(),
    values = {},
    notices = [];
  for (const [id, { prefix, rows }] of Object.entries(groups)) {
    values[id] = {};
    for (const row of rows) {
      for (const name of [row.name, ...(row.aliases ?? [])]) {
        keys.set(prefix + paramName(name), { id, row });
        keys.set(prefix + name, { id, row });
      }
    }
  }
  for (const [key, raw] of entries) {
    const target = keys.get(key);
    if (!target) {
      if (!ignore.includes(key)) notices.push(`'${shown(key)}' is not a setting here: ignored.`);
      continue;
    }
    const result = coerceSetting(target.row, raw, key);
    if (result.notice) notices.push(result.notice);
    if ('value' in result) values[target.id][target.row.name] = result.value; // a later valid value wins
  }
  return { values, notices: capped(notices) };
}

/**
 * Attribute values read against rows: get(name) returns an attribute's value or null when absent
 * (element.getAttribute). Returns { values: { name: value } (only the attributes present and valid),
 * notices }.
 */
export function readAttributes(get, rows) {
  const values = {},
    notices = [];
  for (const row of rows) {
    // The row's own name first, then its aliases (older names an embed may still use).
    const key = [row.name, ...(row.aliases ?? [])].map(paramName).find((k) => get(k) !== null && get(k) !== undefined);
    if (key === undefined) continue;
    const raw = get(key);
    const result = coerceSetting(row, raw, key);
    if (result.notice) notices.push(result.notice);
    if ('value' in result) values[row.name] = result.value;
  }
  return { values, notices: capped(notices) };
}

/**
 * An iframe's parameters (its query string and hash, the hash winning) read against rows: { values,
 * notices }; keys in `ignore` (the frame's own, like origins) are skipped, others unknown get a notice.
 */
export function readFrameAddress(search, hash, rows, { ignore = [] } = {}) {
  const query = splitAddress(search),
    fragment = splitAddress(hash);
  const read = readEntries([...query.entries, ...fragment.entries], { widget: { prefix: '', rows } }, { ignore });
  return { values: read.values.widget, notices: capped([...query.notices, ...fragment.notices, ...read.notices]) };
}

/** The raw value of key in a query string or hash (the last one given), or null: for keys no row has. */
export function addressValue(search, hash, key) {
  const all = [...splitAddress(search).entries, ...splitAddress(hash).entries].filter(([k]) => k === key);
  return all.length > 0 ? all[all.length - 1][1] : null;
}

export const MAX_ORIGINS = 16; // an allow-list longer than this is a mistake, not a configuration

/**
 * The iframe's postMessage allow-list from its `origins` parameter (comma- or space-separated):
 * { origins: Set, notices }. Each entry must be an http(s) origin — scheme, host, optional port,
 * nothing after — as event.origin spells it; `own` (the frame's origin) is always in.
 */
export function allowedOrigins(param, own) {
  const origins = new Set([own]),
    notices = [];
  const entries = (typeof param === 'string' ? param : '').split(/[\s,]+/).filter((e) => e !== '');
  for (const entry of entries.slice(0, MAX_ORIGINS)) {
    let url = null;
    try {
      url = new URL(entry);
    } catch {
      // not a URL: the notice below
    }
    const bare = entry.replace(/\/$/, '').toLowerCase();
    if (url && (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === bare) origins.add(url.origin);
    else notices.push(`origins: '${shown(entry)}' is not an origin like https://blog.example: ignored.`);
  }
  if (entries.length > MAX_ORIGINS) notices.push(`origins: only the first ${MAX_ORIGINS} entries are used.`);
  return { origins, notices };
}
