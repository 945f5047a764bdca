import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { type RpcRequest, type RpcName } from '@atelier/contracts';
import { type RpcReplyInit } from '@atelier/messaging';
import { type InternalCaller } from '@atelier/service-kit';
import { SignedCaller, VerifiedCaller } from '../support/signed-caller';
import { planToProto } from './plan';
import { PlanCatalog, PlanValidationError } from './plan-catalog.service';

/** `billing.list_plans`: the catalogue with prices, allowances and features. */
@Controller()
export class ListPlansHandler {
  constructor(private readonly plans: PlanCatalog) {}

  @MessagePattern<RpcName>('billing.list_plans')
  async answer(@Payload() r: RpcRequest<'billing.list_plans'>): Promise<RpcReplyInit<'billing.list_plans'>> {
    return { plans: (await this.plans.list(r.includeInactive)).map(planToProto) };
  }
}

/** `billing.upsert_plan` (admin, signed caller): create or replace a plan. */
@Controller()
export class UpsertPlanHandler {
  constructor(private readonly plans: PlanCatalog) {}

  @MessagePattern<RpcName>('billing.upsert_plan')
  @SignedCaller('admin')
  async answer(
    @Payload() r: RpcRequest<'billing.upsert_plan'>,
    @VerifiedCaller() admin: InternalCaller,
  ): Promise<RpcReplyInit<'billing.upsert_plan'>> {
    const p = r.plan;
    if (!p) return { error: { code: 'invalid_plan', message: 'a plan is required' } };
    try {
      const saved = await this.plans.upsert(
        {
          code: p.code,
          name: p.name,
          monthlyPriceKopecks: p.monthlyPriceKopecks,
          currency: 'RUB',
          monthlyImages: p.limits?.monthlyImages ?? 0,
          maxImagesPerRequest: p.limits?.maxImagesPerRequest ?? 1,
          autoPromptEnhance: p.features?.autoPromptEnhance ?? false,
          autoBestSelection: p.features?.autoBestSelection ?? false,
          brandProfileLimit: p.limits?.brandProfileLimit ?? 0,
          loraLimit: p.limits?.loraLimit ?? 0,
          priority: p.limits?.priority ?? 0,
          active: p.active,
          sortOrder: p.sortOrder,
        },
        admin.userId,
      );
      return { plan: planToProto(saved) };
    } catch (err) {
      if (err instanceof PlanValidationError) return { error: { code: 'invalid_plan', message: err.message } };
      throw err;
    }
  }
}
