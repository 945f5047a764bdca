import { Module } from '@nestjs/common';
import { StyleProfileController } from './style-profile.controller';
import { StyleProfileRepository } from './style-profile.repository';
import { StyleProfileService } from './style-profile.service';

@Module({
  controllers: [StyleProfileController],
  providers: [StyleProfileRepository, StyleProfileService],
  exports: [StyleProfileService],
})
export class StyleProfilesModule {}
