// loader.js — loads one of Scorefield's standalone WebAssembly modules, the same way in a Web Worker,
// a page and Node: no Emscripten glue, no dependencies.
//
// It picks the SIMD128 build when the engine validates a SIMD instruction (else the scalar build of
// the same sources, which gives the same bits), fetches or reads the bytes next to this file,
// answers the module's imports, and returns its exports with three small helpers. What the exports
// do is documented in src/wasm/api.c and src/scorefield.h; buffers, models and their lifetimes are
// the caller's.
//
//   const sf = await loadScorefield();          // or { simd: false } to force the scalar build
//                                               // or { threads: 'auto' | N } (see resolveThreads)
//   const x = sf.exports.malloc(4 * 2 * 4);     // 4 points of D = 2, as float32
//   sf.check(sf.exports.sfw_data_sample(x, 0, 0, 4, 1.0, 42));
//   const points = sf.f32(x, 8).slice();         // copy out before the next call that may allocate
//   sf.exports.free(x);

import { CORE_LIMITS } from './limits.js';

// threads.js (the helper threads) loads only when more than one thread is asked for: a single-threaded
// page or widget does not download it.
let threadsModule = null;
async function loadThreads() {
  threadsModule ??= await import('./threads.js');
  return threadsModule;
}

/** The helper threads alive now, over every instance (0 once every threaded instance is disposed). */
export function liveHelperThreads() {
  return threadsModule ? threadsModule.liveHelperThreads() : 0;
}

const FILES = {
  simd128: 'scorefield-simd128.wasm',
  scalar: 'scorefield-scalar.wasm',
  threads: 'scorefield-simd128-threads.wasm',
};
// The threaded module's shared memory, in 64 KiB pages: 16 MB to start, at most 1 GB (build-wasm.sh).
const SHARED_PAGES = { initial: 256, maximum: 16384 };
// 'auto' asks for the hardware's threads, at most this many: a batch is cut into at most 8 chunks.
const AUTO_THREADS_MAX = 8;

// (module (func (result v128) i32.const 0 i8x16.splat)): valid only where wasm SIMD128 is supported.
const SIMD_PROBE = new Uint8Array([
  0x00,
  0x61,
  0x73,
  0x6d,
  0x01,
  0x00,
  0x00,
  0x00, // magic, version 1
  0x01,
  0x05,
  0x01,
  0x60,
  0x00,
  0x01,
  0x7b, // type section: () -> v128
  0x03,
  0x02,
  0x01,
  0x00, // function section: one function of type 0
  0x0a,
  0x08,
  0x01,
  0x06,
  0x00,
  0x41,
  0x00,
  0xfd,
  0x0f,
  0x0b, // code: i32.const 0; i8x16.splat; end
]);

const IS_NODE = typeof process !== 'undefined' && !!process.versions?.node;

// Compiled modules by file name: compiling is the slow part, so each file is compiled once per
// worker or process, and every loadScorefield() call gets a fresh instance (its own memory).
/** @type {Map<string, Promise<WebAssembly.Module>>} */
const compiled = new Map();

/** True when this engine supports WebAssembly SIMD128. */
export function simdSupported() {
  return WebAssembly.validate(SIMD_PROBE);
}

/** The bytes of a file next to this module (a wasm module, the digits table), in Node or a worker. */
export async function readCoreFile(file) {
  return new Uint8Array(await readBytes(file));
}

async function readBytes(file) {
  const url = new URL(file, import.meta.url);
  if (IS_NODE) {
    const { readFile } = await import('node:fs/promises');
    return readFile(url);
  }
  // A network failure names the file, not only the browser's "Failed to fetch".
  const response = await fetch(url).catch((err) => {
    throw new Error(`scorefield: cannot fetch ${url}: ${err.message}`, { cause: err });
  });
  if (!response.ok) throw new Error(`scorefield: cannot fetch ${url}: HTTP ${response.status}`);
  return response.arrayBuffer();
}

// The module's imports: the memory-growth notification needs no answer (views are re-created by the
// caller after any call that may allocate); anything else means the build pulled in code we did not
// mean to ship (printf, abort …), so it fails loudly the moment it is called.
/**
 * @param {WebAssembly.Module} module
 * @returns {WebAssembly.Imports}
 */
function buildImports(module, threaded = null) {
  /** @type {Record<string, Record<string, any>>} */
  const imports = {};
  for (const { module: mod, name, kind } of WebAssembly.Module.imports(module)) {
    if (threaded && mod === 'env' && (name === 'memory' || name === 'sfw_run')) {
      imports.env ??= {};
      imports.env[name] = threaded[name];
      continue;
    }
    if (kind !== 'function') throw new Error(`scorefield: unexpected ${kind} import ${mod}.${name}`);
    imports[mod] ??= {};
    imports[mod][name] =
      mod === 'env' && name === 'emscripten_notify_memory_growth'
        ? () => {}
        : () => {
            throw new Error(
              `scorefield: the module called its import ${mod}.${name}, which the loader does not provide`,
            );
          };
  }
  return imports;
}

/**
 * The module's exports: its memory, and functions of numbers (pointers, sizes, values) that return a
 * number (a pointer, a count or an sf_status).
 * @typedef {{ memory: WebAssembly.Memory } & Record<string, (...args: number[]) => number>} CoreExports
 */

/**
 * A loaded module with its helpers; createScorefield adds `limits` (sf.limits).
 * @typedef {object} Core
 * @property {CoreExports} exports
 * @property {WebAssembly.Memory} memory
 * @property {'simd128' | 'scalar'} isa
 * @property {boolean} simdSupported
 * @property {(ptr: number, n: number) => Float32Array} f32
 * @property {(ptr: number) => string} cstr
 * @property {(status: number) => number} check
 * @property {Record<string, number>} [limits]
 * @property {number} threads the threads it runs on (1 for the single-threaded modules)
 * @property {string} threadsReason why it runs on fewer threads than asked ('' when it does not)
 * @property {() => Promise<void>} terminate ends the helper threads (a no-op without them)
 * @property {() => number} threadedCalls the core calls that ran tasks on helper threads so far
 */

/**
 * Checks a `threads` option and resolves it to a count: 'auto' is the hardware's threads (at most 8,
 * a batch's most chunks), a number an integer 1 .. the core's limit (64; more than the hardware has
 * is allowed, and gives the same bits, only slower). Anything else throws an Error naming the value.
 * @param {unknown} threads
 * @returns {Promise<number>}
 */
export async function resolveThreads(threads) {
  if (threads === 'auto')
    return Math.min(await (await loadThreads()).hardwareThreads(), AUTO_THREADS_MAX, CORE_LIMITS.threads);
  if (typeof threads !== 'number' || !Number.isInteger(threads) || threads < 1 || threads > CORE_LIMITS.threads)
    throw new Error(
      `scorefield: threads must be 'auto' or an integer 1..${CORE_LIMITS.threads}, got ${
        typeof threads === 'string' ? `'${threads}'` : String(threads)
      }`,
    );
  return threads;
}

function compile(file) {
  if (!compiled.has(file))
    compiled.set(
      file,
      readBytes(file).then((bytes) => WebAssembly.compile(bytes)),
    );
  return compiled.get(file).catch((err) => {
    compiled.delete(file); // let a later call retry (a transient fetch error, say)
    throw err;
  });
}

/**
 * Instantiates Scorefield. `simd`: true or false forces the SIMD128 or scalar build; undefined picks
 * SIMD128 when supported. `threads`: 1 (the default), 'auto' or a count (resolveThreads); more than
 * one loads the threaded module and starts threads − 1 helpers (terminate() ends them), unless the
 * engine cannot (no SharedArrayBuffer: a page that is not cross-origin isolated; no SIMD128; the
 * scalar build asked for): then one thread, and threadsReason says why.
 * Returns { exports, memory, isa, simdSupported, threads, threadsReason, terminate, f32, cstr, check }.
 * @param {{ simd?: boolean, threads?: number | 'auto' }} [options]
 * @returns {Promise<Core>}
 */
export async function loadScorefield({ simd, threads = 1 } = {}) {
  const supported = simdSupported();
  const isa = (simd ?? supported) ? 'simd128' : 'scalar';
  const asked = await resolveThreads(threads);
  let threadsReason = '';
  const T = asked > 1 ? await loadThreads() : null;
  if (T)
    threadsReason =
      T.threadsUnavailable() ||
      (!supported ? 'this engine has no WebAssembly SIMD128' : '') ||
      (isa === 'scalar' ? 'the scalar build is single-threaded' : '');
  const count = asked > 1 && !threadsReason ? asked : 1;
  let exports, runner;
  if (T && count > 1) {
    const module = await compile(FILES.threads);
    const memory = new WebAssembly.Memory({ ...SHARED_PAGES, shared: true });
    runner = T.createRunner(module, memory);
    const instance = await WebAssembly.instantiate(module, buildImports(module, { memory, sfw_run: runner.run }));
    exports = /** @type {CoreExports} */ (/** @type {unknown} */ ({ ...instance.exports, memory }));
    exports._initialize();
    await runner.start(exports, count);
    if (exports.sfw_threads_init(count) !== 0) {
      await runner.stop();
      throw new Error(`scorefield: the threaded module refused ${count} threads`);
    }
  } else {
    const module = await compile(FILES[isa]);
    const instance = await WebAssembly.instantiate(module, buildImports(module));
    exports = /** @type {CoreExports} */ (/** @type {unknown} */ (instance.exports));
    exports._initialize(); // --no-entry builds a reactor: run its static constructors once
  }
  const memory = exports.memory;
  const utf8 = new TextDecoder();

  // A fresh view of n floats at ptr. Views are detached when memory grows: make them after the call.
  const f32 = (ptr, n) => new Float32Array(memory.buffer, ptr, n);
  // The NUL-terminated UTF-8 string at ptr.
  // (A copy: TextDecoder refuses a view of the threaded module's SharedArrayBuffer.)
  const cstr = (ptr) => {
    const bytes = new Uint8Array(memory.buffer, ptr);
    const end = bytes.indexOf(0);
    return utf8.decode(bytes.slice(0, end < 0 ? bytes.length : end));
  };
  // Throws sfw_error()'s message for a status other than 0 (SF_OK); returns 0 otherwise.
  const check = (status) => {
    if (status === 0) return status;
    const err = /** @type {Error & { status?: number }} */ (
      new Error(`scorefield: ${cstr(exports.sfw_status_name(status))}: ${cstr(exports.sfw_error())}`)
    );
    err.status = status;
    throw err;
  };
  let calls = 0;
  const threadedCalls = () => calls + (runner ? runner.calls() : 0);
  const terminate = async () => {
    if (!runner) return;
    const r = runner;
    calls += r.calls();
    runner = null;
    exports.sfw_threads_init(1); // the core runs inline from here on
    await r.stop();
  };
  return {
    exports,
    memory,
    isa,
    simdSupported: supported,
    threads: count,
    threadsReason,
    terminate,
    threadedCalls,
    f32,
    cstr,
    check,
  };
}
