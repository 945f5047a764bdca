import { Module } from '@nestjs/common';
import { ImageBackends } from '../backends/image-backends';
import { OpenAiImagesBackend } from '../backends/openai-images.backend';
import { ProceduralBackend } from '../backends/procedural.backend';
import { GeneratedImagesRepository } from './generated-images.repository';
import { PromptEnhancedHandler } from './prompt-enhanced.handler';

@Module({
  providers: [ProceduralBackend, OpenAiImagesBackend, ImageBackends, GeneratedImagesRepository, PromptEnhancedHandler],
})
export class ImagesModule {}
