import { Module } from '@nestjs/common';
import { SignedCallerGuard } from '../support/signed-caller';
import { LedgerModule } from '../ledger/ledger.module';
import { FaultInjector } from '../support/fault-injector';
import { PaymentProviders } from './payment-providers';
import { TopUpRepository } from './top-up.repository';
import { CreateTopUpHandler, ListTopUpsHandler } from './top-ups.handlers';
import { TopUps } from './top-ups.service';
import {
  AdminListTopUpsHandler,
  GetTopUpHandler,
  RefundTopUpHandler,
  SettleSandboxPaymentHandler,
} from './payments-web.handlers';
import { Refunds } from './refunds.service';
import { SandboxPayer } from './sandbox-payer.service';
import { WebhooksController } from './webhooks.controller';

@Module({
  imports: [LedgerModule],
  controllers: [
    WebhooksController,
    CreateTopUpHandler,
    ListTopUpsHandler,
    GetTopUpHandler,
    SettleSandboxPaymentHandler,
    AdminListTopUpsHandler,
    RefundTopUpHandler,
  ],
  providers: [PaymentProviders, TopUpRepository, TopUps, SandboxPayer, Refunds, FaultInjector, SignedCallerGuard],
})
export class PaymentsModule {}
