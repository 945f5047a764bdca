export * from './events';
export { EVENT_CONSUMERS } from './consumers';
export * from './gen/mesh/v1/envelope_pb';
export * from './gen/mesh/v1/generation_pb';
export * from './gen/gateway/v1/events_pb';
export * from './gen/billing/v1/events_pb';
export * from './gen/billing/v1/account_pb';
export * from './gen/billing/v1/common_pb';
export * from './gen/billing/v1/plans_pb';
export * from './gen/billing/v1/subscription_pb';
export * from './gen/billing/v1/wallet_pb';
export * from './gen/billing/v1/payments_pb';
export * from './gen/enhancer/v1/events_pb';
export * from './gen/enhancer/v1/brand_profiles_pb';
export * from './gen/generator/v1/events_pb';
export * from './gen/judge/v1/events_pb';
export * from './gen/recommender/v1/events_pb';
export {
  create,
  toBinary,
  fromBinary,
  toJson,
  type MessageShape,
  type MessageInitShape,
  type DescMessage,
} from '@bufbuild/protobuf';
