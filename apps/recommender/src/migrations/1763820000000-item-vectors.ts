import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The pgvector item index's table (RECOMMENDER_VECTOR_INDEX=pgvector): item id → 1564-d item vector, with an HNSW
 * index for cosine distance. The same DDL as `PgVectorIndex.schemaStatements()` for `itemVectorsOptions`
 * (pgvector-item-index.spec.ts checks). Created only where pgvector is installed in this database (provisioning
 * creates it in this schema when the server offers it); elsewhere this migration does nothing and the pgvector
 * index refuses to start, naming this migration.
 */
export const ITEM_VECTORS_DDL = [
  'CREATE TABLE IF NOT EXISTS "recommender"."item_vectors" (id text PRIMARY KEY, embedding vector(1564) NOT NULL)',
  'CREATE INDEX IF NOT EXISTS "item_vectors_cos_idx" ON "recommender"."item_vectors" USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64)',
];

export class ItemVectors1763820000000 implements MigrationInterface {
  name = 'ItemVectors1763820000000';

  async up(q: QueryRunner): Promise<void> {
    const pgvector = (await q.query(`SELECT 1 FROM pg_extension WHERE extname = 'vector'`)) as unknown[];
    if (pgvector.length === 0) return;
    for (const statement of ITEM_VECTORS_DDL) await q.query(statement);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS recommender.item_vectors');
  }
}
