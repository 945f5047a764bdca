import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Recommendation } from './recommendation-engine';

export interface RecommendationTaskRow {
  id: string;
  user_id: string;
  k: number;
  status: 'pending' | 'completed' | 'failed';
  result: { strategy: string; items: Recommendation[] } | null;
  failure: { code: string; reason: string } | null;
  created_at: Date;
  completed_at: Date | null;
}

@Injectable()
export class RecommendationTaskRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(m: EntityManager, t: { id: string; userId: string; k: number }): Promise<void> {
    await m.query(
      `INSERT INTO recommender.recommendation_tasks (id, user_id, k, status) VALUES ($1, $2, $3, 'pending')`,
      [t.id, t.userId, t.k],
    );
  }

  /** Locks the task for the worker's transaction; a concurrent redelivery waits and then sees it done. */
  async lockPending(m: EntityManager, id: string): Promise<RecommendationTaskRow | undefined> {
    const rows = (await m.query(
      `SELECT * FROM recommender.recommendation_tasks WHERE id = $1 AND status = 'pending' FOR UPDATE`,
      [id],
    )) as RecommendationTaskRow[];
    return rows[0];
  }

  async complete(m: EntityManager, id: string, result: RecommendationTaskRow['result']): Promise<void> {
    await m.query(
      `UPDATE recommender.recommendation_tasks SET status = 'completed', result = $2::jsonb, completed_at = now()
        WHERE id = $1 AND status = 'pending'`,
      [id, JSON.stringify(result)],
    );
  }

  async fail(m: EntityManager, id: string, failure: { code: string; reason: string }): Promise<boolean> {
    const res = (await m.query(
      `UPDATE recommender.recommendation_tasks SET status = 'failed', failure = $2::jsonb, completed_at = now()
        WHERE id = $1 AND status = 'pending'`,
      [id, JSON.stringify(failure)],
    )) as [unknown[], number];
    return res[1] > 0;
  }

  /** Scoped to the owner: another user's task reads as not found. */
  async findOwned(id: string, userId: string): Promise<RecommendationTaskRow | undefined> {
    const rows = (await this.dataSource.query(
      `SELECT * FROM recommender.recommendation_tasks WHERE id = $1 AND user_id = $2`,
      [id, userId],
    )) as RecommendationTaskRow[];
    return rows[0];
  }
}
