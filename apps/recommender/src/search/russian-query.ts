import { EnTranslator, RuEnTranslator, RussianMorphology } from '@atelier/ru-en';

const CYRILLIC = /\p{Script=Cyrillic}/u;

/** Where the catalogue's own English names a thing differently from everyday English (fashion-product titles). */
const CATALOGUE_WORDS: Readonly<Record<string, string>> = {
  sneakers: 'shoes',
  sneaker: 'shoes',
  't-shirt': 'tshirt',
  't-shirts': 'tshirts',
  earphones: 'headphones',
};

export interface QueryLanguages {
  /** The query in English (catalogue titles are English); equal to the query when it had no Russian. */
  english: string;
  /** Russian lemmas of the query's English words (for Russian shop text); empty for a Russian query. */
  russian: string[];
  translated: boolean;
}

/**
 * Query translation through the shared lib (@atelier/ru-en): Russian queries become English by lemma (so «синие
 * джинсы», «платье», «кросовки» with its typo all reach English titles), English queries get their Russian lemmas.
 * Glossaries and morphology only: the recommender does not read the dictd dictionaries (shop words are in the
 * glossary, and a rare dictionary sense would do more harm in a search box than no translation).
 */
export class QueryLanguageTranslator {
  private readonly reverse = new EnTranslator();

  constructor(private readonly toEnglish: RuEnTranslator) {}

  static async load(): Promise<QueryLanguageTranslator> {
    return new QueryLanguageTranslator(new RuEnTranslator({ morphology: await RussianMorphology.load() }));
  }

  translate(query: string): QueryLanguages {
    if (!CYRILLIC.test(query)) return { english: query, russian: this.reverse.translate(query), translated: false };
    const english = this.toEnglish
      .translate(query)
      .text.replace(/[^\p{L}\p{N}\s'-]+/gu, ' ')
      .split(/\s+/u)
      .map((w) => CATALOGUE_WORDS[w.toLowerCase()] ?? w)
      .join(' ')
      .trim();
    return { english: english.length > 0 ? english : query, russian: [], translated: english.length > 0 };
  }
}
