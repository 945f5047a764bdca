import { Injectable } from '@nestjs/common';
import type { RpcRequest } from '@atelier/contracts';
import { FatalError, HandlesRequest, type RequestHandler, type RpcReplyInit } from '@atelier/messaging';
import { BrandProfiles, toMessage } from './brand-profiles.service';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/iu;
const requireUuid = (value: string, field: string): void => {
  if (!UUID.test(value))
    throw new FatalError(`${field} must be a UUID`, field === 'id' ? 'not_found' : 'invalid_request');
};

@Injectable()
@HandlesRequest('enhancer.create_brand_profile')
export class CreateBrandProfileHandler implements RequestHandler<'enhancer.create_brand_profile'> {
  constructor(private readonly profiles: BrandProfiles) {}

  async answer(r: RpcRequest<'enhancer.create_brand_profile'>): Promise<RpcReplyInit<'enhancer.create_brand_profile'>> {
    requireUuid(r.userId, 'user_id');
    return { profile: toMessage(await this.profiles.create(r.userId, r.fields)) };
  }
}

@Injectable()
@HandlesRequest('enhancer.list_brand_profiles')
export class ListBrandProfilesHandler implements RequestHandler<'enhancer.list_brand_profiles'> {
  constructor(private readonly profiles: BrandProfiles) {}

  async answer(r: RpcRequest<'enhancer.list_brand_profiles'>): Promise<RpcReplyInit<'enhancer.list_brand_profiles'>> {
    requireUuid(r.userId, 'user_id');
    const { profiles, limit } = await this.profiles.list(r.userId);
    return { profiles: profiles.map(toMessage), limit };
  }
}

@Injectable()
@HandlesRequest('enhancer.update_brand_profile')
export class UpdateBrandProfileHandler implements RequestHandler<'enhancer.update_brand_profile'> {
  constructor(private readonly profiles: BrandProfiles) {}

  async answer(r: RpcRequest<'enhancer.update_brand_profile'>): Promise<RpcReplyInit<'enhancer.update_brand_profile'>> {
    requireUuid(r.userId, 'user_id');
    requireUuid(r.id, 'id');
    return { profile: toMessage(await this.profiles.update(r.userId, r.id, r.fields)) };
  }
}

@Injectable()
@HandlesRequest('enhancer.delete_brand_profile')
export class DeleteBrandProfileHandler implements RequestHandler<'enhancer.delete_brand_profile'> {
  constructor(private readonly profiles: BrandProfiles) {}

  async answer(r: RpcRequest<'enhancer.delete_brand_profile'>): Promise<RpcReplyInit<'enhancer.delete_brand_profile'>> {
    requireUuid(r.userId, 'user_id');
    requireUuid(r.id, 'id');
    return { deleted: await this.profiles.delete(r.userId, r.id) };
  }
}
