#!/usr/bin/env bash
# Scorefield's benchmark, one command: builds the bench binaries (bench/build.sh, into build/bench/),
# then runs the workloads on wasm SIMD128 and scalar in Node, SIMD128 in headless Chromium and the
# native build, and prints the tables (bench/run.js). Options go to bench/run.js:
#   --quick        a fifth of the steps (development only)
#   --write        rewrite BENCHMARKS.md with the results
#   --repeat N     median of N runs per build
#   --no-chromium, --no-scalar, --no-native, --no-threads (the 1- vs 2-thread pairs, native and wasm)
#   --cpu-clock    time Node and native with CPU time (for comparing builds on a busy machine)
# Not part of scripts/test.sh: it takes a few minutes and wants a quiet machine.
set -euo pipefail
cd "$(dirname "$0")/.."
bench/build.sh >&2
./build-wasm.sh >&2 # web/core's modules, for the wasm thread pairs (bench/threads.mjs)
exec node bench/run.js "$@"
