// Draws the RedFlag icon (a red flag on a dark pole, on a white rounded
// square) at 16, 32, 48 and 128 px into icons/. Run once; the PNGs are
// committed. Shapes are tested per pixel with 4×4 supersampling.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const RED = [200, 30, 30];
const POLE = [40, 40, 48];
const BG = [255, 255, 255];

// paint returns [r, g, b, a] at (x, y) in a 0..1 square.
function paint(x, y) {
  const r = 0.18; // corner radius of the background
  const cx = Math.min(Math.max(x, r), 1 - r);
  const cy = Math.min(Math.max(y, r), 1 - r);
  if ((x - cx) ** 2 + (y - cy) ** 2 > r * r) return [0, 0, 0, 0];
  if (x >= 0.22 && x <= 0.31 && y >= 0.12 && y <= 0.9) return [...POLE, 255];
  // Flag: from the pole to a notched fly edge, with a slight wave.
  const wave = 0.03 * Math.sin((x - 0.31) * 9);
  const top = 0.14 + wave;
  const bottom = 0.58 + wave;
  const notch = 0.86 - 0.14 * (1 - Math.abs((y - (top + bottom) / 2) / ((bottom - top) / 2)));
  if (x > 0.31 && y >= top && y <= bottom && x <= notch) return [...RED, 255];
  return [...BG, 255];
}

function crc32(buf) {
  let c, crc = 0xffffffff;
  for (const b of buf) {
    c = (crc ^ b) & 0xff;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    crc = (crc >>> 8) ^ c;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

function png(size) {
  const S = 4;
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    for (let x = 0; x < size; x++) {
      const acc = [0, 0, 0, 0];
      for (let sy = 0; sy < S; sy++) {
        for (let sx = 0; sx < S; sx++) {
          const p = paint((x + (sx + 0.5) / S) / size, (y + (sy + 0.5) / S) / size);
          for (let i = 0; i < 3; i++) acc[i] += p[i] * p[3];
          acc[3] += p[3];
        }
      }
      const o = y * (size * 4 + 1) + 1 + x * 4;
      for (let i = 0; i < 3; i++) raw[o + i] = acc[3] ? Math.round(acc[i] / acc[3]) : 0;
      raw[o + 3] = Math.round(acc[3] / (S * S));
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; ihdr[9] = 6; // 8-bit RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0)),
  ]);
}

const dir = new URL('../icons/', import.meta.url);
for (const size of [16, 32, 48, 128]) writeFileSync(new URL(`icon-${size}.png`, dir), png(size));
