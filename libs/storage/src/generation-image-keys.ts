const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SHA256 = /^[0-9a-f]{64}$/;

/**
 * Where a generation's image lives. Namespaced by the generation so that a consumer can tell, from the key alone,
 * whether an event names an image of that generation or someone else's (a forged or buggy completion must not
 * point one user's gallery at another user's picture). A retried delivery rewrites the same key.
 */
export function generationImageKey(generationId: string, sha256: string): string {
  if (!UUID.test(generationId)) throw new RangeError(`not a generation id: ${generationId}`);
  if (!SHA256.test(sha256)) throw new RangeError('not a sha256 hex digest');
  return `images/${generationId.toLowerCase()}/${sha256}.png`;
}

/** True only for a key that `generationImageKey` makes for this generation. */
export function isGenerationImageKey(key: string, generationId: string): boolean {
  const prefix = `images/${generationId.toLowerCase()}/`;
  if (!key.startsWith(prefix)) return false;
  const rest = key.slice(prefix.length);
  return rest.endsWith('.png') && SHA256.test(rest.slice(0, -4));
}
