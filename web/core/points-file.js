// Reads a file of 2-D points (CSV/TSV with or without a header, or a JSON array of [x, y]) into a
// Float32Array (2n: x0, y0, x1, y1, ...). No DOM: used by the page, the widget, the CLI and the Node
// API. A bad file throws an Error naming the line (and column) and the problem; nothing is returned.

/** The largest file read, in bytes: a bigger one is refused before it is read. */
export const MAX_POINTS_FILE_BYTES = 10 * 1024 * 1024;

function fail(message) {
  throw new Error(`points file: ${message}`);
}

/** Refuses a file by its size before reading it (size in bytes). */
export function checkPointsFileSize(size) {
  if (size > MAX_POINTS_FILE_BYTES)
    fail(`the file is ${size} bytes, over the limit of ${MAX_POINTS_FILE_BYTES} bytes (10 MB)`);
}

function checkCount(n, maxPoints) {
  if (n > maxPoints) fail(`${n} points, more than the limit of ${maxPoints} points`);
}

function toNumber(cell, line, column) {
  const text = cell.trim();
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) {
    if (/^[+-]?(nan|inf|infinity)$/i.test(text))
      fail(`line ${line}, column ${column}: "${text}" is not a finite number`);
    fail(`line ${line}, column ${column}: "${text}" is not a number`);
  }
  const value = Number(text);
  if (!Number.isFinite(value) || !Number.isFinite(Math.fround(value)))
    fail(`line ${line}, column ${column}: "${text}" is not a finite 32-bit number`);
  return value;
}

function readJson(text, maxPoints) {
  let data;
  try {
    data = JSON.parse(text);
  } catch (err) {
    fail(`not valid JSON (${err.message})`);
  }
  if (!Array.isArray(data)) fail('the JSON is not an array of [x, y] pairs');
  if (data.length === 0) fail('the JSON array is empty: no points');
  checkCount(data.length, maxPoints);
  const out = new Float32Array(2 * data.length);
  data.forEach((pair, i) => {
    const where = `point ${i + 1} (index ${i})`;
    if (!Array.isArray(pair) || pair.length !== 2) fail(`${where}: ${JSON.stringify(pair)} is not an [x, y] pair`);
    for (let c = 0; c < 2; c++) {
      const v = pair[c];
      if (typeof v !== 'number') fail(`${where}, column ${c + 1}: ${JSON.stringify(v)} is not a number`);
      if (!Number.isFinite(Math.fround(v))) fail(`${where}, column ${c + 1}: ${v} is not a finite 32-bit number`);
      out[2 * i + c] = v;
    }
  });
  return out;
}

function readDelimited(text, maxPoints) {
  const lines = text.split(/\r\n|\n|\r/);
  const values = [];
  let n = 0,
    first = true;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].trim();
    if (raw === '' || raw.startsWith('#')) continue;
    const cells = raw.split(/\s*[,;\t]\s*|\s+/);
    const line = i + 1;
    if (cells.length < 2) fail(`line ${line}: one column ("${raw}"); two are needed, x and y`);
    if (cells.length > 2) fail(`line ${line}: ${cells.length} columns; two are needed, x and y`);
    if (first) {
      first = false;
      // A header: a first row whose cells are both words, not numbers.
      if (cells.every((c) => /^[A-Za-z_"'][\w "'.-]*$/.test(c) && !/^[+-]?(nan|inf|infinity)$/i.test(c))) continue;
    }
    values.push(toNumber(cells[0], line, 1), toNumber(cells[1], line, 2));
    n++;
    if (n > maxPoints) {
      let total = n;
      for (let j = i + 1; j < lines.length; j++)
        if (lines[j].trim() !== '' && !lines[j].trim().startsWith('#')) total++;
      checkCount(total, maxPoints);
    }
  }
  if (n === 0) fail('no points in the file');
  return Float32Array.from(values);
}

/**
 * Parses `text` (a string or bytes) into a Float32Array (2n). options.maxPoints: the core's point limit
 * (sf.limits.points); required.
 * @param {any} text a string or a Uint8Array; anything else is refused
 * @param {{ maxPoints?: number }} [options]
 */
export function parsePoints(text, { maxPoints } = {}) {
  if (!Number.isInteger(maxPoints) || maxPoints < 1)
    throw new Error(`parsePoints: maxPoints must be a positive integer (got ${maxPoints})`);
  if (typeof text !== 'string') {
    if (!(text instanceof Uint8Array)) fail('the content must be a string or a Uint8Array');
    checkPointsFileSize(text.length);
    if (text.includes(0)) fail('binary content (a zero byte), not a text file of points');
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(text);
    } catch {
      fail('binary content (not UTF-8 text), not a text file of points');
    }
  } else {
    checkPointsFileSize(text.length);
    if (text.includes('\0')) fail('binary content (a zero byte), not a text file of points');
  }
  if (text.startsWith('\uFEFF')) text = text.slice(1);

  const control = /[\u0001-\u0008\u000e-\u001f\ufffd]/.exec(text);
  if (control) {
    const line = text.slice(0, control.index).split('\n').length;
    fail(
      `line ${line}: binary content (control character U+${control[0].codePointAt(0).toString(16).padStart(4, '0')})`,
    );
  }
  if (text.trim() === '') fail('the file is empty');
  return /^\s*[[{]/.test(text) ? readJson(text, maxPoints) : readDelimited(text, maxPoints);
}
