import { Module } from '@nestjs/common';
import { FaultInjector } from '../support/fault-injector';
import { AdjustWalletHandler, AuditLedgerHandler, GetLedgerHandler } from './ledger.handlers';
import { LedgerAuditProbe } from './ledger-audit.probe';
import { LedgerRepository } from './ledger.repository';
import { Ledger } from './ledger.service';
import { WalletAdjustments } from './wallet-adjustments.service';

@Module({
  providers: [
    LedgerRepository,
    Ledger,
    WalletAdjustments,
    FaultInjector,
    GetLedgerHandler,
    AuditLedgerHandler,
    AdjustWalletHandler,
    LedgerAuditProbe,
  ],
  exports: [Ledger],
})
export class LedgerModule {}
