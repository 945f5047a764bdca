import fc from 'fast-check';
import { apiUser, HttpSession, newEmail, PASSWORD, webLogin } from './support/http-session';
import { TestMesh } from './support/test-mesh';

type FieldKind = 'string' | 'number';
interface Template {
  body: Record<string, unknown>;
  kinds: Record<string, FieldKind>;
  required: string[];
}

/**
 * A JSON value that is not of the given kind (a string where a number belongs, and so on). Null is wrong
 * only for required fields: for optional ones the API reads null as "not given".
 */
const wrongType = (kind: FieldKind, required: boolean): fc.Arbitrary<unknown> =>
  fc.oneof(
    kind === 'string' ? fc.oneof(fc.integer(), fc.double()) : fc.string({ unit: 'grapheme', maxLength: 30 }),
    fc.boolean(),
    required ? fc.constant(null) : fc.constant(false),
    fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
  );

/** A string far beyond every length limit (and the 64 KB body limit for most of them). */
const huge = fc
  .tuple(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 4 }), fc.integer({ min: 3000, max: 40000 }))
  .map(([s, n]) => s.repeat(n));

const nestedJunk: fc.Arbitrary<unknown> = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.jsonValue({ maxDepth: 1 }),
    fc.array(tie('node'), { maxLength: 3 }),
    fc.dictionary(fc.string({ unit: 'grapheme', maxLength: 6 }), tie('node'), { maxKeys: 3 }),
  ),
})).node;

/**
 * Malformed variants of a valid body: a required field missing, a field of the wrong type, a huge string,
 * an unknown (unicode-named) field, or a body that is not the object at all (arrays, scalars, deep junk).
 */
function malformed(t: Template): fc.Arbitrary<unknown> {
  const keys = Object.keys(t.kinds);
  const variants: Array<fc.Arbitrary<unknown>> = [
    fc
      .tuple(
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }).filter((k) => !keys.includes(k)),
        fc.jsonValue({ maxDepth: 2 }),
      )
      // A computed key in a literal defines an own property even for "__proto__" (which fast-check does generate);
      // Object.assign would call the prototype setter instead and send the valid body unchanged.
      .map(([k, v]) => ({ ...t.body, [k]: v })),
    fc.oneof(
      fc.array(nestedJunk, { maxLength: 4 }),
      fc.constant([]),
      nestedJunk.filter((v) => !isObject(v)),
    ),
    nestedJunk.filter((v) => isObject(v) && Object.keys(v).some((k) => !keys.includes(k))),
  ];
  if (keys.length > 0) {
    variants.push(
      fc
        .constantFrom(...keys)
        .chain((k) => wrongType(t.kinds[k], t.required.includes(k)).map((v) => ({ ...t.body, [k]: v }))),
    );
  }
  if (t.required.length > 0) {
    variants.push(
      fc.constantFrom(...t.required).map((k) => Object.fromEntries(Object.entries(t.body).filter(([f]) => f !== k))),
    );
  }
  const stringKeys = keys.filter((k) => t.kinds[k] === 'string');
  if (stringKeys.length > 0) {
    variants.push(fc.tuple(fc.constantFrom(...stringKeys), huge).map(([k, v]) => ({ ...t.body, [k]: v })));
  }
  return fc.oneof(...variants);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A payload as sent: JSON, broken JSON text, or a body under the wrong content type. */
type Sent = { kind: 'json'; value: unknown } | { kind: 'raw'; text: string; type: string };
const asSent = (value: fc.Arbitrary<unknown>): fc.Arbitrary<Sent> =>
  fc.oneof(
    { weight: 8, arbitrary: value.map((v): Sent => ({ kind: 'json', value: v })) },
    {
      weight: 1,
      arbitrary: fc
        .string({ unit: 'grapheme', maxLength: 40 })
        .map((s): Sent => ({ kind: 'raw', text: `{"${s}`, type: 'application/json' })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.string({ minLength: 1, maxLength: 40 }),
          fc.constantFrom('text/plain', 'application/xml', 'multipart/form-data'),
        )
        .map(([text, type]): Sent => ({ kind: 'raw', text, type })),
    },
  );

/** Malformed web forms: a required field missing or empty, a field repeated, huge values, junk names. */
function malformedForm(valid: Record<string, string>, required: string[]): fc.Arbitrary<string> {
  const encode = (pairs: Array<[string, string]>) => new URLSearchParams(pairs).toString();
  const entries = Object.entries(valid);
  return fc.oneof(
    fc.constantFrom(...required).map((k) => encode(entries.filter(([f]) => f !== k))),
    fc.constantFrom(...required).map((k) => encode(entries.map(([f, v]) => [f, f === k ? '' : v]))),
    fc
      .tuple(fc.constantFrom(...Object.keys(valid)), fc.string({ unit: 'grapheme', maxLength: 20 }))
      .map(([k, extra]) => encode([...entries, [k, extra]])),
    fc
      .tuple(fc.constantFrom(...required), huge)
      .map(([k, v]) => encode(entries.map(([f, old]) => [f, f === k ? v : old]))),
  );
}

const RUNS = 200;
const TABLES = [
  'users',
  'sessions',
  'refresh_tokens',
  'login_failures',
  'generations',
  'generation_steps',
  'feedback',
  'outbox',
];

/** ≥ 2,000 malformed payloads against every write endpoint: only 4xx, and no row written anywhere. */
describe('fuzzing the write endpoints', () => {
  const mesh = new TestMesh({
    services: ['gateway'],
    env: { ALLOW_DEV_USER_HEADER: 'false', AUTH_THROTTLE_LIMIT: '100000', TRUST_PROXY_HOPS: '1' },
  });
  let url: string;
  let user: Awaited<ReturnType<typeof apiUser>>;
  let web: HttpSession;
  let generationId: string;
  let sent = 0;

  beforeAll(async () => {
    await mesh.start();
    url = mesh.supervisor.url('gateway');
    user = await apiUser(url);
    web = await webLogin(url, user.email);
    const created = await new HttpSession(url, user.auth).post('/v1/generations', { json: { prompt: 'кофе' } });
    generationId = ((await created.json()) as { id: string }).id;
  }, 120000);
  afterAll(() => mesh.stop(), 60000);

  const counts = async (): Promise<Record<string, number>> => {
    const out: Record<string, number> = {};
    for (const t of TABLES) {
      out[t] = Number((await mesh.query<{ c: string }>(`SELECT count(*) AS c FROM gateway.${t}`))[0].c);
    }
    return out;
  };

  async function fuzzJson(path: string, template: Template, headers: () => Record<string, string>): Promise<void> {
    const before = await counts();
    await fc.assert(
      fc.asyncProperty(asSent(malformed(template)), async (payload) => {
        const h = { ...headers() };
        const init =
          payload.kind === 'json'
            ? { body: JSON.stringify(payload.value), headers: { ...h, 'content-type': 'application/json' } }
            : { body: payload.text, headers: { ...h, 'content-type': payload.type } };
        // A request the gateway never answers is a failure too (with the payload shown), not a stuck suite.
        const res = await fetch(`${url}${path}`, {
          method: 'POST',
          redirect: 'manual',
          signal: AbortSignal.timeout(15000),
          ...init,
        });
        sent++;
        const text = await res.text();
        if (res.status < 400 || res.status >= 500) throw new Error(`${path} → ${res.status} ${text.slice(0, 300)}`);
      }),
      { numRuns: RUNS },
    );
    expect(await counts()).toEqual(before);
  }

  async function fuzzForm(path: string, valid: Record<string, string>, required: string[], csrf: boolean) {
    const before = await counts();
    await fc.assert(
      fc.asyncProperty(malformedForm(valid, required), fc.string({ maxLength: 60 }), async (form, junkCsrf) => {
        const token = csrf ? (web.cookie('atelier_csrf') ?? '') : junkCsrf;
        const res = await web.post(path, {
          body: `${form}&_csrf=${encodeURIComponent(token)}`,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        });
        sent++;
        const text = await res.text();
        if (res.status < 400 || res.status >= 500) throw new Error(`${path} → ${res.status} ${text.slice(0, 300)}`);
      }),
      { numRuns: RUNS },
    );
    expect(await counts()).toEqual(before);
  }

  const bearer = () => user.auth;

  it('POST /v1/auth/register', () =>
    fuzzJson(
      '/v1/auth/register',
      {
        body: { email: newEmail('fuzz'), password: PASSWORD, displayName: 'Анна', locale: 'ru' },
        kinds: { email: 'string', password: 'string', displayName: 'string', locale: 'string' },
        required: ['email', 'password'],
      },
      () => ({}),
    ));

  it('POST /v1/auth/login', () =>
    fuzzJson(
      '/v1/auth/login',
      {
        body: { email: user.email, password: PASSWORD },
        kinds: { email: 'string', password: 'string' },
        required: ['email', 'password'],
      },
      () => ({}),
    ));

  it('POST /v1/auth/refresh', () =>
    fuzzJson(
      '/v1/auth/refresh',
      { body: { refreshToken: user.refreshToken }, kinds: { refreshToken: 'string' }, required: [] },
      () => ({}),
    ));

  it('POST /v1/auth/logout', () =>
    fuzzJson('/v1/auth/logout', { body: { reason: 'x' }, kinds: {}, required: [] }, bearer));

  it('POST /v1/generations', () =>
    fuzzJson(
      '/v1/generations',
      {
        body: {
          prompt: 'баннер для кофейни',
          n: 1,
          width: 128,
          height: 128,
          steps: 10,
          guidance: 7,
          seed: 1,
          platform: 'instagram_post',
          backend: 'procedural',
        },
        kinds: {
          prompt: 'string',
          n: 'number',
          width: 'number',
          height: 'number',
          steps: 'number',
          guidance: 'number',
          seed: 'number',
          platform: 'string',
          backend: 'string',
        },
        required: ['prompt'],
      },
      bearer,
    ));

  it('POST /v1/generations/{id}/feedback', () =>
    fuzzJson(
      `/v1/generations/${generationId}/feedback`,
      {
        body: { rank: 1, verdict: 'like' },
        kinds: { rank: 'number', verdict: 'string' },
        required: ['rank', 'verdict'],
      },
      bearer,
    ));

  it('POST /login (web form)', () =>
    fuzzForm('/login', { email: user.email, password: PASSWORD }, ['email', 'password'], true));

  it('POST /register (web form)', () =>
    fuzzForm(
      '/register',
      { email: newEmail('fuzzweb'), password: PASSWORD, password2: PASSWORD },
      ['email', 'password', 'password2'],
      true,
    ));

  it('POST /app/requests (web form)', () =>
    fuzzForm(
      '/app/requests',
      { prompt: 'кофе', n: '1', size: '512x512', steps: '10' },
      // The other fields have defaults.
      ['prompt'],
      true,
    ));

  it('POST /app/requests/{id}/feedback (web form)', () =>
    fuzzForm(`/app/requests/${generationId}/feedback`, { rank: '1', verdict: 'like' }, ['rank', 'verdict'], true));

  it('POST /logout (web form) without a valid CSRF token', () => fuzzForm('/logout', { note: 'x' }, ['note'], false));

  it('sent at least 2,000 malformed payloads in all', () => {
    expect(sent).toBe(RUNS * 11);
    expect(sent).toBeGreaterThanOrEqual(2000);
  });
});
