import type { AttributeSchema } from '../attributes/attribute-schema';
import { stemTokens } from '../features/text-vectorizer';

/** The attributes whose Russian labels a shopper types into a search box. */
const QUERY_ATTRIBUTES = ['colour', 'product_type', 'gender'];

export interface TranslatedQuery {
  /** Stemmed words for the text tower: translated labels in English, every other word as it was. */
  stems: string[];
  /** Which Russian words became which English ones. */
  translated: Array<{ from: string; to: string }>;
}

interface Entry {
  stems: string[];
  english: string[];
  label: string;
}

/**
 * Russian → English for the semantic side of a query, from the attribute schema's bilingual labels: the
 * contrastive text tower was trained on English catalogue text only and has never seen a Russian word. The stems of
 * every Russian label ("тёмно-синий" → темн син) are looked for in the query, longest label first, so inflected
 * forms match too ("синяя", "синие" → син); a match becomes the value's English catalogue terms (else its English
 * label). Everything else passes through, so English and mixed queries are unchanged.
 */
export class QueryTranslator {
  private readonly entries: Entry[];

  constructor(schema: AttributeSchema, attributes: readonly string[] = QUERY_ATTRIBUTES) {
    this.entries = attributes
      .flatMap((name) => schema.spec(name)?.values ?? [])
      .map((v) => ({
        stems: stemTokens(v.label.ru),
        english: stemTokens((v.terms ?? [v.label.en]).join(' ')),
        label: v.label.en,
      }))
      .filter((e) => e.stems.length > 0)
      .sort((a, b) => b.stems.length - a.stems.length);
  }

  translate(query: string): TranslatedQuery {
    const words = stemTokens(query);
    const stems: string[] = [];
    const translated: TranslatedQuery['translated'] = [];
    for (let i = 0; i < words.length;) {
      const entry = this.entries.find((e) => e.stems.every((s, j) => words[i + j] === s));
      if (entry) {
        stems.push(...entry.english);
        translated.push({ from: words.slice(i, i + entry.stems.length).join(' '), to: entry.label });
        i += entry.stems.length;
      } else stems.push(words[i++]);
    }
    return { stems, translated };
  }
}
