import { Module } from '@nestjs/common';
import { ProfileRepository } from './profile.repository';
import { ProfilesController } from './profiles.controller';
import { ProfilesService } from './profiles.service';

/** Dating profiles (issue 18, seed 004); their search is POST /v1/search/visual with target "profiles". */
@Module({
  controllers: [ProfilesController],
  providers: [ProfileRepository, ProfilesService],
  exports: [ProfilesService],
})
export class ProfilesModule {}
