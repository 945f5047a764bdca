import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Enhancement } from './prompt-enhancer.service';

export interface EnhancementForFeedback {
  user_id: string;
  brand_profile_id: string | null;
  fragments: Array<{ group: string; phrase: string }>;
}

@Injectable()
export class EnhancementRepository {
  async insert(
    m: EntityManager,
    generationId: string,
    userId: string,
    original: string,
    e: Enhancement,
  ): Promise<void> {
    await m.query(
      `INSERT INTO enhancer.enhancements
         (generation_id, user_id, original_prompt, cleaned_prompt, enhanced_prompt, platform, goal, operations, enhancer,
          language, backend, fallback_reason, negative_prompt, brand_profile_id, fragments, transliterated, latency_ms)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
      [
        generationId,
        userId,
        original,
        e.cleaned,
        e.enhanced,
        e.platform,
        e.goal,
        JSON.stringify(e.operations),
        e.enhancer,
        e.language,
        e.backend,
        e.fallbackReason,
        e.negativePrompt,
        e.brandProfileId || null,
        JSON.stringify(e.fragments),
        JSON.stringify(e.transliterated),
        e.latencyMs,
      ],
    );
  }

  async findForFeedback(m: EntityManager, generationId: string): Promise<EnhancementForFeedback | undefined> {
    const rows = (await m.query(
      'SELECT user_id, brand_profile_id, fragments FROM enhancer.enhancements WHERE generation_id = $1',
      [generationId],
    )) as EnhancementForFeedback[];
    return rows[0];
  }
}
