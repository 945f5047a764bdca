import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import { FREE_PLAN, type Plan } from './plan';
import { PlanRepository } from './plan.repository';

export class PlanValidationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlanValidationError';
  }
}

/** The plans as data: read by every billing decision, edited by admins. */
@Injectable()
export class PlanCatalog implements OnApplicationBootstrap {
  private readonly logger = new Logger('PlanCatalog');

  constructor(
    private readonly repo: PlanRepository,
    private readonly dataSource: DataSource,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig<'billing'>,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { FREE_MONTHLY_IMAGES, FREE_MAX_IMAGES_PER_REQUEST } = this.config.env;
    if (await this.repo.tuneUneditedFree(this.dataSource.manager, FREE_MONTHLY_IMAGES, FREE_MAX_IMAGES_PER_REQUEST)) {
      this.logger.log(`free plan: ${FREE_MONTHLY_IMAGES} images/month, ${FREE_MAX_IMAGES_PER_REQUEST} per request`);
    }
  }

  get(m: EntityManager, code: string): Promise<Plan | undefined> {
    return this.repo.get(m, code);
  }

  async free(m: EntityManager): Promise<Plan> {
    const plan = await this.repo.get(m, FREE_PLAN);
    if (!plan) throw new Error('the free plan is missing from billing.plans');
    return plan;
  }

  list(includeInactive = false): Promise<Plan[]> {
    return this.repo.list(this.dataSource.manager, includeInactive);
  }

  /** Creates or replaces a plan. Price and allowance changes apply from each subscriber's next period. */
  async upsert(plan: Plan, adminId: string): Promise<Plan> {
    if (!/^[a-z][a-z0-9_]{1,31}$/.test(plan.code))
      throw new PlanValidationError('code must match ^[a-z][a-z0-9_]{1,31}$');
    if (plan.name.trim().length === 0 || plan.name.length > 64)
      throw new PlanValidationError('name must be 1-64 chars');
    if (plan.monthlyPriceKopecks < 0n || plan.monthlyPriceKopecks > 100_000_000_00n) {
      throw new PlanValidationError('monthly price must be 0 to 100 000 000 roubles');
    }
    if (plan.code === FREE_PLAN && (plan.monthlyPriceKopecks !== 0n || !plan.active)) {
      throw new PlanValidationError('the free plan must cost nothing and stay active');
    }
    if (plan.code !== FREE_PLAN && plan.monthlyPriceKopecks === 0n) {
      throw new PlanValidationError('a paid plan must have a price');
    }
    if (plan.maxImagesPerRequest < 1) throw new PlanValidationError('max images per request must be at least 1');
    return this.dataSource.transaction((m) => this.repo.upsert(m, plan, adminId));
  }
}
