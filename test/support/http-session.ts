import { randomUUID } from 'node:crypto';

export interface RequestOptions {
  json?: unknown;
  form?: Record<string, string>;
  body?: string;
  headers?: Record<string, string>;
}

/** A fetch client with a cookie jar (as a browser keeps one) that does not follow redirects. */
export class HttpSession {
  readonly cookies = new Map<string, string>();

  constructor(
    readonly baseUrl: string,
    readonly headers: Record<string, string> = {},
  ) {}

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  async request(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    const headers: Record<string, string> = { ...this.headers, ...options.headers };
    if (this.cookies.size > 0) {
      headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    }
    let body = options.body;
    if (options.json !== undefined) {
      headers['content-type'] ??= 'application/json';
      body = JSON.stringify(options.json);
    } else if (options.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(options.form).toString();
    }
    const res = await fetch(`${this.baseUrl}${path}`, { method, headers, body, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => {
        const [k, v] = a.trim().split('=');
        return (
          (k.toLowerCase() === 'max-age' && Number(v) <= 0) ||
          (k.toLowerCase() === 'expires' && new Date(v).getTime() < Date.now())
        );
      });
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  get(path: string, options?: RequestOptions): Promise<Response> {
    return this.request('GET', path, options);
  }

  post(path: string, options?: RequestOptions): Promise<Response> {
    return this.request('POST', path, options);
  }
}

/** A fresh address for X-Forwarded-For, so each scenario has its own rate-limit budget (TRUST_PROXY_HOPS=1). */
export const freshIp = (): string => {
  const b = Buffer.from(randomUUID().replace(/-/g, ''), 'hex');
  return `10.${b[0]}.${b[1]}.${b[2]}`;
};

export const newEmail = (tag = 'user'): string => `${tag}-${randomUUID().slice(0, 8)}@example.com`;
export const PASSWORD = 'correct horse battery staple';

/** Registers an account and logs in through the API; returns the tokens. */
export async function apiUser(
  baseUrl: string,
  email = newEmail(),
  password = PASSWORD,
): Promise<{ email: string; accessToken: string; refreshToken: string; auth: Record<string, string> }> {
  const s = new HttpSession(baseUrl, { 'x-forwarded-for': freshIp() });
  const reg = await s.post('/v1/auth/register', { json: { email, password } });
  if (reg.status !== 201) throw new Error(`register ${reg.status}: ${await reg.text()}`);
  const login = await s.post('/v1/auth/login', { json: { email, password } });
  const body = (await login.json()) as { accessToken: string; refreshToken: string };
  if (login.status !== 200) throw new Error(`login ${login.status}: ${JSON.stringify(body)}`);
  return { email, ...body, auth: { authorization: `Bearer ${body.accessToken}` } };
}

/** Logs in through the web form: the session then lives in cookies, with a session-bound CSRF cookie. */
export async function webLogin(baseUrl: string, email: string, password = PASSWORD): Promise<HttpSession> {
  const s = new HttpSession(baseUrl, { 'x-forwarded-for': freshIp() });
  await s.get('/login');
  const res = await s.post('/login', { form: { _csrf: s.cookie('atelier_csrf') ?? '', email, password } });
  if (res.status !== 303 || !s.cookie('atelier_at')) throw new Error(`web login ${res.status}: ${await res.text()}`);
  return s;
}
