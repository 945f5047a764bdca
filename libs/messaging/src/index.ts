export { MessagingModule } from './messaging.module';
export { AmqpConnection } from './amqp-connection';
export { EventPublisher } from './event-publisher';
export { Outbox, type EventInit, type CausalIds } from './outbox';
export { OutboxRelay } from './outbox-relay';
export { EventConsumer } from './event-consumer';
export { HandlesEvent, type EventHandler, type EventContext, type GiveUpReason } from './event-handler';
export { FatalError, BackendHttpError, classifyFailure, failureCode, describeError } from './failures';
export { HEADERS, envelopeFromMessage, envelopeToPublishOptions, newEnvelope, type EventEnvelope } from './envelope';
export { topologyNames, retryDelayMs, declareServiceQueues, declareExchange, type TopologyNames } from './topology';
export { messagingTablesUpSql, messagingTablesDownSql } from './messaging-tables';
export { RpcClient } from './rpc-client';
export { RpcServer } from './rpc-server';
export {
  HandlesRequest,
  RpcError,
  rpcExchange,
  rpcQueue,
  type RequestHandler,
  type RpcReplyInit,
  type RpcRequestInit,
} from './rpc';
export { MessagingJanitor } from './messaging-janitor';
