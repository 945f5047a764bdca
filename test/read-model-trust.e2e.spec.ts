import { randomUUID } from 'node:crypto';
import { EVENTS, create, toBinary } from '@atelier/contracts';
import { envelopeToPublishOptions, newEnvelope } from '@atelier/messaging';
import { generationImageKey } from '@atelier/storage';
import { TestMesh } from './support/test-mesh';

/**
 * The gateway's read model applies a saga event only when it fits the generation: the event's user owns it, and
 * every image is one stored for this generation. The generator is left out of this mesh so generations stay
 * in progress and a forged completion would otherwise be applied (a terminal row would ignore it anyway).
 */
describe('read model trusts only what fits (real RabbitMQ and PostgreSQL)', () => {
  const mesh = new TestMesh({ services: ['gateway', 'billing', 'enhancer'] });
  const sha = (c: string) => c.repeat(64);

  beforeAll(() => mesh.start(), 120000);
  afterAll(() => mesh.stop(), 60000);

  const inProgress = async (user: string): Promise<string> => {
    const sent = await mesh.client.submit(user, { prompt: 'пост для кофейни, осень', n: 1, width: 256, height: 256 });
    expect(sent.status).toBe(202);
    const id = sent.body.id as string;
    await mesh.waitFor(async () => ((await mesh.client.get(user, id)).body.status === 'generating' ? true : undefined));
    return id;
  };

  const publishCompleted = async (generationId: string, userId: string, storageKey: string): Promise<string> => {
    const schema = EVENTS['generation.completed'].schema;
    const body = Buffer.from(
      toBinary(
        schema,
        create(schema, {
          generationId,
          userId,
          prompt: 'x',
          backend: 'procedural@1',
          images: [{ index: 0, storageKey, width: 256, height: 256, rank: 1, score: 0.5, best: true }],
        }),
      ),
    );
    const envelope = newEnvelope('generation.completed', 'judge', generationId);
    const ch = await (await mesh.amqp()).createConfirmChannel();
    ch.publish(`${mesh.namespace}.events`, 'generation.completed', body, envelopeToPublishOptions(envelope));
    await ch.waitForConfirms();
    await ch.close();
    return envelope.eventId;
  };

  const deadLetterReason = async (eventId: string): Promise<string> =>
    mesh.waitFor(
      async () => {
        const dead = await mesh.drainDeadLetters('gateway');
        const mine = dead.find((m) => m.properties.messageId === eventId);
        return mine ? String(mine.properties.headers?.['x-failure-reason']) : undefined;
      },
      20000,
      'the forged event in the gateway DLQ',
    );

  const row = async (id: string) =>
    (
      await mesh.query<{ status: string; images: unknown }>(
        'SELECT status, images FROM gateway.generations WHERE id = $1',
        [id],
      )
    )[0];

  it('dead-letters a completion naming a user who does not own the generation, and changes nothing', async () => {
    const owner = mesh.newUser();
    const id = await inProgress(owner);
    const eventId = await publishCompleted(id, mesh.newUser(), generationImageKey(id, sha('a')));
    expect(await deadLetterReason(eventId)).toMatch(/^foreign_owner/);
    expect(await row(id)).toMatchObject({ status: 'generating' });
  }, 60000);

  it("dead-letters a completion naming another generation's image, or a key outside any generation", async () => {
    const owner = mesh.newUser();
    const id = await inProgress(owner);
    const theirs = generationImageKey(randomUUID(), sha('b'));
    expect(await deadLetterReason(await publishCompleted(id, owner, theirs))).toMatch(/^foreign_storage_key/);
    expect(await deadLetterReason(await publishCompleted(id, owner, `images/bb/${sha('b')}.png`))).toMatch(
      /^foreign_storage_key/,
    );
    expect(await row(id)).toMatchObject({ status: 'generating' });
    expect((await mesh.client.get(owner, id)).body.images ?? []).toHaveLength(0);
  }, 60000);

  it("applies the owner's completion naming the generation's own image (the control)", async () => {
    const owner = mesh.newUser();
    const id = await inProgress(owner);
    const key = generationImageKey(id, sha('c'));
    await publishCompleted(id, owner, key);
    const done = await mesh.client.waitForTerminal(owner, id, 20000);
    expect(done.status).toBe('completed');
    expect(await row(id)).toMatchObject({ images: [expect.objectContaining({ storageKey: key })] });
  }, 60000);
});
