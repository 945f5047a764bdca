export type Platform =
  | 'instagram_post'
  | 'instagram_story'
  | 'vk_post'
  | 'telegram_post'
  | 'banner'
  | 'marketplace_card'
  | 'poster'
  | 'generic';

export type Goal = 'promotion' | 'product_showcase' | 'announcement' | 'brand_awareness' | 'engagement' | 'generic';

export interface Detection {
  platform: Platform;
  goal: Goal;
  aspectRatio: string;
  matched: string[];
}

const ASPECT_RATIOS: Readonly<Record<Platform, string>> = {
  instagram_post: '4:5',
  instagram_story: '9:16',
  vk_post: '1:1',
  telegram_post: '16:9',
  banner: '16:9',
  marketplace_card: '3:4',
  poster: '2:3',
  generic: '1:1',
};

/**
 * A keyword rule. `words` is tested against every lower-cased token (ё folded to е) and is anchored,
 * so Russian stems are written as prefixes with explicit endings where a bare prefix would misfire
 * ("вк" must not match "вкусный", "пост" must not match "постер", "акци" must not match "акционер").
 * `phrases` is tested against the tokens joined by single spaces and padded with a space on both sides.
 */
interface Rule {
  name: string;
  words?: RegExp;
  phrases?: RegExp;
  symbols?: RegExp;
}

type PlatformSignal = 'instagram' | 'story' | 'post' | 'vk' | 'telegram' | 'banner' | 'marketplace' | 'poster';

const PLATFORM_RULES: readonly (Rule & { name: PlatformSignal })[] = [
  {
    name: 'instagram',
    words:
      /^(?:insta|instagram|instagramm|inst|ig|инст|инста|инсты|инсте|инсту|инстой|инстаграм\p{L}*|инстаграмм\p{L}*|инстограм\p{L}*)$/u,
  },
  { name: 'story', words: /^(?:story|stories|storis|сторис|сториз|стори|reels|рилс)$/u },
  {
    name: 'post',
    words: /^(?:post|posts|пост|поста|посту|постом|посте|посты|постов|постам|постами|постах|публикаци\p{L}*)$/u,
  },
  { name: 'vk', words: /^(?:vk|vkontakte|вк|вконтакт\p{L}*)$/u },
  { name: 'telegram', words: /^(?:telegram|tg|тг|тгк|телеграм\p{L}*|телеграмм\p{L}*|телег(?:а|и|е|у|ой))$/u },
  { name: 'banner', words: /^(?:banner\p{L}*|баннер\p{L}*|банер\p{L}*)$/u },
  {
    name: 'marketplace',
    words:
      /^(?:карточк\p{L}*|маркетплейс\p{L}*|marketplace\p{L}*|wildberries|вайлдберриз|вайлдбериз|wb|вб|ozon|озон|озона|озоне|озону|озоном|инфографик\p{L}*)$/u,
    phrases: / (?:яндекс|yandex) (?:маркет\p{L}*|market) /u,
  },
  {
    name: 'poster',
    words:
      /^(?:poster\p{L}*|постер\p{L}*|афиш\p{L}*|плакат\p{L}*|flyer\p{L}*|флаер\p{L}*|флайер\p{L}*|листовк\p{L}*)$/u,
  },
];

// "история" is only a story format when Instagram is named: "история бренда" alone is not.
const STORY_WITH_INSTAGRAM = /^истори(?:я|и|ю|ей|ях)$/u;

/** Goal rules in priority order: the first that fires wins. */
const GOAL_RULES: readonly (Rule & { name: Exclude<Goal, 'generic'> })[] = [
  {
    name: 'engagement',
    words:
      /^(?:конкурс\p{L}*|giveaway\p{L}*|розыгрыш\p{L}*|разыгрыва\p{L}*|разыгра\p{L}*|contest\p{L}*|опрос\p{L}*|poll|polls|викторин\p{L}*|quiz\p{L}*|challenge|челлендж\p{L}*)$/u,
  },
  {
    name: 'promotion',
    words:
      /^(?:скидк\p{L}*|скидочн\p{L}*|распродаж\p{L}*|акци(?:я|и|ю|ей|ям|ях|ями|онн\p{L}*)|sale|sales|discount\p{L}*|promo|promos|promocode\p{L}*|промо|промокод\p{L}*|промоакци\p{L}*|выгод\p{L}*|кэшбэк\p{L}*|кешбэк\p{L}*|cashback|ликвидаци\p{L}*)$/u,
    phrases: / (?:black friday|черн\p{L}* пятниц\p{L}*|cyber monday|киберпонедельник\p{L}*) /u,
    symbols: /%/u,
  },
  {
    name: 'announcement',
    words:
      /^(?:launch\p{L}*|запуск\p{L}*|открыти\p{L}*|opening|открываемся|открылись|анонс\p{L}*|announce\p{L}*|премьер\p{L}*|premiere|новинк\p{L}*|релиз\p{L}*|release|event|events|ивент\p{L}*|мероприяти\p{L}*|концерт\p{L}*|фестивал\p{L}*|festival|вечеринк\p{L}*|party)$/u,
    phrases:
      / (?:нов(?:ая|ый|ое|ые|ую|ой|ых|ого|ому|ым|ыми) (?:коллекци|меню|сезон|линейк|вкус)|new (?:collection|arrival|season|menu)|coming soon|скоро открыт)/u,
  },
  {
    name: 'product_showcase',
    words:
      /^(?:товар(?:|а|у|ом|е|ы|ов|ам|ами|ах)|товарн\p{L}*|product|products|карточк\p{L}*|каталог\p{L}*|catalog\p{L}*|предметн\p{L}*|packshot\p{L}*|пэкшот\p{L}*|пекшот\p{L}*|ассортимент\p{L}*)$/u,
  },
  {
    name: 'brand_awareness',
    words: /^(?:бренд\p{L}*|brand|branding|имидж\p{L}*|айдентик\p{L}*|identity|узнаваем\p{L}*|awareness)$/u,
    phrases: / (?:о нас|о компании|о бренде|about us) /u,
  },
];

const PLATFORMS: readonly Platform[] = Object.keys(ASPECT_RATIOS) as Platform[];

function isPlatform(value: string): value is Platform {
  return (PLATFORMS as readonly string[]).includes(value);
}

/** Accepts "Instagram-Story" or " instagram story " for instagram_story; anything unknown is ignored. */
function normalizeHint(hint: string | undefined): Platform | undefined {
  if (hint === undefined) return undefined;
  const candidate = hint
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/gu, '_');
  return isPlatform(candidate) ? candidate : undefined;
}

function fires(rule: Rule, tokens: readonly string[], padded: string, text: string): boolean {
  const { words, phrases, symbols } = rule;
  return (
    (words !== undefined && tokens.some((token) => words.test(token))) ||
    (phrases !== undefined && phrases.test(padded)) ||
    (symbols !== undefined && symbols.test(text))
  );
}

/**
 * Format words (story, card, banner, poster) outrank network words: "баннер для вк" is a banner that
 * happens to go to VK, and its shape is what the image model needs.
 */
function resolvePlatform(signals: ReadonlySet<PlatformSignal>): Platform {
  if (signals.has('story')) return 'instagram_story';
  if (signals.has('marketplace')) return 'marketplace_card';
  if (signals.has('banner')) return 'banner';
  if (signals.has('poster')) return 'poster';
  if (signals.has('instagram')) return 'instagram_post';
  if (signals.has('vk')) return 'vk_post';
  if (signals.has('telegram')) return 'telegram_post';
  // A bare "пост" names no network, so it stays generic rather than guessing one.
  return 'generic';
}

/** Detects target platform and marketing goal from a (preferably cleaned) request using keyword rules. */
export function detectPlatformAndGoal(text: string, platformHint?: string): Detection {
  const lowered = text.normalize('NFC').toLowerCase().replace(/ё/gu, 'е');
  const tokens = lowered.match(/[\p{L}\p{N}]+/gu) ?? [];
  const padded = ` ${tokens.join(' ')} `;
  const matched: string[] = [];

  const hint = normalizeHint(platformHint);
  if (hint) matched.push('platform:hint');

  const signals = new Set<PlatformSignal>();
  for (const rule of PLATFORM_RULES) {
    if (fires(rule, tokens, padded, lowered)) signals.add(rule.name);
  }
  if (signals.has('instagram') && tokens.some((token) => STORY_WITH_INSTAGRAM.test(token))) signals.add('story');
  for (const rule of PLATFORM_RULES) {
    if (signals.has(rule.name)) matched.push(`platform:${rule.name}`);
  }

  const goals = GOAL_RULES.filter((rule) => fires(rule, tokens, padded, lowered)).map((rule) => rule.name);
  for (const goal of goals) matched.push(`goal:${goal}`);

  const platform = hint ?? resolvePlatform(signals);
  let goal: Goal | undefined = goals.at(0);
  if (goal === undefined && platform === 'marketplace_card') {
    // A marketplace card exists to show a product even when the request never says "товар".
    goal = 'product_showcase';
    matched.push('goal:platform_default');
  }

  return { platform, goal: goal ?? 'generic', aspectRatio: ASPECT_RATIOS[platform], matched };
}
