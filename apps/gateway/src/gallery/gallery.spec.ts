import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import type { GenerationRow } from '../generations/generation-read-model.repository';
import { filtersQuery, isDay, parseHistoryFilters } from './history-filters';
import { convertImage, makeThumbnail, THUMBNAIL_MAX_BYTES } from './image-formats';
import { repeatRequest } from './regeneration';

/** Noise compresses worst of all: a thumbnail budget that holds for it holds for any picture. */
async function noisePng(width: number, height: number): Promise<Buffer> {
  return sharp(randomBytes(width * height * 3), { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
}

describe('history filters', () => {
  it('reads a valid search and leaves empty fields out', () => {
    expect(
      parseHistoryFilters({ q: '  кофе ', platform: 'vk_post', status: 'active', from: '2026-01-31', to: '' }),
    ).toEqual({ filters: { q: 'кофе', platform: 'vk_post', status: 'active', from: '2026-01-31' }, problems: {} });
  });

  it('names every problem at once and keeps nothing it cannot use', () => {
    const { problems } = parseHistoryFilters({
      q: 'x'.repeat(201),
      platform: 'DROP TABLE',
      status: 'done',
      from: '2026-02-30',
      to: ['2026-01-01', '2026-01-02'],
    });
    expect(Object.keys(problems).sort()).toEqual(['from', 'platform', 'q', 'status', 'to']);
    expect(parseHistoryFilters({ from: '2026-05-02', to: '2026-05-01' }).problems).toEqual({ to: 'not before from' });
    expect(parseHistoryFilters({ q: 'a\u0000b' }).problems.q).toBeDefined();
  });

  it('accepts only real calendar days', () => {
    expect(isDay('2024-02-29')).toBe(true);
    expect(isDay('2026-02-29')).toBe(false);
    expect(isDay('2026-13-01')).toBe(false);
    expect(isDay('1999-12-31')).toBe(false);
    expect(isDay('2026-1-1')).toBe(false);
  });

  it('writes the filters back as a query string for the next page', () => {
    expect(filtersQuery({ q: 'a&b', status: 'completed' })).toBe('q=a%26b&status=completed');
  });
});

describe('repeating a request', () => {
  const row = {
    prompt: 'баннер, скидка 20%',
    params: {
      prompt: 'баннер, скидка 20%',
      n: 3,
      width: 1200,
      height: 400,
      steps: 25,
      guidance: 6.5,
      seed: 123456789,
      platform: '',
      goal: 'promotion',
      backend: 'procedural',
      explicitSize: false,
      creative: {
        title: 'Осень',
        subline: '',
        discount: '-20%',
        brandPalette: ['#112233'],
        fromRequest: ['discount'],
      },
    },
  } as unknown as GenerationRow;

  it('keeps what the user chose and the seed for "same"', () => {
    expect({ ...repeatRequest(row, 'same') }).toEqual({
      prompt: 'баннер, скидка 20%',
      n: 3,
      steps: 25,
      guidance: 6.5,
      seed: 123456789,
      goal: 'promotion',
      backend: 'procedural',
      creative: { title: 'Осень', brandPalette: ['#112233'] },
    });
  });

  it('leaves the seed out for variations, and keeps an explicit size', () => {
    const sized = { ...row, params: { ...row.params, explicitSize: true } } as GenerationRow;
    const dto = repeatRequest(sized, 'variations');
    expect(dto.seed).toBeUndefined();
    expect([dto.width, dto.height]).toEqual([1200, 400]);
  });
});

describe('image formats', () => {
  it('converts to real JPEG and WebP of the same size, and passes PNG through', async () => {
    const png = await noisePng(300, 200);
    expect(await convertImage(png, 'png')).toBe(png);
    for (const [format, name] of [
      ['jpg', 'jpeg'],
      ['webp', 'webp'],
    ] as const) {
      const meta = await sharp(await convertImage(png, format)).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual([name, 300, 200]);
    }
  });

  it('makes thumbnails of at most 256 px and 20 KB, even of noise', async () => {
    const thumb = await makeThumbnail(await noisePng(1500, 1000));
    expect(thumb.length).toBeLessThanOrEqual(THUMBNAIL_MAX_BYTES);
    const meta = await sharp(thumb).metadata();
    expect(meta.format).toBe('webp');
    expect(Math.max(meta.width ?? 0, meta.height ?? 0)).toBeLessThanOrEqual(256);
  });
});
