import { randomUUID } from 'node:crypto';
import { EVENTS, create } from '@atelier/contracts';
import { eventPayloadProblems } from './payload-checks';

describe('payload checks derived from the proto schema', () => {
  const schema = EVENTS['images.generated'].schema;
  const ok = () =>
    create(schema, {
      generationId: randomUUID(),
      userId: randomUUID(),
      images: [{ index: 0, storageKey: 'k', width: 512, height: 512 }],
    });

  it('accepts a well-formed payload', () => {
    expect(eventPayloadProblems(ok())).toEqual([]);
  });

  it('names empty or non-UUID ids and out-of-range numbers, nested ones included', () => {
    const bad = ok();
    bad.userId = '';
    bad.generationId = 'g-1';
    bad.images[0].width = 100000;
    expect(eventPayloadProblems(bad)).toEqual([
      'generation_id "g-1" is not a UUID',
      'user_id "" is not a UUID',
      'images[0].width = 100000 is outside 0..8192',
    ]);
  });

  it('allows an empty optional id but not a malformed one', () => {
    const s = EVENTS['prompt.enhanced'].schema;
    const base = { generationId: randomUUID(), userId: randomUUID() };
    expect(eventPayloadProblems(create(s, { ...base, brandProfileId: '' }))).toEqual([]);
    expect(eventPayloadProblems(create(s, { ...base, brandProfileId: 'x' }))).toEqual([
      'brand_profile_id "x" is not a UUID',
    ]);
  });
});
