import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARTICLE_TYPE_TO_PRODUCT_TYPE, BASE_COLOUR_TO_SCHEMA } from '../attributes/attribute-evaluation';
import type { AttributeSchema } from '../attributes/attribute-schema';
import { parseCsv } from '../catalog/csv';
import { stemTokens } from '../features/text-vectorizer';

/** One fashion-product-images product with the labels search queries are built from. */
export interface FashionProduct {
  id: string;
  title: string;
  gender: string;
  masterCategory: string;
  subCategory: string;
  articleType: string;
  baseColour: string;
}

/** styles.csv rows with a title, gender, article type and colour whose id passes `keep` (sorted by id). */
export function readFashionProducts(dataDir: string, keep: (id: string) => boolean): FashionProduct[] {
  const [header, ...rows] = parseCsv(readFileSync(join(dataDir, 'styles.csv'), 'utf8'));
  const col = (name: string) => header.indexOf(name);
  const value = (r: string[], name: string) => {
    const v = (r[col(name)] ?? '').trim();
    return v === 'NA' ? '' : v;
  };
  const out: FashionProduct[] = [];
  for (const r of rows) {
    const id = r[col('id')];
    if (!id || !keep(id)) continue;
    // The display name may hold unquoted commas: everything from its column on is the title.
    const title = r.slice(col('productDisplayName')).join(',').trim();
    const p = {
      id,
      title,
      gender: value(r, 'gender'),
      masterCategory: value(r, 'masterCategory'),
      subCategory: value(r, 'subCategory'),
      articleType: value(r, 'articleType'),
      baseColour: value(r, 'baseColour'),
    };
    if (p.title && p.gender && p.articleType && p.baseColour) out.push(p);
  }
  return out.sort((a, b) => Number(a.id) - Number(b.id));
}

export type QueryLanguage = 'en' | 'ru';

/** A search query written from catalogue labels, with the items whose labels match it. */
export interface LabelQuery {
  text: string;
  language: QueryLanguage;
  labels: { baseColour: string; gender: string; articleType: string };
  /** Items with exactly these colour, gender and article type labels. */
  relevant: Set<string>;
  /** The relevant items whose title contains every query word (stemmed): the ones plain full text can find. */
  literal: Set<string>;
}

/** Russian wording of the catalogue's gender labels (as a shop would write them in a query). */
const GENDER_RU: Readonly<Record<string, string>> = {
  Men: 'мужской',
  Women: 'женский',
  Boys: 'для мальчиков',
  Girls: 'для девочек',
  Unisex: 'унисекс',
};

/** Grammatical gender (or plural) of the schema's Russian product-type nouns, for adjective agreement. */
const RU_NOUN_FORM: Readonly<Record<string, 'm' | 'f' | 'n' | 'pl'>> = {
  't-shirt': 'f',
  shirt: 'f',
  top: 'm',
  kurta: 'f',
  sweater: 'm',
  jacket: 'f',
  dress: 'n',
  saree: 'n',
  skirt: 'f',
  jeans: 'pl',
  trousers: 'pl',
  shorts: 'pl',
  innerwear: 'n',
  socks: 'pl',
  shoes: 'pl',
  sneakers: 'pl',
  sandals: 'pl',
  bag: 'f',
  wallet: 'm',
  belt: 'm',
  watch: 'pl',
  sunglasses: 'pl',
  cap: 'f',
  jewellery: 'pl',
  accessory: 'm',
};

/** A masculine adjective ("синий", "мужской", "тёмно-синий") agreed with a noun's gender or plural. */
export function agreeAdjective(adjective: string, form: 'm' | 'f' | 'n' | 'pl'): string {
  const m = /^(.*?)(н)ий$|^(.*?)([кгхжшчщ])(?:ий|ой)$|^(.*?)(?:ый|ой)$/.exec(adjective);
  if (!m || form === 'm') return adjective;
  if (m[2]) return m[1] + 'н' + { f: 'яя', n: 'ее', pl: 'ие' }[form];
  if (m[4]) return m[3] + m[4] + { f: 'ая', n: 'ое', pl: 'ие' }[form];
  return m[5] + { f: 'ая', n: 'ое', pl: 'ые' }[form];
}

/**
 * The query for one label triple: English "navy blue men tshirts" from the labels as written, or Russian
 * "тёмно-синяя мужская футболка" from the attribute schema's Russian labels, adjectives agreed with the noun as a
 * shopper writes them (undefined when a label has no schema counterpart).
 */
export function labelQueryText(
  labels: LabelQuery['labels'],
  language: QueryLanguage,
  schema: AttributeSchema,
): string | undefined {
  if (language === 'en') return `${labels.baseColour} ${labels.gender} ${labels.articleType}`.toLowerCase();
  const colour = BASE_COLOUR_TO_SCHEMA[labels.baseColour];
  const type = ARTICLE_TYPE_TO_PRODUCT_TYPE[labels.articleType];
  const colourRu = colour && schema.value('colour', colour)?.label.ru;
  const typeRu = type && schema.value('product_type', type)?.label.ru;
  const genderRu = GENDER_RU[labels.gender];
  if (!colourRu || !typeRu || !genderRu) return undefined;
  const form = RU_NOUN_FORM[type] ?? 'm';
  return [agreeAdjective(colourRu, form), agreeAdjective(genderRu, form), typeRu].join(' ');
}

/** Whether every stemmed word of the query occurs among the stemmed words of the title. */
export function titleContainsQuery(title: string, query: string): boolean {
  const words = new Set(stemTokens(title));
  return stemTokens(query).every((w) => words.has(w));
}

/**
 * One query per (baseColour, gender, articleType) triple held by at least `minRelevant` catalogue items, kept only
 * when some relevant item's title does not literally contain every query word (the case semantic search is for).
 */
export function buildLabelQueries(
  products: readonly FashionProduct[],
  language: QueryLanguage,
  schema: AttributeSchema,
  minRelevant = 3,
): LabelQuery[] {
  const groups = new Map<string, FashionProduct[]>();
  for (const p of products) {
    const key = `${p.baseColour}|${p.gender}|${p.articleType}`;
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  const queries: LabelQuery[] = [];
  for (const group of groups.values()) {
    if (group.length < minRelevant) continue;
    const labels = { baseColour: group[0].baseColour, gender: group[0].gender, articleType: group[0].articleType };
    const text = labelQueryText(labels, language, schema);
    if (!text) continue;
    // Literalness is judged on the English wording: Russian queries never match the English titles literally.
    const english = labelQueryText(labels, 'en', schema) as string;
    const literal = new Set(group.filter((p) => titleContainsQuery(p.title, english)).map((p) => p.id));
    if (literal.size === group.length) continue;
    queries.push({ text, language, labels, relevant: new Set(group.map((p) => p.id)), literal });
  }
  return queries.sort((a, b) => b.relevant.size - a.relevant.size || a.text.localeCompare(b.text));
}

export interface QueryScores {
  /** Share of the top k whose labels match the query. */
  precision: number;
  /** Share of the relevant items that are in the top k. */
  recall: number;
  /** Recall over the relevant items whose title does not contain the query words. */
  nonLiteralRecall: number;
  /** Share of the top k with the right article type (colour and gender aside). */
  typePrecision: number;
  /** Whether anything came back. */
  answered: boolean;
}

/** Scores of one ranked list (external ids) for a query at cut-off k. */
export function scoreRanking(
  ranked: readonly string[],
  query: LabelQuery,
  k: number,
  articleTypeOf: ReadonlyMap<string, string>,
): QueryScores {
  const top = ranked.slice(0, k);
  const hits = top.filter((id) => query.relevant.has(id));
  const nonLiteral = [...query.relevant].filter((id) => !query.literal.has(id));
  const nonLiteralHits = hits.filter((id) => !query.literal.has(id)).length;
  return {
    precision: hits.length / k,
    recall: hits.length / query.relevant.size,
    nonLiteralRecall: nonLiteral.length ? nonLiteralHits / nonLiteral.length : 0,
    typePrecision: top.filter((id) => articleTypeOf.get(id) === query.labels.articleType).length / k,
    answered: top.length > 0,
  };
}

/** Macro averages of per-query scores. */
export function meanScores(scores: readonly QueryScores[]): Omit<QueryScores, 'answered'> & { answered: number } {
  const mean = (f: (s: QueryScores) => number) =>
    scores.length ? scores.reduce((a, s) => a + f(s), 0) / scores.length : 0;
  return {
    precision: mean((s) => s.precision),
    recall: mean((s) => s.recall),
    nonLiteralRecall: mean((s) => s.nonLiteralRecall),
    typePrecision: mean((s) => s.typePrecision),
    answered: mean((s) => (s.answered ? 1 : 0)),
  };
}
