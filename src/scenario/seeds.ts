// One scenario seed drives everything random; each consumer gets its own stream derived from it by name,
// so adding a consumer never changes the numbers another one draws.

/** FNV-1a over the seed and the label, as an unsigned 32-bit seed. */
export function deriveSeed(seed: number, label: string): number {
  let hash = 0x811c9dc5;
  const text = `${seed >>> 0}:${label}`;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}
