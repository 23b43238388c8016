import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { z } from 'zod';
import { UserError } from '../util/errors.js';

/**
 * A source's checksum manifest (`manifests/<source>.json`, built by
 * `scripts/make-manifest.mjs`): where the files come from upstream and what
 * their bytes must hash to at the pinned commit.
 */
const HEX64 = /^[0-9a-f]{64}$/;
const HEX40 = /^[0-9a-f]{40}$/;

export const ManifestFileSchema = z
  .object({
    /** Path in the local layout, relative to `<root>/<source>/`. */
    path: z.string().min(1),
    /** Path upstream, when it differs from `path` (e.g. LICENSE → LICENSE.upstream). */
    upstream: z.string().min(1).optional(),
    size: z.number().int().nonnegative(),
    sha256: z.string().regex(HEX64).optional(),
    /** Git blob id: sha1("blob <size>\0" + bytes), for files pinned by git object id only. */
    git_blob_sha1: z.string().regex(HEX40).optional(),
  })
  .refine((f) => f.sha256 !== undefined || f.git_blob_sha1 !== undefined, { message: 'a file needs sha256 or git_blob_sha1' });

export const ManifestSchema = z.object({
  source: z.string().min(1),
  repo: z.string().regex(/^[^/\s]+\/[^/\s]+$/),
  commit: z.string().regex(HEX40),
  description: z.string().optional(),
  /** The file whose sha256 is the dataset version (the 120th: the dataset JSON). */
  versionFile: z.string().optional(),
  files: z.array(ManifestFileSchema).min(1),
});

export type ManifestFile = z.infer<typeof ManifestFileSchema>;
export type Manifest = z.infer<typeof ManifestSchema>;

/** The committed manifests: `<package>/manifests/` (same depth from src/ and dist/). */
export const MANIFEST_DIR = fileURLToPath(new URL('../../manifests/', import.meta.url));

/** Names of the sources that have a committed manifest. */
export function manifestSources(dir = MANIFEST_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

const loaded = new Map<string, Manifest>();

export function loadManifest(source: string, dir = MANIFEST_DIR): Manifest {
  const key = join(dir, source);
  const hit = loaded.get(key);
  if (hit) return hit;
  const known = manifestSources(dir);
  if (!known.includes(source)) throw new UserError(`unknown data source "${source}"; available: ${known.join(', ')}`);
  const file = join(dir, `${source}.json`);
  const parsed = ManifestSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${file}: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid manifest'}`);
  }
  if (parsed.data.source !== source) throw new Error(`${file}: source is "${parsed.data.source}", expected "${source}"`);
  loaded.set(key, parsed.data);
  return parsed.data;
}

/** The path of a file upstream. */
export function upstreamPath(f: ManifestFile): string {
  return f.upstream ?? f.path;
}

/** True when `ref` names the manifest's pinned commit (full id, or a prefix of at least 7 hex digits). */
export function isPinnedRef(m: Manifest, ref: string): boolean {
  return ref === m.commit || (/^[0-9a-f]{7,40}$/.test(ref) && m.commit.startsWith(ref));
}

/** The raw URL of a file: `<base>/<upstream path>`; base defaults to raw.githubusercontent.com/<repo>/<ref>. */
export function fileUrl(m: Manifest, ref: string, f: ManifestFile, base?: string): string {
  const root = (base ?? `https://raw.githubusercontent.com/${m.repo}/${encodeURIComponent(ref)}`).replace(/\/+$/, '');
  return `${root}/${upstreamPath(f).split('/').map(encodeURIComponent).join('/')}`;
}
