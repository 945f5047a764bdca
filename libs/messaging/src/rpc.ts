import type { MessageInitShape } from '@bufbuild/protobuf';
import type { RPCS } from '@atelier/contracts';

export type RpcReplyInit<N extends keyof typeof RPCS> = MessageInitShape<(typeof RPCS)[N]['reply']>;
export type RpcRequestInit<N extends keyof typeof RPCS> = MessageInitShape<(typeof RPCS)[N]['request']>;

/** HTTP-like status of a refusal that is the caller's fault, by code. */
const CALLER_STATUS: Readonly<Record<string, number>> = {
  not_found: 404,
  forbidden: 403,
  forbidden_caller: 403,
  unauthorized: 401,
  conflict: 409,
  message_too_large: 413,
};

/**
 * A call that the server refused, or that got no answer in time. `callerFault` is true when the server said the
 * request itself is wrong (bad input, unknown id): retrying cannot help, and an edge maps it to a 4xx (`status`).
 * Otherwise the server failed or was unreachable: an edge maps it to 503.
 */
export class RpcError extends Error {
  constructor(
    readonly rpc: string,
    readonly code: string,
    message: string,
    readonly callerFault = false,
  ) {
    super(`${rpc}: ${code}: ${message}`);
    this.name = 'RpcError';
  }

  /** 4xx for a caller's fault (400 unless the code says more), 503 otherwise. */
  get status(): number {
    if (!this.callerFault) return 503;
    return CALLER_STATUS[this.code] ?? (this.code.startsWith('invalid') ? 400 : 422);
  }

  /** The server's message without the `rpc: code:` prefix. */
  get detail(): string {
    return this.message.slice(this.rpc.length + this.code.length + 4);
  }
}

export const RPC_HEADERS = {
  errorCode: 'x-rpc-error-code',
  errorMessage: 'x-rpc-error-message',
  /** `caller` when the request was at fault (a FatalError on the server), else `server`. */
  errorClass: 'x-rpc-error-class',
} as const;

export const rpcExchange = (namespace: string): string => `${namespace}.rpc`;
export const rpcQueue = (namespace: string, service: string): string => `${namespace}.${service}.rpc`;
