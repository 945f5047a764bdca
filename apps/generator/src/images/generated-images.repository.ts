import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface StoredImage {
  index: number;
  storageKey: string;
  width: number;
  height: number;
  sha256: string;
  seed: bigint;
}

@Injectable()
export class GeneratedImagesRepository {
  async insert(
    m: EntityManager,
    g: { generationId: string; userId: string; backend: string; prompt: string; params: Record<string, unknown> },
    images: StoredImage[],
  ): Promise<void> {
    await m.query(
      `INSERT INTO generator.generations (generation_id, user_id, backend, prompt, params) VALUES ($1, $2, $3, $4, $5)`,
      [g.generationId, g.userId, g.backend, g.prompt, JSON.stringify(g.params)],
    );
    for (const i of images) {
      await m.query(
        `INSERT INTO generator.images (generation_id, index, storage_key, width, height, sha256, seed)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [g.generationId, i.index, i.storageKey, i.width, i.height, i.sha256, i.seed.toString()],
      );
    }
  }
}
