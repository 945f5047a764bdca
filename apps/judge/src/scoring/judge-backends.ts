import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import { detectClipLayout } from '@atelier/ml-runtime';
import { ClipJudge } from '../clip/clip-judge';
import { VisionJudge } from '../vision/vision-judge';
import type { JudgeBackend } from './judge-backend';
import { StatisticsJudge } from './statistics-judge';

/**
 * Chooses and loads the judge backend. CLIP (explicit, or `auto` with an export in JUDGE_CLIP_DIR)
 * loads during start-up, so a missing or corrupt model file stops the service with an error naming
 * it. The vision judge loads in the background: the service is ready at once and the first
 * `images.generated` waits for the detector (about 0.3 s). If the vision judge cannot load, the
 * statistics judge takes over and the reason is logged and stored with every prediction.
 */
@Injectable()
export class JudgeBackends implements OnModuleInit {
  private readonly logger = new Logger(JudgeBackends.name);
  private ready: Promise<JudgeBackend> | undefined;
  private fallbackReason: string | undefined;

  constructor(@Inject(SERVICE_CONFIG) private readonly cfg: ServiceConfig<'judge'>) {}

  async onModuleInit(): Promise<void> {
    const c = this.cfg.env;
    const wantClip = c.JUDGE_BACKEND === 'clip' || (c.JUDGE_BACKEND === 'auto' && detectClipLayout(c.JUDGE_CLIP_DIR));
    if (wantClip) {
      const clip = await ClipJudge.load({
        clipDir: c.JUDGE_CLIP_DIR,
        modelsDir: c.ML_MODELS_DIR,
        aestheticHead: c.JUDGE_AESTHETIC_HEAD,
        normalisation: c.JUDGE_CLIP_NORMALISATION,
        session: { intraOpThreads: c.ML_INTRA_OP_THREADS },
        batchSize: c.ML_BATCH_SIZE,
      });
      this.ready = Promise.resolve(clip);
      void clip.warmUp().catch((e: unknown) => this.logger.warn(`CLIP warm-up failed: ${String(e)}`));
    } else if (c.JUDGE_BACKEND === 'statistics') {
      this.ready = Promise.resolve(new StatisticsJudge());
    } else {
      this.ready = VisionJudge.load().catch((e: unknown) => {
        this.fallbackReason = `vision judge unavailable: ${e instanceof Error ? e.message : String(e)}`;
        this.logger.error(`${this.fallbackReason}; using image statistics`);
        return new StatisticsJudge();
      });
    }
    this.logger.log(`judge backend: ${wantClip ? 'clip' : c.JUDGE_BACKEND === 'statistics' ? 'statistics' : 'vision'}`);
  }

  /** The backend, once loaded. */
  async get(): Promise<JudgeBackend> {
    if (!this.ready) throw new Error('judge backends not initialised');
    return this.ready;
  }

  /** Why the configured backend is not the one in use, if it is not. */
  get fallback(): string | undefined {
    return this.fallbackReason;
  }
}
