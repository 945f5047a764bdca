import type { DataSource } from 'typeorm';
import { loadConfig } from '@atelier/config';
import type { Outbox } from '@atelier/messaging';
import type { ApiErrorBody } from '@atelier/service-kit';
import { ApiError } from '@atelier/service-kit';
import type { CreateGenerationDto } from './create-generation.dto';
import type { GenerationReadModelRepository } from './generation-read-model.repository';
import { GenerationRequests, requestHash } from './generation-requests.service';
import { CreativeBriefs } from './creative-briefs.service';

/**
 * The gateway's backend gate for local-onnx (opt-in: weights live on the generator's host). Rejections happen
 * before any transaction, so the DataSource only records whether one was opened.
 */
function requests(env: Record<string, string>): { service: GenerationRequests; transactions: jest.Mock } {
  const transactions = jest.fn(async () => undefined);
  const service = new GenerationRequests(
    { transaction: transactions } as unknown as DataSource,
    {} as GenerationReadModelRepository,
    {} as Outbox,
    new CreativeBriefs(),
    loadConfig('gateway', env),
  );
  return { service, transactions };
}

const USER = '00000000-0000-4000-8000-00000000000a';

async function rejection(service: GenerationRequests, dto: Partial<CreateGenerationDto>): Promise<ApiErrorBody> {
  const err: unknown = await service.submit(USER, { prompt: 'кофейня', ...dto } as CreateGenerationDto).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApiError);
  expect((err as ApiError).getStatus()).toBe(422);
  return (err as ApiError).getResponse() as ApiErrorBody;
}

describe('GenerationRequests and local-onnx', () => {
  it('does not accept local-onnx unless IMAGE_BACKENDS_ENABLED names it (422, nothing stored)', async () => {
    const { service, transactions } = requests({});
    const body = await rejection(service, { backend: 'local-onnx' });
    expect(body.error.code).toBe('backend_not_enabled');
    expect(body.error.details).toEqual({
      backend: 'local-onnx',
      enabled: ['procedural', 'hf', 'openai', 'a1111'],
    });
    expect(transactions).not.toHaveBeenCalled();
  });

  it('when enabled, holds requests to its capabilities: at most 2 images, ×64 sizes', async () => {
    const { service, transactions } = requests({ IMAGE_BACKENDS_ENABLED: 'procedural,local-onnx' });
    const body = await rejection(service, { backend: 'local-onnx', n: 3, width: 500 });
    expect(body.error.code).toBe('unsupported_by_backend');
    expect(body.error.message).toContain('local-onnx serves at most 2 image(s) per request, asked for 3');
    expect(transactions).not.toHaveBeenCalled();
    await expect(service.submit(USER, { prompt: 'кофейня', backend: 'local-onnx', n: 2 })).resolves.toEqual({
      id: expect.any(String),
    });
    expect(transactions).toHaveBeenCalledTimes(1);
  });
});

describe('GenerationRequests and the text that must fit', () => {
  it('refuses user text that cannot fit the format even at the minimum size (422 saying how much fits)', async () => {
    const { service, transactions } = requests({});
    const title = 'Очень длинный заголовок распродажи '.repeat(5).trim();
    const body = await rejection(service, { width: 320, height: 180, creative: { title } });
    expect(body.error.code).toBe('text_does_not_fit');
    const details = body.error.details as {
      format: { width: number };
      problems: Array<{ field: string; fits: number; length: number }>;
    };
    expect(details.format.width).toBe(320);
    expect(details.problems).toHaveLength(1);
    expect(details.problems[0]).toMatchObject({ field: 'headline', length: [...title].length });
    expect(details.problems[0].fits).toBeGreaterThan(0);
    expect(details.problems[0].fits).toBeLessThan([...title].length);
    expect(body.error.message).toContain(`at most ${details.problems[0].fits} fit at 320x180`);
    expect(transactions).not.toHaveBeenCalled();
  });

  it('accepts the same text where the format has room, and cuts nothing the user typed', async () => {
    const { service, transactions } = requests({});
    const title = 'Очень длинный заголовок распродажи '.repeat(4).trim();
    await expect(
      service.submit(USER, {
        prompt: 'кофейня',
        platform: 'instagram_post',
        creative: { title },
      } as CreateGenerationDto),
    ).resolves.toEqual({
      id: expect.any(String),
    });
    expect(transactions).toHaveBeenCalledTimes(1);
  });
});

describe('requestHash (what "the same body" means for an Idempotency-Key)', () => {
  const dto = (d: Partial<CreateGenerationDto>) => ({ prompt: 'кофейня', ...d }) as CreateGenerationDto;

  it('ignores key order and absent fields, and tells any changed value apart', () => {
    const base = requestHash(dto({ n: 2, width: 256, height: 256 }));
    expect(requestHash({ height: 256, width: 256, n: 2, prompt: 'кофейня' } as CreateGenerationDto)).toBe(base);
    expect(requestHash(dto({ n: 2, width: 256, height: 256, seed: undefined }))).toBe(base);
    expect(requestHash(dto({ n: 3, width: 256, height: 256 }))).not.toBe(base);
    expect(requestHash(dto({ n: 2, width: 256, height: 256, seed: 0 }))).not.toBe(base);
    expect(requestHash(dto({ prompt: 'кофейня ', n: 2, width: 256, height: 256 }))).not.toBe(base);
  });
});
