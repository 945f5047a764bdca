import { MAX_VERIFIED_TOKENS, VerifiedTokens, type VerifiedClaims } from './verified-tokens';

const claims = (expiresAt: number, sessionId = '0b9a3c6e-9f5e-4a43-9a49-0f0b0b0b0b0b'): VerifiedClaims => ({
  userId: '6f1d2c3b-4a59-4e6f-8a7b-9c0d1e2f3a4b',
  role: 'user',
  sessionId,
  expiresAt,
});

describe('VerifiedTokens', () => {
  const now = 1_765_000_000_000;

  it('answers a remembered token until it expires, and nothing for another token', () => {
    const cache = new VerifiedTokens();
    cache.remember('header.payload.sig', claims(now + 60_000), now);
    expect(cache.get('header.payload.sig', now + 59_999)?.sessionId).toBe('0b9a3c6e-9f5e-4a43-9a49-0f0b0b0b0b0b');
    expect(cache.get('header.payload.sig2', now)).toBeUndefined();
    // At exp, as jsonwebtoken (clock ≥ exp is expired), the token is no longer answered, and is dropped.
    expect(cache.get('header.payload.sig', now + 60_000)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('does not remember an already expired token', () => {
    const cache = new VerifiedTokens();
    cache.remember('t', claims(now), now);
    expect(cache.get('t', now - 1)).toBeUndefined();
  });

  it('keys by the token hash, not the token', () => {
    expect(VerifiedTokens.key('abc')).not.toContain('abc');
    expect(VerifiedTokens.key('abc')).toHaveLength(44);
  });

  it('is bounded, dropping the least recently used', () => {
    const cache = new VerifiedTokens();
    for (let i = 0; i < MAX_VERIFIED_TOKENS; i++) cache.remember(`t${i}`, claims(now + 60_000), now);
    expect(cache.get('t0', now)).toBeDefined(); // t0 is now the most recently used
    cache.remember('new', claims(now + 60_000), now);
    expect(cache.size).toBe(MAX_VERIFIED_TOKENS);
    expect(cache.get('t1', now)).toBeUndefined();
    expect(cache.get('t0', now)).toBeDefined();
    expect(cache.get('new', now)).toBeDefined();
  });
});
