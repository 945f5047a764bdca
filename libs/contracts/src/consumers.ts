import type { EventType, ProducerService } from './events';

/**
 * Which services consume each event (bind their queue to its routing key), declared once for internal consumers and
 * the event catalogue (AsyncAPI). Events no service consumes are published for systems outside the mesh.
 * `test/contracts-consumers.spec.ts` checks this against the `@EventPattern` handlers of every app.
 */
export const EVENT_CONSUMERS: Readonly<Record<EventType, readonly ProducerService[]>> = {
  'generation.requested': ['billing'],
  'quota.reserved': ['gateway', 'enhancer'],
  'quota.rejected': ['gateway'],
  'prompt.enhanced': ['gateway', 'billing', 'generator'],
  'images.generated': ['gateway', 'billing', 'judge'],
  'generation.completed': ['gateway', 'billing'],
  'generation.failed': ['gateway', 'billing', 'generator', 'judge'],
  'generation.cancel_requested': ['billing'],
  'user.deleted': ['billing', 'enhancer', 'generator', 'judge', 'recommender'],
  'catalog.item_upserted': ['recommender'],
  'recommendation.requested': ['recommender'],
  'recommendation.completed': [],
  'recommendation.failed': [],
  'photo.uploaded': ['recommender'],
  'photo.annotated': [],
  'photo.annotation_failed': [],
  'feedback.submitted': ['enhancer', 'judge', 'recommender'],
  'wallet.topped_up': [],
  'wallet.adjusted': [],
  'subscription.changed': [],
};
