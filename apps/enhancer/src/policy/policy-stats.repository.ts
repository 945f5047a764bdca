import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ArmStats, PolicyStats } from './prompt-policy';
import { armKey } from './prompt-policy';

export const GLOBAL_SCOPE = 'global';
export const userScope = (userId: string): string => `user:${userId}`;
export const brandScope = (brandId: string): string => `brand:${brandId}`;

/** Like/dislike counts per modifier option and scope, plus the latest verdict per image. */
@Injectable()
export class PolicyStatsRepository {
  async load(m: EntityManager, personalScope: string, personalLabel: string): Promise<PolicyStats> {
    const rows = (await m.query(
      'SELECT scope, grp, arm, likes, dislikes FROM enhancer.policy_arm_stats WHERE scope IN ($1, $2)',
      [GLOBAL_SCOPE, personalScope],
    )) as Array<{ scope: string; grp: string; arm: string; likes: number; dislikes: number }>;
    const global = new Map<string, ArmStats>();
    const personal = new Map<string, ArmStats>();
    for (const r of rows) {
      (r.scope === GLOBAL_SCOPE ? global : personal).set(armKey(r.grp, r.arm), {
        likes: r.likes,
        dislikes: r.dislikes,
      });
    }
    return { global, personal, personalLabel };
  }

  /** Adds `delta` (+1 or −1) to the like or dislike count of every fragment in every scope. */
  async add(
    m: EntityManager,
    scopes: readonly string[],
    fragments: ReadonlyArray<{ group: string; phrase: string }>,
    verdict: 'like' | 'dislike',
    delta: 1 | -1,
  ): Promise<void> {
    const column = verdict === 'like' ? 'likes' : 'dislikes';
    for (const scope of scopes) {
      for (const f of fragments) {
        await m.query(
          `INSERT INTO enhancer.policy_arm_stats (scope, grp, arm, ${column}) VALUES ($1, $2, $3, GREATEST($4, 0))
           ON CONFLICT (scope, grp, arm) DO UPDATE
             SET ${column} = GREATEST(enhancer.policy_arm_stats.${column} + $4, 0), updated_at = now()`,
          [scope, f.group, f.phrase, delta],
        );
      }
    }
  }

  /** Records the verdict for one image; returns the previous one (undefined if first). */
  async upsertVerdict(
    m: EntityManager,
    generationId: string,
    imageIndex: number,
    userId: string,
    verdict: 'like' | 'dislike',
    feedbackId: string,
  ): Promise<'like' | 'dislike' | undefined> {
    const [previous] = (await m.query(
      'SELECT verdict FROM enhancer.prompt_feedback WHERE generation_id = $1 AND image_index = $2 FOR UPDATE',
      [generationId, imageIndex],
    )) as Array<{ verdict: 'like' | 'dislike' }>;
    await m.query(
      `INSERT INTO enhancer.prompt_feedback (generation_id, image_index, user_id, verdict, feedback_id)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (generation_id, image_index) DO UPDATE
         SET verdict = EXCLUDED.verdict, feedback_id = EXCLUDED.feedback_id, updated_at = now()`,
      [generationId, imageIndex, userId, verdict, feedbackId],
    );
    return previous?.verdict;
  }
}
