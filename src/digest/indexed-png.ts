import { deflateSync } from 'node:zlib';

/**
 * Small PNGs for chat messages: a chart has few distinct colours, so an 8-bit palette PNG is several times
 * smaller than resvg's RGBA output (Teams caps a whole message at about 28 KB, images included).
 */

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  Buffer.from(data.buffer, data.byteOffset, data.byteLength).copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

export type Rgb = [number, number, number];

export function hexToRgb(hex: string): Rgb {
  const h = hex.replace('#', '');
  return [parseInt(h.slice(0, 2), 16), parseInt(h.slice(2, 4), 16), parseInt(h.slice(4, 6), 16)];
}

/**
 * A palette for anti-aliased drawing of `colours` on white: each colour blended with white in steps,
 * plus a grey ramp for text and grid lines. At most 256 entries.
 */
export function blendPalette(colours: Rgb[], steps = 6, greys = 32): Rgb[] {
  const out: Rgb[] = [];
  for (let g = 0; g < greys; g++) {
    const v = Math.round((255 * g) / (greys - 1));
    out.push([v, v, v]);
  }
  for (const c of colours) {
    for (let s = 1; s <= steps; s++) {
      const a = s / steps;
      out.push([0, 1, 2].map((i) => Math.round(255 + (c[i] - 255) * a)) as Rgb);
    }
  }
  return out.slice(0, 256);
}

/** Encode RGBA pixels (alpha ignored: drawn on an opaque background) as an indexed PNG, nearest palette colour. */
export function encodeIndexedPng(rgba: Uint8Array, width: number, height: number, palette: Rgb[]): Uint8Array {
  if (palette.length === 0 || palette.length > 256) throw new RangeError('palette must have 1–256 colours');
  if (rgba.length !== width * height * 4) throw new RangeError('pixel buffer does not match the size');
  const cache = new Map<number, number>();
  const nearest = (r: number, g: number, b: number): number => {
    const key = (r << 16) | (g << 8) | b;
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    let best = 0;
    let bestD = Infinity;
    for (let i = 0; i < palette.length; i++) {
      const p = palette[i];
      const d = (p[0] - r) ** 2 * 0.3 + (p[1] - g) ** 2 * 0.59 + (p[2] - b) ** 2 * 0.11;
      if (d < bestD) {
        bestD = d;
        best = i;
      }
    }
    cache.set(key, best);
    return best;
  };
  const raw = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width + 1)] = 0; // filter: none
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      raw[y * (width + 1) + 1 + x] = nearest(rgba[o], rgba[o + 1], rgba[o + 2]);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 3; // colour type: indexed
  ihdr[10] = 0;
  ihdr[11] = 0;
  ihdr[12] = 0;
  const plte = Buffer.alloc(palette.length * 3);
  palette.forEach((p, i) => plte.set(p, i * 3));
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return new Uint8Array(
    Buffer.concat([signature, chunk('IHDR', ihdr), chunk('PLTE', plte), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', new Uint8Array(0))]),
  );
}
