import { DiscoveryService } from '@nestjs/core';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { RPCS, type RpcName, type RpcRequest } from '@atelier/contracts';

export type RpcReplyInit<N extends RpcName> = MessageInitShape<(typeof RPCS)[N]['reply']>;
export type RpcRequestInit<N extends RpcName> = MessageInitShape<(typeof RPCS)[N]['request']>;

/** Answers one request/reply call. Keep it read-only and fast: the caller is waiting. */
export interface RequestHandler<N extends RpcName = RpcName> {
  answer(request: RpcRequest<N>): Promise<RpcReplyInit<N>>;
}

/** Marks a provider as the service's answerer of one RPC. */
export const HandlesRequest = DiscoveryService.createDecorator<RpcName>();

/** A call that the server refused, or that got no answer in time. */
export class RpcError extends Error {
  constructor(
    readonly rpc: string,
    readonly code: string,
    message: string,
  ) {
    super(`${rpc}: ${code}: ${message}`);
    this.name = 'RpcError';
  }
}

export const RPC_HEADERS = { errorCode: 'x-rpc-error-code', errorMessage: 'x-rpc-error-message' } as const;

export const rpcExchange = (namespace: string): string => `${namespace}.rpc`;
export const rpcQueue = (namespace: string, service: string): string => `${namespace}.${service}.rpc`;
