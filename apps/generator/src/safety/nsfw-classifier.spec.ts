import sharp from 'sharp';
import { loadConfig } from '@atelier/config';
import { renderProceduralImages } from '../procedural/procedural-renderer';
import { NsfwClassifier, isFlagged, loadNsfwClassify, toModelInput } from './nsfw-classifier';

// Loading the bundled MobileNetV2 into tfjs takes seconds.
jest.setTimeout(120000);

describe('isFlagged', () => {
  const scores = { drawing: 0, hentai: 0, neutral: 0, porn: 0, sexy: 0 };
  it('flags on explicit classes only, at the threshold', () => {
    expect(isFlagged({ ...scores, porn: 0.5, hentai: 0.2 }, 0.7)).toBe(true);
    expect(isFlagged({ ...scores, porn: 0.5, hentai: 0.1 }, 0.7)).toBe(false);
    expect(isFlagged({ ...scores, sexy: 0.99 }, 0.7)).toBe(false);
  });
});

describe('NsfwClassifier', () => {
  it('does nothing when the check is off', async () => {
    const off = new NsfwClassifier(loadConfig('generator', {}));
    expect(off.enabled).toBe(false);
    expect(await off.check(Buffer.from('not even an image'))).toBeUndefined();
  });

  it('runs the bundled model offline and finds procedural drawings safe', async () => {
    const classifier = new NsfwClassifier(loadConfig('generator', { GENERATOR_NSFW_CHECK: 'true' }));
    const images = await renderProceduralImages({
      prompt: 'coffee cup product shot',
      width: 256,
      height: 256,
      seed: 1n,
      n: 2,
    });
    for (const img of images) {
      const verdict = await classifier.check(img.png);
      expect(verdict?.flagged).toBe(false);
      expect(verdict?.model).toBe('nsfwjs/MobileNetV2');
      const s = verdict?.scores;
      const total = s ? s.drawing + s.hentai + s.neutral + s.porn + s.sexy : 0;
      expect(total).toBeCloseTo(1, 2);
      expect((s?.neutral ?? 0) + (s?.drawing ?? 0)).toBeGreaterThan(0.5);
    }
  });

  it('is deterministic for the same image', async () => {
    const classify = await loadNsfwClassify();
    const png = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#d0a080' } })
      .png()
      .toBuffer();
    const input = await toModelInput(png);
    expect(input.length).toBe(224 * 224 * 3);
    expect(await classify(input)).toEqual(await classify(input));
  });
});
