import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { ManifestFile } from './manifest.js';

/** What a file's bytes hashed to. `gitBlobSha1` only when the expected size was known up front. */
export interface Digest {
  readonly size: number;
  readonly sha256: string;
  readonly gitBlobSha1?: string;
}

/**
 * Incremental hasher for a download: SHA-256 always; the git blob id as well
 * when the manifest pins one (its header needs the size before the bytes, so
 * the manifest's size is used; a size mismatch fails verification anyway).
 */
export class FileHasher {
  private readonly sha256 = createHash('sha256');
  private readonly blob?: Hash;
  private size = 0;

  constructor(blobSize?: number) {
    if (blobSize !== undefined) {
      this.blob = createHash('sha1');
      this.blob.update(`blob ${blobSize}\0`);
    }
  }

  update(chunk: Uint8Array): void {
    this.size += chunk.length;
    this.sha256.update(chunk);
    this.blob?.update(chunk);
  }

  digest(): Digest {
    return { size: this.size, sha256: this.sha256.digest('hex'), ...(this.blob ? { gitBlobSha1: this.blob.digest('hex') } : {}) };
  }
}

/** Hash a file on disk; `null` if it does not exist. */
export async function hashFile(path: string, blobSize?: number): Promise<Digest | null> {
  try {
    const st = await stat(path);
    if (!st.isFile()) return null;
    // A git blob header needs the real size; use it (the comparison checks the size separately).
    const h = new FileHasher(blobSize === undefined ? undefined : st.size);
    for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
    return h.digest();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

export type Verdict = { ok: true } | { ok: false; what: 'size' | 'sha256' | 'git blob sha1'; expected: string; got: string };

/** Compare a digest with what the manifest pins. */
export function verify(d: Digest, f: ManifestFile): Verdict {
  if (d.size !== f.size) return { ok: false, what: 'size', expected: `${f.size} bytes`, got: `${d.size} bytes` };
  if (f.sha256 !== undefined && d.sha256 !== f.sha256) return { ok: false, what: 'sha256', expected: f.sha256, got: d.sha256 };
  if (f.git_blob_sha1 !== undefined && d.gitBlobSha1 !== f.git_blob_sha1) {
    return { ok: false, what: 'git blob sha1', expected: f.git_blob_sha1, got: d.gitBlobSha1 ?? '(not computed)' };
  }
  return { ok: true };
}
