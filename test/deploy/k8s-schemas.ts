import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { K8sObject } from './deploy-files';

/**
 * Schema errors of each object (undefined when valid), from the Kubernetes OpenAPI schemas in kubernetes-models.
 * Those packages are ESM only, which jest's CommonJS runtime cannot load, so one Node child process checks the batch.
 */
export function validateK8sObjects(objects: readonly K8sObject[]): Array<string | undefined> {
  const run = spawnSync(process.execPath, [join(__dirname, 'k8s-schema-check.mjs')], {
    input: JSON.stringify(objects),
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`k8s-schema-check.mjs failed: ${run.stderr}`);
  return (JSON.parse(run.stdout) as Array<string | null>).map((r) => r ?? undefined);
}

export const validateK8sObject = (object: K8sObject): string | undefined => validateK8sObjects([object])[0];
