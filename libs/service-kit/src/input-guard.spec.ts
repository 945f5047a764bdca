import { findForbiddenString, findPrototypeKey, hasForbiddenCharacters, jsonDepthExceeds } from './input-guard';

describe('input guard', () => {
  it('finds NUL and lone surrogates, and lets paired surrogates through', () => {
    expect(hasForbiddenCharacters('a\u0000b')).toBe(true);
    expect(hasForbiddenCharacters('a\ud800b')).toBe(true);
    expect(hasForbiddenCharacters('a\udc00')).toBe(true);
    expect(hasForbiddenCharacters('\ud83d\ude00 кофе')).toBe(false);
  });

  it('names where in a parsed body the bad string sits, keys included', () => {
    expect(findForbiddenString({ a: [1, { b: 'x\u0000' }] })).toBe('a.1.b');
    expect(findForbiddenString({ ['k\ud800']: 1 })).toBe('k\ud800');
    expect(findForbiddenString({ a: ['fine', 2, null] })).toBeUndefined();
  });

  it('measures JSON depth on the bytes, ignoring brackets inside strings', () => {
    expect(jsonDepthExceeds('[[[]]]', 3)).toBe(false);
    expect(jsonDepthExceeds('[[[[]]]]', 3)).toBe(true);
    expect(jsonDepthExceeds('{"a":"[[[[[[\\"[["}', 1)).toBe(false);
    expect(jsonDepthExceeds('['.repeat(5000))).toBe(true);
  });

  it('finds keys named like prototype members at any depth, never array indices or values', () => {
    expect(findPrototypeKey(JSON.parse('{"a":[{"__proto__":1}]}'))).toBe('a.0.__proto__');
    expect(findPrototypeKey({ attributes: { valueOf: 'x' } })).toBe('attributes.valueOf');
    expect(findPrototypeKey({ a: ['constructor'], b: 'toString' })).toBeUndefined();
  });
});
