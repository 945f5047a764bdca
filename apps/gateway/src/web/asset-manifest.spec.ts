import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Script } from 'node:vm';
import { ASSET_NAMES, AssetManifest, buildAssets, hashedName } from './asset-manifest';

const SOURCES = join(__dirname, 'public');

describe('asset manifest', () => {
  let out: string;
  beforeEach(() => (out = mkdtempSync(join(tmpdir(), 'assets-'))));
  afterEach(() => rmSync(out, { recursive: true, force: true }));

  it('writes every source under a 12-hex content hash and a manifest that resolves them', () => {
    const manifestFile = join(out, 'assets-manifest.json');
    buildAssets(SOURCES, join(out, 'public'), manifestFile);
    const manifest = AssetManifest.load(manifestFile);
    for (const name of ASSET_NAMES) {
      const path = manifest.path(name);
      expect(path).toMatch(/^\/assets\/[\w-]+\.[0-9a-f]{12}\.\w+$/);
      const file = path.replace('/assets/', '');
      expect(readFileSync(join(out, 'public', file))).toEqual(readFileSync(join(SOURCES, name)));
    }
    expect(readdirSync(join(out, 'public'))).not.toContain('assets-manifest.json');
    expect(AssetManifest.fromSources(SOURCES).path('studio.css')).toBe(manifest.path('studio.css'));
  });

  it('changes the name when the bytes change', () => {
    expect(hashedName('a.css', Buffer.from('x'))).not.toBe(hashedName('a.css', Buffer.from('y')));
  });

  it('refuses a manifest with a missing entry, and a missing manifest', () => {
    expect(() => AssetManifest.of({ 'studio.css': 'studio.0123456789ab.css' })).toThrow(/lacks .*studio\.js/);
    expect(() => AssetManifest.load(join(out, 'nope.json'))).toThrow(/missing/);
  });

  it('ships scripts that parse and keep their regular expressions intact', () => {
    for (const name of ASSET_NAMES.filter((n) => n.endsWith('.js'))) {
      expect(() => new Script(readFileSync(join(SOURCES, name), 'utf8'))).not.toThrow();
    }
    const visual = readFileSync(join(SOURCES, 'visual-search.js'), 'utf8');
    expect(visual).toContain(String.raw`/\{(\w+)\}/g`);
    expect(visual).toContain(String.raw`/^image\//`);
  });
});
