import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface LikedItemRow {
  interaction_id: string;
  item_id: string;
  title: string;
  attributes: Record<string, string | number | boolean>;
  colour: Buffer | null;
  image: Buffer | null;
}

export interface StoredStyleProfile {
  model: unknown;
  likes: number;
  last_interaction_id: string;
  updated_at: Date;
}

@Injectable()
export class StyleProfileRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The user's liked and purchased items with their stored features, oldest first. */
  async likedItems(userId: string, limit = 2000): Promise<LikedItemRow[]> {
    return (await this.dataSource.query(
      `SELECT DISTINCT ON (i.item_id) i.id AS interaction_id, i.item_id, it.title, it.attributes, f.colour, f.image
         FROM recommender.interactions i
         JOIN recommender.items it ON it.id = i.item_id
         JOIN recommender.item_features f ON f.item_id = i.item_id
        WHERE i.user_id = $1 AND i.kind IN ('like', 'purchase')
        ORDER BY i.item_id, i.id
        LIMIT $2`,
      [userId, limit],
    )) as LikedItemRow[];
  }

  async find(userId: string): Promise<StoredStyleProfile | undefined> {
    const rows = (await this.dataSource.query(
      `SELECT model, likes, last_interaction_id, updated_at FROM recommender.style_profiles WHERE user_id = $1`,
      [userId],
    )) as StoredStyleProfile[];
    return rows[0];
  }

  async save(userId: string, model: unknown, likes: number, lastInteractionId: string): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO recommender.style_profiles (user_id, model, likes, last_interaction_id) VALUES ($1, $2::jsonb, $3, $4)
       ON CONFLICT (user_id) DO UPDATE SET model = EXCLUDED.model, likes = EXCLUDED.likes,
         last_interaction_id = EXCLUDED.last_interaction_id, updated_at = now()`,
      [userId, JSON.stringify(model), likes, lastInteractionId],
    );
  }
}
