// outputs.js — the command line's output files, checked before any training and written so that a
// failure never leaves a partial file nor loses another output.
//
// checkOutputs runs before the first step: two outputs naming the same file (say --weights onto the
// losses file of --out-dir) are refused, and every path is probed for writing — a directory in the way,
// a parent that is a file, a folder without write permission — so a run of hours cannot end in "cannot
// write". writeAtomic writes each file to a temporary name next to it and renames it into place, so
// that an interrupted or failed write leaves the old file (or none), never a partial one.

import { accessSync, constants, existsSync, mkdirSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/** A problem with the outputs the command line names: a usage error (exit 2), found before the run. */
export class OutputError extends Error {}

// A reason from a Node file-system error without its code and path ("permission denied").
function reason(err) {
  return err.code ? err.message.replace(/^[A-Z]+: /, '').replace(/, \w+ '.*'$/, '') : err.message;
}

// The nearest existing ancestor of a path (the path itself when it exists).
function nearestExisting(path) {
  let p = resolve(path);
  while (!existsSync(p) && dirname(p) !== p) p = dirname(p);
  return p;
}

/**
 * Checks the outputs { key: path } before anything runs: labels { key: text } name each in messages
 * (an option, or the file --out-dir gives it). Throws OutputError for two outputs on one file, a path
 * that is a directory, a parent that is not a directory, or a place that cannot be written.
 */
export function checkOutputs(out, labels = {}) {
  const seen = new Map(); // resolved path → key
  const label = (key) => labels[key] ?? `--${key}`;
  for (const [key, path] of Object.entries(out)) {
    const full = resolve(path);
    if (seen.has(full))
      throw new OutputError(
        `${label(seen.get(full))} and ${label(key)} both name '${path}': give them different files`,
      );
    seen.set(full, key);
    if (existsSync(full)) {
      if (statSync(full).isDirectory()) throw new OutputError(`${label(key)}: '${path}' is a directory, not a file`);
      try {
        accessSync(full, constants.W_OK);
      } catch (err) {
        throw new OutputError(`${label(key)}: cannot write '${path}': ${reason(err)}`);
      }
      continue;
    }
    const parent = nearestExisting(dirname(full));
    if (!statSync(parent).isDirectory())
      throw new OutputError(`${label(key)}: cannot write '${path}': '${parent}' is a file, not a directory`);
    try {
      accessSync(parent, constants.W_OK | constants.X_OK);
    } catch (err) {
      throw new OutputError(`${label(key)}: cannot write '${path}': ${reason(err)} ('${parent}')`);
    }
  }
}

// mkdir -p, one level at a time: Node 20's mkdirSync(…, { recursive: true }) loops forever when a
// level fails with ENOENT although its parent exists (a path under /proc, for one).
export function makeDirs(dir) {
  if (existsSync(dir)) return;
  if (dirname(dir) !== dir) makeDirs(dirname(dir));
  mkdirSync(dir);
}

/**
 * Writes data to path through a temporary file in the same directory, renamed into place: the file is
 * either the old one or the whole new one. Throws an Error "cannot write 'path': reason".
 */
export function writeAtomic(path, data) {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    makeDirs(dirname(path));
    writeFileSync(temp, data);
    renameSync(temp, path);
  } catch (err) {
    try {
      unlinkSync(temp);
    } catch {
      // no temporary file was made
    }
    throw new Error(`cannot write '${path}': ${reason(err)}`, { cause: err });
  }
}
