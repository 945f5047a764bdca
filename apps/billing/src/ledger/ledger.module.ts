import { Module } from '@nestjs/common';
import { SignedCallerGuard } from '../support/signed-caller';
import { FaultInjector } from '../support/fault-injector';
import { AdjustWalletHandler, AuditLedgerHandler, GetLedgerHandler, GetReceiptHandler } from './ledger.handlers';
import { LedgerAuditProbe } from './ledger-audit.probe';
import { LedgerRepository } from './ledger.repository';
import { Ledger } from './ledger.service';
import { WalletAdjustments } from './wallet-adjustments.service';

@Module({
  controllers: [GetLedgerHandler, AuditLedgerHandler, AdjustWalletHandler, GetReceiptHandler],
  providers: [LedgerRepository, Ledger, WalletAdjustments, FaultInjector, LedgerAuditProbe, SignedCallerGuard],
  exports: [Ledger],
})
export class LedgerModule {}
