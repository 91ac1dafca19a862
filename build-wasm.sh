#!/usr/bin/env bash
# Builds Scorefield's three standalone WebAssembly modules from every source under src/ (the library
# and its export surface src/wasm/api.c), with no Emscripten JS glue:
#   web/core/scorefield-simd128.wasm  compiled with -msimd128 (the SIMD128 kernels)
#   web/core/scorefield-scalar.wasm   the same sources without it (the fallback and benchmark baseline)
#   web/core/scorefield-simd128-threads.wasm  the SIMD128 build with atomics over an imported shared
#                                     memory, plus src/wasm/threads.c: several instances of it, one per
#                                     thread, share one memory (web/core/threads.js; docs/performance.md)
#   web/core/scorefield-digits.bin    the digits table, which the modules load only when digits are used
#   web/vendor/gifenc.js              the GIF encoder (npm gifenc), for the page and the CLI alike
# web/core/loader.js picks one and instantiates it, in a Web Worker or in Node.
# Then checks that each module imports nothing but env.emscripten_notify_memory_growth (a standalone
# module that printed or aborted would import WASI functions no loader provides; the threaded one also
# env.memory and its runner env.sfw_run) and prints the sizes.
# Warnings are errors, so this is also the warning-free wasm compile check of scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")"

out=web/core
mkdir -p "$out"
# The digits table stays out of the modules (44 KB of their download): they get it at run time from
# scorefield-digits.bin, written here from the same table by a native tool (see sf_data_load_digits).
mapfile -t sources < <(find src -name '*.c' -not -name 'digits_table.c' -not -path 'src/par/pool.c' -not -path 'src/wasm/threads.c' | sort)
mkdir -p build
cc -std=c11 -O1 -Isrc tools/dump_digits.c src/data/digits_table.c -o build/dump_digits
build/dump_digits "$out/scorefield-digits.bin"

# The exports JS calls: everything api.c marks with export_name, plus the allocator for JS buffers.
# (export_name already exports the sfw_ functions; listing them here also keeps a renamed or deleted
# one from passing silently, since emcc fails on an EXPORTED_FUNCTIONS name it cannot find.)
exports=$(grep -o 'SFW_EXPORT(sfw_[a-z_0-9]*)' src/wasm/api.c | sed 's/SFW_EXPORT(\(.*\))/_\1/' | sort -u | paste -sd, -)
exports="$exports,_malloc,_free"

# -ffp-contract=off: no fused multiply-add, so native and both wasm builds agree bit for bit.
# -fno-ffast-math is the default; it stays off (it reorders sums and assumes no NaN).
cflags=(-std=c11 -ffp-contract=off -DNDEBUG -DSF_DIGITS_EXTERNAL -Wall -Wextra -Wpedantic -Werror -Isrc)
# Memory: 16 MB to start, growing up to 1 GB for large models or batches; 1 MB of stack.
flags=(-O3 --no-entry -sSTANDALONE_WASM -sALLOW_MEMORY_GROWTH -sINITIAL_MEMORY=16MB -sMAXIMUM_MEMORY=1GB
       -sTOTAL_STACK=1MB -sMALLOC=emmalloc "-sEXPORTED_FUNCTIONS=$exports")

# Optimisation by file. What every training step and score evaluation runs through — the kernels a
# build uses (the SIMD128 ones and their dispatch in the SIMD builds; every kernel in the scalar build),
# the net, the losses, the optimiser and base/fmath.c — and the normal generator every Langevin step
# draws from (base/rng.c: 10% more steps of 1024 digit chains a second than at -Os, for 360 bytes
# gzipped; the stepper, sample/langevin.c, gained nothing measurable for 740) at -O3; everything else
# (the API, the model's bookkeeping, the data generators, the samplers' drivers, the weights file, the
# digit classifier) at -Os, which takes about 9.5 KB off the gzipped SIMD128 module: a widget's
# download budget (issue 16). The level changes no bit: no -ffast-math, -ffp-contract=off at both.
hot_simd='^src/(kernels/[a-z_]*_simd128\.c|kernels/kernels\.c|net/|loss/|optim/|base/fmath\.c|base/rng\.c)'
hot_scalar='^src/(kernels/|net/|loss/|optim/|base/fmath\.c|base/rng\.c)'

objects=() # set by compile_objects
# compile_objects <name> <hot pattern> <extra flags...> -- <sources...>: their objects, in $objects.
# One emcc call per level (its start-up is most of a small file's time); the sources' names are unique.
compile_objects() {
  local name=$1 hot=$2; shift 2
  local extra=()
  while [ "$1" != -- ]; do extra+=("$1"); shift; done
  shift
  local dir=build/wasm-obj/$name hot_srcs=() cold_srcs=()
  rm -rf "$dir" && mkdir -p "$dir"
  objects=()
  for src in "$@"; do
    if [[ $src =~ $hot ]]; then hot_srcs+=("$PWD/$src"); else cold_srcs+=("$PWD/$src"); fi
    local base=${src##*/}
    objects+=("$dir/${base%.c}.o")
  done
  local abs_cflags=("${cflags[@]/#-Isrc/-I$PWD/src}")
  (cd "$dir" && emcc "${abs_cflags[@]}" -O3 "${extra[@]}" -c "${hot_srcs[@]}")
  (cd "$dir" && emcc "${abs_cflags[@]}" -Os "${extra[@]}" -c "${cold_srcs[@]}")
}

build() { # build <isa> <hot pattern> <extra flags...>
  local isa=$1 hot=$2; shift 2
  local wasm=$out/scorefield-$isa.wasm
  compile_objects "$isa" "$hot" "$@" -- "${sources[@]}"
  emcc "${flags[@]}" "$@" "${objects[@]}" -o "$wasm"
  check_imports "$wasm" '<- env\.emscripten_notify_memory_growth$'
}

check_imports() { # check_imports <wasm> <pattern of the allowed import lines>
  local wasm=$1 allowed=$2
  # The Import section lists lines like ` - func[0] sig=1 <env.emscripten_notify_memory_growth> <- env.emscripten_notify_memory_growth`.
  local imports
  imports=$(wasm-objdump -x -j Import "$wasm" | grep -E '^ - ' || true)
  local unexpected
  unexpected=$(echo "$imports" | grep -v -E "$allowed" | grep -v '^$' || true)
  if [ -n "$unexpected" ]; then
    echo "build-wasm: $wasm has unexpected imports:" >&2
    echo "$unexpected" >&2
    exit 1
  fi
}

build simd128 "$hot_simd" -msimd128
build scalar "$hot_scalar"

# The threaded module: Emscripten 3.1.6 refuses -pthread with STANDALONE_WASM, hence atomics and the
# linker's shared memory. The memory is imported (env.memory, made by the loader, shared by every
# instance): 16 MB to start, growing to 1 GB like the others (a shared memory never detaches a view; a
# view made before growth just stays at the old length, so the same rule — views made after the call —
# holds). threads.c adds the runner (env.sfw_run, answered by web/core/threads.js) and sfw_run_task.
threads_exports=$(grep -o 'SFW_EXPORT(sfw_[a-z_0-9]*)' src/wasm/threads.c | sed 's/SFW_EXPORT(\(.*\))/_\1/' | sort -u | paste -sd, -)
compile_objects simd128-threads "$hot_simd" -msimd128 -matomics -mbulk-memory -- "${sources[@]}" src/wasm/threads.c
emcc "${flags[@]/-sEXPORTED_FUNCTIONS=*/-sEXPORTED_FUNCTIONS=$exports,$threads_exports}" -msimd128 -matomics -mbulk-memory \
  -sIMPORTED_MEMORY -Wl,--shared-memory -sERROR_ON_UNDEFINED_SYMBOLS=0 -sWARN_ON_UNDEFINED_SYMBOLS=0 \
  "${objects[@]}" -o "$out/scorefield-simd128-threads.wasm"
check_imports "$out/scorefield-simd128-threads.wasm" \
  '<- env\.(emscripten_notify_memory_growth|sfw_run|memory)$'
wasm-objdump -x -j Import "$out/scorefield-simd128-threads.wasm" | grep -q 'memory\[0\].*max=16384 shared <- env.memory' ||
  { echo "build-wasm: the threaded module does not import a shared memory of at most 1 GB" >&2; exit 1; }

scripts/vendor.sh # web/vendor/gifenc.js, the GIF encoder of the page and the CLI

for f in "$out"/scorefield-simd128.wasm "$out"/scorefield-scalar.wasm "$out"/scorefield-simd128-threads.wasm \
  "$out"/scorefield-digits.bin; do
  printf '%-36s %8d bytes\n' "$f" "$(stat -c %s "$f")"
done
node scripts/gen-limits.mjs # the settings table's ranges (web/core/settings.js)
echo "build-wasm: ok (imports: env.emscripten_notify_memory_growth only; threaded: also env.memory, env.sfw_run)"
