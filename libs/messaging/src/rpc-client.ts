import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { lastValueFrom } from 'rxjs';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import type { RpcName, RpcReply } from '@atelier/contracts';
import { AmqpConnection } from './amqp-connection';
import { MeshClientProxy, type OutgoingCall } from './mesh-client';
import type { RpcRequestInit } from './rpc';

/** Typed request/reply calls to other services, through the mesh's ClientProxy. */
@Injectable()
export class RpcClient implements OnApplicationShutdown {
  readonly proxy: MeshClientProxy;

  constructor(connection: AmqpConnection, @Inject(SERVICE_CONFIG) config: ServiceConfig) {
    this.proxy = new MeshClientProxy(
      connection,
      config.messaging.namespace,
      config.messaging.brokerUser,
      config.tracing.enabled,
    );
  }

  /**
   * Resolves with the reply, or rejects with an RpcError (refused, unroutable or timed out).
   * `headers` ride on the request as AMQP headers (e.g. the signed caller of a privileged call).
   */
  call<N extends RpcName>(
    name: N,
    request: RpcRequestInit<N>,
    timeoutMs = 3000,
    headers?: Readonly<Record<string, string>>,
  ): Promise<RpcReply<N>> {
    return lastValueFrom(this.proxy.send<RpcReply<N>, OutgoingCall>(name, { request, timeoutMs, headers }));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.proxy.close();
  }
}
