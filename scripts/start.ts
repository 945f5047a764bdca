/**
 * The main job: set up the database, boot all six services as separate processes against the local
 * PostgreSQL and RabbitMQ, submit one generation through the gateway, print its ranked result and
 * write the images to a folder. `--keep-running` leaves the mesh up afterwards; `--replicas N` (or MESH_REPLICAS)
 * runs N processes per service, each replicated service behind a local load balancer on its usual port.
 *
 *   npm start -- "баннер для кофейни, осень, скидка 20%"
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { provisionAll, migrateAll } from './db';
import { MeshClient } from './mesh/mesh-client';
import { MeshSupervisor } from './mesh/mesh-supervisor';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const keep = args.includes('--keep-running');
  const replicasAt = args.indexOf('--replicas');
  const replicas = replicasAt >= 0 ? Number(args[replicasAt + 1]) : undefined;
  const prompt =
    args.find((a, i) => !a.startsWith('--') && (replicasAt < 0 || i !== replicasAt + 1)) ??
    'баннер для кофейни, осень, скидка 20% 🍂 #кофе https://coffee.example';
  const root = resolve(__dirname, '..', '..');
  const outDir = resolve(process.env.OUT_DIR ?? join(root, 'out'));

  await provisionAll();
  await migrateAll();
  const mesh = new MeshSupervisor({
    env: { STORAGE_DIR: process.env.STORAGE_DIR ?? join(root, 'var', 'storage') },
    logDir: join(root, 'var', 'log'),
    replicas,
  });
  const stop = async () => {
    await mesh.stopAll();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());

  try {
    console.log('starting gateway, billing, enhancer, generator, judge, recommender ...');
    await mesh.startAll();
    console.log(`mesh ready; gateway on ${mesh.url('gateway')} (logs in var/log/)`);

    const client = new MeshClient(mesh.url('gateway'));
    // A real account: register (idempotent across runs: 409 means it exists) and log in for a Bearer token.
    const email = process.env.DEMO_EMAIL ?? `demo-${randomUUID().slice(0, 8)}@atelier.example`;
    const password = process.env.DEMO_PASSWORD ?? `demo ${randomUUID()}`;
    const registered = await client.register(email, password);
    if (registered.status !== 201 && registered.status !== 409) {
      throw new Error(`register failed: HTTP ${registered.status} ${JSON.stringify(registered.body)}`);
    }
    const user = await client.login(email, password);
    console.log(`logged in as ${email}; the web studio is at ${mesh.url('gateway')}/ (API docs at /docs)`);
    const started = Date.now();
    // The creative brief puts text on the images (the procedural backend draws it as typography).
    const creative = args.includes('--no-text') ? undefined : { title: 'КОФЕ', discount: '-20%', price: '190 ₽' };
    const submitted = await client.submit(user, { prompt, n: 4, width: 512, height: 512, seed: 42, creative });
    if (submitted.status !== 202 || !submitted.body.id)
      throw new Error(`submit failed: ${JSON.stringify(submitted.body)}`);
    const result = await client.waitForTerminal(user, submitted.body.id);
    console.log(`\ngeneration ${result.id}: ${result.status} in ${Date.now() - started} ms`);
    console.log(`  prompt:   ${result.prompt}`);
    console.log(`  cleaned:  ${result.cleanedPrompt}`);
    console.log(`  enhanced: ${result.enhancedPrompt}`);
    console.log(
      `  platform/goal: ${result.enhancement?.platform}/${result.enhancement?.goal}; backend ${result.backend}; scorer ${result.scorer?.name}@${result.scorer?.version}`,
    );
    if (result.failure)
      console.log(`  failure: ${result.failure.stage} ${result.failure.code}: ${result.failure.reason}`);
    const dir = join(outDir, result.id);
    mkdirSync(dir, { recursive: true });
    for (const img of result.images) {
      const { bytes } = await client.image(user, result.id, img.rank);
      const file = join(dir, `rank-${img.rank}-image-${img.index}.png`);
      writeFileSync(file, bytes);
      const m = img.metrics;
      console.log(
        `  #${img.rank} image ${img.index} score ${img.score.toFixed(3)} (sharpness ${m.sharpness_n?.toFixed(2)}, contrast ${m.contrast_n?.toFixed(2)}, colourfulness ${m.colourfulness_n?.toFixed(2)}, exposure ${m.exposure_n?.toFixed(2)}) -> ${file}`,
      );
    }
    writeFileSync(join(dir, 'result.json'), JSON.stringify(result, null, 2));
    if (result.status !== 'completed') process.exitCode = 1;
    if (keep) {
      console.log('\nmesh keeps running; Ctrl-C stops it');
      return;
    }
  } catch (err) {
    console.error(err);
    process.exitCode = 1;
  }
  await mesh.stopAll();
}

void main();
