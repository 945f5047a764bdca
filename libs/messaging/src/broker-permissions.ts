import { RPCS, eventsProducedBy, type ProducerService } from '@atelier/contracts';
import { brokerUserOf } from './broker-identity';

export const MESH_SERVICES: readonly ProducerService[] = [
  'gateway',
  'billing',
  'enhancer',
  'generator',
  'judge',
  'recommender',
];

const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');

/** One broker user's grants on the mesh's vhost (rabbitmqctl set_permissions / set_topic_permissions). */
export interface BrokerGrant {
  user: string;
  service: ProducerService;
  /** Regexes over resource names: its own queues and the exchanges it uses. */
  configure: string;
  write: string;
  read: string;
  /** Topic permission on `<ns>.events`: the routing keys (event types) it may publish. */
  topicWrite: string;
  topicRead: string;
}

/**
 * What each service may do on the broker, derived from the contracts: declare/consume only its own queues
 * (`<ns>.<service>`, its retry and dead-letter queues, its rpc queue), use the events and rpc exchanges, and publish
 * on the events exchange only the event types it produces. (Writes through the default exchange — retries, dead
 * letters, RPC replies — are addressed to queues; consumers' producer check refuses a forged event sent that way.)
 */
export function brokerGrants(namespace: string): BrokerGrant[] {
  const ns = esc(namespace);
  const exchanges = `${ns}\\.events|${ns}\\.rpc`;
  return MESH_SERVICES.map((service) => {
    const own = `${ns}\\.${esc(service)}(\\..+)?`;
    const produced = eventsProducedBy(service).map(esc);
    return {
      user: brokerUserOf(namespace, service),
      service,
      configure: `^(${own}|${exchanges})$`,
      write: `^(${own}|${exchanges}|amq\\.default)$`,
      read: `^(${own}|${exchanges}|amq\\.rabbitmq\\.reply-to.*)$`,
      // An empty alternation would match nothing but is not valid everywhere: a never-matching key instead.
      topicWrite: produced.length > 0 ? `^(${produced.join('|')})$` : '^$',
      topicRead: '.*',
    };
  });
}

/** Calls each service may make (for docs and the definitions check): RPC names by caller. */
export const callsBy = (service: ProducerService): string[] =>
  Object.entries(RPCS)
    .filter(([, def]) => def.callers.includes(service))
    .map(([name]) => name);
