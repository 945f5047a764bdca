import type { DescMessage, MessageShape } from '@bufbuild/protobuf';
import { GenerationRequestedSchema } from './gen/gateway/v1/events_pb';
import { QuotaRejectedSchema, QuotaReservedSchema } from './gen/billing/v1/events_pb';
import { PromptEnhancedSchema } from './gen/enhancer/v1/events_pb';
import { ImagesGeneratedSchema } from './gen/generator/v1/events_pb';
import { GenerationCompletedSchema } from './gen/judge/v1/events_pb';
import { GenerationFailedSchema } from './gen/mesh/v1/generation_pb';
import {
  CatalogItemUpsertedSchema,
  RecommendationCompletedSchema,
  RecommendationFailedSchema,
  RecommendationRequestedSchema,
} from './gen/recommender/v1/events_pb';

interface EventDefinition<S extends DescMessage = DescMessage> {
  readonly schema: S;
  readonly version: number;
}

const define = <S extends DescMessage>(schema: S, version = 1): EventDefinition<S> => ({ schema, version });

/**
 * Every event of the mesh: routing key -> protobuf schema and contract version.
 * The routing key is the event type; consumers bind their queue to these keys.
 */
export const EVENTS = {
  'generation.requested': define(GenerationRequestedSchema),
  'quota.reserved': define(QuotaReservedSchema),
  'quota.rejected': define(QuotaRejectedSchema),
  'prompt.enhanced': define(PromptEnhancedSchema),
  'images.generated': define(ImagesGeneratedSchema),
  'generation.completed': define(GenerationCompletedSchema),
  'generation.failed': define(GenerationFailedSchema),
  'catalog.item_upserted': define(CatalogItemUpsertedSchema),
  'recommendation.requested': define(RecommendationRequestedSchema),
  'recommendation.completed': define(RecommendationCompletedSchema),
  'recommendation.failed': define(RecommendationFailedSchema),
} as const;

export type EventType = keyof typeof EVENTS;

/** Typed event map: event type -> decoded message shape. */
export type EventPayload<T extends EventType> = MessageShape<(typeof EVENTS)[T]['schema']>;

export const isEventType = (value: string): value is EventType => Object.hasOwn(EVENTS, value);
