#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine lacks to build and test Scorefield (run as root, or with
# sudo available), then the npm dev dependencies (playwright-core, which drives Debian's chromium in
# the browser tests). Safe to run again: apt skips what is already installed.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(build-essential cmake libsimde-dev emscripten wabt nodejs clang libclang-rt-14-dev clang-format chromium firefox-esr)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Debian's nodejs comes without npm; a Node installed some other way usually brings its own.
command -v npm > /dev/null || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# Exactly the versions in package-lock.json (playwright-core is pinned: it must match the chromium).
if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
