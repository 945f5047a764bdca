import { Module } from '@nestjs/common';
import { BrandKits } from './brand-kits.service';
import { BrandProfilesController } from './brand-profiles.controller';

/** /v1/brand-profiles and /v1/prompts/preview, answered by the enhancer over request/reply; logos in object storage. */
@Module({ controllers: [BrandProfilesController], providers: [BrandKits], exports: [BrandKits] })
export class BrandProfilesModule {}
