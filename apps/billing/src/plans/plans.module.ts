import { Module } from '@nestjs/common';
import { PlanCatalog } from './plan-catalog.service';
import { PlanRepository } from './plan.repository';
import { ListPlansHandler, UpsertPlanHandler } from './plans.handlers';

@Module({
  providers: [PlanRepository, PlanCatalog, ListPlansHandler, UpsertPlanHandler],
  exports: [PlanCatalog],
})
export class PlansModule {}
