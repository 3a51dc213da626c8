// A minimal PNG encoder (8-bit greyscale) for the fakes' QR images, and the reader tests use to
// check that an answer is a PNG that decodes: signature, IHDR, CRCs, inflated size.
import { crc32, deflateSync, inflateSync } from 'node:zlib';
import { createHash } from 'node:crypto';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/** A black-and-white PNG of `modules`² squares of `scale` px, dark where `dark(x, y)`. */
export function encodePng(modules: number, scale: number, dark: (x: number, y: number) => boolean): Buffer {
  const size = modules * scale;
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  const raw = Buffer.alloc(size * (size + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size + 1)] = 0; // filter: none
    for (let x = 0; x < size; x++)
      raw[y * (size + 1) + 1 + x] = dark(Math.floor(x / scale), Math.floor(y / scale)) ? 0 : 255;
  }
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A QR-looking image (finder squares, data from the text's hash): what a pairing page shows. */
export function qrLikePng(text: string, modules = 29, scale = 8): Buffer {
  const bits = createHash('sha512').update(text).digest();
  const finder = (x: number, y: number) => {
    const inBox = (ox: number, oy: number) => x - ox >= 0 && x - ox < 7 && y - oy >= 0 && y - oy < 7;
    for (const [ox, oy] of [
      [0, 0],
      [modules - 7, 0],
      [0, modules - 7],
    ]) {
      if (!inBox(ox, oy)) continue;
      const dx = x - ox,
        dy = y - oy;
      const ring = Math.min(dx, dy, 6 - dx, 6 - dy);
      return ring !== 1;
    }
    return undefined;
  };
  return encodePng(modules, scale, (x, y) => {
    const f = finder(x, y);
    if (f !== undefined) return f;
    const i = (y * modules + x) % (bits.length * 8);
    return ((bits[i >> 3] >> (i & 7)) & 1) === 1;
  });
}

export interface DecodedPng {
  width: number;
  height: number;
  bitDepth: number;
  colourType: number;
  /** Bytes of the inflated image data (filter bytes included). */
  inflatedBytes: number;
}

/** Reads a PNG's chunks, checking every CRC, and inflates its image data; throws when it is not one. */
export function decodePng(bytes: Buffer): DecodedPng {
  if (!bytes.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG signature');
  let at = 8;
  let header: Omit<DecodedPng, 'inflatedBytes'> | undefined;
  const idat: Buffer[] = [];
  let ended = false;
  while (at < bytes.length && !ended) {
    const length = bytes.readUInt32BE(at);
    const type = bytes.toString('latin1', at + 4, at + 8);
    const data = bytes.subarray(at + 8, at + 8 + length);
    const crc = bytes.readUInt32BE(at + 8 + length);
    if (crc32(bytes.subarray(at + 4, at + 8 + length)) >>> 0 !== crc) throw new Error(`bad CRC in ${type}`);
    if (type === 'IHDR')
      header = {
        width: data.readUInt32BE(0),
        height: data.readUInt32BE(4),
        bitDepth: data[8],
        colourType: data[9],
      };
    if (type === 'IDAT') idat.push(data);
    if (type === 'IEND') ended = true;
    at += 12 + length;
  }
  if (!header || !ended || !idat.length) throw new Error('PNG without IHDR, IDAT or IEND');
  return { ...header, inflatedBytes: inflateSync(Buffer.concat(idat)).length };
}
