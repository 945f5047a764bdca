import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';

/** The stylesheets and scripts in `public/`; a page names one of these, never a path. */
export const ASSET_NAMES = [
  'studio.css',
  'studio.js',
  'visual.css',
  'visual-search.js',
  'favicon.svg',
  'billing.css',
  'shop-manage.css',
  'gallery.css',
  'gallery.js',
  'dating.css',
] as const;
export type AssetName = (typeof ASSET_NAMES)[number];

/** Next to this module in dist/: the hashed files (served under /assets/) and the manifest beside them. */
export const BUILT_ASSETS_DIR = join(__dirname, 'public');
export const MANIFEST_FILE = join(__dirname, 'assets-manifest.json');

/** `studio.css` → `studio.<12 hex of sha256>.css`: the name changes whenever the bytes do. */
export function hashedName(name: string, content: Buffer): string {
  const ext = extname(name);
  const hash = createHash('sha256').update(content).digest('hex').slice(0, 12);
  return `${name.slice(0, -ext.length)}.${hash}${ext}`;
}

/** Logical name → served path, checked complete when built so a page can never link a missing asset. */
export class AssetManifest {
  private constructor(private readonly entries: Readonly<Record<AssetName, string>>) {}

  static of(entries: Record<string, string>): AssetManifest {
    const missing = ASSET_NAMES.filter((n) => typeof entries[n] !== 'string' || !/^[\w.-]+$/.test(entries[n] ?? ''));
    if (missing.length) throw new Error(`asset manifest lacks ${missing.join(', ')} (run npm run build)`);
    return new AssetManifest(
      Object.fromEntries(ASSET_NAMES.map((n) => [n, entries[n] ?? ''])) as Record<AssetName, string>,
    );
  }

  /** The manifest the build wrote (startup fails without it). */
  static load(file = MANIFEST_FILE): AssetManifest {
    if (!existsSync(file)) throw new Error(`asset manifest ${file} is missing (run npm run build)`);
    return AssetManifest.of(JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>);
  }

  /** Hashes the source files in memory (unit tests render pages without a build). */
  static fromSources(dir: string): AssetManifest {
    return AssetManifest.of(Object.fromEntries(ASSET_NAMES.map((n) => [n, hashedName(n, readFileSync(join(dir, n)))])));
  }

  path(name: AssetName): string {
    return `/assets/${this.entries[name]}`;
  }
}

/** The build step: every source file under its hashed name plus the manifest; stale hashes are removed. */
export function buildAssets(sourceDir: string, outDir = BUILT_ASSETS_DIR, manifestFile = MANIFEST_FILE): string[] {
  const names = readdirSync(sourceDir).filter((f) => /\.(css|js|svg|ico|png)$/.test(f));
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const manifest: Record<string, string> = {};
  for (const name of names) {
    const content = readFileSync(join(sourceDir, name));
    manifest[name] = hashedName(name, content);
    writeFileSync(join(outDir, manifest[name]), content);
  }
  AssetManifest.of(manifest);
  writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
  return Object.values(manifest);
}
