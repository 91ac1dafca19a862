// points-file.test.js — web/core/points-file.js (sf.readPoints): good files parse, every bad case of
// tests/BAD_INPUT.md throws an Error naming the line and the problem, and a CSV trains the same bits as
// the same points given to model.setPoints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createScorefield } from '../../web/core/scorefield.js';
import { MAX_POINTS_FILE_BYTES, parsePoints } from '../../web/core/points-file.js';

const bits = (f32) => Array.from(new Uint32Array(f32.buffer, f32.byteOffset, f32.length));
const parse = (text) => parsePoints(text, { maxPoints: 4096 });

test('good_files_parse_with_and_without_header', () => {
  const want = [0.5, -1, 2, 3e-1];
  for (const text of [
    'x,y\n0.5,-1\n2,3e-1\n',
    '0.5,-1\r\n2,3e-1',
    'x\ty\n0.5\t-1\n2\t0.3\n',
    '[[0.5,-1],[2,0.3]]',
    '# c\n0.5 -1\n\n2 .3\n',
  ])
    assert.deepEqual(bits(parse(text)), bits(Float32Array.from(want)), text);
  assert.deepEqual(Array.from(parse(new TextEncoder().encode('\uFEFF1,2'))), [1, 2]);
});

test('bad_files_throw_naming_line_and_problem', () => {
  const cases = [
    ['x,y\n1,2\n3,abc\n', /line 3, column 2: "abc" is not a number/],
    ['1,2\nNaN,1\n', /line 2, column 1: "NaN" is not a finite number/],
    ['1,2\n1,Infinity\n', /line 2, column 2: "Infinity" is not a finite number/],
    ['1,1e39\n', /line 1, column 2: "1e39" is not a finite 32-bit number/],
    ['1,2\n3\n', /line 2: one column/],
    ['1,2,3\n', /line 1: 3 columns/],
    ['', /the file is empty/],
    ['  \n\n', /the file is empty/],
    ['x,y\n', /no points in the file/],
    ['[]', /JSON array is empty/],
    ['[[1,2],[3]]', /point 2 \(index 1\): \[3\] is not an \[x, y\] pair/],
    ['[[1,"a"]]', /point 1 \(index 0\), column 2: "a" is not a number/],
    ['[1,2', /not valid JSON/],
    ['{"x":1}', /not valid JSON|not an array/],
    ['1,2\u0000\u0001', /binary content/],
    [new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), /binary content/],
    [new Uint8Array([0xff, 0xfe, 0x31]), /binary content/],
  ];
  for (const [text, re] of cases) assert.throws(() => parse(text), re, String(text));
  assert.throws(() => parse('1,2\n'.repeat(4097)), /4097 points, more than the limit of 4096 points/);
  assert.throws(() => parse(JSON.stringify(Array(4097).fill([0, 0]))), /4097 points, more than the limit of 4096/);
  assert.throws(() => parse(new Uint8Array(MAX_POINTS_FILE_BYTES + 1)), /over the limit of 10485760 bytes/);
});

test('a_csv_trains_the_same_bits_as_set_points', async () => {
  const sf = await createScorefield({ digits: false });
  const points = sf.sampleData({ dataset: 'moons', n: 64, seed: 3 }).x;
  let csv = 'x,y\n';
  for (let i = 0; i < 64; i++) csv += `${points[2 * i]},${points[2 * i + 1]}\n`;
  const read = sf.readPoints(csv);
  assert.deepEqual(bits(read), bits(points));
  const run = (p) => {
    const m = sf.createModel({ dim: 2, hidden: 16, seed: 1 });
    m.setPoints(p);
    m.configureTraining({ dataset: 'points' });
    const losses = m.train(10);
    m.dispose();
    return losses;
  };
  assert.deepEqual(bits(run(read)), bits(run(points)));
  assert.throws(() => sf.readPoints('1,2\n'.repeat(sf.limits.points + 1)), /more than the limit/);
});

test('fit_points_centres_and_scales_into_the_box_keeping_the_shape', async () => {
  const sf = await createScorefield({ digits: false });
  const raw = sf.readPoints('x,y\n100,5\n110,6\n105,9\n');
  const box = { xmin: -1.5, xmax: 1.5, ymin: -1, ymax: 2 };
  const out = sf.fitPoints(raw, box);
  assert.notEqual(out, raw);
  const xs = [out[0], out[2], out[4]],
    ys = [out[1], out[3], out[5]];
  const span = (a) => Math.max(...a) - Math.min(...a),
    mid = (a) => (Math.max(...a) + Math.min(...a)) / 2;
  assert.ok(Math.abs(mid(xs)) < 1e-6 && Math.abs(mid(ys) - 0.5) < 1e-6, 'centred in the box');
  assert.ok(Math.abs(span(xs) - 0.9 * 3) < 1e-5, `x (the tighter side) spans 90 % of the box: ${span(xs)}`);
  assert.ok(Math.abs(span(xs) / span(ys) - 10 / 4) < 1e-5, 'the shape is kept');
  assert.deepEqual(bits(sf.fitPoints(raw, { ...box, fill: 1 })), bits(sf.fitPoints(raw, { ...box, fill: 1 })));
  assert.throws(() => sf.fitPoints(raw, { ...box, xmax: -2 }), /xmin < xmax/);
  assert.throws(() => sf.fitPoints(raw, { ...box, fill: 0 }), /fill 0: need .*fill in \(0, 1\]/);
  assert.throws(() => sf.fitPoints(new Float32Array([0, NaN]), box), /NaN/);
  assert.throws(() => sf.fitPoints(new Float32Array(0), box), /points\.length \/ 2/);
});
