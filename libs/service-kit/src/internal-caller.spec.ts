import jwt from 'jsonwebtoken';
import { signInternalCaller, verifyInternalCaller } from './internal-caller';

describe('internal caller tokens', () => {
  const secret = 's'.repeat(40);
  const caller = { userId: '0b6f1d4e-7a0c-4c55-9f43-2f3b8c1d9e01', role: 'shop' };

  it('round-trips the caller for the intended audience', () => {
    expect(verifyInternalCaller(secret, signInternalCaller(secret, caller, 'recommender'), 'recommender')).toEqual(
      caller,
    );
  });

  it('refuses another key, another audience, an expired token, alg none and a non-UUID subject', () => {
    const token = signInternalCaller(secret, caller, 'recommender');
    expect(verifyInternalCaller('t'.repeat(40), token, 'recommender')).toBeUndefined();
    expect(verifyInternalCaller(secret, token, 'billing')).toBeUndefined();
    expect(verifyInternalCaller(secret, signInternalCaller(secret, caller, 'recommender', -10), 'recommender')).toBe(
      undefined,
    );
    const unsigned = jwt.sign({ role: 'admin' }, '', {
      algorithm: 'none',
      subject: caller.userId,
      audience: 'recommender',
      issuer: 'atelier-gateway',
    });
    expect(verifyInternalCaller(secret, unsigned, 'recommender')).toBeUndefined();
    const odd = signInternalCaller(secret, { userId: 'not-a-uuid', role: 'admin' }, 'recommender');
    expect(verifyInternalCaller(secret, odd, 'recommender')).toBeUndefined();
  });
});
