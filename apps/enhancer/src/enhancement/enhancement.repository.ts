import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Enhancement } from './prompt-enhancer.service';

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
         (generation_id, user_id, original_prompt, cleaned_prompt, enhanced_prompt, platform, goal, operations, enhancer)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
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
      ],
    );
  }
}
