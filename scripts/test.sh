#!/usr/bin/env bash
# Runs every test of Scorefield: a warning-free WebAssembly compile of the library, with and
# without SIMD128, then the native C tests (Release, and again under AddressSanitizer and
# UndefinedBehaviorSanitizer). Build trees go to build/ (ignored by git).
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)

echo "== WebAssembly compile (SIMD128 and scalar)"
mkdir -p build/wasm-check
for src in $(find src -name '*.c' -not -path 'src/wasm/*' | sort); do
  obj=build/wasm-check/$(echo "$src" | tr / _).o
  emcc -std=c11 -O2 -msimd128 -ffp-contract=off -Wall -Wextra -Wpedantic -Werror -Isrc -c "$src" -o "$obj"
  emcc -std=c11 -O2 -ffp-contract=off -Wall -Wextra -Wpedantic -Werror -Isrc -c "$src" -o "${obj%.o}.scalar.o"
done
echo "wasm compile: ok"

echo "== native tests (Release)"
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release > /dev/null
cmake --build build/release -j "$jobs"
ctest --test-dir build/release --output-on-failure -j "$jobs"

echo "== native tests (AddressSanitizer + UndefinedBehaviorSanitizer)"
cmake -S . -B build/asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSF_SANITIZE=ON > /dev/null
cmake --build build/asan -j "$jobs"
ctest --test-dir build/asan --output-on-failure -j "$jobs"
