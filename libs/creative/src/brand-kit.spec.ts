import sharp from 'sharp';
import { emptyBrief, type BriefText } from './brief';
import { composeCreative } from './compose';
import { parseHex } from './contrast';
import { FORMAT_PRESETS } from './formats';
import { BRAND_FONTS, brandFont, fontFor, measure } from './fonts';
import type { Box } from './layout';

const BRIEF: BriefText = {
  ...emptyBrief(),
  headline: 'Свежие круассаны каждое утро',
  price: '190 ₽',
  discount: '−20%',
  cta: 'Заказать',
};

const overlaps = (a: Box, b: Box): boolean => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

let logo: Buffer;
beforeAll(async () => {
  // A red square logo with a transparent border: easy to find in the pixels.
  logo = await sharp({ create: { width: 200, height: 200, channels: 4, background: '#e0102a' } })
    .png()
    .toBuffer();
});

describe('brand fonts', () => {
  it('are an allow-list of installed Cyrillic families, matched without case', () => {
    expect(brandFont('dejavu serif')).toBe('DejaVu Serif');
    expect(brandFont('Comic Sans MS')).toBeUndefined();
    for (const family of Object.keys(BRAND_FONTS)) {
      const f = fontFor('black', { headline: family });
      expect(f.family).toBe(family);
      // Cyrillic has real glyphs: "Ж" is wider than the fallback "o".
      expect(measure(f, 'Ж', 100)).toBeGreaterThan(measure(f, 'o', 100));
    }
    // A body font applies to the regular role only.
    expect(fontFor('regular', { body: 'DejaVu Serif' }).family).toBe('DejaVu Serif');
    expect(fontFor('black', { body: 'DejaVu Serif' }).family).toBe('Roboto');
  });
});

describe('a creative in a brand kit', () => {
  it.each(['instagram_post', 'instagram_story', 'banner', 'marketplace_card'])(
    '%s: brand font and colours, the logo in a safe-zone corner clear of text and subject',
    async (platform) => {
      const p = FORMAT_PRESETS.find((f) => f.platform === platform) as (typeof FORMAT_PRESETS)[number];
      const { png, record } = await composeCreative({
        width: p.width,
        height: p.height,
        platform,
        request: 'Кофейня, круассаны, скидка 20%',
        brief: BRIEF,
        brandPalette: ['#1E5A32', '#F5EBD7'],
        seed: 3,
        brand: { fonts: { headline: 'DejaVu Serif', body: 'DejaVu Sans' }, logo },
      });
      expect(record.fonts).toContain('DejaVu Serif');
      expect(record.fonts).not.toContain('Roboto');
      expect(record.texts.find((t) => t.field === 'headline')?.font).toMatch(/^DejaVu Serif/u);
      // The brand's green is used by the text layer (text, plate, badge or button).
      expect(record.colours.map((c) => c.toLowerCase())).toContain('#1e5a32');
      expect(record.minContrast).toBeGreaterThanOrEqual(4.5);
      const box = record.logo as Box;
      expect(box).toBeDefined();
      const { safe } = record;
      expect(box.x).toBeGreaterThanOrEqual(safe.left - 0.5);
      expect(box.y).toBeGreaterThanOrEqual(safe.top - 0.5);
      expect(box.x + box.w).toBeLessThanOrEqual(p.width - safe.right + 0.5);
      expect(box.y + box.h).toBeLessThanOrEqual(p.height - safe.bottom + 0.5);
      for (const t of record.texts) expect(overlaps(t.plate?.box ?? t.box, box)).toBe(false);
      for (const s of record.subjects) expect(overlaps(s.box, box)).toBe(false);
      // The logo's pixels are really there: its centre is the logo's red.
      const raw = await sharp(png).raw().toBuffer({ resolveWithObject: true });
      const cx = Math.round(box.x + box.w / 2);
      const cy = Math.round(box.y + box.h / 2);
      const at = (cy * raw.info.width + cx) * raw.info.channels;
      expect([raw.data[at], raw.data[at + 1], raw.data[at + 2]]).toEqual(parseHex('#e0102a'));
    },
    60000,
  );

  it('without a kit keeps the studio defaults and sets no logo', async () => {
    const { record } = await composeCreative({
      width: 1080,
      height: 1080,
      platform: 'instagram_post',
      request: 'Кофейня, круассаны',
      brief: BRIEF,
      brandPalette: [],
      seed: 3,
    });
    expect(record.logo).toBeUndefined();
    expect(record.fonts).toEqual(['Roboto']);
  }, 60000);
});
