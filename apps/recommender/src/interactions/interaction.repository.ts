import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { InteractionKind } from './interaction-kinds';

export interface InteractionRow {
  id: string;
  user_id: string;
  item_id: string;
  kind: InteractionKind;
  weight: number;
  created_at: Date;
}

@Injectable()
export class InteractionRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(userId: string, itemId: string, kind: InteractionKind, weight: number): Promise<InteractionRow> {
    const rows = (await this.dataSource.query(
      `INSERT INTO recommender.interactions (user_id, item_id, kind, weight) VALUES ($1, $2, $3, $4)
       RETURNING id, user_id, item_id, kind, weight, created_at`,
      [userId, itemId, kind, weight],
    )) as InteractionRow[];
    return rows[0];
  }

  /** One user's most recent interactions (only ever the caller's own). */
  async forUser(userId: string, limit = 500): Promise<InteractionRow[]> {
    return (await this.dataSource.query(
      `SELECT id, user_id, item_id, kind, weight, created_at FROM recommender.interactions
        WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`,
      [userId, limit],
    )) as InteractionRow[];
  }

  /**
   * Every (user, item) pair with its summed weight and when the user first touched it, for training the
   * collaborative model and the sequential rules (which follow each user's order).
   */
  async aggregated(): Promise<Array<{ user_id: string; item_id: string; weight: number; first_at: Date }>> {
    return (await this.dataSource.query(
      `SELECT user_id, item_id, sum(weight)::real AS weight, min(created_at) AS first_at
         FROM recommender.interactions GROUP BY user_id, item_id`,
    )) as Array<{ user_id: string; item_id: string; weight: number; first_at: Date }>;
  }
}
