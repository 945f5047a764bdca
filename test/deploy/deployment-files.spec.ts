/**
 * Static checks of the deployment files against the code they deploy: the env schema (envKeys), the default
 * ports, the health controller's routes and the queue naming. Nothing here needs Docker or a cluster; nginx's
 * own `nginx -t` validates the proxy config.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  DEFAULT_PORTS,
  SERVICES,
  envKeys,
  loadConfig,
  loadDatabaseSetupConfig,
  type ServiceName,
} from '@atelier/config';
import { assertOwnBrokerUser, brokerDefinitions, brokerUserOf, topologyNames } from '@atelier/messaging';
import {
  K8sObjects,
  ROOT,
  composeDependsOn,
  composeEnv,
  findNginx,
  healthControllerPaths,
  healthcheckText,
  loadCompose,
  loadK8s,
  nginxChild,
  nginxDirectives,
  parseDockerfile,
  parseNginxConf,
  readRepoFile,
  type Container,
  type Deployment,
  type DockerInstruction,
  type HorizontalPodAutoscaler,
  type Job,
  type NginxBlock,
  type PersistentVolumeClaim,
  type PodTemplate,
  type ScaledObject,
  type Service,
  type TriggerAuthentication,
} from './deploy-files';

const WORKERS = SERVICES.filter((s) => s !== 'gateway');
const INFRA = ['postgres', 'rabbitmq', 'broker-setup', 'migrate', 'nginx', 'prometheus'];

const SERVED = healthControllerPaths();
const LIVE = SERVED.find((p) => p.endsWith('/live'));
const READY = SERVED.find((p) => p.endsWith('/ready'));

/** db.js loads every service's config from one environment, so its variables must suit all of them. */
const COMMON_KEYS = envKeys('gateway').filter((key) => SERVICES.every((s) => envKeys(s).includes(key)));

const notAccepted = (service: ServiceName, names: Iterable<string>): string[] =>
  [...names].filter((name) => !envKeys(service).includes(name));

function must<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} is missing`);
  return value;
}

const isSubset = (inner: Record<string, string>, outer: Record<string, string> | undefined): boolean =>
  Object.keys(inner).length > 0 && Object.entries(inner).every(([k, v]) => outer?.[k] === v);

it('the health controller serves a liveness and a readiness path', () => {
  expect(LIVE).toBeDefined();
  expect(READY).toBeDefined();
});

// ---------------------------------------------------------------- Dockerfile

describe('Dockerfile', () => {
  const instructions = parseDockerfile(readRepoFile('Dockerfile'));
  const runtimeStage = Math.max(...instructions.map((i) => i.stage));
  const build = instructions.filter((i) => i.stage < runtimeStage);
  const runtime = instructions.filter((i) => i.stage === runtimeStage);
  const all = (list: DockerInstruction[], keyword: string): DockerInstruction[] =>
    list.filter((i) => i.keyword === keyword);
  /** Source paths of the build stage's COPY lines (flags and destination dropped). */
  const copySources = all(build, 'COPY')
    .filter((i) => !i.args.includes('--from='))
    .flatMap((i) =>
      i.args
        .split(/\s+/)
        .filter((word) => !word.startsWith('--'))
        .slice(0, -1),
    )
    .map((path) => path.replace(/^\.\//, '').replace(/\/$/, ''));

  it('builds and runs on node:20-bookworm-slim in separate stages', () => {
    const images = all(instructions, 'FROM').map((i) => i.args.split(/\s+/)[0]);
    expect(images.length).toBeGreaterThanOrEqual(2);
    expect(new Set(images)).toEqual(new Set(['node:20-bookworm-slim']));
  });

  it('installs with the repo .npmrc, builds, then drops dev dependencies', () => {
    expect(copySources).toContain('.npmrc');
    const runs = all(build, 'RUN').map((i) => i.args);
    expect(runs.join('\n')).toMatch(/npm ci/);
    expect(runs.join('\n')).toMatch(/npm run build[\s\S]*npm prune --omit=dev/);
  });

  it('copies every directory the build compiles, and every copied path exists', () => {
    const tsconfig = JSON.parse(readRepoFile('tsconfig.build.json')) as { include: string[] };
    const roots = [...new Set(tsconfig.include.map((pattern) => pattern.split('/')[0]))];
    expect(roots.filter((dir) => !copySources.includes(dir))).toEqual([]);
    expect(copySources.filter((path) => !existsSync(join(ROOT, path)))).toEqual([]);
  });

  it('takes the service from ARG APP in the runtime stage and runs as the non-root user node', () => {
    expect(all(runtime, 'ARG').map((i) => i.args)).toContain('APP');
    expect(
      all(runtime, 'ENV')
        .map((i) => i.args)
        .join(' '),
    ).toMatch(/\bAPP=\$\{?APP\}?(\s|$)/);
    expect(all(runtime, 'USER').at(-1)?.args).toBe('node');
  });

  it('CMD starts dist/apps/$APP/src/main.js, and apps/<app>/src/main.ts exists for every app', () => {
    const argv = JSON.parse(must(all(runtime, 'CMD').at(-1), 'CMD').args) as string[];
    expect(argv.slice(0, 2)).toEqual(['sh', '-c']);
    // exec: node replaces the shell as PID 1 and receives SIGTERM itself.
    expect(argv[2]).toMatch(/^exec node /);
    const entry = must(/\bnode\s+(\S+\.js)/.exec(argv[2])?.[1], 'entry point');
    expect(entry).toMatch(/^dist\/apps\/\$\{?APP\}?\/src\/main\.js$/);
    const sources = SERVICES.map((app) =>
      entry
        .replace(/\$\{?APP\}?/, app)
        .replace(/^dist\//, '')
        .replace(/\.js$/, '.ts'),
    );
    expect(sources.filter((path) => !existsSync(join(ROOT, path)))).toEqual([]);
  });

  it('HEALTHCHECK uses node (no curl in the slim image) on a path the health controller serves', () => {
    const check = must(all(runtime, 'HEALTHCHECK').at(-1), 'HEALTHCHECK').args;
    expect(check).toMatch(/CMD node -e/);
    expect(SERVED.filter((path) => check.includes(`'${path}'`))).toEqual([LIVE]);
  });

  it('.dockerignore keeps local build output and git out of the context', () => {
    const ignored = readRepoFile('.dockerignore')
      .split('\n')
      .map((line) => line.trim());
    for (const entry of ['node_modules', 'dist', 'var', 'out', '.git', '*.log']) expect(ignored).toContain(entry);
  });
});

// ---------------------------------------------------------------- docker compose

describe('docker-compose.yml', () => {
  const { services, volumes } = loadCompose();
  const service = (name: string) => must(services[name], `compose service ${name}`);

  it('has one service per app plus postgres, rabbitmq, migrate, nginx and prometheus', () => {
    expect(Object.keys(services).sort()).toEqual([...SERVICES, ...INFRA].sort());
  });

  it("runs Prometheus on ops/prometheus, scraping every app at its compose host and HTTP_PORT, and RabbitMQ's exporter", () => {
    expect(service('prometheus').volumes).toContain('./ops/prometheus:/etc/prometheus:ro');
    const scrape = (
      parse(readRepoFile('ops/prometheus/prometheus.yml')) as {
        scrape_configs: Array<{
          job_name: string;
          static_configs: Array<{ targets: string[]; labels?: { service?: string } }>;
        }>;
      }
    ).scrape_configs;
    const atelier = scrape.find((j) => j.job_name === 'atelier');
    const targets = Object.fromEntries((atelier?.static_configs ?? []).map((c) => [c.labels?.service, c.targets]));
    for (const app of SERVICES) {
      expect({ app, targets: targets[app] }).toEqual({
        app,
        targets: [`${app}:${composeEnv(service(app)).HTTP_PORT}`],
      });
    }
    expect(scrape.find((j) => j.job_name === 'rabbitmq')?.static_configs[0].targets).toEqual(['rabbitmq:15692']);
  });

  describe.each(SERVICES)('%s', (app) => {
    it('is built from the one Dockerfile with APP set to its name', () => {
      const build = service(app).build;
      expect(typeof build).toBe('object');
      if (typeof build !== 'object') return;
      expect(build.context).toBe('.');
      expect(build.dockerfile ?? 'Dockerfile').toBe('Dockerfile');
      expect(build.args?.APP).toBe(app);
    });

    it('sets only variables the service accepts', () => {
      expect(notAccepted(app, Object.keys(composeEnv(service(app))))).toEqual([]);
    });

    it('sets HTTP_PORT to its DEFAULT_PORTS entry (the healthcheck reads it)', () => {
      expect(composeEnv(service(app)).HTTP_PORT).toBe(String(DEFAULT_PORTS[app]));
    });

    it('has a healthcheck on the readiness path', () => {
      expect(healthcheckText(service(app))).toContain(`'${READY}'`);
    });

    it('waits for healthy postgres and rabbitmq and completed migrations', () => {
      expect(composeDependsOn(service(app))).toEqual(
        expect.objectContaining({
          postgres: 'service_healthy',
          rabbitmq: 'service_healthy',
          migrate: 'service_completed_successfully',
        }),
      );
    });

    it('mounts the shared storage volume at STORAGE_DIR when it reads or writes images', () => {
      const env = composeEnv(service(app));
      const storageMounts = (service(app).volumes ?? []).filter((v) => v.startsWith('storage:'));
      if (!envKeys(app).includes('STORAGE_DIR')) {
        expect(storageMounts).toEqual([]);
        return;
      }
      expect(env.STORAGE_DIR).toBeTruthy();
      expect(storageMounts).toEqual([`storage:${env.STORAGE_DIR}`]);
      expect(volumes).toHaveProperty('storage');
    });

    it('reaches PostgreSQL and RabbitMQ through their compose services', () => {
      const env = composeEnv(service(app));
      expect(env.DATABASE_HOST).toBe('postgres');
      // Its own broker user, with the password the broker-setup job gives that user (never the administrator's).
      const password = `\${${app.toUpperCase()}_BROKER_PASSWORD:?set ${app.toUpperCase()}_BROKER_PASSWORD in .env}`;
      const amqp = must(
        /^amqp:\/\/([^:@]+):(.+)@([^:@/]+):5672$/.exec(must(env.AMQP_URL, 'AMQP_URL')) ?? undefined,
        'amqp URL',
      );
      expect(amqp.slice(1)).toEqual([
        brokerUserOf(must(env.MESH_NAMESPACE, 'MESH_NAMESPACE'), app),
        password,
        'rabbitmq',
      ]);
      expect(composeEnv(service('broker-setup'))[`BROKER_PASSWORD_${app.toUpperCase()}`]).toBe(password);
      expect(composeEnv(service('rabbitmq')).RABBITMQ_DEFAULT_USER).not.toBe(amqp[1]);
    });
  });

  it('every service starts under its production checks with distinct strong values for the .env secrets', () => {
    // ${NAME:?…} / ${NAME:-…} stand for what .env holds: a distinct random value per name, as the docs ask.
    const values = new Map<string, string>();
    const fill = (v: string) =>
      v.replace(/\$\{(\w+)(:[?-][^}]*)?\}/g, (_m: string, name: string) => {
        if (!values.has(name)) values.set(name, `${name}-${Buffer.from(name).toString('base64')}-Qz8vK2pL7mN4xR1w`);
        return values.get(name) ?? '';
      });
    for (const app of SERVICES) {
      const env = Object.fromEntries(Object.entries(composeEnv(service(app))).map(([k, v]) => [k, fill(v)]));
      expect(env.NODE_ENV).toBe('production');
      expect(env.DATABASE_PASSWORD).toMatch(new RegExp(`^${app.toUpperCase()}_DB_PASSWORD-`));
      expect(() => loadConfig(app, env)).not.toThrow();
      expect(() => assertOwnBrokerUser(loadConfig(app, env))).not.toThrow();
    }
    const roles = composeEnv(service('migrate')).DATABASE_ROLE_PASSWORDS ?? '';
    expect(roles.split(',').map((pair) => pair.split('=')[0])).toEqual([...SERVICES]);
    // The migrate job runs the production image (NODE_ENV=production) with database settings only.
    const migrate = Object.fromEntries(Object.entries(composeEnv(service('migrate'))).map(([k, v]) => [k, fill(v)]));
    expect(() => loadDatabaseSetupConfig({ ...migrate, NODE_ENV: 'production' })).not.toThrow();
  });

  it('gateway: NODE_ENV=production comes with ALLOW_DEV_USER_HEADER=false', () => {
    const env = composeEnv(service('gateway'));
    expect(env.NODE_ENV).toBe('production');
    expect(env.ALLOW_DEV_USER_HEADER).toBe('false');
  });

  it('gateway reaches the recommender service on its port; gateway, recommender and billing share the caller key', () => {
    const gateway = composeEnv(service('gateway'));
    const recommender = composeEnv(service('recommender'));
    expect(composeEnv(service('billing')).INTERNAL_CALLER_SECRET).toBe(gateway.INTERNAL_CALLER_SECRET);
    const url = new URL(must(gateway.RECOMMENDER_URL, 'gateway RECOMMENDER_URL'));
    expect([url.hostname, Number(url.port)]).toEqual(['recommender', DEFAULT_PORTS.recommender]);
    expect(gateway.INTERNAL_CALLER_SECRET).toMatch(/^\$\{INTERNAL_CALLER_SECRET:\?/);
    expect(recommender.INTERNAL_CALLER_SECRET).toBe(gateway.INTERNAL_CALLER_SECRET);
    expect(recommender.ALLOW_DEV_USER_HEADER).toBe('false');
  });

  it('postgres: pgvector image, pg_isready healthcheck, trust auth only on the private network', () => {
    const pg = service('postgres');
    expect(pg.image).toBe('pgvector/pgvector:pg16');
    expect(healthcheckText(pg)).toContain('pg_isready');
    expect(composeEnv(pg).POSTGRES_HOST_AUTH_METHOD).toBe('trust');
    // A published port would expose a password-less superuser.
    expect(pg.ports ?? []).toEqual([]);
  });

  it('recommender: a vector index the config accepts; pgvector only on the pgvector postgres image', () => {
    const env = composeEnv(service('recommender'));
    const index = must(env.RECOMMENDER_VECTOR_INDEX, 'RECOMMENDER_VECTOR_INDEX');
    expect(loadConfig('recommender', { RECOMMENDER_VECTOR_INDEX: index }).env.RECOMMENDER_VECTOR_INDEX).toBe(index);
    if (index === 'pgvector') expect(service('postgres').image).toMatch(/^pgvector\/pgvector:/);
  });

  it('the committed broker definitions are the ones the contracts give (npm run broker:setup -- --definitions --template)', () => {
    const committed: unknown = JSON.parse(readRepoFile('ops/rabbitmq/definitions.json'));
    expect(committed).toEqual(brokerDefinitions('atelier', '/'));
  });

  it('broker-setup loads the definitions through the management API before any service starts', () => {
    const job = service('broker-setup');
    expect(job.command).toEqual(['node', 'dist/scripts/broker-setup.js', '--definitions', '--apply']);
    expect(composeDependsOn(job)).toEqual({ rabbitmq: 'service_healthy' });
    const env = composeEnv(job);
    expect(new URL(must(env.BROKER_MANAGEMENT_URL, 'BROKER_MANAGEMENT_URL')).hostname).toBe('rabbitmq');
    expect(env.BROKER_ADMIN_USER).toBe(composeEnv(service('rabbitmq')).RABBITMQ_DEFAULT_USER);
    expect(env.BROKER_ADMIN_PASSWORD).toBe(composeEnv(service('rabbitmq')).RABBITMQ_DEFAULT_PASS);
    for (const app of SERVICES)
      expect(composeDependsOn(service(app))['broker-setup']).toBe('service_completed_successfully');
  });

  it('rabbitmq: management image with a diagnostics ping healthcheck', () => {
    const rabbit = service('rabbitmq');
    expect(rabbit.image).toBe('rabbitmq:3.13-management');
    expect(healthcheckText(rabbit)).toMatch(/rabbitmq-diagnostics\s+-q\s+ping/);
  });

  it('migrate: one-shot db.js setup from the app image after postgres is healthy', () => {
    const migrate = service('migrate');
    const build = migrate.build;
    expect(typeof build === 'object' && SERVICES.some((app) => build.args?.APP === app)).toBe(true);
    expect([migrate.command ?? []].flat().join(' ')).toBe('node dist/scripts/db.js setup');
    expect(composeDependsOn(migrate)).toEqual({ postgres: 'service_healthy' });
    const env = composeEnv(migrate);
    expect(Object.keys(env).filter((key) => !COMMON_KEYS.includes(key))).toEqual([]);
    expect(new URL(must(env.DATABASE_ADMIN_URL, 'DATABASE_ADMIN_URL')).hostname).toBe('postgres');
  });

  it('nginx: serves the repo config in front of a healthy gateway', () => {
    const nginx = service('nginx');
    expect(nginx.image).toBe('nginx:1.27-alpine');
    expect(nginx.volumes).toContain('./nginx/nginx.conf:/etc/nginx/nginx.conf:ro');
    expect(composeDependsOn(nginx)).toEqual({ gateway: 'service_healthy' });
    expect(healthcheckText(nginx)).not.toBe('');
  });
});

// ---------------------------------------------------------------- nginx

describe('nginx/nginx.conf', () => {
  const conf = parseNginxConf(readRepoFile('nginx/nginx.conf'));
  const http = must(nginxChild(conf, 'http'), 'http block');
  const server = must(nginxChild(http, 'server'), 'server block');
  const SSE_PATH = '^/v1/generations/[^/]+/events$';
  const sse = must(nginxChild(server, 'location', '~', SSE_PATH), `location ~ ${SSE_PATH}`);
  const args = (block: NginxBlock, name: string): string[] | undefined => nginxDirectives(block, name)[0]?.slice(1);
  const headerNames = (block: NginxBlock): string[] =>
    nginxDirectives(block, 'proxy_set_header').map((d) => d[1].toLowerCase());

  it('passes nginx -t where the gateway host does not resolve', () => {
    const nginx = findNginx();
    if (!nginx) throw new Error('nginx binary not found: .ci/run installs it (apt-get install -y nginx); not skipped');
    const dir = mkdtempSync(join(tmpdir(), 'atelier-nginx-'));
    try {
      copyFileSync(join(ROOT, 'nginx', 'nginx.conf'), join(dir, 'nginx.conf'));
      // The config logs to /dev/stdout and /dev/stderr, which nginx opens by path: that fails (ENXIO) on the
      // socket pairs Node uses for piped stdio, so nginx gets a plain file, as it gets pipes under Docker.
      const logPath = join(dir, 'nginx-t.log');
      const log = openSync(logPath, 'w');
      let status: number | null;
      try {
        status = spawnSync(nginx, ['-t', '-p', `${dir}/`, '-c', join(dir, 'nginx.conf')], {
          stdio: ['ignore', log, log],
        }).status;
      } finally {
        closeSync(log);
      }
      expect({ status, output: readFileSync(logPath, 'utf8') }).toEqual({
        status: 0,
        output: expect.stringContaining('test is successful'),
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('sets an upload limit', () => {
    expect(args(server, 'client_max_body_size') ?? args(http, 'client_max_body_size')).toEqual(['10m']);
  });

  it('proxies to the compose gateway service on DEFAULT_PORTS.gateway, resolved per request', () => {
    const upstream = must(
      nginxDirectives(server, 'set').find((d) => d[1] === '$gateway_upstream')?.[2],
      'set $gateway_upstream',
    );
    const url = new URL(upstream);
    expect(Object.keys(loadCompose().services)).toContain(url.hostname);
    expect(url.hostname).toBe('gateway');
    expect(Number(url.port)).toBe(DEFAULT_PORTS.gateway);
    expect(args(server, 'resolver') ?? args(http, 'resolver')).toContain('127.0.0.11');
    // A literal host in proxy_pass is resolved at load time and fails when the gateway is not up yet.
    const passes = server.blocks.flatMap((b) => nginxDirectives(b.body, 'proxy_pass').map((d) => d[1]));
    expect(passes.length).toBeGreaterThan(0);
    // Payment webhooks are the one exception: billing verifies them itself (see apps/billing/README.md).
    const webhooks = must(nginxChild(server, 'location', '/v1/billing/webhooks/'), 'webhook location');
    expect(nginxDirectives(webhooks, 'proxy_pass')).toEqual([['proxy_pass', '$billing_upstream']]);
    const billingUpstream = new URL(
      must(nginxDirectives(server, 'set').find((d) => d[1] === '$billing_upstream')?.[2], 'set $billing_upstream'),
    );
    expect([billingUpstream.hostname, Number(billingUpstream.port)]).toEqual(['billing', DEFAULT_PORTS.billing]);
    expect(new Set(passes)).toEqual(new Set(['$gateway_upstream', '$billing_upstream']));
  });

  it('never passes /metrics to the public edge', () => {
    for (const path of ['/metrics', '/metrics/']) {
      const block = must(
        server.blocks.find((b) => b.header[0] === 'location' && b.header.at(-1) === path)?.body,
        `location for ${path}`,
      );
      expect(nginxDirectives(block, 'return')).toEqual([['return', '404']]);
      expect(nginxDirectives(block, 'proxy_pass')).toEqual([]);
    }
    const exact = server.blocks.find((b) => b.header[0] === 'location' && b.header.at(-1) === '/metrics');
    expect(exact?.header).toEqual(['location', '=', '/metrics']);
  });

  it('sends HSTS on TLS only', () => {
    const hsts = must(
      http.blocks.find((b) => b.header[0] === 'map' && b.header[1] === '$https' && b.header[2] === '$hsts')?.body,
      'map $https $hsts',
    );
    expect(nginxDirectives(hsts, 'on')[0]?.[1]).toMatch(/^max-age=\d{8,}/);
    expect(nginxDirectives(hsts, 'default')).toEqual([['default', '']]);
    expect(nginxDirectives(server, 'add_header')).toContainEqual([
      'add_header',
      'Strict-Transport-Security',
      '$hsts',
      'always',
    ]);
  });

  it('streams server-sent events unbuffered with a long read timeout', () => {
    const pattern = new RegExp(SSE_PATH);
    expect(pattern.test('/v1/generations/0b6f/events')).toBe(true);
    expect(pattern.test('/v1/generations/0b6f')).toBe(false);
    expect(args(sse, 'proxy_buffering')).toEqual(['off']);
    expect(args(sse, 'proxy_cache')).toEqual(['off']);
    expect(args(sse, 'proxy_read_timeout')).toEqual(['1h']);
    expect(args(sse, 'proxy_http_version')).toEqual(['1.1']);
    expect(nginxDirectives(sse, 'proxy_set_header')).toContainEqual(['proxy_set_header', 'Connection', '']);
  });

  it('keeps the forwarding headers in the SSE location (a local proxy_set_header drops inherited ones)', () => {
    const serverHeaders = headerNames(server);
    expect(serverHeaders).toEqual(expect.arrayContaining(['x-forwarded-for', 'x-forwarded-proto', 'x-request-id']));
    if (headerNames(sse).length > 0) expect(headerNames(sse)).toEqual(expect.arrayContaining(serverHeaders));
  });

  it('gzips JSON', () => {
    expect(args(http, 'gzip')).toEqual(['on']);
    expect(args(http, 'gzip_types')).toContain('application/json');
  });

  it('listens on the port compose publishes', () => {
    const port = must(args(server, 'listen')?.[0], 'listen');
    expect(loadCompose().services.nginx?.ports).toContain(`${port}:${port}`);
  });
});

// ---------------------------------------------------------------- kubernetes

describe('k8s', () => {
  const files = loadK8s();
  const k8s = new K8sObjects(files.flatMap((f) => f.objects));
  const compose = loadCompose();
  const configMap = k8s.named('ConfigMap', 'atelier-config');
  const meshNamespace = (service: ServiceName) =>
    loadConfig(service, { MESH_NAMESPACE: configMap?.data?.MESH_NAMESPACE }).messaging.namespace;

  const deployment = (app: string) => must(k8s.named<Deployment>('Deployment', app), `Deployment ${app}`);
  const containerOf = (template: PodTemplate, name: string): Container =>
    must(template.spec.containers.find((c) => c.name === name) ?? template.spec.containers[0], `container ${name}`);
  /** A probe or Service port, by number or by the container port's name. */
  const resolvePort = (container: Container, port: number | string | undefined): number | undefined =>
    typeof port === 'number' ? port : container.ports?.find((p) => p.name === port)?.containerPort;

  it('every file parses as YAML', () => {
    expect(files.map((f) => f.file)).toContain('namespace.yaml');
    expect(files.filter((f) => f.errors.length > 0).map((f) => `${f.file}: ${f.errors.join('; ')}`)).toEqual([]);
  });

  it('puts everything in the atelier namespace', () => {
    expect(k8s.named('Namespace', 'atelier')).toBeDefined();
    const outside = k8s.all.filter((o) => o.kind !== 'Namespace' && o.metadata.namespace !== 'atelier');
    expect(outside.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([]);
  });

  it('has exactly one Deployment and one Service per app, named after it', () => {
    for (const kind of ['Deployment', 'Service']) {
      expect(
        k8s
          .ofKind(kind)
          .map((o) => o.metadata.name)
          .sort(),
      ).toEqual([...SERVICES].sort());
    }
  });

  it('recommender: the same VISUAL_SEGMENTATION as compose, a value its config accepts', () => {
    const value = must(
      k8s.containerEnv(containerOf(deployment('recommender').spec.template, 'recommender')).get('VISUAL_SEGMENTATION'),
      'k8s VISUAL_SEGMENTATION',
    );
    expect(value).toBe(composeEnv(must(compose.services.recommender, 'compose recommender')).VISUAL_SEGMENTATION);
    expect(loadConfig('recommender', { VISUAL_SEGMENTATION: value }).env.VISUAL_SEGMENTATION).toBe(value);
  });

  describe.each(SERVICES)('%s', (app) => {
    const template = () => deployment(app).spec.template;
    const container = () => containerOf(template(), app);
    const env = () => k8s.containerEnv(container());

    it('runs the same image as compose on its DEFAULT_PORTS port', () => {
      expect(container().image).toBe(compose.services[app]?.image);
      expect(container().ports?.map((p) => p.containerPort)).toEqual([DEFAULT_PORTS[app]]);
    });

    it('has a ClusterIP Service on DEFAULT_PORTS that selects its pods', () => {
      const service = must(k8s.named<Service>('Service', app), `Service ${app}`);
      expect(service.spec.type ?? 'ClusterIP').toBe('ClusterIP');
      expect(isSubset(service.spec.selector, template().metadata?.labels)).toBe(true);
      expect(isSubset(deployment(app).spec.selector.matchLabels, template().metadata?.labels)).toBe(true);
      expect(service.spec.ports.map((p) => p.port)).toEqual([DEFAULT_PORTS[app]]);
      expect(resolvePort(container(), service.spec.ports[0]?.targetPort ?? service.spec.ports[0]?.port)).toBe(
        DEFAULT_PORTS[app],
      );
    });

    it('gets only variables the service accepts (env and every envFrom key)', () => {
      expect(notAccepted(app, env().keys())).toEqual([]);
    });

    it('reads INTERNAL_CALLER_SECRET from the Secret when it forwards or verifies callers', () => {
      const ref = container().env?.find((v) => v.name === 'INTERNAL_CALLER_SECRET')?.valueFrom?.secretKeyRef;
      if (app === 'gateway' || app === 'recommender' || app === 'billing')
        expect(ref?.key).toBe('INTERNAL_CALLER_SECRET');
      else expect(ref).toBeUndefined();
      if (app === 'gateway')
        expect(new URL(must(env().get('RECOMMENDER_URL'), 'RECOMMENDER_URL')).port).toBe(
          String(DEFAULT_PORTS.recommender),
        );
    });

    it('sets HTTP_PORT, if at all, to its DEFAULT_PORTS entry', () => {
      const port = env().get('HTTP_PORT');
      if (port !== undefined) expect(port).toBe(String(DEFAULT_PORTS[app]));
    });

    it('probes the health controller: startup and liveness on live, readiness on ready', () => {
      const c = container();
      const probes = { startup: c.startupProbe, liveness: c.livenessProbe, readiness: c.readinessProbe };
      expect(Object.fromEntries(Object.entries(probes).map(([k, p]) => [k, p?.httpGet?.path]))).toEqual({
        startup: LIVE,
        liveness: LIVE,
        readiness: READY,
      });
      for (const probe of Object.values(probes)) {
        expect(resolvePort(c, probe?.httpGet?.port)).toBe(DEFAULT_PORTS[app]);
      }
    });

    it('sets requests and limits, a 30 s grace period and a non-root user', () => {
      const { resources, securityContext } = container();
      expect(resources?.requests).toEqual(
        expect.objectContaining({ cpu: expect.any(String), memory: expect.any(String) }),
      );
      expect(resources?.limits).toEqual(expect.objectContaining({ memory: expect.any(String) }));
      const pod = template().spec;
      expect(pod.terminationGracePeriodSeconds).toBe(30);
      expect(securityContext?.runAsNonRoot ?? pod.securityContext?.runAsNonRoot).toBe(true);
      expect(securityContext?.runAsUser ?? pod.securityContext?.runAsUser).not.toBe(0);
    });

    it('mounts the ReadWriteMany storage claim at STORAGE_DIR when it reads or writes images', () => {
      const pod = template().spec;
      const claims = (pod.volumes ?? []).filter((v) => v.persistentVolumeClaim);
      if (!envKeys(app).includes('STORAGE_DIR')) {
        expect(claims).toEqual([]);
        return;
      }
      const dir = must(env().get('STORAGE_DIR'), 'STORAGE_DIR');
      const mount = must(
        container().volumeMounts?.find((m) => m.mountPath === dir),
        `volumeMount at ${dir}`,
      );
      const claim = must(claims.find((v) => v.name === mount.name)?.persistentVolumeClaim, 'claim').claimName;
      const pvc = must(k8s.named<PersistentVolumeClaim>('PersistentVolumeClaim', claim), `PVC ${claim}`);
      expect(pvc.spec.accessModes).toContain('ReadWriteMany');
    });

    it('refuses the dev identity header under NODE_ENV=production', () => {
      if (!envKeys(app).includes('ALLOW_DEV_USER_HEADER')) return;
      expect(env().get('NODE_ENV')).toBe('production');
      expect(env().get('ALLOW_DEV_USER_HEADER')).toBe('false');
    });

    it('leaves the replica count to its autoscaler', () => {
      // A replicas field would reset the autoscaled count on every kubectl apply.
      expect(deployment(app).spec.replicas).toBeUndefined();
    });
  });

  it('recommender: a vector index the config accepts; hnsw only with its snapshot directory on a writable volume', () => {
    const c = containerOf(deployment('recommender').spec.template, 'recommender');
    const env = k8s.containerEnv(c);
    const index = must(env.get('RECOMMENDER_VECTOR_INDEX'), 'RECOMMENDER_VECTOR_INDEX');
    expect(loadConfig('recommender', { RECOMMENDER_VECTOR_INDEX: index }).env.RECOMMENDER_VECTOR_INDEX).toBe(index);
    if (index !== 'hnsw') return;
    // The root filesystem is read-only: the snapshot needs a mounted volume.
    const dir = must(env.get('RECOMMENDER_VECTOR_INDEX_DIR'), 'RECOMMENDER_VECTOR_INDEX_DIR');
    expect(c.volumeMounts?.some((m) => dir.startsWith(m.mountPath))).toBe(true);
  });

  describe.each(WORKERS)('%s autoscaling', (worker) => {
    it(`scales on the depth of its queue through KEDA`, () => {
      const scaled = k8s.ofKind<ScaledObject>('ScaledObject').filter((s) => s.spec.scaleTargetRef.name === worker);
      expect(scaled).toHaveLength(1);
      const [object] = scaled;
      expect(object.apiVersion).toBe('keda.sh/v1alpha1');
      expect(object.spec.scaleTargetRef.kind ?? 'Deployment').toBe('Deployment');
      // Never to zero: each service also relays its outbox on a timer.
      expect(object.spec.minReplicaCount).toBeGreaterThanOrEqual(1);
      const trigger = must(
        object.spec.triggers.find((t) => t.type === 'rabbitmq'),
        'rabbitmq trigger',
      );
      expect(trigger.metadata.queueName).toBe(topologyNames(meshNamespace(worker), worker).queue);
      expect(trigger.metadata.queueName).toBe(`atelier.${worker}`);
      expect(trigger.metadata.mode).toBe('QueueLength');

      const authName = must(trigger.authenticationRef, 'authenticationRef').name;
      const auth = must(k8s.named<TriggerAuthentication>('TriggerAuthentication', authName), `auth ${authName}`);
      const host = must(
        auth.spec.secretTargetRef?.find((r) => r.parameter === 'host'),
        'host secretTargetRef',
      );
      // The read-only monitor user through the management API, never a service's own login.
      expect(trigger.metadata.protocol).toBe('http');
      expect(host.key).toBe('KEDA_RABBITMQ_URL');
      expect(k8s.keysOf('Secret', host.name)).toContain('KEDA_RABBITMQ_URL');
    });
  });

  it('scales the gateway on CPU with an HPA, not on a queue', () => {
    const hpas = k8s
      .ofKind<HorizontalPodAutoscaler>('HorizontalPodAutoscaler')
      .filter((h) => h.spec.scaleTargetRef.name === 'gateway');
    expect(hpas).toHaveLength(1);
    expect(hpas[0].spec.scaleTargetRef.kind).toBe('Deployment');
    expect(hpas[0].spec.metrics.map((m) => m.resource?.name)).toContain('cpu');
    expect(k8s.ofKind<ScaledObject>('ScaledObject').map((s) => s.spec.scaleTargetRef.name)).not.toContain('gateway');
  });

  it('migrations Job runs dist/scripts/db.js setup from an app image with variables every service accepts', () => {
    const jobs = k8s.ofKind<Job>('Job').filter((j) => j.metadata.name === 'atelier-migrations');
    expect(jobs).toHaveLength(1);
    const template = jobs[0].spec.template;
    const c = must(template.spec.containers[0], 'Job container');
    const argv = [...(c.command ?? []), ...(c.args ?? [])];
    expect(argv).toEqual(expect.arrayContaining(['dist/scripts/db.js', 'setup']));
    expect(SERVICES.map((app) => compose.services[app]?.image)).toContain(c.image);
    expect([...k8s.containerEnv(c).keys()].filter((key) => !COMMON_KEYS.includes(key))).toEqual([]);
    expect(k8s.containerEnv(c).has('DATABASE_ADMIN_URL')).toBe(true);
    expect(c.securityContext?.runAsNonRoot ?? template.spec.securityContext?.runAsNonRoot).toBe(true);
  });

  it('each Deployment logs in to the broker as its own user; the broker-setup Job holds every broker password', () => {
    for (const app of SERVICES) {
      const deployment = must(k8s.named<Deployment>('Deployment', app), `Deployment ${app}`);
      const c = must(deployment.spec.template.spec.containers[0], `${app} container`);
      const ref = c.env?.find((e) => e.name === 'AMQP_URL')?.valueFrom?.secretKeyRef;
      expect(ref).toEqual({ name: 'atelier-secrets', key: `${app.toUpperCase()}_AMQP_URL` });
    }
    const job = must(k8s.named<Job>('Job', 'atelier-broker-setup'), 'Job atelier-broker-setup');
    const c = must(job.spec.template.spec.containers[0], 'broker-setup container');
    expect([...(c.command ?? []), ...(c.args ?? [])]).toEqual([
      'node',
      'dist/scripts/broker-setup.js',
      '--definitions',
      '--apply',
    ]);
    const env = [...k8s.containerEnv(c).keys()].sort();
    expect(env).toEqual(
      [
        'MESH_NAMESPACE',
        'BROKER_MANAGEMENT_URL',
        'BROKER_ADMIN_USER',
        'BROKER_ADMIN_PASSWORD',
        ...[...SERVICES, 'monitor'].map((u) => `BROKER_PASSWORD_${u.toUpperCase()}`),
      ].sort(),
    );
  });

  it('each Deployment reads its own database password from the Secret', () => {
    for (const app of SERVICES) {
      const deployment = must(k8s.named<Deployment>('Deployment', app), `Deployment ${app}`);
      const c = must(deployment.spec.template.spec.containers[0], `${app} container`);
      const ref = c.env?.find((e) => e.name === 'DATABASE_PASSWORD')?.valueFrom?.secretKeyRef;
      expect(ref).toEqual({ name: 'atelier-secrets', key: `${app.toUpperCase()}_DATABASE_PASSWORD` });
    }
  });

  it('the Secret holds only change-me placeholders for the credentials', () => {
    const secret = must(k8s.named('Secret', 'atelier-secrets'), 'Secret atelier-secrets');
    expect(secret.data).toBeUndefined();
    expect(secret.stringData).toEqual({
      ...Object.fromEntries(SERVICES.map((app) => [`${app.toUpperCase()}_DATABASE_PASSWORD`, 'change-me'])),
      DATABASE_ROLE_PASSWORDS: 'change-me',
      DATABASE_ADMIN_URL: 'change-me',
      ...Object.fromEntries(SERVICES.map((app) => [`${app.toUpperCase()}_AMQP_URL`, 'change-me'])),
      ...Object.fromEntries(
        [...SERVICES, 'monitor'].map((user) => [`BROKER_PASSWORD_${user.toUpperCase()}`, 'change-me']),
      ),
      BROKER_MANAGEMENT_URL: 'change-me',
      BROKER_ADMIN_USER: 'change-me',
      BROKER_ADMIN_PASSWORD: 'change-me',
      KEDA_RABBITMQ_URL: 'change-me',
      OPENAI_IMAGES_API_KEY: 'change-me',
      HF_API_TOKEN: 'change-me',
      JWT_SECRET: 'change-me',
      INTERNAL_CALLER_SECRET: 'change-me',
      SMTP_PASSWORD: 'change-me',
    });
  });

  it('README explains the apply order and the KEDA requirement', () => {
    const readme = readFileSync(join(ROOT, 'k8s', 'README.md'), 'utf8');
    expect(readme).toMatch(/apply order/i);
    expect(readme).toContain('KEDA');
    // Every manifest is mentioned, so none is forgotten when applying by hand.
    expect(files.map((f) => f.file).filter((file) => !readme.includes(`k8s/${file}`))).toEqual([]);
  });
});
