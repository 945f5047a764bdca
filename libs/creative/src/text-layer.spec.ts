import sharp from 'sharp';
import { emptyBrief, type BriefText } from './brief';
import { WCAG_AA, contrastRatio, parseHex, type Rgb } from './contrast';
import { FORMAT_PRESETS, chooseFormat, safeZoneFor } from './formats';
import { TextDoesNotFit, layoutCreative } from './layout';
import { renderTextLayer } from './render';

const FULL: BriefText = {
  ...emptyBrief(),
  headline: 'Осенний латте и свежие круассаны каждое утро',
  subline: 'Кофейня «Зерно» на Тверской',
  price: '190 ₽',
  oldPrice: '250 ₽',
  discount: '−20%',
  promoCode: 'LETO20',
  deadline: 'До воскресенья',
  cta: 'Заказать',
};

describe('platform formats', () => {
  it('give each platform its size and a ratio that describes that size', () => {
    const sizes = (platform: string, text = ''): string => {
      const f = chooseFormat(platform, text);
      return `${f.width}x${f.height} ${f.aspectRatio}`;
    };
    expect(sizes('instagram_post')).toBe('1080x1080 1:1');
    expect(sizes('instagram_post', 'вертикальный пост 4:5')).toBe('1080x1350 4:5');
    expect(sizes('instagram_story')).toBe('1080x1920 9:16');
    expect(sizes('telegram_post')).toBe('1280x720 16:9');
    expect(sizes('banner')).toBe('1500x500 3:1');
    expect(sizes('banner', 'рекламный баннер')).toBe('1200x628 1.91:1');
    expect(sizes('marketplace_card')).toBe('900x1200 3:4');
    expect(sizes('vk_post')).toBe('1080x1080 1:1');
    expect(sizes('poster')).toBe('1200x1800 2:3');
    expect(sizes('generic', 'картинка 1000x500')).toBe('1000x500 2:1');
    expect(chooseFormat('instagram_story', '', { width: 720, height: 1280 }).safe.top).toBe(167);
    for (const p of FORMAT_PRESETS) {
      const [a, b] = p.aspectRatio.split(':').map(Number);
      expect(Math.abs(a / b - p.width / p.height)).toBeLessThan(0.01);
    }
  });

  it('keep 250 px at the top and bottom of stories free', () => {
    expect(safeZoneFor('instagram_story', 1080, 1920)).toMatchObject({ top: 250, bottom: 250 });
  });
});

describe('layout', () => {
  it.each(FORMAT_PRESETS.map((p) => [p.id, p] as const))(
    '%s: every text inside the safe zone, none overlapping',
    (_id, p) => {
      const layout = layoutCreative(p.width, p.height, p.safe, FULL);
      expect(layout.texts.map((t) => t.field).sort()).toEqual(Object.keys(FULL).sort());
      for (const t of layout.texts) {
        const b = t.shape?.box ?? t.box;
        expect(b.x).toBeGreaterThanOrEqual(p.safe.left - 0.5);
        expect(b.y).toBeGreaterThanOrEqual(p.safe.top - 0.5);
        expect(b.x + b.w).toBeLessThanOrEqual(p.width - p.safe.right + 0.5);
        expect(b.y + b.h).toBeLessThanOrEqual(p.height - p.safe.bottom + 0.5);
      }
      const boxes = layout.texts.map((t) => t.shape?.box ?? t.box);
      for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
          const [a, b] = [boxes[i], boxes[j]];
          const overlap = a.x < b.x + b.w - 1 && b.x < a.x + a.w - 1 && a.y < b.y + b.h - 1 && b.y < a.y + a.h - 1;
          expect(overlap ? `${layout.texts[i].field}/${layout.texts[j].field}` : '').toBe('');
        }
      }
    },
  );

  it('fits a short brief on a small user-chosen size (the badge grows to its text)', () => {
    const brief = { ...emptyBrief(), headline: 'Autumn Latte', price: '290 ₽', discount: '-20%' };
    const layout = layoutCreative(320, 180, safeZoneFor('generic', 320, 180), brief);
    expect(layout.texts.map((t) => t.field).sort()).toEqual(['discount', 'headline', 'price']);
  });

  it('refuses text that cannot fit at the minimum size, saying how many characters would', () => {
    const long = 'Распродажа '.repeat(30).trim();
    const err = (() => {
      try {
        layoutCreative(400, 300, safeZoneFor('generic', 400, 300), { ...emptyBrief(), headline: long });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(TextDoesNotFit);
    const [problem] = (err as TextDoesNotFit).problems;
    expect(problem.field).toBe('headline');
    expect(problem.length).toBe(long.length);
    expect(problem.fits).toBeGreaterThan(10);
    expect(problem.fits).toBeLessThan(long.length);
    // What it says fits does fit.
    expect(() =>
      layoutCreative(400, 300, safeZoneFor('generic', 400, 300), {
        ...emptyBrief(),
        headline: long.slice(0, problem.fits),
      }),
    ).not.toThrow();
  });
});

/** RGB pixels of a picture: flat, or fine black/white noise no text colour can read on. */
function picture(width: number, height: number, kind: 'white' | 'noise' | 'grey'): Buffer {
  const data = Buffer.alloc(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    const v = kind === 'white' ? 255 : kind === 'grey' ? 119 : ((i * 2654435761) >>> 16) & 1 ? 255 : 0;
    data.fill(v, i * 3, i * 3 + 3);
  }
  return data;
}

async function pixelAt(png: Buffer, x: number, y: number): Promise<Rgb> {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  const o = (Math.round(y) * info.width + Math.round(x)) * info.channels;
  return [data[o], data[o + 1], data[o + 2]];
}

describe('text layer contrast', () => {
  const W = 600;
  const H = 750;
  const layout = (): ReturnType<typeof layoutCreative> =>
    layoutCreative(W, H, safeZoneFor('instagram_post', W, H), FULL);

  it('on a flat light picture sets dark text straight on it, measured at 4.5:1 or more', async () => {
    const { record } = await renderTextLayer({ data: picture(W, H, 'white'), width: W, height: H }, layout(), {
      palette: [],
    });
    const free = record.texts.filter((t) => t.on !== 'shape');
    expect(free.length).toBeGreaterThan(3);
    for (const t of free) {
      expect(t.on).toBe('picture');
      expect(t.contrast).toBeGreaterThanOrEqual(WCAG_AA);
      expect(contrastRatio(parseHex(t.colour) as Rgb, [255, 255, 255])).toBeCloseTo(t.contrast, 1);
    }
  });

  it('where no colour reaches 4.5:1 puts a plate behind the text, and the plate measures', async () => {
    const { png, record } = await renderTextLayer({ data: picture(W, H, 'noise'), width: W, height: H }, layout(), {
      palette: [],
    });
    for (const t of record.texts) {
      expect(t.contrast).toBeGreaterThanOrEqual(WCAG_AA);
      if (t.on === 'shape') continue;
      expect(t.on).toBe('plate');
      // Independently: the plate's padding (no glyphs there) in the delivered PNG reads against the text colour.
      const plate = t.plate as NonNullable<typeof t.plate>;
      const corner = await pixelAt(png, plate.box.x + 3, plate.box.y + plate.box.h / 2);
      expect(contrastRatio(parseHex(t.colour) as Rgb, corner)).toBeGreaterThanOrEqual(WCAG_AA);
    }
    expect(record.minContrast).toBeGreaterThanOrEqual(WCAG_AA);
  });

  it('badge and button text read on their own fills, whatever the brand colours', async () => {
    const { record } = await renderTextLayer({ data: picture(W, H, 'grey'), width: W, height: H }, layout(), {
      palette: ['#f2c14e', '#ffe066'],
    });
    for (const t of record.texts.filter((x) => x.on === 'shape')) {
      expect(contrastRatio(parseHex(t.colour) as Rgb, parseHex(t.shapeFill as string) as Rgb)).toBeGreaterThanOrEqual(
        WCAG_AA,
      );
      expect(t.contrast).toBeGreaterThanOrEqual(WCAG_AA);
    }
  });
});
