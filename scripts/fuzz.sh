#!/usr/bin/env bash
# Builds the libFuzzer target of the weights-file reader (tests/fuzz/fuzz_weights.c) with clang,
# AddressSanitizer and UndefinedBehaviorSanitizer, and runs it for the given number of seconds
# (default 30; scripts/test.sh runs it briefly) from the seed corpus in tests/fuzz/corpus. New inputs
# that reach new code go to build/fuzz/corpus (not the repository); a crash leaves its input in
# build/fuzz/ and fails the script.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
out=build/fuzz
mkdir -p "$out/corpus"

# The parser's paths do not depend on the kernels: the scalar ones keep the build free of SIMDe.
mapfile -t sources < <(find src -name '*.c' -not -path 'src/wasm/*' | sort)
clang -std=c11 -g -O1 -ffp-contract=off -DSF_FORCE_SCALAR -Isrc \
  -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
  tests/fuzz/fuzz_weights.c "${sources[@]}" -o "$out/fuzz_weights"

"$out/fuzz_weights" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$out/" "$out/corpus" tests/fuzz/corpus 2>&1 | tail -12
echo "fuzz: ok (${seconds} s, no crash, no sanitizer report)"
