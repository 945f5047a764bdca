import type { DataSource } from 'typeorm';
import { loadConfig } from '@atelier/config';
import type { Outbox } from '@atelier/messaging';
import type { ApiErrorBody } from '@atelier/service-kit';
import { ApiError } from '@atelier/service-kit';
import type { CreateGenerationDto } from './create-generation.dto';
import type { GenerationReadModelRepository } from './generation-read-model.repository';
import { GenerationRequests } from './generation-requests.service';

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
