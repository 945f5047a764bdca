import { readFileSync } from 'node:fs';

export interface NpyArray {
  shape: number[];
  data: Float32Array;
}

/**
 * Reads a NumPy .npy file holding little-endian float32 (`<f4`) or float64 (`<f8`) data in C order.
 * Enough for reference tensors and embeddings shipped as fixtures; anything else is rejected.
 */
export function readNpy(fileOrBytes: string | Buffer): NpyArray {
  const buf = typeof fileOrBytes === 'string' ? readFileSync(fileOrBytes) : fileOrBytes;
  if (buf.length < 10 || buf[0] !== 0x93 || buf.toString('latin1', 1, 6) !== 'NUMPY') {
    throw new Error('not a .npy file');
  }
  const major = buf[6];
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const headerStart = major === 1 ? 10 : 12;
  const header = buf.toString('latin1', headerStart, headerStart + headerLen);
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*True/.test(header);
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || shapeText === undefined) throw new Error(`unreadable .npy header: ${header}`);
  if (fortran) throw new Error('Fortran-order .npy is not supported');
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const offset = headerStart + headerLen;
  const data = new Float32Array(count);
  if (descr === '<f4') {
    for (let i = 0; i < count; i++) data[i] = buf.readFloatLE(offset + i * 4);
  } else if (descr === '<f8') {
    for (let i = 0; i < count; i++) data[i] = buf.readDoubleLE(offset + i * 8);
  } else {
    throw new Error(`unsupported .npy dtype ${descr}`);
  }
  return { shape, data };
}
