import {
  CONFIDENCE,
  detectPlatformAndGoal,
  PLATFORM_FORMATS,
  type Goal,
  type Platform,
} from './platform-goal-detector';

describe('detectPlatformAndGoal', () => {
  describe('brief examples', () => {
    it('banner for a coffee shop with a discount → banner + promotion', () => {
      expect(detectPlatformAndGoal('баннер для кофейни, осень, скидка 20%')).toEqual({
        platform: 'banner',
        goal: 'promotion',
        aspectRatio: '3:1',
        width: 1500,
        height: 500,
        platformConfidence: CONFIDENCE.platform.format,
        goalConfidence: CONFIDENCE.goal.contested,
        platformSource: 'rules',
        goalSource: 'rules',
        matched: ['platform:banner', 'goal:discount', 'goal:season_holiday'],
      });
    });

    it('insta post about a new collection → instagram_post + announcement', () => {
      expect(detectPlatformAndGoal('insta пост новая коллекция платьев')).toMatchObject({
        platform: 'instagram_post',
        goal: 'announcement',
        aspectRatio: '1:1',
        width: 1080,
        height: 1080,
        platformConfidence: CONFIDENCE.platform.network,
        goalConfidence: CONFIDENCE.goal.clear,
        matched: ['platform:instagram', 'goal:launch_event', 'goal:new'],
      });
    });

    it('stories for insta → instagram_story', () => {
      const detection = detectPlatformAndGoal('сторис для инсты');
      expect(detection.platform).toBe('instagram_story');
      expect(detection.aspectRatio).toBe('9:16');
      expect(detection.goal).toBe('generic');
    });

    it('product card for WB → marketplace_card + product_shot', () => {
      expect(detectPlatformAndGoal('карточка товара для WB, крем для рук 990 ₽')).toMatchObject({
        platform: 'marketplace_card',
        goal: 'product_shot',
        aspectRatio: '3:4',
        width: 900,
        height: 1200,
        platformConfidence: CONFIDENCE.platform.format,
        matched: ['platform:card', 'platform:marketplace', 'goal:product_photo'],
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
      ['hero image for a landing page', 'website_hero'],
      ['шапка сайта для пекарни', 'website_hero'],
      ['картинка на первый экран', 'website_hero'],
      ['картинка для сайта', 'website_hero'],
      ['баннер на главную страницу сайта', 'banner'],
      ['обложка рилс', 'instagram_story'],
      ['обложка для тикток', 'instagram_story'],
      ['вертикальное видео 9:16', 'instagram_story'],
      ['пост в паблик', 'vk_post'],
      ['картинка для канала', 'telegram_post'],
      ['плакат А3 для печати', 'poster'],
      ['инстаграмм пост', 'instagram_post'],
      ['инстограме пост', 'instagram_post'],
      ['карточка на вайлдбериз', 'marketplace_card'],
      ['телеграмм', 'telegram_post'],
      ['бaннер с латинской a', 'banner'],
      ['баннре для сайта', 'banner'],
      ['вкшный пост', 'vk_post'],
      ['пoст в инcту', 'instagram_post'],
      ['карточка для маркетплейса', 'marketplace_card'],
      ['фото для Wildberries', 'marketplace_card'],
      ['инфографика для Ozon', 'marketplace_card'],
      ['картинка для озона', 'marketplace_card'],
      ['товар для вб', 'marketplace_card'],
      ['баннер для ozon', 'banner'],
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
      ['атласная лента', 'лента is not a feed'],
      ['постельное белье', 'постель is not a poster typo'],
      ['леопардовый print', 'print is a pattern'],
    ])('does not misfire on %p (%s)', (text) => {
      const { platform, matched } = detectPlatformAndGoal(text);
      expect(platform).toBe('generic');
      expect(matched.filter((m) => m.startsWith('platform:'))).toEqual([]);
    });

    it('leaves a bare "пост" generic instead of guessing a network', () => {
      expect(detectPlatformAndGoal('пост про кофе')).toMatchObject({
        platform: 'generic',
        platformSource: 'default',
        platformConfidence: CONFIDENCE.platform.none,
        matched: [],
      });
    });

    it('lets format words outrank network words', () => {
      expect(detectPlatformAndGoal('баннер для вк').platform).toBe('banner');
      expect(detectPlatformAndGoal('афиша для инсты').platform).toBe('poster');
      expect(detectPlatformAndGoal('сторис в вк').platform).toBe('instagram_story');
      expect(detectPlatformAndGoal('карточка товара, баннер').platform).toBe('marketplace_card');
      expect(detectPlatformAndGoal('hero banner').platform).toBe('website_hero');
      expect(detectPlatformAndGoal('пост в вк со ссылкой на сайт').platform).toBe('vk_post');
    });

    it('does not let "постер" count as a post', () => {
      expect(detectPlatformAndGoal('постер').matched).toEqual(['platform:poster']);
    });
  });

  describe('goal keywords', () => {
    it.each<[string, Goal]>([
      ['скидка на кофе', 'promotion'],
      ['20% off everything', 'promotion'],
      ['бесплатная доставка', 'promotion'],
      ['2 по цене 1', 'promotion'],
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
      ['концерт в пятницу', 'announcement'],
      ['дегустация 12 октября в 19:00', 'announcement'],
      ['фото товара', 'product_shot'],
      ['product shot of sneakers', 'product_shot'],
      ['каталог мебели', 'product_shot'],
      ['предметная съёмка', 'product_shot'],
      ['ваза на белом фоне', 'product_shot'],
      ['конкурс репостов', 'promotion'],
      ['giveaway', 'promotion'],
      ['розыгрыш призов', 'promotion'],
      ['имиджевый пост о бренде', 'branding'],
      ['о нас', 'branding'],
      ['наша команда за работой', 'branding'],
      ['осенний пост', 'seasonal'],
      ['поздравление с 8 марта', 'seasonal'],
      ['новогодняя открытка', 'seasonal'],
      ['halloween pastries', 'seasonal'],
      ['ищем бариста в команду', 'hiring'],
      ['вакансия повара', 'hiring'],
      ['we are hiring designers', 'hiring'],
      ['требуются продавцы', 'hiring'],
      ['новый раф с халвой', 'announcement'],
      ['new yoga classes', 'announcement'],
      ['бизнес-ланч за 390₽', 'promotion'],
      ['2 пиццы по цене одной', 'promotion'],
      ['к дню учителя', 'seasonal'],
      ['знакомство с командой', 'branding'],
      ['постер для выстаки', 'announcement'],
      ['нанимаем поваров', 'hiring'],
      ['в студию нужен мастер бровист', 'hiring'],
      ['мы запустили бота', 'announcement'],
      ['афиша кинопоказа', 'announcement'],
      ['минус 30 процентов на обувь', 'promotion'],
      ['бесплатный пробный урок', 'promotion'],
      ['кольцо на мраморе', 'product_shot'],
      ['про наших бариста', 'branding'],
      ['уютная кофейня осенью', 'seasonal'],
      ['кофе и круассан', 'generic'],
    ])('%p → %p', (text, goal) => {
      expect(detectPlatformAndGoal(text).goal).toBe(goal);
    });

    it.each([
      ['акционер компании', 'акци inside акционер'],
      ['промозглый день', 'промо inside промозглый'],
      ['товарищ по команде', 'товар inside товарищ'],
      ['производство продукции', 'product-like Russian word'],
      ['100% хлопок', '100% is a claim, not a discount'],
      ['off-white свитер', 'off-white is a colour'],
      ['ищем вдохновение', 'looking for inspiration is not hiring'],
      ['ищем партнеров', 'looking for partners is not hiring'],
      ['new york skyline', 'New York is not news'],
      ['gluten free cookies', 'free is not an offer by itself'],
      ['нужна картинка с котом', 'нужна without a role is not hiring'],
    ])('does not misfire on %p (%s)', (text) => {
      const { goal, matched } = detectPlatformAndGoal(text);
      expect(goal).toBe('generic');
      expect(matched).toEqual([]);
    });

    it('resolves several goals by priority: hiring > promotion > announcement > seasonal > product > brand', () => {
      expect(detectPlatformAndGoal('вакансия, скидка сотрудникам 10%').goal).toBe('hiring');
      expect(detectPlatformAndGoal('новая коллекция со скидкой 20%').goal).toBe('promotion');
      expect(detectPlatformAndGoal('новогодний концерт').goal).toBe('announcement');
      expect(detectPlatformAndGoal('осенний каталог').goal).toBe('seasonal');
      expect(detectPlatformAndGoal('товар нашего бренда').goal).toBe('product_shot');
    });

    it('lists every goal rule that fired, in priority order', () => {
      expect(detectPlatformAndGoal('вакансия, скидка, новая коллекция, осень, товар, бренд').matched).toEqual([
        'goal:vacancy',
        'goal:discount',
        'goal:launch_event',
        'goal:new',
        'goal:season_holiday',
        'goal:product_photo',
        'goal:brand',
      ]);
    });

    it('does not read a 9:16 ratio as the time of an event', () => {
      expect(detectPlatformAndGoal('вертикальный кадр 9:16')).toMatchObject({
        platform: 'instagram_story',
        goal: 'generic',
      });
    });

    it('lowers the confidence when two goals compete or only a weak hint fired', () => {
      expect(detectPlatformAndGoal('скидка').goalConfidence).toBe(CONFIDENCE.goal.clear);
      expect(detectPlatformAndGoal('осенняя скидка').goalConfidence).toBe(CONFIDENCE.goal.contested);
      expect(detectPlatformAndGoal('снег за окном')).toMatchObject({
        goal: 'seasonal',
        goalConfidence: CONFIDENCE.goal.weak,
      });
      expect(detectPlatformAndGoal('кот в шляпе')).toMatchObject({
        goal: 'generic',
        goalSource: 'default',
        goalConfidence: CONFIDENCE.goal.none,
      });
    });

    it('defaults a marketplace card to product_shot and says so', () => {
      expect(detectPlatformAndGoal('крем для рук для WB')).toMatchObject({
        platform: 'marketplace_card',
        goal: 'product_shot',
        aspectRatio: '3:4',
        goalConfidence: CONFIDENCE.goal.platform_default,
        matched: ['platform:marketplace', 'goal:platform_default'],
      });
    });
  });

  describe("the user's explicit choice", () => {
    it('a valid platform hint wins over keywords, which are still reported, with confidence 1', () => {
      expect(detectPlatformAndGoal('баннер со скидкой', 'instagram_story')).toEqual({
        platform: 'instagram_story',
        goal: 'promotion',
        aspectRatio: '9:16',
        width: 1080,
        height: 1920,
        platformConfidence: 1,
        goalConfidence: CONFIDENCE.goal.clear,
        platformSource: 'user',
        goalSource: 'rules',
        matched: ['platform:hint', 'platform:banner', 'goal:discount'],
      });
    });

    it('a valid goal hint wins over keywords', () => {
      expect(detectPlatformAndGoal('баннер со скидкой', { goal: 'hiring' })).toMatchObject({
        platform: 'banner',
        goal: 'hiring',
        goalConfidence: 1,
        goalSource: 'user',
        matched: ['goal:hint', 'platform:banner', 'goal:discount'],
      });
    });

    it.each(['Instagram_Story', ' instagram-story ', 'instagram story', 'reels', 'stories', 'tiktok'])(
      'normalises platform hint %p',
      (hint) => {
        expect(detectPlatformAndGoal('кофе', hint).platform).toBe('instagram_story');
      },
    );

    it.each<[string, Goal]>([
      ['sale', 'promotion'],
      ['Product-Shot', 'product_shot'],
      ['product_showcase', 'product_shot'],
      ['brand_awareness', 'branding'],
      ['event', 'announcement'],
      ['holiday', 'seasonal'],
      ['vacancy', 'hiring'],
    ])('normalises goal hint %p → %p', (hint, goal) => {
      expect(detectPlatformAndGoal('кофе', { goal: hint }).goal).toBe(goal);
    });

    it.each(['snapchat', '', 'banner!', 'инстаграм'])('ignores invalid platform hint %p', (hint) => {
      const detection = detectPlatformAndGoal('баннер', hint);
      expect(detection.platform).toBe('banner');
      expect(detection.matched).not.toContain('platform:hint');
    });

    it('ignores an invalid goal hint', () => {
      expect(detectPlatformAndGoal('скидка', { goal: 'world_peace' })).toMatchObject({
        goal: 'promotion',
        goalSource: 'rules',
      });
    });

    it('the platform hint decides the goal default too', () => {
      expect(detectPlatformAndGoal('крем для рук', 'marketplace_card').goal).toBe('product_shot');
    });

    it("the user's explicit size decides the aspect ratio and target size", () => {
      expect(detectPlatformAndGoal('сторис', { width: 1024, height: 768 })).toMatchObject({
        platform: 'instagram_story',
        aspectRatio: '4:3',
        width: 1024,
        height: 768,
      });
      expect(detectPlatformAndGoal('сторис', { width: 1024 })).toMatchObject({ aspectRatio: '9:16', width: 1080 });
    });
  });

  describe('formats', () => {
    it.each<[Platform, string, number, number]>([
      ['instagram_post', '1:1', 1080, 1080],
      ['instagram_story', '9:16', 1080, 1920],
      ['vk_post', '1:1', 1080, 1080],
      ['telegram_post', '16:9', 1280, 720],
      ['banner', '3:1', 1500, 500],
      ['website_hero', '16:9', 1920, 1080],
      ['marketplace_card', '3:4', 900, 1200],
      ['poster', '2:3', 1600, 2400],
      ['generic', '1:1', 1024, 1024],
    ])('%p → %p at %p×%p', (platform, aspectRatio, width, height) => {
      expect(detectPlatformAndGoal('', platform)).toMatchObject({ aspectRatio, width, height });
    });

    it('every pixel size has its aspect ratio', () => {
      for (const { aspectRatio, width, height } of Object.values(PLATFORM_FORMATS)) {
        const [w, h] = aspectRatio.split(':').map(Number);
        expect(width * (h ?? 0)).toBe(height * (w ?? 0));
      }
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
      expect(detectPlatformAndGoal('розыгрыш в телеграме'.normalize('NFD'))).toMatchObject({
        platform: 'telegram_post',
        goal: 'promotion',
      });
    });

    it('is deterministic', () => {
      const text = 'insta пост новая коллекция, скидка 20%, розыгрыш';
      expect(detectPlatformAndGoal(text)).toEqual(detectPlatformAndGoal(text));
    });
  });
});
