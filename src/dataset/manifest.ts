import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { packagePath } from '../util/package-root.js';
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

/**
 * The parts of a source a pull may leave out, each a path prefix: `images`
 * (needed only for --image-mode vision) and `results` (published model outputs,
 * for ranking against the published leaderboard). Every other file is `data`
 * (questions, answer key, licence), which every pull installs.
 */
export const OPTIONAL_PARTS = ['images', 'results'] as const;
export type OptionalPart = (typeof OPTIONAL_PARTS)[number];
export type Part = 'data' | OptionalPart;

const PartSchema = z.object({
  prefix: z.string().regex(/^[^/].*\/$/, 'a folder prefix ending in "/"'),
  /** What the part holds, in words (shown by `dataset info`). */
  about: z.string(),
});

export const ManifestSchema = z.object({
  source: z.string().min(1),
  repo: z.string().regex(/^[^/\s]+\/[^/\s]+$/),
  commit: z.string().regex(HEX40),
  description: z.string().optional(),
  /** The file whose sha256 is the dataset version (the 120th: the dataset JSON). */
  versionFile: z.string().optional(),
  parts: z.object({ images: PartSchema.optional(), results: PartSchema.optional() }).strict().optional(),
  files: z.array(ManifestFileSchema).min(1),
});

export type ManifestFile = z.infer<typeof ManifestFileSchema>;
export type Manifest = z.infer<typeof ManifestSchema>;
export type PartSpec = z.infer<typeof PartSchema>;

/** The committed manifests: `<package>/manifests/`. */
const manifestDir = (): string => packagePath('manifests');

/** Names of the sources that have a committed manifest. */
export function manifestSources(dir = manifestDir()): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

const loaded = new Map<string, Manifest>();

export function loadManifest(source: string, dir = manifestDir()): Manifest {
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

/** Which part a file belongs to (by the manifest's part prefixes; `data` when none matches). */
export function partOf(m: Manifest, f: ManifestFile): Part {
  return OPTIONAL_PARTS.find((p) => m.parts?.[p] && f.path.startsWith(m.parts[p].prefix)) ?? 'data';
}

/** Which optional parts a pull installs besides the data. */
export type PartChoice = Readonly<Record<OptionalPart, boolean>>;

/** The files a pull with `choice` installs, in manifest order. */
export function selectFiles(m: Manifest, choice: PartChoice): ManifestFile[] {
  return m.files.filter((f) => {
    const part = partOf(m, f);
    return part === 'data' || choice[part];
  });
}

/** The path of a file upstream. */
export function upstreamPath(f: ManifestFile): string {
  return f.upstream ?? f.path;
}

/** True when `ref` names the manifest's pinned commit (full id, or a prefix of at least 7 hex digits). */
export function isPinnedRef(m: Manifest, ref: string): boolean {
  return ref === m.commit || (/^[0-9a-f]{7,40}$/.test(ref) && m.commit.startsWith(ref));
}

const joinUrl = (base: string, path: string) => `${base.replace(/\/+$/, '')}/${path.split('/').map(encodeURIComponent).join('/')}`;

/** The raw URL of a file: `<base>/<upstream path>`; base defaults to raw.githubusercontent.com/<repo>/<ref>. */
export function fileUrl(m: Manifest, ref: string, f: ManifestFile, base?: string): string {
  return joinUrl(base ?? `https://raw.githubusercontent.com/${m.repo}/${encodeURIComponent(ref)}`, upstreamPath(f));
}

/**
 * Where a mirror that serves a jmle-bench data folder (not an upstream tree) keeps a
 * renamed file: `<base>/<local path>` (LICENSE.upstream). Undefined when the names agree.
 */
export function localNameUrl(f: ManifestFile, base: string): string | undefined {
  return f.upstream !== undefined && f.upstream !== f.path ? joinUrl(base, f.path) : undefined;
}
