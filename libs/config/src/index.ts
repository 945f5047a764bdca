export {
  SERVICES,
  DEFAULT_PORTS,
  DEV_JWT_SECRET,
  DEV_INTERNAL_CALLER_SECRET,
  ENV_SHAPES,
  envKeys,
  type ServiceName,
  type ServiceEnv,
} from './env-schema';
export {
  loadConfig,
  ConfigValidationError,
  type ServiceConfig,
  type DatabaseConfig,
  type MessagingConfig,
  type TracingConfig,
} from './load-config';
export { ConfigModule, SERVICE_CONFIG } from './config.module';
export { estimatedEntropyBits, MIN_SECRET_BITS, productionIssues } from './production-checks';
export {
  loadDatabaseSetupConfig,
  serviceDatabaseConfig,
  DatabaseSetupConfigError,
  type DatabaseSetupConfig,
} from './database-setup-config';
