import { Module } from '@nestjs/common';
import { SERVICE_CONTROLLERS, serviceInfrastructure } from '@atelier/service-kit';
import { BILLING_MIGRATIONS } from './migrations';
import { QuotaModule } from './quota/quota.module';

@Module({
  imports: [...serviceInfrastructure({ service: 'billing', migrations: BILLING_MIGRATIONS }), QuotaModule],
  controllers: SERVICE_CONTROLLERS,
})
export class BillingModule {}
