import { availableParallelism } from 'node:os';
import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import { detectClipLayout } from '@atelier/ml-runtime';
import { ReadinessChecks } from '@atelier/service-kit';
import { JudgeWorkerPool } from '../workers/judge-worker-pool';
import type { ImageJudgement, JudgeBackend, JudgeRequest } from './judge-backend';
import type { JudgeBackendSpec } from './load-judge-backend';
import { StatisticsJudge } from './statistics-judge';

/**
 * Chooses the judge backend and runs it off the event loop. CLIP (explicit, or `auto` with an export in
 * JUDGE_CLIP_DIR) and the vision judge run in a pool of JUDGE_WORKERS worker threads that each load the
 * models once and warm up. CLIP start-up waits for the pool, so a missing or corrupt model file stops
 * the service with an error naming it; the vision judge loads in the background. Either way
 * /health/ready reports `models: loading` (503) until every worker has loaded. A vision judge that
 * cannot load falls back to image statistics (reason logged and stored with every prediction).
 * The statistics judge needs no models (libvips works on its own threads) and runs in-process.
 */
@Injectable()
export class JudgeBackends implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(JudgeBackends.name);
  private pool?: JudgeWorkerPool;
  private inProcess?: JudgeBackend;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly cfg: ServiceConfig<'judge'>,
    private readonly readiness: ReadinessChecks,
  ) {}

  async onModuleInit(): Promise<void> {
    const spec = this.spec();
    this.logger.log(`judge backend: ${spec.kind}`);
    if (spec.kind === 'statistics') {
      this.inProcess = new StatisticsJudge();
      this.readiness.register('models', () => 'up');
      return;
    }
    const size = this.workers();
    const pool = new JudgeWorkerPool({
      size,
      spec,
      onWorkerExit: (reason) => this.logger.error(`judge worker died (${reason}); replacing it`),
    });
    this.pool = pool;
    this.readiness.register('models', () => pool.state);
    const started = Date.now();
    const loaded = pool.ready.then((d) => {
      if (d.fallback) this.logger.error(`${d.fallback}; using ${d.name}`);
      this.logger.log(`${size} judge worker(s) loaded ${d.name}@${d.version} in ${Date.now() - started} ms`);
    });
    if (spec.kind === 'clip') await loaded;
    else loaded.catch((e: unknown) => this.logger.error(`judge workers failed to load: ${String(e)}`));
  }

  /** The backend once its models are loaded (judging runs in the worker pool). */
  async get(): Promise<JudgeBackend> {
    if (this.inProcess) return this.inProcess;
    const pool = this.pool;
    if (!pool) throw new Error('judge backends not initialised');
    const d = await pool.ready;
    return {
      name: d.name,
      version: d.version,
      info: () => ({ ...d.info, workers: pool.size }),
      judge: (request: JudgeRequest): Promise<ImageJudgement[]> => pool.judge(request),
    };
  }

  /** Why the configured backend is not the one in use, if it is not. */
  get fallback(): string | undefined {
    return this.pool?.backend?.fallback;
  }

  /** After the consumer finished its in-flight messages (beforeApplicationShutdown). */
  async onApplicationShutdown(): Promise<void> {
    await this.pool?.close();
  }

  /** JUDGE_WORKERS, or half the cores (at least 1) when 0. */
  private workers(): number {
    return this.cfg.env.JUDGE_WORKERS || Math.max(1, Math.floor(availableParallelism() / 2));
  }

  private spec(): JudgeBackendSpec {
    const c = this.cfg.env;
    const wantClip = c.JUDGE_BACKEND === 'clip' || (c.JUDGE_BACKEND === 'auto' && detectClipLayout(c.JUDGE_CLIP_DIR));
    if (c.JUDGE_BACKEND === 'statistics') return { kind: 'statistics' };
    if (!wantClip) {
      return { kind: 'vision', ...(c.JUDGE_QUALITY_MODEL === 'off' ? {} : { qualityModel: c.JUDGE_QUALITY_MODEL }) };
    }
    // onnxruntime's default of one thread per core per session would oversubscribe with several workers.
    const threads = c.ML_INTRA_OP_THREADS || Math.max(1, Math.floor(availableParallelism() / this.workers()));
    return {
      kind: 'clip',
      textCacheSize: c.JUDGE_TEXT_CACHE_SIZE,
      clip: {
        clipDir: c.JUDGE_CLIP_DIR,
        modelsDir: c.ML_MODELS_DIR,
        aestheticHead: c.JUDGE_AESTHETIC_HEAD,
        normalisation: c.JUDGE_CLIP_NORMALISATION,
        session: { intraOpThreads: threads },
        batchSize: c.ML_BATCH_SIZE,
      },
    };
  }
}
