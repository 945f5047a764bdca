import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { type RpcRequest, type RpcName } from '@atelier/contracts';
import { FatalError, type RpcReplyInit } from '@atelier/messaging';
import { BrandProfiles, toMessage } from './brand-profiles.service';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/iu;
const requireUuid = (value: string, field: string): void => {
  if (!UUID.test(value))
    throw new FatalError(`${field} must be a UUID`, field === 'id' ? 'not_found' : 'invalid_request');
};

@Controller()
export class CreateBrandProfileHandler {
  constructor(private readonly profiles: BrandProfiles) {}

  @MessagePattern<RpcName>('enhancer.create_brand_profile')
  async answer(
    @Payload() r: RpcRequest<'enhancer.create_brand_profile'>,
  ): Promise<RpcReplyInit<'enhancer.create_brand_profile'>> {
    requireUuid(r.userId, 'user_id');
    return { profile: toMessage(await this.profiles.create(r.userId, r.fields)) };
  }
}

@Controller()
export class ListBrandProfilesHandler {
  constructor(private readonly profiles: BrandProfiles) {}

  @MessagePattern<RpcName>('enhancer.list_brand_profiles')
  async answer(
    @Payload() r: RpcRequest<'enhancer.list_brand_profiles'>,
  ): Promise<RpcReplyInit<'enhancer.list_brand_profiles'>> {
    requireUuid(r.userId, 'user_id');
    const { profiles, limit } = await this.profiles.list(r.userId);
    return { profiles: profiles.map(toMessage), limit };
  }
}

@Controller()
export class UpdateBrandProfileHandler {
  constructor(private readonly profiles: BrandProfiles) {}

  @MessagePattern<RpcName>('enhancer.update_brand_profile')
  async answer(
    @Payload() r: RpcRequest<'enhancer.update_brand_profile'>,
  ): Promise<RpcReplyInit<'enhancer.update_brand_profile'>> {
    requireUuid(r.userId, 'user_id');
    requireUuid(r.id, 'id');
    const { row, replacedLogoKey } = await this.profiles.update(r.userId, r.id, r.fields);
    return { profile: toMessage(row), replacedLogoKey };
  }
}

@Controller()
export class DeleteBrandProfileHandler {
  constructor(private readonly profiles: BrandProfiles) {}

  @MessagePattern<RpcName>('enhancer.delete_brand_profile')
  async answer(
    @Payload() r: RpcRequest<'enhancer.delete_brand_profile'>,
  ): Promise<RpcReplyInit<'enhancer.delete_brand_profile'>> {
    requireUuid(r.userId, 'user_id');
    requireUuid(r.id, 'id');
    return this.profiles.delete(r.userId, r.id);
  }
}
