/**
 * k8s/ against the Kubernetes API schemas (kubernetes-models: the OpenAPI schemas of each kind, KEDA's CRDs for
 * ScaledObject/TriggerAuthentication), plus the operational rules the schemas cannot express: a disruption budget
 * per Deployment, requests and limits on every container, and who may talk to whom under the NetworkPolicies.
 */
import { SERVICES, type ServiceName } from '@atelier/config';
import { K8sObjects, loadK8s, type Container, type Deployment, type Job, type K8sObject } from './deploy-files';
import { type Endpoint, NetworkPolicies, type NetworkPolicy, matchesSelector } from './network-policy';
import { validateK8sObjects } from './k8s-schemas';

const objects = new K8sObjects(loadK8s().flatMap((f) => f.objects));
const deployments = objects.ofKind<Deployment>('Deployment');

interface PodDisruptionBudget extends K8sObject {
  spec: {
    minAvailable?: number | string;
    maxUnavailable?: number | string;
    selector: { matchLabels: Record<string, string> };
  };
}

const PORTS: Record<ServiceName, number> = Object.fromEntries(
  deployments.map((d) => [d.metadata.name, d.spec.template.spec.containers[0].ports?.[0]?.containerPort ?? 0]),
) as Record<ServiceName, number>;

const pod = (service: ServiceName | 'atelier-migrations'): Endpoint => {
  const template =
    service === 'atelier-migrations'
      ? objects.ofKind<Job>('Job')[0].spec.template
      : deployments.find((d) => d.metadata.name === service)?.spec.template;
  const ports = template?.spec.containers.flatMap((c) => c.ports ?? []) ?? [];
  return {
    pod: {
      namespace: 'atelier',
      labels: template?.metadata?.labels ?? {},
      namedPorts: Object.fromEntries(ports.filter((p) => p.name).map((p) => [p.name, p.containerPort])),
    },
  };
};
const INGRESS_CONTROLLER: Endpoint = {
  pod: { namespace: 'ingress-nginx', labels: { 'app.kubernetes.io/name': 'ingress-nginx' } },
};
const PROMETHEUS: Endpoint = { pod: { namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'prometheus' } } };
const OTHER_TENANT: Endpoint = { pod: { namespace: 'default', labels: { app: 'anything' } } };
const KUBE_DNS: Endpoint = { pod: { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } } };
const POSTGRES: Endpoint = { external: '10.0.0.5' };
const RABBITMQ: Endpoint = { external: '10.0.0.6' };
const INTERNET: Endpoint = { external: '203.0.113.7' };

describe('k8s manifests', () => {
  it('every object validates against its Kubernetes (or KEDA CRD) schema', () => {
    const errors = validateK8sObjects(objects.all);
    const failures = objects.all
      .map((o, i) => ({ object: `${o.kind}/${o.metadata.name}`, error: errors[i] }))
      .filter((r) => r.error !== undefined);
    expect(failures).toEqual([]);
    expect(objects.all.length).toBeGreaterThan(20);
  });

  it('the schema check rejects what the API server would reject', () => {
    const gateway = deployments.find((d) => d.metadata.name === 'gateway') as Deployment;
    const broken = (mutate: (d: Record<string, unknown>) => void): K8sObject => {
      const copy = structuredClone(gateway) as unknown as Record<string, unknown>;
      mutate(copy);
      return copy as unknown as K8sObject;
    };
    type Spec = { template: { spec: { containers: Array<Record<string, unknown>> } }; replicas?: unknown };
    // A string where an integer belongs, a container without its required name, an unknown kind.
    const [valid, replicas, nameless, unknown] = validateK8sObjects([
      gateway,
      broken((d) => ((d.spec as Spec).replicas = 'two')),
      broken((d) => delete (d.spec as Spec).template.spec.containers[0].name),
      { ...gateway, kind: 'Deploymnet' },
    ]);
    expect(valid).toBeUndefined();
    expect(replicas).toMatch(/replicas must be integer/);
    expect(nameless).toMatch(/must have required property 'name'|required property name/);
    expect(unknown).toMatch(/no schema/);
  });

  it('has a PodDisruptionBudget per Deployment that selects its pods and never blocks a drain', () => {
    const pdbs = objects.ofKind<PodDisruptionBudget>('PodDisruptionBudget');
    expect(pdbs.map((p) => p.metadata.name).sort()).toEqual([...SERVICES].sort());
    for (const d of deployments) {
      const selecting = pdbs.filter((p) => matchesSelector(p.spec.selector, d.spec.template.metadata?.labels ?? {}));
      expect({ deployment: d.metadata.name, budgets: selecting.length }).toEqual({
        deployment: d.metadata.name,
        budgets: 1,
      });
      const [pdb] = selecting;
      // Workers may run one replica (KEDA minimum 1): minAvailable 1 there would forbid every voluntary eviction.
      if (d.metadata.name === 'gateway') expect(pdb.spec.minAvailable).toBe(1);
      else expect(pdb.spec.maxUnavailable).toBe(1);
    }
    const hpa = objects.ofKind<K8sObject & { spec: { minReplicas?: number } }>('HorizontalPodAutoscaler')[0];
    expect(hpa.spec.minReplicas).toBeGreaterThan(1);
  });

  it('sets CPU and memory requests and limits on every container, requests within limits', () => {
    const toBytes = (q: string): number => {
      const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|m)?$/.exec(q);
      if (!m) throw new Error(`unexpected quantity ${q}`);
      const unit = { Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, m: 0.001 }[m[2] ?? ''] ?? 1;
      return Number(m[1]) * unit;
    };
    const containers: Array<[string, Container]> = [
      ...deployments.flatMap((d) =>
        d.spec.template.spec.containers.map((c): [string, Container] => [d.metadata.name, c]),
      ),
      ...objects
        .ofKind<Job>('Job')
        .flatMap((j) => j.spec.template.spec.containers.map((c): [string, Container] => [j.metadata.name, c])),
    ];
    for (const [owner, c] of containers) {
      for (const resource of ['cpu', 'memory']) {
        const request = c.resources?.requests?.[resource];
        const limit = c.resources?.limits?.[resource];
        expect({ owner, resource, request: request !== undefined, limit: limit !== undefined }).toEqual({
          owner,
          resource,
          request: true,
          limit: true,
        });
        expect(toBytes(request as string)).toBeLessThanOrEqual(toBytes(limit as string));
      }
    }
  });

  describe('NetworkPolicies', () => {
    const policies = new NetworkPolicies(objects.ofKind<NetworkPolicy>('NetworkPolicy'));

    it('let the ingress controller reach the gateway and nothing else', () => {
      for (const s of SERVICES) {
        expect({ s, open: policies.allows(INGRESS_CONTROLLER, pod(s), PORTS[s]) }).toEqual({
          s,
          open: s === 'gateway',
        });
        expect({ s, open: policies.allows(OTHER_TENANT, pod(s), PORTS[s]) }).toEqual({ s, open: false });
      }
    });

    it('let services reach PostgreSQL, RabbitMQ and DNS, and nothing else but gateway → recommender', () => {
      for (const s of [...SERVICES, 'atelier-migrations'] as const) {
        expect({ s, pg: policies.allows(pod(s), POSTGRES, 5432), mq: policies.allows(pod(s), RABBITMQ, 5672) }).toEqual(
          {
            s,
            pg: true,
            mq: true,
          },
        );
        expect({ s, dns: policies.allows(pod(s), KUBE_DNS, 53, 'UDP') }).toEqual({ s, dns: true });
        expect({ s, internet: policies.allows(pod(s), INTERNET, 443) }).toEqual({ s, internet: false });
        for (const t of SERVICES) {
          if (t === s) continue;
          const allowed = s === 'gateway' && t === 'recommender';
          expect({ from: s, to: t, open: policies.allows(pod(s), pod(t), PORTS[t]) }).toEqual({
            from: s,
            to: t,
            open: allowed,
          });
        }
      }
    });

    it('let Prometheus in the monitoring namespace scrape every service', () => {
      for (const s of SERVICES) {
        expect({ s, scrape: policies.allows(PROMETHEUS, pod(s), PORTS[s]) }).toEqual({ s, scrape: true });
      }
      // ...only on the HTTP port.
      expect(policies.allows(PROMETHEUS, pod('billing'), 5432)).toBe(false);
    });
  });
});
