import { randomInt, randomUUID } from 'node:crypto';
import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import { BACKEND_CAPABILITIES, validateAgainstCapabilities } from '@atelier/image-capabilities';
import { Outbox } from '@atelier/messaging';
import { ApiError } from '@atelier/service-kit';
import type { CreateGenerationDto } from './create-generation.dto';
import { CreativeBriefs } from './creative-briefs.service';
import { GenerationReadModelRepository } from './generation-read-model.repository';

/** Accepts a generation request: the row and `generation.requested` commit together. */
@Injectable()
export class GenerationRequests {
  constructor(
    private readonly dataSource: DataSource,
    private readonly readModel: GenerationReadModelRepository,
    private readonly outbox: Outbox,
    private readonly briefs: CreativeBriefs,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig<'gateway'>,
  ) {}

  async submit(userId: string, dto: CreateGenerationDto): Promise<{ id: string }> {
    const env = this.config.env;
    const backend = dto.backend ?? env.IMAGE_BACKEND_DEFAULT;
    if (!env.IMAGE_BACKENDS_ENABLED.includes(backend)) {
      throw new ApiError(
        HttpStatus.UNPROCESSABLE_ENTITY,
        'backend_not_enabled',
        `image backend ${backend} is not enabled`,
        {
          backend,
          enabled: env.IMAGE_BACKENDS_ENABLED,
        },
      );
    }
    // Reject what the backend cannot serve before anything is stored or queued.
    const checked = validateAgainstCapabilities(BACKEND_CAPABILITIES[backend], dto);
    if (!checked.ok) {
      throw new ApiError(
        HttpStatus.UNPROCESSABLE_ENTITY,
        'unsupported_by_backend',
        checked.violations.map((v) => v.message).join('; '),
        { backend, violations: checked.violations },
      );
    }
    // Text that cannot fit even at the minimum size is refused here, before any quota is reserved.
    const creative = this.briefs.resolve(dto);
    const id = randomUUID();
    // A seed is always fixed at submission so the request can be reproduced.
    const seed = dto.seed ?? randomInt(0, 2 ** 48 - 1);
    const params = {
      prompt: dto.prompt,
      ...checked.params,
      seed,
      platform: dto.platform ?? '',
      goal: dto.goal ?? '',
      backend,
      creative,
      explicitSize: dto.width !== undefined && dto.height !== undefined,
    };
    await this.dataSource.transaction(async (m) => {
      await this.readModel.insert(m, { id, userId, prompt: dto.prompt, params });
      await this.outbox.add(
        m,
        'generation.requested',
        { generationId: id, userId, params: { ...params, seed: BigInt(seed) } },
        { correlationId: id },
      );
    });
    return { id };
  }
}
