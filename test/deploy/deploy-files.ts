/**
 * Loaders for the deployment files checked by deployment-files.spec.ts: docker-compose.yml, k8s/*.yaml,
 * nginx/nginx.conf, the Dockerfile. Types describe only the fields the checks read.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

export const ROOT = resolve(__dirname, '..', '..');

export const readRepoFile = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

// ---------------------------------------------------------------- docker compose

export interface ComposeService {
  image?: string;
  build?: string | { context?: string; dockerfile?: string; args?: Record<string, string> };
  command?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string | string[]; disable?: boolean };
  volumes?: string[];
  ports?: string[];
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

export function loadCompose(): ComposeFile {
  // Compose resolves `<<:` merge keys; so must the parser, or the shared x-app blocks would be lost.
  const raw: unknown = parse(readRepoFile('docker-compose.yml'), { merge: true });
  if (!isRecord(raw) || !isRecord(raw.services)) throw new Error('docker-compose.yml has no services map');
  return raw as unknown as ComposeFile;
}

/** Environment of a compose service in either of compose's two notations, values as strings. */
export function composeEnv(service: ComposeService): Record<string, string> {
  const env = service.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((entry) => {
        const eq = entry.indexOf('=');
        return eq < 0 ? [entry, ''] : [entry.slice(0, eq), entry.slice(eq + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(env).map(([key, value]) => [key, value === null ? '' : String(value)]));
}

export function composeDependsOn(service: ComposeService): Record<string, string | undefined> {
  const deps = service.depends_on ?? {};
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((name) => [name, undefined]));
  return Object.fromEntries(Object.entries(deps).map(([name, dep]) => [name, dep.condition]));
}

export const healthcheckText = (service: ComposeService): string => {
  const test = service.healthcheck?.test ?? '';
  return Array.isArray(test) ? test.join(' ') : test;
};

// ---------------------------------------------------------------- kubernetes

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: unknown;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

interface KeyRef {
  name: string;
  key: string;
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: KeyRef; configMapKeyRef?: KeyRef };
}

export interface EnvFromSource {
  prefix?: string;
  configMapRef?: { name: string };
  secretRef?: { name: string };
}

export interface Probe {
  httpGet?: { path: string; port: number | string };
}

export interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  ports?: Array<{ name?: string; containerPort: number }>;
  env?: EnvVar[];
  envFrom?: EnvFromSource[];
  startupProbe?: Probe;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
  volumeMounts?: Array<{ name: string; mountPath: string }>;
}

export interface PodSpec {
  containers: Container[];
  restartPolicy?: string;
  terminationGracePeriodSeconds?: number;
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
  volumes?: Array<{ name: string; persistentVolumeClaim?: { claimName: string } }>;
}

export interface PodTemplate {
  metadata?: { labels?: Record<string, string> };
  spec: PodSpec;
}

export interface Deployment extends K8sObject {
  spec: { replicas?: number; selector: { matchLabels: Record<string, string> }; template: PodTemplate };
}

export interface Service extends K8sObject {
  spec: {
    type?: string;
    selector: Record<string, string>;
    ports: Array<{ name?: string; port: number; targetPort?: number | string }>;
  };
}

export interface Job extends K8sObject {
  spec: { template: PodTemplate };
}

export interface PersistentVolumeClaim extends K8sObject {
  spec: { accessModes: string[] };
}

export interface ScaledObject extends K8sObject {
  spec: {
    scaleTargetRef: { name: string; kind?: string };
    minReplicaCount?: number;
    triggers: Array<{ type: string; metadata: Record<string, string>; authenticationRef?: { name: string } }>;
  };
}

export interface TriggerAuthentication extends K8sObject {
  spec: { secretTargetRef?: Array<{ parameter: string; name: string; key: string }> };
}

export interface HorizontalPodAutoscaler extends K8sObject {
  spec: {
    scaleTargetRef: { kind: string; name: string };
    minReplicas?: number;
    metrics: Array<{ type: string; resource?: { name: string } }>;
  };
}

export interface K8sFile {
  file: string;
  objects: K8sObject[];
  errors: string[];
}

/** Every k8s/*.yaml, all documents of each. */
export function loadK8s(): K8sFile[] {
  const dir = join(ROOT, 'k8s');
  return readdirSync(dir)
    .filter((file) => file.endsWith('.yaml') || file.endsWith('.yml'))
    .sort()
    .map((file) => {
      const objects: K8sObject[] = [];
      const errors: string[] = [];
      for (const doc of parseAllDocuments(readFileSync(join(dir, file), 'utf8'))) {
        errors.push(...doc.errors.map((e) => e.message));
        const value: unknown = doc.toJS();
        if (value === null || value === undefined) continue;
        if (!isRecord(value) || typeof value.kind !== 'string' || !isRecord(value.metadata)) {
          errors.push('document without kind or metadata');
          continue;
        }
        objects.push(value as unknown as K8sObject);
      }
      return { file, objects, errors };
    });
}

export class K8sObjects {
  constructor(readonly all: K8sObject[]) {}

  ofKind<T extends K8sObject>(kind: string): T[] {
    return this.all.filter((o) => o.kind === kind) as T[];
  }

  named<T extends K8sObject>(kind: string, name: string): T | undefined {
    return this.ofKind<T>(kind).find((o) => o.metadata.name === name);
  }

  /** Keys a ConfigMap or Secret provides (data and stringData). */
  keysOf(kind: 'ConfigMap' | 'Secret', name: string): string[] | undefined {
    const source = this.named(kind, name);
    return source && [...Object.keys(source.data ?? {}), ...Object.keys(source.stringData ?? {})];
  }

  /**
   * The variables a container gets: name -> literal value (ConfigMap values included), or undefined when the
   * value comes from a Secret. Throws on a reference to a missing ConfigMap, Secret or key.
   */
  containerEnv(container: Container): Map<string, string | undefined> {
    const env = new Map<string, string | undefined>();
    for (const from of container.envFrom ?? []) {
      const [kind, name] = from.configMapRef
        ? (['ConfigMap', from.configMapRef.name] as const)
        : (['Secret', from.secretRef?.name ?? ''] as const);
      const source = this.named(kind, name);
      if (!source) throw new Error(`${container.name}: envFrom ${kind} "${name}" is not defined in k8s/`);
      const values = kind === 'ConfigMap' ? (source.data ?? {}) : {};
      for (const key of this.keysOf(kind, name) ?? []) env.set(`${from.prefix ?? ''}${key}`, values[key]);
    }
    for (const v of container.env ?? []) {
      const ref = v.valueFrom?.secretKeyRef ?? v.valueFrom?.configMapKeyRef;
      if (ref) {
        const kind = v.valueFrom?.secretKeyRef ? 'Secret' : 'ConfigMap';
        if (!this.keysOf(kind, ref.name)?.includes(ref.key)) {
          throw new Error(`${container.name}: ${v.name} refers to missing ${kind} key ${ref.name}/${ref.key}`);
        }
        env.set(v.name, kind === 'ConfigMap' ? this.named(kind, ref.name)?.data?.[ref.key] : undefined);
      } else {
        env.set(v.name, v.value);
      }
    }
    return env;
  }
}

// ---------------------------------------------------------------- health controller

/** The paths HealthController serves, read from its decorators so the checks follow the code. */
export function healthControllerPaths(): string[] {
  const source = readRepoFile('libs/service-kit/src/health.controller.ts');
  const prefix = /@Controller\(\s*['"`]([^'"`]*)['"`]\s*\)/.exec(source)?.[1] ?? '';
  return [...source.matchAll(/@Get\(\s*['"`]([^'"`]*)['"`]\s*\)/g)].map((m) =>
    `/${[prefix, m[1]].filter(Boolean).join('/')}`.replace(/\/+/g, '/'),
  );
}

// ---------------------------------------------------------------- nginx

export interface NginxBlock {
  /** Simple directives, each as [name, ...args]. */
  directives: string[][];
  /** Block directives (events, http, server, location ...), with their header as [name, ...args]. */
  blocks: Array<{ header: string[]; body: NginxBlock }>;
}

/** Tokens of nginx's config syntax: words, quoted strings (unquoted), and the punctuation { } ;. */
function nginxTokens(text: string): string[] {
  const tokens: string[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) i++;
    else if (c === '#') while (i < text.length && text[i] !== '\n') i++;
    else if (c === '{' || c === '}' || c === ';') tokens.push(text[i++]);
    else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < text.length && text[j] !== c) j += text[j] === '\\' ? 2 : 1;
      tokens.push(text.slice(i + 1, j));
      i = j + 1;
    } else {
      let j = i;
      while (j < text.length && !/[\s{};]/.test(text[j])) j++;
      tokens.push(text.slice(i, j));
      i = j;
    }
  }
  return tokens;
}

export function parseNginxConf(text: string): NginxBlock {
  const tokens = nginxTokens(text);
  let pos = 0;
  const block = (): NginxBlock => {
    const out: NginxBlock = { directives: [], blocks: [] };
    let words: string[] = [];
    while (pos < tokens.length) {
      const t = tokens[pos++];
      if (t === ';') {
        out.directives.push(words);
        words = [];
      } else if (t === '{') {
        out.blocks.push({ header: words, body: block() });
        words = [];
      } else if (t === '}') {
        return out;
      } else {
        words.push(t);
      }
    }
    return out;
  };
  return block();
}

export const nginxChild = (block: NginxBlock, ...header: string[]): NginxBlock | undefined =>
  block.blocks.find((b) => header.every((word, i) => b.header[i] === word))?.body;

export const nginxDirectives = (block: NginxBlock, name: string): string[][] =>
  block.directives.filter((d) => d[0] === name);

/** The nginx binary on PATH or in the usual sbin directories (not on PATH for non-root users on Debian). */
export function findNginx(): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/usr/local/nginx/sbin'];
  return dirs
    .filter(Boolean)
    .map((dir) => resolve(dir, 'nginx'))
    .find((path) => existsSync(path));
}

// ---------------------------------------------------------------- Dockerfile

export interface DockerInstruction {
  keyword: string;
  args: string;
  /** 0-based index of the stage (FROM) the instruction belongs to. */
  stage: number;
}

/** Instructions of a Dockerfile with line continuations joined and comments dropped. */
export function parseDockerfile(text: string): DockerInstruction[] {
  const joined = text
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n/g, ' ');
  let stage = -1;
  return joined
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [, keyword, args] = /^(\S+)\s*(.*)$/.exec(line) ?? ['', line, ''];
      if (keyword.toUpperCase() === 'FROM') stage++;
      return { keyword: keyword.toUpperCase(), args: args.trim(), stage };
    });
}
