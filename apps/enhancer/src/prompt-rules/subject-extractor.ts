/**
 * The image subject without the request around it. Channel, format and instruction words ("пост в инсту про",
 * "нужна картинка", "сделайте баннер для", "make an Instagram story about") are what detection already
 * consumed: they choose the platform and the layout, and an image model would only draw them literally.
 */
export interface ExtractedSubject {
  subject: string;
  /** The pieces taken out, in order (for the operations log). */
  removed: string[];
}

const L = '[\\p{L}\\p{M}]*';
// "пост" and "инст" take only their own endings: "постельное бельё", "постоянным клиентам", "инструктор" and
// "инструменты" are subjects, not format or channel words.
const FORMAT_RU = `(?:пост(?:а|у|ом|е|ы|ов|ам|ами|ах)?|постик${L}|публикаци${L}|сторис|стори|сториз|рилс${L}|рилз|баннер${L}|банер${L}|карточк${L}(?:\\s+товар${L})?|обложк${L}|постер${L}|плакат${L}|флаер${L}|листовк${L}|картинк${L}|картиночк${L}|изображени${L}|иллюстраци${L}|креатив${L}|визуал${L}|фото(?:графи${L})?|фотк${L}|пикч${L}|инфографик${L}|макет${L}|инстапост${L})`;
const CHANNEL_RU = `(?:инст(?:а|у|ы|е|ой)?|инстаграм${L}|instagram|insta|ig|вк|vk|вконтакт${L}|тг|tg|телег${L}|телеграм${L}|telegram|канал${L}|паблик${L}|ленту|ленты|сайт${L}|лендинг${L}|вб|wb|wildberries|вайлдберриз|озон${L}|ozon|маркетплейс${L}|авито|тикток${L}|tiktok|сторис|главн${L}\\s+(?:страниц${L}|экран${L}))`;
const INSTRUCTION_RU = `(?:(?:мне|нам|пожалуйста|плиз|срочно)\\s+)*(?:нуж(?:ен|на|но|ны)|надо|требуется|хочу|хотим|хотелось\\s+бы|сделай(?:те)?|нарисуй(?:те)?|создай(?:те)?|сгенерируй(?:те)?|придумай(?:те)?|подготовь(?:те)?|сделать|нарисовать|создать|сгенерировать|подготовить)(?:\\s+(?:мне|нам|пожалуйста|плиз|срочно|красив${L}|классн${L}|яркий|яркую|новый|новую))*`;
const CONNECTOR_RU = `(?:\\s*(?:про|о|об|на\\s+тему|для|с|со|к|ко|где|в\\s+котором|в\\s+которой|—|–|-|:))?`;

const FORMAT_EN = `(?:post|posts|story|stories|reels?|banner|banners|image|picture|pic|visual|creative|cover|poster|flyer|card|product\\s+card|infographic|illustration|photo|hero(?:\\s+image)?|ad)`;
const CHANNEL_EN = `(?:instagram|insta|ig|vk|telegram|tg|tiktok|wildberries|wb|ozon|marketplace|website|site|landing\\s+page|feed|channel)`;
const INSTRUCTION_EN = `(?:(?:please|pls)\\s+)?(?:make|create|draw|generate|design|need|i\\s+need|we\\s+need|give\\s+me)(?:\\s+(?:me|us|please|an?|the|some))*`;
const CONNECTOR_EN = `(?:\\s*(?:about|for|of|with|showing|featuring|on|:|—|–|-))?`;

const PATTERNS: readonly RegExp[] = [
  // "нужна картинка для поста в инсту про", "сделайте баннер", "make an instagram story about"
  new RegExp(
    `(?<![\\p{L}])${INSTRUCTION_RU}(?:\\s+${FORMAT_RU})?(?:\\s+(?:для|в|на)\\s+(?:${FORMAT_RU}\\s+)?(?:(?:в|на|для)\\s+)?${CHANNEL_RU})*${CONNECTOR_RU}(?![\\p{L}])`,
    'giu',
  ),
  // "пост в инсту про", "сторис для вк:", "карточка товара для вб"
  new RegExp(
    `(?<![\\p{L}])(?:${CHANNEL_RU}\\s+)?${FORMAT_RU}(?:\\s+(?:для|в|на)\\s+${CHANNEL_RU})*(?:\\s+${CHANNEL_RU})?${CONNECTOR_RU}(?![\\p{L}])`,
    'giu',
  ),
  // "в инсту", "для тг" left alone after the format went
  new RegExp(`(?<![\\p{L}])(?:в|для|на)\\s+${CHANNEL_RU}(?![\\p{L}])`, 'giu'),
  new RegExp(
    `(?<![\\p{L}])(?:${INSTRUCTION_EN}\\s+)?(?:(?:a|an|the)\\s+)?(?:${CHANNEL_EN}\\s+)?${FORMAT_EN}(?:\\s+(?:for|on|in)\\s+(?:the\\s+)?${CHANNEL_EN})*${CONNECTOR_EN}(?![\\p{L}])`,
    'giu',
  ),
];

/** Takes the channel, format and instruction words out; the subject never becomes empty (the text is kept). */
export function extractSubject(cleaned: string): ExtractedSubject {
  let subject = cleaned;
  const removed: string[] = [];
  for (const pattern of PATTERNS) {
    subject = subject.replace(pattern, (match: string) => {
      if (match.trim().length > 0) removed.push(match.trim());
      return ' ';
    });
  }
  subject = subject
    .replace(/\s+/gu, ' ')
    .replace(/\s+([,.!?;:])/gu, '$1')
    .replace(/^[\s,.;:!—–-]+|[\s,;:—–-]+$/gu, '')
    .replace(/([,;:])(?:\s*[,;:])+/gu, '$1')
    .trim();
  if (!/[\p{L}\p{N}]/u.test(subject)) return { subject: cleaned, removed: [] };
  return { subject, removed };
}
