import { newStemmer } from 'snowball-stemmers';

const english = newStemmer('english');
const russian = newStemmer('russian');

// Function words that carry no product meaning (short lists: titles are short).
const STOPWORDS = new Set(
  (
    'a an and the of for with in on to by at from or is are set pack ' +
    'и в во на с со для по из от до к у о об или не что это набор'
  ).split(' '),
);

const CYRILLIC = /[\u0400-\u04ff]/;

/** Lower-cased words of letters and digits, stop words dropped, Snowball-stemmed in Russian or English. */
export function stemTokens(text: string): string[] {
  const words = text
    .toLowerCase()
    .replace(/ё/g, 'е')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 1 && !STOPWORDS.has(w));
  return words.map((w) => (CYRILLIC.test(w) ? russian.stem(w) : /^\p{N}+$/u.test(w) ? w : english.stem(w)));
}

export interface TextSource {
  title: string;
  description?: string;
  categoryPath: readonly string[];
  attributes: Readonly<Record<string, string | number | boolean>>;
}

/**
 * Tokens of an item: stemmed words of title, description and category, plus exact `c:` category and
 * `a:name=value` attribute tokens, so "Blue" the colour and "blue" in a title both count.
 */
export function itemTokens(item: TextSource): string[] {
  const tokens = stemTokens([item.title, item.description ?? '', ...item.categoryPath].join(' '));
  for (const c of item.categoryPath) tokens.push(`c:${c.toLowerCase()}`);
  for (const [name, value] of Object.entries(item.attributes)) {
    const v = String(value).toLowerCase();
    tokens.push(`a:${name.toLowerCase()}=${v}`);
    tokens.push(...stemTokens(v));
  }
  return tokens;
}

/** FNV-1a 32-bit hash of a token. */
function hash(token: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < token.length; i++) {
    h ^= token.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Serialisable corpus statistics of a fitted vectorizer. */
export interface Bm25State {
  dimensions: number;
  k1: number;
  b: number;
  docs: number;
  totalLength: number;
  df: Array<[string, number]>;
}

export interface Bm25Options {
  dimensions?: number;
  k1?: number;
  b?: number;
}

/**
 * BM25-weighted bag of words hashed into a fixed number of dimensions (signed hashing keeps collisions
 * unbiased), L2-normalised, so cosine between two items approximates their BM25 overlap.
 */
export class Bm25Vectorizer {
  readonly dimensions: number;
  private readonly k1: number;
  private readonly b: number;
  private readonly df = new Map<string, number>();
  private docs = 0;
  private totalLength = 0;

  constructor(options: Bm25Options = {}) {
    this.dimensions = options.dimensions ?? 256;
    this.k1 = options.k1 ?? 1.2;
    this.b = options.b ?? 0.75;
  }

  /** Adds documents to the corpus statistics (document frequencies and mean length). */
  fit(documents: Iterable<readonly string[]>): this {
    for (const doc of documents) {
      this.docs++;
      this.totalLength += doc.length;
      for (const t of new Set(doc)) this.df.set(t, (this.df.get(t) ?? 0) + 1);
    }
    return this;
  }

  state(): Bm25State {
    const { dimensions, k1, b, docs, totalLength } = this;
    return { dimensions, k1, b, docs, totalLength, df: [...this.df] };
  }

  static fromState(state: Bm25State): Bm25Vectorizer {
    const v = new Bm25Vectorizer({ dimensions: state.dimensions, k1: state.k1, b: state.b });
    v.docs = state.docs;
    v.totalLength = state.totalLength;
    for (const [t, n] of state.df) v.df.set(t, n);
    return v;
  }

  /** Whether any fitted document used the token. */
  has(token: string): boolean {
    return this.df.has(token);
  }

  idf(token: string): number {
    const df = this.df.get(token) ?? 0;
    return Math.log(1 + (this.docs - df + 0.5) / (df + 0.5));
  }

  /** Sparse BM25 weights of one document. */
  weights(tokens: readonly string[]): Map<string, number> {
    const tf = new Map<string, number>();
    for (const t of tokens) tf.set(t, (tf.get(t) ?? 0) + 1);
    const avg = this.docs ? this.totalLength / this.docs : tokens.length || 1;
    const norm = 1 - this.b + (this.b * tokens.length) / (avg || 1);
    const out = new Map<string, number>();
    for (const [t, f] of tf) out.set(t, (this.idf(t) * (f * (this.k1 + 1))) / (f + this.k1 * norm));
    return out;
  }

  vector(tokens: readonly string[], into = new Float32Array(this.dimensions)): Float32Array {
    for (const [t, w] of this.weights(tokens)) {
      const h = hash(t);
      into[h % this.dimensions] += h & 0x80000000 ? -w : w;
    }
    let sum = 0;
    for (let i = 0; i < into.length; i++) sum += into[i] * into[i];
    if (sum > 0) for (let i = 0; i < into.length; i++) into[i] /= Math.sqrt(sum);
    return into;
  }
}
