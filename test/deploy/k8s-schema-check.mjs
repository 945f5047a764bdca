// Validates Kubernetes objects against the API schemas shipped by kubernetes-models (and KEDA's CRD schemas from
// @kubernetes-models/keda). ESM only, like those packages, so jest runs it as a child process (k8s-schemas.ts).
// stdin: a JSON array of objects; stdout: a JSON array of error messages or null, in the same order.
const CRD_PACKAGES = { 'keda.sh': '@kubernetes-models/keda' };

async function modelFor(apiVersion, kind) {
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  const pkg = CRD_PACKAGES[group] ?? 'kubernetes-models';
  if (!/^[A-Za-z0-9.]+(\/[A-Za-z0-9]+)?$/.test(apiVersion) || !/^[A-Z][A-Za-z0-9]*$/.test(kind)) return undefined;
  try {
    const mod = await import(`${pkg}/${apiVersion}/${kind}`);
    return mod[kind];
  } catch {
    return undefined;
  }
}

let input = '';
for await (const chunk of process.stdin) input += chunk;
const results = [];
for (const object of JSON.parse(input)) {
  const Model = await modelFor(String(object.apiVersion), String(object.kind));
  if (!Model) {
    results.push(`no schema for ${object.apiVersion} ${object.kind}`);
    continue;
  }
  try {
    new Model(object).validate();
    results.push(null);
  } catch (err) {
    results.push(err instanceof Error ? err.message : String(err));
  }
}
process.stdout.write(JSON.stringify(results));
