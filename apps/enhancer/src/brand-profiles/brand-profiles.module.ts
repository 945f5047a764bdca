import { Module } from '@nestjs/common';
import {
  CreateBrandProfileHandler,
  DeleteBrandProfileHandler,
  ListBrandProfilesHandler,
  UpdateBrandProfileHandler,
} from './brand-profile.handlers';
import { BrandProfileRepository } from './brand-profile.repository';
import { BrandProfiles } from './brand-profiles.service';

@Module({
  controllers: [
    CreateBrandProfileHandler,
    ListBrandProfilesHandler,
    UpdateBrandProfileHandler,
    DeleteBrandProfileHandler,
  ],
  providers: [BrandProfileRepository, BrandProfiles],
  exports: [BrandProfiles],
})
export class BrandProfilesModule {}
