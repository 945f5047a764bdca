import { inflateRawSync } from 'node:zlib';

/** A zip the importer refuses: not a zip, or an entry it cannot or will not read. */
export class ZipError extends Error {
  constructor(
    readonly code: 'invalid_zip' | 'zip_too_large',
    message: string,
  ) {
    super(message);
  }
}

export interface ZipEntry {
  name: string;
  bytes: Buffer;
}

export interface ZipLimits {
  maxEntries: number;
  /** Per entry, after inflating (checked from the header and again while inflating). */
  maxEntryBytes: number;
  maxTotalBytes: number;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/**
 * Reads the files of a zip from its central directory: stored or deflated entries only, no encryption, no zip64.
 * Sizes are checked against the limits before inflating, and inflating is capped too (a lying header cannot make
 * a zip bomb). Directories are skipped; names are returned as stored.
 */
export function readZip(buf: Buffer, limits: ZipLimits): ZipEntry[] {
  const eocd = findEocd(buf);
  if (eocd < 0) throw new ZipError('invalid_zip', 'not a zip file (no end of central directory)');
  const count = buf.readUInt16LE(eocd + 10);
  const size = buf.readUInt32LE(eocd + 12);
  const offset = buf.readUInt32LE(eocd + 16);
  if (count > limits.maxEntries) throw new ZipError('zip_too_large', `more than ${limits.maxEntries} files`);
  if (offset + size > eocd) throw new ZipError('invalid_zip', 'the central directory lies outside the file');
  const entries: ZipEntry[] = [];
  let total = 0;
  let p = offset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== CENTRAL) throw new ZipError('invalid_zip', 'broken directory');
    const flags = buf.readUInt16LE(p + 8);
    const method = buf.readUInt16LE(p + 10);
    const compressed = buf.readUInt32LE(p + 20);
    const uncompressed = buf.readUInt32LE(p + 24);
    const nameLength = buf.readUInt16LE(p + 28);
    const extraLength = buf.readUInt16LE(p + 30);
    const commentLength = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.toString(flags & 0x800 ? 'utf8' : 'latin1', p + 46, p + 46 + nameLength);
    p += 46 + nameLength + extraLength + commentLength;
    if (name.endsWith('/')) continue;
    if (flags & 0x1) throw new ZipError('invalid_zip', `${name}: encrypted entries are not accepted`);
    if (method !== 0 && method !== 8) throw new ZipError('invalid_zip', `${name}: compression method ${method}`);
    if (uncompressed > limits.maxEntryBytes) {
      throw new ZipError('zip_too_large', `${name}: larger than ${limits.maxEntryBytes} bytes`);
    }
    total += uncompressed;
    if (total > limits.maxTotalBytes) throw new ZipError('zip_too_large', `more than ${limits.maxTotalBytes} bytes`);
    if (local + 30 > buf.length || buf.readUInt32LE(local) !== LOCAL) {
      throw new ZipError('invalid_zip', `${name}: broken local header`);
    }
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    if (start + compressed > buf.length) throw new ZipError('invalid_zip', `${name}: truncated`);
    const data = buf.subarray(start, start + compressed);
    let bytes: Buffer;
    if (method === 0) bytes = Buffer.from(data);
    else {
      try {
        bytes = inflateRawSync(data, { maxOutputLength: limits.maxEntryBytes });
      } catch {
        throw new ZipError('invalid_zip', `${name}: cannot be inflated`);
      }
    }
    if (bytes.length !== uncompressed) throw new ZipError('invalid_zip', `${name}: size differs from its header`);
    entries.push({ name, bytes });
  }
  return entries;
}

function findEocd(buf: Buffer): number {
  // The record is 22 bytes plus a comment of at most 65535.
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === EOCD) return i;
  }
  return -1;
}
