/**
 * Small deterministic PRNG for the procedural backend.
 *
 * sfc32 (Chris Doty-Humphrey's "small fast counting" generator): 128-bit state, passes
 * PractRand, and needs only 32-bit integer ops, so results are identical on every platform
 * and Node version (unlike Math.random, which cannot be seeded).
 */

const UINT32 = 0x1_0000_0000;

export interface SeededRandom {
  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number;
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform float in [min, max). */
  range(min: number, max: number): number;
  /** Uniform integer in [min, maxExclusive). */
  int(min: number, maxExclusive: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  /** Uniformly chosen element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
}

/** 32-bit FNV-1a over the UTF-8 bytes, so Cyrillic prompts hash the same everywhere. */
export function fnv1a32(text: string): number {
  const bytes = Buffer.from(text, 'utf8');
  let hash = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) {
    hash ^= bytes[i];
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Hash used to seed the renderer: NFC + trim so visually identical prompts agree. */
export function promptHash(prompt: string): number {
  return fnv1a32(prompt.normalize('NFC').trim());
}

/** murmur3 finaliser: spreads low-entropy seeds (0, 1, 2 …) over all 32 bits. */
function fmix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Wraps any bigint into the uint64 range the API promises (proto seeds are uint64). */
export function toUint64(seed: bigint): bigint {
  return BigInt.asUintN(64, seed);
}

/**
 * Creates a generator from a 64-bit seed, a stream number (e.g. image index) and the prompt
 * hash. Each input lands in its own state word before mixing, so changing any one of them
 * yields an unrelated sequence.
 */
export function createSeededRandom(seed: bigint, stream: number, hash: number): SeededRandom {
  const s = toUint64(seed);
  const lo = Number(s & 0xffff_ffffn);
  const hi = Number(s >> 32n);
  let a = fmix32(lo ^ 0x9e3779b9);
  let b = fmix32(hi ^ 0x85ebca6b);
  let c = fmix32((stream >>> 0) ^ 0xc2b2ae35);
  let d = fmix32(hash ^ 0x27d4eb2f);

  const nextUint32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  // Warm-up: the first outputs of sfc32 still correlate with the seed words.
  for (let i = 0; i < 15; i++) nextUint32();

  const next = (): number => nextUint32() / UINT32;
  return {
    nextUint32,
    next,
    range: (min, max) => min + (max - min) * next(),
    int: (min, maxExclusive) => min + Math.floor((maxExclusive - min) * next()),
    chance: (p) => next() < p,
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new RangeError('pick() needs a non-empty list');
      return items[Math.floor(items.length * next())];
    },
  };
}
