import type { INestApplication, INestMicroservice } from '@nestjs/common';
import type { MicroserviceOptions } from '@nestjs/microservices';
import { DataSource } from 'typeorm';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import { AmqpConnection } from './amqp-connection';
import { assertOwnBrokerUser } from './broker-identity';
import { EventPublisher } from './event-publisher';
import { KeepErrorFilter } from './keep-error.filter';
import { MeshPayloadPipe } from './mesh-payload.pipe';
import { MeshTransport } from './mesh-transport';
import { Outbox } from './outbox';

/**
 * Makes `app` a hybrid application: its controllers' @EventPattern / @MessagePattern methods are served by the
 * mesh transport. The microservice gets its own global enhancers (not the HTTP app's guards and filters): the
 * payload pipe and the filter that keeps error classes. Call before `app.init()`; start with
 * `app.startAllMicroservices()` after it, so consuming begins once migrations ran.
 */
export function connectMesh(app: INestApplication): MeshTransport {
  const config = app.get<ServiceConfig>(SERVICE_CONFIG);
  assertOwnBrokerUser(config);
  const strategy = new MeshTransport({
    connection: app.get(AmqpConnection),
    publisher: app.get(EventPublisher),
    outbox: app.get(Outbox),
    dataSource: app.get(DataSource),
    config,
  });
  // Deferred: global enhancers must be registered before Nest builds the handlers' pipelines.
  const microservice = app.connectMicroservice<MicroserviceOptions>(
    { strategy },
    { inheritAppConfig: false, deferInitialization: true },
  );
  microservice.useGlobalFilters(new KeepErrorFilter());
  microservice.useGlobalPipes(new MeshPayloadPipe());
  // The application runs the lifecycle hooks of the shared container; the microservice must not run them again.
  const hooks = microservice as INestMicroservice & { setIsInitHookCalled?: (called: boolean) => void };
  if (typeof hooks.setIsInitHookCalled !== 'function') throw new Error('unsupported @nestjs/microservices version');
  hooks.setIsInitHookCalled(true);
  return strategy;
}
