import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import type { EventPayload } from '@atelier/contracts';
import {
  GLOBAL_LAMBDA,
  USER_LAMBDA,
  fitPreferenceModel,
  fixedModel,
  preferencePairs,
  type PreferenceModel,
} from './preference-model';
import { GLOBAL_SCOPE, PreferencesRepository } from './preferences.repository';

/** Verdicts a refit reads: a user's latest, and everyone's latest for the global model. */
const USER_WINDOW = 2000;
const GLOBAL_WINDOW = 10000;

export interface AppliedPreference {
  model: PreferenceModel;
  source: 'user' | 'global';
}

/**
 * Learns ranking weights from likes: stores each verdict with the judge's own component scores of the
 * image, refits the user's and the global preference model (preference-model.ts), and hands the model
 * to ranking. Refits are serialised by an advisory lock so concurrent feedback cannot lose an update.
 */
@Injectable()
export class JudgePreferences {
  private readonly logger = new Logger(JudgePreferences.name);

  constructor(
    private readonly repo: PreferencesRepository,
    private readonly dataSource: DataSource,
    @Inject(SERVICE_CONFIG) private readonly cfg: ServiceConfig<'judge'>,
  ) {}

  private get fixed(): PreferenceModel {
    return fixedModel({ fidelity: this.cfg.env.JUDGE_WEIGHT_FIDELITY, aesthetic: this.cfg.env.JUDGE_WEIGHT_AESTHETIC });
  }

  async learn(m: EntityManager, event: EventPayload<'feedback.submitted'>): Promise<void> {
    if (event.verdict !== 'like' && event.verdict !== 'dislike') {
      this.logger.warn(`ignoring feedback ${event.feedbackId} with verdict ${JSON.stringify(event.verdict)}`);
      return;
    }
    const own = await this.repo.prediction(m, event.generationId, event.imageIndex);
    if (own && own.userId !== event.userId) {
      this.logger.warn(`ignoring feedback ${event.feedbackId}: image belongs to another user`);
      return;
    }
    // The judge's stored metrics are authoritative; the event's copy serves images judged elsewhere.
    const components = own?.metrics ?? { ...event.metrics };
    await this.repo.upsertFeedback(m, event.userId, event.feedbackId, {
      generationId: event.generationId,
      imageIndex: event.imageIndex,
      verdict: event.verdict,
      components,
    });
    await m.query(`SELECT pg_advisory_xact_lock(hashtext('judge.preference_weights'))`);
    const features = this.fixed.features;
    const global = fitPreferenceModel(
      preferencePairs(await this.repo.feedback(m, undefined, GLOBAL_WINDOW), features),
      this.fixed,
      { lambda: GLOBAL_LAMBDA },
    );
    const user = fitPreferenceModel(
      preferencePairs(await this.repo.feedback(m, event.userId, USER_WINDOW), features),
      global,
      { lambda: USER_LAMBDA },
    );
    await this.repo.saveModel(m, GLOBAL_SCOPE, global);
    await this.repo.saveModel(m, event.userId, user);
  }

  /** The user's model, else the global one, once trained on enough pairs; undefined = fixed weights. */
  async forUser(userId: string): Promise<AppliedPreference | undefined> {
    if (!this.cfg.env.JUDGE_LEARNED_WEIGHTS) return undefined;
    const min = this.cfg.env.JUDGE_PREFERENCE_MIN_PAIRS;
    const models = await this.repo.models(this.dataSource, [userId, GLOBAL_SCOPE]);
    const user = models.get(userId);
    if (user && user.pairs >= min) return { model: user, source: 'user' };
    const global = models.get(GLOBAL_SCOPE);
    if (global && global.pairs >= min) return { model: global, source: 'global' };
    return undefined;
  }
}
