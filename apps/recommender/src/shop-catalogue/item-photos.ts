import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Outbox } from '@atelier/messaging';

export interface ItemImage {
  key: string;
  format: string;
  width: number;
  height: number;
}

/**
 * Makes an item's image a catalogue photo of its shop, linked to the item, and queues it for annotation
 * (`photo.uploaded`), so visual search finds the product. Until this existed, item images lived only in
 * `items.image_key` and never reached the photos table that visual search indexes. Runs in the caller's
 * transaction; the item's earlier photos leave the index (status failed, code `replaced`).
 */
@Injectable()
export class ItemPhotos {
  constructor(private readonly outbox: Outbox) {}

  async link(
    m: EntityManager,
    item: { id: string; shopId: string },
    image: ItemImage,
    correlationId: string,
  ): Promise<string | undefined> {
    const current = (await m.query(
      `SELECT id FROM recommender.photos WHERE item_id = $1 AND image_key = $2 AND status <> 'failed' LIMIT 1`,
      [item.id, image.key],
    )) as Array<{ id: string }>;
    if (current.length) return undefined;
    await this.retire(m, item.id, 'replaced');
    const photoId = randomUUID();
    await m.query(
      `INSERT INTO recommender.photos (id, owner_id, purpose, image_key, format, width, height, status, item_id)
       VALUES ($1, $2, 'catalog', $3, $4, $5, $6, 'pending', $7)`,
      [photoId, item.shopId, image.key, image.format, image.width, image.height, item.id],
    );
    await this.outbox.add(
      m,
      'photo.uploaded',
      { photoId, ownerId: item.shopId, imageKey: image.key, purpose: 'catalog' },
      { correlationId },
    );
    return photoId;
  }

  /** Takes the item's photos out of visual search (the index drops rows that are no longer annotated). */
  async retire(m: EntityManager, itemId: string, code: 'replaced' | 'item_deleted'): Promise<void> {
    await m.query(
      `UPDATE recommender.photos SET status = 'failed', failure = $2::jsonb, updated_at = now()
        WHERE item_id = $1 AND status <> 'failed'`,
      [itemId, JSON.stringify({ code, reason: code === 'replaced' ? 'the item has a new photo' : 'item deleted' })],
    );
  }
}
