import { Controller, Get, UseGuards } from '@nestjs/common';
import { CurrentCaller, DevCallerGuard, type Caller } from '../identity/dev-caller.guard';
import { StyleProfileService, type StyleProfileView } from './style-profile.service';

@Controller('v1/style-profile')
@UseGuards(DevCallerGuard)
export class StyleProfileController {
  constructor(private readonly profiles: StyleProfileService) {}

  /** The caller's style modes from their likes. */
  @Get()
  async get(@CurrentCaller() caller: Caller): Promise<StyleProfileView> {
    return this.profiles.profile(caller.userId);
  }
}
