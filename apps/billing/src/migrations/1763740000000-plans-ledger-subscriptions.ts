import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Plans (seeded as data), the double-entry ledger with cached balances, subscriptions, top-ups and the
 * record of every webhook. The database itself refuses an unbalanced transaction, an edited or deleted
 * entry, and a negative wallet.
 */
export class PlansLedgerSubscriptions1763740000000 implements MigrationInterface {
  name = 'PlansLedgerSubscriptions1763740000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE billing.plans (
        code text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]{1,31}$'),
        name text NOT NULL,
        monthly_price_kopecks bigint NOT NULL CHECK (monthly_price_kopecks >= 0),
        currency text NOT NULL DEFAULT 'RUB' CHECK (currency = 'RUB'),
        monthly_images integer NOT NULL CHECK (monthly_images >= 0),
        max_images_per_request integer NOT NULL CHECK (max_images_per_request >= 1),
        auto_prompt_enhance boolean NOT NULL,
        auto_best_selection boolean NOT NULL,
        brand_profile_limit integer NOT NULL CHECK (brand_profile_limit >= 0),
        lora_limit integer NOT NULL CHECK (lora_limit >= 0),
        priority integer NOT NULL CHECK (priority >= 0),
        active boolean NOT NULL DEFAULT true,
        sort_order integer NOT NULL DEFAULT 0,
        -- Admin who last edited the plan; NULL while it is as seeded (env may then tune the Free plan).
        edited_by text,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (code <> 'free' OR (monthly_price_kopecks = 0 AND active))
      )`);
    await q.query(`
      INSERT INTO billing.plans (code, name, monthly_price_kopecks, monthly_images, max_images_per_request,
                                 auto_prompt_enhance, auto_best_selection, brand_profile_limit, lora_limit, priority, sort_order)
      VALUES ('free',     'Free',     0,       100,  4, true, true, 1,  0, 0, 0),
             ('start',    'Start',    49000,   300,  4, true, true, 3,  0, 1, 1),
             ('pro',      'Pro',      149000,  1500, 4, true, true, 10, 2, 2, 2),
             ('business', 'Business', 499000,  6000, 4, true, true, 50, 10, 3, 3)`);

    await q.query(`
      CREATE TABLE billing.ledger_accounts (
        id bigserial PRIMARY KEY,
        -- wallet:<user uuid>, revenue:subscriptions, clearing:<provider>, equity:adjustments
        code text NOT NULL UNIQUE,
        kind text NOT NULL CHECK (kind IN ('wallet', 'revenue', 'clearing', 'equity')),
        user_id uuid,
        currency text NOT NULL DEFAULT 'RUB' CHECK (currency = 'RUB'),
        -- Cache of SUM(entries.amount_kopecks); the ledger is the truth (audit compares them).
        balance_kopecks bigint NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((kind = 'wallet') = (user_id IS NOT NULL)),
        CHECK (kind <> 'wallet' OR balance_kopecks >= 0)
      )`);
    await q.query(
      `CREATE UNIQUE INDEX ledger_accounts_wallet_idx ON billing.ledger_accounts (user_id) WHERE kind = 'wallet'`,
    );
    await q.query(`
      CREATE TABLE billing.ledger_transactions (
        id uuid PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('top_up', 'subscription_charge', 'admin_adjustment')),
        -- Makes every posting idempotent: top_up:<id>, subscription:<user>:<op>, adjust:<key>.
        idempotency_key text NOT NULL UNIQUE,
        user_id uuid,
        description text NOT NULL,
        metadata jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE billing.ledger_entries (
        id bigserial PRIMARY KEY,
        transaction_id uuid NOT NULL REFERENCES billing.ledger_transactions (id),
        account_id bigint NOT NULL REFERENCES billing.ledger_accounts (id),
        amount_kopecks bigint NOT NULL CHECK (amount_kopecks <> 0),
        balance_after_kopecks bigint NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX ledger_entries_account_idx ON billing.ledger_entries (account_id, id DESC)`);
    await q.query(`CREATE INDEX ledger_entries_transaction_idx ON billing.ledger_entries (transaction_id)`);
    // Append-only: entries and transactions are never edited or removed.
    await q.query(`
      CREATE FUNCTION billing.ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'ledger is append-only: % on % refused', TG_OP, TG_TABLE_NAME USING ERRCODE = 'P0001';
      END $$`);
    for (const table of ['ledger_entries', 'ledger_transactions']) {
      await q.query(`
        CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON billing.${table}
        FOR EACH ROW EXECUTE FUNCTION billing.ledger_append_only()`);
      await q.query(`
        CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON billing.${table}
        FOR EACH STATEMENT EXECUTE FUNCTION billing.ledger_append_only()`);
    }
    // Double entry, checked at commit: the entries of a transaction sum to zero.
    await q.query(`
      CREATE FUNCTION billing.ledger_assert_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE total bigint;
      BEGIN
        SELECT sum(amount_kopecks) INTO total FROM billing.ledger_entries WHERE transaction_id = NEW.transaction_id;
        IF total <> 0 THEN
          RAISE EXCEPTION 'ledger transaction % does not balance (sum %)', NEW.transaction_id, total
            USING ERRCODE = 'P0002';
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE CONSTRAINT TRIGGER ledger_entries_balanced AFTER INSERT ON billing.ledger_entries
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION billing.ledger_assert_balanced()`);
    await q.query(`
      INSERT INTO billing.ledger_accounts (code, kind) VALUES
        ('revenue:subscriptions', 'revenue'), ('equity:adjustments', 'equity'),
        ('clearing:sandbox', 'clearing'), ('clearing:yookassa', 'clearing')`);

    await q.query(`
      CREATE TABLE billing.subscriptions (
        user_id uuid PRIMARY KEY,
        plan_code text NOT NULL REFERENCES billing.plans (code),
        -- NULL on the Free plan (its period is the calendar month).
        period_start timestamptz,
        period_end timestamptz,
        -- Quota usage key of the current period.
        period_key text,
        -- Periods end at cycle_anchor + cycle months, so month ends do not drift.
        cycle_anchor timestamptz,
        cycle integer NOT NULL DEFAULT 0,
        cancel_at_period_end boolean NOT NULL DEFAULT false,
        next_plan_code text REFERENCES billing.plans (code),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((plan_code = 'free') = (period_end IS NULL)),
        CHECK (period_end IS NULL OR (period_start < period_end AND period_key IS NOT NULL))
      )`);
    await q.query(
      `CREATE INDEX subscriptions_due_idx ON billing.subscriptions (period_end) WHERE period_end IS NOT NULL`,
    );

    await q.query(`
      CREATE TABLE billing.top_ups (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL,
        idempotency_key text NOT NULL,
        provider text NOT NULL,
        amount_kopecks bigint NOT NULL CHECK (amount_kopecks > 0),
        currency text NOT NULL DEFAULT 'RUB',
        status text NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
        provider_payment_id text,
        confirmation_url text,
        failure text,
        ledger_transaction_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (user_id, idempotency_key),
        UNIQUE (provider, provider_payment_id)
      )`);
    await q.query(`CREATE INDEX top_ups_user_idx ON billing.top_ups (user_id, created_at DESC, id)`);
    // Every webhook received, verified or not, with what we did about it.
    await q.query(`
      CREATE TABLE billing.webhook_deliveries (
        id bigserial PRIMARY KEY,
        provider text NOT NULL,
        event text,
        provider_payment_id text,
        outcome text NOT NULL,
        detail text,
        body text NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX webhook_deliveries_payment_idx ON billing.webhook_deliveries (provider, provider_payment_id)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE billing.webhook_deliveries');
    await q.query('DROP TABLE billing.top_ups');
    await q.query('DROP TABLE billing.subscriptions');
    await q.query('DROP TABLE billing.ledger_entries');
    await q.query('DROP TABLE billing.ledger_transactions');
    await q.query('DROP TABLE billing.ledger_accounts');
    await q.query('DROP FUNCTION billing.ledger_assert_balanced()');
    await q.query('DROP FUNCTION billing.ledger_append_only()');
    await q.query('DROP TABLE billing.plans');
  }
}
