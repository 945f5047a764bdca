/**
 * npm run broker:setup — one broker user per service on the mesh's vhost, with permissions limited to its own queues
 * and the exchanges it uses, and topic permissions limiting it to the event types it produces (libs/contracts).
 * Idempotent. Env: MESH_NAMESPACE (atelier), BROKER_VHOST (/), BROKER_PASSWORD_<SERVICE> (required in production;
 * otherwise a random one is generated and printed with the AMQP URL to use). Uses rabbitmqctl (run on the broker host,
 * as a user allowed to), so the management plugin is not needed.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { brokerGrants } from '@atelier/messaging';

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

if (require.main === module) {
  const namespace = process.env.MESH_NAMESPACE ?? 'atelier';
  const vhost = process.env.BROKER_VHOST ?? '/';
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
