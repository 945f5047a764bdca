import { createHash } from 'node:crypto';
import { balanceLines, forEachLitPixel, normaliseText, textWidth } from './bitmap-font';
import { parseHexColour, rgbToSwatch } from './creative-overlay';
import { meanPixelDistance } from './pixel-distance';
import {
  pairwiseDistances,
  renderProceduralImages,
  renderProceduralRaw,
  renderProceduralRawImages,
  type ProceduralRenderInput,
} from './procedural-renderer';

const creative = {
  title: 'Осенний латте с корицей',
  price: '290 ₽',
  discount: '-20%',
  brandPalette: ['#6b3e26', '#f2c14e'],
};
const base: ProceduralRenderInput = { prompt: 'coffee banner', width: 256, height: 256, seed: 5n, n: 4 };

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** Rows [from, to) of an RGB buffer. */
const rows = (raw: Uint8Array, width: number, from: number, to: number): Uint8Array =>
  raw.subarray(from * width * 3, to * width * 3);

describe('bitmap font', () => {
  it('upper-cases, maps Cyrillic look-alikes and drops what it cannot draw', () => {
    // С, К, А, Н, В, Е come out as their Latin twins (one glyph each), И and Д stay Cyrillic.
    expect(normaliseText('  Скидка   20%  на всё!🙂 ')).toBe('CK\u0418\u0414KA 20% HA BCE!');
    expect(normaliseText('日本')).toBe('');
  });

  it('measures and lays out glyphs on a 6-column pitch with 3-column spaces', () => {
    expect(textWidth('A')).toBe(5);
    expect(textWidth('AB')).toBe(11);
    expect(textWidth('A B')).toBe(5 + 1 + 3 + 1 + 5);
    const lit: Array<[number, number]> = [];
    forEachLitPixel('-', (x, y) => lit.push([x, y]));
    expect(lit).toEqual([0, 1, 2, 3, 4].map((x) => [x, 3]));
  });

  it('balances a title over two lines', () => {
    expect(balanceLines('ОСЕННИЙ ЛАТТЕ С КОРИЦЕЙ', 2)).toEqual(['ОСЕННИЙ ЛАТТЕ', 'С КОРИЦЕЙ']);
    expect(balanceLines('SALE', 2)).toEqual(['SALE']);
  });
});

describe('brand colours', () => {
  it('parses #rrggbb and converts to hue/saturation', () => {
    expect(parseHexColour('#FF8000')).toEqual([255, 128, 0]);
    expect(parseHexColour('red')).toBeUndefined();
    const s = rgbToSwatch([255, 0, 0]);
    expect([s.hue, s.saturation]).toEqual([0, 1]);
    expect(rgbToSwatch([0, 0, 255]).hue).toBe(240);
    expect(rgbToSwatch([128, 128, 128]).saturation).toBe(0);
  });

  it('steer the palette: a blue brand turns a "red" prompt blue', () => {
    const mean = (raw: Uint8Array, c: number): number => {
      let s = 0;
      for (let i = c; i < raw.length; i += 3) s += raw[i];
      return s / (raw.length / 3);
    };
    for (let i = 0; i < 4; i++) {
      const plain = renderProceduralRaw({ ...base, prompt: 'red banner' }, i);
      const branded = renderProceduralRaw(
        { ...base, prompt: 'red banner', creative: { brandPalette: ['#1040d0', '#20a0f0'] } },
        i,
      );
      expect(mean(plain, 0)).toBeGreaterThan(mean(plain, 2));
      expect(mean(branded, 2)).toBeGreaterThan(mean(branded, 0));
    }
  });
});

describe('typography', () => {
  it('is byte-identical for the same input, pinned by a checksum of the pixels', () => {
    const input = { ...base, creative };
    const a = renderProceduralRawImages(input);
    const b = renderProceduralRawImages({ ...input, creative: { ...creative } });
    a.forEach((raw, i) => expect(Buffer.from(raw).equals(Buffer.from(b[i]))).toBe(true));
    // Pure arithmetic on integers and IEEE doubles: the same on every machine. A change here means the
    // procedural output changed, which needs a PROCEDURAL_BACKEND_VERSION bump.
    expect(sha(a[0])).toBe(GOLDEN_FIRST_IMAGE);
  });

  it('draws the title at the bottom and leaves the rest of the image alone', () => {
    const plain = renderProceduralRaw({ ...base, n: 1 }, 0);
    const titled = renderProceduralRaw({ ...base, n: 1, creative: { title: 'Autumn sale' } }, 0);
    const w = base.width;
    expect(rows(titled, w, 0, 160)).toEqual(rows(plain, w, 0, 160));
    expect(meanPixelDistance(rows(titled, w, 200, 243), rows(plain, w, 200, 243))).toBeGreaterThan(30);
  });

  it('renders different text as different pixels', () => {
    const a = renderProceduralRaw({ ...base, n: 1, creative: { discount: '-20%' } }, 0);
    const b = renderProceduralRaw({ ...base, n: 1, creative: { discount: '-30%' } }, 0);
    expect(meanPixelDistance(a, b)).toBeGreaterThan(0);
    const c = renderProceduralRaw({ ...base, n: 1, creative: { price: '290 ₽' } }, 0);
    const d = renderProceduralRaw({ ...base, n: 1, creative: { price: '990 ₽' } }, 0);
    expect(meanPixelDistance(c, d)).toBeGreaterThan(0);
  });

  it('keeps the images of one request measurably different with text on them', () => {
    for (const seed of [0n, 7n, 99n]) {
      const raws = renderProceduralRawImages({ ...base, seed, creative });
      const pairs = pairwiseDistances(raws);
      expect(pairs).toHaveLength(6);
      for (const p of pairs) expect(p.distance).toBeGreaterThanOrEqual(15);
    }
  });

  it('works from tiny to large sizes and encodes to PNG of the requested size', async () => {
    for (const [width, height] of [
      [64, 64],
      [1024, 256],
      [256, 1024],
    ]) {
      const [img] = await renderProceduralImages({ ...base, width, height, n: 1, creative });
      expect([img.width, img.height]).toEqual([width, height]);
    }
  });
});

const GOLDEN_FIRST_IMAGE = '64ae6d15009bafe3e71387c24fa13f126be9d6a564a9605684a11414af725e11';
