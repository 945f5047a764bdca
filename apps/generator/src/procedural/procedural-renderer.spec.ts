import sharp from 'sharp';
import { paletteFromPrompt, promptTokens } from './palette';
import { meanPixelDistance } from './pixel-distance';
import {
  PROCEDURAL_BACKEND_VERSION,
  renderProceduralImages,
  renderProceduralRaw,
  type ProceduralRenderInput,
} from './procedural-renderer';
import { createSeededRandom, fnv1a32, promptHash } from './seeded-random';

interface Decoded {
  data: Buffer;
  width: number;
  height: number;
  channels: number;
  format: string | undefined;
}

async function decode(png: Buffer): Promise<Decoded> {
  const meta = await sharp(png).metadata();
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels, format: meta.format };
}

function channelMeans(rgb: Uint8Array): [number, number, number] {
  const sums = [0, 0, 0];
  for (let i = 0; i < rgb.length; i += 3) {
    sums[0] += rgb[i];
    sums[1] += rgb[i + 1];
    sums[2] += rgb[i + 2];
  }
  const pixels = rgb.length / 3;
  return [sums[0] / pixels, sums[1] / pixels, sums[2] / pixels];
}

async function pairwiseDistances(input: ProceduralRenderInput): Promise<number[]> {
  const images = await renderProceduralImages(input);
  const raws = await Promise.all(images.map(async (img) => (await decode(img.png)).data));
  const distances: number[] = [];
  for (let a = 0; a < raws.length; a++) {
    for (let b = a + 1; b < raws.length; b++) distances.push(meanPixelDistance(raws[a], raws[b]));
  }
  return distances;
}

const base: ProceduralRenderInput = { prompt: 'red banner', width: 128, height: 128, seed: 42n, n: 4 };

describe('renderProceduralImages', () => {
  it('exposes a backend version', () => {
    expect(PROCEDURAL_BACKEND_VERSION).toBe('2');
  });

  it('is byte-identical for identical input', async () => {
    const input: ProceduralRenderInput = { ...base, prompt: 'осенний кофе на столе', platform: 'instagram_post' };
    const first = await renderProceduralImages(input);
    const second = await renderProceduralImages({ ...input });
    expect(second).toHaveLength(first.length);
    first.forEach((img, i) => {
      expect(second[i].png.equals(img.png)).toBe(true);
      expect(second[i].seed).toBe(img.seed);
    });
  });

  it('gives image i the seed seed+i (wrapped to uint64)', async () => {
    const images = await renderProceduralImages({ ...base, seed: 10n, n: 3 });
    expect(images.map((img) => [img.index, img.seed])).toEqual([
      [0, 10n],
      [1, 11n],
      [2, 12n],
    ]);
    const wrapped = await renderProceduralImages({ ...base, seed: 2n ** 64n - 1n, n: 2 });
    expect(wrapped.map((img) => img.seed)).toEqual([2n ** 64n - 1n, 0n]);
  });

  it('renders different images for different seeds', async () => {
    for (const prompt of ['red banner', 'coffee cup', 'a cat on a sofa']) {
      for (let seed = 0n; seed < 6n; seed++) {
        const a = renderProceduralRaw({ ...base, prompt, n: 1, seed }, 0);
        const b = renderProceduralRaw({ ...base, prompt, n: 1, seed: seed + 1n }, 0);
        expect(meanPixelDistance(a, b)).toBeGreaterThan(5);
      }
    }
  });

  it('renders a different image when only the prompt changes', () => {
    const a = renderProceduralRaw({ ...base, prompt: 'a cat', n: 1 }, 0);
    const b = renderProceduralRaw({ ...base, prompt: 'a dog', n: 1 }, 0);
    expect(meanPixelDistance(a, b)).toBeGreaterThan(5);
  });

  it.each<[string, string | undefined]>([
    ['red banner', undefined],
    ['blue sea', undefined],
    ['coffee cup product shot', 'marketplace_card'],
    ['летний баннер распродажа', 'banner'],
    ['black and white', undefined],
    ['абстракция', 'instagram_story'],
    ['a cat', undefined],
  ])('makes the n images of one request visibly different (%s, %s)', async (prompt, platform) => {
    for (const seed of [0n, 7n, 123_456_789_012_345n]) {
      const distances = await pairwiseDistances({ ...base, prompt, platform, seed, n: 4 });
      expect(distances).toHaveLength(6);
      for (const d of distances) expect(d).toBeGreaterThanOrEqual(20);
    }
  });

  it('outputs PNGs of the requested size', async () => {
    const images = await renderProceduralImages({ ...base, width: 200, height: 120, n: 2 });
    for (const img of images) {
      expect(img.png.subarray(1, 4).toString('latin1')).toBe('PNG');
      const decoded = await decode(img.png);
      expect(decoded).toMatchObject({ format: 'png', width: 200, height: 120, channels: 3 });
      expect(img).toMatchObject({ width: 200, height: 120 });
    }
  });

  it.each([1, 2, 3, 4])('honours n = %i', async (n) => {
    const images = await renderProceduralImages({ ...base, n });
    expect(images.map((img) => img.index)).toEqual(Array.from({ length: n }, (_, i) => i));
  });

  it.each<[number, number]>([
    [64, 64],
    [64, 1024],
    [1024, 64],
    [333, 517],
    [1024, 1024],
  ])('works at %ix%i', async (width, height) => {
    const [img] = await renderProceduralImages({ ...base, width, height, n: 1 });
    const decoded = await decode(img.png);
    expect([decoded.width, decoded.height]).toEqual([width, height]);
  });

  it.each<[string, 'R>B' | 'B>R']>([
    ['red banner', 'R>B'],
    ['красный баннер', 'R>B'],
    ['autumn leaves', 'R>B'],
    ['осенний кофе', 'R>B'],
    ['blue sea', 'B>R'],
    ['синее море', 'B>R'],
    ['ocean waves poster', 'B>R'],
  ])('lets colour words set the dominant hue: "%s" → %s', async (prompt, expected) => {
    const images = await renderProceduralImages({ ...base, prompt, n: 4 });
    for (const img of images) {
      const [r, , b] = channelMeans((await decode(img.png)).data);
      if (expected === 'R>B') expect(r).toBeGreaterThan(b);
      else expect(b).toBeGreaterThan(r);
    }
  });

  it('rejects out-of-range sizes and counts', async () => {
    await expect(renderProceduralImages({ ...base, n: 0 })).rejects.toThrow(RangeError);
    await expect(renderProceduralImages({ ...base, n: 1.5 })).rejects.toThrow(RangeError);
    await expect(renderProceduralImages({ ...base, width: 0 })).rejects.toThrow(RangeError);
    await expect(renderProceduralImages({ ...base, height: 5000 })).rejects.toThrow(RangeError);
  });
});

describe('meanPixelDistance', () => {
  it('is 0 for identical buffers and 255 for black vs white', () => {
    const black = new Uint8Array(30);
    const white = new Uint8Array(30).fill(255);
    expect(meanPixelDistance(black, black)).toBe(0);
    expect(meanPixelDistance(black, white)).toBe(255);
    expect(meanPixelDistance(white, black)).toBe(255);
  });

  it('averages absolute differences per channel', () => {
    expect(meanPixelDistance(Uint8Array.from([10, 20, 30]), Uint8Array.from([20, 10, 30]))).toBeCloseTo(20 / 3);
  });

  it('rejects buffers of different size', () => {
    expect(() => meanPixelDistance(new Uint8Array(3), new Uint8Array(6))).toThrow(RangeError);
  });
});

describe('seeded random', () => {
  it('implements 32-bit FNV-1a over UTF-8', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
    expect(fnv1a32('кофе')).toBe(fnv1a32(Buffer.from('кофе', 'utf8').toString('utf8')));
    expect(promptHash('  кофе ')).toBe(fnv1a32('кофе'));
  });

  it('is deterministic and sensitive to seed, stream and hash', () => {
    const seq = (seed: bigint, stream: number, hash: number): number[] => {
      const rng = createSeededRandom(seed, stream, hash);
      return Array.from({ length: 8 }, () => rng.nextUint32());
    };
    expect(seq(1n, 0, 5)).toEqual(seq(1n, 0, 5));
    expect(seq(1n, 0, 5)).not.toEqual(seq(2n, 0, 5));
    expect(seq(1n, 0, 5)).not.toEqual(seq(1n, 1, 5));
    expect(seq(1n, 0, 5)).not.toEqual(seq(1n, 0, 6));
    expect(seq(1n, 0, 5)).not.toEqual(seq(1n + (1n << 32n), 0, 5));
  });

  it('produces floats in [0, 1) and integers in range', () => {
    const rng = createSeededRandom(99n, 3, 7);
    let sum = 0;
    for (let i = 0; i < 10_000; i++) {
      const x = rng.next();
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
      sum += x;
      const k = rng.int(2, 5);
      expect(k >= 2 && k < 5 && Number.isInteger(k)).toBe(true);
    }
    expect(sum / 10_000).toBeCloseTo(0.5, 1);
  });
});

describe('palette', () => {
  it('matches English words and Russian inflections', () => {
    expect(paletteFromPrompt('Жёлтых тюльпанов букет', 1).matched).toEqual(['yellow']);
    expect(paletteFromPrompt('Осенний лес', 1).matched).toEqual(['autumn', 'forest']);
    expect(paletteFromPrompt('coffee and red roses', 1).matched).toEqual(['coffee', 'red', 'pink']);
    expect(paletteFromPrompt('чашка кофе у моря', 1).matched).toEqual(['coffee', 'sea']);
  });

  it('avoids obvious false friends', () => {
    expect(paletteFromPrompt('морковь, лестница и синхронный перевод', 1).source).toBe('hash');
    expect(paletteFromPrompt('reduce the redirect', 1).source).toBe('hash');
  });

  it('falls back to a prompt-hash palette that varies between prompts', () => {
    const a = paletteFromPrompt('a cat', promptHash('a cat'));
    const b = paletteFromPrompt('a dog', promptHash('a dog'));
    expect(a.source).toBe('hash');
    expect(a.swatches.length).toBeGreaterThanOrEqual(2);
    expect(a.swatches[0].hue).not.toBe(b.swatches[0].hue);
  });

  it('tokenises letters only, folding ё and case', () => {
    expect(promptTokens('Ёлка, RED-banner 2024!')).toEqual(['елка', 'red', 'banner']);
  });
});
