import { Module } from '@nestjs/common';
import { LedgerModule } from '../ledger/ledger.module';
import { SubscriptionsModule } from '../subscriptions/subscriptions.module';
import { AccountSummaryHandler, LimitsHandler } from './account-summary.handler';
import {
  GenerationCancelRequestedHandler,
  GenerationCompletedHandler,
  GenerationFailedHandler,
  GenerationRequestedHandler,
  SagaProgressHandlers,
} from './quota.handlers';
import { QuotaReservationRepository } from './quota-reservation.repository';
import { QuotaReservations } from './quota-reservations.service';
import { ReservationExpiryScheduler } from './reservation-expiry.scheduler';

@Module({
  imports: [SubscriptionsModule, LedgerModule],
  controllers: [
    GenerationRequestedHandler,
    GenerationCompletedHandler,
    GenerationFailedHandler,
    SagaProgressHandlers,
    GenerationCancelRequestedHandler,
    AccountSummaryHandler,
    LimitsHandler,
  ],
  providers: [QuotaReservationRepository, QuotaReservations, ReservationExpiryScheduler],
})
export class QuotaModule {}
