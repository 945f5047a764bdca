import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

export interface ItemRow {
  id: string;
  shop_id: string;
  external_id: string;
  title: string;
  description: string;
  category_path: string[];
  attributes: Record<string, string | number | boolean>;
  price_minor: string | null;
  currency: string;
  image_key: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface ItemWrite {
  id: string;
  /** The owning shop (its account id, or PLATFORM_SHOP_ID). */
  shopId: string;
  externalId: string;
  title: string;
  description: string;
  categoryPath: string[];
  attributes: Record<string, string | number | boolean>;
  priceMinor: number | null;
  currency: string;
  imageKey: string | null;
}

export interface SearchHit extends ItemRow {
  rank: number;
  similarity: number;
}

const COLUMNS = `id, shop_id, external_id, title, description, category_path, attributes, price_minor, currency, image_key,
  created_at, updated_at`;

/** The catalog table. The search document is title + category + attribute values. */
@Injectable()
export class ItemRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Inserts or updates by (shop, external id): a shop only ever updates its own items; returns the stored id and whether it was new. */
  async upsert(m: EntityManager, item: ItemWrite): Promise<{ id: string; created: boolean; image_key: string | null }> {
    const searchText = [item.title, ...item.categoryPath, ...Object.values(item.attributes).map(String)].join(' ');
    const rows = (await m.query(
      `INSERT INTO recommender.items
         (id, external_id, title, description, category_path, attributes, price_minor, currency, image_key, search_text,
          shop_id)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, $10, $11)
       ON CONFLICT (shop_id, external_id) DO UPDATE SET
         title = EXCLUDED.title, description = EXCLUDED.description, category_path = EXCLUDED.category_path,
         attributes = EXCLUDED.attributes, price_minor = EXCLUDED.price_minor, currency = EXCLUDED.currency,
         image_key = COALESCE(EXCLUDED.image_key, recommender.items.image_key),
         search_text = EXCLUDED.search_text, updated_at = now()
       RETURNING id, image_key, (xmax = 0) AS created`,
      [
        item.id,
        item.externalId,
        item.title,
        item.description,
        item.categoryPath,
        JSON.stringify(item.attributes),
        item.priceMinor,
        item.currency,
        item.imageKey,
        searchText,
        item.shopId,
      ],
    )) as Array<{ id: string; created: boolean; image_key: string | null }>;
    return rows[0];
  }

  async findById(id: string, m: EntityManager | DataSource = this.dataSource): Promise<ItemRow | undefined> {
    const rows = (await m.query(`SELECT ${COLUMNS} FROM recommender.items WHERE id = $1`, [id])) as ItemRow[];
    return rows[0];
  }

  async findByIds(ids: readonly string[]): Promise<Map<string, ItemRow>> {
    if (ids.length === 0) return new Map();
    const rows = (await this.dataSource.query(`SELECT ${COLUMNS} FROM recommender.items WHERE id = ANY($1::uuid[])`, [
      ids,
    ])) as ItemRow[];
    return new Map(rows.map((r) => [r.id, r]));
  }

  async list(limit: number, afterId?: string): Promise<ItemRow[]> {
    return (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM recommender.items WHERE ($1::uuid IS NULL OR id > $1) ORDER BY id LIMIT $2`,
      [afterId ?? null, limit],
    )) as ItemRow[];
  }

  async all(): Promise<ItemRow[]> {
    return (await this.dataSource.query(`SELECT ${COLUMNS} FROM recommender.items ORDER BY id`)) as ItemRow[];
  }

  /**
   * Full-text match in English and Russian (stemmed), or a title word within trigram distance (typos).
   * Ranked by text rank plus word similarity.
   */
  async search(query: string, limit: number): Promise<SearchHit[]> {
    return this.dataSource.transaction(async (m) => {
      // Typos such as "jeens" share ~1/3 of their trigrams with the word; the default 0.5 would miss them.
      // Strict word similarity compares whole words, so "jeens" is nearer "jeans" than "mens".
      await m.query(`SELECT set_config('pg_trgm.strict_word_similarity_threshold', '0.3', true)`);
      return (await m.query(
        `WITH q AS (
           SELECT websearch_to_tsquery('english', $1) || websearch_to_tsquery('russian', $1) AS ts, lower($1) AS text
         )
         SELECT ${COLUMNS.replace(/(\w+)/g, 'i.$1')}, ts_rank(i.search, q.ts) AS rank,
                (strict_word_similarity(q.text, lower(i.title)) + strict_word_similarity(q.text, lower(i.search_text))) / 2
                  AS similarity
           FROM recommender.items i, q
          WHERE i.search @@ q.ts OR q.text <<% lower(i.search_text)
          ORDER BY ts_rank(i.search, q.ts) +
                   (strict_word_similarity(q.text, lower(i.title)) + strict_word_similarity(q.text, lower(i.search_text))) / 2 DESC,
                   i.id
          LIMIT $2`,
        [query, limit],
      )) as SearchHit[];
    });
  }
}
