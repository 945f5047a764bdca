import { Controller, Logger } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { type EventPayload, type EventType } from '@atelier/contracts';
import { FatalError, MeshEventContext } from '@atelier/messaging';
import { ObjectStorage } from '@atelier/storage';
import { PhotoAnnotator } from '../attributes/photo-annotator';
import { PhotoRepository } from './photo.repository';

/** Annotates an uploaded photo: every configured extractor plus the embedding, stored, then `photo.annotated`. */
@Controller()
export class PhotoUploadedHandler {
  private readonly logger = new Logger('PhotoUploadedHandler');

  constructor(
    private readonly photos: PhotoRepository,
    private readonly annotator: PhotoAnnotator,
    private readonly storage: ObjectStorage,
  ) {}

  @EventPattern<EventType>('photo.uploaded')
  async handle(@Payload() event: EventPayload<'photo.uploaded'>, @Ctx() ctx: MeshEventContext): Promise<void> {
    const row = await this.photos.find(event.photoId, ctx.manager);
    // Deleted, or already annotated by a later request for the same bytes: nothing to do.
    if (!row || row.status !== 'pending') return;
    const bytes = await this.storage.get(row.image_key);
    if (!bytes) throw new FatalError(`image ${row.image_key} is missing from storage`, 'image_missing');
    const annotation = await this.annotator.annotate(bytes).catch((err: unknown) => {
      // sharp cannot decode what the sanitiser accepted only if storage corrupted it: retrying will not help.
      if (err instanceof Error && /Input buffer|unsupported image format|VipsJpeg|corrupt/i.test(err.message)) {
        throw new FatalError(err.message, 'undecodable_image', { cause: err });
      }
      throw err;
    });
    await this.photos.markAnnotated(ctx.manager, row.id, annotation);
    await ctx.emit('photo.annotated', {
      photoId: row.id,
      ownerId: row.owner_id,
      attributes: annotation.attributes,
      embeddingModel: annotation.embeddingModel,
    });
    this.logger.log(`photo ${row.id} annotated: ${annotation.attributes.length} attributes`);
  }

  @EventPattern<EventType>('photo.uploaded', { phase: 'giveUp' })
  async onGiveUp(@Payload() event: EventPayload<'photo.uploaded'>, @Ctx() ctx: MeshEventContext): Promise<void> {
    const failure = ctx.failure;
    await this.photos.markFailed(ctx.manager, event.photoId, { code: failure.code, reason: failure.message });
    await ctx.emit('photo.annotation_failed', {
      photoId: event.photoId,
      ownerId: event.ownerId,
      code: failure.code,
      reason: failure.message.slice(0, 500),
    });
  }
}
