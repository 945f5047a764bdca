import { detectPlatformAndGoal, type Detection, type Goal, type Platform } from './platform-goal-detector';
import { cleanPrompt } from './prompt-cleaner';
import { composePrompt, MAX_PROMPT_LENGTH } from './prompt-composer';

const detection = (
  platform: Platform,
  goal: Goal,
  aspectRatio: string,
): Pick<Detection, 'platform' | 'goal' | 'aspectRatio'> => ({ platform, goal, aspectRatio });

/** The appended guidance split back into phrases. */
const guidancePhrases = (prompt: string, user: string): string[] =>
  prompt
    .slice(user.length)
    .replace(/^[,\s]+/u, '')
    .split(', ')
    .filter((p) => p.length > 0);

describe('composePrompt', () => {
  describe('brief examples', () => {
    it('banner + promotion: user text first, then banner and sale guidance', () => {
      const cleaned = 'баннер для кофейни, осень, скидка 20%';
      const result = composePrompt(cleaned, detection('banner', 'promotion', '16:9'));

      expect(result.prompt).toBe(
        'баннер для кофейни, осень, скидка 20%, horizontal 16:9 composition, web banner layout, subject on one side, ' +
          'empty space for headline, bold sale typography area, high contrast call to action, high quality, sharp details',
      );
      expect(result.operations).toEqual([
        {
          name: 'platform_style',
          detail: 'horizontal 16:9 composition, web banner layout, subject on one side, empty space for headline',
        },
        { name: 'goal_style', detail: 'bold sale typography area, high contrast call to action' },
        { name: 'quality_style', detail: 'high quality, sharp details' },
      ]);
    });

    it('product showcase asks for studio product photography', () => {
      const result = composePrompt('крем для рук 990 ₽', detection('marketplace_card', 'product_shot', '3:4'));
      expect(result.prompt).toContain('studio product photography, clean background, soft light');
      expect(result.prompt).toContain('vertical 3:4 composition');
    });

    it('instagram story asks for a vertical 9:16 composition', () => {
      const result = composePrompt('сторис для инсты', detection('instagram_story', 'generic', '9:16'));
      expect(result.prompt.startsWith('сторис для инсты, vertical 9:16 composition')).toBe(true);
      expect(result.operations.map((o) => o.name)).toEqual(['platform_style', 'quality_style']);
    });
  });

  describe('structure', () => {
    it.each<[Platform, string, string]>([
      ['instagram_post', '4:5', 'vertical 4:5 composition'],
      ['instagram_story', '9:16', 'vertical 9:16 composition'],
      ['vk_post', '1:1', 'square 1:1 composition'],
      ['telegram_post', '16:9', 'horizontal 16:9 composition'],
      ['banner', '3:1', 'horizontal 3:1 composition'],
      ['website_hero', '16:9', 'horizontal 16:9 composition'],
      ['marketplace_card', '3:4', 'vertical 3:4 composition'],
      ['poster', '2:3', 'vertical 2:3 composition'],
      ['generic', '1:1', 'square 1:1 composition'],
    ])('%p (%s) gets %p as its first platform phrase', (platform, aspectRatio, phrase) => {
      const result = composePrompt('кофе', detection(platform, 'generic', aspectRatio));
      expect(result.prompt.startsWith(`кофе, ${phrase}`)).toBe(true);
      expect(result.operations[0]?.name).toBe('platform_style');
      expect(result.operations[0]?.detail.startsWith(phrase)).toBe(true);
    });

    it.each<Goal>(['promotion', 'product_shot', 'announcement', 'branding', 'seasonal', 'hiring'])(
      'goal %p adds exactly one goal_style operation',
      (goal) => {
        const result = composePrompt('кофе', detection('generic', goal, '1:1'));
        const goalOps = result.operations.filter((o) => o.name === 'goal_style');
        expect(goalOps).toHaveLength(1);
        expect(result.prompt).toContain(goalOps[0]?.detail);
      },
    );

    it('a generic goal adds no goal_style operation', () => {
      const result = composePrompt('кофе', detection('banner', 'generic', '16:9'));
      expect(result.operations.map((o) => o.name)).toEqual(['platform_style', 'quality_style']);
    });

    it('every operation detail appears verbatim in the prompt, in order', () => {
      const result = composePrompt('кофе', detection('poster', 'hiring', '2:3'));
      const appended = result.operations.map((o) => o.detail).join(', ');
      expect(result.prompt).toBe(`кофе, ${appended}`);
    });

    it('uses the detection aspect ratio and skips an unparsable one', () => {
      expect(composePrompt('кофе', detection('banner', 'generic', '21:9')).prompt).toContain(
        'horizontal 21:9 composition',
      );
      const broken = composePrompt('кофе', detection('banner', 'generic', 'wide'));
      expect(broken.prompt).not.toContain('composition');
      expect(broken.prompt.startsWith('кофе, web banner layout')).toBe(true);
    });

    it('joins after the user’s own punctuation with a space', () => {
      expect(composePrompt('новая коллекция!', detection('generic', 'generic', '1:1')).prompt).toBe(
        'новая коллекция! square 1:1 composition, high quality, sharp details',
      );
      expect(composePrompt('скоро…', detection('generic', 'generic', '1:1')).prompt.startsWith('скоро… square')).toBe(
        true,
      );
    });

    it('composes guidance alone for empty text, without a leading separator', () => {
      expect(composePrompt('  ', detection('generic', 'generic', '1:1')).prompt).toBe(
        'square 1:1 composition, high quality, sharp details',
      );
    });

    it('keeps the user text first and untouched apart from edge whitespace', () => {
      const user = 'афиша «ЛЕТНИЙ ДРАЙВ» 27 июня, вход $15';
      expect(
        composePrompt(`  ${user} `, detection('poster', 'announcement', '2:3')).prompt.startsWith(`${user}, `),
      ).toBe(true);
    });
  });

  describe('no duplicates', () => {
    it.each<[Platform, Goal]>([
      ['instagram_post', 'promotion'],
      ['instagram_story', 'seasonal'],
      ['vk_post', 'branding'],
      ['website_hero', 'hiring'],
      ['telegram_post', 'announcement'],
      ['banner', 'promotion'],
      ['marketplace_card', 'product_shot'],
      ['poster', 'announcement'],
      ['generic', 'generic'],
    ])('%p + %p repeats no phrase', (platform, goal) => {
      const result = composePrompt('кофе', detection(platform, goal, '1:1'));
      const phrases = guidancePhrases(result.prompt, 'кофе');
      expect(new Set(phrases).size).toBe(phrases.length);
    });

    it('skips a phrase the user already wrote, case-insensitively', () => {
      const user = 'крем для рук, Soft Light, clean background';
      const result = composePrompt(user, detection('generic', 'product_shot', '1:1'));
      expect(result.prompt).toBe(
        `${user}, square 1:1 composition, studio product photography, high quality, sharp details`,
      );
      expect(result.operations).toContainEqual({ name: 'goal_style', detail: 'studio product photography' });
    });

    it('records no operation for a fragment whose phrases were all present', () => {
      const user = 'bold sale typography area, high contrast call to action';
      const result = composePrompt(user, detection('generic', 'promotion', '1:1'));
      expect(result.operations.map((o) => o.name)).toEqual(['platform_style', 'quality_style']);
    });
  });

  describe('length limit', () => {
    it(`never exceeds ${MAX_PROMPT_LENGTH} characters, trimming guidance from the end`, () => {
      const user = 'к'.repeat(520);
      const result = composePrompt(user, detection('marketplace_card', 'product_shot', '3:4'));

      expect(result.prompt.length).toBeLessThanOrEqual(MAX_PROMPT_LENGTH);
      expect(result.prompt.startsWith(user)).toBe(true);
      expect(result.prompt).toContain('vertical 3:4 composition');
      expect(result.prompt).not.toContain('sharp details');
      expect(result.operations.at(-1)).toEqual({
        name: 'trim_guidance',
        detail: expect.stringMatching(/^dropped \d+ phrase\(s\) to stay within 600 characters$/u),
      });
    });

    it('stops at the first phrase that does not fit, so priorities are kept', () => {
      const user = 'к'.repeat(560);
      const result = composePrompt(user, detection('banner', 'promotion', '16:9'));
      // "horizontal 16:9 composition" fits; "web banner layout" would too, but only after it in order.
      expect(guidancePhrases(result.prompt, user)).toEqual(['horizontal 16:9 composition']);
      expect(result.operations).toEqual([
        { name: 'platform_style', detail: 'horizontal 16:9 composition' },
        { name: 'trim_guidance', detail: 'dropped 7 phrase(s) to stay within 600 characters' },
      ]);
    });

    it('returns the user text whole when it alone is over the limit', () => {
      const user = 'кофе '.repeat(150).trim();
      const result = composePrompt(user, detection('banner', 'promotion', '16:9'));
      expect(result.prompt).toBe(user);
      expect(result.operations.map((o) => o.name)).toEqual(['trim_guidance']);
    });

    it('fits exactly at the limit', () => {
      const phrase = 'square 1:1 composition';
      const user = 'к'.repeat(MAX_PROMPT_LENGTH - phrase.length - 2);
      const result = composePrompt(user, detection('generic', 'generic', '1:1'));
      expect(result.prompt).toBe(`${user}, ${phrase}`);
      expect(result.prompt).toHaveLength(MAX_PROMPT_LENGTH);
    });
  });

  it('is deterministic', () => {
    const d = detection('instagram_post', 'announcement', '4:5');
    expect(composePrompt('новая коллекция', d)).toEqual(composePrompt('новая коллекция', d));
  });

  describe('end to end: clean → detect → compose', () => {
    it.each([
      [
        'баннер для кофейни, осень, скидка 20% 🍂 https://x.ru #осень #кофе',
        'баннер для кофейни, осень, скидка 20% осень кофе, horizontal 3:1 composition',
      ],
      ['insta пост новая коллекция платьев!!!', 'insta пост новая коллекция платьев! square 1:1 composition'],
      ['сторис для инсты', 'сторис для инсты, vertical 9:16 composition'],
      [
        'карточка товара для WB, крем для рук 990 ₽',
        'карточка товара для WB, крем для рук 990 ₽, vertical 3:4 composition',
      ],
    ])('%p', (raw, expectedStart) => {
      const cleaned = cleanPrompt(raw);
      const result = composePrompt(cleaned.text, detectPlatformAndGoal(cleaned.text));
      expect(result.prompt.startsWith(expectedStart)).toBe(true);
      expect(result.prompt.length).toBeLessThanOrEqual(MAX_PROMPT_LENGTH);
    });
  });
});
