import { BackendHttpError, FatalError, classifyFailure, failureCode } from './failures';

describe('failure classification', () => {
  it.each([
    [401, 'fatal', 'backend_unauthorized'],
    [403, 'fatal', 'backend_unauthorized'],
    [404, 'fatal', 'backend_not_found'],
    [422, 'fatal', 'backend_rejected'],
    [408, 'transient', 'backend_rejected'],
    [429, 'transient', 'backend_rate_limited'],
    [500, 'transient', 'backend_unavailable'],
    [503, 'transient', 'backend_unavailable'],
  ])('HTTP %i from a backend is %s (%s)', (status, cls, code) => {
    const err = new BackendHttpError('hf', status, 'x');
    expect(classifyFailure(err)).toBe(cls);
    expect(failureCode(err)).toBe(code);
  });

  it('treats FatalError as fatal with its own code and anything else as transient', () => {
    expect(classifyFailure(new FatalError('bad', 'invalid_payload'))).toBe('fatal');
    expect(failureCode(new FatalError('bad', 'invalid_payload'))).toBe('invalid_payload');
    expect(classifyFailure(new Error('ECONNRESET'))).toBe('transient');
    expect(classifyFailure('weird')).toBe('transient');
  });
});
