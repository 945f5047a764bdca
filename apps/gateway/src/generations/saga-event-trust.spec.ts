import { FatalError } from '@atelier/messaging';
import { generationImageKey } from '@atelier/storage';
import { assertSagaEventFits } from './saga-event-trust';

describe('assertSagaEventFits', () => {
  const generationId = '0b0e6c1e-5f2a-4c1e-9d51-0f8e7a3b2c1d';
  const owner = '11111111-1111-4111-8111-111111111111';
  const intruder = '22222222-2222-4222-8222-222222222222';
  const own = { storageKey: generationImageKey(generationId, 'cd'.repeat(32)) };
  const code = (fn: () => void): string | undefined => {
    try {
      fn();
      return undefined;
    } catch (err) {
      return err instanceof FatalError ? err.code : 'not fatal';
    }
  };

  it("accepts the owner's event naming the generation's own images", () => {
    expect(code(() => assertSagaEventFits({ generationId, userId: owner, images: [own] }, owner))).toBeUndefined();
  });

  it('dead-letters an event whose user does not own the generation', () => {
    expect(code(() => assertSagaEventFits({ generationId, userId: intruder, images: [own] }, owner))).toBe(
      'foreign_owner',
    );
  });

  it("dead-letters an event naming another generation's image or a legacy key", () => {
    const theirs = { storageKey: generationImageKey('33333333-3333-4333-8333-333333333333', 'cd'.repeat(32)) };
    expect(code(() => assertSagaEventFits({ generationId, userId: owner, images: [own, theirs] }, owner))).toBe(
      'foreign_storage_key',
    );
    expect(
      code(() =>
        assertSagaEventFits(
          { generationId, userId: owner, images: [{ storageKey: `images/cd/${'cd'.repeat(32)}.png` }] },
          owner,
        ),
      ),
    ).toBe('foreign_storage_key');
  });

  it('leaves an unknown generation to the read model (no row, nothing to protect)', () => {
    expect(
      code(() => assertSagaEventFits({ generationId, userId: intruder, images: [own] }, undefined)),
    ).toBeUndefined();
  });
});
