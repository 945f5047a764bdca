import { detectPlatformAndGoal, type Goal, type Platform } from './platform-goal-detector';

describe('detectPlatformAndGoal', () => {
  describe('brief examples', () => {
    it('banner for a coffee shop with a discount → banner + promotion', () => {
      expect(detectPlatformAndGoal('баннер для кофейни, осень, скидка 20%')).toEqual({
        platform: 'banner',
        goal: 'promotion',
        aspectRatio: '16:9',
        matched: ['platform:banner', 'goal:promotion'],
      });
    });

    it('insta post about a new collection → instagram_post + announcement', () => {
      expect(detectPlatformAndGoal('insta пост новая коллекция платьев')).toEqual({
        platform: 'instagram_post',
        goal: 'announcement',
        aspectRatio: '4:5',
        matched: ['platform:instagram', 'platform:post', 'goal:announcement'],
      });
    });

    it('stories for insta → instagram_story', () => {
      const detection = detectPlatformAndGoal('сторис для инсты');
      expect(detection.platform).toBe('instagram_story');
      expect(detection.aspectRatio).toBe('9:16');
      expect(detection.goal).toBe('generic');
    });

    it('product card for WB → marketplace_card + product_showcase', () => {
      expect(detectPlatformAndGoal('карточка товара для WB, крем для рук 990 ₽')).toEqual({
        platform: 'marketplace_card',
        goal: 'product_showcase',
        aspectRatio: '3:4',
        matched: ['platform:marketplace', 'goal:product_showcase'],
      });
    });
  });

  describe('platform keywords', () => {
    it.each<[string, Platform]>([
      ['пост в инстаграм про кофе', 'instagram_post'],
      ['instagram post for a bakery', 'instagram_post'],
      ['картинка для инсты', 'instagram_post'],
      ['ig post', 'instagram_post'],
      ['insta stories осень', 'instagram_story'],
      ['story for instagram', 'instagram_story'],
      ['сторис с новинкой', 'instagram_story'],
      ['рилс обложка', 'instagram_story'],
      ['история в инсте про кофе', 'instagram_story'],
      ['пост для вк', 'vk_post'],
      ['пост ВКонтакте', 'vk_post'],
      ['vk post', 'vk_post'],
      ['пост в телеграм канал', 'telegram_post'],
      ['картинка для тг', 'telegram_post'],
      ['telegram post', 'telegram_post'],
      ['пост для телеги', 'telegram_post'],
      ['баннер на сайт', 'banner'],
      ['банер на сайт', 'banner'],
      ['web banner for a cafe', 'banner'],
      ['карточка для маркетплейса', 'marketplace_card'],
      ['фото для Wildberries', 'marketplace_card'],
      ['инфографика для Ozon', 'marketplace_card'],
      ['картинка для озона', 'marketplace_card'],
      ['товар для вб', 'marketplace_card'],
      ['карточка для Яндекс Маркет', 'marketplace_card'],
      ['афиша концерта', 'poster'],
      ['постер к фильму', 'poster'],
      ['плакат на выставку', 'poster'],
      ['flyer for a party', 'poster'],
      ['листовка для доставки', 'poster'],
      ['кофе и круассан', 'generic'],
      ['', 'generic'],
    ])('%p → %p', (text, platform) => {
      expect(detectPlatformAndGoal(text).platform).toBe(platform);
    });

    it.each([
      ['вкусный кофе', 'вк inside вкусный'],
      ['инструкция к кофемашине', 'инст inside инструкция'],
      ['институт дизайна', 'инст inside институт'],
      ['поставка кофе', 'пост inside поставка'],
      ['озонатор воздуха', 'озон inside озонатор'],
      ['история бренда', 'история without Instagram'],
    ])('does not misfire on %p (%s)', (text) => {
      const { platform, matched } = detectPlatformAndGoal(text);
      expect(platform).toBe('generic');
      expect(matched.filter((m) => m.startsWith('platform:'))).toEqual([]);
    });

    it('leaves a bare "пост" generic instead of guessing a network', () => {
      expect(detectPlatformAndGoal('пост про кофе')).toMatchObject({ platform: 'generic', matched: ['platform:post'] });
    });

    it('lets format words outrank network words', () => {
      expect(detectPlatformAndGoal('баннер для вк').platform).toBe('banner');
      expect(detectPlatformAndGoal('афиша для инсты').platform).toBe('poster');
      expect(detectPlatformAndGoal('сторис в вк').platform).toBe('instagram_story');
      expect(detectPlatformAndGoal('карточка товара, баннер').platform).toBe('marketplace_card');
    });

    it('does not let "постер" count as a post', () => {
      expect(detectPlatformAndGoal('постер').matched).toEqual(['platform:poster']);
    });
  });

  describe('goal keywords', () => {
    it.each<[string, Goal]>([
      ['скидка на кофе', 'promotion'],
      ['скидки до конца недели', 'promotion'],
      ['большая распродажа', 'promotion'],
      ['акция 1+1', 'promotion'],
      ['summer sale', 'promotion'],
      ['discount for students', 'promotion'],
      ['-30% на всё', 'promotion'],
      ['промокод OSEN', 'promotion'],
      ['promo banner', 'promotion'],
      ['чёрная пятница', 'promotion'],
      ['новая коллекция платьев', 'announcement'],
      ['новый вкус латте', 'announcement'],
      ['new collection drop', 'announcement'],
      ['launch of the app', 'announcement'],
      ['запуск курса', 'announcement'],
      ['открытие кофейни', 'announcement'],
      ['grand opening', 'announcement'],
      ['анонс вебинара', 'announcement'],
      ['фото товара', 'product_showcase'],
      ['product shot of sneakers', 'product_showcase'],
      ['каталог мебели', 'product_showcase'],
      ['предметная съёмка', 'product_showcase'],
      ['конкурс репостов', 'engagement'],
      ['giveaway', 'engagement'],
      ['розыгрыш призов', 'engagement'],
      ['опрос подписчиков', 'engagement'],
      ['имиджевый пост о бренде', 'brand_awareness'],
      ['о нас', 'brand_awareness'],
      ['уютная кофейня осенью', 'generic'],
    ])('%p → %p', (text, goal) => {
      expect(detectPlatformAndGoal(text).goal).toBe(goal);
    });

    it.each([
      ['акционер компании', 'акци inside акционер'],
      ['промозглый осенний день', 'промо inside промозглый'],
      ['товарищ по команде', 'товар inside товарищ'],
      ['производство продукции', 'product-like Russian word'],
    ])('does not misfire on %p (%s)', (text) => {
      const { goal, matched } = detectPlatformAndGoal(text);
      expect(goal).toBe('generic');
      expect(matched).toEqual([]);
    });

    it('resolves several goals by priority: engagement > promotion > announcement > product > brand', () => {
      expect(detectPlatformAndGoal('розыгрыш и скидка 10%').goal).toBe('engagement');
      expect(detectPlatformAndGoal('новая коллекция со скидкой 20%').goal).toBe('promotion');
      expect(detectPlatformAndGoal('новинка товара').goal).toBe('announcement');
      expect(detectPlatformAndGoal('товар нашего бренда').goal).toBe('product_showcase');
    });

    it('lists every goal rule that fired, in priority order', () => {
      expect(detectPlatformAndGoal('розыгрыш, скидка, новая коллекция, товар, бренд').matched).toEqual([
        'goal:engagement',
        'goal:promotion',
        'goal:announcement',
        'goal:product_showcase',
        'goal:brand_awareness',
      ]);
    });

    it('defaults a marketplace card to product_showcase and says so', () => {
      expect(detectPlatformAndGoal('крем для рук для WB')).toEqual({
        platform: 'marketplace_card',
        goal: 'product_showcase',
        aspectRatio: '3:4',
        matched: ['platform:marketplace', 'goal:platform_default'],
      });
    });
  });

  describe('platform hint', () => {
    it('a valid hint wins over keywords, which are still reported', () => {
      expect(detectPlatformAndGoal('баннер со скидкой', 'instagram_story')).toEqual({
        platform: 'instagram_story',
        goal: 'promotion',
        aspectRatio: '9:16',
        matched: ['platform:hint', 'platform:banner', 'goal:promotion'],
      });
    });

    it.each(['Instagram_Story', ' instagram-story ', 'instagram story'])('normalises hint %p', (hint) => {
      expect(detectPlatformAndGoal('кофе', hint).platform).toBe('instagram_story');
    });

    it.each(['tiktok', '', 'banner!', 'instagram'])('ignores invalid hint %p', (hint) => {
      const detection = detectPlatformAndGoal('баннер', hint);
      expect(detection.platform).toBe('banner');
      expect(detection.matched).not.toContain('platform:hint');
    });

    it('the hint decides the goal default too', () => {
      expect(detectPlatformAndGoal('крем для рук', 'marketplace_card').goal).toBe('product_showcase');
    });
  });

  describe('aspect ratio', () => {
    it.each<[Platform, string]>([
      ['instagram_post', '4:5'],
      ['instagram_story', '9:16'],
      ['vk_post', '1:1'],
      ['telegram_post', '16:9'],
      ['banner', '16:9'],
      ['marketplace_card', '3:4'],
      ['poster', '2:3'],
      ['generic', '1:1'],
    ])('%p → %p', (platform, aspectRatio) => {
      expect(detectPlatformAndGoal('', platform).aspectRatio).toBe(aspectRatio);
    });
  });

  describe('input robustness', () => {
    it('is case-insensitive and folds ё', () => {
      expect(detectPlatformAndGoal('БАННЕР, ЧЁРНАЯ ПЯТНИЦА')).toMatchObject({ platform: 'banner', goal: 'promotion' });
    });

    it('works on raw text with hashtags, URLs and emoji', () => {
      expect(detectPlatformAndGoal('#инстаграм #сторис 🍂 #скидка https://x.ru')).toMatchObject({
        platform: 'instagram_story',
        goal: 'promotion',
      });
    });

    it('handles decomposed Unicode', () => {
      expect(detectPlatformAndGoal('розыгрыш в телеграме'.normalize('NFD')).goal).toBe('engagement');
    });

    it('is deterministic', () => {
      const text = 'insta пост новая коллекция, скидка 20%, розыгрыш';
      expect(detectPlatformAndGoal(text)).toEqual(detectPlatformAndGoal(text));
    });
  });
});
