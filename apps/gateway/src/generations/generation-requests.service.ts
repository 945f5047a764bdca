import { randomInt, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Outbox } from '@atelier/messaging';
import type { CreateGenerationDto } from './create-generation.dto';
import { GenerationReadModelRepository } from './generation-read-model.repository';

/** Accepts a generation request: the row and `generation.requested` commit together. */
@Injectable()
export class GenerationRequests {
  constructor(
    private readonly dataSource: DataSource,
    private readonly readModel: GenerationReadModelRepository,
    private readonly outbox: Outbox,
  ) {}

  async submit(userId: string, dto: CreateGenerationDto): Promise<{ id: string }> {
    const id = randomUUID();
    // A seed is always fixed at submission so the request can be reproduced.
    const seed = dto.seed ?? randomInt(0, 2 ** 48 - 1);
    const params = {
      prompt: dto.prompt,
      n: dto.n,
      width: dto.width,
      height: dto.height,
      steps: dto.steps,
      guidance: dto.guidance,
      seed,
      platform: dto.platform ?? '',
      backend: dto.backend ?? '',
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
