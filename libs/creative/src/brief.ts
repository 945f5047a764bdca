/**
 * The text a creative carries, read out of a Russian (or mixed) request: discount, price and old price, promo code,
 * deadline, event date, headline and call to action. Pure rules, so the gateway can check fit before anything is
 * queued and the generation can show exactly which text it used and where each piece came from.
 */
export const BRIEF_FIELDS = [
  'headline',
  'subline',
  'price',
  'oldPrice',
  'discount',
  'promoCode',
  'deadline',
  'cta',
] as const;
export type BriefField = (typeof BRIEF_FIELDS)[number];

export type BriefText = Record<BriefField, string>;

export interface ResolvedBrief extends BriefText {
  /** Where each non-empty field came from. */
  sources: Partial<Record<BriefField, 'user' | 'request'>>;
}

export const emptyBrief = (): BriefText => ({
  headline: '',
  subline: '',
  price: '',
  oldPrice: '',
  discount: '',
  promoCode: '',
  deadline: '',
  cta: '',
});

const NUM = String.raw`\d{1,3}(?:[  ]\d{3})+|\d+`;
const CURRENCY = String.raw`(?:₽|руб(?:лей|ля|ль)?\.?|р\.(?!\w)|р(?![а-яё\w])|rub\b)`;
const PRICE_RE = new RegExp(String.raw`(от\s+)?(${NUM})(?:[.,](\d{1,2}))?\s*${CURRENCY}`, 'giu');
const PAY_CUE = /(?<!\p{L})(?:зарплат|зп|оплат|доход|выплат|оклад|ставк|заработ)\p{L}*[^,.;!?\n]*$/iu;
// A bare number after a price word, unless a unit, a percent or another digit group follows it.
const CUED_PRICE_RE = new RegExp(
  String.raw`(?:было|стало|вместо|(?:старая|новая)\s+цена|цена|новая|всего\s+за|всего|за|по)\s*:?\s*(${NUM})(?![\d.,]*\s*(?:%|процент|мл|л\b|г\b|гр|кг|шт|см|мм|м\b|лет|год|дн|час|мин|мес|чел|x|х|×|\+|[₽р]|руб|числ|январ|феврал|март|апрел|ма[яй]|июн|июл|август|сентябр|октябр|ноябр|декабр))`,
  'giu',
);
const OLD_CUE = /(?:было|вместо|старая цена|старой цены|без скидки|обычная цена|зачеркнут\p{L}*)\s*:?\s*$/iu;
const MONTHS = 'января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря';
const DAYS = `понедельника|вторника|среды|четверга|пятницы|субботы|воскресенья|конца (?:недели|месяца|лета|зимы|весны|осени|года|акции|распродажи|${MONTHS})|выходных|завтра|полуночи`;
const DEADLINE_RE = new RegExp(
  String.raw`(?:(?:только|успей(?:те)?|акция|действует|предложение)\s+){0,2}до\s+(?:${DAYS}|\d{1,2}(?:[./]\d{1,2}(?:[./]\d{2,4})?|\s+(?:${MONTHS})))(?:\s+включительно)?|(?:только|всего)\s+(?:сегодня|завтра|в\s+(?:эти\s+)?выходные|(?:\d{1,2}|три|два|пять|семь)\s+дн(?:я|ей))|с\s+\d{1,2}\s+по\s+\d{1,2}\s+(?:${MONTHS})`,
  'iu',
);
const DATE_RE = new RegExp(
  String.raw`\b\d{1,2}(?:\s*[-–—]\s*\d{1,2})?\s+(?:${MONTHS})(?:\s+в\s+\d{1,2}[:.]\d{2})?|\b(?:в\s+)?(?:понедельник|вторник|среду|четверг|пятницу|субботу|воскресенье)\s+в\s+\d{1,2}[:.]\d{2}`,
  'iu',
);
const PROMO_CUE_RE =
  /(?:промо-?код\p{L}*|promo\s*code|по\s+коду|код\p{L}*)\s*[:«"'“]?\s*([A-Za-z0-9][A-Za-z0-9_-]{2,19}|[А-ЯЁ][А-ЯЁ0-9_-]{2,19}(?![а-яё]))/iu;
const PROMO_TOKEN_RE = /(?<![\w-])(?=[A-Z0-9_-]*[A-Z])(?=[A-Z0-9_-]*\d)[A-Z][A-Z0-9_-]{3,19}(?![\w-])/u;
const QUOTED_RE = /[«"“]([^»"”]{2,120})[»"”]/u;
const LABELLED_RE = /(?:заголовок|текст|надпись|слоган|headline|title)\s*[:—-]\s*([^,;.\n]{2,120})/iu;
const CTA_RE = /(?:кнопк\p{L}*|призыв\p{L}*|cta)\s*[:«"“]*\s*([^»"”,;.\n]{2,40})/iu;

/** Words that describe the deliverable, not what it should say. */
const FRAME_WORDS = new Set(
  (
    'сделай сделайте создай создайте нарисуй нарисуйте нужен нужна нужно нужны хочу пожалуйста please make create need ' +
    'пост поста посты постов публикация публикацию сторис историю истории stories story reels рилс баннер баннера баннер на ' +
    'сайт сайта обложку обложка карточка карточку карточки картинку картинка изображение креатив креативы макет афиша афишу ' +
    'постер плакат листовку флаер instagram инстаграм инсты инст вк вконтакте vk телеграм телеграма telegram tg тг ' +
    'wildberries вайлдберриз wb ozon озон озона маркетплейс маркетплейса для в на и с к по о об про post banner card ' +
    'for the a an of with вертикальный горизонтальный квадратный формат формате'
  ).split(' '),
);

const capitalise = (s: string): string => (s ? s[0].toUpperCase() + s.slice(1) : s);
const squash = (s: string): string => s.replace(/\s+/gu, ' ').trim();

function formatPrice(from: string | undefined, whole: string, fraction: string | undefined): string {
  const digits = whole.replace(/[  ]/gu, '');
  const grouped = digits.length >= 4 ? digits.replace(/\B(?=(\d{3})+$)/gu, ' ') : digits;
  return `${from ? 'от ' : ''}${grouped}${fraction ? `,${fraction}` : ''} ₽`;
}

/** Every part of the brief the request's own words give; empty strings where it says nothing. */
export function parseBrief(request: string): BriefText {
  const text = request.normalize('NFC');
  const brief = emptyBrief();
  const consumed: Array<[number, number]> = [];
  const take = (m: RegExpExecArray | null, group = 0): string => {
    if (!m) return '';
    consumed.push([m.index, m.index + m[0].length]);
    return m[group];
  };

  // "%" or the word "процентов": "скидка 20 процентов", "минус 15 процентов".
  const PCT = String.raw`\s*(?:%|процент\p{L}*)`;
  const discount =
    new RegExp(String.raw`(?:скидк|скидос|скидон)\p{L}*\s*(?:до\s+)?(\d{1,2})${PCT}`, 'iu').exec(text) ??
    new RegExp(String.raw`(\d{1,2})${PCT}\s*скидк\p{L}*`, 'iu').exec(text) ??
    new RegExp(String.raw`(?<![\w\d])(?:[-−–]|минус)\s?(\d{1,2})${PCT}`, 'iu').exec(text) ??
    new RegExp(String.raw`(?:до|sale|распродажа\p{L}*)\s+[-−–]?(\d{1,2})${PCT}`, 'iu').exec(text) ??
    // "промокод DRESS10 на 10%": the code's discount.
    new RegExp(
      String.raw`(?:промо-?код\p{L}*|по\s+коду|код\p{L}*)\s*\S+\s+(?:на|даёт|дает)\s+(?:скидку\s+)?(\d{1,2})${PCT}`,
      'iu',
    ).exec(text) ??
    new RegExp(String.raw`(\d{1,2})\s*%\s*(?:off|на\s+всё|на\s+все)`, 'iu').exec(text);
  if (discount) brief.discount = `−${take(discount, 1)}%`;
  else {
    const bundle = /\b(\d\s*\+\s*\d)\b|(\d)\s+по\s+цене\s+(\d)/iu.exec(text);
    if (bundle) brief.discount = bundle[1] ? bundle[1].replace(/\s+/gu, '') : `${bundle[2]} по цене ${bundle[3]}`;
    if (bundle) take(bundle);
  }

  const prices: Array<{ value: string; amount: number; old: boolean; index: number; end: number }> = [];
  const addPrice = (index: number, end: number, from: string | undefined, whole: string, fraction?: string): void => {
    const before = text.slice(Math.max(0, index - 24), index);
    // Pay for a job is not a price tag ("зарплата от 60 000 р", "оплата 3000 руб в день").
    if (PAY_CUE.test(before)) return;
    if (prices.some((p) => index < p.end && end > p.index)) return;
    prices.push({
      value: formatPrice(from, whole, fraction),
      amount: Number(whole.replace(/[  ]/gu, '')),
      old: OLD_CUE.test(before),
      index,
      end,
    });
  };
  for (const m of text.matchAll(PRICE_RE)) {
    const index = m.index ?? 0;
    addPrice(index, index + m[0].length, m[1], m[2], m[3]);
  }
  // Numbers without a currency after a price word: "было 1290, стало 890", "всего за 150", "цена: 4 490".
  for (const m of text.matchAll(CUED_PRICE_RE)) {
    const start = (m.index ?? 0) + m[0].length - m[1].length;
    if (Number(m[1].replace(/[  ]/gu, '')) >= 10) addPrice(start, start + m[1].length, undefined, m[1]);
  }
  prices.sort((a, b) => a.index - b.index);
  // "1490 → 990 ₽": a bare number before an arrow is the old price.
  const arrow = new RegExp(String.raw`(${NUM})\s*${CURRENCY}?\s*(?:→|->|—>|=>)\s*(${NUM})\s*${CURRENCY}`, 'iu').exec(
    text,
  );
  if (arrow) {
    brief.oldPrice = formatPrice(undefined, arrow[1], undefined);
    brief.price = formatPrice(undefined, arrow[2], undefined);
    take(arrow);
  } else if (prices.length > 0) {
    const old = prices.find((p) => p.old);
    const current = prices.find((p) => !p.old);
    if (current) brief.price = current.value;
    if (old) brief.oldPrice = old.value;
    else if (prices.length >= 2 && current) {
      const other = prices.find((p) => p !== current && p.amount > current.amount);
      if (other) brief.oldPrice = other.value;
    }
    for (const p of prices) consumed.push([Math.max(0, p.index - (p.old ? 16 : 0)), p.end]);
  }

  const promo = PROMO_CUE_RE.exec(text);
  // A Latin code, or a Cyrillic one written in capitals ("ВЕСНА20"); "код скидки" is no code.
  if (promo && /\d|[A-Z]{3,}|^[А-ЯЁ]{3,}$/u.test(promo[1])) brief.promoCode = take(promo, 1).toUpperCase();
  else {
    const token = PROMO_TOKEN_RE.exec(text);
    if (token && !/^\d+[xх×]\d+$/iu.test(token[0])) brief.promoCode = take(token);
  }

  const deadline = DEADLINE_RE.exec(text);
  if (deadline) brief.deadline = capitalise(squash(take(deadline)));
  else {
    const date = DATE_RE.exec(text);
    if (date) brief.deadline = capitalise(squash(take(date)));
  }

  const cta = CTA_RE.exec(text);
  if (cta) brief.cta = capitalise(squash(take(cta, 1)));

  const quoted = QUOTED_RE.exec(text) ?? LABELLED_RE.exec(text);
  if (quoted) brief.headline = squash(take(quoted, 1));
  else brief.headline = headlineFrom(text, consumed);
  return brief;
}

/** What is left of the request once frame words and parsed pieces are gone: the first two meaningful clauses. */
function headlineFrom(text: string, consumed: ReadonlyArray<[number, number]>): string {
  let rest = '';
  for (let i = 0; i < text.length; i++) rest += consumed.some(([a, b]) => i >= a && i < b) ? ' ' : text[i];
  const clauses = rest
    .replace(/https?:\/\/\S+|#\S+|[@]\S+/gu, ' ')
    .split(/[,;.!?\n:()]+/u)
    .map((clause) =>
      squash(
        clause
          .split(/\s+/u)
          .filter((w) => {
            const bare = w.toLowerCase().replace(/[^\p{L}\p{N}%+-]/gu, '');
            return bare.length > 0 && !FRAME_WORDS.has(bare) && !/^\d+[xх×]\d+$/u.test(bare) && !/^[-−–]$/u.test(bare);
          })
          .join(' '),
      ),
    )
    .filter((c) => /\p{L}{3,}/u.test(c) && !/^(?:скидк\p{L}*|цена|промокод\p{L}*|акция)$/iu.test(c));
  const headline = clauses.slice(0, 2).join(', ');
  return capitalise(headline.length > 60 ? headline.slice(0, 60).replace(/\s+\S*$/u, '') : headline);
}

/** What the request says, with every field the user filled in winning over it. */
export function resolveBrief(request: string, user: Partial<BriefText>): ResolvedBrief {
  const parsed = parseBrief(request);
  const out: ResolvedBrief = { ...emptyBrief(), sources: {} };
  for (const field of BRIEF_FIELDS) {
    const own = squash(user[field] ?? '');
    if (own) {
      out[field] = own;
      out.sources[field] = 'user';
    } else if (parsed[field]) {
      out[field] = parsed[field];
      out.sources[field] = 'request';
    }
  }
  if (!out.cta && (out.price || out.discount || out.promoCode)) out.cta = ctaFor(request);
  return out;
}

/** A default call to action when the creative sells something and the user named none. */
function ctaFor(request: string): string {
  if (/записа|запись|бронир|салон|маникюр|стрижк/iu.test(request)) return 'Записаться';
  if (/заказ|доставк|кофе|пицц|еда|ресторан|кафе/iu.test(request)) return 'Заказать';
  return 'Купить';
}
