// validate.js — the one check of integers at the JavaScript boundary, used by the Node API
// (scorefield.js), the worker's message shapes (web/worker/check.js) and the command line
// (tools/scorefield.mjs), so that no integer reaches a wasm i32 argument unchecked.
//
// A wasm i32 argument converts a number modulo 2^32 (ToInt32): 2^32 + 8 arrives as 8 and 2^31 as
// −2^31, silently. So the checks here never convert: a value must already be a number that is an
// integer inside [min, max], where max comes from the library's own limits (sf.limits, SF_MAX_* of
// src/scorefield.h) or, for counts the library bounds only by memory, from MAX_INT32.
//
//   integer('batch', 2 ** 32 + 16, 1, sf.limits.batch)
//   // → Error: batch must be an integer from 1 to 65536, got 4294967312

/** The largest value an i32 argument holds: the bound of counts the library limits only by memory. */
export const MAX_INT32 = 2 ** 31 - 1;

const MAX_SHOWN = 40; // characters of a bad value repeated in a message

/**
 * A short, safe description of any value for a message: numbers in full (2 ** 32 as 4294967296), strings
 * quoted and cut, Symbols and objects by kind; it never throws (a Symbol in a template literal would).
 */
export function show(v) {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'symbol') return 'a Symbol';
  if (typeof v === 'bigint') return `${v}n`.length > MAX_SHOWN ? 'a BigInt' : `${v}n`;
  if (typeof v === 'function') return 'a function';
  if (typeof v === 'object' && v !== null) {
    if (Array.isArray(v)) return 'an Array';
    const ctor = Object.getPrototypeOf(v)?.constructor;
    return typeof ctor === 'function' && typeof ctor.name === 'string' && ctor.name ? `a ${ctor.name}` : 'an object';
  }
  const text = typeof v === 'string' ? `'${v}'` : String(v);
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN - 3)}...` : text;
}

/** What an integer of [min, max] should be, for messages: 'an integer from 1 to 65536'. */
export function integerRange(min, max) {
  return `an integer from ${min} to ${max}`;
}

/** '' when v is a number that is an integer of [min, max], else what it should be (integerRange). */
export function integerProblem(v, min, max) {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? '' : integerRange(min, max);
}

/**
 * v when it is a number that is an integer of [min, max]; else an Error naming the option and the value,
 * `${name} must be an integer from ${min} to ${max}, got ${show(v)}`, with `prefix` before it.
 */
export function integer(name, v, min, max, prefix = '') {
  const problem = integerProblem(v, min, max);
  if (problem) throw new Error(`${prefix}${name} must be ${problem}, got ${show(v)}`);
  return v;
}

/** v when it is a finite number; else an Error naming the option and the value. */
export function finiteNumber(name, v, prefix = '') {
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new Error(`${prefix}${name} must be a finite number, got ${show(v)}`);
  return v;
}
