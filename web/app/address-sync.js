// address-sync.js — keeps the hosted page's URL hash in step with its runs' settings, so that the
// address bar always holds a link that reproduces the page: every change of a setting rewrites the
// hash (history.replaceState: no history entry, no scroll) with every setting someone chose, a
// section anchor the address opened with is kept and scrolled to, and a hash edited by hand reloads
// the page with the new settings.
//
// The hash's format and all checking are share.js's (pure); this module only reads and writes
// `location` and `history`, and knows runs only through values and subscribe().

import { readPageAddress, pageHash } from './page-address.js';
import { RUN_EVENTS } from './events.js';

/**
 * Starts syncing: runs is { name: Run }, address what readPageAddress read at load. Scrolls to the
 * address's anchor when the hash also holds settings (the browser does not: the whole hash is no
 * element's id), unless the address had values that needed a notice.
 */
export function syncAddress(runs, address) {
  let anchor = address.anchor;
  // The page options the hash named (those in the query string stay there): they stay in the hash.
  const pageGiven = readPageAddress('', location.hash).pageGiven;
  // The settings someone chose (run.explicit): the rest are defaults a fresh visit computes again.
  const chosen = (run) => Object.fromEntries([...run.explicit].map((name) => [name, run.values[name]]));
  const chosenAll = () => Object.fromEntries(Object.entries(runs).map(([name, run]) => [name, chosen(run)]));
  const current = () => pageHash({ anchor, pageGiven, runs: chosenAll() });
  const write = () => {
    const hash = current();
    if (hash === location.hash || (hash === '' && location.hash === '')) return;
    history.replaceState(history.state, '', `${location.pathname}${location.search}${hash}`);
  };
  for (const run of Object.values(runs))
    run.subscribe((_, what) => {
      if (what === RUN_EVENTS.SETTINGS) write();
    });

  // Whether an address names other settings than the ones chosen now (its query string and hash
  // together, as a fresh visit would read them).
  const differs = (next) =>
    pageHash({ runs: next.runs }) !== pageHash({ runs: chosenAll() }) ||
    Object.entries(next.page).some(([name, value]) => value !== address.page[name]);

  window.addEventListener('hashchange', () => {
    const hashOnly = readPageAddress('', location.hash);
    anchor = hashOnly.anchor;
    // A bare anchor (a link to a section) keeps the settings: they go back after it.
    const bare =
      hashOnly.notices.length === 0 &&
      Object.keys(hashOnly.pageGiven).length === 0 &&
      Object.values(hashOnly.runs).every((v) => Object.keys(v).length === 0);
    const next = readPageAddress(location.search, location.hash);
    if (bare || (next.notices.length === 0 && !differs(next))) {
      write();
      return;
    }
    location.reload(); // new settings: start over with them, as a fresh visit to the link would
  });

  if (address.notices.length > 0) {
    // Some values were clamped or dropped: the link now says what the page uses, and the page stays
    // at the top, where the notice is, rather than at the anchor.
    write();
  } else if (anchor && location.hash !== `#${anchor}`) {
    const target = document.getElementById(anchor);
    if (target) requestAnimationFrame(() => target.scrollIntoView());
  }
}
