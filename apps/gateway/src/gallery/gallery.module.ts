import { Module } from '@nestjs/common';
import { GenerationsModule } from '../generations/generations.module';
import { GalleryController } from './gallery.controller';
import { GalleryImages } from './gallery-images.service';
import { GenerationGalleryRepository } from './generation-gallery.repository';

/** Issue 17's gallery over the generations read model (the web pages use the same services). */
@Module({
  imports: [GenerationsModule],
  controllers: [GalleryController],
  providers: [GalleryImages, GenerationGalleryRepository],
  exports: [GalleryImages, GenerationGalleryRepository],
})
export class GalleryModule {}
