/**
 * A small evaluator of Kubernetes NetworkPolicy semantics (policy/v1 networking.k8s.io), enough to ask of k8s/
 * "may A open a TCP connection to B on port p?" the way a conforming CNI answers it: a pod is isolated in a direction
 * once any policy of that type selects it; then a connection passes if some selecting policy's rule matches the peer
 * and the port, on both the sender's egress and the receiver's ingress side.
 */
import type { K8sObject } from './deploy-files';

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }>;
}

interface PolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string; except?: string[] };
}

interface PolicyPort {
  protocol?: string;
  port?: number | string;
  endPort?: number;
}

interface PolicyRule {
  from?: PolicyPeer[];
  to?: PolicyPeer[];
  ports?: PolicyPort[];
}

export interface NetworkPolicy extends K8sObject {
  spec: {
    podSelector: LabelSelector;
    policyTypes?: Array<'Ingress' | 'Egress'>;
    ingress?: PolicyRule[];
    egress?: PolicyRule[];
  };
}

/** One end of a connection: a pod (namespace, its labels, named ports) or an address outside the cluster. */
export type Endpoint =
  | { pod: { namespace: string; labels: Record<string, string>; namedPorts?: Record<string, number> } }
  | { external: string };

export const matchesSelector = (selector: LabelSelector, labels: Record<string, string>): boolean =>
  Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v) &&
  (selector.matchExpressions ?? []).every((e) => {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    if (e.operator === 'Exists') return has;
    if (e.operator === 'DoesNotExist') return !has;
    const inValues = has && (e.values ?? []).includes(labels[e.key]);
    return e.operator === 'In' ? inValues : !inValues;
  });

// The label every namespace carries since Kubernetes 1.22.
const namespaceLabels = (namespace: string): Record<string, string> => ({ 'kubernetes.io/metadata.name': namespace });

function peerMatches(peer: PolicyPeer, policyNamespace: string, other: Endpoint): boolean {
  if (peer.ipBlock) return 'external' in other; // addresses are not checked: no policy here uses a narrow block
  if (!('pod' in other)) return false;
  const { namespace, labels } = other.pod;
  const nsOk = peer.namespaceSelector
    ? matchesSelector(peer.namespaceSelector, namespaceLabels(namespace))
    : namespace === policyNamespace;
  const podOk = peer.podSelector ? matchesSelector(peer.podSelector, labels) : true;
  return nsOk && podOk;
}

function portMatches(ports: PolicyPort[] | undefined, target: Endpoint, port: number, protocol: string): boolean {
  if (!ports || ports.length === 0) return true;
  return ports.some((p) => {
    if ((p.protocol ?? 'TCP') !== protocol) return false;
    if (p.port === undefined) return true;
    const number = typeof p.port === 'number' ? p.port : 'pod' in target ? target.pod.namedPorts?.[p.port] : undefined;
    if (number === undefined) return false;
    return p.endPort === undefined ? port === number : port >= number && port <= p.endPort;
  });
}

export class NetworkPolicies {
  constructor(private readonly policies: NetworkPolicy[]) {}

  private selecting(pod: Endpoint, type: 'Ingress' | 'Egress'): NetworkPolicy[] {
    if (!('pod' in pod)) return [];
    return this.policies.filter(
      (p) =>
        (p.metadata.namespace ?? 'default') === pod.pod.namespace &&
        matchesSelector(p.spec.podSelector, pod.pod.labels) &&
        // Without policyTypes, Ingress always applies and Egress when egress rules are present.
        (p.spec.policyTypes ?? (p.spec.egress ? ['Ingress', 'Egress'] : ['Ingress'])).includes(type),
    );
  }

  /** Whether `from` may connect to `to` on `port`: egress of the sender and ingress of the receiver both allow it. */
  allows(from: Endpoint, to: Endpoint, port: number, protocol = 'TCP'): boolean {
    const egress = this.selecting(from, 'Egress');
    const egressOk =
      egress.length === 0 ||
      egress.some((p) =>
        (p.spec.egress ?? []).some(
          (rule) =>
            (rule.to === undefined ||
              rule.to.some((peer) => peerMatches(peer, p.metadata.namespace ?? 'default', to))) &&
            portMatches(rule.ports, to, port, protocol),
        ),
      );
    const ingress = this.selecting(to, 'Ingress');
    const ingressOk =
      ingress.length === 0 ||
      ingress.some((p) =>
        (p.spec.ingress ?? []).some(
          (rule) =>
            (rule.from === undefined ||
              rule.from.some((peer) => peerMatches(peer, p.metadata.namespace ?? 'default', from))) &&
            portMatches(rule.ports, to, port, protocol),
        ),
      );
    return egressOk && ingressOk;
  }
}
