import { randomUUID } from 'node:crypto';
import { HttpStatus, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Outbox } from '@atelier/messaging';
import { ApiError } from '@atelier/service-kit';
import type { GenerationRow } from './generation-read-model.repository';

export type Verdict = 'like' | 'dislike';

export interface FeedbackResult {
  id: string;
  rank: number;
  imageIndex: number;
  verdict: Verdict;
  /** False when the same verdict was already recorded (nothing published again). */
  changed: boolean;
}

/**
 * A like or dislike per image of a completed generation: stored (one verdict per user and image, the latest
 * wins) and announced as `feedback.submitted` in the same transaction, with the context the enhancer and
 * the recommender learn from taken from the read model.
 */
@Injectable()
export class GenerationFeedback {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
  ) {}

  async submit(userId: string, generation: GenerationRow, rank: number, verdict: Verdict): Promise<FeedbackResult> {
    if (generation.status !== 'completed') {
      throw new ApiError(HttpStatus.CONFLICT, 'not_completed', 'feedback is possible once the generation completed');
    }
    const image = generation.images.find((i) => i.rank === rank);
    if (!image) throw new ApiError(HttpStatus.NOT_FOUND, 'not_found', 'image not found');
    return this.dataSource.transaction(async (m) => {
      const rows = (await m.query(
        `WITH prev AS (
           SELECT verdict FROM gateway.feedback WHERE user_id = $2 AND generation_id = $3 AND image_index = $4
         )
         INSERT INTO gateway.feedback (id, user_id, generation_id, image_index, image_rank, verdict)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (user_id, generation_id, image_index)
           DO UPDATE SET verdict = EXCLUDED.verdict, image_rank = EXCLUDED.image_rank, updated_at = now()
         RETURNING id, (SELECT verdict FROM prev) AS previous`,
        [randomUUID(), userId, generation.id, image.index, image.rank, verdict],
      )) as Array<{ id: string; previous: Verdict | null }>;
      const { id, previous } = rows[0];
      const changed = previous !== verdict;
      if (changed) {
        const enhancement = (generation.enhancement ?? {}) as { platform?: unknown; goal?: unknown };
        await this.outbox.add(
          m,
          'feedback.submitted',
          {
            feedbackId: id,
            generationId: generation.id,
            userId,
            imageIndex: image.index,
            imageRank: image.rank,
            verdict,
            originalPrompt: generation.prompt,
            enhancedPrompt: generation.enhanced_prompt ?? '',
            platform: typeof enhancement.platform === 'string' ? enhancement.platform : '',
            goal: typeof enhancement.goal === 'string' ? enhancement.goal : '',
            backend: generation.backend ?? '',
            storageKey: image.storageKey,
            score: image.score,
            metrics: { ...image.metrics },
          },
          { correlationId: generation.id },
        );
      }
      return { id, rank: image.rank, imageIndex: image.index, verdict, changed };
    });
  }

  /** The caller's verdicts on a generation, by image rank. */
  async verdicts(userId: string, generationId: string): Promise<Record<number, Verdict>> {
    const rows = (await this.dataSource.query(
      `SELECT image_rank, verdict FROM gateway.feedback WHERE user_id = $1 AND generation_id = $2`,
      [userId, generationId],
    )) as Array<{ image_rank: number; verdict: Verdict }>;
    return Object.fromEntries(rows.map((r) => [r.image_rank, r.verdict]));
  }
}
