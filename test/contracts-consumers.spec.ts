import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SERVICES } from '@atelier/config';
import { EVENTS, EVENT_CONSUMERS, type EventType } from '@atelier/contracts';

const ROOT = resolve(__dirname, '..');

const sources = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') && !name.endsWith('.spec.ts') ? [path] : [];
  });

/** The event types an app's handlers subscribe to, read from its `@EventPattern` decorators. */
const consumedBy = (service: string): Set<string> =>
  new Set(
    sources(join(ROOT, 'apps', service, 'src')).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/@EventPattern(?:<EventType>)?\(\s*'([a-z_.]+)'/g)].map((m) => m[1]),
    ),
  );

describe('EVENT_CONSUMERS (the event catalogue) matches the handlers', () => {
  it.each([...SERVICES])('%s consumes exactly the events declared for it', (service) => {
    const declared = (Object.keys(EVENTS) as EventType[]).filter((t) =>
      (EVENT_CONSUMERS[t] as readonly string[]).includes(service),
    );
    expect([...consumedBy(service)].sort()).toEqual(declared.sort());
  });
});
