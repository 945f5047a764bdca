import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { type EventPayload, type EventType } from '@atelier/contracts';
import { FatalError, MeshEventContext } from '@atelier/messaging';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The user's interactions, recommendation tasks, dating profile and blocks, photos, style profile and studio verdicts. */
const ERASE: readonly string[] = [
  'DELETE FROM recommender.interactions WHERE user_id = $1',
  'DELETE FROM recommender.recommendation_tasks WHERE user_id = $1',
  // The profile's photo links go with the profile (ON DELETE CASCADE); blocks by and of the user go too.
  'DELETE FROM recommender.dating_profiles WHERE user_id = $1',
  'DELETE FROM recommender.dating_blocks WHERE blocker_id = $1 OR blocked_id = $1',
  'DELETE FROM recommender.photos WHERE owner_id = $1',
  'DELETE FROM recommender.style_profiles WHERE user_id = $1',
  'DELETE FROM recommender.studio_feedback WHERE user_id = $1',
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
