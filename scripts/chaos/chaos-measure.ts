import amqplib from 'amqplib';
import { Client } from 'pg';
import { SERVICES } from '@atelier/config';

/** What the client knows about one accepted generation. */
export interface Accepted {
  id: string;
  user: string;
  n: number;
  phase: 'quiet' | 'faults' | 'rolling';
}

export interface Measurement {
  accepted: number;
  byStatus: Record<string, number>;
  /** Accepted (202) by the API but unknown to the gateway's read model. */
  lost: string[];
  /** Not terminal after the settle time. */
  stuck: string[];
  /** Generations in the read model the client never got an id for, plus generations with more images than asked. */
  duplicated: string[];
  /** Billing disagrees with the outcome (committed ≠ delivered, or a charge for a failed/rejected generation). */
  billingMismatches: string[];
  /** Users whose quota_usage disagrees with their reservations, or still has images reserved. */
  usageMismatches: string[];
  /** Ledger transactions whose entries do not sum to zero. */
  unbalancedLedgerTransactions: number;
  committedImages: number;
  deliveredImages: number;
  dlq: Record<string, Record<string, number>>;
  unpublishedOutbox: Record<string, number>;
  terminalMs: { p50: number; p95: number; max: number };
  /** Completed generations per second from the phase's first submission to its last terminal status. */
  throughput: { quiet: number; faults: number };
}

const pct = (xs: number[], p: number): number => {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

interface GenRow {
  id: string;
  user_id: string;
  status: string;
  images: number;
  created: number;
  terminal: number | null;
}

/**
 * Reads every schema of the mesh's database and every dead-letter queue of its vhost and compares them with what
 * the client was told. Read-only except for the dead-letter queues, which are drained (the run is over).
 */
export async function measure(opts: {
  databaseUrl: string;
  amqpUrl: string;
  namespace: string;
  accepted: Accepted[];
  users: string[];
  terminal: ReadonlySet<string>;
}): Promise<Measurement> {
  const db = new Client({ connectionString: opts.databaseUrl });
  await db.connect();
  try {
    const q = async <T>(sql: string, params: unknown[] = []): Promise<T[]> => (await db.query(sql, params)).rows as T[];
    const rows = await q<GenRow>(
      `SELECT g.id, g.user_id, g.status, jsonb_array_length(g.images)::int AS images,
              (extract(epoch FROM g.created_at) * 1000)::float8 AS created,
              (extract(epoch FROM COALESCE(g.completed_at,
                 (SELECT max(s.at) FROM gateway.generation_steps s WHERE s.generation_id = g.id))) * 1000)::float8
                 AS terminal
         FROM gateway.generations g WHERE g.user_id = ANY($1)`,
      [opts.users],
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    const acceptedIds = new Set(opts.accepted.map((a) => a.id));
    const byStatus: Record<string, number> = {};
    for (const r of rows) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
    const lost = opts.accepted.filter((a) => !byId.has(a.id)).map((a) => a.id);
    const stuck = rows.filter((r) => !opts.terminal.has(r.status)).map((r) => r.id);

    // Duplicates: a generation nobody was given an id for (a retried POST that made a second one), or more
    // images stored or shown than requested.
    const requested = new Map(opts.accepted.map((a) => [a.id, a.n]));
    const duplicated = rows.filter((r) => !acceptedIds.has(r.id)).map((r) => `${r.id}: unrequested`);
    const stored = await q<{ id: string; n: number }>(
      `SELECT generation_id AS id, count(*)::int AS n FROM generator.images WHERE generation_id = ANY($1)
        GROUP BY generation_id`,
      [[...acceptedIds]],
    );
    for (const s of stored) {
      if (s.n > (requested.get(s.id) ?? 0))
        duplicated.push(`${s.id}: ${s.n} images stored for n=${requested.get(s.id)}`);
    }
    for (const r of rows) {
      if (r.images > (requested.get(r.id) ?? 0)) duplicated.push(`${r.id}: ${r.images} images shown`);
    }

    // Billing per generation: completed → committed for exactly the images delivered; anything else → nothing.
    const reservations = await q<{ id: string; status: string; delivered: number | null }>(
      `SELECT generation_id AS id, status, delivered FROM billing.quota_reservations WHERE user_id = ANY($1)`,
      [opts.users],
    );
    const resById = new Map(reservations.map((r) => [r.id, r]));
    const billingMismatches: string[] = [];
    let committedImages = 0;
    let deliveredImages = 0;
    for (const r of rows) {
      const res = resById.get(r.id);
      const charged = res?.status === 'committed' ? (res.delivered ?? 0) : 0;
      committedImages += charged;
      if (r.status === 'completed') deliveredImages += r.images;
      const want = r.status === 'completed' ? r.images : 0;
      if (charged !== want || res?.status === 'reserved') {
        billingMismatches.push(
          `${r.id}: ${r.status} with ${r.images} image(s), billing ${res?.status ?? 'none'} ${charged}`,
        );
      }
    }
    for (const res of reservations) {
      if (!byId.has(res.id)) billingMismatches.push(`${res.id}: reservation for an unknown generation`);
    }
    const usage = await q<{ user_id: string; reserved: number; committed: number; from_reservations: number }>(
      `SELECT u.user_id, sum(u.reserved)::int AS reserved, sum(u.committed)::int AS committed,
              COALESCE((SELECT sum(r.delivered) FROM billing.quota_reservations r
                         WHERE r.user_id = u.user_id AND r.status = 'committed'), 0)::int AS from_reservations
         FROM billing.quota_usage u WHERE u.user_id = ANY($1) GROUP BY u.user_id`,
      [opts.users],
    );
    const usageMismatches = usage
      .filter((u) => u.reserved !== 0 || u.committed !== u.from_reservations)
      .map((u) => `${u.user_id}: reserved ${u.reserved}, committed ${u.committed} vs ${u.from_reservations}`);
    const [ledger] = await q<{ n: number }>(
      `SELECT count(*)::int AS n FROM (SELECT t.id FROM billing.ledger_transactions t
         LEFT JOIN billing.ledger_entries e ON e.transaction_id = t.id
        GROUP BY t.id HAVING COALESCE(sum(e.amount_kopecks), 0) <> 0) x`,
    );

    const unpublishedOutbox: Record<string, number> = {};
    for (const s of SERVICES) {
      const [o] = await q<{ n: number }>(`SELECT count(*)::int AS n FROM "${s}".outbox WHERE published_at IS NULL`);
      unpublishedOutbox[s] = o.n;
    }

    const done = rows.filter((r) => r.terminal !== null && opts.terminal.has(r.status));
    const latencies = done.map((r) => (r.terminal ?? 0) - r.created);
    const phaseRate = (phase: Accepted['phase']): number => {
      const ids = new Set(opts.accepted.filter((a) => a.phase === phase).map((a) => a.id));
      const inPhase = done.filter((r) => ids.has(r.id));
      // Only completed generations count: a quota rejection is cheap and would flatter whichever phase had more.
      const completed = inPhase.filter((r) => r.status === 'completed').length;
      if (inPhase.length === 0) return 0;
      const start = Math.min(...inPhase.map((r) => r.created));
      const end = Math.max(...inPhase.map((r) => r.terminal ?? 0));
      return completed / Math.max(0.001, (end - start) / 1000);
    };

    return {
      accepted: opts.accepted.length,
      byStatus,
      lost,
      stuck,
      duplicated,
      billingMismatches,
      usageMismatches,
      unbalancedLedgerTransactions: ledger.n,
      committedImages,
      deliveredImages,
      dlq: await drainDeadLetters(opts.amqpUrl, opts.namespace),
      unpublishedOutbox,
      terminalMs: { p50: pct(latencies, 50), p95: pct(latencies, 95), max: Math.max(0, ...latencies) },
      throughput: { quiet: phaseRate('quiet'), faults: phaseRate('faults') },
    };
  } finally {
    await db.end();
  }
}

/** Every dead-lettered message of each service, counted by its reason header. */
async function drainDeadLetters(amqpUrl: string, namespace: string): Promise<Record<string, Record<string, number>>> {
  const conn = await amqplib.connect(amqpUrl);
  const out: Record<string, Record<string, number>> = {};
  try {
    for (const s of SERVICES) {
      const ch = await conn.createChannel();
      ch.on('error', () => undefined);
      try {
        for (;;) {
          const msg = await ch.get(`${namespace}.${s}.dlq`, { noAck: true });
          if (!msg) break;
          const reason = String(msg.properties.headers?.['x-failure-reason'] ?? 'unknown').slice(0, 80);
          out[s] ??= {};
          out[s][reason] = (out[s][reason] ?? 0) + 1;
        }
        await ch.close();
      } catch {
        // no such queue (the service consumes nothing): nothing dead-lettered
      }
    }
  } finally {
    await conn.close().catch(() => undefined);
  }
  return out;
}
