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
//   const x = sf.exports.malloc(4 * 2 * 4);     // 4 points of D = 2, as float32
//   sf.check(sf.exports.sfw_data_sample(x, 0, 0, 4, 1.0, 42));
//   const points = sf.f32(x, 8).slice();         // copy out before the next call that may allocate
//   sf.exports.free(x);

const FILES = { simd128: 'scorefield-simd128.wasm', scalar: 'scorefield-scalar.wasm' };

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
  const response = await fetch(url);
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
function buildImports(module) {
  /** @type {Record<string, Record<string, () => void>>} */
  const imports = {};
  for (const { module: mod, name, kind } of WebAssembly.Module.imports(module)) {
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
 */

/**
 * Instantiates Scorefield. `simd`: true or false forces the SIMD128 or scalar build; undefined picks
 * SIMD128 when supported. Returns { exports, memory, isa, simdSupported, f32, cstr, check }.
 * @param {{ simd?: boolean }} [options]
 * @returns {Promise<Core>}
 */
export async function loadScorefield({ simd } = {}) {
  const supported = simdSupported();
  const isa = (simd ?? supported) ? 'simd128' : 'scalar';
  const file = FILES[isa];
  if (!compiled.has(file))
    compiled.set(
      file,
      readBytes(file).then((bytes) => WebAssembly.compile(bytes)),
    );
  let module;
  try {
    module = await compiled.get(file);
  } catch (err) {
    compiled.delete(file); // let a later call retry (a transient fetch error, say)
    throw err;
  }
  const instance = await WebAssembly.instantiate(module, buildImports(module));
  const exports = /** @type {CoreExports} */ (/** @type {unknown} */ (instance.exports));
  exports._initialize(); // --no-entry builds a reactor: run its static constructors once
  const memory = exports.memory;
  const utf8 = new TextDecoder();

  // A fresh view of n floats at ptr. Views are detached when memory grows: make them after the call.
  const f32 = (ptr, n) => new Float32Array(memory.buffer, ptr, n);
  // The NUL-terminated UTF-8 string at ptr.
  const cstr = (ptr) => {
    const bytes = new Uint8Array(memory.buffer, ptr);
    const end = bytes.indexOf(0);
    return utf8.decode(bytes.subarray(0, end < 0 ? bytes.length : end));
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
  return { exports, memory, isa, simdSupported: supported, f32, cstr, check };
}
