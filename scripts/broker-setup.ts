/**
 * npm run broker:setup — one broker user per service on the mesh's vhost, with permissions limited to its own queues
 * and the exchanges it uses, and topic permissions limiting it to the event types it produces (libs/contracts).
 * Idempotent. Env: MESH_NAMESPACE (atelier), BROKER_VHOST (/), BROKER_PASSWORD_<SERVICE> (required in production;
 * otherwise a random one is generated and printed with the AMQP URL to use). Uses rabbitmqctl (run on the broker host,
 * as a user allowed to), so the management plugin is not needed.
 *   --definitions [--template] [--out FILE | --apply]  instead writes the same grants as a RabbitMQ definitions file
 *   (see ops/rabbitmq/README.md): password hashes from BROKER_PASSWORD_*, or none with --template; --apply loads
 *   it through the management API (compose and k8s set-up jobs).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { brokerDefinitions, brokerGrants, type BrokerDefinitions } from '@atelier/messaging';

const ctl = (...args: string[]): string => execFileSync('rabbitmqctl', ['-q', ...args], { encoding: 'utf8' });

export function setupBroker(
  namespace: string,
  vhost: string,
  passwordOf: (service: string) => string,
): Array<{ service: string; user: string; password: string }> {
  if (!ctl('list_vhosts', 'name').split('\n').includes(vhost)) ctl('add_vhost', vhost);
  const users = new Set(
    ctl('list_users')
      .split('\n')
      .map((l) => l.split('\t')[0]),
  );
  const out: Array<{ service: string; user: string; password: string }> = [];
  for (const g of brokerGrants(namespace)) {
    const password = passwordOf(g.service);
    // `--` ends the options: a random password may start with "-" (base64url), which rabbitmqctl would parse as a flag.
    if (users.has(g.user)) ctl('change_password', '--', g.user, password);
    else ctl('add_user', '--', g.user, password);
    ctl('set_permissions', '-p', vhost, g.user, g.configure, g.write, g.read);
    ctl('set_topic_permissions', '-p', vhost, g.user, `${namespace}.events`, g.topicWrite, g.topicRead);
    out.push({ service: g.service, user: g.user, password });
  }
  return out;
}

/** BROKER_PASSWORD_<SERVICE> (and BROKER_PASSWORD_MONITOR) by broker user name. */
const passwordFromEnv =
  (namespace: string) =>
  (user: string): string => {
    const key = `BROKER_PASSWORD_${user.slice(namespace.length + 1).toUpperCase()}`;
    const given = process.env[key];
    if (!given) throw new Error(`${key} must be set to write a definitions file with passwords`);
    return given;
  };

/**
 * Loads definitions through the management HTTP API (POST /api/definitions), as an administrator of the broker:
 * BROKER_MANAGEMENT_URL (http://rabbitmq:15672), BROKER_ADMIN_USER, BROKER_ADMIN_PASSWORD. Used by the compose
 * and k8s set-up jobs, which cannot run rabbitmqctl on the broker's host.
 */
export async function applyDefinitions(defs: BrokerDefinitions, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const base = env.BROKER_MANAGEMENT_URL ?? 'http://127.0.0.1:15672';
  const user = env.BROKER_ADMIN_USER;
  const password = env.BROKER_ADMIN_PASSWORD;
  if (!user || !password)
    throw new Error('BROKER_ADMIN_USER and BROKER_ADMIN_PASSWORD must be set to apply definitions');
  const auth = Buffer.from(`${user}:${password}`).toString('base64');
  // The broker may still be starting (compose starts this job once it answers pings): a few tries.
  for (let attempt = 1; ; attempt++) {
    const res = await fetch(new URL('/api/definitions', base), {
      method: 'POST',
      headers: { authorization: `Basic ${auth}`, 'content-type': 'application/json' },
      body: JSON.stringify(defs),
    }).catch((err: Error) => err);
    if (!(res instanceof Error) && res.ok) return;
    if (!(res instanceof Error) && res.status < 500) throw new Error(`${base}: HTTP ${res.status} ${await res.text()}`);
    if (attempt >= 10) throw new Error(`${base}: ${res instanceof Error ? res.message : `HTTP ${res.status}`}`);
    await new Promise((r) => setTimeout(r, 1000 * attempt));
  }
}

if (require.main === module) {
  const namespace = process.env.MESH_NAMESPACE ?? 'atelier';
  const vhost = process.env.BROKER_VHOST ?? '/';
  const args = process.argv.slice(2);
  if (args.includes('--definitions')) {
    // --template: the committed file (users without passwords); otherwise hashes of BROKER_PASSWORD_* (never clear).
    const out = args.includes('--out') ? args[args.indexOf('--out') + 1] : undefined;
    const defs = brokerDefinitions(
      namespace,
      vhost,
      args.includes('--template') ? undefined : passwordFromEnv(namespace),
    );
    const text = `${JSON.stringify(defs, null, 2)}\n`;
    if (args.includes('--apply')) {
      applyDefinitions(defs).then(
        () => console.log(`broker definitions applied: ${defs.users.length} users on vhost ${vhost}`),
        (err: Error) => {
          console.error(err.message);
          process.exit(1);
        },
      );
    } else if (out) writeFileSync(out, text, { mode: 0o600 });
    else process.stdout.write(text);
  } else {
    const production = process.env.NODE_ENV === 'production';
    const host = process.env.BROKER_HOST ?? '127.0.0.1:5672';
    const users = setupBroker(namespace, vhost, (service) => {
      const given = process.env[`BROKER_PASSWORD_${service.toUpperCase()}`];
      if (given) return given;
      if (production) throw new Error(`BROKER_PASSWORD_${service.toUpperCase()} must be set in production`);
      return randomBytes(18).toString('base64url');
    });
    for (const u of users) {
      const v = vhost === '/' ? '' : encodeURIComponent(vhost);
      const shown = process.env[`BROKER_PASSWORD_${u.service.toUpperCase()}`] ? '<from env>' : u.password;
      console.log(`${u.service}: AMQP_URL=amqp://${u.user}:${shown}@${host}/${v}`);
    }
  }
}
