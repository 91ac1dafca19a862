// security.test.js — what issue 7 forbids in the code the browser runs, checked by reading it: every
// script and page under web/ is scanned for ways to turn text into code or markup (eval, new
// Function, string timers, innerHTML and its relatives, document.write), for inline scripts, inline
// styles and inline event handlers (which the strict CSP would block anyway, so a page using one is
// broken under it), and for any address outside the page's own origin that a page could load.
//
// The browser tests check the same at run time: harness.js fails any test whose page requests a host
// other than 127.0.0.1 or reports a CSP violation, and tests/browser/pages.test.js opens every page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const WEB = join(ROOT, 'web');

function filesUnder(dir, extensions) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(path, extensions);
    return extensions.some((ext) => entry.name.endsWith(ext)) ? [path] : [];
  });
}

// Comments may name what they avoid ("no innerHTML"): drop them. A `//` after a quote or colon
// (an address in a string) is not a comment.
const withoutComments = (js) => js.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');

const FORBIDDEN_JS = [
  [/\beval\s*\(/, 'eval'],
  [/\bnew\s+Function\b|\bFunction\s*\(/, 'new Function'],
  [/\bset(Timeout|Interval)\s*\(\s*['"`]/, 'a timer given a string'],
  [/\.(innerHTML|outerHTML)\b/, 'innerHTML/outerHTML'],
  [/\binsertAdjacentHTML\b|\bcreateContextualFragment\b|\bDOMParser\b.*text\/html/, 'HTML parsing of strings'],
  [/\bdocument\.(write|writeln)\s*\(/, 'document.write'],
  [/\bimport\s*\(\s*[^'"`)]/, 'import() of a computed address'],
];

test('no_script_turns_text_into_code_or_markup', () => {
  const files = filesUnder(WEB, ['.js', '.mjs']);
  assert.ok(files.length > 20, `found only ${files.length} scripts under web/`);
  const found = [];
  for (const file of files) {
    const code = withoutComments(readFileSync(file, 'utf8'));
    for (const [pattern, what] of FORBIDDEN_JS) {
      if (pattern.test(code)) found.push(`${relative(ROOT, file)}: ${what}`);
    }
  }
  assert.deepEqual(found, []);
});

test('pages_have_no_inline_script_style_or_handler_and_load_nothing_from_elsewhere', () => {
  const pages = filesUnder(WEB, ['.html']);
  assert.ok(pages.length >= 3, `found only ${pages.length} pages under web/`);
  const found = [];
  for (const file of pages) {
    const html = readFileSync(file, 'utf8').replace(/<!--[\s\S]*?-->/g, '');
    const name = relative(ROOT, file);
    for (const [, attrs, body] of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
      if (!/\bsrc=/.test(attrs) || body.trim() !== '') found.push(`${name}: an inline script`);
    }
    if (/<style\b/i.test(html)) found.push(`${name}: a <style> element`);
    if (/\sstyle\s*=/i.test(html)) found.push(`${name}: a style attribute`);
    if (/\son[a-z]+\s*=/i.test(html)) found.push(`${name}: an inline event handler`);
    // What a page loads: src on any element, href on link (stylesheets, icons, preloads). Links a
    // reader clicks (<a href>) are not loads.
    for (const [, url] of html.matchAll(/\bsrc\s*=\s*["']([^"']*)["']/gi)) {
      if (/^[a-z][a-z0-9+.-]*:|^\/\//i.test(url)) found.push(`${name}: loads ${url}`);
    }
    for (const [tag] of html.matchAll(/<link\b[^>]*>/gi)) {
      const url = tag.match(/\bhref\s*=\s*["']([^"']*)["']/i)?.[1] ?? '';
      if (/^[a-z][a-z0-9+.-]*:|^\/\//i.test(url)) found.push(`${name}: loads ${url}`);
    }
  }
  assert.deepEqual(found, []);
});

// The policy is written where HTML needs it, in each page's <meta> (a static host may send no header),
// and in serve.mjs's header: the copies must be one policy, or a page would work served one way only.
test('every_page_carries_the_policy_serve_mjs_sends', () => {
  const served = readFileSync(join(ROOT, 'scripts/serve.mjs'), 'utf8').match(/^const CSP = "([^"]+)";$/m)?.[1];
  assert.ok(served, "serve.mjs's CSP");
  const pages = filesUnder(WEB, ['.html']);
  assert.ok(pages.length >= 3, `found only ${pages.length} pages under web/`);
  for (const file of pages) {
    const meta = readFileSync(file, 'utf8').match(/<meta http-equiv="Content-Security-Policy" content="([^"]*)">/);
    assert.equal(meta?.[1], served, `${relative(ROOT, file)}: its <meta> policy`);
  }
});

test('the_scan_finds_what_it_looks_for', () => {
  // The patterns above must match the real thing, or the two tests above could never fail.
  const samples = [
    'eval("1")',
    'new Function("a", "b")',
    "setTimeout('x()', 1)",
    'el.innerHTML = s',
    'x.outerHTML',
    'el.insertAdjacentHTML("beforeend", s)',
    'document.write(s)',
    'import(url)',
  ];
  for (const sample of samples) {
    assert.ok(
      FORBIDDEN_JS.some(([pattern]) => pattern.test(withoutComments(sample))),
      sample,
    );
  }
  assert.ok(
    !FORBIDDEN_JS.some(([pattern]) => pattern.test(withoutComments('// no innerHTML here\nconst a = "http://x";'))),
  );
  assert.ok(!FORBIDDEN_JS.some(([pattern]) => pattern.test(withoutComments("import('./worker.js')"))));
});
