import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { type EventPayload, type EventType } from '@atelier/contracts';
import { FatalError, MeshEventContext } from '@atelier/messaging';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Billing erases what only served the user (subscription, quota usage, reservations, rejections). The ledger, its accounts and the top-ups stay for accounting (append-only, kept by law): they carry only the bare user id, which nothing in the mesh maps to a person any more. */
const ERASE: readonly string[] = [
  'DELETE FROM billing.subscriptions WHERE user_id = $1',
  'DELETE FROM billing.quota_reservations WHERE user_id = $1',
  'DELETE FROM billing.quota_rejections WHERE user_id = $1',
  'DELETE FROM billing.quota_usage WHERE user_id = $1',
];

/**
 * user.deleted from the gateway: the account is gone, so is this service's data of it. The statements run in the
 * inbox transaction (a redelivery is a no-op, and erasing twice changes nothing anyway).
 */
@Controller()
export class UserDeletedHandler {
  @EventPattern<EventType>('user.deleted')
  async handle(@Payload() event: EventPayload<'user.deleted'>, @Ctx() ctx: MeshEventContext): Promise<void> {
    if (!UUID.test(event.userId)) {
      throw new FatalError(`userId ${JSON.stringify(event.userId)} is not a UUID`, 'invalid_id');
    }
    for (const sql of ERASE) await ctx.manager.query(sql, [event.userId.toLowerCase()]);
  }
}
