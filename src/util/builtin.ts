import { createRequire } from 'node:module';

/**
 * Node built-ins that only some runs need, loaded when first used instead of
 * with the module graph: every start-up pays for each built-in it imports
 * (`crypto` ~5 ms, `https` with TLS ~2.5 ms, `os` ~1.5 ms here),
 * and the time to the first request is what a run's start-up is measured by.
 */
let requireFn: NodeJS.Require | undefined;
// The require function itself is made on first use too: making it was ~0.5 ms of the CLI bundle's top level (CPU profile).
const load = (id: string): unknown => (requireFn ??= createRequire(import.meta.url))(id);

export const nodeHttps = (): typeof import('node:https') => load('node:https') as typeof import('node:https');
export const nodeOs = (): typeof import('node:os') => load('node:os') as typeof import('node:os');
export const nodeCrypto = (): typeof import('node:crypto') => load('node:crypto') as typeof import('node:crypto');

/** sha256 of a text or bytes, as hex. */
export function sha256Hex(data: string | Uint8Array): string {
  return nodeCrypto().createHash('sha256').update(data).digest('hex');
}
