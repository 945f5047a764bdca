import { Module } from '@nestjs/common';
import { SignedCallerGuard } from '../support/signed-caller';
import { LedgerModule } from '../ledger/ledger.module';
import { PlansModule } from '../plans/plans.module';
import { FaultInjector } from '../support/fault-injector';
import { SubscriptionRenewalScheduler } from './subscription-renewal.scheduler';
import { SubscriptionRepository } from './subscription.repository';
import {
  CancelSubscriptionHandler,
  ChangeSubscriptionHandler,
  PreviewSubscriptionChangeHandler,
} from './subscriptions.handlers';
import { Subscriptions } from './subscriptions.service';

@Module({
  imports: [PlansModule, LedgerModule],
  controllers: [ChangeSubscriptionHandler, CancelSubscriptionHandler, PreviewSubscriptionChangeHandler],
  providers: [SubscriptionRepository, Subscriptions, SubscriptionRenewalScheduler, FaultInjector, SignedCallerGuard],
  exports: [Subscriptions],
})
export class SubscriptionsModule {}
