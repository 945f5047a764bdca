import { Module } from '@nestjs/common';
import { BrandProfilesController } from './brand-profiles.controller';

/** /v1/brand-profiles and /v1/prompts/preview, answered by the enhancer over request/reply. */
@Module({ controllers: [BrandProfilesController] })
export class BrandProfilesModule {}
