import type { ConsumeMessage } from 'amqplib';
import {
  EnvelopeError,
  HEADERS,
  attemptOf,
  envelopeFromMessage,
  envelopeToPublishOptions,
  newEnvelope,
} from './envelope';

const asMessage = (properties: Record<string, unknown>): ConsumeMessage =>
  ({ content: Buffer.alloc(0), fields: { routingKey: 'x' }, properties }) as unknown as ConsumeMessage;

describe('event envelope', () => {
  it('round-trips through AMQP properties and headers', () => {
    const env = newEnvelope('quota.reserved', 'billing', 'corr-1', 'cause-1');
    const back = envelopeFromMessage(asMessage({ ...envelopeToPublishOptions(env) }));
    expect(back).toEqual(env);
  });

  it('defaults causation to correlation for events caused by a user request', () => {
    expect(newEnvelope('generation.requested', 'gateway', 'g-1').causationId).toBe('g-1');
  });

  it.each([
    [
      'unknown type',
      {
        type: 'nope',
        messageId: '00000000-0000-4000-8000-000000000000',
        correlationId: 'c',
        headers: { [HEADERS.version]: 1 },
      },
    ],
    ['no message id', { type: 'quota.reserved', correlationId: 'c', headers: { [HEADERS.version]: 1 } }],
    [
      'no correlation id',
      { type: 'quota.reserved', messageId: '00000000-0000-4000-8000-000000000000', headers: { [HEADERS.version]: 1 } },
    ],
    [
      'future version',
      {
        type: 'quota.reserved',
        messageId: '00000000-0000-4000-8000-000000000000',
        correlationId: 'c',
        headers: { [HEADERS.version]: 2 },
      },
    ],
    ['no properties at all', {}],
  ])('rejects a message with %s', (_, props) => {
    expect(() => envelopeFromMessage(asMessage(props))).toThrow(EnvelopeError);
  });

  it('reads the attempt header, defaulting to the first attempt', () => {
    expect(attemptOf(asMessage({ headers: {} }))).toBe(1);
    expect(attemptOf(asMessage({ headers: { [HEADERS.attempt]: 3 } }))).toBe(3);
    expect(attemptOf(asMessage({ headers: { [HEADERS.attempt]: 'junk' } }))).toBe(1);
  });
});
