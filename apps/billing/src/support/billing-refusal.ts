import type { Kopecks } from '../ledger/money';

/** A refused command, answered to the caller with a code (the gateway maps it to an HTTP status). */
export class BillingRefusal extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly missingKopecks: Kopecks = 0n,
  ) {
    super(message);
    this.name = 'BillingRefusal';
  }
}

/** The reply's error field for a refusal; anything else is rethrown (an internal error for the RPC). */
export const refusalReply = (err: unknown): { code: string; message: string; missingKopecks: bigint } => {
  if (err instanceof BillingRefusal)
    return { code: err.code, message: err.message, missingKopecks: err.missingKopecks };
  throw err;
};
