import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { EVENTS } from '@atelier/contracts';

const root = resolve(__dirname, '..');

const listFiles = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });

describe('contracts generated from proto/', () => {
  it('are up to date with the .proto files (run `npm run proto:generate` if this fails)', () => {
    const out = mkdtempSync(join(tmpdir(), 'atelier-gen-'));
    try {
      const template = readFileSync(join(root, 'proto', 'buf.gen.yaml'), 'utf8').replace(
        '../libs/contracts/src/gen',
        out,
      );
      const templatePath = join(out, 'buf.gen.yaml');
      writeFileSync(templatePath, template);
      execFileSync(join(root, 'node_modules', '.bin', 'buf'), ['generate', '--template', templatePath], {
        cwd: join(root, 'proto'),
        env: { ...process.env, PATH: `${join(root, 'node_modules', '.bin')}:${process.env.PATH ?? ''}` },
      });
      const committedDir = join(root, 'libs', 'contracts', 'src', 'gen');
      const fresh = listFiles(out)
        .filter((f) => f.endsWith('.ts'))
        .map((f) => relative(out, f))
        .sort();
      const committed = listFiles(committedDir)
        .map((f) => relative(committedDir, f))
        .sort();
      expect(committed).toEqual(fresh);
      for (const file of fresh) {
        expect(`${file}:\n${readFileSync(join(committedDir, file), 'utf8')}`).toBe(
          `${file}:\n${readFileSync(join(out, file), 'utf8')}`,
        );
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('declare every event the mesh routes, in a proto/<service>/v1 package', () => {
    for (const [type, def] of Object.entries(EVENTS)) {
      expect(def.schema.typeName).toMatch(/^(gateway|billing|enhancer|generator|judge|recommender|mesh)\.v1\./);
      expect(def.version).toBeGreaterThanOrEqual(1);
      expect(type).toMatch(/^[a-z]+\.[a-z_]+$/);
    }
  });
});
