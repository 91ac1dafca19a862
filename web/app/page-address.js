// page-address.js — the hosted page's address: its settings read from location.search and the hash
// (readPageAddress) and the hash that holds its state (pageHash). The reading and writing rules are
// share.js's, which the widget and the iframe share; these two are the page's alone.

import { PAGE_OPTIONS, RUNS, SETTINGS } from './settings.js';
import { capped, formatValue, paramName, readEntries, splitAddress } from './share.js';

/**
 * The hosted page's address (location.search, location.hash): { anchor, runs: { <run>: { name: value } }
 * (only the settings given), page: { name: value } (every page option, defaults filled in), pageGiven
 * (the page options the address named), notices }.
 */
export function readPageAddress(search, hash) {
  const query = splitAddress(search),
    fragment = splitAddress(hash, { anchor: true });
  const groups = { page: { prefix: '', rows: PAGE_OPTIONS } };
  for (const run of Object.keys(RUNS)) groups[run] = { prefix: `${run}.`, rows: SETTINGS };
  const read = readEntries([...query.entries, ...fragment.entries], groups);
  const { page: pageGiven, ...runs } = read.values;
  const page = Object.fromEntries(PAGE_OPTIONS.map((row) => [row.name, pageGiven[row.name] ?? row.default]));
  return {
    anchor: fragment.anchor,
    runs,
    page,
    pageGiven,
    notices: capped([...query.notices, ...fragment.notices, ...read.notices]),
  };
}

// key=value with %-escapes only where an address needs them (',' stays readable in a list).
function pair(key, value) {
  const enc = (s) => encodeURIComponent(s).replace(/%2C/gi, ',');
  return `${enc(key)}=${enc(value)}`;
}

/**
 * The hash that holds the hosted page's state: the anchor, the page options in pageGiven, then the
 * given settings of each run (runs: { <run>: { name: value } }, in table order). The page passes the
 * settings someone chose (in the address, a control or a loaded file): the others are defaults, which
 * a fresh visit computes again — the table's, or the core's where it has its own (settings.js,
 * coreDefaults). '' for no state.
 */
export function pageHash({ anchor = '', pageGiven = {}, runs = {} }) {
  const parts = anchor ? [anchor] : [];
  for (const row of PAGE_OPTIONS) {
    if (Object.hasOwn(pageGiven, row.name))
      parts.push(pair(paramName(row.name), formatValue(row, pageGiven[row.name])));
  }
  for (const [run, values] of Object.entries(runs)) {
    for (const row of SETTINGS) {
      if (Object.hasOwn(values, row.name))
        parts.push(pair(`${run}.${paramName(row.name)}`, formatValue(row, values[row.name])));
    }
  }
  return parts.length > 0 ? `#${parts.join('&')}` : '';
}
