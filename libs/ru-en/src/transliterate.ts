// Practical Russian → Latin transliteration close to the passport (ICAO 9303) scheme: readable by English
// speakers and by image models, ASCII only.
const TABLE: Readonly<Record<string, string>> = {
  а: 'a',
  б: 'b',
  в: 'v',
  г: 'g',
  д: 'd',
  е: 'e',
  ё: 'e',
  ж: 'zh',
  з: 'z',
  и: 'i',
  й: 'y',
  к: 'k',
  л: 'l',
  м: 'm',
  н: 'n',
  о: 'o',
  п: 'p',
  р: 'r',
  с: 's',
  т: 't',
  у: 'u',
  ф: 'f',
  х: 'kh',
  ц: 'ts',
  ч: 'ch',
  ш: 'sh',
  щ: 'shch',
  ъ: '',
  ы: 'y',
  ь: '',
  э: 'e',
  ю: 'yu',
  я: 'ya',
  // Ukrainian and Belarusian letters that turn up in names.
  і: 'i',
  ї: 'yi',
  є: 'ye',
  ґ: 'g',
  ў: 'u',
};

/** "Кофемания" → "Kofemaniya". Keeps the case of the first letter of each run; non-Cyrillic passes through. */
export function transliterate(text: string): string {
  let out = '';
  const chars = Array.from(text);
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i] ?? '';
    const lower = ch.toLowerCase();
    const latin = TABLE[lower];
    if (latin === undefined) {
      out += ch;
      continue;
    }
    if (ch === lower || latin.length === 0) {
      out += latin;
      continue;
    }
    // Upper-case letter: all caps if the neighbour is upper-case too ("ЦУМ" → "TSUM"), else capitalised.
    const next = chars[i + 1] ?? '';
    const prev = chars[i - 1] ?? '';
    const shouting =
      (next !== '' && next === next.toUpperCase() && next !== next.toLowerCase()) ||
      (prev !== '' && prev === prev.toUpperCase() && prev !== prev.toLowerCase());
    out += shouting ? latin.toUpperCase() : latin.charAt(0).toUpperCase() + latin.slice(1);
  }
  return out;
}
