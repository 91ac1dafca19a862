#!/usr/bin/env bash
# Runs every test of Scorefield: the style and static checks (scripts/lint.sh), then builds the two WebAssembly modules (build-wasm.sh: with and without
# SIMD128, warnings as errors, imports checked), runs the native C tests (Release, and again under
# AddressSanitizer and UndefinedBehaviorSanitizer, and the thread tests under ThreadSanitizer), fuzzes the weights-file reader for 20 s, then
# the Node tests of the wasm modules and the browser tests of the page (headless chromium through
# playwright-core) together last, in one node --test run, so that its TAP "# pass N" / "# fail N"
# lines close the output. Build trees go to build/, the modules to web/core/ (both ignored by git).
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)

echo "== style and static checks (scripts/lint.sh: clang-format, Prettier, ESLint, tsc --checkJs)"
scripts/lint.sh

echo "== WebAssembly modules (SIMD128 and scalar, warnings as errors)"
./build-wasm.sh

echo "== native tests (Release)"
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release > /dev/null
cmake --build build/release -j "$jobs"
ctest --test-dir build/release --output-on-failure -j "$jobs"

echo "== native tests (AddressSanitizer + UndefinedBehaviorSanitizer)"
cmake -S . -B build/asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSF_SANITIZE=ON > /dev/null
cmake --build build/asan -j "$jobs"
ctest --test-dir build/asan --output-on-failure -j "$jobs"

echo "== native thread tests (ThreadSanitizer: test_threads, T = 1..4 bit-identical and race-free)"
cmake -S . -B build/tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSF_TSAN=ON > /dev/null
cmake --build build/tsan -j "$jobs" --target test_threads
ctest --test-dir build/tsan --output-on-failure -R '^test_threads$'

echo "== fuzzing the weights-file reader (libFuzzer + ASan/UBSan, 20 s; scripts/fuzz.sh N for longer)"
scripts/fuzz.sh 20

echo "== WebAssembly modules in Node (tests/node, through web/core/loader.js) and the page in Chromium (tests/browser)"
node --test --test-reporter=tap tests/node/ tests/browser/
