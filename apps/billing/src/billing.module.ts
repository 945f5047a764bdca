import { Module } from '@nestjs/common';
import { SERVICE_CONTROLLERS, serviceInfrastructure } from '@atelier/service-kit';
import { LedgerModule } from './ledger/ledger.module';
import { BILLING_MIGRATIONS } from './migrations';
import { PaymentsModule } from './payments/payments.module';
import { PlansModule } from './plans/plans.module';
import { QuotaModule } from './quota/quota.module';
import { SubscriptionsModule } from './subscriptions/subscriptions.module';
import { UserErasureModule } from './user-erasure/user-erasure.module';

@Module({
  imports: [
    ...serviceInfrastructure({ service: 'billing', migrations: BILLING_MIGRATIONS }),
    PlansModule,
    LedgerModule,
    SubscriptionsModule,
    PaymentsModule,
    QuotaModule,
    UserErasureModule,
  ],
  controllers: SERVICE_CONTROLLERS,
})
export class BillingModule {}
