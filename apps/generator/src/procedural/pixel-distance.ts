/**
 * Mean absolute difference per channel, in [0, 255], between two equally sized raw buffers
 * (e.g. RGB from sharp `.raw()`). 0 means identical; ~20+ is clearly visible to a person.
 */
export function meanPixelDistance(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) {
    throw new RangeError(`buffers differ in size: ${a.length} vs ${b.length}`);
  }
  if (a.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - b[i];
    sum += d < 0 ? -d : d;
  }
  return sum / a.length;
}
