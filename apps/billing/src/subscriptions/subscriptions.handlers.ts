import { Injectable } from '@nestjs/common';
import type { RpcRequest } from '@atelier/contracts';
import { HandlesRequest, type RequestHandler, type RpcReplyInit } from '@atelier/messaging';
import { refusalReply as refusal } from '../support/billing-refusal';
import { Subscriptions, subscriptionToProto, type ChangeOutcome } from './subscriptions.service';

const reply = (o: ChangeOutcome): RpcReplyInit<'billing.change_subscription'> => ({
  subscription: subscriptionToProto(o.subscription),
  change: o.change,
  chargedKopecks: o.chargedKopecks,
  creditedKopecks: o.creditedKopecks,
  walletBalanceKopecks: o.walletBalanceKopecks,
});

/** `billing.change_subscription`: buy, upgrade, downgrade or resume a plan, paid from the wallet. */
@Injectable()
@HandlesRequest('billing.change_subscription')
export class ChangeSubscriptionHandler implements RequestHandler<'billing.change_subscription'> {
  constructor(private readonly subscriptions: Subscriptions) {}

  async answer(r: RpcRequest<'billing.change_subscription'>): Promise<RpcReplyInit<'billing.change_subscription'>> {
    try {
      return reply(await this.subscriptions.change(r.userId, r.plan));
    } catch (err) {
      return { error: refusal(err) };
    }
  }
}

/** `billing.cancel_subscription`: stop renewing at period end. */
@Injectable()
@HandlesRequest('billing.cancel_subscription')
export class CancelSubscriptionHandler implements RequestHandler<'billing.cancel_subscription'> {
  constructor(private readonly subscriptions: Subscriptions) {}

  async answer(r: RpcRequest<'billing.cancel_subscription'>): Promise<RpcReplyInit<'billing.cancel_subscription'>> {
    try {
      const o = await this.subscriptions.cancel(r.userId);
      return { subscription: subscriptionToProto(o.subscription) };
    } catch (err) {
      return { error: refusal(err) };
    }
  }
}
