#!/usr/bin/env bash
# Copies the npm libraries the page imports to web/vendor/ (a page cannot reach node_modules/): the
# GIF encoder of web/render/animation.js (npm gifenc, pinned in package.json), its ES-module build.
# The CLI imports the same copy, so the page and Node write the same bytes. web/vendor/ is not in
# git; build-wasm.sh and scripts/lint.sh (whose type check reads the import) both run this.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p web/vendor
sed "/sourceMappingURL/d" node_modules/gifenc/dist/gifenc.esm.js >web/vendor/gifenc.js
