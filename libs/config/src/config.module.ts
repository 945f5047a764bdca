import { type DynamicModule, Global, Module } from '@nestjs/common';
import type { ServiceName } from './env-schema';
import { loadConfig, type ServiceConfig } from './load-config';

/** Injection token of the validated {@link ServiceConfig}. */
export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');

@Global()
@Module({})
export class ConfigModule {
  static forService(service: ServiceName, config?: ServiceConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: SERVICE_CONFIG, useValue: config ?? loadConfig(service) }],
      exports: [SERVICE_CONFIG],
    };
  }
}
