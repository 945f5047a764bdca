import sharp from 'sharp';
import {
  STATISTICS_SCORER,
  measureImage,
  measureRaw,
  rankByScore,
  scoreMeasurements,
  type ImageMeasurements,
} from './image-statistics';

type Rgb = [number, number, number];

/** Builds a raw RGB image from a per-pixel colour function. */
function rawImage(width: number, height: number, colourAt: (x: number, y: number) => Rgb): Buffer {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b] = colourAt(x, y);
      const o = (y * width + x) * 3;
      data[o] = r;
      data[o + 1] = g;
      data[o + 2] = b;
    }
  }
  return data;
}

async function png(width: number, height: number, colourAt: (x: number, y: number) => Rgb): Promise<Buffer> {
  return sharp(rawImage(width, height, colourAt), { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
}

const flat = (c: Rgb) => (): Rgb => c;

// Saturated yellow / deep blue cells: far apart in luminance and on the yellow–blue axis.
const checkerboard =
  (cell: number) =>
  (x: number, y: number): Rgb =>
    (Math.floor(x / cell) + Math.floor(y / cell)) % 2 === 0 ? [255, 220, 0] : [20, 30, 200];

// Shapes on a gradient: something with edges for the blur test.
const scene = (x: number, y: number): Rgb => {
  const inCircle = (x - 90) ** 2 + (y - 80) ** 2 < 45 ** 2;
  const inRect = x > 140 && x < 220 && y > 120 && y < 200;
  if (inCircle) return [230, 60, 40];
  if (inRect) return [30, 90, 200];
  return [40 + (x >> 1), 120, 200 - (y >> 1)];
};

describe('STATISTICS_SCORER', () => {
  it('identifies the scorer', () => {
    expect(STATISTICS_SCORER.name).toBe('image-statistics');
    expect(STATISTICS_SCORER.version).toMatch(/^\d+$/);
  });
});

describe('measureImage', () => {
  it('rates a colourful high-contrast checkerboard above flat grey on every axis but exposure', async () => {
    const grey = await measureImage(await png(128, 128, flat([128, 128, 128])));
    const board = await measureImage(await png(128, 128, checkerboard(16)));

    expect(grey.sharpness).toBe(0);
    expect(grey.contrast).toBe(0);
    expect(grey.colourfulness).toBeCloseTo(0, 6);
    expect(board.sharpness).toBeGreaterThan(grey.sharpness);
    expect(board.contrast).toBeGreaterThan(grey.contrast);
    expect(board.colourfulness).toBeGreaterThan(grey.colourfulness);
    expect(board.contrast).toBeGreaterThan(0.25);
    expect(board.colourfulness).toBeGreaterThan(100);

    const greyScore = scoreMeasurements(grey);
    const boardScore = scoreMeasurements(board);
    expect(boardScore.metrics.sharpness_n).toBeGreaterThan(greyScore.metrics.sharpness_n);
    expect(boardScore.metrics.contrast_n).toBeGreaterThan(greyScore.metrics.contrast_n);
    expect(boardScore.metrics.colourfulness_n).toBeGreaterThan(greyScore.metrics.colourfulness_n);
    expect(boardScore.score).toBeGreaterThan(greyScore.score);
  });

  it('measures lower sharpness after blurring', async () => {
    for (const original of [await png(256, 256, scene), await png(256, 256, checkerboard(8))]) {
      const blurred = await sharp(original).blur(4).png().toBuffer();
      const a = await measureImage(original);
      const b = await measureImage(blurred);
      expect(b.sharpness).toBeLessThan(a.sharpness * 0.5);
      expect(scoreMeasurements(b).metrics.sharpness_n).toBeLessThan(scoreMeasurements(a).metrics.sharpness_n);
    }
  });

  it('gives a black image low exposure and mid-grey full exposure', async () => {
    const black = await measureImage(await png(64, 64, flat([0, 0, 0])));
    const white = await measureImage(await png(64, 64, flat([255, 255, 255])));
    const mid = await measureImage(await png(64, 64, flat([128, 128, 128])));
    expect(black.exposure).toBeCloseTo(0, 6);
    expect(white.exposure).toBeCloseTo(0, 6);
    expect(mid.exposure).toBeGreaterThan(0.99);
    expect(scoreMeasurements(black).metrics.exposure_n).toBeLessThan(0.05);
  });

  it('reports the original size but analyses a downscaled copy', async () => {
    const big = await png(1024, 512, checkerboard(64));
    const m = await measureImage(big);
    expect([m.width, m.height]).toEqual([1024, 512]);
    // Cell edges survive downscaling, so the board still reads as sharp and contrasty.
    expect(m.sharpness).toBeGreaterThan(100);
    expect(m.contrast).toBeGreaterThan(0.25);
  });

  it('handles greyscale and RGBA inputs', async () => {
    const greyPng = await sharp(Buffer.alloc(32 * 32, 90), { raw: { width: 32, height: 32, channels: 1 } })
      .png()
      .toBuffer();
    const g = await measureImage(greyPng);
    expect(g.colourfulness).toBeCloseTo(0, 6);
    expect(g.exposure).toBeCloseTo(1 - Math.abs(90 / 255 - 0.5) * 2, 2);

    // Fully transparent pixels count as white (flattened onto a page).
    const rgba = await sharp(Buffer.alloc(32 * 32 * 4, 0), { raw: { width: 32, height: 32, channels: 4 } })
      .png()
      .toBuffer();
    const t = await measureImage(rgba);
    expect(t.exposure).toBeCloseTo(0, 6);
    expect([t.width, t.height]).toEqual([32, 32]);
  });

  it('copes with tiny images', async () => {
    const m = await measureImage(await png(1, 1, flat([200, 10, 10])));
    expect(m.sharpness).toBe(0);
    expect(m.contrast).toBe(0);
    expect(Number.isFinite(m.colourfulness)).toBe(true);
  });

  it('rejects data that is not an image', async () => {
    await expect(measureImage(Buffer.from('not an image'))).rejects.toThrow();
  });
});

describe('measureRaw', () => {
  it('matches the Hasler–Süsstrunk formula on a two-colour image', () => {
    // Half pure red, half pure green: rg = ±255, yb = 127.5 everywhere.
    const data = rawImage(2, 1, (x) => (x === 0 ? [255, 0, 0] : [0, 255, 0]));
    const m = measureRaw(data, 2, 1, 3);
    expect(m.colourfulness).toBeCloseTo(255 + 0.3 * 127.5, 6);
  });

  it('computes RMS contrast of a black/white split as 0.5', () => {
    const data = rawImage(4, 4, (x) => (x < 2 ? [0, 0, 0] : [255, 255, 255]));
    expect(measureRaw(data, 4, 4, 3).contrast).toBeCloseTo(0.5, 3);
  });
});

describe('scoreMeasurements', () => {
  const base: ImageMeasurements = { sharpness: 0, contrast: 0, colourfulness: 0, exposure: 0, width: 1, height: 1 };

  it('keeps score and normalised metrics in [0, 1] for extreme and invalid inputs', () => {
    const cases: ImageMeasurements[] = [
      base,
      { ...base, sharpness: 1e12, contrast: 0.5, colourfulness: 1e6, exposure: 1 },
      {
        ...base,
        sharpness: Number.POSITIVE_INFINITY,
        contrast: 9,
        colourfulness: Number.POSITIVE_INFINITY,
        exposure: 3,
      },
      { ...base, sharpness: -5, contrast: -1, colourfulness: -3, exposure: -2 },
      { ...base, sharpness: Number.NaN, contrast: Number.NaN, colourfulness: Number.NaN, exposure: Number.NaN },
    ];
    for (const m of cases) {
      const { score, metrics } = scoreMeasurements(m);
      expect(score).toBeGreaterThanOrEqual(0);
      expect(score).toBeLessThanOrEqual(1);
      for (const key of ['sharpness_n', 'contrast_n', 'colourfulness_n', 'exposure_n']) {
        expect(metrics[key]).toBeGreaterThanOrEqual(0);
        expect(metrics[key]).toBeLessThanOrEqual(1);
      }
    }
    expect(scoreMeasurements(base).score).toBe(0);
    expect(scoreMeasurements(cases[1]).score).toBeGreaterThan(0.95);
  });

  it('uses the documented saturating curves', () => {
    const { metrics } = scoreMeasurements({ ...base, sharpness: 200, contrast: 0.5, colourfulness: 40, exposure: 0.7 });
    expect(metrics.sharpness_n).toBeCloseTo(0.5, 6);
    expect(metrics.contrast_n).toBeCloseTo(1, 6);
    expect(metrics.colourfulness_n).toBeCloseTo(0.5, 6);
    expect(metrics.exposure_n).toBeCloseTo(0.7, 6);
    expect(metrics).toMatchObject({ sharpness: 200, contrast: 0.5, colourfulness: 40, exposure: 0.7 });
  });

  it('is monotonic in each measurement', () => {
    const mid: ImageMeasurements = { ...base, sharpness: 100, contrast: 0.1, colourfulness: 20, exposure: 0.5 };
    const s = scoreMeasurements(mid).score;
    expect(scoreMeasurements({ ...mid, sharpness: 300 }).score).toBeGreaterThan(s);
    expect(scoreMeasurements({ ...mid, contrast: 0.2 }).score).toBeGreaterThan(s);
    expect(scoreMeasurements({ ...mid, colourfulness: 60 }).score).toBeGreaterThan(s);
    expect(scoreMeasurements({ ...mid, exposure: 0.9 }).score).toBeGreaterThan(s);
  });

  it('keeps real image scores in [0, 1]', async () => {
    const images = [
      await png(64, 64, flat([0, 0, 0])),
      await png(64, 64, flat([255, 255, 255])),
      await png(64, 64, checkerboard(1)),
      await png(256, 256, scene),
    ];
    for (const image of images) {
      const { score } = scoreMeasurements(await measureImage(image));
      expect(score).toBeGreaterThanOrEqual(0);
      expect(score).toBeLessThanOrEqual(1);
    }
  });
});

describe('rankByScore', () => {
  it('assigns 1..n by descending score, ties by lower index', () => {
    const ranked = rankByScore([
      { index: 0, score: 0.2, id: 'a' },
      { index: 1, score: 0.9, id: 'b' },
      { index: 2, score: 0.5, id: 'c' },
      { index: 3, score: 0.9, id: 'd' },
      { index: 4, score: 0.5, id: 'e' },
    ]);
    expect(ranked.map((r) => [r.id, r.rank])).toEqual([
      ['b', 1],
      ['d', 2],
      ['c', 3],
      ['e', 4],
      ['a', 5],
    ]);
  });

  it('breaks ties by index regardless of input order and ranks NaN last', () => {
    const ranked = rankByScore([
      { index: 3, score: 0.5 },
      { index: 1, score: Number.NaN },
      { index: 2, score: 0.5 },
      { index: 0, score: 0.1 },
    ]);
    expect(ranked.map((r) => [r.index, r.rank])).toEqual([
      [2, 1],
      [3, 2],
      [0, 3],
      [1, 4],
    ]);
  });

  it('does not mutate its input and handles empty lists', () => {
    const items = [
      { index: 0, score: 0.1 },
      { index: 1, score: 0.2 },
    ];
    const copy = items.map((i) => ({ ...i }));
    rankByScore(items);
    expect(items).toEqual(copy);
    expect(rankByScore([])).toEqual([]);
  });
});
