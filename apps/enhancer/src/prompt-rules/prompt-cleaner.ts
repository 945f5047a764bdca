export interface PromptOperation {
  name: string;
  detail: string;
}

export interface CleanedPrompt {
  text: string;
  operations: PromptOperation[];
}

/**
 * A run of the text. Quoted runs ("…", «…», “…”, „…“) are literal: they are usually the exact words
 * the user wants rendered on the image, so only NFC and whitespace collapsing may touch them.
 */
interface Segment {
  text: string;
  literal: boolean;
}

const QUOTED = /«[^«»]*»|“[^“”]*”|„[^„“”]*[“”]|"[^"]*"/gu;

// Lookbehind keeps e-mails and words glued to the scheme ("foohttp://") out. A bare "www." or "http://"
// is removed too: left behind, it would become a URL once a later step glued text to it.
// Trailing sentence punctuation is handed back to the text by splitUrl.
const URL = /(?<![\p{L}\p{N}_@])(?:https?:\/\/|www\.)[^\s"«»“”„<>]*/giu;
const URL_PREFIX = /^(?:https?:\/\/|www\.)/iu;
const URL_TAIL = /[.,!?;:)\]}'’…]+$/u;
// No letter or digit before "@" so e-mail addresses (user@mail.ru) are not mistaken for mentions.
// Glued mentions ("@a@b") are one chain, or removing the first would expose the second next pass.
const MENTION_CHAIN = /(?<![\p{L}\p{N}_@])(?:@[\p{L}\p{N}_](?:[\p{L}\p{N}_.]*[\p{L}\p{N}_])?)+/gu;
// A tag must contain a letter: "#1" is a rank, not a hashtag. "&#" is an HTML entity, "C#" a language;
// "@#" is neither a mention nor a tag, and expanding it would turn it into a mention on the next pass.
const HASHTAG_CHAIN = /(?<![\p{L}\p{M}\p{N}_&#@])(?:#(?=[\p{N}_]*\p{L})[\p{L}\p{M}\p{N}_]+)+/gu;

// A flag is a pair of regional indicators; match the pair first so it is reported as one emoji.
const EMOJI_CORE = String.raw`\p{Regional_Indicator}{2}|\p{Extended_Pictographic}|\p{Regional_Indicator}`;
const EMOJI_COMPONENT = String.raw`[\uFE0E\uFE0F\u20E3\u{1F3FB}-\u{1F3FF}\u{E0020}-\u{E007F}]`;
const EMOJI_SEQUENCE = new RegExp(
  String.raw`(?:${EMOJI_CORE})${EMOJI_COMPONENT}*(?:\u200D(?:${EMOJI_CORE})${EMOJI_COMPONENT}*)*`,
  'gu',
);
// Keycaps keep their digit: "5️⃣0️⃣%" is a real way to write "50%".
const KEYCAP = /([#*0-9])\uFE0F?\u20E3/gu;
// Leftover joiners, variation selectors, skin tones and tag characters that lost their base emoji.
const EMOJI_STRAY = /[\uFE0E\uFE0F\u200D\u20E3\u{1F3FB}-\u{1F3FF}\u{E0020}-\u{E007F}]/gu;

const WORD = /(?<![\p{L}\p{M}\p{N}_])[\p{L}\p{M}]+(?:['’-][\p{L}\p{M}]+)*(?![\p{L}\p{M}\p{N}_])/gu;
const ROMAN_NUMERAL = /^[IVXLCDM]+$/u;

/** All-caps tokens of 4+ letters that are names, not shouting. Compared upper-cased. */
// prettier-ignore
const KNOWN_ACRONYMS: ReadonlySet<string> = new Set([
  'AMOLED', 'ASAP', 'ASUS', 'CMYK', 'DKNY', 'ECCO', 'FIFA', 'HDMI', 'HTML', 'IKEA', 'JSON', 'LEGO', 'NASA',
  'NATO', 'NVIDIA', 'OLED', 'QLED', 'UEFA', 'UNESCO', 'UNICEF', 'USSR', 'WI-FI', 'ZARA',
  'ВДНХ', 'ГОСТ', 'ИКЕА', 'ОМОН', 'СССР',
]);

/**
 * Short function words lowered only when the text is already shouting, so "СКИДКА НА ВСЁ" becomes
 * "скидка на всё" instead of "скидка НА всё". Acronyms (WB, ТЦ, IT, US) and "I" are deliberately absent.
 */
// prettier-ignore
const SHOUTED_FUNCTION_WORDS: ReadonlySet<string> = new Set([
  'В', 'ВО', 'НА', 'И', 'С', 'СО', 'К', 'КО', 'У', 'О', 'ОБ', 'ОТ', 'ДО', 'ЗА', 'ИЗ', 'ПО', 'НЕ', 'НИ', 'ДЛЯ',
  'ПРИ', 'БЕЗ', 'ПОД', 'НАД', 'ВСЁ', 'ВСЕ', 'ВАС', 'ВАМ', 'ВЫ', 'МЫ', 'НАС', 'ЕЩЁ', 'ЕЩЕ', 'ТЫ', 'ИЛИ', 'ЭТО',
  'КАК', 'ТАК', 'УЖЕ', 'ЧТО', 'ХИТ', 'ТОП', 'ДНИ', 'ДНЯ',
  'A', 'AN', 'THE', 'AND', 'OR', 'FOR', 'ON', 'IN', 'OF', 'TO', 'AT', 'BY', 'UP', 'OFF', 'ALL', 'NEW', 'NOW',
  'HOT', 'TOP', 'BUY', 'GET', 'OUR', 'YOU', 'IS', 'ARE', 'NOT', 'NO', 'BIG', 'ONE', 'TWO',
]);

const INVISIBLE = /[\u200B\u2060\uFEFF\u00AD]/gu;
const SPACE_BEFORE_PUNCTUATION = /\s+([,.!?;:…)\]]+)(?=\s|$)/gu;
const LEADING_DANGLING = /^\s*(?:[,;:]+|[-–—]+(?=\s|$))\s*/u;
const TRAILING_DANGLING = /\s*(?:[,;:]+|(?<=\s|^)[-–—]+)\s*$/u;
/** Enough passes for punctuation and whitespace fixes to settle; each pass only shrinks the text. */
const MAX_TIDY_PASSES = 4;

/** Operations come out in the order their steps run, whatever pass noted them. */
const OPERATION_ORDER = [
  'normalize_unicode',
  'unwrap_mention',
  'reduce_url_to_host',
  'strip_url',
  'strip_mention',
  'strip_emoji',
  'expand_hashtag',
  'lowercase_shouting',
  'collapse_punctuation',
  'collapse_whitespace',
  'keep_raw',
] as const;
type OperationName = (typeof OPERATION_ORDER)[number];

/** Removals can expose new noise ("@()x" → "@x"); whole-pipeline passes repeat until one changes nothing. */
const MAX_PASSES = 8;

/** Collects what each step changed; every name with notes becomes exactly one PromptOperation. */
class OperationLog {
  private readonly notes = new Map<OperationName, string[]>();

  note(name: OperationName, what: string): void {
    const list = this.notes.get(name) ?? [];
    if (!list.includes(what)) list.push(what);
    this.notes.set(name, list);
  }

  get isEmpty(): boolean {
    return this.notes.size === 0;
  }

  merge(other: OperationLog): void {
    for (const [name, list] of other.notes) for (const what of list) this.note(name, what);
  }

  toOperations(): PromptOperation[] {
    return OPERATION_ORDER.flatMap((name) => {
      const list = this.notes.get(name);
      // Whitespace notes are phrases; every other detail is a list of removed tokens (URLs hold no spaces).
      return list ? [{ name, detail: list.join(name === 'collapse_whitespace' ? ', ' : ' ') }] : [];
    });
  }
}

interface PipelineOptions {
  /** Keep URL hosts and mention handles as words: used only when the normal pass would leave no words. */
  salvage: boolean;
}

interface PassResult {
  text: string;
  log: OperationLog;
}

/**
 * Cleans a raw, noisy user request (often Russian or mixed) into plain text for prompt composition.
 * Deterministic and idempotent: cleaning the result again changes nothing and records no operations.
 */
export function cleanPrompt(raw: string): CleanedPrompt {
  const log = new OperationLog();
  let text = raw;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const result = cleanOnce(text);
    if (result.log.isEmpty) break;
    log.merge(result.log);
    text = result.text;
  }
  return { text, operations: log.toOperations() };
}

function cleanOnce(raw: string): PassResult {
  const result = runPipeline(raw, { salvage: false });
  if (hasWords(result.text) || !hasWords(raw)) return result;

  // Everything with letters was a URL or a mention; keep their readable part rather than return nothing.
  const salvaged = runPipeline(raw, { salvage: true });
  if (hasWords(salvaged.text)) return salvaged;

  // Only reachable for host-less URL debris like "www."; note an operation only if the text really changed.
  const log = new OperationLog();
  const fallback = raw.normalize('NFC').replace(/\s+/gu, ' ').trim();
  if (fallback !== raw) log.note('keep_raw', 'cleaning left no words, kept the input');
  return { text: fallback, log };
}

function runPipeline(raw: string, options: PipelineOptions): PassResult {
  const log = new OperationLog();

  const normalized = raw.normalize('NFC');
  if (normalized !== raw) log.note('normalize_unicode', 'NFC');

  let segments = splitQuoted(normalized).map((segment) => ({
    // Invisible characters go first: they hide words from every later rule ("ПРО\u200BДАЖА").
    text: segment.text.replace(INVISIBLE, () => {
      log.note('collapse_whitespace', 'removed invisible characters');
      return '';
    }),
    literal: segment.literal,
  }));

  if (options.salvage) {
    // Mentions first: an unwrapped handle like "@www.x.ru" must still be reduced as a URL.
    segments = mapPlain(segments, (text) => unwrapMentions(text, log));
    segments = mapPlain(segments, (text) => reduceUrls(text, log));
  } else {
    segments = mapPlain(segments, (text) => stripUrls(text, log));
    segments = mapPlain(segments, (text) => stripMentions(text, log));
  }

  // Emoji before hashtags: "❤️#осень" hides the tag behind a variation selector until the heart is gone.
  segments = mapPlain(segments, (text) => stripEmoji(text, log));
  segments = mapPlain(segments, (text) => expandHashtags(text, log));
  segments = lowerShouting(segments, log);

  // Punctuation and whitespace fixes feed each other ("скидка ! !" → "скидка!!" → "скидка!"), so loop.
  for (let pass = 0; pass < MAX_TIDY_PASSES; pass++) {
    const before = joinSegments(segments);
    segments = mapPlain(segments, (text) => collapsePunctuation(text, log));
    segments = trimDanglingSeparators(segments, log);
    segments = collapseWhitespace(segments, log);
    if (joinSegments(segments) === before) break;
  }

  return { text: joinSegments(segments), log };
}

function hasWords(text: string): boolean {
  return /[\p{L}\p{N}]/u.test(text);
}

function splitQuoted(text: string): Segment[] {
  const segments: Segment[] = [];
  let last = 0;
  for (const match of text.matchAll(QUOTED)) {
    if (match.index > last) segments.push({ text: text.slice(last, match.index), literal: false });
    segments.push({ text: match[0], literal: true });
    last = match.index + match[0].length;
  }
  if (last < text.length || segments.length === 0) segments.push({ text: text.slice(last), literal: false });
  return segments;
}

function joinSegments(segments: readonly Segment[]): string {
  return segments.map((s) => s.text).join('');
}

function mapPlain(segments: readonly Segment[], fn: (text: string) => string): Segment[] {
  return segments.map((s) => (s.literal ? s : { text: fn(s.text), literal: false }));
}

/** Splits a URL match from sentence punctuation that merely follows it ("см. https://x.ru."). */
function splitUrl(match: string): { url: string; tail: string } {
  // Never eat into the prefix: the dot of a bare "www." belongs to the URL debris, not the sentence.
  const prefix = URL_PREFIX.exec(match)?.[0] ?? '';
  const tail = URL_TAIL.exec(match.slice(prefix.length))?.[0] ?? '';
  return { url: match.slice(0, match.length - tail.length), tail };
}

function stripUrls(text: string, log: OperationLog): string {
  return text.replace(URL, (match) => {
    const { url, tail } = splitUrl(match);
    log.note('strip_url', url);
    return ` ${tail}`;
  });
}

function reduceUrls(text: string, log: OperationLog): string {
  return text.replace(URL, (match) => {
    const { url, tail } = splitUrl(match);
    // Only host characters, and no "www." anywhere, or the host would be stripped as a URL next pass.
    const afterScheme = url.replace(/^https?:\/\//iu, '');
    const host = (/^[\p{L}\p{N}.-]*/u.exec(afterScheme)?.[0] ?? '')
      .replace(/www\./giu, '')
      .replace(/^[.-]+|[.-]+$/gu, '');
    log.note('reduce_url_to_host', host ? `${url} → ${host}` : url);
    return ` ${host}${tail}`;
  });
}

function stripMentions(text: string, log: OperationLog): string {
  return text.replace(MENTION_CHAIN, (chain) => {
    log.note('strip_mention', chain);
    return ' ';
  });
}

function unwrapMentions(text: string, log: OperationLog): string {
  return text.replace(MENTION_CHAIN, (chain) => {
    const words = chain
      .split('@')
      .filter((handle) => handle.length > 0)
      .map(splitCompound)
      .join(' ');
    log.note('unwrap_mention', `${chain} → ${words}`);
    return words;
  });
}

function expandHashtags(text: string, log: OperationLog): string {
  return text.replace(HASHTAG_CHAIN, (chain) => {
    log.note('expand_hashtag', chain);
    return chain
      .split('#')
      .filter((tag) => tag.length > 0)
      .map(splitCompound)
      .join(' ');
  });
}

/**
 * "ОсеннийКофе" → "Осенний Кофе", "coffee_time" → "coffee time", "SALEToday" → "SALE Today".
 * A lower→upper boundary splits only after 2+ lowercase letters, so brand-like "iPhone", "eBay",
 * "McDonalds" survive intact.
 */
function splitCompound(tag: string): string {
  return tag
    .replace(/_+/gu, ' ')
    .replace(/(\p{Ll}{2})(?=\p{Lu})/gu, '$1 ')
    .replace(/(\p{Lu})(?=\p{Lu}\p{Ll}{2})/gu, '$1 ')
    .replace(/\s+/gu, ' ')
    .trim();
}

function stripEmoji(text: string, log: OperationLog): string {
  return text
    .replace(KEYCAP, (match, key: string) => {
      log.note('strip_emoji', match);
      return key;
    })
    .replace(EMOJI_SEQUENCE, (match) => {
      log.note('strip_emoji', match);
      // A space, not nothing: "кофе🍂осень" must not glue into one word.
      return ' ';
    })
    .replace(EMOJI_STRAY, (match) => {
      log.note('strip_emoji', `U+${(match.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`);
      return '';
    });
}

function isShouting(token: string): boolean {
  const letters = token.replace(/[^\p{L}]/gu, '');
  return (
    letters.length >= 4 &&
    token === token.toUpperCase() &&
    token !== token.toLowerCase() &&
    !KNOWN_ACRONYMS.has(token) &&
    !ROMAN_NUMERAL.test(token)
  );
}

function lowerShouting(segments: readonly Segment[], log: OperationLog): Segment[] {
  const shouting = segments.some((s) => !s.literal && Array.from(s.text.matchAll(WORD), (m) => m[0]).some(isShouting));
  if (!shouting) return [...segments];
  return mapPlain(segments, (text) =>
    text.replace(WORD, (token) => {
      if (!isShouting(token) && !SHOUTED_FUNCTION_WORDS.has(token)) return token;
      log.note('lowercase_shouting', token);
      return token.toLowerCase();
    }),
  );
}

function collapsePunctuation(text: string, log: OperationLog): string {
  const note = (from: string, to: string): string => {
    if (from !== to) log.note('collapse_punctuation', `${JSON.stringify(from)}→${JSON.stringify(to)}`);
    return to;
  };
  return (
    text
      // "?!?!" keeps both intents once; "!!!" becomes "!".
      .replace(/[!?]{2,}/gu, (run) => note(run, run.includes('!') && run.includes('?') ? '?!' : (run[0] ?? '')))
      .replace(/[.…]{2,}/gu, (run) => note(run, '…'))
      // Separators doubled by removals: "кофе, , осень" or ",,".
      .replace(/([,;:])(?:\s*[,;:])+/gu, (run, first: string) => note(run, first))
      // A lone "." or "," after a finished sentence, left when a URL or mention between them was removed.
      .replace(/([.!?…:;,])((?:\s+[.,])+)(?=\s|$)/gu, (run, kept: string, stray: string) => {
        note(stray.trim(), '');
        return kept;
      })
      .replace(/\(\s*\)|\[\s*\]/gu, (run) => note(run, ''))
  );
}

/** Separators left dangling at the very start or end, e.g. after "кофе, https://x.ru" lost its URL. */
function trimDanglingSeparators(segments: readonly Segment[], log: OperationLog): Segment[] {
  const result = [...segments];
  const firstIndex = result.findIndex((s) => s.text.trim().length > 0);
  const lastIndex = result.findLastIndex((s) => s.text.trim().length > 0);
  const trim = (index: number, pattern: RegExp): void => {
    const segment = result[index];
    if (!segment || segment.literal) return;
    const text = segment.text.replace(pattern, (match) => {
      if (match.trim()) log.note('collapse_punctuation', `${JSON.stringify(match.trim())}→""`);
      return '';
    });
    result[index] = { text, literal: false };
  };
  if (firstIndex >= 0) trim(firstIndex, LEADING_DANGLING);
  if (lastIndex >= 0) trim(lastIndex, TRAILING_DANGLING);
  return result;
}

function collapseWhitespace(segments: readonly Segment[], log: OperationLog): Segment[] {
  const result = segments.map((segment) => {
    let text = segment.text.replace(/\s+/gu, (run) => {
      if (run !== ' ') log.note('collapse_whitespace', 'collapsed runs');
      return ' ';
    });
    if (!segment.literal) {
      text = text.replace(SPACE_BEFORE_PUNCTUATION, (_match, punctuation: string) => {
        log.note('collapse_whitespace', 'removed space before punctuation');
        return punctuation;
      });
    }
    return { text, literal: segment.literal };
  });

  // Trim the joined text's edges, which may span several emptied segments.
  let trimmed = false;
  for (let i = 0; i < result.length; i++) {
    const segment = result[i];
    if (!segment) continue;
    const text = segment.text.trimStart();
    if (text !== segment.text) trimmed = true;
    result[i] = { text, literal: segment.literal };
    if (text.length > 0) break;
  }
  for (let i = result.length - 1; i >= 0; i--) {
    const segment = result[i];
    if (!segment) continue;
    const text = segment.text.trimEnd();
    if (text !== segment.text) trimmed = true;
    result[i] = { text, literal: segment.literal };
    if (text.length > 0) break;
  }
  if (trimmed) log.note('collapse_whitespace', 'trimmed');
  return result;
}
