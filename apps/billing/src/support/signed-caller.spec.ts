import { randomUUID } from 'node:crypto';
import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { ServiceConfig } from '@atelier/config';
import { FatalError, type RequestContext } from '@atelier/messaging';
import { INTERNAL_CALLER_HEADER, signInternalCaller } from '@atelier/service-kit';
import { BILLING_CALLER_AUDIENCE, SignedCaller, SignedCallerGuard, type CallerRule } from './signed-caller';

const SECRET = 'k'.repeat(48);
const config = { env: { INTERNAL_CALLER_SECRET: SECRET } } as unknown as ServiceConfig<'billing'>;

class Handlers {
  @SignedCaller('admin')
  adminOnly(): void {}
  @SignedCaller({ actsOnField: 'userId' })
  actsOnUser(): void {}
  unruled(): void {}
}

/** The RPC execution context Nest builds for a handler: the handler, the decoded payload and the request context. */
function contextFor(handler: keyof Handlers, payload: unknown, token?: string): ExecutionContext {
  const ctx = {
    rpc: 'billing.test',
    getMessage: () => ({ properties: { headers: token === undefined ? {} : { [INTERNAL_CALLER_HEADER]: token } } }),
  } as unknown as RequestContext;
  return {
    getHandler: () => Handlers.prototype[handler],
    getClass: () => Handlers,
    switchToRpc: () => ({ getData: () => payload, getContext: () => ctx }),
  } as unknown as ExecutionContext;
}

const guard = new SignedCallerGuard(new Reflector(), config);
const token = (userId: string, role: string, audience = BILLING_CALLER_AUDIENCE, secret = SECRET) =>
  signInternalCaller(secret, { userId, role }, audience);
const refused = (c: ExecutionContext) => {
  try {
    guard.canActivate(c);
  } catch (e) {
    return e instanceof FatalError && e.code === 'forbidden_caller';
  }
  return false;
};

describe('SignedCallerGuard', () => {
  const user = randomUUID();
  const other = randomUUID();

  it('admits an admin on an admin call and the acting user on their own call', () => {
    expect(guard.canActivate(contextFor('adminOnly', {}, token(randomUUID(), 'admin')))).toBe(true);
    expect(guard.canActivate(contextFor('actsOnUser', { userId: user.toUpperCase() }, token(user, 'customer')))).toBe(
      true,
    );
    expect(guard.canActivate(contextFor('actsOnUser', { userId: other }, token(randomUUID(), 'admin')))).toBe(true);
  });

  it.each<[string, keyof Handlers, unknown, string | undefined]>([
    ['no token', 'adminOnly', {}, undefined],
    ['a customer on an admin call', 'adminOnly', {}, token(user, 'customer')],
    ['a customer acting on someone else', 'actsOnUser', { userId: other }, token(user, 'customer')],
    ['a payload without the acting field', 'actsOnUser', {}, token(user, 'customer')],
    ['a token for another audience', 'adminOnly', {}, token(user, 'admin', 'recommender')],
    [
      'a token signed with another secret',
      'adminOnly',
      {},
      token(user, 'admin', BILLING_CALLER_AUDIENCE, 'x'.repeat(48)),
    ],
    ['a guard used without a rule, for a customer', 'unruled', { userId: user }, token(user, 'customer')],
  ])('refuses %s with forbidden_caller', (_label, handler, payload, t) => {
    expect(refused(contextFor(handler, payload, t))).toBe(true);
  });

  it('reads the rule from the decorator', () => {
    const rule: CallerRule | undefined = new Reflector().get(
      'billing:signed-caller-rule',
      Handlers.prototype.actsOnUser,
    );
    expect(rule).toEqual({ actsOnField: 'userId' });
  });
});
