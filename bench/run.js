// run.js — Scorefield's benchmark driver: runs the workloads of bench/bench.c on every build, prints
// the tables and, with --write, rewrites BENCHMARKS.md. bench/run.sh builds first and then calls this.
//
//   node bench/run.js [--quick] [--write] [--repeat N] [--no-native] [--no-scalar] [--no-chromium]
//                     [--no-threads]   (the 1- vs 2-thread pairs: native, and wasm through bench/threads.mjs)
//                     [--cpu-clock]
//
// Builds, each in a fresh process so that no JIT state or heap carries over:
//   wasm SIMD128 and wasm scalar in Node (bench/node-run.js), the SIMD128 module in headless Chromium
//   (bench/page.html in a module Worker, served from 127.0.0.1 with cross-origin isolation so that
//   performance.now() is fine-grained), and the native binary with its two kernel sets.
// Every number is the median over --repeat runs (default 1) of each run's own median of timed
// segments (see bench.c). The runs go one after another: the machine has 2 cores, and a second
// benchmark would be measuring the first.
import { spawn, execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { WORKLOADS } from './suite.js';
import { CHROMIUM, LAUNCH_ARGS } from '../tests/browser/chromium.js';

const ROOT = new URL('..', import.meta.url).pathname;
const BUILD = join(ROOT, 'build/bench');

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const QUICK = flag('--quick');
const REPEAT = Number(option('--repeat', '1'));
// CPU time instead of wall-clock time for Node and native (not Chromium, which cannot): steadier on
// a busy machine, and then the Chromium comparison is left out.
const CPU_CLOCK = flag('--cpu-clock');
const say = (s) => process.stderr.write(`${s}\n`);
const LOAD_AT_START = loadavg()[0]; // 1-minute load average before the first run

// The tutorial's workloads as the table names them.
const LABELS = {
  W1: 'W1 exact SM, swiss roll, 2000 steps',
  W2: 'W2 sliced SM, swiss roll, 2000 steps',
  W3: 'W3 sliced SM, digits, 5000 steps',
  W4a: 'W4 Langevin, digits, 50 steps, 1 chain',
  W4b: 'W4 Langevin, digits, 50 steps, 1024 chains',
};

// Targets from issue 8, on wasm SIMD128 in Node (steps/s; Langevin steps/s for W4).
const TARGETS = { W1: 700, W2: 1000, W3: 600, W4a: 100000, W4b: 500 };
const W3_STRETCH = 800;
const GEMM_PEAK_SHARE = 0.6,
  SIMD_OVER_SCALAR_W3 = 3,
  CHROMIUM_WITHIN = 0.1;

// ---- Running one build -------------------------------------------------------------------------

// Runs cmd and resolves to its standard output, parsed as JSON unless asText.
function runProcess(cmd, argv, asText = false) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => process.stderr.write(d));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(asText ? out : JSON.parse(out)) : reject(new Error(`${cmd} exited with ${code}`)),
    );
  });
}

const common = () => [...(QUICK ? ['--quick'] : []), ...(CPU_CLOCK ? ['--cpu-clock'] : [])];
const native = (isa) => runProcess(join(BUILD, 'bench-native'), [isa, ...common()]);
const nativeThreads = (threads) =>
  runProcess(join(BUILD, 'bench-native'), ['simd128', '--no-gemm', '--threads', String(threads), ...common()]);
const nodeWasm = (isa) => runProcess(process.execPath, [join(ROOT, 'bench/node-run.js'), isa, ...common()]);

const MIME = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };

// A static server for bench/ and build/bench/ only, with the headers that make the page
// cross-origin isolated (performance.now() at 5 µs instead of 100 µs).
function serve() {
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^\/+/, '');
    if (!/^(bench|build\/bench)\/[\w.-]+$/.test(path)) {
      res.writeHead(404).end();
      return;
    }
    try {
      const body = await readFile(join(ROOT, path));
      res
        .writeHead(200, {
          'Content-Type': MIME[extname(path)] ?? 'application/octet-stream',
          'Cross-Origin-Opener-Policy': 'same-origin',
          'Cross-Origin-Embedder-Policy': 'require-corp',
          'Cache-Control': 'no-store',
        })
        .end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function chromiumRun(isa) {
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch {
    say('playwright-core is not installed (npm install): no Chromium column');
    return null;
  }
  if (!existsSync(CHROMIUM)) {
    say(`${CHROMIUM} not found: no Chromium column`);
    return null;
  }
  const server = await serve();
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [...LAUNCH_ARGS],
  });
  try {
    const page = await browser.newPage();
    const { port } = server.address();
    const q = new URLSearchParams({ isa, quick: QUICK ? '1' : '0' });
    await page.goto(`http://127.0.0.1:${port}/bench/page.html?${q}`);
    await page.waitForFunction(() => window.benchResult || window.benchError, null, {
      timeout: 30 * 60e3,
      polling: 500,
    });
    const { result, error } = await page.evaluate(() => ({ result: window.benchResult, error: window.benchError }));
    if (error) throw new Error(`Chromium: ${error}`);
    result.engine = `Chromium ${browser.version()}`;
    return result;
  } finally {
    await browser.close();
    server.close();
  }
}

// The median, field by field, of several results of one build.
function medianResult(runs) {
  if (runs.length === 1) return runs[0];
  const med = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    const m = s.length >> 1;
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
  };
  const out = structuredClone(runs[0]);
  out.peakGflops = med(runs.map((r) => r.peakGflops));
  for (const w of Object.keys(out.workloads))
    for (const f of ['stepsPerS', 'msPerStep', 'gflops', 'gemmShare', 'gemmGflops'])
      out.workloads[w][f] = med(runs.map((r) => r.workloads[w][f]));
  return out;
}

async function repeated(name, fn) {
  const runs = [];
  for (let i = 0; i < REPEAT; i++) {
    say(`== ${name}${REPEAT > 1 ? ` (run ${i + 1} of ${REPEAT})` : ''}`);
    const r = await fn();
    if (!r) return null;
    runs.push(r);
  }
  return medianResult(runs);
}

// ---- Tables ------------------------------------------------------------------------------------

const fmt = (x, digits = 0) =>
  x >= 0 ? x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '–';
const rate = (x) => fmt(x, x < 100 ? 1 : 0);
const mflop = (f) => (f >= 1e6 ? `${fmt(f / 1e6, 1)} M` : `${fmt(f / 1e3, 1)} k`);

function cell(w) {
  if (!w || w.status !== 0) return w ? `failed (${w.status})` : '–';
  const ms = w.msPerStep < 0.1 ? `${fmt(w.msPerStep * 1e3, 1)} µs` : `${fmt(w.msPerStep, 2)} ms`;
  return `${rate(w.stepsPerS)} /s · ${ms} · ${fmt(w.gflops, 1)} GFLOP/s`;
}

function tables(builds) {
  const cols = builds.filter((b) => b.result);
  const lines = [];
  lines.push(`| workload | FLOP per step | ${cols.map((b) => b.name).join(' | ')} |`);
  lines.push(`| --- | --: | ${cols.map(() => '--:').join(' | ')} |`);
  for (const w of WORKLOADS) {
    const ref = cols.find((b) => b.result.workloads[w])?.result.workloads[w];
    if (!ref) continue;
    lines.push(`| ${LABELS[w]} | ${mflop(ref.flops)} | ${cols.map((b) => cell(b.result.workloads[w])).join(' | ')} |`);
  }
  const steps = lines.join('\n');

  const node = builds.find((b) => b.id === 'node-simd128')?.result;
  const scalar = builds.find((b) => b.id === 'node-scalar')?.result;
  const nat = builds.find((b) => b.id === 'native-simd128')?.result;
  const g = [];
  if (node) {
    const peak = node.peakGflops;
    g.push(
      `| workload | GEMM share of the step | GEMM GFLOP/s | of the SIMD128 peak | GEMM FLOPs issued per step |${scalar ? ' wasm scalar GEMM GFLOP/s |' : ''}${nat ? ' native SIMD128 GEMM GFLOP/s |' : ''}`,
    );
    g.push(`| --- | --: | --: | --: | --: |${scalar ? ' --: |' : ''}${nat ? ' --: |' : ''}`);
    for (const w of WORKLOADS) {
      const o = node.workloads[w];
      if (!o || o.gemmShare < 0) continue;
      g.push(
        `| ${w} | ${fmt(100 * o.gemmShare, 0)} % | ${fmt(o.gemmGflops, 1)} | ${fmt((100 * o.gemmGflops) / peak, 0)} % | ${mflop(o.gemmFlops)} |` +
          (scalar ? ` ${fmt(scalar.workloads[w]?.gemmGflops ?? -1, 2)} |` : '') +
          (nat ? ` ${fmt(nat.workloads[w]?.gemmGflops ?? -1, 1)} |` : ''),
      );
    }
  }
  return { steps, gemm: g.join('\n') };
}

function targetRows(builds) {
  const get = (id) => builds.find((b) => b.id === id)?.result;
  const node = get('node-simd128'),
    scalar = get('node-scalar'),
    chrome = get('chromium-simd128');
  const rows = ['| target | measured | met |', '| --- | --: | :-: |'];
  const yes = (ok) => (ok ? 'yes' : '**no**');
  if (!node) return rows.join('\n');
  for (const w of ['W1', 'W2', 'W3', 'W4a', 'W4b']) {
    const o = node.workloads[w];
    if (!o) continue;
    const stretch = w === 'W3' ? ` (stretch ${fmt(W3_STRETCH)}: ${o.stepsPerS >= W3_STRETCH ? 'met' : 'not met'})` : '';
    rows.push(
      `| ${w} ≥ ${fmt(TARGETS[w])} ${w.startsWith('W4') ? 'Langevin ' : ''}steps/s (wasm SIMD128, Node) | ${rate(o.stepsPerS)}${stretch} | ${yes(o.stepsPerS >= TARGETS[w])} |`,
    );
  }
  const shares = WORKLOADS.map((w) => node.workloads[w])
    .filter((o) => o && o.gemmGflops > 0)
    .map((o) => o.gemmGflops / node.peakGflops);
  if (shares.length)
    rows.push(
      `| layer products ≥ ${100 * GEMM_PEAK_SHARE} % of the SIMD128 peak (every workload) | ${fmt(100 * Math.min(...shares), 0)}–${fmt(100 * Math.max(...shares), 0)} % | ${yes(Math.min(...shares) >= GEMM_PEAK_SHARE)} |`,
    );
  if (scalar?.workloads.W3 && node.workloads.W3) {
    const r = node.workloads.W3.stepsPerS / scalar.workloads.W3.stepsPerS;
    rows.push(
      `| SIMD128 ≥ ${SIMD_OVER_SCALAR_W3}× wasm scalar on W3 | ${fmt(r, 2)}× | ${yes(r >= SIMD_OVER_SCALAR_W3)} |`,
    );
  }
  if (chrome) {
    const ratios = WORKLOADS.filter((w) => chrome.workloads[w] && node.workloads[w]).map(
      (w) => chrome.workloads[w].stepsPerS / node.workloads[w].stepsPerS,
    );
    const worst = ratios.reduce((a, r) => (Math.abs(r - 1) > Math.abs(a - 1) ? r : a), 1);
    rows.push(
      `| Chromium within ${100 * CHROMIUM_WITHIN} % of Node (same SIMD128 build, every workload) | ${fmt(100 * Math.min(...ratios), 0)}–${fmt(100 * Math.max(...ratios), 0)} % of Node | ${yes(Math.abs(worst - 1) <= CHROMIUM_WITHIN)} |`,
    );
  }
  return rows.join('\n');
}

// What a missed target means, in this run's own numbers (wasm SIMD128 in Node).
function targetNotes(builds) {
  const node = builds.find((b) => b.id === 'node-simd128')?.result;
  if (!node || !(node.peakGflops > 0)) return '';
  const peak = node.peakGflops,
    notes = [];
  for (const w of ['W1', 'W2', 'W3']) {
    const o = node.workloads[w];
    if (!o || o.stepsPerS >= TARGETS[w] || !(o.gemmShare > 0)) continue;
    const gemmMs = o.gemmShare * o.msPerStep,
      budget = 1e3 / TARGETS[w];
    notes.push(
      `- ${w}: ${fmt(TARGETS[w])} steps/s leaves ${fmt(budget, 2)} ms per step. The layer products take ` +
        `${fmt(gemmMs, 2)} ms of the ${fmt(o.msPerStep, 2)} ms at ${fmt((100 * o.gemmGflops) / peak, 0)} % of the peak, so the ` +
        `rest of the step (activations, Adam, data generation, loss) would have to fit in ${fmt(budget - gemmMs, 2)} ms; it ` +
        `takes ${fmt(o.msPerStep - gemmMs, 2)} ms.`,
    );
  }
  const many = node.workloads.W4b;
  if (many && many.stepsPerS < TARGETS.W4b) {
    const floor = (many.flops / (peak * 1e9)) * 1e3;
    notes.push(
      `- W4 with 1024 chains: one Langevin step is ${mflop(many.flops)} FLOP of layer products; at the ` +
        `peak of ${fmt(peak, 1)} GFLOP/s they alone take ${fmt(floor, 2)} ms, so no SIMD128 code passes ` +
        `${fmt(1e3 / floor, 0)} steps/s here, and ${fmt(TARGETS.W4b)} is above that ceiling. (Counted per chain, ` +
        `the run makes ${fmt(many.stepsPerS * 1024, 0)} chain-steps/s.)`,
    );
  }
  const one = node.workloads.W4a;
  if (one && one.gemmGflops > 0 && one.gemmGflops < GEMM_PEAK_SHARE * peak)
    notes.push(
      `- W4 with 1 chain: its products are a single row times each weight matrix (M = 1), one multiply-add ` +
        `per weight loaded, so cache bandwidth, not the multiply and add units, bounds them (${fmt(one.gemmGflops, 1)} ` +
        `GFLOP/s); the steps/s target itself is met ${fmt(one.stepsPerS / TARGETS.W4a, 1)} times over.`,
    );
  return notes.length ? `\nWhat the misses mean, in this run's numbers:\n\n${notes.join('\n')}\n` : '';
}

// Every build must end every workload with the same parameters (and the same chains): the hashes.
function hashCheck(builds) {
  const bad = [];
  for (const w of WORKLOADS) {
    const hs = new Map();
    for (const b of builds) {
      const o = b.result?.workloads[w];
      if (o && o.status === 0) hs.set(b.name, o.hash >>> 0);
    }
    if (new Set(hs.values()).size > 1)
      bad.push(`${w}: ${[...hs].map(([n, h]) => `${n} ${h.toString(16)}`).join(', ')}`);
  }
  return bad;
}

function tool(cmd, argv) {
  try {
    return execFileSync(cmd, argv, { encoding: 'utf8' }).split('\n')[0].trim();
  } catch {
    return `${cmd}: not found`;
  }
}

// ---- Main --------------------------------------------------------------------------------------

const builds = [
  { id: 'node-simd128', name: 'wasm SIMD128, Node', run: () => nodeWasm('simd128') },
  {
    id: 'chromium-simd128',
    name: 'wasm SIMD128, Chromium',
    run: () => chromiumRun('simd128'),
    skip: flag('--no-chromium') || CPU_CLOCK,
  },
  { id: 'node-scalar', name: 'wasm scalar, Node', run: () => nodeWasm('scalar'), skip: flag('--no-scalar') },
  {
    id: 'native-simd128',
    name: 'native, SIMD128 kernels (SIMDe)',
    run: () => native('simd128'),
    skip: flag('--no-native'),
  },
  {
    id: 'native-scalar',
    name: 'native, scalar kernels',
    run: () => native('scalar'),
    skip: flag('--no-native') || flag('--no-scalar'),
  },
];
for (const b of builds) if (!b.skip) b.result = await repeated(b.name, b.run);

// Threads (issue 18): the native SIMD128 build at 1 and at 2 threads, the two runs alternated
// --repeat times so that a change of the machine's load hits both; the speed-up of each workload is
// the median of the pairs' ratios. Wall clock only (CPU time adds the threads up), so not with
// --cpu-clock. The 2-thread column joins the tables and the hash check (same bits as 1 thread).
const THREAD_PAIRS = !flag('--no-native') && !flag('--no-threads') && !CPU_CLOCK;
const threadRuns = { 1: [], 2: [] };
if (THREAD_PAIRS)
  for (let i = 0; i < REPEAT; i++)
    for (const t of [1, 2]) {
      say(`== native SIMD128, ${t} thread${t > 1 ? 's' : ''}${REPEAT > 1 ? ` (run ${i + 1} of ${REPEAT})` : ''}`);
      threadRuns[t].push(await nativeThreads(t));
    }
if (THREAD_PAIRS)
  builds.push({ id: 'native-simd128-2t', name: 'native SIMD128, 2 threads', result: medianResult(threadRuns[2]) });
// The threaded wasm module against one thread through the public API, in Node and (unless
// --no-chromium) in a Chromium Worker: bench/threads.mjs's table, --repeat pairs.
const WASM_THREAD_PAIRS = !flag('--no-threads') && !CPU_CLOCK;
let wasmThreadTable = '';
if (WASM_THREAD_PAIRS) {
  say('== wasm SIMD128, 1 and 2 threads (bench/threads.mjs)');
  const argv = [join(ROOT, 'bench/threads.mjs'), String(REPEAT), '--markdown'];
  if (!flag('--no-chromium')) argv.push('--chromium');
  wasmThreadTable = (await runProcess(process.execPath, argv, true)).trim();
}

function threadRows() {
  if (!THREAD_PAIRS) return '';
  const med = (xs) => {
    const v = [...xs].sort((a, b) => a - b),
      m = v.length >> 1;
    return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
  };
  const lines = ['| workload | 1 thread | 2 threads | speed-up (median of pairs) |', '| --- | --: | --: | --: |'];
  for (const w of WORKLOADS) {
    const pairs = threadRuns[1].map((r, i) => [r.workloads[w], threadRuns[2][i].workloads[w]]);
    if (pairs.some(([a, b]) => !a || !b || a.status !== 0 || b.status !== 0)) continue;
    const one = med(pairs.map(([a]) => a.stepsPerS)),
      two = med(pairs.map(([, b]) => b.stepsPerS));
    lines.push(
      `| ${LABELS[w]} | ${rate(one)} /s | ${rate(two)} /s | ${fmt(med(pairs.map(([a, b]) => b.stepsPerS / a.stepsPerS)), 2)}× |`,
    );
  }
  return lines.join('\n');
}

const node = builds[0].result;
const chromeName = builds[1].result?.engine ?? '';
// The CPU as /proc/cpuinfo names it (a VM's model string can be generic, so family/model and the
// widest vector extension are added), and the load when the run started: the machine may be shared.
function cpuDescription() {
  let extra = '';
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    const field = (name) => info.match(new RegExp(`^${name}\\s*:\\s*(.*)$`, 'm'))?.[1];
    const flags = field('flags') ?? '';
    const vec = ['avx512f', 'avx2', 'avx', 'sse4_2'].find((f) => flags.split(' ').includes(f)) ?? '';
    extra = ` (family ${field('cpu family')} model ${field('model')}, ${vec}${flags.includes('hypervisor') ? ', virtual machine' : ''})`;
  } catch {
    /* not Linux */
  }
  return `${cpus()[0].model}${extra}, ${cpus().length} cores, ${fmt(totalmem() / 2 ** 30, 0)} GiB`;
}
const machine = cpuDescription();
const date = new Date().toISOString().slice(0, 10);
const command = `bench/run.sh${QUICK ? ' --quick' : ''}${REPEAT > 1 ? ` --repeat ${REPEAT}` : ''}${CPU_CLOCK ? ' --cpu-clock' : ''}`;
const t = tables(builds);
const hashes = hashCheck(builds);
const peakLine =
  node && node.peakGflops > 0
    ? `SIMD128 multiply+add peak in Node on this machine: **${fmt(node.peakGflops, 1)} GFLOP/s** (register-only loops of bench.c, best of 5 runs: chained ${fmt(node.peakChained, 1)}, split ${fmt(node.peakSplit, 1)})`
    : '';
const versions = [
  `Node ${process.versions.node} (V8 ${process.versions.v8})`,
  chromeName,
  `emcc ${tool('emcc', ['--version']).match(/\d+\.\d+\.\d+/)?.[0] ?? '?'}`,
  tool('gcc', ['--version']),
]
  .filter(Boolean)
  .join('; ');

const report =
  `${QUICK ? '> Quick run (a fifth of the steps): for development, not for the record.\n\n' : ''}` +
  `${CPU_CLOCK ? "> Timed with the processes' CPU time (--cpu-clock), not wall-clock time; no GEMM pass, no Chromium.\n\n" : ''}` +
  `Machine: ${machine}; load average ${fmt(LOAD_AT_START, 1)} at the start. Date: ${date}. Command: \`${command}\`.
Tools: ${versions}.

${peakLine}

Steps per second (Langevin steps per second for W4, all chains advancing together), milliseconds per
step and achieved GFLOP/s from the FLOP count below:

${t.steps}

Layer products (GEMM) in a second, instrumented pass (every gemm call timed):

${t.gemm}

${
  THREAD_PAIRS
    ? `Threads (issue 18), native SIMD128 kernels, wall clock, 1 and 2 threads alternated ${REPEAT} time${REPEAT > 1 ? 's' : ''}:

${threadRows()}

`
    : ''
}${
    WASM_THREAD_PAIRS
      ? `Threads, the wasm SIMD128 module through the public API (bench/threads.mjs, the same workloads with W3 at 1000 steps and W4 at 50 steps a call), wall clock, median of ${REPEAT} alternated pair${REPEAT > 1 ? 's' : ''}; the same bits at 1 and 2 threads:

${wasmThreadTable}

`
      : ''
  }Targets of issue 8:

${targetRows(builds)}
${targetNotes(builds)}
Parameters after each workload are ${hashes.length ? `**not** the same bits on every build: ${hashes.join('; ')}` : 'the same bits on every build (FNV-1a of the parameters, and of the last Langevin frame, compared across all columns)'}.
`;

console.log(report);

if (flag('--write')) {
  const doc = `# Benchmarks

Scorefield trains the JAX tutorial's score networks in the browser. These numbers say how fast, on
which machine, measured by one command that anyone can run:

\`\`\`sh
bench/run.sh            # builds build/bench/ (bench/build.sh), runs every build, prints the tables
bench/run.sh --write    # … and rewrites this file
\`\`\`

Options: \`--quick\` (a fifth of the steps, for development), \`--repeat N\` (median of N runs per
build), \`--no-chromium\`, \`--no-scalar\`, \`--no-native\`, \`--cpu-clock\` (time Node and native
with the process's CPU time: steadier on a busy machine, for comparing builds; no GEMM pass and no
Chromium column then). It needs what \`scripts/setup.sh\` installs (emcc, gcc, libsimde-dev, Node)
and, for the Chromium column, \`npm install\` (playwright-core) and \`/usr/bin/chromium\`. It takes
about five minutes (fifteen with \`--repeat 3\`) and wants a quiet machine; it is not part of the
test command.

## Workloads

The tutorial's settings: net D → 128 → 128 → D with softplus, Adam (lr 1e-3), batch 128, seed 42.

- **W1** exact score matching on the swiss roll (D = 2), 2000 steps: K = D = 2 tangent directions.
- **W2** sliced score matching on the swiss roll, 2000 steps: K = 1 projection.
- **W3** sliced score matching on the digits (D = 64), 5000 steps: K = 1.
- **W4** the digits Langevin sampler (ε 0.05, decay 0.98, T 0.02, 50 steps, every frame kept), for
  1 chain and for 1024 chains at once, from an untrained net (the speed does not depend on the weights).

A training workload runs its full step count in 10 segments; the first is the warm-up (V8 tiers wasm
up while it runs) and the number is the median rate of the other 9. The sampler repeats whole 50-step
calls the same way. Timing happens inside the engine (\`bench/bench.c\`, the same C for every build).

## FLOP count

Only the layer products are counted, 2 FLOPs per multiply-add. With R = (1 + K)·N stack rows (primal
and tangent rows go through each layer as one matrix) and layers l of in_l × out_l:

    training step:   F = Σ_l 2·R·in_l·out_l·(l == 0 ? 2 : 3) − 2·K·N·H·D
                     (forward, weight gradient, input adjoint; the output layer's forward product
                     runs on the N primal rows only: the tangent term of the loss comes out of the
                     backward pass)
    Langevin step:   F = n_chains · Σ_l 2·in_l·out_l            (one forward pass of the primal rows)

W1: R = 384, F = 38.6 M; W2: R = 256, F = 25.8 M; W3: R = 256, F = 44.0 M; W4: 65.5 k per chain.
Everything else (activations, elementwise passes, Adam, data, the loss) is work the count leaves
out, so GFLOP/s of a whole step is below the GEMM's own rate. The GEMM table counts the FLOPs the
product kernels are actually called with.

The peak is bench.c's register-only loop of f32x4 multiplies and adds (12 independent chains
c = c·a + b, or 7 multiply and 7 add chains; the best of 5 runs after warm-up): the multiply+add
throughput a SIMD128 loop gets from this machine's engine with no memory traffic. It is a practical
ceiling, not an exact one: the GEMM's inner loop mixes the same multiplies and adds with loads and
can come out a few per cent above it. Relaxed SIMD's fused multiply-add is not usable
with the project's toolchain (clang 14, Node 20), and Scorefield's results must be the same bits on
every build anyway, so every product is a multiply and an add.

## Results

${report}`;
  await writeFile(join(ROOT, 'BENCHMARKS.md'), doc);
  say('wrote BENCHMARKS.md');
}
