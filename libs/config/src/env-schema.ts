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
  },
  billing: {
    ...baseShape,
    // The Free plan's allowance and per-request cap, applied on start until an admin edits the Free plan.
    FREE_MONTHLY_IMAGES: int(100, 0, 1_000_000),
    FREE_MAX_IMAGES_PER_REQUEST: int(4, 1, 16),
    RESERVATION_TTL_SECONDS: int(300, 1, 86400),
    RESERVATION_SWEEP_INTERVAL_MS: int(5000, 100, 600000),
    // Renewal / expiry of subscriptions at period end.
    SUBSCRIPTION_SWEEP_INTERVAL_MS: int(30000, 100, 3_600_000),
    TOP_UP_DEFAULT_PROVIDER: z.enum(['sandbox', 'yookassa']).default('sandbox'),
    TOP_UP_MIN_KOPECKS: int(100_00, 1, 1_000_000_00),
    TOP_UP_MAX_KOPECKS: int(100_000_00, 1, 100_000_000_00),
    // Sandbox provider: webhooks signed with HMAC-SHA256 of "<timestamp>.<body>". Refused in production.
    SANDBOX_PAYMENTS_ENABLED: bool(true),
    SANDBOX_WEBHOOK_SECRET: z.string().min(16).default('sandbox-webhook-secret-dev-only'),
    SANDBOX_CONFIRMATION_URL: z.string().url().default('http://127.0.0.1:3001/v1/billing/sandbox/confirm'),
    WEBHOOK_TOLERANCE_SECONDS: int(300, 1, 86400),
    // YooKassa-style API (https://api.yookassa.ru/v3); enabled when the shop id and secret key are set.
    YOOKASSA_API_URL: z.string().url().default('https://api.yookassa.ru/v3'),
    YOOKASSA_SHOP_ID: z.string().default(''),
    YOOKASSA_SECRET_KEY: z.string().default(''),
    YOOKASSA_RETURN_URL: z.string().url().default('http://localhost:3000/account'),
    PAYMENT_HTTP_TIMEOUT_MS: int(10000, 100, 120000),
    // Fault injection for tests only (refused in production): SIGKILL right after committing these operations.
    FAULT_CRASH_AFTER_COMMIT: z.string().default(''),
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
