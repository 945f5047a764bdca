import { LruCache } from './lru-cache';

describe('LruCache', () => {
  it('evicts the least recently used entry, where a read counts as use', () => {
    const c = new LruCache<string, number>(2);
    c.set('a', 1);
    c.set('b', 2);
    expect(c.get('a')).toBe(1);
    c.set('c', 3);
    expect([c.get('a'), c.get('b'), c.get('c'), c.size]).toEqual([1, undefined, 3, 2]);
  });

  it('computes a missing value once and serves it from the cache afterwards', async () => {
    const c = new LruCache<string, Float32Array>(4);
    let calls = 0;
    const compute = async () => {
      calls++;
      return Float32Array.of(calls);
    };
    const first = await c.getOrCompute('prompt', compute);
    const second = await c.getOrCompute('prompt', compute);
    expect(second).toBe(first);
    expect(calls).toBe(1);
  });

  it('caches nothing with capacity 0', async () => {
    const c = new LruCache<string, number>(0);
    c.set('a', 1);
    expect(c.get('a')).toBeUndefined();
    let calls = 0;
    await c.getOrCompute('a', async () => ++calls);
    await c.getOrCompute('a', async () => ++calls);
    expect(calls).toBe(2);
  });
});
