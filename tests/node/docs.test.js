// docs.test.js — the code examples of README.md and docs/*.md, run as they are written, so that an
// example that no longer compiles, throws or prints what its text says fails the test command:
// - every ```c block is a whole program: compiled against the native library (build/release, built
//   here if missing) with warnings as errors, and run; it must exit 0;
// - every ```js block is run by Node as an ES module from a scratch directory, its './web/…' imports
//   pointed at this checkout; a block that uses the browser (document, window) is only parsed;
// - in ```console blocks, each `$ node tools/scorefield.mjs …` whose output starts with a
//   `scorefield:` error line is run: the same first line on stderr, and the exit code of a following
//   `$ echo $?`.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DOCS = ['README.md', ...readdirSync(join(ROOT, 'docs')).map((f) => `docs/${f}`)].filter((f) => f.endsWith('.md'));

// [{ file, line, lang, code }] of every fenced block.
function blocks() {
  const out = [];
  for (const file of DOCS) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    for (const m of text.matchAll(/^```(\w*)\n([\s\S]*?)^```/gm)) {
      out.push({ file, line: text.slice(0, m.index).split('\n').length, lang: m[1], code: m[2] });
    }
  }
  return out;
}

const ALL = blocks();

// Imports of the npm package ('scorefield', 'scorefield/enums' …) point at this checkout's files, by
// package.json's "exports" (tests/node/package.test.js runs an installed package).
const EXPORTS = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).exports;
const PACKAGE_IMPORT = /(['"])scorefield(\/[\w-]+)?\1/g;
function fromPackage(match, quote, sub = '') {
  const target = EXPORTS[`.${sub}`];
  const file = typeof target === 'string' ? target : target?.default;
  return file ? `${quote}${pathToFileURL(join(ROOT, file)).href}${quote}` : match;
}
const where = (b) => `${b.file}:${b.line}`;

test('the docs have examples in C, JavaScript and for the command line', () => {
  for (const lang of ['c', 'js', 'console']) {
    assert.ok(ALL.filter((b) => b.lang === lang).length >= 1, `a \`\`\`${lang} block`);
  }
  assert.ok(
    ALL.some((b) => b.file === 'README.md' && b.lang === 'c'),
    'README has a C example',
  );
  assert.ok(
    ALL.some((b) => b.file === 'README.md' && b.lang === 'js'),
    'README has a JavaScript example',
  );
});

test('every C example compiles with warnings as errors and runs', () => {
  const lib = join(ROOT, 'build/release/libscorefield.a');
  if (!existsSync(lib)) {
    execFileSync('cmake', ['-S', ROOT, '-B', join(ROOT, 'build/release'), '-DCMAKE_BUILD_TYPE=Release']);
    execFileSync('cmake', ['--build', join(ROOT, 'build/release'), '--target', 'scorefield', '-j', '2']);
  }
  const dir = mkdtempSync(join(tmpdir(), 'sf-docs-c-'));
  try {
    const examples = ALL.filter((b) => b.lang === 'c');
    for (const [i, b] of examples.entries()) {
      assert.match(b.code, /\bint main\(/, `${where(b)}: a C example is a whole program`);
      const src = join(dir, `example${i}.c`),
        exe = join(dir, `example${i}`);
      writeFileSync(src, b.code);
      const cc = spawnSync(
        'cc',
        ['-std=c11', '-Wall', '-Wextra', '-Werror', '-I', join(ROOT, 'src'), src, lib, '-lm', '-o', exe],
        { encoding: 'utf8' },
      );
      assert.equal(cc.status, 0, `${where(b)} does not compile:\n${cc.stderr}`);
      const run = spawnSync(exe, { encoding: 'utf8', timeout: 120000 });
      assert.equal(run.status, 0, `${where(b)} exits with ${run.status}:\n${run.stdout}${run.stderr}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('every JavaScript example runs in Node (browser examples are parsed)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sf-docs-js-'));
  const web = pathToFileURL(join(ROOT, 'web')).href;
  try {
    const examples = ALL.filter((b) => b.lang === 'js');
    for (const [i, b] of examples.entries()) {
      const file = join(dir, `example${i}.mjs`);
      writeFileSync(file, b.code.replaceAll(/(['"])\.\/web\//g, `$1${web}/`).replaceAll(PACKAGE_IMPORT, fromPackage));
      const browser = /\b(document|window)\./.test(b.code);
      const run = spawnSync(process.execPath, browser ? ['--check', file] : [file], {
        cwd: dir,
        encoding: 'utf8',
        timeout: 120000,
      });
      assert.equal(run.status, 0, `${where(b)} fails:\n${run.stdout}${run.stderr}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the command-line error examples print what the docs say, with the exit code they say', () => {
  let checked = 0;
  for (const b of ALL.filter((x) => x.lang === 'console')) {
    const lines = b.code.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const cmd = lines[i].match(/^\$ node tools\/scorefield\.mjs (.*)$/);
      if (!cmd || !lines[i + 1]?.startsWith('scorefield:')) continue;
      const run = spawnSync(process.execPath, ['tools/scorefield.mjs', ...cmd[1].split(/\s+/)], {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 60000,
      });
      assert.equal(run.stderr.split('\n')[0], lines[i + 1], `${where(b)}: ${lines[i]}`);
      const status = lines.slice(i + 1).findIndex((l) => l.startsWith('$ '));
      if (status >= 0 && lines[i + 1 + status] === '$ echo $?') {
        assert.equal(String(run.status), lines[i + 2 + status], `${where(b)}: exit code of ${lines[i]}`);
      }
      checked++;
    }
  }
  assert.ok(checked >= 2, `ran ${checked} command-line examples`);
});
