// chromium.js — how the browser tests (harness.js) and the benchmark (bench/run.js) start Debian's
// Chromium through playwright-core: the binary and the flags /work/shared/TOOLCHAIN.md found to work
// headless on this kind of machine. Not a test file itself.

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const LAUNCH_ARGS = Object.freeze([
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]);
