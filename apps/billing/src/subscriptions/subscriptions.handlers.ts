import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { type RpcRequest, type RpcName } from '@atelier/contracts';
import { type RpcReplyInit } from '@atelier/messaging';
import { refusalReply as refusal } from '../support/billing-refusal';
import { SignedCaller } from '../support/signed-caller';
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
  @SignedCaller({ actsOnField: 'userId' })
  async answer(
    @Payload() r: RpcRequest<'billing.change_subscription'>,
  ): Promise<RpcReplyInit<'billing.change_subscription'>> {
    try {
      return reply(await this.subscriptions.change(r.userId, r.plan, r.quotedChargeKopecks));
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
  @SignedCaller({ actsOnField: 'userId' })
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

/** `billing.preview_subscription_change` (read): the proration a change would cost now, nothing written. */
@Controller()
export class PreviewSubscriptionChangeHandler {
  constructor(private readonly subscriptions: Subscriptions) {}

  @MessagePattern<RpcName>('billing.preview_subscription_change')
  async answer(
    @Payload() r: RpcRequest<'billing.preview_subscription_change'>,
  ): Promise<RpcReplyInit<'billing.preview_subscription_change'>> {
    try {
      const p = await this.subscriptions.preview(r.userId, r.plan);
      return {
        change: p.change,
        currentPlan: p.current.code,
        targetPlan: p.target.code,
        chargeKopecks: p.chargeKopecks,
        creditKopecks: p.creditKopecks,
        targetPriceKopecks: p.target.monthlyPriceKopecks,
        walletBalanceKopecks: p.walletBalanceKopecks,
        missingKopecks: p.missingKopecks,
        effectiveAt: p.effectiveAt.toISOString(),
        currentPeriodEnd: p.currentPeriodEnd?.toISOString() ?? '',
        newPeriodEnd: p.newPeriodEnd?.toISOString() ?? '',
        currentMonthlyImages: p.current.monthlyImages,
        targetMonthlyImages: p.target.monthlyImages,
      };
    } catch (err) {
      return { error: refusal(err) };
    }
  }
}
