import { FatalError } from '@atelier/messaging';
import { isGenerationImageKey } from '@atelier/storage';

/**
 * What the read model accepts from a saga event beyond the producer check: the event's user must own the generation,
 * and every image must be one the generator stored for this generation. Anything else is dead-lettered with the
 * reason, never applied: a forged or buggy event must not show one user's pictures in another user's gallery.
 */
export function assertSagaEventFits(
  event: { generationId: string; userId: string; images?: ReadonlyArray<{ storageKey: string }> },
  ownerId: string | undefined,
): void {
  // A generation this gateway never created has no row; `advance` ignores it, so there is nothing to protect.
  if (ownerId !== undefined && ownerId !== event.userId) {
    throw new FatalError(
      `event for generation ${event.generationId} names a user who does not own it`,
      'foreign_owner',
    );
  }
  const foreign = (event.images ?? []).filter((i) => !isGenerationImageKey(i.storageKey, event.generationId));
  if (foreign.length > 0) {
    throw new FatalError(
      `event for generation ${event.generationId} names ${foreign.length} image(s) outside the generation's storage`,
      'foreign_storage_key',
    );
  }
}
