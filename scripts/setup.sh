#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine lacks to build and test Scorefield (run as root, or with
# sudo available). Safe to run again: apt skips what is already installed.
set -euo pipefail

packages=(build-essential cmake libsimde-dev emscripten wabt nodejs clang libclang-rt-14-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
