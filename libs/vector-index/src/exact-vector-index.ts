import { readFile, writeFile } from 'node:fs/promises';
import { TopK } from './top-k';
import {
  assertDimensions,
  dot,
  type SearchOptions,
  type UpsertOutcome,
  VectorIndex,
  type VectorHit,
} from './vector-index';

/**
 * Brute-force inner-product scan over one contiguous Float32Array: exact, O(n·d) per query.
 * The reference every approximate index is measured against, and fine up to a few tens of thousands of items.
 */
export class ExactVectorIndex extends VectorIndex {
  readonly kind = 'exact';
  private data: Float32Array;
  private ids: string[] = [];
  private readonly slots = new Map<string, number>();

  constructor(
    readonly dimensions: number,
    initialCapacity = 1024,
  ) {
    super();
    this.data = new Float32Array(dimensions * Math.max(1, initialCapacity));
  }

  size(): number {
    return this.ids.length;
  }

  has(id: string): boolean {
    return this.slots.has(id);
  }

  upsert(id: string, vector: Float32Array): UpsertOutcome {
    assertDimensions(this.dimensions, vector);
    const existing = this.slots.get(id);
    if (existing !== undefined) {
      const offset = existing * this.dimensions;
      let same = true;
      for (let i = 0; i < vector.length && same; i++) same = this.data[offset + i] === vector[i];
      if (same) return 'unchanged';
      this.data.set(vector, offset);
      return 'moved';
    }
    const slot = this.ids.length;
    if ((slot + 1) * this.dimensions > this.data.length) {
      const grown = new Float32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.ids.push(id);
    this.slots.set(id, slot);
    this.data.set(vector, slot * this.dimensions);
    return 'added';
  }

  storedIds(): IterableIterator<string> {
    return this.slots.keys();
  }

  remove(id: string): boolean {
    const slot = this.slots.get(id);
    if (slot === undefined) return false;
    // Move the last vector into the hole so the matrix stays dense.
    const last = this.ids.length - 1;
    if (slot !== last) {
      const lastId = this.ids[last];
      this.data.copyWithin(slot * this.dimensions, last * this.dimensions, (last + 1) * this.dimensions);
      this.ids[slot] = lastId;
      this.slots.set(lastId, slot);
    }
    this.ids.pop();
    this.slots.delete(id);
    return true;
  }

  search(query: Float32Array, k: number, options: SearchOptions = {}): VectorHit[] {
    assertDimensions(this.dimensions, query);
    const top = new TopK<number>(k);
    const d = this.dimensions;
    for (let slot = 0; slot < this.ids.length; slot++) {
      if (options.exclude?.has(this.ids[slot])) continue;
      top.push(dot(query, this.data, slot * d), slot);
    }
    return top.sorted().map((h) => ({ id: this.ids[h.value], score: h.score }));
  }

  /** The stored vector (a copy), or undefined. */
  get(id: string): Float32Array | undefined {
    const slot = this.slots.get(id);
    return slot === undefined ? undefined : this.data.slice(slot * this.dimensions, (slot + 1) * this.dimensions);
  }

  async save(path: string): Promise<void> {
    const header = Buffer.from(JSON.stringify({ dimensions: this.dimensions, ids: this.ids }));
    const length = Buffer.alloc(4);
    length.writeUInt32LE(header.length);
    const body = Buffer.from(this.data.buffer, this.data.byteOffset, this.ids.length * this.dimensions * 4);
    await writeFile(path, Buffer.concat([length, header, body]));
  }

  static async load(path: string): Promise<ExactVectorIndex> {
    const file = await readFile(path);
    const headerLength = file.readUInt32LE(0);
    const header = JSON.parse(file.subarray(4, 4 + headerLength).toString()) as { dimensions: number; ids: string[] };
    const index = new ExactVectorIndex(header.dimensions, header.ids.length);
    const body = file.subarray(4 + headerLength);
    const vectors = new Float32Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength));
    header.ids.forEach((id, i) =>
      index.upsert(id, vectors.subarray(i * header.dimensions, (i + 1) * header.dimensions)),
    );
    return index;
  }
}
