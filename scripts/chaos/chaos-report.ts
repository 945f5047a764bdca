import type { ChaosResult } from './chaos-harness';

/** The invariants a chaos run must keep; each broken one is a line of the verdict. */
export function violations(r: ChaosResult): string[] {
  const m = r.measurement;
  const out: string[] = [];
  if (m.lost.length > 0) out.push(`${m.lost.length} lost`);
  if (m.duplicated.length > 0) out.push(`${m.duplicated.length} duplicated`);
  if (m.stuck.length > 0) out.push(`${m.stuck.length} stuck`);
  if (m.billingMismatches.length > 0) out.push(`${m.billingMismatches.length} billing mismatches`);
  if (m.usageMismatches.length > 0) out.push(`${m.usageMismatches.length} quota usage mismatches`);
  if (m.unbalancedLedgerTransactions > 0) out.push(`${m.unbalancedLedgerTransactions} unbalanced ledger transactions`);
  if (m.committedImages !== m.deliveredImages) {
    out.push(`committed ${m.committedImages} images but delivered ${m.deliveredImages}`);
  }
  const unpublished = Object.values(m.unpublishedOutbox).reduce((a, b) => a + b, 0);
  if (unpublished > 0) out.push(`${unpublished} unpublished outbox rows`);
  if (r.failedRequests.some((f) => f.what === 'submit')) out.push('submissions failed after retries');
  // With one gateway a restart is an outage by definition; with two the API must stay up for a retrying client.
  if (r.rolling && r.replicas.gateway > 1 && r.rolling.failed > 0) {
    out.push(`${r.rolling.failed} requests failed after retries in the rolling restart`);
  }
  if (r.badExits.length > 0) out.push(`unclean exits: ${r.badExits.join('; ')}`);
  return out;
}

const row = (k: string, v: string | number): string => `| ${k.padEnd(44)} | ${String(v).padEnd(40)} |`;

/** The run as one Markdown table (it goes into the README as printed). */
export function table(r: ChaosResult): string {
  const m = r.measurement;
  const count = (kind: string) => r.faults.filter((f) => f.kind === kind).length;
  const dlq = Object.entries(m.dlq)
    .flatMap(([s, reasons]) => Object.entries(reasons).map(([why, n]) => `${s}: ${n}× ${why}`))
    .join('; ');
  const outbox = Object.entries(m.unpublishedOutbox)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${s} ${n}`)
    .join(', ');
  const ratio = m.throughput.quiet > 0 ? m.throughput.faults / m.throughput.quiet : 0;
  const v = violations(r);
  return [
    row('measure', 'value'),
    `|${'-'.repeat(46)}|${'-'.repeat(42)}|`,
    row(
      'replicas',
      Object.entries(r.replicas)
        .map(([s, n]) => `${s.slice(0, 3)} ${n}`)
        .join(', '),
    ),
    row('generations accepted (main + rolling)', m.accepted),
    row(
      'terminal status',
      Object.entries(m.byStatus)
        .map(([s, n]) => `${s} ${n}`)
        .join(', '),
    ),
    row('faults', `${count('kill')} kills, ${count('amqp_close')} AMQP closes`),
    row('', `${count('broker_restart')} broker restarts, ${count('db_terminate')} DB session kills`),
    row('lost / duplicated / stuck', `${m.lost.length} / ${m.duplicated.length} / ${m.stuck.length}`),
    row('billing mismatches (per generation)', m.billingMismatches.length),
    row('images committed / delivered', `${m.committedImages} / ${m.deliveredImages}`),
    row(
      'quota usage mismatches; unbalanced ledger tx',
      `${m.usageMismatches.length}; ${m.unbalancedLedgerTransactions}`,
    ),
    row('dead-lettered (reason)', dlq || 'none'),
    row('unpublished outbox rows', outbox || '0'),
    row(
      'time to terminal p50 / p95 / max',
      `${(m.terminalMs.p50 / 1000).toFixed(2)} / ${(m.terminalMs.p95 / 1000).toFixed(2)} / ${(m.terminalMs.max / 1000).toFixed(2)} s`,
    ),
    row(
      'throughput no faults / faults (ratio)',
      `${m.throughput.quiet.toFixed(2)} / ${m.throughput.faults.toFixed(2)} gen/s (${ratio.toFixed(2)})`,
    ),
    row('submissions failed after retries', r.failedRequests.filter((f) => f.what === 'submit').length),
    row(
      'rolling gateway restart',
      r.rolling ? `${r.rolling.requests} req, ${r.rolling.retried} retried, ${r.rolling.failed} failed` : 'skipped',
    ),
    row('unclean exits', r.badExits.length),
    row('wall time', `${(r.wallMs / 1000).toFixed(0)} s`),
    row('verdict', v.length === 0 ? 'PASS' : `FAIL: ${v.join(', ')}`),
  ].join('\n');
}
