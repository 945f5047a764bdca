import { z } from 'zod';

export const SERVICES = ['gateway', 'billing', 'enhancer', 'generator', 'judge', 'recommender'] as const;
export type ServiceName = (typeof SERVICES)[number];

/** Default HTTP port per service (health, metrics, and the public API for the gateway). */
export const DEFAULT_PORTS: Record<ServiceName, number> = {
  gateway: 3000,
  billing: 3001,
  enhancer: 3002,
  generator: 3003,
  judge: 3004,
  recommender: 3005,
};

const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'])
    .optional()
    .transform((v) => (v === undefined ? fallback : v === 'true' || v === '1'));
/** Development-only signing key: loadConfig refuses it under NODE_ENV=production. */
export const DEV_JWT_SECRET = 'atelier-development-only-jwt-secret-do-not-deploy';

const int = (fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

/** Variables every service reads. Defaults work on a dev machine with local PostgreSQL and RabbitMQ. */
const baseShape = {
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  DATABASE_HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_PORT: int(5432, 1, 65535),
  DATABASE_NAME: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/)
    .default('atelier'),
  DATABASE_USER: z.string().min(1).optional(),
  DATABASE_PASSWORD: z.string().default(''),
  DATABASE_POOL_SIZE: int(10, 1, 200),
  DATABASE_ADMIN_URL: z.string().url().default('postgres://postgres@127.0.0.1:5432/postgres'),
  MIGRATIONS_RUN: bool(true),
  AMQP_URL: z.string().url().default('amqp://guest:guest@127.0.0.1:5672'),
  MESH_NAMESPACE: z
    .string()
    .regex(/^[a-z][a-z0-9_-]*$/)
    .default('atelier'),
  CONSUMER_PREFETCH: int(16, 1, 1000),
  RETRY_MAX_ATTEMPTS: int(5, 1, 20),
  RETRY_BASE_DELAY_MS: int(500, 10, 600000),
  OUTBOX_POLL_INTERVAL_MS: int(1000, 50, 60000),
} as const;

const storageShape = {
  STORAGE_DIR: z.string().min(1).default('./var/storage'),
} as const;

export const ENV_SHAPES = {
  gateway: {
    ...baseShape,
    ...storageShape,
    // Accept the x-user-id header as identity. Development/test only; refused in production.
    ALLOW_DEV_USER_HEADER: bool(true),
    // HS256 key for access tokens (>= 32 chars). The default is for development only; production must set it.
    JWT_SECRET: z.string().min(32).default(DEV_JWT_SECRET),
    ACCESS_TOKEN_TTL_SECONDS: int(900, 10, 86400),
    REFRESH_TOKEN_TTL_SECONDS: int(30 * 86400, 60, 365 * 86400),
    // Secure attribute on auth cookies (HTTPS deployments).
    COOKIE_SECURE: bool(false),
    // Requests per AUTH_THROTTLE_TTL_SECONDS and client IP on each group of auth endpoints (login, register, refresh).
    AUTH_THROTTLE_LIMIT: int(10, 1, 100000),
    AUTH_THROTTLE_TTL_SECONDS: int(60, 1, 86400),
    // Consecutive failed logins for one e-mail before it is locked (backoff doubles per further failure).
    LOGIN_LOCKOUT_THRESHOLD: int(5, 1, 1000),
    LOGIN_LOCKOUT_SECONDS: int(30, 1, 86400),
    // Comma-separated e-mails that get the admin role when they register.
    ADMIN_EMAILS: z.string().default(''),
    // Proxy hops in front of the gateway whose X-Forwarded-For is trusted (nginx: 1).
    TRUST_PROXY_HOPS: int(0, 0, 10),
    // Live progress: how often an open event stream re-reads the steps table (other replicas' progress).
    SSE_POLL_INTERVAL_MS: int(2000, 50, 60000),
  },
  billing: {
    ...baseShape,
    FREE_MONTHLY_IMAGES: int(100, 0, 1_000_000),
    FREE_MAX_IMAGES_PER_REQUEST: int(4, 1, 16),
    RESERVATION_TTL_SECONDS: int(300, 1, 86400),
    RESERVATION_SWEEP_INTERVAL_MS: int(5000, 100, 600000),
  },
  enhancer: { ...baseShape },
  generator: {
    ...baseShape,
    ...storageShape,
    GENERATOR_DEFAULT_BACKEND: z.enum(['procedural', 'openai']).default('procedural'),
    OPENAI_IMAGES_URL: z.string().url().default('https://api.openai.com'),
    OPENAI_IMAGES_API_KEY: z.string().default(''),
    OPENAI_IMAGES_MODEL: z.string().default('gpt-image-1'),
    GENERATOR_HTTP_TIMEOUT_MS: int(60000, 100, 600000),
  },
  judge: { ...baseShape, ...storageShape },
  recommender: { ...baseShape },
} as const satisfies Record<ServiceName, z.ZodRawShape>;

export type EnvShape<S extends ServiceName> = (typeof ENV_SHAPES)[S];
export type ServiceEnv<S extends ServiceName> = z.infer<z.ZodObject<EnvShape<S>>>;

/** Names of the variables each service reads; deployment manifests are checked against these. */
export const envKeys = (service: ServiceName): string[] => Object.keys(ENV_SHAPES[service]);
