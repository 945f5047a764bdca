export { bootstrapService, type BootstrapOptions } from './bootstrap-service';
export { serviceInfrastructure, SERVICE_CONTROLLERS, type ServiceModuleOptions } from './service-module';
export { HealthController } from './health.controller';
export { PUBLIC_ROUTE, PublicRoute } from './public-route';
export { ReadinessChecks, ReadinessModule, type ReadinessState } from './readiness-checks';
export { ApiError, ApiErrorFilter, ErrorPages, validationErrorFactory, type ApiErrorBody } from './api-error';
export { PeriodicTask, type ExclusivePass } from './periodic-task';
export { underAdvisoryLock, type LockedRun } from './advisory-lock';
export {
  INTERNAL_CALLER_HEADER,
  signInternalCaller,
  verifyInternalCaller,
  type InternalCaller,
} from './internal-caller';
export {
  MAX_JSON_DEPTH,
  findForbiddenString,
  findPrototypeKey,
  guardedJson,
  guardedText,
  hasForbiddenCharacters,
  jsonDepthExceeds,
  rejectForbiddenCharacters,
} from './input-guard';
export { DOCS_CONTENT_SECURITY_POLICY, docsHeaders, securityHeaders } from './security-headers';
export { MetricProbes, MetricProbesModule, type MetricProbe } from './metric-probes';
