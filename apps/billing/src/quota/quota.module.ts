import { Module } from '@nestjs/common';
import { AccountSummaryHandler } from './account-summary.handler';
import { GenerationCompletedHandler, GenerationFailedHandler, GenerationRequestedHandler } from './quota.handlers';
import { QuotaReservationRepository } from './quota-reservation.repository';
import { QuotaReservations } from './quota-reservations.service';
import { ReservationExpiryScheduler } from './reservation-expiry.scheduler';

@Module({
  providers: [
    QuotaReservationRepository,
    QuotaReservations,
    ReservationExpiryScheduler,
    GenerationRequestedHandler,
    GenerationCompletedHandler,
    GenerationFailedHandler,
    AccountSummaryHandler,
  ],
})
export class QuotaModule {}
