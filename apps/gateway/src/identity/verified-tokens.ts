import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { Role } from './caller';

/** What a verified access token says: the claims JwtStrategy checked, and when the token expires. */
export interface VerifiedClaims {
  userId: string;
  role: Role;
  sessionId: string;
  /** The token's `exp`, in epoch milliseconds. */
  expiresAt: number;
}

/** Tokens remembered at most; beyond it the least recently used is dropped (it costs one HMAC to learn again). */
export const MAX_VERIFIED_TOKENS = 20_000;

/**
 * Access tokens whose signature, algorithm, issuer, audience, expiry and claims' shape were already checked
 * (bench:gateway: the HMAC verify and passport's plumbing were the largest cost of an authenticated read). Keyed
 * by the token's SHA-256, so the cache holds no usable token; an entry lives no longer than the token itself.
 * This caches the token's verification only: the session's liveness (SessionLiveness, ≤ 5 s) is still checked on
 * every request, so revocation is unaffected.
 */
@Injectable()
export class VerifiedTokens {
  private readonly entries = new Map<string, VerifiedClaims>();
  private readonly max = MAX_VERIFIED_TOKENS;

  static key(token: string): string {
    return createHash('sha256').update(token).digest('base64');
  }

  /** The claims of a token verified before and not yet expired, else undefined (verify it then). */
  get(token: string, now = Date.now()): VerifiedClaims | undefined {
    const key = VerifiedTokens.key(token);
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    this.entries.delete(key);
    if (hit.expiresAt <= now) return undefined;
    this.entries.set(key, hit);
    return hit;
  }

  remember(token: string, claims: VerifiedClaims, now = Date.now()): void {
    if (!(claims.expiresAt > now)) return;
    const key = VerifiedTokens.key(token);
    this.entries.delete(key);
    while (this.entries.size >= this.max) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    this.entries.set(key, claims);
  }

  get size(): number {
    return this.entries.size;
  }
}
