import { realpathSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';

/**
 * Request paths and files, defensively: a URL path becomes a list of decoded
 * segments, and anything that could step outside (dot segments, encoded or raw
 * slashes and backslashes, NUL) is refused before any lookup. Files are then
 * found only by exact name in a whitelist, never by joining a URL onto a folder.
 */

export type PathResult = { ok: true; segments: string[] } | { ok: false; status: 400; reason: string };

const BAD_ENCODED = /%(2e|2f|5c|00)/i;

export function parseRequestPath(rawUrl: string): PathResult {
  const q = rawUrl.search(/[?#]/);
  const raw = q >= 0 ? rawUrl.slice(0, q) : rawUrl;
  if (!raw.startsWith('/')) return { ok: false, status: 400, reason: 'path must start with /' };
  if (raw.includes('\\') || BAD_ENCODED.test(raw)) return { ok: false, status: 400, reason: 'forbidden characters in path' };
  const parts = raw.slice(1).split('/');
  const segments: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i] as string;
    if (p === '' && i === parts.length - 1) break; // trailing slash
    let d: string;
    try {
      d = decodeURIComponent(p);
    } catch {
      return { ok: false, status: 400, reason: 'bad percent-encoding' };
    }
    if (d === '' || d === '.' || d === '..' || d.includes('/') || d.includes('\\') || d.includes('\0')) {
      return { ok: false, status: 400, reason: 'forbidden path segment' };
    }
    segments.push(d);
  }
  return { ok: true, segments };
}

/**
 * The file for an image name, or null: the name must be one the exam lists, a
 * plain file name, and resolve (after symlinks) to a regular file inside `dir`.
 */
export function resolveImage(dir: string, allowed: ReadonlySet<string>, name: string): string | null {
  if (!allowed.has(name) || name.includes('/') || name.includes('\\') || name === '.' || name === '..' || name.includes('\0')) return null;
  try {
    const root = realpathSync(dir);
    const real = realpathSync(join(dir, name));
    if (!real.startsWith(root + sep)) return null;
    if (!statSync(real).isFile()) return null;
    return real;
  } catch {
    return null;
  }
}

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  mjs: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  json: 'application/json; charset=utf-8',
  map: 'application/json; charset=utf-8',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  svg: 'image/svg+xml',
  ico: 'image/x-icon',
  woff2: 'font/woff2',
  txt: 'text/plain; charset=utf-8',
};

export function contentType(name: string): string {
  const ext = name.slice(name.lastIndexOf('.') + 1).toLowerCase();
  return TYPES[ext] ?? 'application/octet-stream';
}
