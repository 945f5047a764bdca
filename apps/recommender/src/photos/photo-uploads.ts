import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import { Outbox } from '@atelier/messaging';
import { ObjectStorage } from '@atelier/storage';
import { PhotoRepository, type PhotoPurpose, type PhotoRow, type PhotoStatus } from './photo.repository';
import { sanitizePhoto } from './photo-sanitizer';

/**
 * Accepts photos: sanitised first (so a rejected upload stores nothing), bytes content-addressed in object
 * storage, then the row and `photo.uploaded` in one transaction; reprocessing re-emits the event.
 */
@Injectable()
export class PhotoUploads {
  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig<'recommender'>,
    private readonly dataSource: DataSource,
    private readonly photos: PhotoRepository,
    private readonly outbox: Outbox,
    private readonly storage: ObjectStorage,
  ) {}

  async upload(ownerId: string, purpose: PhotoPurpose, body: Buffer): Promise<PhotoRow> {
    const clean = await sanitizePhoto(body, {
      maxBytes: this.config.env.PHOTO_MAX_BYTES,
      maxPixels: this.config.env.PHOTO_MAX_PIXELS,
    });
    const hash = createHash('sha256').update(clean.bytes).digest('hex');
    const imageKey = `photos/${hash.slice(0, 2)}/${hash}.${clean.format === 'jpeg' ? 'jpg' : clean.format}`;
    if (!(await this.storage.get(imageKey))) await this.storage.put(imageKey, clean.bytes);
    const id = randomUUID();
    return this.dataSource.transaction(async (m) => {
      await this.photos.insert(m, {
        id,
        ownerId,
        purpose,
        imageKey,
        format: clean.format,
        width: clean.width,
        height: clean.height,
      });
      await this.outbox.add(m, 'photo.uploaded', { photoId: id, ownerId, imageKey, purpose }, { correlationId: id });
      const row = await this.photos.find(id, m);
      if (!row) throw new Error('photo row vanished inside its transaction');
      return row;
    });
  }

  /** Queues photos for annotation again (all of the caller's, some ids, or those in a status). */
  async processBatch(filter: {
    ids?: string[];
    status?: PhotoStatus;
    ownerId?: string;
    limit: number;
  }): Promise<string[]> {
    const correlationId = randomUUID();
    return this.dataSource.transaction(async (m) => {
      const rows = await this.photos.requeue(m, filter);
      for (const r of rows) {
        await this.outbox.add(
          m,
          'photo.uploaded',
          { photoId: r.id, ownerId: r.owner_id, imageKey: r.image_key, purpose: r.purpose },
          { correlationId },
        );
      }
      return rows.map((r) => r.id);
    });
  }
}
