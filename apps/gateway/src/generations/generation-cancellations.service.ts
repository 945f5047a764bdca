import { HttpStatus, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Outbox } from '@atelier/messaging';
import { ApiError } from '@atelier/service-kit';
import { GenerationReadModelRepository } from './generation-read-model.repository';

/** `requested`: billing will stop the saga; `cancelled`: it already has (a repeated cancel). */
export type CancelOutcome = 'requested' | 'cancelled';

/**
 * The owner's cancel. The gateway checks what its read model knows (owner, terminal state) and publishes
 * `generation.cancel_requested`; billing, which owns the reservation, releases it and publishes
 * `generation.failed` (stage `cancel`, code `cancelled`) unless the saga ended first — then nothing changes.
 */
@Injectable()
export class GenerationCancellations {
  constructor(
    private readonly dataSource: DataSource,
    private readonly readModel: GenerationReadModelRepository,
    private readonly outbox: Outbox,
  ) {}

  async cancel(userId: string, id: string): Promise<CancelOutcome> {
    const row = await this.readModel.findOwned(id, userId);
    if (!row) throw new ApiError(HttpStatus.NOT_FOUND, 'not_found', 'generation not found');
    if (row.status === 'failed' && row.failure?.code === 'cancelled') return 'cancelled';
    if (row.status === 'completed' || row.status === 'failed' || row.status === 'rejected') {
      throw new ApiError(HttpStatus.CONFLICT, 'already_terminal', `the generation has already ${row.status}`, {
        status: row.status,
      });
    }
    // A repeat while billing has not answered yet publishes again: billing's handling is idempotent.
    await this.dataSource.transaction((m) =>
      this.outbox.add(m, 'generation.cancel_requested', { generationId: id, userId }, { correlationId: id }),
    );
    return 'requested';
  }
}
