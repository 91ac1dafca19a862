#!/usr/bin/env bash
# The checks that keep the code in one style and catch what a compiler would: clang-format over the
# C (src/, tests/, bench/, tools/*.c; the generated tables excepted), Prettier and ESLint over the
# JavaScript, and TypeScript's checker over the JSDoc types of web/core/, web/worker/ and tools/
# (tsconfig.json), with the worker messages' types checked against check.js (scripts/gen-messages.mjs).
# All from Debian's clang-format and the npm packages pinned in package-lock.json.
# `scripts/lint.sh --fix` rewrites the files instead of failing on them.
set -euo pipefail
cd "$(dirname "$0")/.."

fix=0
[ "${1:-}" = "--fix" ] && fix=1

mapfile -t c_files < <(git ls-files 'src/*.c' 'src/*.h' 'tests/*.c' 'tests/*.h' 'bench/*.c' 'bench/*.h' 'tools/*.c' |
  grep -v -e 'src/data/digits_table.c' -e 'src/base/ziggurat_table.h')

if [ $fix -eq 1 ]; then
  clang-format -i "${c_files[@]}"
  npx prettier --log-level warn --write .
  npx eslint --fix .
else
  echo "clang-format: ${#c_files[@]} C files"
  clang-format --dry-run -Werror "${c_files[@]}"
  echo "prettier"
  npx prettier --log-level warn --check .
  echo "eslint"
  npx eslint .
fi
if [ -f tsconfig.json ]; then
  echo "tsc --checkJs"
  scripts/vendor.sh # the type check follows web/render/animation.js into web/vendor/
  node scripts/gen-messages.mjs --check # the worker messages' types, generated from check.js's shapes
  npx tsc -p tsconfig.json
fi
