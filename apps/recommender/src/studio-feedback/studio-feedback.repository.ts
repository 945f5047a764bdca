import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

export type StudioVerdict = 'like' | 'dislike';

export interface StudioFeedbackRow {
  verdict: StudioVerdict;
  original_prompt: string;
  enhanced_prompt: string;
  occurred_at: Date;
}

export interface StudioFeedbackRecord {
  userId: string;
  generationId: string;
  imageIndex: number;
  feedbackId: string;
  verdict: StudioVerdict;
  originalPrompt: string;
  enhancedPrompt: string;
  occurredAt: string;
  eventId: string;
}

@Injectable()
export class StudioFeedbackRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Records a verdict: one row per user and image, the latest (by when the gateway recorded it) wins, so a
   * changed mind replaces the earlier verdict and a late, older event changes nothing. True if the row changed.
   */
  async upsert(manager: EntityManager, r: StudioFeedbackRecord): Promise<boolean> {
    const rows = (await manager.query(
      `INSERT INTO recommender.studio_feedback
         (user_id, generation_id, image_index, feedback_id, verdict, original_prompt, enhanced_prompt, occurred_at, event_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (user_id, generation_id, image_index) DO UPDATE
         SET feedback_id = EXCLUDED.feedback_id, verdict = EXCLUDED.verdict,
             original_prompt = EXCLUDED.original_prompt, enhanced_prompt = EXCLUDED.enhanced_prompt,
             occurred_at = EXCLUDED.occurred_at, event_id = EXCLUDED.event_id, updated_at = now()
         WHERE recommender.studio_feedback.occurred_at <= EXCLUDED.occurred_at
       RETURNING 1`,
      [
        r.userId,
        r.generationId,
        r.imageIndex,
        r.feedbackId,
        r.verdict,
        r.originalPrompt,
        r.enhancedPrompt,
        r.occurredAt,
        r.eventId,
      ],
    )) as unknown[];
    return rows.length > 0;
  }

  /** One user's most recent studio verdicts (only ever the caller's own). */
  async forUser(userId: string, limit = 50): Promise<StudioFeedbackRow[]> {
    return (await this.dataSource.query(
      `SELECT verdict, original_prompt, enhanced_prompt, occurred_at FROM recommender.studio_feedback
        WHERE user_id = $1 ORDER BY occurred_at DESC LIMIT $2`,
      [userId, limit],
    )) as StudioFeedbackRow[];
  }
}
