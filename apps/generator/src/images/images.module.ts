import { Module } from '@nestjs/common';
import { ClosedGenerationsModule } from '../closed-generations/closed-generations.module';
import { A1111Backend } from '../backends/a1111.backend';
import { HfInferenceBackend } from '../backends/hf-inference.backend';
import { ImageBackends } from '../backends/image-backends';
import { LocalOnnxBackend } from '../backends/local-onnx.backend';
import { OpenAiImagesBackend } from '../backends/openai-images.backend';
import { ProceduralBackend } from '../backends/procedural.backend';
import { BACKEND_HTTP_CLIENT_PROVIDER } from '../http/backend-http.provider';
import { GeneratedImagesRepository } from './generated-images.repository';
import { ImageGeneration } from './image-generation.service';
import { ImageNormaliser } from './image-normaliser';
import { CreativeLayer } from '../creative/creative-layer.service';
import { PromptEnhancedHandler } from './prompt-enhanced.handler';
import { NsfwClassifier } from '../safety/nsfw-classifier';

@Module({
  imports: [ClosedGenerationsModule],
  controllers: [PromptEnhancedHandler],
  providers: [
    BACKEND_HTTP_CLIENT_PROVIDER,
    ProceduralBackend,
    OpenAiImagesBackend,
    HfInferenceBackend,
    A1111Backend,
    LocalOnnxBackend,
    ImageBackends,
    ImageNormaliser,
    CreativeLayer,
    NsfwClassifier,
    ImageGeneration,
    GeneratedImagesRepository,
  ],
})
export class ImagesModule {}
