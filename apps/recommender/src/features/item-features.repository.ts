import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

export interface ItemFeatures {
  itemId: string;
  tokens: string[];
  colour: Float32Array | null;
  image: Float32Array | null;
  imageModel: string | null;
  /** CNN features of the photo scaled into the contrastive photo box; null when the photo already fits it. */
  towerImage: Float32Array | null;
}

const toBytes = (v: Float32Array | null): Buffer | null =>
  v ? Buffer.from(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength)) : null;
const fromBytes = (b: Buffer | null): Float32Array | null =>
  b ? new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)) : null;

@Injectable()
export class ItemFeaturesRepository {
  constructor(private readonly dataSource: DataSource) {}

  async upsert(m: EntityManager, f: ItemFeatures): Promise<void> {
    await m.query(
      `INSERT INTO recommender.item_features (item_id, tokens, colour, image, image_model, tower_image)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (item_id) DO UPDATE SET tokens = EXCLUDED.tokens, colour = EXCLUDED.colour,
         image = EXCLUDED.image, image_model = EXCLUDED.image_model, tower_image = EXCLUDED.tower_image,
         updated_at = now()`,
      [f.itemId, f.tokens, toBytes(f.colour), toBytes(f.image), f.imageModel, toBytes(f.towerImage)],
    );
  }

  async all(): Promise<ItemFeatures[]> {
    const rows = (await this.dataSource.query(
      `SELECT item_id, tokens, colour, image, image_model, tower_image FROM recommender.item_features ORDER BY item_id`,
    )) as Array<{
      item_id: string;
      tokens: string[];
      colour: Buffer | null;
      image: Buffer | null;
      image_model: string | null;
      tower_image: Buffer | null;
    }>;
    return rows.map((r) => ({
      itemId: r.item_id,
      tokens: r.tokens,
      colour: fromBytes(r.colour),
      image: fromBytes(r.image),
      imageModel: r.image_model,
      towerImage: fromBytes(r.tower_image),
    }));
  }

  /** Changes of the item features alone (not interactions): what derived item indexes rebuild on. */
  async featuresVersion(): Promise<string> {
    const rows = (await this.dataSource.query(
      `SELECT count(*) || ':' || coalesce(max(updated_at)::text, '') AS v FROM recommender.item_features`,
    )) as Array<{ v: string }>;
    return rows[0].v;
  }

  /** Changes since a refresh: cheap enough to poll. */
  async version(): Promise<string> {
    const rows = (await this.dataSource.query(
      `SELECT (SELECT count(*) FROM recommender.item_features) || ':' ||
              coalesce((SELECT max(updated_at)::text FROM recommender.item_features), '') || ':' ||
              coalesce((SELECT max(id)::text FROM recommender.interactions), '') AS v`,
    )) as Array<{ v: string }>;
    return rows[0].v;
  }
}
