import { Module } from '@nestjs/common';
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
  ],
})
export class QuotaModule {}
