import { generationImageKey, isGenerationImageKey } from './generation-image-keys';

describe('generation image keys', () => {
  const gen = '0b0e6c1e-5f2a-4c1e-9d51-0f8e7a3b2c1d';
  const other = 'a1b2c3d4-0000-4000-8000-000000000001';
  const sha = 'ab'.repeat(32);

  it('namespaces the key by the generation', () => {
    expect(generationImageKey(gen, sha)).toBe(`images/${gen}/${sha}.png`);
    expect(isGenerationImageKey(generationImageKey(gen, sha), gen)).toBe(true);
  });

  it("refuses another generation's key, the old content-addressed layout and path tricks", () => {
    expect(isGenerationImageKey(generationImageKey(other, sha), gen)).toBe(false);
    expect(isGenerationImageKey(`images/ab/${sha}.png`, gen)).toBe(false);
    expect(isGenerationImageKey(`images/${gen}/../${other}/${sha}.png`, gen)).toBe(false);
    expect(isGenerationImageKey(`images/${gen}/${sha}.png.html`, gen)).toBe(false);
    expect(isGenerationImageKey(`images/${gen}/${'ab'.repeat(31)}.png`, gen)).toBe(false);
  });

  it('refuses to make a key from something that is not an id or a digest', () => {
    expect(() => generationImageKey('../x', sha)).toThrow(RangeError);
    expect(() => generationImageKey(gen, 'nope')).toThrow(RangeError);
  });
});
