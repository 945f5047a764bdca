import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { AttributeValue } from '../attributes/attribute-extractor';

export type PhotoPurpose = 'catalog' | 'query';
export type PhotoStatus = 'pending' | 'annotated' | 'failed';

export interface PhotoRow {
  id: string;
  owner_id: string;
  purpose: PhotoPurpose;
  image_key: string;
  format: string;
  width: number;
  height: number;
  status: PhotoStatus;
  attributes: AttributeValue[];
  embedding: Buffer | null;
  embedding_model: string | null;
  failure: { code: string; reason: string } | null;
  created_at: Date;
  annotated_at: Date | null;
  updated_at: Date;
}

/** A visual-search match's product, as the API answers it. */
export interface PhotoProduct {
  id: string;
  shop_id: string;
  external_id: string;
  title: string;
  price: number | null;
  currency: string;
  image_url: string | null;
}

const COLUMNS = `id, owner_id, purpose, image_key, format, width, height, status, attributes, embedding, embedding_model,
  failure, created_at, annotated_at, updated_at`;

export const toBytes = (v: Float32Array): Buffer =>
  Buffer.from(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength));
export const fromBytes = (b: Buffer): Float32Array =>
  new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));

@Injectable()
export class PhotoRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(
    m: EntityManager,
    p: {
      id: string;
      ownerId: string;
      purpose: PhotoPurpose;
      imageKey: string;
      format: string;
      width: number;
      height: number;
    },
  ): Promise<void> {
    await m.query(
      `INSERT INTO recommender.photos (id, owner_id, purpose, image_key, format, width, height, status)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending')`,
      [p.id, p.ownerId, p.purpose, p.imageKey, p.format, p.width, p.height],
    );
  }

  async find(id: string, m: EntityManager | DataSource = this.dataSource): Promise<PhotoRow | undefined> {
    const rows = (await m.query(`SELECT ${COLUMNS} FROM recommender.photos WHERE id = $1`, [id])) as PhotoRow[];
    return rows[0];
  }

  /** Photos by id that the owner may use (their own, or any catalog photo). */
  async usable(ids: readonly string[], ownerId: string): Promise<PhotoRow[]> {
    if (ids.length === 0) return [];
    return (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM recommender.photos WHERE id = ANY($1::uuid[]) AND (owner_id = $2 OR purpose = 'catalog')`,
      [ids, ownerId],
    )) as PhotoRow[];
  }

  /** The newest annotated catalogue photo of each item (items used as visual-search examples). */
  async itemPhotos(itemIds: readonly string[]): Promise<Map<string, string>> {
    if (itemIds.length === 0) return new Map();
    const rows = (await this.dataSource.query(
      `SELECT DISTINCT ON (item_id) item_id, id FROM recommender.photos
        WHERE item_id = ANY($1::uuid[]) AND purpose = 'catalog' AND status = 'annotated'
        ORDER BY item_id, updated_at DESC`,
      [itemIds],
    )) as Array<{ item_id: string; id: string }>;
    return new Map(rows.map((r) => [r.item_id, r.id]));
  }

  /** The product behind each catalogue photo that belongs to an item (title, price, currency, shop). */
  async productsOf(photoIds: readonly string[]): Promise<Map<string, PhotoProduct>> {
    if (photoIds.length === 0) return new Map();
    const rows = (await this.dataSource.query(
      `SELECT p.id AS photo_id, i.id, i.shop_id, i.external_id, i.title, i.price_minor, i.currency,
              i.image_key IS NOT NULL AS has_image
         FROM recommender.photos p JOIN recommender.items i ON i.id = p.item_id
        WHERE p.id = ANY($1::uuid[])`,
      [photoIds],
    )) as Array<{
      photo_id: string;
      id: string;
      shop_id: string;
      external_id: string;
      title: string;
      price_minor: string | null;
      currency: string;
      has_image: boolean;
    }>;
    return new Map(
      rows.map((r) => [
        r.photo_id,
        {
          id: r.id,
          shop_id: r.shop_id,
          external_id: r.external_id,
          title: r.title,
          price: r.price_minor === null ? null : Number(r.price_minor) / 100,
          currency: r.currency,
          image_url: r.has_image ? `/v1/catalog/items/${r.id}/image` : null,
        },
      ]),
    );
  }

  async listByOwner(ownerId: string, limit: number): Promise<PhotoRow[]> {
    return (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM recommender.photos WHERE owner_id = $1 ORDER BY created_at DESC LIMIT $2`,
      [ownerId, limit],
    )) as PhotoRow[];
  }

  /** Marks photos pending again for reprocessing; owner-scoped unless ownerId is undefined (admin). */
  async requeue(
    m: EntityManager,
    filter: { ids?: readonly string[]; status?: PhotoStatus; ownerId?: string; limit: number },
  ): Promise<PhotoRow[]> {
    const res = (await m.query(
      `UPDATE recommender.photos SET status = 'pending', failure = NULL, updated_at = now()
        WHERE id IN (
          SELECT id FROM recommender.photos
           WHERE ($1::uuid[] IS NULL OR id = ANY($1::uuid[]))
             AND ($2::text IS NULL OR status = $2)
             AND ($3::uuid IS NULL OR owner_id = $3)
           ORDER BY created_at LIMIT $4)
        RETURNING ${COLUMNS}`,
      [filter.ids ?? null, filter.status ?? null, filter.ownerId ?? null, filter.limit],
    )) as [PhotoRow[], number];
    // The pg driver answers UPDATE … RETURNING with [rows, affected].
    return res[0];
  }

  async markAnnotated(
    m: EntityManager,
    id: string,
    a: { attributes: AttributeValue[]; embedding: Float32Array; embeddingModel: string; faceEmbedding?: Float32Array },
  ): Promise<void> {
    await m.query(
      `UPDATE recommender.photos SET status = 'annotated', attributes = $2::jsonb, embedding = $3, embedding_model = $4,
         face_embedding = $5, failure = NULL, annotated_at = now(), updated_at = now() WHERE id = $1`,
      [
        id,
        JSON.stringify(a.attributes),
        toBytes(a.embedding),
        a.embeddingModel,
        a.faceEmbedding ? toBytes(a.faceEmbedding) : null,
      ],
    );
  }

  async markFailed(m: EntityManager, id: string, failure: { code: string; reason: string }): Promise<void> {
    await m.query(
      `UPDATE recommender.photos SET status = 'failed', failure = $2::jsonb, updated_at = now() WHERE id = $1`,
      [id, JSON.stringify(failure)],
    );
  }

  /** Annotated catalog photos changed after a time (incremental loads of the search index). */
  async annotatedCatalogSince(since: Date | null): Promise<PhotoRow[]> {
    return (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM recommender.photos
        WHERE purpose = 'catalog' AND ($1::timestamptz IS NULL OR updated_at > $1) ORDER BY updated_at`,
      [since],
    )) as PhotoRow[];
  }
}
