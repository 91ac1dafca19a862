// package.test.js — the npm package as a user gets it: `npm pack` makes the tarball, which is installed
// into an empty directory without a registry (`npm install --offline`, so the package must have no
// runtime dependencies), and there README.md's JavaScript example, with its import pointed at
// 'scorefield', runs, and so does `npx scorefield train --steps 10 --quiet`.
//
// The tarball is packed with --ignore-scripts (prepack would rebuild the wasm): the modules of the
// last ./build-wasm.sh go in, and the test fails if they are missing.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const NPM_MS = 120000; // ms for one npm command on a loaded 2-core machine

const work = mkdtempSync(join(tmpdir(), 'sf-package-'));
after(() => rmSync(work, { recursive: true, force: true }));
// npm's cache in the scratch directory: nothing from the user's, nothing left behind.
const env = { ...process.env, npm_config_cache: join(work, 'npm-cache'), npm_config_update_notifier: 'false' };

function run(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: NPM_MS });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')} exited with ${r.status}:\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

// README's ```js block, importing the package instead of the checkout's file.
function readmeExample() {
  const [, code] = readFileSync(join(ROOT, 'README.md'), 'utf8').match(/^```js\n([\s\S]*?)^```/m) ?? [];
  assert.ok(code, 'README.md has a ```js example');
  assert.match(code, /from '\.\/web\/core\/scorefield\.js'/);
  return code.replace("'./web/core/scorefield.js'", "'scorefield'");
}

test('package_json_describes_a_publishable_package', () => {
  assert.equal(PKG.name, 'scorefield');
  assert.notEqual(PKG.private, true);
  assert.match(PKG.version, /^\d+\.\d+\.\d+$/);
  assert.equal(PKG.engines.node, '>=20');
  assert.equal(PKG.dependencies, undefined, 'no runtime dependencies: the package installs offline');
  for (const [entry, target] of Object.entries(PKG.exports)) {
    const file = typeof target === 'string' ? target : target.default;
    assert.ok(existsSync(join(ROOT, file)), `exports["${entry}"] = ${file} does not exist`);
    if (typeof target !== 'string') assert.match(target.types, /^\.\/types\/.*\.d\.ts$/, `exports["${entry}"].types`);
  }
  assert.equal(PKG.exports['.'].types, PKG.types);
  assert.match(PKG.scripts.prepack, /npm run types/);
  assert.equal(readFileSync(join(ROOT, PKG.bin.scorefield), 'utf8').split('\n')[0], '#!/usr/bin/env node');
  assert.match(
    readFileSync(join(ROOT, 'CHANGELOG.md'), 'utf8'),
    new RegExp(`^## ${PKG.version.replaceAll('.', '\\.')}\\b`, 'm'),
  );
});

test('the_packed_tarball_installs_offline_and_runs_the_readme_example_and_the_cli', () => {
  const packDir = join(work, 'pack'),
    app = join(work, 'app');
  mkdirSync(packDir);
  mkdirSync(app);
  run('npm', ['run', '--silent', 'types'], ROOT);
  run('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', packDir], ROOT);
  const tarballs = readdirSync(packDir).filter((f) => f.endsWith('.tgz'));
  assert.deepEqual(tarballs, [`scorefield-${PKG.version}.tgz`]);
  const listing = run('tar', ['-tzf', join(packDir, tarballs[0])], work).split('\n');
  for (const file of [
    'web/core/scorefield-simd128.wasm',
    'web/core/scorefield-scalar.wasm',
    'web/core/scorefield-digits.bin',
    'types/web/core/scorefield.d.ts',
    'types/web/core/enums.d.ts',
    'CHANGELOG.md',
  ]) {
    assert.ok(listing.includes(`package/${file}`), `${file} is not in the tarball (run ./build-wasm.sh)`);
  }
  assert.ok(!listing.some((f) => /^package\/(src|tests|build)\//.test(f)), 'sources or tests in the tarball');

  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  run('npm', ['install', '--offline', '--no-audit', '--no-fund', join(packDir, tarballs[0])], app);

  writeFileSync(join(app, 'example.mjs'), readmeExample());
  assert.match(run(process.execPath, ['example.mjs'], app), /^loss -?\d+\.\d{4}, chain ends at \S+, \S+\n$/);
  // Every entry point in "exports" resolves from the installed package (the worker's and widget's
  // are browser modules: resolved, not run).
  const resolved = run(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `for (const e of ${JSON.stringify(Object.keys(PKG.exports))}) console.log(import.meta.resolve(e.replace('.', 'scorefield')));`,
    ],
    app,
  );
  assert.equal(resolved.trim().split('\n').length, Object.keys(PKG.exports).length);
  const { DATASETS } = JSON.parse(
    run(
      process.execPath,
      ['--input-type=module', '-e', "console.log(JSON.stringify(await import('scorefield/enums')))"],
      app,
    ),
  );
  assert.ok(Object.keys(DATASETS).includes('swiss_roll'));

  // The declarations: a // @ts-check module using the API type-checks clean, and one wrong call in
  // it (a string where the step count goes) is an error naming the line.
  const typed = [
    '// @ts-check',
    "import { createScorefield } from 'scorefield';",
    "import { DATASETS } from 'scorefield/enums';",
    "import { parsePoints } from 'scorefield/points-file';",
    'const sf = await createScorefield({ simd: false });',
    'const model = sf.createModel({ dim: 2, seed: 1 });',
    "model.configureTraining({ dataset: 'moons', objective: 'dsm' });",
    '/** @type {Float32Array} */',
    'const losses = model.train(10);',
    '/** @type {number} */',
    'const id = DATASETS.moons;',
    "const points = parsePoints('1,2', { maxPoints: sf.limits.points });",
    'model.setPoints(points);',
    'console.log(losses.length, id, model.dim);',
    'model.dispose();',
  ];
  const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
  const tscArgs = ['--noEmit', '--checkJs', '--allowJs', '--strict', '--module', 'nodenext', '--target', 'es2022'];
  tscArgs.push('--types', 'node', '--typeRoots', join(ROOT, 'node_modules/@types'), '--skipLibCheck', 'false');
  writeFileSync(join(app, 'typed.mjs'), typed.join('\n') + '\n');
  run(process.execPath, [tsc, ...tscArgs, 'typed.mjs'], app);
  writeFileSync(join(app, 'wrong.mjs'), typed.join('\n').replace('model.train(10)', "model.train('ten')") + '\n');
  const wrong = spawnSync(process.execPath, [tsc, ...tscArgs, 'wrong.mjs'], { cwd: app, encoding: 'utf8' });
  assert.notEqual(wrong.status, 0, 'tsc accepted a string step count');
  assert.match(wrong.stdout, /wrong\.mjs\(9,\d+\): error TS2345/);

  const cli = spawnSync('npx', ['--offline', '--no-install', 'scorefield', 'train', '--steps', '10', '--quiet'], {
    cwd: app,
    env,
    encoding: 'utf8',
    timeout: NPM_MS,
  });
  assert.equal(cli.status, 0, `npx scorefield exited with ${cli.status}:\n${cli.stdout}${cli.stderr}`);
  assert.match(cli.stdout, /^trained swiss_roll, sliced, .*: 10 steps in /);
});
