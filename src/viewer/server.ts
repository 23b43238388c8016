import { createReadStream, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UserError } from '../util/errors.js';
import { defaultAppDir, listAppFiles, withDataMode } from './app-files.js';
import { Body } from './body.js';
import { comparePayload, examImageNames, indexPayload, leaderboardPayload, matrixPayload, questionsPayload, seriesPayload } from './data.js';
import { loadCollection, runPayload, type CollectionOptions, type ExamRuns, type LoadedCollection } from './load.js';
import { contentType, parseRequestPath, resolveImage } from './paths.js';
import type { SeriesPayload } from './types.js';

/**
 * `jmle-bench view`: a small node:http server. It serves only the built app,
 * the JSON endpoints (`api/index`, `api/series`, `api/exams/<id>/leaderboard`,
 * `api/exams/<id>/questions`, `api/exams/<id>/matrix`, `api/runs/<id>`,
 * `api/compare/<a>/<b>`) and the exams' images (`images/<exam>/<name>`); every
 * other path is 404, and anything that looks like a path escape is 400. Bodies
 * carry an ETag (revalidated: 304 when unchanged) and are compressed with
 * brotli or gzip as the browser accepts, so a team served over a network
 * (`--host`) does not pull the same data again on every visit.
 */

export const CSP =
  "default-src 'self'; img-src 'self' data:; script-src 'self'; style-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export interface ViewerOptions extends CollectionOptions {
  readonly resultsDir: string;
  readonly host?: string;
  /** 0 = any free port. */
  readonly port?: number;
  readonly appDir?: string;
}

export interface Viewer {
  readonly url: string;
  readonly server: Server;
  readonly data: ViewerData;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/** True for a host name or address that only this machine can reach. */
export const isLoopback = (host: string): boolean => LOOPBACK.has(host);

const JSON_TYPE = 'application/json; charset=utf-8';
/** Data may change when the viewer restarts: always revalidate (a 304 when unchanged). */
const REVALIDATE = 'no-cache';

function sendText(res: ServerResponse, status: number, text: string, head: boolean): void {
  const body = text + '\n';
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
  });
  res.end(head ? undefined : body);
}

/** An API error: JSON with one line saying what was wrong (the app shows it). */
function sendError(res: ServerResponse, status: number, message: string, head: boolean): void {
  const body = JSON.stringify({ error: message });
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': JSON_TYPE, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store' });
  res.end(head ? undefined : body);
}

/** A body with its ETag (304 when the client has it) and compressed as the client accepts. */
function sendBody(req: IncomingMessage, res: ServerResponse, body: Body, head: boolean, cache: string): void {
  const common = { ...SECURITY_HEADERS, ETag: body.etag, 'Cache-Control': cache, Vary: 'Accept-Encoding' };
  if (body.fresh(req.headers['if-none-match'])) {
    res.writeHead(304, common);
    res.end();
    return;
  }
  const { encoding, bytes } = body.encoded(req.headers['accept-encoding']);
  res.writeHead(200, {
    ...common,
    'Content-Type': body.type,
    'Content-Length': bytes.length,
    ...(encoding === 'identity' ? {} : { 'Content-Encoding': encoding }),
  });
  res.end(head ? undefined : bytes);
}

function sendFile(res: ServerResponse, path: string, head: boolean, cache: string): void {
  res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': contentType(path), 'Cache-Control': cache });
  if (head) {
    res.end();
    return;
  }
  const stream = createReadStream(path);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}

/** Everything the handler serves, loaded once. */
export interface ViewerData {
  readonly collection: LoadedCollection;
  readonly series: SeriesPayload | null;
}

export function viewerData(resultsDir: string, opts: CollectionOptions): ViewerData {
  const collection = loadCollection(resultsDir, opts);
  return { collection, series: seriesPayload(collection, opts.exams ?? null) };
}

/** One exam's JSON, made on first request and kept. */
interface ExamRoutes {
  readonly group: ExamRuns;
  readonly imageNames: Set<string>;
  readonly bodies: Map<'leaderboard' | 'questions' | 'matrix', Body>;
}

const json = (value: unknown) => Body.text(JSON.stringify(value), JSON_TYPE);

/** Build the request handler (exported for tests that want no socket). */
export function createHandler(opts: { data: ViewerData; appDir: string; checkHost: boolean }) {
  const { collection, series } = opts.data;
  const app = new Map<string, Body>();
  for (const [rel, abs] of listAppFiles(opts.appDir)) {
    const raw = readFileSync(abs);
    app.set(rel, rel === 'index.html' ? Body.text(withDataMode(raw.toString('utf8'), 'api'), contentType(rel)) : new Body(raw, contentType(rel)));
  }
  const indexHtml = app.get('index.html') as Body;
  const index = json(indexPayload(collection, series));
  const seriesBody = series ? json(series) : null;
  const exams = new Map<string, ExamRoutes>(collection.exams.map((g) => [g.exam.id, { group: g, imageNames: examImageNames(g.exam), bodies: new Map() }]));
  const examBody = (e: ExamRoutes, what: 'leaderboard' | 'questions' | 'matrix'): Body => {
    let b = e.bodies.get(what);
    if (!b) {
      b = json(what === 'leaderboard' ? leaderboardPayload(e.group) : what === 'questions' ? questionsPayload(e.group.exam) : matrixPayload(e.group));
      e.bodies.set(what, b);
    }
    return b;
  };
  const runsById = new Map(collection.exams.flatMap((g) => g.runs.map((r) => [r.entry.id, r] as const)));
  // Make each exam's small JSON (and its compressed forms) soon after start, one at a time between
  // requests, so the first visitor does not wait for it.
  const warm = [...exams.values()].flatMap((e) =>
    (['leaderboard', 'questions', 'matrix'] as const).map((what) => () => {
      const b = examBody(e, what);
      b.encoded('br');
      b.encoded('gzip');
    }),
  );
  const step = () => {
    const next = warm.shift();
    if (!next) return;
    next();
    setImmediate(step);
  };
  setImmediate(step);
  const runBodies = new Map<string, Body>();
  const compareBodies = new Map<string, Body>();

  return (req: IncomingMessage, res: ServerResponse): void => {
    const head = req.method === 'HEAD';
    if (req.method !== 'GET' && !head) {
      res.setHeader('Allow', 'GET, HEAD');
      sendText(res, 405, 'method not allowed', false);
      return;
    }
    if (opts.checkHost) {
      // Loopback only: refuse other Host names (DNS rebinding).
      const host = (req.headers.host ?? '').replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');
      if (!LOOPBACK.has(host)) {
        sendText(res, 403, 'forbidden host', head);
        return;
      }
    }
    const parsed = parseRequestPath(req.url ?? '/');
    if (!parsed.ok) {
      sendText(res, parsed.status, parsed.reason, head);
      return;
    }
    const s = parsed.segments;
    const route = s.join('/');
    if (s.length === 0 || route === 'index.html') {
      sendBody(req, res, indexHtml, head, REVALIDATE);
      return;
    }
    if (s[0] === 'api') {
      if (route === 'api/index') {
        sendBody(req, res, index, head, REVALIDATE);
        return;
      }
      if (route === 'api/series') {
        if (seriesBody === null) sendError(res, 404, 'no series: the results hold runs of one exam only (runs of two or more exams make a series)', head);
        else sendBody(req, res, seriesBody, head, REVALIDATE);
        return;
      }
      if (s.length === 4 && s[1] === 'exams') {
        const e = exams.get(s[2] as string);
        const what = s[3];
        if (!e) sendError(res, 404, `no exam ${s[2]} in this collection`, head);
        else if (what === 'leaderboard' || what === 'questions' || what === 'matrix') sendBody(req, res, examBody(e, what), head, REVALIDATE);
        else sendError(res, 404, 'not found', head);
        return;
      }
      if (s.length === 3 && s[1] === 'runs') {
        const run = runsById.get(s[2] as string);
        if (!run) {
          sendError(res, 404, `no run ${s[2]} in this collection`, head);
          return;
        }
        let body = runBodies.get(run.entry.id);
        if (!body) {
          try {
            body = json(runPayload(run));
          } catch (e) {
            sendError(res, 500, `${run.entry.file}: ${(e as Error).message}`, head);
            return;
          }
          runBodies.set(run.entry.id, body);
        }
        sendBody(req, res, body, head, REVALIDATE);
        return;
      }
      if (s.length === 4 && s[1] === 'compare') {
        const [a, b] = [runsById.get(s[2] as string), runsById.get(s[3] as string)];
        if (!a || !b) {
          sendError(res, 404, `no run ${a ? s[3] : s[2]} in this collection`, head);
          return;
        }
        if (a.entry.exam !== b.entry.exam) {
          sendError(res, 400, `${a.entry.file} is a run of the ${a.entry.exam}th and ${b.entry.file} of the ${b.entry.exam}th; compare runs of one exam`, head);
          return;
        }
        const key = `${a.entry.id}/${b.entry.id}`;
        let body = compareBodies.get(key);
        if (!body) {
          try {
            body = json(comparePayload(a, b));
          } catch (e) {
            sendError(res, e instanceof UserError ? 400 : 500, (e as Error).message, head);
            return;
          }
          compareBodies.set(key, body);
        }
        sendBody(req, res, body, head, REVALIDATE);
        return;
      }
      sendError(res, 404, 'not found', head);
      return;
    }
    if (s.length === 3 && s[0] === 'images') {
      const e = exams.get(s[1] as string);
      const file = e?.group.exam.imageDir ? resolveImage(e.group.exam.imageDir, e.imageNames, s[2] as string) : null;
      if (file) {
        sendFile(res, file, head, 'public, max-age=3600');
        return;
      }
      sendText(res, 404, 'not found', head);
      return;
    }
    const asset = app.get(route);
    if (asset) {
      sendBody(req, res, asset, head, route.startsWith('assets/') ? 'public, max-age=31536000, immutable' : REVALIDATE);
      return;
    }
    sendText(res, 404, 'not found', head);
  };
}

export async function startViewer(opts: ViewerOptions): Promise<Viewer> {
  const host = opts.host ?? '127.0.0.1';
  const data = viewerData(opts.resultsDir, opts);
  const handler = createHandler({ data, appDir: opts.appDir ?? defaultAppDir(), checkHost: isLoopback(host) });
  const server = createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EADDRINUSE') reject(new UserError(`port ${opts.port} on ${host} is in use; pass another --port (0 = any free port)`));
      else if (e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND')
        reject(new UserError(`cannot listen on host ${host}; pass --host with an address of this machine`));
      else if (e.code === 'EACCES') reject(new UserError(`not allowed to listen on port ${opts.port}; pass a --port above 1023`));
      else reject(e);
    });
    server.listen(opts.port ?? 8765, host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const urlHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${urlHost}:${addr.port}/`,
    server,
    data,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
