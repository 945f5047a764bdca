import { Module } from '@nestjs/common';
import { PhotoAnnotator } from '../attributes/photo-annotator';
import { FeaturesModule } from '../features/features.module';
import { ProfilesModule } from '../profiles/profiles.module';
import { SavedSearchesController } from '../visual-search/saved-searches.controller';
import { VisualSearchController } from '../visual-search/visual-search.controller';
import { VisualSearchService } from '../visual-search/visual-search.service';
import { PhotoRepository } from './photo.repository';
import { PhotoUploadedHandler } from './photo-uploaded.handler';
import { PhotoUploads } from './photo-uploads';
import { PhotosController } from './photos.controller';

/** Photos, their annotation by the worker, and visual search over them. */
@Module({
  imports: [FeaturesModule, ProfilesModule],
  controllers: [PhotosController, SavedSearchesController, VisualSearchController, PhotoUploadedHandler],
  providers: [PhotoRepository, PhotoUploads, PhotoAnnotator, VisualSearchService],
  exports: [PhotoRepository, PhotoAnnotator],
})
export class PhotosModule {}
