// A small PNG reader for the screenshot checks: enough of the format (RFC 2083 / W3C PNG 2nd ed.) for what
// Chromium writes (8-bit greyscale, RGB or RGBA, not interlaced), so a blank or solid view is caught by looking
// at its pixels rather than at the file's size.
import { inflateSync } from 'node:zlib';

/** Decoded pixels, four bytes (RGBA) per pixel, rows top to bottom. */
export interface Pixels {
  width: number;
  height: number;
  rgba: Uint8Array;
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Bytes per pixel by colour type: 0 greyscale, 2 RGB, 4 greyscale + alpha, 6 RGBA. */
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 };

/** Decodes a PNG; throws on anything outside the subset above. */
export function decodePng(file: Uint8Array): Pixels {
  const buf = Buffer.from(file.buffer, file.byteOffset, file.byteLength);
  if (!SIGNATURE.every((b, i) => buf[i] === b)) throw new Error('not a PNG: bad signature');
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  for (let at = 8; at < buf.length;) {
    const length = buf.readUInt32BE(at);
    const type = buf.toString('latin1', at + 4, at + 8);
    const data = buf.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      const [depth, colour, , , interlace] = [data[8]!, data[9]!, data[10]!, data[11]!, data[12]!];
      channels = CHANNELS[colour] ?? 0;
      if (depth !== 8 || channels === 0 || interlace !== 0) throw new Error(`unsupported PNG: depth ${depth}, colour type ${colour}, interlace ${interlace}`);
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    at += 12 + length;
  }
  if (width === 0 || idat.length === 0) throw new Error('PNG without IHDR or IDAT');
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const rows = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) unfilter(raw, y * (stride + 1), rows, y * stride, stride, channels, y > 0);
  const rgba = new Uint8Array(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    const s = p * channels;
    const grey = channels <= 2;
    rgba[p * 4] = rows[s]!;
    rgba[p * 4 + 1] = grey ? rows[s]! : rows[s + 1]!;
    rgba[p * 4 + 2] = grey ? rows[s]! : rows[s + 2]!;
    rgba[p * 4 + 3] = channels === 4 ? rows[s + 3]! : channels === 2 ? rows[s + 1]! : 255;
  }
  return { width, height, rgba };
}

/** Undoes one scanline's filter (None, Sub, Up, Average, Paeth) into `out` at `to`. */
function unfilter(raw: Buffer, from: number, out: Uint8Array, to: number, stride: number, bpp: number, hasPrior: boolean): void {
  const filter = raw[from]!;
  for (let i = 0; i < stride; i++) {
    const x = raw[from + 1 + i]!;
    const a = i >= bpp ? out[to + i - bpp]! : 0;
    const b = hasPrior ? out[to + i - stride]! : 0;
    const c = hasPrior && i >= bpp ? out[to + i - stride - bpp]! : 0;
    let v: number;
    if (filter === 0) v = x;
    else if (filter === 1) v = x + a;
    else if (filter === 2) v = x + b;
    else if (filter === 3) v = x + ((a + b) >> 1);
    else if (filter === 4) v = x + paeth(a, b, c);
    else throw new Error(`bad PNG filter type ${filter}`);
    out[to + i] = v & 0xff;
  }
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** What a screenshot holds: its size, how many distinct colours, and the share of pixels not of the commonest. */
export interface Ink {
  width: number;
  height: number;
  colours: number;
  /** Share (0 to 1) of pixels that differ from the most frequent colour (the background). */
  inked: number;
}

/** Counts the colours of a decoded image and how much of it is not background. */
export function ink(p: Pixels): Ink {
  const counts = new Map<number, number>();
  const px = new Uint32Array(p.rgba.buffer, p.rgba.byteOffset, p.width * p.height);
  for (const v of px) counts.set(v, (counts.get(v) ?? 0) + 1);
  const commonest = Math.max(0, ...counts.values());
  const total = p.width * p.height;
  return { width: p.width, height: p.height, colours: counts.size, inked: total === 0 ? 0 : (total - commonest) / total };
}

/** Pixels of exactly the colour `#rrggbb` (a chart's solid fills: candle bodies, level lines). */
export function pixelsOf(p: Pixels, hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));
  let n = 0;
  for (let i = 0; i < p.rgba.length; i += 4) if (p.rgba[i] === r && p.rgba[i + 1] === g && p.rgba[i + 2] === b) n++;
  return n;
}
