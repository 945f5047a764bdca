import { Module } from '@nestjs/common';
import { SignedCallerGuard } from '../support/signed-caller';
import { PlanCatalog } from './plan-catalog.service';
import { PlanRepository } from './plan.repository';
import { ListPlansHandler, UpsertPlanHandler } from './plans.handlers';

@Module({
  controllers: [ListPlansHandler, UpsertPlanHandler],
  providers: [PlanRepository, PlanCatalog, SignedCallerGuard],
  exports: [PlanCatalog],
})
export class PlansModule {}
