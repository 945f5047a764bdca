/**
 * `node --require dist/scripts/bench/cpu-profile-preload.js` (set through NODE_OPTIONS, where `--cpu-prof` is not
 * allowed): samples the process with the inspector's CPU profiler and writes CPU_PROFILE_DIR/<pid>.cpuprofile
 * when it exits. Used by `npm run bench:gateway -- --cpu-prof <dir>` on the gateway process.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';

// A bench tool, not a service: it reads its one setting straight from the environment the bench gives it.
const dir = process.env.CPU_PROFILE_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 500 });
  session.post('Profiler.start');
  // In-thread inspector sessions answer synchronously, so the profile is written before the process ends.
  process.on('exit', () => {
    session.post('Profiler.stop', (err, result) => {
      if (err) return;
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
