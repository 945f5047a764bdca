import { ConfigValidationError, loadConfig } from './load-config';
import { estimatedEntropyBits } from './production-checks';

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

  it('reads the saga steps’ inactivity limits: unset or empty is "use RESERVATION_TTL_SECONDS", others validated', () => {
    const env = loadConfig('billing', {
      SAGA_INACTIVITY_GENERATE_SECONDS: '1800',
      SAGA_INACTIVITY_JUDGE_SECONDS: '',
    }).env;
    expect(env.SAGA_INACTIVITY_GENERATE_SECONDS).toBe(1800);
    expect(env.SAGA_INACTIVITY_JUDGE_SECONDS).toBeUndefined();
    expect(env.SAGA_INACTIVITY_ENHANCE_SECONDS).toBeUndefined();
    expect(env.RESERVATION_TTL_SECONDS).toBe(300);
    for (const bad of ['0', '-5', '1.5', 'soon', '86401']) {
      expect(() => loadConfig('billing', { SAGA_INACTIVITY_GENERATE_SECONDS: bad })).toThrow(
        /SAGA_INACTIVITY_GENERATE_SECONDS/,
      );
    }
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

  // Fixed strings of random base64 (openssl rand -base64 36): ~170 bits estimated each.
  const prodSecret = 'kQ7vN2xR9pL4mT8wZ1cF6hJ3bY5dG0sA+eU/iO2n';
  const internal = {
    INTERNAL_CALLER_SECRET: 'Hq3Zr8Lw1Xn6Pv0Ty4Bk9Mc2Js7Df5Ga+Ue/Ri8Ol',
    DATABASE_PASSWORD: 'db-Vc4Nw8Qz2Lr6Tx0Pk',
    COOKIE_SECURE: 'true',
    // The gateway's account mail: an SMTP server over TLS and https links (other services ignore these).
    SMTP_HOST: 'smtp.example.com',
    SMTP_PORT: '465',
    SMTP_SECURE: 'true',
    PUBLIC_BASE_URL: 'https://atelier.example',
  };

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

  it('refuses the development internal-caller key in production wherever a signed caller is made or checked', () => {
    expect(() => loadConfig('gateway', { NODE_ENV: 'production', JWT_SECRET: prodSecret })).toThrow(
      /INTERNAL_CALLER_SECRET/,
    );
    expect(() => loadConfig('recommender', { NODE_ENV: 'production', DATABASE_PASSWORD: 'p' })).toThrow(
      /INTERNAL_CALLER_SECRET/,
    );
    expect(() => loadConfig('billing', { NODE_ENV: 'production', DATABASE_PASSWORD: 'p' })).toThrow(
      /INTERNAL_CALLER_SECRET/,
    );
    expect(loadConfig('billing', { NODE_ENV: 'production', ...internal }).env.INTERNAL_CALLER_SECRET).toBe(
      internal.INTERNAL_CALLER_SECRET,
    );
    expect(loadConfig('recommender', { NODE_ENV: 'production', ...internal }).env.INTERNAL_CALLER_SECRET).toBe(
      internal.INTERNAL_CALLER_SECRET,
    );
  });

  describe('production refuses to start with', () => {
    const prod = { NODE_ENV: 'production', JWT_SECRET: prodSecret, ...internal };
    const refuses = (service: 'gateway' | 'recommender' | 'billing', env: Record<string, string>, what: RegExp) => {
      expect(() => loadConfig(service, env)).toThrow(ConfigValidationError);
      expect(() => loadConfig(service, env)).toThrow(what);
    };

    it('nothing wrong: a strong, distinct set starts', () => {
      expect(loadConfig('gateway', prod).env.COOKIE_SECURE).toBe(true);
      expect(loadConfig('billing', { NODE_ENV: 'production', ...internal }).service).toBe('billing');
    });

    it('COOKIE_SECURE=false (or unset)', () => {
      refuses('gateway', { ...prod, COOKIE_SECURE: 'false' }, /COOKIE_SECURE/);
      const { COOKIE_SECURE: _unset, ...withoutCookie } = prod;
      refuses('gateway', withoutCookie, /COOKIE_SECURE/);
    });

    it('an empty database password, in every service', () => {
      refuses('gateway', { ...prod, DATABASE_PASSWORD: '' }, /DATABASE_PASSWORD/);
      refuses(
        'billing',
        { NODE_ENV: 'production', INTERNAL_CALLER_SECRET: internal.INTERNAL_CALLER_SECRET },
        /DATABASE_PASSWORD/,
      );
    });

    it('a JWT or caller secret under ~128 bits: 32 × "a" fails, and so do long but repetitive keys', () => {
      refuses('gateway', { ...prod, JWT_SECRET: 'a'.repeat(32) }, /JWT_SECRET: too guessable/);
      refuses('gateway', { ...prod, JWT_SECRET: 'abab'.repeat(16) }, /JWT_SECRET: too guessable/);
      refuses('recommender', { ...prod, INTERNAL_CALLER_SECRET: '0123456789'.repeat(4) }, /INTERNAL_CALLER_SECRET/);
    });

    it('no SMTP server, a plain-text one, or http links in the gateway’s account mail', () => {
      refuses('gateway', { ...prod, SMTP_HOST: '' }, /SMTP_HOST: must be set/);
      refuses('gateway', { ...prod, SMTP_SECURE: 'false' }, /SMTP_SECURE or SMTP_REQUIRE_TLS/);
      expect(loadConfig('gateway', { ...prod, SMTP_SECURE: 'false', SMTP_REQUIRE_TLS: 'true' }).env.SMTP_PORT).toBe(
        465,
      );
      refuses('gateway', { ...prod, PUBLIC_BASE_URL: 'http://atelier.example' }, /PUBLIC_BASE_URL/);
      refuses('gateway', { ...prod, SMTP_USER: 'u', SMTP_PASSWORD: prodSecret }, /each secret needs its own value/);
    });

    it('the same value for two secrets', () => {
      refuses('gateway', { ...prod, INTERNAL_CALLER_SECRET: prodSecret }, /JWT_SECRET, INTERNAL_CALLER_SECRET/);
      refuses('gateway', { ...prod, DATABASE_PASSWORD: prodSecret }, /each secret needs its own value/);
    });

    it('estimates entropy from symbol frequencies times length', () => {
      expect(estimatedEntropyBits('a'.repeat(32))).toBe(0);
      expect(estimatedEntropyBits('aabb'.repeat(4) + 'abab')).toBeCloseTo(20);
      expect(estimatedEntropyBits('ab'.repeat(16))).toBeCloseTo(2);
      expect(estimatedEntropyBits(prodSecret)).toBeGreaterThan(128);
    });
  });

  it('reads OpenTelemetry settings: off by default, per-service name, OTLP URL, protocol and headers validated', () => {
    expect(loadConfig('judge', {}).tracing).toMatchObject({
      enabled: false,
      serviceName: 'judge',
      tracesUrl: 'http://127.0.0.1:4318/v1/traces',
      protocol: 'http/protobuf',
      sampleRatio: 1,
    });
    const on = loadConfig('gateway', {
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=a%3Db,tenant=shop',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
    }).tracing;
    expect(on).toMatchObject({
      enabled: true,
      serviceName: 'gateway',
      tracesUrl: 'http://collector:4318/v1/traces',
      protocol: 'http/json',
      headers: { 'x-api-key': 'a=b', tenant: 'shop' },
      sampleRatio: 0.25,
    });
    expect(
      loadConfig('billing', { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/custom', OTEL_SERVICE_NAME: 'b1' })
        .tracing,
    ).toMatchObject({ tracesUrl: 'http://c:4318/custom', serviceName: 'b1' });
    for (const [key, bad] of [
      ['OTEL_TRACES_EXPORTER', 'jaeger'],
      ['OTEL_EXPORTER_OTLP_PROTOCOL', 'grpc'],
      ['OTEL_EXPORTER_OTLP_ENDPOINT', 'not a url'],
      ['OTEL_EXPORTER_OTLP_HEADERS', 'novalue'],
      ['OTEL_TRACES_SAMPLER_ARG', '1.5'],
    ]) {
      expect(() => loadConfig('judge', { [key]: bad })).toThrow(new RegExp(key));
    }
  });
});
