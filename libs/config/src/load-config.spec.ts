import { ConfigValidationError, loadConfig } from './load-config';

describe('loadConfig', () => {
  it('works with an empty environment on a dev machine', () => {
    const c = loadConfig('billing', {});
    expect(c.httpPort).toBe(3001);
    expect(c.database).toMatchObject({
      host: '127.0.0.1',
      user: 'atelier_billing',
      schema: 'billing',
      database: 'atelier',
    });
    expect(c.messaging.url).toBe('amqp://guest:guest@127.0.0.1:5672');
    expect(c.env.FREE_MONTHLY_IMAGES).toBe(100);
  });

  it('fails fast with every bad variable named', () => {
    const attempt = () => loadConfig('billing', { DATABASE_PORT: 'abc', FREE_MONTHLY_IMAGES: '-1', AMQP_URL: 'nope' });
    expect(attempt).toThrow(ConfigValidationError);
    try {
      attempt();
    } catch (err) {
      const issues = (err as ConfigValidationError).issues.join('\n');
      expect(issues).toMatch(/DATABASE_PORT/);
      expect(issues).toMatch(/FREE_MONTHLY_IMAGES/);
      expect(issues).toMatch(/AMQP_URL/);
    }
  });

  const prodSecret = 'x'.repeat(40);
  const internal = { INTERNAL_CALLER_SECRET: 'y'.repeat(40) };

  it('turns the development identity header off in production and refuses it when forced on', () => {
    expect(
      loadConfig('gateway', { NODE_ENV: 'production', JWT_SECRET: prodSecret, ...internal }).env.ALLOW_DEV_USER_HEADER,
    ).toBe(false);
    expect(() =>
      loadConfig('gateway', {
        NODE_ENV: 'production',
        JWT_SECRET: prodSecret,
        ALLOW_DEV_USER_HEADER: 'true',
        ...internal,
      }),
    ).toThrow(/ALLOW_DEV_USER_HEADER/);
    expect(loadConfig('gateway', {}).env.ALLOW_DEV_USER_HEADER).toBe(true);
  });

  it('applies the same production rule to the recommender’s development identity headers', () => {
    expect(loadConfig('recommender', { NODE_ENV: 'production', ...internal }).env.ALLOW_DEV_USER_HEADER).toBe(false);
    expect(() =>
      loadConfig('recommender', { NODE_ENV: 'production', ALLOW_DEV_USER_HEADER: '1', ...internal }),
    ).toThrow(/ALLOW_DEV_USER_HEADER/);
    expect(loadConfig('recommender', {}).env.RECOMMENDER_VECTOR_INDEX).toBe('exact');
  });

  it('refuses the development JWT key and short keys in production', () => {
    expect(() => loadConfig('gateway', { NODE_ENV: 'production' })).toThrow(/JWT_SECRET/);
    expect(() => loadConfig('gateway', { NODE_ENV: 'production', JWT_SECRET: 'short' })).toThrow(/JWT_SECRET/);
    expect(loadConfig('gateway', { NODE_ENV: 'production', JWT_SECRET: prodSecret, ...internal }).env.JWT_SECRET).toBe(
      prodSecret,
    );
  });

  it('refuses the development internal-caller key in production on both ends of the forwarded identity', () => {
    expect(() => loadConfig('gateway', { NODE_ENV: 'production', JWT_SECRET: prodSecret })).toThrow(
      /INTERNAL_CALLER_SECRET/,
    );
    expect(() => loadConfig('recommender', { NODE_ENV: 'production' })).toThrow(/INTERNAL_CALLER_SECRET/);
    expect(loadConfig('recommender', { NODE_ENV: 'production', ...internal }).env.INTERNAL_CALLER_SECRET).toBe(
      internal.INTERNAL_CALLER_SECRET,
    );
  });
});
