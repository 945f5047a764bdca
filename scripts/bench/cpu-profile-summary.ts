/**
 * node dist/scripts/bench/cpu-profile-summary.js <file.cpuprofile> [--top 40] [--from S --to S]
 * --from/--to keep only the samples in that window (seconds from the profile's start; the busy-per-second timeline
 * it prints shows where the load ran), so start-up's module loading does not drown the request path.
 * Summarises a V8 CPU profile (node --cpu-prof): self time by component of the gateway's HTTP path (JWT, guard,
 * interceptors, database, serialisation, headers, metrics, logging, Nest/Express plumbing, the socket), the top
 * functions by self time, and inclusive time of a few named frames (the whole guard, the whole interceptor, ...).
 */
import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  startTime: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** First match wins: [component, test on "url functionName"]. */
const COMPONENTS: Array<[string, RegExp]> = [
  ['idle (event loop waiting)', /^ \(idle\)$/],
  ['garbage collection', /^ \(garbage collector\)$/],
  [
    'JWT verify (jsonwebtoken/jws/passport-jwt, HMAC)',
    /jsonwebtoken|\/jws\/|jwa|passport-jwt|passport\/|\/passport-strategy|jwt\.strategy|verified-tokens/,
  ],
  ['session sid check (SessionLiveness)', /session-liveness/],
  [
    'auth guard chain (AuthGuard, @nestjs/passport, guards)',
    /auth\.guard|@nestjs\/passport|dev-user\.guard|guards-consumer|guards-context-creator|csrf-tokens/,
  ],
  ['idempotency interceptor', /idempotent-posts\.interceptor/],
  ['NUL/surrogate rule + body guards (input-guard)', /input-guard|api-validation\.pipe/],
  [
    'read-model query (typeorm + pg)',
    /typeorm|\/pg\/|pg-protocol|pg-pool|pg-types|postgres-|generation-read-model|packet-reader/,
  ],
  ['serialisation (class-transformer, JSON)', /class-transformer|generation-view|JSONStringify|stringify/i],
  ['security headers (helmet/CSP)', /helmet|security-headers/],
  ['metrics middleware (prom-client)', /prom-client|http-metrics|observability/],
  ['logging (pino)', /pino|sonic-boom|logger/],
  ['rxjs', /rxjs/],
  ['Nest core (router, context, pipes, interceptors)', /@nestjs\/core|@nestjs\/common|@nestjs\/platform-express/],
  [
    'Express (router, req/res, send, etag)',
    /\/express\/|\/router\/|body-parser|cookie-parser|\/send\/|etag|finalhandler|serve-static|on-finished|content-type|type-is|accepts|negotiator|proxy-addr|qs\/|mime|fresh|range-parser|parseurl/,
  ],
  [
    'Node HTTP/net (parser, sockets, writes)',
    /^node:|^ \((program|root)\)|HTTPParser|writev|writeBuffer|WriteWrap|TCPWRAP|Timeout/,
  ],
  ['gateway code (other)', /apps\/gateway/],
  ['libs (other)', /libs\//],
];

function componentOf(frame: CallFrame): string {
  const key = `${frame.url} ${frame.functionName || '(anonymous)'}`;
  const hit = COMPONENTS.find(([, re]) => re.test(frame.url ? key : ` ${frame.functionName}`));
  if (hit) return hit[0];
  if (!frame.url) return 'native / V8 builtins';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(frame.url)?.[1];
  return pkg ? `other package: ${pkg}` : 'other';
}

function main(): void {
  const file = process.argv[2];
  if (!file) throw new Error('usage: cpu-profile-summary <file.cpuprofile> [--top N]');
  const flag = (name: string, fallback: number) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? Number(process.argv[i + 1]) : fallback;
  };
  const top = flag('top', 30);
  const from = flag('from', 0) * 1e6;
  const to = flag('to', Infinity) * 1e6;
  const whole = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  // Busy (not idle) share per 5 s of the profile, to find the load's window; then keep the window's samples only.
  const idleIds = new Set(whole.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id));
  const buckets: Array<{ busy: number; all: number }> = [];
  const at: number[] = [];
  let t = 0;
  whole.samples.forEach((id, i) => {
    t += whole.timeDeltas[i] ?? 0;
    at.push(t);
    const b = (buckets[Math.floor(t / 5e6)] ??= { busy: 0, all: 0 });
    b.all += whole.timeDeltas[i] ?? 0;
    if (!idleIds.has(id)) b.busy += whole.timeDeltas[i] ?? 0;
  });
  console.log(
    'busy share per 5 s: ' +
      buckets.map((b, i) => `${i * 5}s:${Math.round((100 * b.busy) / Math.max(1, b.all))}`).join(' '),
  );
  const keep = whole.samples.map((_, i) => at[i] >= from && at[i] < to);
  const profile: CpuProfile = {
    ...whole,
    samples: whole.samples.filter((_, i) => keep[i]),
    timeDeltas: whole.timeDeltas.filter((_, i) => keep[i]),
  };
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  let total = 0;
  let idle = 0;
  const byComponent = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    total += us;
    const component = componentOf(frame);
    if (component.startsWith('idle')) idle += us;
    byComponent.set(component, (byComponent.get(component) ?? 0) + us);
    const short = frame.url.replace(/^.*node_modules\//, '').replace(/^.*\/dist\//, 'dist/');
    const fn = `${frame.functionName || '(anonymous)'}  ${short}:${frame.lineNumber + 1}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
  }
  const busy = total - idle;
  const pct = (us: number) => `${((100 * us) / busy).toFixed(1).padStart(5)} %`;
  console.log(
    `profile: ${(total / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s busy (percentages of busy)\n`,
  );
  console.log('self time by component');
  for (const [c, us] of [...byComponent].sort((a, b) => b[1] - a[1])) {
    if (c.startsWith('idle')) continue;
    console.log(`  ${pct(us)}  ${(us / 1e3).toFixed(0).padStart(7)} ms  ${c}`);
  }
  console.log(`\ntop ${top} functions by self time`);
  for (const [f, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    if (f.startsWith('(idle)')) continue;
    console.log(`  ${pct(us)}  ${f}`);
  }

  // Inclusive time: a sample counts for a frame when the frame is anywhere on its stack.
  const INCLUSIVE: Array<[string, RegExp]> = [
    ['AuthGuard.canActivate (all of authentication)', /canActivate .*auth\.guard/],
    ['JwtStrategy.validate (claims + sid check)', /validate .*jwt\.strategy/],
    ['jsonwebtoken verify', /verify .*jsonwebtoken/],
    ['SessionLiveness.isLive', /isLive .*session-liveness/],
    ['IdempotentPostsInterceptor.intercept', /intercept .*idempotent-posts/],
    ['rejectForbiddenCharacters', /rejectForbiddenCharacters/],
    ['guardedJson / body parsers', /guardedJson|jsonParser|urlencodedParser|body-parser/],
    ['securityHeaders', /securityHeaders|helmet/],
    ['httpMetricsMiddleware (incl. finish listener)', /http-metrics/],
    ['pino (logging)', /pino/],
    ['typeorm + pg (all database work)', /typeorm|\/pg\/|pg-protocol|pg-pool/],
    ['class-transformer', /class-transformer/],
    ['express res.json/send', /json .*express\/lib\/response|send .*express\/lib\/response/],
    ['cookieParser', /cookie-parser/],
  ];
  const inclusive = new Map<string, number>();
  profile.samples.forEach((leaf, i) => {
    const seen = new Set<string>();
    for (let id: number | undefined = leaf; id !== undefined; id = parent.get(id)) {
      const frame = byId.get(id)?.callFrame;
      if (!frame) break;
      const key = `${frame.functionName} ${frame.url}`;
      for (const [name, re] of INCLUSIVE) if (re.test(key)) seen.add(name);
    }
    for (const name of seen) inclusive.set(name, (inclusive.get(name) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  console.log('\ninclusive time of named frames');
  for (const [name] of INCLUSIVE) console.log(`  ${pct(inclusive.get(name) ?? 0)}  ${name}`);
}

main();
