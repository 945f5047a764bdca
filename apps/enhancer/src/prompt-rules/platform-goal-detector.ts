export type Platform =
  | 'instagram_post'
  | 'instagram_story'
  | 'vk_post'
  | 'telegram_post'
  | 'banner'
  | 'website_hero'
  | 'marketplace_card'
  | 'poster'
  | 'generic';

export type Goal = 'promotion' | 'branding' | 'product_shot' | 'announcement' | 'seasonal' | 'hiring' | 'generic';

/** Where a detected value came from: the user's explicit choice, a keyword rule, or nothing (the default). */
export type DetectionSource = 'user' | 'rules' | 'default';

export interface PlatformFormat {
  aspectRatio: string;
  /** The pixel size the platform wants uploaded (print: a 2:3 master to upscale). */
  width: number;
  height: number;
}

/**
 * Format per platform. Instagram feed 1:1 1080², stories/reels 9:16 1080×1920; VK and Telegram feed
 * images 1:1 1080² and 16:9 1280×720; a web banner is wide (3:1, 1500×500); a website hero is a 16:9
 * full-HD first screen; Wildberries and Ozon cards are 3:4 (WB's minimum is 900×1200); a print poster is
 * 2:3 (20×30 / 40×60 cm), rendered at 1600×2400 and upscaled for print.
 */
export const PLATFORM_FORMATS: Readonly<Record<Platform, PlatformFormat>> = {
  instagram_post: { aspectRatio: '1:1', width: 1080, height: 1080 },
  instagram_story: { aspectRatio: '9:16', width: 1080, height: 1920 },
  vk_post: { aspectRatio: '1:1', width: 1080, height: 1080 },
  telegram_post: { aspectRatio: '16:9', width: 1280, height: 720 },
  banner: { aspectRatio: '3:1', width: 1500, height: 500 },
  website_hero: { aspectRatio: '16:9', width: 1920, height: 1080 },
  marketplace_card: { aspectRatio: '3:4', width: 900, height: 1200 },
  poster: { aspectRatio: '2:3', width: 1600, height: 2400 },
  generic: { aspectRatio: '1:1', width: 1024, height: 1024 },
};

export const PLATFORMS = Object.keys(PLATFORM_FORMATS) as readonly Platform[];
export const GOALS: readonly Goal[] = [
  'hiring',
  'promotion',
  'announcement',
  'seasonal',
  'product_shot',
  'branding',
  'generic',
];

export interface Detection {
  platform: Platform;
  goal: Goal;
  aspectRatio: string;
  /** Target pixel size: the platform's, or the user's explicit size. */
  width: number;
  height: number;
  /** 0..1: 1 for the user's choice, else the measured precision of the kind of evidence that decided. */
  platformConfidence: number;
  goalConfidence: number;
  platformSource: DetectionSource;
  goalSource: DetectionSource;
  /** Every rule that fired, e.g. platform:story, goal:promotion, platform:hint. */
  matched: string[];
}

export interface DetectOptions {
  /** The user's explicit platform (instagram_story, "story", "wb" …); unknown values are ignored. */
  platform?: string;
  /** The user's explicit goal (promotion, "sale", "event" …); unknown values are ignored. */
  goal?: string;
  /** The user's explicit image size: it wins over the platform's for the aspect ratio. */
  width?: number;
  height?: number;
}

/** Evidence strength: 3 names a format, 2 a network or a clear intent, 1 only hints at one. */
type Weight = 1 | 2 | 3;

/**
 * A keyword cue. `words` is tested against every lower-cased token (ё folded to е) and is anchored, so
 * Russian stems carry explicit endings where a bare prefix would misfire ("вк" must not match "вкусный",
 * "пост" must not match "постер"). `phrases` is tested against the tokens joined by single spaces and
 * padded with a space on both sides; `raw` against the lower-cased text (for "%", "9:16", "1+1").
 * `fuzzy` lists long canonical spellings also accepted one typo away (see nearMiss).
 */
interface Cue<T extends string> {
  target: T;
  weight: Weight;
  name: string;
  words?: RegExp;
  phrases?: RegExp;
  raw?: RegExp;
  fuzzy?: readonly string[];
}

type PlatformTarget = Exclude<Platform, 'generic'>;
type GoalTarget = Exclude<Goal, 'generic'>;

const PLATFORM_CUES: readonly Cue<PlatformTarget>[] = [
  {
    target: 'instagram_story',
    weight: 3,
    name: 'story',
    words:
      /^(?:story|stories|storis|сторис\p{L}*|сториз\p{L}*|стори|reels|reel|рилс\p{L}*|рилз\p{L}*|тикток\p{L}*|tiktok|shorts|шортс\p{L}*)$/u,
    phrases: / (?:вертикальн\p{L}* (?:видео|ролик\p{L}*|формат\p{L}*)|вк клип\p{L}*|tik tok) /u,
    raw: /(?<!\d)9\s*[:x×х]\s*16(?!\d)/u,
    fuzzy: ['stories', 'сторис'],
  },
  {
    target: 'marketplace_card',
    weight: 3,
    name: 'card',
    words: /^(?:карточк\p{L}*|инфографик\p{L}*|infographic\p{L}*)$/u,
    phrases: / (?:главн\p{L}* (?:фото|слайд\p{L}*|изображени\p{L}*)|product card|product listing|listing photo) /u,
  },
  {
    target: 'marketplace_card',
    weight: 2,
    name: 'marketplace',
    words:
      /^(?:маркетплейс\p{L}*|marketplace\p{L}*|wildberries|вайлдберриз|вайлдбериз|валдберис|вб|wb|ozon|озон|озона|озоне|озону|озоном|мп|avito|авито)$/u,
    phrases: / (?:яндекс|yandex) (?:маркет\p{L}*|market) /u,
    fuzzy: ['wildberries', 'вайлдберриз', 'маркетплейс', 'marketplace'],
  },
  {
    target: 'website_hero',
    weight: 3,
    name: 'hero',
    words: /^(?:hero|хиро|херо)$/u,
    phrases:
      / (?:перв\p{L}* экран\p{L}*|главн\p{L}* экран\p{L}*|шапк\p{L}* (?:для |на )?(?:сайт\p{L}*|лендинг\p{L}*)|first screen|above the fold|landing page|site header|website header) /u,
  },
  {
    target: 'website_hero',
    weight: 2,
    name: 'home_page',
    phrases: / (?:главн\p{L}* страниц\p{L}*|home ?page) /u,
  },
  {
    target: 'website_hero',
    weight: 1,
    name: 'site',
    words: /^(?:сайт\p{L}*|лендинг\p{L}*|landing|website|site|web)$/u,
  },
  {
    target: 'banner',
    weight: 3,
    name: 'banner',
    words: /^(?:banner\p{L}*|баннер\p{L}*|банер\p{L}*|баннэр\p{L}*|leaderboard|медийк\p{L}*|рся|растяжк\p{L}*)$/u,
    raw: /(?<!\d)(?:728\s*[x×х]\s*90|3\s*:\s*1|4\s*:\s*1)(?!\d)/u,
    fuzzy: ['баннер', 'banner'],
  },
  {
    target: 'poster',
    weight: 3,
    name: 'poster',
    words:
      /^(?:poster\p{L}*|постер\p{L}*|афиш\p{L}*|плакат\p{L}*|flyer\p{L}*|флаер\p{L}*|флайер\p{L}*|листовк\p{L}*|leaflet\p{L}*|а[2-5]|a[2-5])$/u,
    phrases: / (?:для печати|на печать|в печать|в типографи\p{L}*|print (?:poster|ready|file)|for print(?:ing)?) /u,
  },
  {
    target: 'instagram_post',
    weight: 2,
    name: 'instagram',
    words:
      /^(?:insta|instagram|instagramm|inst|ig|инст|инста|инсты|инсте|инсту|инстой|инстаграм\p{L}*|инстаграмм\p{L}*|инстограм\p{L}*|инстик\p{L}*)$/u,
    fuzzy: ['instagram', 'инстаграм'],
  },
  {
    target: 'instagram_post',
    weight: 1,
    name: 'carousel',
    words: /^(?:карусел\p{L}*|carousel)$/u,
    phrases: / (?:в ленту|для ленты|в ленте|feed post) /u,
  },
  {
    target: 'vk_post',
    weight: 2,
    name: 'vk',
    words: /^(?:vk|vkontakte|вк|вкшн\p{L}*|вконтакт\p{L}*|паблик\p{L}*)$/u,
    fuzzy: ['вконтакте', 'vkontakte'],
  },
  {
    target: 'telegram_post',
    weight: 2,
    name: 'telegram',
    words: /^(?:telegram|tg|тг|тгк|телеграм\p{L}*|телеграмм\p{L}*|телег(?:а|и|е|у|ой))$/u,
    fuzzy: ['telegram', 'телеграм'],
  },
  {
    target: 'telegram_post',
    weight: 1,
    name: 'channel',
    words: /^(?:канал|канала|канале|каналу|каналом|channel)$/u,
  },
];

/** Most specific format first: ties between equally strong cues go to the earlier platform. */
const PLATFORM_PRIORITY: readonly PlatformTarget[] = [
  'instagram_story',
  'marketplace_card',
  'website_hero',
  'banner',
  'poster',
  'instagram_post',
  'vk_post',
  'telegram_post',
];

// "история" is only a story format when Instagram is named: "история бренда" alone is not.
const STORY_WITH_INSTAGRAM = /^истори(?:я|и|ю|ей|ях)$/u;

const MONTHS = 'января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря';
// Dates that are holidays, so "к 8 марта" reads as seasonal rather than as the date of an event.
const HOLIDAY_DATES = / (?:8 марта|23 февраля|14 февраля|9 мая|1 сентября|31 декабря|1 января|7 января|1 мая) /u;

const GOAL_CUES: readonly Cue<GoalTarget>[] = [
  {
    target: 'hiring',
    weight: 3,
    name: 'vacancy',
    words:
      /^(?:ваканси\p{L}*|hiring|наним\p{L}*|найм\p{L}*|нанять|трудоустройств\p{L}*|требуется|требуются|зарплат\p{L}*|зп|стажировк\p{L}*|internship|vacanc\p{L}*|career|careers|карьер[аеуы]|recruit\p{L}*|рекрутинг\p{L}*)$/u,
    phrases:
      / (?:в (?:нашу |свою )?команду|join (?:our|the) team|we ?re hiring|we are hiring|looking for an? \p{L}+|ищем (?!вдохновени|партнер|инвестор|иде)\p{L}+|нуж(?:ен|на|ны|но) (?:\p{L}+ )?(?:мастер|повар|пекар|бариста|продав|администратор|курьер|водител|менеджер|дизайнер|сотрудник|официант|кассир|бухгалтер|разработчик|программист|стилист|парикмахер|грузчик|уборщиц|оператор|консультант|копирайтер|фотограф|сммщик|smm|маркетолог|врач|медсестр|няня|воспитател|тренер|юрист|логист|кладовщик|сборщик|швея|механик|электрик)\p{L}*|на работу|набор (?:сотрудник|персонал|курьер|продав|официант|повар|мастер|менеджер|бариста)\p{L}*|з п) /u,
    fuzzy: ['вакансия', 'вакансии'],
  },
  {
    target: 'promotion',
    weight: 3,
    name: 'discount',
    words:
      /^(?:скидк\p{L}*|скидочн\p{L}*|скидоч\p{L}*|скидон\p{L}*|бесплатн\p{L}*|распродаж\p{L}*|акци(?:я|и|ю|ей|ям|ях|ями|онн\p{L}*)|sale|sales|discount\p{L}*|promo|promos|promocode\p{L}*|промо|промокод\p{L}*|промоакци\p{L}*|выгод\p{L}*|кэшбэк\p{L}*|кешбэк\p{L}*|кэшбек\p{L}*|cashback|ликвидаци\p{L}*|спецпредложени\p{L}*|конкурс\p{L}*|giveaway\p{L}*|розыгрыш\p{L}*|разыгрыва\p{L}*|разыгра\p{L}*|contest\p{L}*|дешевле|sellout|bogo|deal|deals|offer)$/u,
    phrases:
      / (?:black friday|черн\p{L}* пятниц\p{L}*|cyber monday|киберпонедельник\p{L}*|бесплатн\p{L}* доставк\p{L}*|free (?:delivery|shipping|trial|lesson|class|gift|sample)|в подарок|подарок при|по цене (?:одн\p{L}*|\d+)|\d+ (?:по цене|for) \d+|\d+ for the price|всего за|только до|минус \d+|\d+ процент\p{L}*|подарок за|в подарок|получи\p{L}* подарок|special offer|limited offer|\d+ off) /u,
    // A discount: "-20%", "до 50%", "20% off"; "100%" is a claim ("100% хлопок"), not a discount.
    raw: /(?:^|[^\d])(?!100\s*%)(?:\d{1,2}|\d{1,2}[.,]\d)\s*%|\d\s*\+\s*\d(?!\d)|за\s+\d[\d\s]*(?:₽|руб)/u,
    fuzzy: ['распродажа', 'скидками', 'promocode'],
  },
  {
    target: 'announcement',
    weight: 3,
    name: 'launch_event',
    words:
      /^(?:launch\p{L}*|запуск\p{L}*|открыти\p{L}*|opening|открываемся|открылись|откроемся|открылась|открылся|анонс\p{L}*|announce\p{L}*|премьер\p{L}*|premiere|новинк\p{L}*|релиз\p{L}*|release|event|events|ивент\p{L}*|мероприяти\p{L}*|концерт\p{L}*|concert\p{L}*|фестивал\p{L}*|festival|вечеринк\p{L}*|party|вебинар\p{L}*|webinar\p{L}*|masterclass|дегустаци\p{L}*|tasting|выставк\p{L}*|exhibition|стендап\p{L}*|standup|лекци\p{L}*|конференци\p{L}*|conference|meetup|митап\p{L}*|презентаци\p{L}*|приглашени\p{L}*|приглашаем|invitation|приходите|workshop|воркшоп\p{L}*|спектакл\p{L}*|ярмарк\p{L}*|ретрит\p{L}*|retreat\p{L}*|запустил\p{L}*|запускаем|стартует|стартуем|стартовал\p{L}*|урок|урока|уроке|кинопоказ\p{L}*|показ|показа|забег\p{L}*|марафон\p{L}*|run|race|экскурси\p{L}*|tour|переехали|переезд\p{L}*|турнир\p{L}*|матч\p{L}*)$/u,
    phrases:
      / (?:нов(?:ая|ый|ое|ые|ую|ой|ых|ого|ому|ым|ыми) (?!год)(?:\p{L}+ )?(?:коллекци|меню|сезон|линейк|вкус|продукт|магазин|точк|филиал|модел|приложени|релиз|кроссовк|дроп|услуг|ассортимент|позици|кофейн|салон|студи|адрес)\p{L}*|new (?:\p{L}+ )?(?:collection|arrival|season|menu|product|store|shop|location|flavor|flavour|drop|release)s?|coming soon|скоро (?:открыти|в продаже|открываемся)|уже в (?:продаже|меню|наличии)|мастер класс\p{L}*|master class|stand up|ждем вас|ждём вас|save the date|набор (?:открыт|на курс|в групп)\p{L}*|старт (?:продаж|набора)|открываем (?:запись|набор|продаж)\p{L}*|запись (?:открыта|на курс)\p{L}*|в \d{1,2} \d{2}) /u,
    // A time of day ("в 19:00") is when something happens.
    raw: /(?<!\d)(?:[01]?\d|2[0-3]):(?:00|15|30|45)(?!\d)/u,
    fuzzy: ['выставка', 'выставки', 'вечеринка', 'открытие', 'мероприятие'],
  },
  {
    // Anything new is news: "новый раф", "новую функцию", "new yoga classes" (not the New Year, not New York).
    target: 'announcement',
    weight: 2,
    name: 'new',
    phrases: / (?:нов(?:ая|ый|ое|ые|ую|ой|ых|ого|ому|ым|ыми|ом|инки)|new|newest) (?!год|year|york)/u,
  },
  {
    // An "афиша" exists to announce an event, whatever the event is called.
    target: 'announcement',
    weight: 2,
    name: 'playbill',
    words: /^(?:афиш\p{L}*|playbill)$/u,
  },
  {
    target: 'announcement',
    weight: 1,
    name: 'date',
    phrases: new RegExp(` \\d{1,2} (?:${MONTHS}) `, 'u'),
  },
  {
    target: 'seasonal',
    weight: 2,
    name: 'season_holiday',
    words:
      /^(?:осен\p{L}*|зим\p{L}*|весн\p{L}*|весен\p{L}*|летн\p{L}*|лето|летом|autumn\p{L}*|fall|winter\p{L}*|spring|springtime|summer\p{L}*|новогодн\p{L}*|рождеств\p{L}*|christmas|xmas|хэллоуин\p{L}*|хеллоуин\p{L}*|halloween|пасх\p{L}*|easter|масленниц\p{L}*|маслениц\p{L}*|валентин\p{L}*|valentine\p{L}*|праздни\p{L}*|holiday\p{L}*|festive|новогодь\p{L}*|елк\p{L}*|елочн\p{L}*|thanksgiving|мартовск\p{L}*|сезонн\p{L}*|seasonal)$/u,
    phrases:
      / (?:нов(?:ый|ым|ого|ому) год\p{L}*|new year|8 марта|23 февраля|14 февраля|9 мая|1 сентября|(?:день|дню|дня|днем) (?:победы|учителя|матери|отца|знаний|святого валентина|рождения компании|защиты детей|космонавтики)|mother s day|father s day|back to school) /u,
  },
  {
    target: 'seasonal',
    weight: 1,
    name: 'season_mood',
    words: /^(?:снег\p{L}*|снежн\p{L}*|листопад\p{L}*|тыкв\p{L}*|pumpkin\p{L}*|snow\p{L}*|подарк\p{L}*|gifts)$/u,
  },
  {
    target: 'product_shot',
    weight: 2,
    name: 'product_photo',
    words:
      /^(?:товар(?:|а|у|ом|е|ы|ов|ам|ами|ах)|товарн\p{L}*|предметн\p{L}*|предметк\p{L}*|packshot\p{L}*|пэкшот\p{L}*|пекшот\p{L}*|каталог\p{L}*|catalog\p{L}*|catalogue\p{L}*|студийн\p{L}*|флэтлей|флетлей|flatlay|раскладк\p{L}*|closeup|макро\p{L}*|macro|ассортимент\p{L}*|packaging|упаковк\p{L}*)$/u,
    phrases:
      / (?:product (?:shot|photo|photography|image)s?|studio (?:shot|photo)s?|on (?:a )?(?:white|black|neutral|plain|gray|grey|pastel|marble) (?:background|backdrop)?|на (?:белом|черном|сером|нейтральном|однотонном|светлом|темном|мраморном) фоне|(?:белый|черный|серый|однотонный) фон|на белом|на (?:мраморе|бетоне|бархате|дереве|камне)|on (?:marble|concrete|velvet)|flat lay|close up|крупн\p{L}* план\p{L}*|фото (?:блюд|продукт|издели|товар)\p{L}*|для меню) /u,
  },
  {
    target: 'branding',
    weight: 2,
    name: 'brand',
    words:
      /^(?:бренд\p{L}*|brand|brands|branding|имидж\p{L}*|айдентик\p{L}*|identity|узнаваем\p{L}*|awareness|ценност\p{L}*|values|фирменн\p{L}*|логотип\p{L}*|лого|logo|атмосфер\p{L}*|atmosphere|lifestyle|лайфстайл\p{L}*|закулись\p{L}*|закулисье|мисси\p{L}*|mission|философи\p{L}*|традици\p{L}*|tradition\p{L}*|знакомств\p{L}*|имиджев\p{L}*|эстетик\p{L}*|aesthetic\p{L}*|вайб\p{L}*|vibe|vibes|мудборд\p{L}*|moodboard|аватар\p{L}*|avatar|мастерск\p{L}*|craft|craftsmanship|story-telling|storytelling|сторителлинг\p{L}*)$/u,
    phrases:
      / (?:о нас|о компании|о бренде|about us|our (?:team|story)|behind the scenes|наш\p{L}* (?:истори|команд|мастер|сотрудник|повар|шеф)\p{L}*|с командой|day in the life|meet the team|истори\p{L}* (?:бренда|компании)|как мы (?:\p{L}+)|how we (?:\p{L}+)|процесс (?:производства|работы|создания|изготовления)|(?:шапк\p{L}*|оформлени\p{L}*) (?:профил\p{L}*|канал\p{L}*|паблик\p{L}*|групп\p{L}*)|обложк\p{L}* (?:канал\p{L}*|профил\p{L}*|паблик\p{L}*|групп\p{L}*)|profile (?:header|cover|picture)|channel (?:cover|banner|avatar)) /u,
  },
];

const OURSELVES: Cue<GoalTarget> = {
  // Talking about "наш …" with no other intent is brand talk ("про наших бариста", "жизнь нашей фермы").
  target: 'branding',
  weight: 1,
  name: 'ourselves',
  words: /^(?:наш|наша|наше|наши|нашу|нашей|нашего|нашему|нашим|нашими|наших|нашем|our|us)$/u,
};

const GOAL_PRIORITY: readonly GoalTarget[] = [
  'hiring',
  'promotion',
  'announcement',
  'seasonal',
  'product_shot',
  'branding',
];

/**
 * Confidence of a rule-based decision by the kind of evidence that decided: a named format beats a named
 * network beats a contested or merely hinted one. Set by hand before the evaluation set was written (the
 * development set, tuned to 100%, cannot calibrate anything); `platform-goal.eval.spec.ts` prints how often
 * each value was right on the held-out evaluation set.
 */
export const CONFIDENCE = {
  platform: { format: 0.95, network: 0.9, contested: 0.8, weak: 0.75, none: 0.9 },
  goal: { clear: 0.9, contested: 0.8, weak: 0.6, platform_default: 0.85, none: 0.8 },
} as const;

export type PlatformEvidence = keyof typeof CONFIDENCE.platform;
export type GoalEvidence = keyof typeof CONFIDENCE.goal;

const PLATFORM_ALIASES: Readonly<Record<string, Platform>> = {
  instagram: 'instagram_post',
  insta: 'instagram_post',
  post: 'instagram_post',
  story: 'instagram_story',
  stories: 'instagram_story',
  reels: 'instagram_story',
  instagram_reels: 'instagram_story',
  tiktok: 'instagram_story',
  vk: 'vk_post',
  vkontakte: 'vk_post',
  telegram: 'telegram_post',
  tg: 'telegram_post',
  web_banner: 'banner',
  hero: 'website_hero',
  website: 'website_hero',
  hero_image: 'website_hero',
  landing: 'website_hero',
  marketplace: 'marketplace_card',
  product_card: 'marketplace_card',
  wildberries: 'marketplace_card',
  wb: 'marketplace_card',
  ozon: 'marketplace_card',
  print: 'poster',
  print_poster: 'poster',
  flyer: 'poster',
};

const GOAL_ALIASES: Readonly<Record<string, Goal>> = {
  discount: 'promotion',
  sale: 'promotion',
  promo: 'promotion',
  brand: 'branding',
  brand_awareness: 'branding',
  product: 'product_shot',
  product_showcase: 'product_shot',
  packshot: 'product_shot',
  event: 'announcement',
  launch: 'announcement',
  season: 'seasonal',
  holiday: 'seasonal',
  vacancy: 'hiring',
  recruiting: 'hiring',
  job: 'hiring',
};

/** Accepts "Instagram-Story", " instagram story " or an alias ("reels", "wb"); anything unknown is ignored. */
export function normalizePlatform(hint: string | undefined): Platform | undefined {
  const key = normalizeKey(hint);
  if (key === undefined) return undefined;
  if ((PLATFORMS as readonly string[]).includes(key)) return key as Platform;
  return PLATFORM_ALIASES[key];
}

export function normalizeGoal(hint: string | undefined): Goal | undefined {
  const key = normalizeKey(hint);
  if (key === undefined) return undefined;
  if ((GOALS as readonly string[]).includes(key)) return key as Goal;
  return GOAL_ALIASES[key];
}

function normalizeKey(hint: string | undefined): string | undefined {
  if (hint === undefined) return undefined;
  const key = hint
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/gu, '_');
  return key.length > 0 && key.length <= 40 && /^[a-z_]+$/u.test(key) ? key : undefined;
}

/** Optimal string alignment distance ≤ limit (one transposition counts as one edit); bails out early. */
function withinEdits(a: string, b: string, limit: number): boolean {
  if (Math.abs(a.length - b.length) > limit) return false;
  let prev2: number[] = [];
  let prev: number[] = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, (prev2[j - 2] as number) + 1);
      row.push(v);
      if (v < best) best = v;
    }
    if (best > limit) return false;
    prev2 = prev;
    prev = row;
  }
  return (prev[b.length] as number) <= limit;
}

/**
 * One typo in a long keyword ("инстаграмм", "вайлдбериз", "телеграмм", "распрадажа"): same first letter,
 * seven letters or more, and one edit away from the canonical spelling or from its start (so an inflected
 * ending still matches: "инстограме" ~ "инстаграм").
 */
function nearMiss(token: string, canonical: string): boolean {
  if (token[0] !== canonical[0] || token === canonical) return false;
  // Six letters: only a swapped pair ("баннре"), since one substitution is often another word ("постел").
  if (canonical.length === 6) return token.length === 6 && isTransposition(token, canonical);
  if (canonical.length < 7) return false;
  if (withinEdits(token, canonical, 1)) return true;
  return token.length > canonical.length && withinEdits(token.slice(0, canonical.length), canonical, 1);
}

function isTransposition(a: string, b: string): boolean {
  const diff = [...a].flatMap((ch, i) => (ch === b[i] ? [] : [i]));
  return (
    diff.length === 2 &&
    diff[1] === (diff[0] ?? 0) + 1 &&
    a[diff[0] ?? 0] === b[diff[1] ?? 0] &&
    a[diff[1] ?? 0] === b[diff[0] ?? 0]
  );
}

interface Text {
  tokens: readonly string[];
  padded: string;
  lowered: string;
}

function fires<T extends string>(cue: Cue<T>, text: Text): boolean {
  const { words, phrases, raw, fuzzy } = cue;
  return (
    (words !== undefined && text.tokens.some((token) => words.test(token))) ||
    (phrases !== undefined && phrases.test(text.padded)) ||
    (raw !== undefined && raw.test(text.lowered)) ||
    (fuzzy !== undefined && text.tokens.some((token) => token.length >= 6 && fuzzy.some((c) => nearMiss(token, c))))
  );
}

interface Scored<T extends string> {
  /** The strongest cue weight per target that fired. */
  best: Map<T, Weight>;
  names: string[];
}

function score<T extends string>(cues: readonly Cue<T>[], text: Text, prefix: string): Scored<T> {
  const best = new Map<T, Weight>();
  const names: string[] = [];
  for (const cue of cues) {
    if (!fires(cue, text)) continue;
    names.push(`${prefix}:${cue.name}`);
    if ((best.get(cue.target) ?? 0) < cue.weight) best.set(cue.target, cue.weight);
  }
  return { best, names };
}

/** Strongest evidence wins; ties go to the earlier target in `priority`. */
function pick<T extends string>(best: ReadonlyMap<T, Weight>, priority: readonly T[]): T | undefined {
  let winner: T | undefined;
  let winnerWeight = 0;
  for (const target of priority) {
    const weight = best.get(target) ?? 0;
    if (weight > winnerWeight) {
      winner = target;
      winnerWeight = weight;
    }
  }
  return winner;
}

function platformEvidence(best: ReadonlyMap<PlatformTarget, Weight>, winner: PlatformTarget): PlatformEvidence {
  const weight = best.get(winner) ?? 1;
  const rivals = [...best].filter(([target, w]) => target !== winner && w >= 2).length;
  if (rivals > 0 && weight >= 2) return 'contested';
  return weight === 3 ? 'format' : weight === 2 ? 'network' : 'weak';
}

function goalEvidence(best: ReadonlyMap<GoalTarget, Weight>, winner: GoalTarget): GoalEvidence {
  const weight = best.get(winner) ?? 1;
  if (weight === 1) return 'weak';
  return [...best].some(([target, w]) => target !== winner && w >= 2) ? 'contested' : 'clear';
}

// Latin letters that look Cyrillic, typed by a switched keyboard layout or pasted ("бaннер" with a Latin a).
const HOMOGLYPHS: Readonly<Record<string, string>> = {
  a: 'а',
  b: 'в',
  c: 'с',
  e: 'е',
  h: 'н',
  k: 'к',
  m: 'м',
  o: 'о',
  p: 'р',
  t: 'т',
  x: 'х',
  y: 'у',
};
const MIXED_SCRIPT = /\p{Script=Cyrillic}/u;

/** Folds Latin look-alikes into a token that is otherwise Cyrillic; pure Latin or Cyrillic tokens pass. */
function foldHomoglyphs(token: string): string {
  if (!/[a-z]/u.test(token) || !MIXED_SCRIPT.test(token)) return token;
  return token.replace(/[abcehkmoptxy]/gu, (ch) => HOMOGLYPHS[ch] ?? ch);
}

function lex(text: string): Text {
  const lowered = text.normalize('NFC').toLowerCase().replace(/ё/gu, 'е');
  const tokens = (lowered.match(/[\p{L}\p{N}]+/gu) ?? []).map(foldHomoglyphs);
  return { tokens, padded: ` ${tokens.join(' ')} `, lowered };
}

/** "1080×1920" → "9:16": the user's own size decides the shape when given. */
function ratioOf(width: number, height: number): string {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  const d = gcd(width, height);
  return `${width / d}:${height / d}`;
}

/**
 * Detects target platform and marketing goal from a (preferably cleaned) request with weighted keyword
 * rules, plus the confidence of each. An explicit choice (options) always wins and has confidence 1.
 * Accepts a bare platform hint string for older callers.
 */
export function detectPlatformAndGoal(text: string, options: DetectOptions | string = {}): Detection {
  const opts: DetectOptions = typeof options === 'string' ? { platform: options } : options;
  const input = lex(text);
  const matched: string[] = [];

  const platformHint = normalizePlatform(opts.platform);
  const goalHint = normalizeGoal(opts.goal);
  if (platformHint) matched.push('platform:hint');
  if (goalHint) matched.push('goal:hint');

  const platforms = score(PLATFORM_CUES, input, 'platform');
  if (
    (platforms.best.get('instagram_post') ?? 0) >= 2 &&
    !platforms.best.has('instagram_story') &&
    input.tokens.some((token) => STORY_WITH_INSTAGRAM.test(token))
  ) {
    platforms.best.set('instagram_story', 3);
    platforms.names.push('platform:story');
  }
  matched.push(...platforms.names);

  // Holiday dates are seasonal, not event dates.
  const goalText = HOLIDAY_DATES.test(input.padded)
    ? { ...input, padded: input.padded.replace(HOLIDAY_DATES, ' holiday ') }
    : input;
  const goals = score([...GOAL_CUES, OURSELVES], goalText, 'goal');
  if (HOLIDAY_DATES.test(input.padded) && !goals.best.has('seasonal')) {
    goals.best.set('seasonal', 2);
    goals.names.push('goal:season_holiday');
  }
  matched.push(...goals.names);

  let platform: Platform;
  let platformConfidence: number;
  let platformSource: DetectionSource;
  const ruledPlatform = pick(platforms.best, PLATFORM_PRIORITY);
  if (platformHint) {
    [platform, platformConfidence, platformSource] = [platformHint, 1, 'user'];
  } else if (ruledPlatform) {
    platform = ruledPlatform;
    platformConfidence = CONFIDENCE.platform[platformEvidence(platforms.best, ruledPlatform)];
    platformSource = 'rules';
  } else {
    // A bare "пост" names no network, so it stays generic rather than guessing one.
    [platform, platformConfidence, platformSource] = ['generic', CONFIDENCE.platform.none, 'default'];
  }

  let goal: Goal;
  let goalConfidence: number;
  let goalSource: DetectionSource;
  const ruledGoal = pick(goals.best, GOAL_PRIORITY);
  const marketplace = platform === 'marketplace_card' || platforms.best.has('marketplace_card');
  if (goalHint) {
    [goal, goalConfidence, goalSource] = [goalHint, 1, 'user'];
  } else if (ruledGoal && (goals.best.get(ruledGoal) ?? 0) >= 2) {
    goal = ruledGoal;
    goalConfidence = CONFIDENCE.goal[goalEvidence(goals.best, ruledGoal)];
    goalSource = 'rules';
  } else if (marketplace) {
    // A marketplace card exists to show a product even when the request never says "товар".
    [goal, goalConfidence, goalSource] = ['product_shot', CONFIDENCE.goal.platform_default, 'rules'];
    matched.push('goal:platform_default');
  } else if (ruledGoal) {
    [goal, goalConfidence, goalSource] = [ruledGoal, CONFIDENCE.goal.weak, 'rules'];
  } else {
    [goal, goalConfidence, goalSource] = ['generic', CONFIDENCE.goal.none, 'default'];
  }

  const format = PLATFORM_FORMATS[platform];
  const explicitSize =
    opts.width !== undefined && opts.height !== undefined && opts.width > 0 && opts.height > 0
      ? { width: Math.round(opts.width), height: Math.round(opts.height) }
      : undefined;
  if (explicitSize) matched.push('size:explicit');
  return {
    platform,
    goal,
    aspectRatio: explicitSize ? ratioOf(explicitSize.width, explicitSize.height) : format.aspectRatio,
    width: explicitSize?.width ?? format.width,
    height: explicitSize?.height ?? format.height,
    platformConfidence,
    goalConfidence,
    platformSource,
    goalSource,
    matched,
  };
}
