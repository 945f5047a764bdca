const ident = (name: string): string => {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`Unsafe SQL identifier: ${name}`);
  return `"${name}"`;
};

/**
 * DDL of the outbox (events waiting for the broker) and inbox (event ids already handled).
 * Every service's first migration calls this for its own schema.
 */
export function messagingTablesUpSql(schema: string): string[] {
  const s = ident(schema);
  return [
    `CREATE TABLE ${s}.outbox (
       id uuid PRIMARY KEY,
       seq bigserial NOT NULL,
       type text NOT NULL,
       payload bytea NOT NULL,
       correlation_id text NOT NULL,
       causation_id text NOT NULL,
       version integer NOT NULL,
       occurred_at timestamptz NOT NULL,
       published_at timestamptz
     )`,
    `CREATE INDEX outbox_unpublished_idx ON ${s}.outbox (seq) WHERE published_at IS NULL`,
    `CREATE TABLE ${s}.inbox (
       event_id uuid PRIMARY KEY,
       type text NOT NULL,
       correlation_id text NOT NULL,
       outcome text NOT NULL,
       processed_at timestamptz NOT NULL DEFAULT now()
     )`,
  ];
}

export function messagingTablesDownSql(schema: string): string[] {
  const s = ident(schema);
  return [`DROP TABLE ${s}.inbox`, `DROP TABLE ${s}.outbox`];
}

/**
 * W3C trace context (`traceparent`, `tracestate`) of the request or message that wrote each outbox row, so the relay
 * publishes the event as part of that trace. Every service adds the columns with a migration calling this.
 */
export function outboxTraceContextUpSql(schema: string): string[] {
  const s = ident(schema);
  return [`ALTER TABLE ${s}.outbox ADD COLUMN traceparent text, ADD COLUMN tracestate text`];
}

export function outboxTraceContextDownSql(schema: string): string[] {
  const s = ident(schema);
  return [`ALTER TABLE ${s}.outbox DROP COLUMN tracestate, DROP COLUMN traceparent`];
}
