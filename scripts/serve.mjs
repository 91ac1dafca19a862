#!/usr/bin/env node
// serve.mjs — a tiny static file server for the page (web/): node:http only, 127.0.0.1 only.
//
//   node scripts/serve.mjs [--csp] [port] [root]   port: argument, else $PORT, else 8000; root: web/
//
// --csp sends every response with the strict Content-Security-Policy the page and the widget are
// written for (CSP below): no inline script or style, nothing from other origins, wasm compiled only
// through WebAssembly's own API. The browser tests serve with it.
//
// If the port is busy it tries the next ones (up to PORT_ATTEMPTS), then prints the URL it serves on
// as "Serving <root> at http://127.0.0.1:<port>/" — the browser tests read that line. GET and HEAD
// only; paths that leave the root (../, encoded or not, or a NUL) are refused with 403; files get
// their MIME type (application/wasm for .wasm, which WebAssembly.compileStreaming requires) and
// no-cache, so a rebuilt module is picked up on reload. What the page does is web/'s business.
//
// Every response is sent cross-origin isolated (ISOLATION below: Cross-Origin-Opener-Policy
// same-origin, Cross-Origin-Embedder-Policy require-corp, and Cross-Origin-Resource-Policy
// cross-origin on the files themselves, so that an isolated page on another origin may still embed
// the widget's iframe and scripts), so that the page may share WebAssembly memory between threads
// (SharedArrayBuffer needs crossOriginIsolated; issue 18). docs/performance.md gives the same
// headers for other static hosts.

import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const HOST = '127.0.0.1';
const DEFAULT_PORT = 8000;
const PORT_ATTEMPTS = 20; // busy ports tried after the first before giving up
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'";
const ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'cross-origin',
};

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
};

const USAGE = 'usage: node scripts/serve.mjs [--csp] [port] [root]   (port: else $PORT, else 8000; root: web/)';
if (process.argv.includes('--help') || process.argv.includes('-h')) {
  console.log(USAGE);
  process.exit(0);
}
const here = fileURLToPath(new URL('.', import.meta.url));
const args = process.argv.slice(2).filter((a) => a !== '--csp');
const withCsp = args.length !== process.argv.length - 2;
const requestedPort = Number(args[0] ?? process.env.PORT ?? DEFAULT_PORT);
const root = resolve(args[1] ?? join(here, '..', 'web'));

if (!Number.isInteger(requestedPort) || requestedPort < 0 || requestedPort > 65535) {
  console.error(`serve: port must be an integer in 0..65535, got ${args[0] ?? process.env.PORT}\n${USAGE}`);
  process.exit(2);
}

function send(res, status, text) {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

// The file a URL path names inside root, or null if it would leave root.
function fileFor(urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null; // malformed %-escape
  }
  if (decoded.includes('\0')) return null;
  const file = resolve(root, `.${decoded.startsWith('/') ? '' : '/'}${decoded}`);
  return file === root || file.startsWith(root + sep) ? file : null;
}

async function handle(req, res) {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return send(res, 405, 'method not allowed\n');
  }
  const urlPath = (req.url ?? '/').split(/[?#]/, 1)[0];
  let file = fileFor(urlPath);
  if (!file) return send(res, 403, 'forbidden\n');
  let info = await stat(file).catch(() => null);
  if (info?.isDirectory()) {
    file = join(file, 'index.html');
    info = await stat(file).catch(() => null);
  }
  if (!info?.isFile()) return send(res, 404, 'not found\n');
  res.writeHead(200, {
    'Content-Type': MIME[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': info.size,
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
    ...ISOLATION,
    ...(withCsp ? { 'Content-Security-Policy': CSP } : {}),
  });
  if (req.method === 'HEAD') return res.end();
  createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res);
}

const server = createServer((req, res) => {
  handle(req, res).catch((err) => {
    if (!res.headersSent) send(res, 500, `server error: ${err.message}\n`);
    else res.destroy();
  });
});

function listen(port, attemptsLeft) {
  server.once('error', (err) => {
    if (err.code === 'EADDRINUSE' && attemptsLeft > 0 && port !== 0) return listen(port + 1, attemptsLeft - 1);
    console.error(`serve: cannot listen on ${HOST}:${port}: ${err.message}`);
    process.exit(1);
  });
  server.listen(port, HOST, () => {
    console.log(`Serving ${root} at http://${HOST}:${server.address().port}/${withCsp ? ' (with a strict CSP)' : ''}`);
  });
}

listen(requestedPort, PORT_ATTEMPTS);
