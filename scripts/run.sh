#!/usr/bin/env bash
# Builds the WebAssembly modules and serves the page (web/) on 127.0.0.1 with its strict
# Content-Security-Policy header, printing its URL.
#   scripts/run.sh [port]        port: argument, else $PORT, else 8000 (the next free one if busy)
# Stop it with Ctrl-C. Needs what scripts/setup.sh installs (emscripten, wabt, nodejs).
set -euo pipefail
cd "$(dirname "$0")/.."
./build-wasm.sh
exec node scripts/serve.mjs --csp "$@"
