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
  recommender: {
    ...baseShape,
    ...storageShape,
    // Accept x-user-id / x-user-role headers as identity until accounts land. Refused in production.
    ALLOW_DEV_USER_HEADER: bool(true),
    // Image features from the MobileNetV2 bundled in nsfwjs (tfjs + WASM); off skips them.
    RECOMMENDER_IMAGE_FEATURES: z.enum(['mobilenet', 'off']).default('mobilenet'),
    // exact: brute-force scan (fast enough to ~20k items); hnsw: usearch graph (see the README's benchmark).
    RECOMMENDER_VECTOR_INDEX: z.enum(['hnsw', 'exact']).default('exact'),
    // Period of the full model refresh (CF neighbours, IDF, popularity); item vectors update incrementally.
    RECOMMENDER_REFRESH_INTERVAL_MS: int(60000, 1000, 86400000),
  },
} as const satisfies Record<ServiceName, z.ZodRawShape>;

export type EnvShape<S extends ServiceName> = (typeof ENV_SHAPES)[S];
export type ServiceEnv<S extends ServiceName> = z.infer<z.ZodObject<EnvShape<S>>>;

/** Names of the variables each service reads; deployment manifests are checked against these. */
export const envKeys = (service: ServiceName): string[] => Object.keys(ENV_SHAPES[service]);
