import type { Request } from 'express';
import { loadConfig } from '@atelier/config';
import { ApiError } from '@atelier/service-kit';
import { CsrfTokens } from './csrf-tokens';

const request = (cookie: string | undefined, header: string | undefined, body: Record<string, unknown> = {}) =>
  ({
    cookies: cookie === undefined ? {} : { atelier_csrf: cookie },
    body,
    header: (name: string) => (name === 'x-csrf-token' ? header : undefined),
  }) as unknown as Request;

describe('CsrfTokens', () => {
  const csrf = new CsrfTokens(loadConfig('gateway', {}));
  const other = new CsrfTokens(loadConfig('gateway', { JWT_SECRET: 'another-secret-of-at-least-32-characters' }));
  const session = '0b9a3c6e-9f5e-4a43-9a49-0f0b0b0b0b0b';

  it('accepts the same valid token in cookie and header, bound to its session', () => {
    const token = csrf.issue(session);
    expect(() => csrf.assert(request(token, token), session)).not.toThrow();
    expect(csrf.isValid(token, session)).toBe(true);
    expect(csrf.isValid(token, '')).toBe(false);
  });

  it('refuses missing, mismatched, forged and foreign tokens with 403 csrf_failed', () => {
    const token = csrf.issue(session);
    const cases: Array<[string | undefined, string | undefined]> = [
      [token, undefined],
      [undefined, token],
      [token, csrf.issue(session)],
      ['nonce.signature', 'nonce.signature'],
      [other.issue(session), other.issue(session)],
    ];
    for (const [cookie, header] of cases) {
      try {
        csrf.assert(request(cookie, header), session);
        throw new Error('accepted');
      } catch (err) {
        expect(err).toBeInstanceOf(ApiError);
        expect((err as ApiError).getStatus()).toBe(403);
        expect((err as ApiError).body.error.code).toBe('csrf_failed');
      }
    }
  });

  it('takes the form field only where forms are expected', () => {
    const token = csrf.issue('');
    expect(() => csrf.assert(request(token, undefined, { _csrf: token }), '', true)).not.toThrow();
    expect(() => csrf.assert(request(token, undefined, { _csrf: token }), '')).toThrow(ApiError);
  });
});
