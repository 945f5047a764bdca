import { HttpStatus, Injectable } from '@nestjs/common';
import { ApiError } from '@atelier/service-kit';
import { AttributeSchema } from '../attributes/attribute-schema';
import { ContrastiveEncoder } from '../contrastive/contrastive-encoder';
import { ItemRepository, type ItemRow, type SearchHit } from '../catalog/item.repository';
import { toItemView, type ItemView } from '../catalog/item-view';
import { reciprocalRankFusion, RRF_K, type SearchSource } from './rank-fusion';
import { QueryTranslator } from './query-translator';
import { QueryLanguageTranslator } from './russian-query';
import { SemanticItemIndex } from './semantic-item-index';

export const SEARCH_MODES = ['hybrid', 'lexical', 'semantic'] as const;
export type SearchMode = (typeof SEARCH_MODES)[number];

/** Candidates each retriever contributes to the fusion (at least the page size). */
const FUSION_DEPTH = 50;

export interface SearchResultItem extends ItemView {
  /** What the list is ordered by: RRF score (hybrid), ts_rank + trigram similarity (lexical), cosine (semantic). */
  score: number;
  /** The retrievers that found the item: `text` (full text / trigram), `image` (text tower → photo embeddings). */
  matchedBy: SearchSource[];
  /** Full-text rank and trigram similarity when the text retriever found it (null otherwise). */
  rank: number | null;
  similarity: number | null;
  /** Cosine between the query's text-tower embedding and the photo's image-tower embedding when found by image. */
  imageSimilarity: number | null;
}

export interface SearchResponse {
  query: string;
  mode: SearchMode;
  /** Whether the contrastive text tower took part (false: no checkpoint loaded, full-text search only). */
  semantic: boolean;
  /** Query words the text tower never saw in training and so left out of the semantic query. */
  ignoredTerms?: string[];
  /** The query's English form when it was Russian (through @atelier/ru-en), used by full text and the text tower. */
  english?: string;
  /** Russian attribute words read as these English schema labels for the (English-trained) text tower. */
  translated?: string[];
  /** How the two lists were combined (hybrid only). */
  fusion?: { method: 'rrf'; k: number };
  items: SearchResultItem[];
}

/**
 * Catalogue search. Lexical: PostgreSQL full text (English + Russian stemming) or word trigram similarity.
 * Semantic (with a contrastive checkpoint): the query through the text tower, nearest items by their photos'
 * image-tower embeddings (Russian attribute words read through the schema's labels first: the tower knows English
 * only). Hybrid (the default when a checkpoint is loaded) fuses both ranked lists with reciprocal rank fusion and
 * says per item which retriever found it. Without a checkpoint it is the lexical search, unchanged.
 */
@Injectable()
export class CatalogSearchService {
  private readonly translator = new QueryTranslator(new AttributeSchema());

  constructor(
    private readonly items: ItemRepository,
    private readonly encoder: ContrastiveEncoder,
    private readonly semanticIndex: SemanticItemIndex,
    private readonly languages: QueryLanguageTranslator,
  ) {}

  /**
   * Full text over English titles with the query's English form, and over the titles as typed: a shop may have
   * Russian titles too, and those word-for-word matches («платья» → «Синее летнее платье») come first. Typed hits
   * found only by trigram similarity are left out when the translation finds something (fuzzy Cyrillic against
   * English titles is noise); with no English hit the search is the query as typed.
   */
  private async lexical(query: string, limit: number): Promise<SearchHit[]> {
    const languages = this.languages.translate(query);
    if (!languages.translated) return this.items.search(query, limit);
    const [inEnglish, asTyped] = await Promise.all([
      this.items.search(languages.english, limit),
      this.items.search(query, limit),
    ]);
    if (inEnglish.length === 0) return asTyped;
    const seen = new Set<string>();
    const merged: SearchHit[] = [];
    for (const hit of [...asTyped.filter((h) => Number(h.rank) > 0), ...inEnglish]) {
      if (seen.has(hit.id)) continue;
      seen.add(hit.id);
      merged.push(hit);
    }
    return merged.slice(0, limit);
  }

  async search(query: string, limit: number, requested?: SearchMode): Promise<SearchResponse> {
    if (requested === 'semantic' && !this.encoder.ready) {
      throw new ApiError(
        HttpStatus.CONFLICT,
        'semantic_unavailable',
        'semantic search needs a contrastive checkpoint (npm run train:contrastive), none is loaded',
      );
    }
    // Without a checkpoint a hybrid request is the lexical search it always was (and says so).
    const mode: SearchMode = this.encoder.ready ? (requested ?? 'hybrid') : 'lexical';
    if (mode === 'lexical') {
      const hits = await this.lexical(query, limit);
      const languages = this.languages.translate(query);
      return {
        query,
        mode,
        semantic: false,
        ...(languages.translated ? { english: languages.english } : {}),
        items: hits.map((h) => lexicalItem(h, Number(h.rank) + Number(h.similarity))),
      };
    }

    const depth = Math.max(limit, FUSION_DEPTH);
    const languages = this.languages.translate(query);
    const english = this.translator.translate(languages.translated ? languages.english : query);
    const encoded = this.encoder.encodeStems(english.stems);
    const [lexical, visual] = await Promise.all([
      mode === 'hybrid' ? this.lexical(query, depth) : Promise.resolve([]),
      encoded?.embedding ? this.semanticIndex.search(encoded.embedding, mode === 'semantic' ? limit : depth) : [],
    ]);
    const ignoredTerms = encoded?.ignored ?? [];
    const translated = english.translated.map((t) => t.to);
    if (mode === 'semantic') {
      const rows = await this.items.findByIds(visual.map((h) => h.id));
      const items = visual.flatMap((h) => {
        const row = rows.get(h.id);
        return row ? [visualItem(row, h.score)] : [];
      });
      return { query, mode, semantic: true, ignoredTerms, translated, items };
    }

    const fused = reciprocalRankFusion([
      { source: 'text', ids: lexical.map((h) => h.id) },
      { source: 'image', ids: visual.map((h) => h.id) },
    ]).slice(0, limit);
    const lexicalById = new Map(lexical.map((h) => [h.id, h]));
    const cosine = new Map(visual.map((h) => [h.id, h.score]));
    const missing = fused.filter((r) => !lexicalById.has(r.id)).map((r) => r.id);
    const rows = await this.items.findByIds(missing);
    const items = fused.flatMap((r): SearchResultItem[] => {
      const hit = lexicalById.get(r.id);
      const row = hit ?? rows.get(r.id);
      if (!row) return [];
      return [
        {
          ...toItemView(row),
          score: r.score,
          matchedBy: r.matchedBy,
          rank: hit ? Number(hit.rank) : null,
          similarity: hit ? Number(hit.similarity) : null,
          imageSimilarity: cosine.get(r.id) ?? null,
        },
      ];
    });
    return { query, mode, semantic: true, ignoredTerms, translated, fusion: { method: 'rrf', k: RRF_K }, items };
  }
}

function lexicalItem(hit: SearchHit, score: number): SearchResultItem {
  return {
    ...toItemView(hit),
    score,
    matchedBy: ['text'],
    rank: Number(hit.rank),
    similarity: Number(hit.similarity),
    imageSimilarity: null,
  };
}

function visualItem(row: ItemRow, cosine: number): SearchResultItem {
  return {
    ...toItemView(row),
    score: cosine,
    matchedBy: ['image'],
    rank: null,
    similarity: null,
    imageSimilarity: cosine,
  };
}
