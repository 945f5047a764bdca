import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ledgerAuditInconsistencies, ledgerAuditLastRun } from '@atelier/observability';
import { MetricProbes } from '@atelier/service-kit';
import { Ledger } from './ledger.service';

/** The audit reads the whole ledger, so a scrape reruns it at most this often and reports the last result. */
const AUDIT_EVERY_MS = 60_000;

/** Exposes the ledger audit (cached balances vs entries, balanced transactions, no negative wallet) as gauges. */
@Injectable()
export class LedgerAuditProbe implements OnModuleInit {
  private lastRun = 0;

  constructor(
    private readonly probes: MetricProbes,
    private readonly ledger: Ledger,
  ) {}

  onModuleInit(): void {
    this.probes.register('ledger_audit', () => this.read());
  }

  private async read(): Promise<void> {
    if (Date.now() - this.lastRun < AUDIT_EVERY_MS) return;
    const audit = await this.ledger.audit();
    this.lastRun = Date.now();
    ledgerAuditInconsistencies.set({ kind: 'mismatched_accounts' }, audit.mismatchedAccounts);
    ledgerAuditInconsistencies.set({ kind: 'unbalanced_transactions' }, audit.unbalancedTransactions);
    ledgerAuditInconsistencies.set({ kind: 'negative_wallets' }, audit.negativeWallets);
    ledgerAuditInconsistencies.set({ kind: 'nonzero_total' }, audit.totalKopecks === 0n ? 0 : 1);
    ledgerAuditLastRun.set(this.lastRun / 1000);
  }
}
