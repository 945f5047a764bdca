import type { DescMessage, MessageShape } from '@bufbuild/protobuf';
import {
  FeedbackSubmittedSchema,
  GenerationCancelRequestedSchema,
  GenerationRequestedSchema,
  UserDeletedSchema,
} from './gen/gateway/v1/events_pb';
import { GetAccountReplySchema, GetAccountRequestSchema } from './gen/billing/v1/account_pb';
import {
  QuotaRejectedSchema,
  QuotaReservedSchema,
  SubscriptionChangedSchema,
  WalletAdjustedSchema,
  WalletToppedUpSchema,
} from './gen/billing/v1/events_pb';
import {
  GetLimitsReplySchema,
  GetLimitsRequestSchema,
  ListPlansReplySchema,
  ListPlansRequestSchema,
  UpsertPlanReplySchema,
  UpsertPlanRequestSchema,
} from './gen/billing/v1/plans_pb';
import {
  CancelSubscriptionReplySchema,
  CancelSubscriptionRequestSchema,
  ChangeSubscriptionReplySchema,
  ChangeSubscriptionRequestSchema,
  PreviewSubscriptionChangeReplySchema,
  PreviewSubscriptionChangeRequestSchema,
} from './gen/billing/v1/subscription_pb';
import {
  AdminListTopUpsReplySchema,
  AdminListTopUpsRequestSchema,
  GetReceiptReplySchema,
  GetReceiptRequestSchema,
  GetTopUpReplySchema,
  GetTopUpRequestSchema,
  RefundTopUpReplySchema,
  RefundTopUpRequestSchema,
  SettleSandboxPaymentReplySchema,
  SettleSandboxPaymentRequestSchema,
} from './gen/billing/v1/payments_pb';
import {
  AdjustWalletReplySchema,
  AdjustWalletRequestSchema,
  AuditLedgerReplySchema,
  AuditLedgerRequestSchema,
  CreateTopUpReplySchema,
  CreateTopUpRequestSchema,
  GetLedgerReplySchema,
  GetLedgerRequestSchema,
  ListTopUpsReplySchema,
  ListTopUpsRequestSchema,
} from './gen/billing/v1/wallet_pb';
import { PromptEnhancedSchema } from './gen/enhancer/v1/events_pb';
import {
  BrandProfileReplySchema,
  CreateBrandProfileRequestSchema,
  DeleteBrandProfileReplySchema,
  DeleteBrandProfileRequestSchema,
  ListBrandProfilesReplySchema,
  ListBrandProfilesRequestSchema,
  PreviewPromptReplySchema,
  PreviewPromptRequestSchema,
  UpdateBrandProfileRequestSchema,
} from './gen/enhancer/v1/brand_profiles_pb';
import { ImagesGeneratedSchema } from './gen/generator/v1/events_pb';
import { GenerationCompletedSchema } from './gen/judge/v1/events_pb';
import { GenerationFailedSchema } from './gen/mesh/v1/generation_pb';
import {
  CatalogItemUpsertedSchema,
  PhotoAnnotatedSchema,
  PhotoAnnotationFailedSchema,
  PhotoUploadedSchema,
  RecommendationCompletedSchema,
  RecommendationFailedSchema,
  RecommendationRequestedSchema,
} from './gen/recommender/v1/events_pb';

/** The services of the mesh that can publish events (each one a broker user of its own). */
export type ProducerService = 'gateway' | 'billing' | 'enhancer' | 'generator' | 'judge' | 'recommender';

interface EventDefinition<S extends DescMessage = DescMessage> {
  readonly schema: S;
  readonly version: number;
  /**
   * The only services allowed to publish it: the broker's topic permissions let no one else write this routing key,
   * and consumers dead-letter (`forged_producer`) a delivery whose broker-verified AMQP user-id is not one of them.
   */
  readonly producers: readonly ProducerService[];
}

const define = <S extends DescMessage>(
  schema: S,
  producers: readonly ProducerService[],
  version = 1,
): EventDefinition<S> => ({ schema, version, producers });

/**
 * Every event of the mesh: routing key -> protobuf schema and contract version.
 * The routing key is the event type; consumers bind their queue to these keys.
 */
export const EVENTS = {
  'generation.requested': define(GenerationRequestedSchema, ['gateway']),
  'generation.cancel_requested': define(GenerationCancelRequestedSchema, ['gateway']),
  'quota.reserved': define(QuotaReservedSchema, ['billing']),
  'quota.rejected': define(QuotaRejectedSchema, ['billing']),
  'prompt.enhanced': define(PromptEnhancedSchema, ['enhancer']),
  'images.generated': define(ImagesGeneratedSchema, ['generator']),
  'generation.completed': define(GenerationCompletedSchema, ['judge']),
  'generation.failed': define(GenerationFailedSchema, ['billing', 'enhancer', 'generator', 'judge']),
  'catalog.item_upserted': define(CatalogItemUpsertedSchema, ['recommender']),
  'recommendation.requested': define(RecommendationRequestedSchema, ['recommender']),
  'recommendation.completed': define(RecommendationCompletedSchema, ['recommender']),
  'recommendation.failed': define(RecommendationFailedSchema, ['recommender']),
  'photo.uploaded': define(PhotoUploadedSchema, ['recommender']),
  'photo.annotated': define(PhotoAnnotatedSchema, ['recommender']),
  'photo.annotation_failed': define(PhotoAnnotationFailedSchema, ['recommender']),
  'feedback.submitted': define(FeedbackSubmittedSchema, ['gateway']),
  'wallet.topped_up': define(WalletToppedUpSchema, ['billing']),
  'wallet.adjusted': define(WalletAdjustedSchema, ['billing']),
  'subscription.changed': define(SubscriptionChangedSchema, ['billing']),
  // Consumed by billing, enhancer, generator, judge and recommender: each erases or anonymises its rows of the user.
  'user.deleted': define(UserDeletedSchema, ['gateway']),
} as const;

export type EventType = keyof typeof EVENTS;

/** Typed event map: event type -> decoded message shape. */
export type EventPayload<T extends EventType> = MessageShape<(typeof EVENTS)[T]['schema']>;

export const isEventType = (value: string): value is EventType => Object.hasOwn(EVENTS, value);

/** The event types a service may publish (its broker user's topic permission on the events exchange). */
export const eventsProducedBy = (service: ProducerService): EventType[] =>
  (Object.keys(EVENTS) as EventType[]).filter((t) => EVENTS[t].producers.includes(service));

interface RpcDefinition<Req extends DescMessage = DescMessage, Rep extends DescMessage = DescMessage> {
  /** Service that answers. */
  readonly server: string;
  readonly request: Req;
  readonly reply: Rep;
  /** The only services allowed to call it: with producer checks on, the server refuses (`forbidden_caller`) others. */
  readonly callers: readonly ProducerService[];
}

const rpc = <Req extends DescMessage, Rep extends DescMessage>(
  server: string,
  request: Req,
  reply: Rep,
  callers: readonly ProducerService[] = ['gateway'],
): RpcDefinition<Req, Rep> => ({ server, request, reply, callers });

/** Every request/reply call of the mesh: name (routing key on the rpc exchange) -> server and schemas. */
export const RPCS = {
  'billing.get_account': rpc('billing', GetAccountRequestSchema, GetAccountReplySchema, ['gateway', 'enhancer']),
  'enhancer.create_brand_profile': rpc('enhancer', CreateBrandProfileRequestSchema, BrandProfileReplySchema),
  'enhancer.list_brand_profiles': rpc('enhancer', ListBrandProfilesRequestSchema, ListBrandProfilesReplySchema),
  'enhancer.update_brand_profile': rpc('enhancer', UpdateBrandProfileRequestSchema, BrandProfileReplySchema),
  'enhancer.delete_brand_profile': rpc('enhancer', DeleteBrandProfileRequestSchema, DeleteBrandProfileReplySchema),
  'enhancer.preview_prompt': rpc('enhancer', PreviewPromptRequestSchema, PreviewPromptReplySchema),
  'billing.get_limits': rpc('billing', GetLimitsRequestSchema, GetLimitsReplySchema, ['gateway', 'enhancer']),
  'billing.list_plans': rpc('billing', ListPlansRequestSchema, ListPlansReplySchema),
  'billing.upsert_plan': rpc('billing', UpsertPlanRequestSchema, UpsertPlanReplySchema),
  'billing.get_ledger': rpc('billing', GetLedgerRequestSchema, GetLedgerReplySchema),
  'billing.create_top_up': rpc('billing', CreateTopUpRequestSchema, CreateTopUpReplySchema),
  'billing.list_top_ups': rpc('billing', ListTopUpsRequestSchema, ListTopUpsReplySchema),
  'billing.adjust_wallet': rpc('billing', AdjustWalletRequestSchema, AdjustWalletReplySchema),
  'billing.audit_ledger': rpc('billing', AuditLedgerRequestSchema, AuditLedgerReplySchema),
  'billing.change_subscription': rpc('billing', ChangeSubscriptionRequestSchema, ChangeSubscriptionReplySchema),
  'billing.cancel_subscription': rpc('billing', CancelSubscriptionRequestSchema, CancelSubscriptionReplySchema),
  'billing.preview_subscription_change': rpc(
    'billing',
    PreviewSubscriptionChangeRequestSchema,
    PreviewSubscriptionChangeReplySchema,
  ),
  'billing.get_top_up': rpc('billing', GetTopUpRequestSchema, GetTopUpReplySchema),
  'billing.settle_sandbox_payment': rpc('billing', SettleSandboxPaymentRequestSchema, SettleSandboxPaymentReplySchema),
  'billing.get_receipt': rpc('billing', GetReceiptRequestSchema, GetReceiptReplySchema),
  'billing.admin_list_top_ups': rpc('billing', AdminListTopUpsRequestSchema, AdminListTopUpsReplySchema),
  'billing.refund_top_up': rpc('billing', RefundTopUpRequestSchema, RefundTopUpReplySchema),
} as const;

export type RpcName = keyof typeof RPCS;
export type RpcRequest<N extends RpcName> = MessageShape<(typeof RPCS)[N]['request']>;
export type RpcReply<N extends RpcName> = MessageShape<(typeof RPCS)[N]['reply']>;

export const isRpcName = (value: string): value is RpcName => Object.hasOwn(RPCS, value);

/**
 * What a decoded bus payload must also satisfy, beyond its proto types (proto3 cannot say "a UUID" or "1 to 16").
 * Applied by field name to every message of an event, nested ones included; a payload that breaks a rule is
 * dead-lettered at once as `invalid_payload`.
 * - a string field named `*_id` holds a UUID, except the free-form ids below, and may be empty only if optional;
 * - numbers are finite, and within the range below where one is declared for the field name.
 */
export const PAYLOAD_RULES = {
  freeFormIds: new Set<string>(['external_id']),
  optionalIds: new Set<string>(['brand_profile_id', 'ledger_transaction_id', 'admin_id', 'batch_id']),
  ranges: {
    n: [1, 16],
    reserved_images: [0, 16],
    width: [0, 8192],
    height: [0, 8192],
    target_width: [0, 8192],
    target_height: [0, 8192],
    steps: [0, 1000],
    guidance: [0, 100],
    index: [0, 1023],
    image_index: [0, 1023],
    rank: [0, 1024],
    image_rank: [0, 1024],
    diversity_order: [0, 1024],
    k: [0, 1000],
  } as Readonly<Record<string, readonly [number, number]>>,
} as const;
