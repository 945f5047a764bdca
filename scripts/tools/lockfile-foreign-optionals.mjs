#!/usr/bin/env node
// The registry mirror here serves only linux-x64 builds of platform-specific optional packages
// (@swc/core-darwin-arm64 and friends answer 404), so npm writes a lock without them and
// `npm ci` then refuses the lock as out of sync. This adds the missing optional entries with the
// os/cpu their names state, so `npm ci` skips them on this platform as it would anywhere else.
// Run after every `npm install` that changes package-lock.json:  node scripts/tools/lockfile-foreign-optionals.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const path = new URL('../../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
const pkgs = lock.packages;
const OS = {
  darwin: 'darwin',
  win32: 'win32',
  linux: 'linux',
  freebsd: 'freebsd',
  android: 'android',
  openbsd: 'openbsd',
  sunos: 'sunos',
  aix: 'aix',
  netbsd: 'netbsd',
  openharmony: 'openharmony',
  wasm32: null,
  wasi: null,
};
const CPU = [
  'x64',
  'arm64',
  'arm',
  'ia32',
  'ppc64',
  's390x',
  'riscv64',
  'loong64',
  'mips64el',
  'armv7',
  'arm-gnueabihf',
  'arm-musleabihf',
  'wasm32',
];

const guess = (name) => {
  const parts = name.split('/').pop().split('-');
  const os = parts.find((p) => p in OS && OS[p]);
  let cpu = CPU.find((c) => name.includes(`-${c}`));
  if (cpu === 'armv7' || cpu === 'arm-gnueabihf' || cpu === 'arm-musleabihf') cpu = 'arm';
  return { os: os ? [os] : undefined, cpu: cpu && cpu !== 'wasm32' ? [cpu] : undefined };
};

let added = 0;
for (const [key, meta] of Object.entries(pkgs)) {
  for (const [dep, range] of Object.entries(meta.optionalDependencies ?? {})) {
    const nested = `${key ? key + '/' : ''}node_modules/${dep}`;
    if (pkgs[nested] || pkgs[`node_modules/${dep}`]) continue;
    const version = String(range).replace(/^[\^~=]/, '');
    const { os, cpu } = guess(dep);
    pkgs[`node_modules/${dep}`] = {
      version,
      ...(meta.dev ? { dev: true } : {}),
      optional: true,
      ...(os ? { os } : {}),
      ...(cpu ? { cpu } : {}),
    };
    added++;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(pkgs).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))),
);
writeFileSync(path, JSON.stringify(lock, null, 2) + '\n');
console.log(`added ${added} foreign optional entries`);
