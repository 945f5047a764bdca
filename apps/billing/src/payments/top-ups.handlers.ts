import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { type MessageInitShape, type RpcRequest, type TopUpSchema, type RpcName } from '@atelier/contracts';
import { type RpcReplyInit } from '@atelier/messaging';
import { refusalReply } from '../support/billing-refusal';
import { SignedCaller } from '../support/signed-caller';
import type { TopUpRow } from './top-up.repository';
import { TopUps } from './top-ups.service';

export const topUpToProto = (t: TopUpRow): MessageInitShape<typeof TopUpSchema> => ({
  id: t.id,
  provider: t.provider,
  amountKopecks: BigInt(t.amount_kopecks),
  currency: t.currency,
  status: t.status,
  confirmationUrl: t.confirmation_url ?? '',
  createdAt: t.created_at.toISOString(),
  updatedAt: t.updated_at.toISOString(),
});

export const encodeCursor = (t: TopUpRow): string =>
  Buffer.from(`${t.created_at.toISOString()}|${t.id}`).toString('base64url');

export const decodeCursor = (c: string): { createdAt: string; id: string } | undefined => {
  const [createdAt, id] = Buffer.from(c, 'base64url').toString('utf8').split('|');
  if (!createdAt || !id || Number.isNaN(Date.parse(createdAt)) || !/^[0-9a-f-]{36}$/.test(id)) return undefined;
  return { createdAt, id };
};

/** `billing.create_top_up`: starts a payment; idempotent per (user, idempotency key). */
@Controller()
export class CreateTopUpHandler {
  constructor(private readonly topUps: TopUps) {}

  @MessagePattern<RpcName>('billing.create_top_up')
  @SignedCaller({ actsOnField: 'userId' })
  async answer(@Payload() r: RpcRequest<'billing.create_top_up'>): Promise<RpcReplyInit<'billing.create_top_up'>> {
    try {
      const { topUp, created } = await this.topUps.create({
        userId: r.userId,
        amountKopecks: r.amountKopecks,
        provider: r.provider,
        idempotencyKey: r.idempotencyKey,
        returnUrl: r.returnUrl,
      });
      return { topUp: topUpToProto(topUp), created };
    } catch (err) {
      return { error: refusalReply(err) };
    }
  }
}

/** `billing.list_top_ups`: the caller's top-up history, newest first. */
@Controller()
export class ListTopUpsHandler {
  constructor(private readonly topUps: TopUps) {}

  @MessagePattern<RpcName>('billing.list_top_ups')
  async answer(@Payload() r: RpcRequest<'billing.list_top_ups'>): Promise<RpcReplyInit<'billing.list_top_ups'>> {
    const limit = Math.min(Math.max(r.limit || 20, 1), 100);
    const rows = await this.topUps.list(r.userId, limit + 1, r.cursor ? decodeCursor(r.cursor) : undefined);
    const page = rows.slice(0, limit);
    return {
      topUps: page.map(topUpToProto),
      nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]) : '',
    };
  }
}
