import { createHash, randomInt, randomUUID } from 'node:crypto';
import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import { BACKEND_CAPABILITIES, validateAgainstCapabilities } from '@atelier/image-capabilities';
import { Outbox } from '@atelier/messaging';
import { ApiError } from '@atelier/service-kit';
import type { CreateGenerationDto } from './create-generation.dto';
import { CreativeBriefs } from './creative-briefs.service';
import { GenerationReadModelRepository } from './generation-read-model.repository';

/** How long a submission's Idempotency-Key answers with the original generation. */
const KEY_TTL = `interval '24 hours'`;

/** The request's body in a key-order-independent form, hashed: what "the same body" means for a key. */
export function requestHash(dto: CreateGenerationDto): string {
  const canonical = (v: unknown): unknown =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>)
            .filter(([, x]) => x !== undefined)
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
            .map(([k, x]) => [k, canonical(x)]),
        )
      : Array.isArray(v)
        ? v.map(canonical)
        : v;
  return createHash('sha256')
    .update(JSON.stringify(canonical(dto)))
    .digest('hex');
}

/**
 * Accepts a generation request: the row, `generation.requested` and the caller's Idempotency-Key (when sent)
 * commit together, so one key makes at most one generation even when retried concurrently.
 */
@Injectable()
export class GenerationRequests {
  constructor(
    private readonly dataSource: DataSource,
    private readonly readModel: GenerationReadModelRepository,
    private readonly outbox: Outbox,
    private readonly briefs: CreativeBriefs,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig<'gateway'>,
  ) {}

  async submit(userId: string, dto: CreateGenerationDto, idempotencyKey?: string): Promise<{ id: string }> {
    const hash = idempotencyKey === undefined ? undefined : requestHash(dto);
    // A replay answers before any check: the original passed them, and config may have changed since.
    if (idempotencyKey !== undefined && hash !== undefined) {
      const earlier = await this.keyed(this.dataSource.manager, userId, idempotencyKey, hash);
      if (earlier) return earlier;
    }
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
    const creative = await this.briefs.resolveFor(userId, dto);
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
      brandProfileId: dto.brandProfileId && dto.brandProfileId !== 'none' ? dto.brandProfileId.toLowerCase() : '',
      noBrandProfile: dto.brandProfileId === 'none',
    };
    let answer: { id: string } = { id };
    await this.dataSource.transaction(async (m) => {
      if (idempotencyKey !== undefined && hash !== undefined) {
        // Waits on a concurrent holder of the key; an expired key (older than 24 h) is taken over in place.
        const claimed = (await m.query(
          `INSERT INTO gateway.generation_idempotency_keys AS k (user_id, key, request_hash, generation_id)
           VALUES ($1, $2, $3, $4)
           ON CONFLICT (user_id, key) DO UPDATE
             SET request_hash = EXCLUDED.request_hash, generation_id = EXCLUDED.generation_id, created_at = now()
             WHERE k.created_at < now() - ${KEY_TTL}
           RETURNING generation_id`,
          [userId, idempotencyKey, hash, id],
        )) as unknown[];
        if (claimed.length === 0) {
          // Lost the race: the winner has committed, so its row is visible to this new statement.
          const winner = await this.keyed(m, userId, idempotencyKey, hash);
          if (winner) {
            answer = winner;
            return;
          }
          // Only when the key expired between the two statements: the caller may simply retry.
          throw new ApiError(HttpStatus.CONFLICT, 'idempotency_key_busy', 'this Idempotency-Key is being renewed');
        }
        // Lazy purge: this user's expired keys go with any new submission.
        await m.query(
          `DELETE FROM gateway.generation_idempotency_keys WHERE user_id = $1 AND created_at < now() - ${KEY_TTL}`,
          [userId],
        );
      }
      await this.readModel.insert(m, { id, userId, prompt: dto.prompt, params });
      await this.outbox.add(
        m,
        'generation.requested',
        { generationId: id, userId, params: { ...params, seed: BigInt(seed) } },
        { correlationId: id },
      );
    });
    return answer;
  }

  /** The generation a live key already names; 409 `idempotency_key_reused` when it came with another body. */
  private async keyed(
    m: EntityManager,
    userId: string,
    key: string,
    hash: string,
  ): Promise<{ id: string } | undefined> {
    const rows = (await m.query(
      `SELECT generation_id, request_hash FROM gateway.generation_idempotency_keys
        WHERE user_id = $1 AND key = $2 AND created_at >= now() - ${KEY_TTL}`,
      [userId, key],
    )) as { generation_id: string; request_hash: string }[];
    const row = rows[0];
    if (!row) return undefined;
    if (row.request_hash !== hash) {
      throw new ApiError(
        HttpStatus.CONFLICT,
        'idempotency_key_reused',
        'this Idempotency-Key was used with a different request body',
      );
    }
    return { id: row.generation_id };
  }
}
