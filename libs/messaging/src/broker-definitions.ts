import { createHash, randomBytes } from 'node:crypto';
import { brokerGrants } from './broker-permissions';

/** The subset of RabbitMQ's definitions format (rabbitmqctl import_definitions, `load_definitions`) the mesh uses. */
export interface BrokerDefinitions {
  vhosts: Array<{ name: string }>;
  users: Array<{ name: string; password_hash: string; hashing_algorithm: string; tags: string[] }>;
  permissions: Array<{ user: string; vhost: string; configure: string; write: string; read: string }>;
  topic_permissions: Array<{ user: string; vhost: string; exchange: string; write: string; read: string }>;
}

/** A read-only user for queue-depth autoscaling and dashboards (KEDA, Grafana): sees queues, touches nothing. */
export const monitorUserOf = (namespace: string): string => `${namespace}-monitor`;

/**
 * RabbitMQ's `rabbit_password_hashing_sha256`: base64(salt ‖ sha256(salt ‖ password)) with a 4-byte salt, so a
 * definitions file can create users without ever holding their passwords in clear.
 */
export function rabbitPasswordHash(password: string, salt: Buffer = randomBytes(4)): string {
  const digest = createHash('sha256')
    .update(Buffer.concat([salt, Buffer.from(password, 'utf8')]))
    .digest();
  return Buffer.concat([salt, digest]).toString('base64');
}

/**
 * The broker side of the trust boundary as a definitions file, derived from the contracts like `broker:setup`:
 * the vhost, one user per service with its grants and topic permissions, and the monitor user. Without `passwordOf`
 * the users get an empty hash (they cannot log in until a password is set): the committed template. With it, a file
 * to load at the broker's boot (compose) or to keep in a Secret (k8s).
 */
export function brokerDefinitions(
  namespace: string,
  vhost: string,
  passwordOf?: (user: string) => string,
): BrokerDefinitions {
  const grants = brokerGrants(namespace);
  const monitor = monitorUserOf(namespace);
  const user = (name: string, tags: string[]) => ({
    name,
    password_hash: passwordOf ? rabbitPasswordHash(passwordOf(name)) : '',
    hashing_algorithm: 'rabbit_password_hashing_sha256',
    tags,
  });
  return {
    vhosts: [{ name: vhost }],
    users: [...grants.map((g) => user(g.user, [])), user(monitor, ['monitoring'])],
    permissions: [
      ...grants.map((g) => ({ user: g.user, vhost, configure: g.configure, write: g.write, read: g.read })),
      { user: monitor, vhost, configure: '^$', write: '^$', read: '^$' },
    ],
    topic_permissions: grants.map((g) => ({
      user: g.user,
      vhost,
      exchange: `${namespace}.events`,
      write: g.topicWrite,
      read: g.topicRead,
    })),
  };
}
