// png.js — a minimal PNG encoder for the CLI's pictures: 8-bit RGB, no interlace, every scanline
// with filter 0 (none), one IDAT chunk compressed with node:zlib.
//
// It only encodes pixels it is given; what the pixels show (digit frames, colour bar) is decided by
// digit-grid.js. Pictures here are small (a few hundred kilobytes of raw RGB at most), so filtering
// per line and splitting IDAT, which only shrink or stream large images, are left out. The format is
// the W3C PNG specification (third edition): chunk = length, type, data, CRC-32 of type + data.

import { deflateSync } from 'node:zlib';

const SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a); // "\x89PNG\r\n\x1a\n"
const BIT_DEPTH = 8; // bits per channel
const COLOR_TYPE_RGB = 2; // truecolour, three channels
const FILTER_NONE = 0; // the filter byte that opens every scanline
const CRC_POLY = 0xedb88320; // the reflected CRC-32 polynomial of ISO 3309 / ITU-T V.42, as PNG uses

// The byte-wise CRC table, built once: entry n is the CRC of the single byte n.
const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? CRC_POLY ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** The CRC-32 of bytes (Uint8Array), as PNG and zip compute it: crc32("IEND") = 0xae426082. */
export function crc32(bytes, crc = 0) {
  let c = ~crc >>> 0;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

// One chunk: 4-byte big-endian length, 4-byte ASCII type, data, CRC-32 over type and data.
function chunk(type, data) {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/**
 * The bytes of a PNG file of width × height pixels from rgb (Uint8Array, height·width·3, rows top
 * to bottom, each pixel r, g, b). Throws if the sizes do not match.
 */
export function encodePng(width, height, rgb) {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new Error(`png: size must be positive integers, got ${width} × ${height}`);
  }
  if (rgb.length !== width * height * 3) {
    throw new Error(`png: expected ${width * height * 3} bytes of RGB, got ${rgb.length}`);
  }
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  ihdr.set([BIT_DEPTH, COLOR_TYPE_RGB, 0, 0, 0], 8); // compression 0, filter method 0, no interlace

  const stride = width * 3;
  const raw = new Uint8Array(height * (stride + 1));
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = FILTER_NONE;
    raw.set(rgb.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  }
  const parts = [SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
