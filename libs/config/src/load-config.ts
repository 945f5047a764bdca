import { z } from 'zod';
import {
  DEFAULT_PORTS,
  DEV_INTERNAL_CALLER_SECRET,
  DEV_JWT_SECRET,
  ENV_SHAPES,
  type ServiceEnv,
  type ServiceName,
} from './env-schema';
import { productionIssues } from './production-checks';

export interface DatabaseConfig {
  host: string;
  port: number;
  database: string;
  user: string;
  password: string;
  poolSize: number;
  adminUrl: string;
  /** The service's own schema: it owns every table in it and nothing else. */
  schema: string;
  migrationsRun: boolean;
}

export interface MessagingConfig {
  url: string;
  namespace: string;
  prefetch: number;
  retryMaxAttempts: number;
  retryBaseDelayMs: number;
  /** Deliveries larger than this are dead-lettered unread (`message_too_large`). */
  maxMessageBytes: number;
  /** The broker user this service connects as (from AMQP_URL); set as the AMQP user-id of what it publishes. */
  brokerUser: string;
  /** Dead-letter (`forged_producer`) events whose user-id is not a declared producer's broker user. */
  verifyProducer: boolean;
  outboxPollIntervalMs: number;
  outboxRetentionHours: number;
  inboxRetentionDays: number;
}

/** OpenTelemetry tracing; `enabled` false means no SDK is loaded and nothing is propagated. */
export interface TracingConfig {
  enabled: boolean;
  serviceName: string;
  /** The mesh namespace, exported as service.namespace. */
  namespace: string;
  /** Full URL spans are POSTed to. */
  tracesUrl: string;
  protocol: 'http/protobuf' | 'http/json';
  headers: Record<string, string>;
  timeoutMs: number;
  sampleRatio: number;
  scheduleDelayMs: number;
}

export interface ServiceConfig<S extends ServiceName = ServiceName> {
  service: S;
  nodeEnv: 'development' | 'test' | 'production';
  logLevel: string;
  httpPort: number;
  database: DatabaseConfig;
  messaging: MessagingConfig;
  tracing: TracingConfig;
  env: ServiceEnv<S>;
}

export class ConfigValidationError extends Error {
  constructor(
    readonly service: ServiceName,
    readonly issues: string[],
  ) {
    super(`Invalid environment for ${service}:\n  ${issues.join('\n  ')}`);
  }
}

/** "k=v,k2=v2" (values percent-encoded, as OTEL_EXPORTER_OTLP_HEADERS is specified) into a header map. */
function otlpHeaders(raw: string): Record<string, string> {
  const decode = (v: string): string => {
    try {
      return decodeURIComponent(v);
    } catch {
      return v;
    }
  };
  const pairs = raw.split(',').filter((pair) => pair.includes('='));
  return Object.fromEntries(pairs.map((p) => [p.slice(0, p.indexOf('=')).trim(), decode(p.slice(p.indexOf('=') + 1))]));
}

/** Validates the environment once, at start-up, into a typed object. Throws on the first bad value set. */
export function loadConfig<S extends ServiceName>(
  service: S,
  source: Record<string, string | undefined> = process.env,
): ServiceConfig<S> {
  const parsed = z.object(ENV_SHAPES[service]).safeParse(source);
  if (!parsed.success) {
    throw new ConfigValidationError(
      service,
      parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
    );
  }
  // zod cannot relate the generic shape to its inferred output; the schema is the source of this type.
  const env = parsed.data as unknown as ServiceEnv<S>;
  const base = env as unknown as ServiceEnv<'recommender'>;
  if (
    (service === 'gateway' || service === 'recommender' || service === 'billing') &&
    base.NODE_ENV === 'production' &&
    (env as unknown as ServiceEnv<'gateway'>).ALLOW_DEV_USER_HEADER
  ) {
    const issue = 'ALLOW_DEV_USER_HEADER: must be false when NODE_ENV=production';
    if (source.ALLOW_DEV_USER_HEADER !== undefined) throw new ConfigValidationError(service, [issue]);
    (env as unknown as ServiceEnv<'gateway'>).ALLOW_DEV_USER_HEADER = false;
  }
  if (
    service === 'gateway' &&
    base.NODE_ENV === 'production' &&
    (env as unknown as ServiceEnv<'gateway'>).JWT_SECRET === DEV_JWT_SECRET
  ) {
    throw new ConfigValidationError(service, [
      'JWT_SECRET: must be set (a random string of 32+ characters) in production',
    ]);
  }
  if (
    (service === 'gateway' || service === 'recommender' || service === 'billing') &&
    base.NODE_ENV === 'production' &&
    base.INTERNAL_CALLER_SECRET === DEV_INTERNAL_CALLER_SECRET
  ) {
    throw new ConfigValidationError(service, [
      'INTERNAL_CALLER_SECRET: must be set (the same random string of 32+ characters on gateway, recommender and billing) in production',
    ]);
  }
  if (base.NODE_ENV === 'production') {
    const issues = productionIssues(env as unknown as Record<string, unknown>);
    if (issues.length > 0) throw new ConfigValidationError(service, issues);
  }
  const brokerUser = decodeURIComponent(new URL(base.AMQP_URL).username);
  return {
    service,
    nodeEnv: base.NODE_ENV,
    logLevel: base.LOG_LEVEL,
    httpPort: base.HTTP_PORT ?? DEFAULT_PORTS[service],
    database: {
      host: base.DATABASE_HOST,
      port: base.DATABASE_PORT,
      database: base.DATABASE_NAME,
      user: base.DATABASE_USER ?? `atelier_${service}`,
      password: base.DATABASE_PASSWORD,
      poolSize: base.DATABASE_POOL_SIZE,
      adminUrl: base.DATABASE_ADMIN_URL,
      schema: service,
      migrationsRun: base.MIGRATIONS_RUN,
    },
    messaging: {
      url: base.AMQP_URL,
      namespace: base.MESH_NAMESPACE,
      prefetch: base.CONSUMER_PREFETCH,
      retryMaxAttempts: base.RETRY_MAX_ATTEMPTS,
      retryBaseDelayMs: base.RETRY_BASE_DELAY_MS,
      maxMessageBytes: base.MESSAGE_MAX_BYTES,
      brokerUser,
      verifyProducer: base.NODE_ENV === 'production' || base.VERIFY_PRODUCER,
      outboxPollIntervalMs: base.OUTBOX_POLL_INTERVAL_MS,
      outboxRetentionHours: base.OUTBOX_RETENTION_HOURS,
      inboxRetentionDays: base.INBOX_RETENTION_DAYS,
    },
    tracing: {
      enabled: base.OTEL_TRACES_EXPORTER === 'otlp',
      serviceName: base.OTEL_SERVICE_NAME || service,
      namespace: base.MESH_NAMESPACE,
      tracesUrl:
        base.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || `${base.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`,
      protocol: base.OTEL_EXPORTER_OTLP_PROTOCOL,
      headers: otlpHeaders(base.OTEL_EXPORTER_OTLP_HEADERS),
      timeoutMs: base.OTEL_EXPORTER_OTLP_TIMEOUT,
      sampleRatio: base.OTEL_TRACES_SAMPLER_ARG,
      scheduleDelayMs: base.OTEL_BSP_SCHEDULE_DELAY,
    },
    env,
  };
}
