import type { DynamicModule, Type } from '@nestjs/common';
import { ConfigModule, type ServiceName } from '@atelier/config';
import { MessagingModule } from '@atelier/messaging';
import { PersistenceModule, type ServiceDataSourceOptions } from '@atelier/persistence';
import { HealthController } from './health.controller';
import { MetricProbesModule } from './metric-probes';
import { ReadinessModule } from './readiness-checks';

export interface ServiceModuleOptions extends ServiceDataSourceOptions {
  service: ServiceName;
}

/** The infrastructure every service imports: validated config, its own schema, the broker. */
export function serviceInfrastructure(options: ServiceModuleOptions): Array<DynamicModule | Type<unknown>> {
  return [
    ConfigModule.forService(options.service),
    PersistenceModule.forService({ entities: options.entities, migrations: options.migrations }),
    MessagingModule,
    ReadinessModule,
    MetricProbesModule,
  ];
}

/** Health (liveness, readiness) and Prometheus metrics for every service. */
export const SERVICE_CONTROLLERS = [HealthController];
