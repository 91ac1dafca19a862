// cli.test.js — the command-line tool tools/scorefield.mjs, run as a user runs it: spawned with short
// trainings, its files read back.
//
// Checks that `train` writes losses (CSV and JSON) with one row per step, a weights file that
// sf.loadModel reads back, samples, a well-formed SVG (2-D) and a valid PNG of the right size
// (digits); that `sample` from the saved weights gives the training run's chains bit for bit and
// that --resume continues training exactly; that bad command lines exit 2 with the usage on stderr,
// and broken weights files or non-finite training exit 1 with one line and no stack; that progress
// is plain lines off a terminal and a redrawn bar on one; that --gif writes one frame per step and
// the same bytes for the same sampler seed (from train and sample). The PNG encoder and the SVG's
// escaping are checked directly. Run `./build-wasm.sh` first, then `node --test tests/node/`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';

import { createScorefield } from '../../web/core/scorefield.js';
import { figureSvg } from '../../web/render/svg.js';
import { OPTIONS, main } from '../../tools/scorefield.mjs';
import { crc32, encodePng } from '../../tools/png.js';
import { digitGrid } from '../../tools/digit-grid.js';

const CLI = new URL('../../tools/scorefield.mjs', import.meta.url).pathname;
const EXIT_USAGE = 2,
  EXIT_RUNTIME = 1;

const dir = mkdtempSync(join(tmpdir(), 'scorefield-cli-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const at = (name) => join(dir, name);

// Runs the CLI with pipes (so not on a terminal); resolves { code, stdout, stderr }.
function run(args) {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { encoding: 'utf8' }, (err, stdout, stderr) => {
      resolve({ code: err ? err.code : 0, stdout, stderr });
    });
  });
}

const POOL = 4; // CLI processes at once in the tests that run many: each holds a Node and a wasm heap

// Runs the CLI once per argument list, at most POOL at a time; resolves the results in order.
async function runAll(argLists) {
  const results = [];
  let next = 0;
  const worker = async () => {
    while (next < argLists.length) {
      const k = next++;
      results[k] = await run(argLists[k]);
    }
  };
  await Promise.all(Array.from({ length: POOL }, worker));
  return results;
}

const csvRows = (path) => readFileSync(path, 'utf8').trim().split('\n');

// Tags of an XML-ish document balance: every <x …> is closed by </x> in order, <x …/> closes itself.
function assertBalancedTags(xml) {
  const stack = [];
  for (const [, close, name, self] of xml.matchAll(/<(\/?)([A-Za-z][\w:-]*)(?:\s[^<>]*?)?(\/?)>/g)) {
    if (self) continue;
    if (!close) stack.push(name);
    else assert.equal(stack.pop(), name, `</${name}> closes the wrong tag`);
  }
  assert.deepEqual(stack, [], 'every tag is closed');
}

// The chunks of a PNG file, each CRC checked: [{ type, data }].
function pngChunks(bytes) {
  assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const chunks = [];
  for (let p = 8; p < bytes.length;) {
    const len = view.getUint32(p);
    const type = String.fromCharCode(...bytes.subarray(p + 4, p + 8));
    assert.equal(view.getUint32(p + 8 + len), crc32(bytes.subarray(p + 4, p + 8 + len)), `CRC of ${type}`);
    chunks.push({ type, data: bytes.subarray(p + 8, p + 8 + len) });
    p += 12 + len;
  }
  return chunks;
}

// The two training runs every other test reads; started once, awaited where needed.
const swiss = run(['train', '--steps', '50', '--out-dir', at('swiss'), '--losses', at('swiss/losses.json')]);
const digits = run([
  'train',
  '--dataset',
  'digits',
  '--hidden',
  '32',
  '--steps',
  '20',
  '--chains',
  '3',
  '--losses',
  at('digits/losses.csv'),
  '--weights',
  at('digits/w.sfw'),
  '--samples',
  at('digits/samples.json'),
  '--png',
  at('digits/frames.png'),
]);

test('train_swiss_roll_writes_losses_weights_samples_and_an_svg', async () => {
  const r = await swiss;
  assert.equal(r.code, 0, r.stderr);
  const losses = JSON.parse(readFileSync(at('swiss/losses.json'), 'utf8'));
  assert.equal(losses.losses.length, 50);
  assert.ok(losses.losses.every(Number.isFinite));
  assert.equal(losses.firstStep, 1);
  assert.equal(losses.dataset, 'swiss_roll');

  const sf = await createScorefield();
  const model = sf.loadModel(new Uint8Array(readFileSync(at('swiss/weights.sfw'))));
  assert.equal(model.stepCount, 50);
  assert.equal(model.trainingConfig().dataset, 'swiss_roll');
  assert.deepEqual([model.dim, model.hidden, model.depth], [2, 128, 2]);
  model.dispose();

  const rows = csvRows(at('swiss/samples.csv'));
  assert.equal(rows[0], 'step,chain,x,y');
  assert.equal(rows.length, 1 + 16 * 3, "the tutorial's 15 steps + the start, 3 chains");
  assert.deepEqual(rows.slice(1, 4), ['0,0,-1.5,-1.5', '0,1,0,0', '0,2,1.5,0'], "the tutorial's start points");

  const svg = readFileSync(at('swiss/figure.svg'), 'utf8');
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="0 0 \d+ \d+"/);
  assert.doesNotMatch(svg, /<script|href="http/);
  assertBalancedTags(svg);
  const quiver = svg.match(/<path fill="green" d="([^"]*)"/);
  assert.ok(quiver, 'a green quiver path');
  assert.equal(quiver[1].split('M').length - 1, 50 * 50, 'one arrow per point of the 50 × 50 grid');
  assert.match(r.stdout, /wrote .*figure\.svg/);
});

test('train_digits_writes_a_png_grid_of_frames_by_chains', async () => {
  const r = await digits;
  assert.equal(r.code, 0, r.stderr);
  const rows = csvRows(at('digits/losses.csv'));
  assert.equal(rows[0], 'step,loss');
  assert.equal(rows.length, 21);
  assert.equal(rows[20].split(',')[0], '20');

  const samples = JSON.parse(readFileSync(at('digits/samples.json'), 'utf8'));
  assert.equal(samples.frames.length, 51, 'all 50 steps + the start are kept');
  assert.equal(samples.frames[0].length, 3);
  assert.equal(samples.frames[0][0].length, 64);
  assert.ok(
    samples.frames[0].flat().every((v) => v >= 0 && v < 0.1),
    'starts are 0.1·U(0, 1)',
  );

  const png = new Uint8Array(readFileSync(at('digits/frames.png')));
  const chunks = pngChunks(png);
  assert.deepEqual(
    chunks.map((c) => c.type),
    ['IHDR', 'IDAT', 'IEND'],
  );
  const ihdr = new DataView(chunks[0].data.buffer, chunks[0].data.byteOffset, 13);
  const expected = digitGrid(new Float32Array(51 * 3 * 64), 3);
  assert.deepEqual([ihdr.getUint32(0), ihdr.getUint32(4)], [expected.width, expected.height]);
  assert.deepEqual([...chunks[0].data.subarray(8)], [8, 2, 0, 0, 0], '8-bit RGB, no interlace');
  assert.equal(inflateSync(chunks[1].data).length, expected.height * (1 + 3 * expected.width));

  const sf = await createScorefield();
  const model = sf.loadModel(new Uint8Array(readFileSync(at('digits/w.sfw'))));
  assert.deepEqual([model.dim, model.hidden, model.stepCount], [64, 32, 20]);
  model.dispose();
});

test('sample_from_saved_weights_gives_the_training_runs_chains', async () => {
  assert.equal((await swiss).code, 0);
  const r = await run([
    'sample',
    '--weights',
    at('swiss/weights.sfw'),
    '--samples',
    at('again.csv'),
    '--svg',
    at('again.svg'),
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(csvRows(at('again.csv')), csvRows(at('swiss/samples.csv')));
  assert.match(r.stdout, /loaded .*swiss_roll, sliced, net 2→128→128→2, 50 steps trained/);
  assertBalancedTags(readFileSync(at('again.svg'), 'utf8'));

  const many = await run([
    'sample',
    '--weights',
    at('swiss/weights.sfw'),
    '--chains',
    '40',
    '--sampler-seed',
    '3',
    '--samples',
    at('many.csv'),
  ]);
  assert.equal(many.code, 0, many.stderr);
  assert.equal(csvRows(at('many.csv')).length, 1 + 16 * 40);
});

test('ncsn_trains_a_noise_conditional_net_and_keeps_one_frame_per_level', async () => {
  const r = await run([
    'train',
    '--dataset',
    'moons',
    '--objective',
    'ncsn',
    '--levels',
    '4',
    '--steps',
    '20',
    '--hidden',
    '16',
    '--chains',
    '5',
    '--anneal-steps',
    '3',
    '--samples',
    at('ncsn.csv'),
    '--svg',
    at('ncsn.svg'),
    '--weights',
    at('ncsn.sfw'),
  ]);
  assert.equal(r.code, 0, r.stderr);
  const rows = csvRows(at('ncsn.csv'));
  assert.equal(rows[0], 'level,chain,x,y');
  assert.equal(rows.length, 1 + (4 + 1) * 5, 'the start and the end of each of 4 levels, 5 chains');
  assertBalancedTags(readFileSync(at('ncsn.svg'), 'utf8'));
  const sf = await createScorefield();
  const model = sf.loadModel(new Uint8Array(readFileSync(at('ncsn.sfw'))));
  assert.ok(model.noiseConditional);
  assert.deepEqual([model.trainingConfig().dataset, model.trainingConfig().levels], ['moons', 4]);
  model.dispose();
});

test('resume_continues_training_exactly', async () => {
  const [straight, first] = await Promise.all([
    run(['train', '--steps', '30', '--hidden', '16', '--quiet', '--losses', at('straight.csv')]),
    run(['train', '--steps', '12', '--hidden', '16', '--quiet', '--weights', at('first.sfw')]),
  ]);
  assert.equal(straight.code, 0, straight.stderr);
  assert.equal(first.code, 0, first.stderr);
  const rest = await run([
    'train',
    '--resume',
    at('first.sfw'),
    '--steps',
    '18',
    '--quiet',
    '--losses',
    at('rest.csv'),
  ]);
  assert.equal(rest.code, 0, rest.stderr);
  assert.deepEqual(
    csvRows(at('rest.csv')).slice(1),
    csvRows(at('straight.csv')).slice(13),
    'steps 13..30, same losses',
  );
});

test('bad_arguments_exit_2_with_a_usage_message_on_stderr', async () => {
  const cases = [
    [[], /no command given/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['train', '--lrr', '1'], /unknown option --lrr \(did you mean --lr\?\)/],
    [['train', '--lr'], /--lr needs a value/],
    [['train', '--lr', '--steps', '5'], /--lr needs a value/],
    [['train', '--lr', 'fast'], /--lr needs a number, got 'fast'/],
    [['train', '--lr', '0x10'], /--lr needs a number/],
    [['train', '--lr', '0'], /--lr must be > 0, got 0/],
    [['train', '--depth', '5'], /--depth must be an integer from 1 to 4, got 5/],
    [['train', '--steps', '2.5'], /--steps must be an integer/],
    [['train', '--dataset', 'spirals'], /--dataset must be one of swiss_roll, digits, .*; got 'spirals'/],
    [['train', '--objective', 'ssm'], /--objective must be one of exact, sliced, sliced_vr, dsm/],
    [['train', '--isa', 'avx'], /--isa must be one of auto, scalar, simd128/],
    [['train', '--losses', 'l.txt'], /chosen by extension, one of \.csv, \.json/],
    [['train', '--dataset', 'digits', '--svg', 'x.svg'], /--svg draws 2-D datasets/],
    [['train', '--png', 'x.png'], /--png draws the digits/],
    [['train', '--dataset', 'digits', '--start', '1,1'], /--start gives 2-D points/],
    [['train', '--start', '0,0;1,1', '--chains', '3'], /--chains 3 but --start gives 2 points/],
    [['train', '--box', '1,0,0,1'], /xmin < xmax/],
    [['train', '--steps', '1', '--steps', '2'], /--steps is given twice/],
    [['train', 'extra'], /unexpected argument 'extra'/],
    [['train', '--resume', 'x.sfw', '--hidden', '8'], /--hidden is fixed by the weights file/],
    [['sample'], /sample needs --weights FILE/],
    [['sample', '--weights', 'x.sfw', '--lr', '1'], /--lr does not apply to 'sample'/],
    [['train', '--sampler-steps', '1000000', '--chains', '1000'], /use fewer --chains or steps/],
    [['train', '--objective', 'ncsn', '--decay', '0.5'], /an ncsn model samples with annealed Langevin/],
    [['train', '--anneal-steps', '5'], /--anneal-steps sets annealed Langevin, which only ncsn models use/],
    [['train', '--dataset', 'points'], /--dataset must be one of swiss_roll, digits, moons/],
    [['train', '--class', '16'], /--class must be any, prior or a class 0\.\.15, got '16'/], // SF_MAX_CLASSES
    [['train', '--lr', 'NaN'], /--lr needs a number, got 'NaN'/],
    [['train', '--sigma', 'Infinity'], /--sigma needs a number, got 'Infinity'/],
    [['train', '--eps', '-Infinity'], /--eps needs a number/],
    [['train', '--eps', '1e999'], /--eps: 1e999 is too large \(it overflows to Infinity\)/],
    [['train', '--box', '0,1e999,0,1'], /--box: 1e999 is too large/],
    [['train', '--start', '0,0;1e400,1'], /--start: 1e400 is too large/],
    [['train', '--hidden', String(2 ** 32 + 8)], /--hidden must be an integer from 1 to 512, got 4294967304/],
    [['train', '--batch', String(2 ** 32 + 16)], /--batch must be an integer from 1 to 65536, got 4294967312/],
    [['train', '--depth', String(2 ** 31)], /--depth must be an integer from 1 to 4, got 2147483648/],
    [['train', '--sampler-steps', String(2 ** 32 + 15)], /--sampler-steps must be an integer from 0 to 1000000/],
    [
      ['train', '--seed', '9007199254740992'],
      /--seed must be an integer from 0 to 9007199254740991, got 9007199254740992/,
    ],
    [['train', '--sampler-seed', '1e20'], /--sampler-seed must be an integer from 0 to 9007199254740991/],
    [['train', '--dataset', 'x'.repeat(100000)], /^(?![^\n]{500})[^\n]*--dataset must be one of/], // a 100 000-character argument: a short message
    [['train', `--${'y'.repeat(100000)}`, '1'], /unknown option --y{100,400}…$/m],
  ];
  const results = await runAll(cases.map(([args]) => args));
  results.forEach((r, k) => {
    const [args, message] = cases[k];
    assert.equal(r.code, EXIT_USAGE, `exit code of ${args.join(' ')}`);
    assert.match(r.stderr, message, `message of ${args.join(' ')}`);
    assert.match(r.stderr, /^usage: node tools\/scorefield\.mjs train/m, `usage of ${args.join(' ')}`);
    assert.equal(r.stdout, '', `nothing on stdout for ${args.join(' ')}`);
  });
});

test('broken_weights_and_non_finite_training_exit_1_with_one_line', async () => {
  await swiss;
  const good = readFileSync(at('swiss/weights.sfw'));
  const flipped = Buffer.from(good);
  flipped[flipped.length - 100] ^= 0x40;
  writeFileSync(at('flipped.sfw'), flipped);
  writeFileSync(at('short.sfw'), good.subarray(0, 60));
  const cases = [
    [
      ['sample', '--weights', at('flipped.sfw'), '--svg', at('x.svg')],
      /^scorefield: cannot load weights: corrupted weights file/,
    ],
    [['sample', '--weights', at('short.sfw')], /^scorefield: cannot load weights: truncated weights file/],
    [
      ['sample', '--weights', at('swiss/losses.json')],
      /^scorefield: cannot load weights: not a Scorefield weights file/,
    ],
    [
      ['sample', '--weights', at('missing.sfw')],
      /^scorefield: cannot read weights file '.*missing\.sfw': no such file or directory/,
    ],
    [['train', '--resume', at('flipped.sfw')], /corrupted weights file/],
    [['train', '--lr', '1e35', '--steps', '50', '--quiet', '--losses', at('nonfinite.csv')], /^scorefield: not finite/],
  ];
  const results = await runAll(cases.map(([args]) => args));
  results.forEach((r, k) => {
    const [args, message] = cases[k];
    assert.equal(r.code, EXIT_RUNTIME, `exit code of ${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trim().split('\n').length, 1, `one line, no stack: ${r.stderr}`);
  });
  const kept = csvRows(at('nonfinite.csv'));
  assert.ok(kept.length >= 1 && kept.length < 51, 'the losses up to the failed step are written');
});

test('progress_is_plain_lines_off_a_terminal_and_a_bar_on_one', async () => {
  const r = await swiss;
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 10, r.stderr);
  assert.match(lines[0], /^step 5\/50 {2}loss -?\d+\.\d{4} {2}\d+ steps\/s$/);
  assert.match(lines[9], /^step 50\/50 /);
  assert.doesNotMatch(r.stderr, /[\r\x1b]/);

  // On a terminal (a stream that says so) the bar redraws one line with \r and ends with a newline.
  const written = { out: '', err: '' };
  const stdout = {
    write: (s) => {
      written.out += s;
    },
  };
  const stderr = {
    isTTY: true,
    columns: 100,
    write: (s) => {
      written.err += s;
    },
  };
  const code = await main(['train', '--steps', '40', '--hidden', '8'], { stdout, stderr });
  assert.equal(code, 0, written.err);
  assert.match(written.err, /^\r\[[#.]{24}\] step \d+\/40/);
  assert.match(written.err, /\r\[#{24}\] step 40\/40 .*\x1b\[K\n/);
  assert.match(written.out, /^trained swiss_roll, sliced, net 2→8→8→2/);
});

test('help_lists_every_option_of_the_table', async () => {
  const r = await run(['help']);
  assert.equal(r.code, 0);
  for (const o of OPTIONS) assert.match(r.stdout, new RegExp(`--${o.name}\\b`), `--${o.name} in help`);
  assert.match(r.stdout, /--sigma X +.*\(default\s+0\.1; digits 0\.2\)/);
  const s = await run(['sample', '--help']);
  assert.equal(s.code, 0);
  assert.match(s.stdout, /--eps X/);
  assert.doesNotMatch(s.stdout, /--lr X/, "sample's help leaves out training options");
});

test('png_encoder_writes_valid_chunks_and_pixels', () => {
  assert.equal(crc32(new TextEncoder().encode('IEND')), 0xae426082);
  const rgb = Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30]); // 2 × 2
  const chunks = pngChunks(encodePng(2, 2, rgb));
  assert.deepEqual([...inflateSync(chunks[1].data)], [0, 255, 0, 0, 0, 255, 0, 0, 0, 0, 255, 10, 20, 30]);
  assert.throws(() => encodePng(3, 2, rgb), /expected 18 bytes/);
});

test('svg_escapes_text_and_balances_tags', () => {
  const svg = figureSvg({
    title: 'a <b> & "c" \'d\'',
    box: { xmin: -1, xmax: 1, ymin: -1, ymax: 1 },
    data: Float32Array.of(0, 0, 0.5, 0.5),
    quiver: { points: Float32Array.of(0, 0, 0.5, 0), arrows: Float32Array.of(0.1, 0, 0, 0) },
    chains: { frames: Float32Array.of(0, 0, 0.5, 0.5), n: 1, label: '<chain>' },
  });
  assert.match(svg, /a &lt;b&gt; &amp; &quot;c&quot; &apos;d&apos;/);
  assert.match(svg, /&lt;chain&gt;/);
  assert.doesNotMatch(svg, /<b>|<chain>/);
  assertBalancedTags(svg);
});

test('gif_is_the_sampling_frame_by_frame_and_the_same_for_the_same_seed', async () => {
  const { GifReader } = await import('omggif');
  const common = ['--steps', '10', '--hidden', '16', '--quiet'];
  const [a, b, c, digits] = await runAll([
    [
      'train',
      ...common,
      '--sampler-steps',
      '30',
      '--sampler-seed',
      '5',
      '--gif',
      at('a.gif'),
      '--weights',
      at('g.sfw'),
    ],
    ['train', ...common, '--sampler-steps', '30', '--sampler-seed', '5', '--gif', at('b.gif')],
    ['train', ...common, '--sampler-steps', '30', '--sampler-seed', '6', '--gif', at('c.gif')],
    ['train', ...common, '--dataset', 'digits', '--sampler-steps', '12', '--gif', at('d.gif')],
  ]);
  for (const r of [a, b, c, digits]) assert.equal(r.code, 0, r.stderr);
  assert.match(a.stdout, /wrote .*a\.gif \(31 frames, \d+ bytes\)/);
  const bytes = (name) => new Uint8Array(readFileSync(at(name)));
  assert.deepEqual(bytes('a.gif'), bytes('b.gif'));
  assert.notDeepEqual(bytes('a.gif'), bytes('c.gif'));
  const gif = new GifReader(bytes('a.gif'));
  assert.deepEqual([gif.width, gif.height, gif.numFrames(), gif.loopCount()], [480, 480, 31, 0]);
  assert.equal(new GifReader(bytes('d.gif')).numFrames(), 13);
  // `sample` from the saved weights with the same sampler seed writes the training run's GIF.
  const s = await run([
    'sample',
    '--weights',
    at('g.sfw'),
    '--sampler-steps',
    '30',
    '--sampler-seed',
    '5',
    '--gif',
    at('s.gif'),
  ]);
  assert.equal(s.code, 0, s.stderr);
  assert.deepEqual(bytes('s.gif'), bytes('a.gif'));
});

// Issue 15: outputs are checked before the first step. Each case would train 10⁶ steps (hours): it
// must end at once, with exit 2, a message naming the outputs, and nothing written.
test('unusable_or_colliding_outputs_are_refused_before_training', async () => {
  writeFileSync(at('a-file'), 'x');
  mkdirSync(at('a-dir'), { recursive: true });
  const long = ['train', '--steps', '1000000', '--quiet'];
  const cases = [
    [['--out-dir', at('a-file')], /'.*a-file' is a file, not a directory/],
    [['--weights', at('a-dir')], /--weights: '.*a-dir' is a directory, not a file/],
    [['--weights', at('a-file/w.sfw')], /--weights: cannot write .*is a file, not a directory/],
    [['--out-dir', at('od'), '--weights', at('od/losses.csv')], /--out-dir's losses.csv and --weights both name/],
    [['--losses', at('same.csv'), '--samples', at('same.csv')], /--losses and --samples both name '.*same.csv'/],
  ];
  const started = Date.now();
  const results = await runAll(cases.map(([args]) => [...long, ...args]));
  results.forEach((r, k) => {
    const [args, message] = cases[k];
    assert.equal(r.code, EXIT_USAGE, `exit code of ${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message, `message of ${args.join(' ')}`);
    assert.equal(r.stdout, '', `nothing trained or written for ${args.join(' ')}`);
  });
  assert.ok(Date.now() - started < 30000, 'refused before training');
  assert.ok(!existsSync(at('same.csv')) && !existsSync(at('od/losses.csv')));
  assert.equal(readFileSync(at('a-file'), 'utf8'), 'x', 'the file in the way is untouched');
});

test('outputs_are_written_whole_weights_first_through_a_temporary_name', async () => {
  const r = await run(['train', '--steps', '5', '--quiet', '--out-dir', at('whole'), '--svg', at('whole/f.svg')]);
  assert.equal(r.code, 0, r.stderr);
  const wrote = r.stdout.split('\n').filter((l) => l.startsWith('wrote '));
  assert.match(wrote[0], /weights\.sfw/, 'the weights are written first');
  assert.deepEqual(
    readdirSync(at('whole')).filter((f) => f.endsWith('.tmp')),
    [],
    'no temporary file is left behind',
  );
});

test('train_data_reads_a_points_file_and_refuses_a_bad_one', async () => {
  writeFileSync(at('pts.csv'), 'x,y\n0,0\n0.5,0.5\n-0.5,0.5\n1,-1\n');
  writeFileSync(at('bad.csv'), '1,2\n3,abc\n');
  const [good, bad, both] = await runAll([
    ['train', '--data', at('pts.csv'), '--steps', '5', '--quiet', '--losses', at('data-losses.csv')],
    ['train', '--data', at('bad.csv'), '--steps', '5', '--quiet', '--losses', at('bad-losses.csv')],
    ['train', '--data', at('pts.csv'), '--dataset', 'moons', '--steps', '5', '--quiet'],
  ]);
  assert.equal(good.code, 0, good.stderr);
  assert.equal(csvRows(at('data-losses.csv')).length, 6);
  assert.equal(bad.code, EXIT_USAGE);
  assert.match(bad.stderr, /--data .*bad\.csv: points file: line 2, column 2: "abc" is not a number/);
  assert.equal(both.code, EXIT_USAGE);
  assert.match(both.stderr, /--data cannot be given with --dataset/);
});

test('gif_of_a_2d_ncsn_model_is_its_particle_flow_one_frame_per_noise_level', async () => {
  const { GifReader } = await import('omggif');
  const r = await run([
    'train',
    ...['--dataset', 'mixture', '--objective', 'ncsn', '--steps', '5', '--anneal-steps', '5', '--quiet'],
    ...['--gif', at('flow.gif')],
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /wrote .*flow\.gif \(11 frames, \d+ bytes\)/);
  const gif = new GifReader(new Uint8Array(readFileSync(at('flow.gif'))));
  assert.deepEqual([gif.width, gif.height, gif.numFrames()], [480, 480, 11]); // the start and 10 levels
});

test('train_fit_centres_and_scales_the_points_into_the_box_as_fit_points_does', async () => {
  writeFileSync(at('far.csv'), 'x,y\n100,5\n110,6\n105,9\n101.5,7.25\n');
  const sf = await createScorefield();
  const fitted = sf.fitPoints(sf.readPoints(readFileSync(at('far.csv'))), { xmin: -2, xmax: 2, ymin: -1.5, ymax: 1.5 });
  const rows = [];
  for (let i = 0; i < fitted.length; i += 2) rows.push(`${fitted[i]},${fitted[i + 1]}`);
  writeFileSync(at('fitted.csv'), rows.join('\n') + '\n');
  const common = ['--steps', '5', '--quiet', '--box', '-2,2,-1.5,1.5'];
  const [fit, given, lone] = await runAll([
    ['train', '--data', at('far.csv'), '--fit', ...common, '--losses', at('fit-losses.csv')],
    ['train', '--data', at('fitted.csv'), ...common, '--losses', at('fitted-losses.csv')],
    ['train', '--fit', '--steps', '5', '--quiet'],
  ]);
  assert.equal(fit.code, 0, fit.stderr);
  assert.equal(given.code, 0, given.stderr);
  assert.deepEqual(csvRows(at('fit-losses.csv')), csvRows(at('fitted-losses.csv')));
  assert.equal(lone.code, EXIT_USAGE);
  assert.match(lone.stderr, /--fit needs --data/);
});

test('vesde_models_sample_with_every_sampler_and_report_their_likelihood', async () => {
  const w = at('vesde.sfw');
  // The probability-flow ODE (Heun) with 4 steps and 7 chains: training samples with it, and sample
  // must repeat those chains bit for bit.
  const heun = ['--sampler', 'ode-heun', '--sampler-steps', '4', '--chains', '7'];
  const trained = await run([
    'train',
    '--dataset',
    'mixture',
    '--objective',
    'vesde',
    '--steps',
    '20',
    '--width',
    '16',
    ...heun,
    '--weights',
    w,
    '--samples',
    at('v.csv'),
    '--quiet',
  ]);
  assert.equal(trained.code, 0, trained.stderr);
  assert.match(trained.stdout, /trained mixture, vesde/);
  assert.match(trained.stdout, /sampled 7 chains with ode-heun: 4 steps, 7 score evaluations per chain/);
  assert.equal(csvRows(at('v.csv')).length, 1 + 5 * 7, 'a header and 5 frames of 7 chains');
  writeFileSync(at('vesde-pts.csv'), 'x,y\n0,0\n1,1\n-1,-1\n');
  const results = await runAll([
    ['sample', '--weights', w, ...heun, '--samples', at('w.csv')],
    [
      'sample',
      '--weights',
      w,
      '--sampler',
      'pc',
      '--snr',
      '0.1',
      '--sampler-steps',
      '3',
      '--chains',
      '5',
      '--samples',
      at('p.json'),
    ],
    [
      'sample',
      '--weights',
      w,
      '--sampler',
      'annealed',
      '--sampler-steps',
      '2',
      '--chains',
      '5',
      '--samples',
      at('a.csv'),
    ],
    ['likelihood', '--weights', w, '--count', '50'],
    ['likelihood', '--weights', w, '--points', at('vesde-pts.csv')],
  ]);
  for (const r of results) assert.equal(r.code, 0, r.stderr);
  assert.equal(
    readFileSync(at('w.csv'), 'utf8'),
    readFileSync(at('v.csv'), 'utf8'),
    'sample repeats train bit for bit',
  );
  const pc = JSON.parse(readFileSync(at('p.json'), 'utf8'));
  assert.deepEqual([pc.sampler.kind, pc.sampler.nfe, pc.sampler.snr, pc.frames.length], ['pc', 6, 0.1, 4]);
  assert.match(
    results[3].stdout,
    /negative log-likelihood of 50 fresh mixture points[^\n]*\n {2}-?\d+\.\d{4} ± \d+\.\d{4} nats per point/,
  );
  assert.match(results[4].stdout, /negative log-likelihood of 3 points of/);
  const bad = await runAll([
    ['sample', '--weights', w, '--sampler', 'heun'],
    ['sample', '--weights', w, '--sampler', 'sde', '--churn', '1'],
    ['sample', '--weights', w, '--sampler', 'sde', '--snr', '1'],
    ['sample', '--weights', w, '--sampler', 'pc', '--snr', '0'],
    ['sample', '--weights', w, '--sampler', 'sde', '--sampler-steps', '0'],
    ['sample', '--weights', w, '--sampler', 'sde', '--anneal-steps', '3'],
    ['sample', '--weights', w, '--sampler', 'ode-euler', '--decay', '0.5'],
    ['sample', '--weights', w, '--sampler', 'edm', '--start', '0,0'],
    ['train', '--steps', '1', '--sampler', 'pc'],
    ['likelihood'],
    ['likelihood', '--weights', w, '--ode-steps', '0'],
    ['likelihood', '--weights', w, '--probes', '65'],
    ['likelihood', '--weights', w, '--dataset', 'digits'],
    ['likelihood', '--weights', w, '--points', at('vesde-pts.csv'), '--dataset', 'moons'],
    ['likelihood', '--weights', w, '--lr', '1'],
  ]);
  const messages = [
    /--sampler must be one of annealed, sde, pc, ode-euler, ode-heun, edm; got 'heun'/,
    /--churn sets the edm sampler; --sampler is sde/,
    /--snr sets the pc sampler's corrector; --sampler is sde/,
    /--snr must be > 0, got 0/,
    /--sampler-steps must be at least 1 for --sampler sde, got 0/,
    /--anneal-steps sets annealed Langevin; --sampler is sde/,
    /--decay sets plain Langevin; this model samples with --sampler ode-euler/,
    /--start is for Langevin; --sampler edm starts from its prior/,
    /--sampler needs a noise-conditional model \(train it with --objective vesde or ncsn\)/,
    /likelihood needs --weights FILE/,
    /--ode-steps must be an integer from 1 to 1000000, got 0/,
    /--probes must be an integer from 0 to 64, got 65/,
    /--dataset digits has D = 64; this model has D = 2/,
    /--points gives the points; --dataset cannot be given with it/,
    /--lr does not apply to 'likelihood'/,
  ];
  bad.forEach((r, k) => {
    assert.equal(r.code, EXIT_USAGE, `${messages[k]}: ${r.stderr}`);
    assert.match(
      r.stderr.split('\n').find((l) => l.startsWith('scorefield:')),
      messages[k],
    );
  });
  const plain = at('plain.sfw');
  assert.equal((await run(['train', '--steps', '2', '--width', '8', '--weights', plain, '--quiet'])).code, 0);
  const notNc = await run(['likelihood', '--weights', plain]);
  assert.equal(notNc.code, EXIT_RUNTIME);
  assert.match(notNc.stderr, /^scorefield: likelihood needs a noise-conditional model/);
});
