import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface StoredImage {
  index: number;
  storageKey: string;
  width: number;
  height: number;
  sha256: string;
  bytes: number;
  /** Undefined when the backend does not honour seeds. */
  seed: bigint | undefined;
  /** NSFW verdict, undefined when the check is off. */
  nsfw?: { flagged: boolean; scores: object; model: string };
  /** Every parameter the backend was called with for this image (after clamping). */
  params: Record<string, unknown>;
}

export interface GenerationRecord {
  generationId: string;
  userId: string;
  /** name@version */
  backend: string;
  model: string;
  prompt: string;
  /** Parameters as requested. */
  params: Record<string, unknown>;
  adjustments: unknown[];
  diagnostics: Record<string, unknown>;
  durationMs: number;
}

@Injectable()
export class GeneratedImagesRepository {
  async insert(m: EntityManager, g: GenerationRecord, images: StoredImage[]): Promise<void> {
    await m.query(
      `INSERT INTO generator.generations
         (generation_id, user_id, backend, prompt, params, model, adjustments, diagnostics, duration_ms)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        g.generationId,
        g.userId,
        g.backend,
        g.prompt,
        JSON.stringify(g.params),
        g.model,
        JSON.stringify(g.adjustments),
        JSON.stringify(g.diagnostics),
        g.durationMs,
      ],
    );
    for (const i of images) {
      await m.query(
        `INSERT INTO generator.images
           (generation_id, index, storage_key, width, height, sha256, seed, backend, model, params, duration_ms, bytes,
            nsfw_flagged, nsfw_scores)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
        [
          g.generationId,
          i.index,
          i.storageKey,
          i.width,
          i.height,
          i.sha256,
          i.seed === undefined ? null : i.seed.toString(),
          g.backend,
          g.model,
          JSON.stringify(i.params),
          g.durationMs,
          i.bytes,
          i.nsfw?.flagged ?? null,
          i.nsfw ? JSON.stringify({ model: i.nsfw.model, ...i.nsfw.scores }) : null,
        ],
      );
    }
  }
}
