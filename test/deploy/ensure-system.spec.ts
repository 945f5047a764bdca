/**
 * scripts/setup/ensure-system.sh, run by `npm test` (pretest), `npm start` (prestart) and .ci/run: a no-op on a
 * machine that has everything, and, for a user who cannot install, the exact commands instead of a cryptic failure.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, readRepoFile } from './deploy-files';

const SCRIPT = join(ROOT, 'scripts', 'setup', 'ensure-system.sh');

describe('scripts/setup/ensure-system.sh', () => {
  it('is wired into pretest, prestart and .ci/run', () => {
    const scripts = (JSON.parse(readRepoFile('package.json')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.pretest).toBe('bash scripts/setup/ensure-system.sh test');
    expect(scripts.prestart).toBe('bash scripts/setup/ensure-system.sh start');
    expect(readRepoFile('.ci/run')).toContain('scripts/setup/ensure-system.sh test');
  });

  it('passes quickly on this machine, where the test lane already runs', () => {
    const started = Date.now();
    const run = spawnSync('bash', [SCRIPT, 'test'], { encoding: 'utf8' });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    // Measured ~0.1–0.9 s (one psql query); generous for a loaded machine.
    expect(Date.now() - started).toBeLessThan(15000);
  });

  it('tells a user without root exactly what to install, and installs nothing', () => {
    // A PATH with only what the script itself needs: chromium, nginx, prometheus look absent.
    const bin = mkdtempSync(join(tmpdir(), 'atelier-bin-'));
    try {
      for (const tool of ['dirname', 'id', 'bash', 'awk']) symlinkSync(`/usr/bin/${tool}`, join(bin, tool));
      // A copy nobody can read even when the checkout sits in a private folder.
      copyFileSync(SCRIPT, join(bin, 'ensure-system.sh'));
      chmodSync(bin, 0o755);
      chmodSync(join(bin, 'ensure-system.sh'), 0o755);
      const asRoot = process.getuid?.() === 0;
      // As root, run as nobody (uid 65534) so the script must explain instead of installing.
      const [cmd, args] = asRoot
        ? [
            '/usr/bin/setpriv',
            [
              '--reuid=65534',
              '--regid=65534',
              '--clear-groups',
              join(bin, 'bash'),
              join(bin, 'ensure-system.sh'),
              'test',
            ],
          ]
        : [join(bin, 'bash'), [join(bin, 'ensure-system.sh'), 'test']];
      const run = spawnSync(cmd, args, { encoding: 'utf8', env: { PATH: bin } });
      expect(run.status).toBe(1);
      expect(run.stderr).toContain("missing system dependencies for 'npm test'");
      expect(run.stderr).toMatch(/apt-get install -y --no-install-recommends .*\bchromium\b/);
      expect(run.stderr).toMatch(/apt-get install .*\bprometheus\b/);
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });

  it('asks for nothing test-only when starting', () => {
    const bin = mkdtempSync(join(tmpdir(), 'atelier-bin-'));
    try {
      for (const tool of ['dirname', 'id', 'bash']) symlinkSync(`/usr/bin/${tool}`, join(bin, tool));
      const run = spawnSync(join(bin, 'bash'), [SCRIPT, 'start'], { encoding: 'utf8', env: { PATH: bin } });
      // The dictionaries are installed here; chromium, nginx and prometheus are not needed to start.
      expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });
});
