import { Module } from '@nestjs/common';
import { SignedCallers } from '../support/signed-caller';
import { LedgerModule } from '../ledger/ledger.module';
import { FaultInjector } from '../support/fault-injector';
import { PaymentProviders } from './payment-providers';
import { TopUpRepository } from './top-up.repository';
import { CreateTopUpHandler, ListTopUpsHandler } from './top-ups.handlers';
import { TopUps } from './top-ups.service';
import { WebhooksController } from './webhooks.controller';

@Module({
  imports: [LedgerModule],
  controllers: [WebhooksController, CreateTopUpHandler, ListTopUpsHandler],
  providers: [PaymentProviders, TopUpRepository, TopUps, FaultInjector, SignedCallers],
})
export class PaymentsModule {}
