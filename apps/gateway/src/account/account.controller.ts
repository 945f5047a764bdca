import { Controller, Get, HttpStatus } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { UserProfile } from '../accounts/user-accounts.service';
import { ApiError } from '@atelier/service-kit';
import { CurrentCaller, type Caller } from '../identity/caller';
import { AccountOverview, type BillingAccount } from './account-overview.service';

@ApiTags('account')
@ApiBearerAuth()
@ApiCookieAuth()
@Controller('v1/account')
export class AccountController {
  constructor(private readonly overview: AccountOverview) {}

  /**
   * My profile plus plan, usage and wallet from billing. `profile` is null for the development
   * identity header, which has no account.
   */
  @Get()
  @ApiOkResponse({ description: '{userId, profile, plan, period, usage, maxImagesPerRequest, features, wallet}' })
  @ApiServiceUnavailableResponse({ description: 'billing_unavailable' })
  async get(
    @CurrentCaller() caller: Caller,
  ): Promise<{ userId: string; profile: UserProfile | null } & BillingAccount> {
    const [profile, billing] = await Promise.all([
      this.overview.profile(caller.userId),
      this.overview.billing(caller.userId),
    ]);
    if (!billing) {
      throw new ApiError(
        HttpStatus.SERVICE_UNAVAILABLE,
        'billing_unavailable',
        'account details are unavailable right now',
      );
    }
    return { userId: caller.userId, profile: profile ?? null, ...billing };
  }
}
