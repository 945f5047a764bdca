import { Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import type { FeedbackItem, PreferenceModel } from './preference-model';

type Db = EntityManager | DataSource;

export const GLOBAL_SCOPE = 'global';

@Injectable()
export class PreferencesRepository {
  /** The judge's own metrics of an image it scored, with its owner. */
  async prediction(
    db: Db,
    generationId: string,
    index: number,
  ): Promise<{ userId: string; metrics: Record<string, number> } | undefined> {
    const rows = (await db.query(
      'SELECT user_id, metrics FROM judge.predictions WHERE generation_id = $1 AND index = $2',
      [generationId, index],
    )) as Array<{ user_id: string; metrics: Record<string, number> }>;
    return rows[0] && { userId: rows[0].user_id, metrics: rows[0].metrics };
  }

  async upsertFeedback(db: Db, userId: string, feedbackId: string, item: FeedbackItem): Promise<void> {
    await db.query(
      `INSERT INTO judge.feedback (user_id, generation_id, image_index, verdict, components, feedback_id)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (user_id, generation_id, image_index)
       DO UPDATE SET verdict = EXCLUDED.verdict, components = EXCLUDED.components,
                     feedback_id = EXCLUDED.feedback_id, updated_at = now()`,
      [userId, item.generationId, item.imageIndex, item.verdict, JSON.stringify(item.components), feedbackId],
    );
  }

  /** The most recent verdicts (of one user, or of everyone), whole requests only as far as `limit` allows. */
  async feedback(db: Db, userId: string | undefined, limit: number): Promise<FeedbackItem[]> {
    const rows = (await db.query(
      `SELECT generation_id, image_index, verdict, components FROM judge.feedback
        WHERE ($1::uuid IS NULL OR user_id = $1::uuid)
        ORDER BY updated_at DESC LIMIT $2`,
      [userId ?? null, limit],
    )) as Array<{
      generation_id: string;
      image_index: number;
      verdict: 'like' | 'dislike';
      components: Record<string, number>;
    }>;
    return rows.map((r) => ({
      generationId: r.generation_id,
      imageIndex: r.image_index,
      verdict: r.verdict,
      components: r.components,
    }));
  }

  async saveModel(db: Db, scope: string, model: PreferenceModel): Promise<void> {
    await db.query(
      `INSERT INTO judge.preference_weights (scope, features, theta, pairs) VALUES ($1, $2, $3, $4)
       ON CONFLICT (scope) DO UPDATE
         SET features = EXCLUDED.features, theta = EXCLUDED.theta, pairs = EXCLUDED.pairs, updated_at = now()`,
      [scope, JSON.stringify(model.features), JSON.stringify(model.theta), model.pairs],
    );
  }

  /** Stored models for these scopes, by scope. */
  async models(db: Db, scopes: string[]): Promise<Map<string, PreferenceModel>> {
    const rows = (await db.query(
      'SELECT scope, features, theta, pairs FROM judge.preference_weights WHERE scope = ANY($1)',
      [scopes],
    )) as Array<{ scope: string; features: string[]; theta: number[]; pairs: number }>;
    return new Map(rows.map((r) => [r.scope, { features: r.features, theta: r.theta, pairs: r.pairs }]));
  }
}
