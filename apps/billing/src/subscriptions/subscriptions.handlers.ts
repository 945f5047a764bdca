import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { type RpcRequest, type RpcName } from '@atelier/contracts';
import { type RpcReplyInit } from '@atelier/messaging';
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
@Controller()
export class ChangeSubscriptionHandler {
  constructor(private readonly subscriptions: Subscriptions) {}

  @MessagePattern<RpcName>('billing.change_subscription')
  async answer(
    @Payload() r: RpcRequest<'billing.change_subscription'>,
  ): Promise<RpcReplyInit<'billing.change_subscription'>> {
    try {
      return reply(await this.subscriptions.change(r.userId, r.plan));
    } catch (err) {
      return { error: refusal(err) };
    }
  }
}

/** `billing.cancel_subscription`: stop renewing at period end. */
@Controller()
export class CancelSubscriptionHandler {
  constructor(private readonly subscriptions: Subscriptions) {}

  @MessagePattern<RpcName>('billing.cancel_subscription')
  async answer(
    @Payload() r: RpcRequest<'billing.cancel_subscription'>,
  ): Promise<RpcReplyInit<'billing.cancel_subscription'>> {
    try {
      const o = await this.subscriptions.cancel(r.userId);
      return { subscription: subscriptionToProto(o.subscription) };
    } catch (err) {
      return { error: refusal(err) };
    }
  }
}
