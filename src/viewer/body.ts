import { createHash } from 'node:crypto';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/**
 * A response body served to a team over a network: an ETag (so a reload is a
 * 304, not the same hundreds of kilobytes again) and brotli or gzip variants,
 * made on first request and kept, chosen by the request's Accept-Encoding.
 */

export type Encoding = 'br' | 'gzip' | 'identity';

/** Smaller bodies are sent as they are (compression would save next to nothing). */
const MIN_COMPRESS = 1024;

export class Body {
  readonly etag: string;
  private readonly variants = new Map<Encoding, Buffer>();

  constructor(
    readonly raw: Buffer,
    readonly type: string,
  ) {
    this.etag = `"${createHash('sha256').update(raw).digest('base64url').slice(0, 27)}"`;
    this.variants.set('identity', raw);
  }

  static text(text: string, type: string): Body {
    return new Body(Buffer.from(text, 'utf8'), type);
  }

  /** The bytes to send for an encoding the client accepts (compressed once, then kept). */
  encoded(accept: string | undefined): { encoding: Encoding; bytes: Buffer } {
    const encoding = this.raw.length < MIN_COMPRESS || !compressible(this.type) ? 'identity' : pickEncoding(accept);
    let bytes = this.variants.get(encoding);
    if (!bytes) {
      bytes =
        encoding === 'br'
          ? // Quality 5: most of brotli's gain at a fraction of the time of its maximum (11).
            brotliCompressSync(this.raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_SIZE_HINT]: this.raw.length } })
          : gzipSync(this.raw, { level: 6 });
      this.variants.set(encoding, bytes);
    }
    return { encoding, bytes };
  }

  /** True when the request's If-None-Match already names this body. */
  fresh(ifNoneMatch: string | undefined): boolean {
    if (!ifNoneMatch) return false;
    return ifNoneMatch
      .split(',')
      .map((t) => t.trim().replace(/^W\//, ''))
      .some((t) => t === this.etag || t === '*');
  }
}

const compressible = (type: string) => /^(text\/|application\/json|application\/javascript|image\/svg\+xml)/.test(type);

/** brotli if accepted, else gzip, else none; `q=0` refuses an encoding. */
export function pickEncoding(accept: string | undefined): Encoding {
  if (!accept) return 'identity';
  const q = new Map<string, number>();
  for (const part of accept.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const qp = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const value = qp ? Number(qp.slice(2)) : 1;
    q.set(name, Number.isFinite(value) ? value : 0);
  }
  const ok = (name: string) => (q.get(name) ?? q.get('*') ?? 0) > 0;
  return ok('br') ? 'br' : ok('gzip') ? 'gzip' : 'identity';
}
