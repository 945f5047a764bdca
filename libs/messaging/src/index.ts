export { MessagingModule } from './messaging.module';
export { AmqpConnection } from './amqp-connection';
export { EventPublisher } from './event-publisher';
export { Outbox, type EventInit, type CausalIds } from './outbox';
export { OutboxRelay } from './outbox-relay';
export { MeshTransport, MESH_TRANSPORT, type MeshTransportDeps } from './mesh-transport';
export { connectMesh } from './connect-mesh';
export { brokerUserOf, producerUsers, callerUsers, assertOwnBrokerUser } from './broker-identity';
export { MeshClientProxy, type OutgoingCall } from './mesh-client';
export {
  MeshEventContext,
  RequestContext,
  type EventContext,
  type EventPhase,
  type EventTransaction,
  type GiveUpReason,
  type MeshEventExtras,
} from './event-context';
export { KeepErrorFilter } from './keep-error.filter';
export { MeshPayloadPipe } from './mesh-payload.pipe';
export { payloadProblems, eventPayloadProblems } from './payload-checks';
export { FatalError, BackendHttpError, classifyFailure, failureCode, describeError } from './failures';
export { HEADERS, envelopeFromMessage, envelopeToPublishOptions, newEnvelope, type EventEnvelope } from './envelope';
export { topologyNames, retryDelayMs, declareServiceQueues, declareExchange, type TopologyNames } from './topology';
export {
  messagingTablesUpSql,
  messagingTablesDownSql,
  outboxTraceContextUpSql,
  outboxTraceContextDownSql,
} from './messaging-tables';
export { TRACE_HEADERS, activeTraceCarrier, type TraceCarrier } from './trace-context';
export { RpcClient } from './rpc-client';
export { RpcError, RPC_HEADERS, rpcExchange, rpcQueue, type RpcReplyInit, type RpcRequestInit } from './rpc';
export { MessagingJanitor } from './messaging-janitor';
export { brokerGrants, callsBy, MESH_SERVICES, type BrokerGrant } from './broker-permissions';
export { brokerDefinitions, monitorUserOf, rabbitPasswordHash, type BrokerDefinitions } from './broker-definitions';
export { asyncApiDocument, type AsyncApiDocument } from './asyncapi';
