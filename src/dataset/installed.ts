import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../util/atomic.js';

/**
 * `<root>/<source>/.jmle-manifest.json`: what `dataset pull` installed — the
 * ref, when, and the sha256 of every file it verified. For a ref other than the
 * pinned commit this is the record of a new dataset version.
 */
export const INSTALLED_FILE = '.jmle-manifest.json';

export const InstalledSchema = z.object({
  source: z.string(),
  repo: z.string(),
  ref: z.string(),
  /** True when `ref` is the manifest's pinned commit (every file verified against it). */
  pinned: z.boolean(),
  /** The manifest's pinned commit at the time of the pull. */
  pinned_commit: z.string(),
  /** Base URL the files came from, when not the upstream repository. */
  from: z.string().optional(),
  date: z.string(),
  /** False when the pull stopped before every file it covered was installed. */
  complete: z.boolean(),
  /** The optional parts the pull covered (absent in records written before parts existed: images, no results). */
  parts: z.object({ images: z.boolean(), results: z.boolean() }).optional(),
  /** sha256 of the source's version file (the 120th: the dataset JSON), when installed. */
  version: z.string().optional(),
  files: z.array(z.object({ path: z.string(), size: z.number().int().nonnegative(), sha256: z.string() })),
});

export type Installed = z.infer<typeof InstalledSchema>;

/** The record of the last pull into `sourceDir`, or null (absent or unreadable: treated as never pulled). */
export function readInstalled(sourceDir: string): Installed | null {
  try {
    const parsed = InstalledSchema.safeParse(JSON.parse(readFileSync(join(sourceDir, INSTALLED_FILE), 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export async function writeInstalled(sourceDir: string, rec: Installed): Promise<void> {
  await writeFileAtomic(join(sourceDir, INSTALLED_FILE), JSON.stringify(rec, null, 2) + '\n');
}
