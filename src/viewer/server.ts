import { createReadStream, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Exam } from '../exam/types.js';
import { UserError } from '../util/errors.js';
import { defaultAppDir, listAppFiles, withDataMode } from './app-files.js';
import { examImageNames, indexPayload, leaderboardPayload, questionsPayload, seriesPayload } from './data.js';
import { loadCollection, runPayload, type CollectionOptions, type LoadedCollection } from './load.js';
import { contentType, parseRequestPath, resolveImage } from './paths.js';
import type { SeriesPayload } from './types.js';

/**
 * `jmle-bench view`: a small node:http server. It serves only the built app,
 * the JSON endpoints (`api/index`, `api/series`, `api/exams/<id>/leaderboard`,
 * `api/exams/<id>/questions`, `api/runs/<id>`) and the exams' images
 * (`images/<exam>/<name>`); every other path is 404, and anything that looks
 * like a path escape is 400.
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

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, head: boolean, cache = 'no-store'): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': cache });
  res.end(head ? undefined : body);
}

function sendText(res: ServerResponse, status: number, text: string, head: boolean): void {
  send(res, status, 'text/plain; charset=utf-8', text + '\n', head);
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

interface ExamRoutes {
  readonly exam: Exam;
  readonly leaderboard: string;
  questions?: string;
  readonly imageNames: Set<string>;
}

/** Build the request handler (exported for tests that want no socket). */
export function createHandler(opts: { data: ViewerData; appDir: string; checkHost: boolean }) {
  const { collection, series } = opts.data;
  const appFiles = listAppFiles(opts.appDir);
  const indexHtml = withDataMode(readFileSync(appFiles.get('index.html') as string, 'utf8'), 'api');
  const index = JSON.stringify(indexPayload(collection, series));
  const seriesBody = series ? JSON.stringify(series) : null;
  const exams = new Map<string, ExamRoutes>(
    collection.exams.map((g) => [
      g.exam.id,
      { exam: g.exam, leaderboard: JSON.stringify(leaderboardPayload(g.exam, g.runs)), imageNames: examImageNames(g.exam) },
    ]),
  );
  const runJson = new Map<string, string>();
  const runsById = new Map(collection.exams.flatMap((g) => g.runs.map((r) => [r.id, { run: r, exam: g.exam }] as const)));
  const json = 'application/json; charset=utf-8';

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
      send(res, 200, 'text/html; charset=utf-8', indexHtml, head, 'no-cache');
      return;
    }
    if (route === 'api/index') {
      send(res, 200, json, index, head);
      return;
    }
    if (route === 'api/series') {
      if (seriesBody === null) sendText(res, 404, 'no series: the results hold one exam (pass --exams to choose)', head);
      else send(res, 200, json, seriesBody, head);
      return;
    }
    if (s.length === 4 && s[0] === 'api' && s[1] === 'exams') {
      const e = exams.get(s[2] as string);
      if (e && s[3] === 'leaderboard') {
        send(res, 200, json, e.leaderboard, head);
        return;
      }
      if (e && s[3] === 'questions') {
        e.questions ??= JSON.stringify(questionsPayload(e.exam));
        send(res, 200, json, e.questions, head);
        return;
      }
      sendText(res, 404, 'no such exam', head);
      return;
    }
    if (s.length === 3 && s[0] === 'api' && s[1] === 'runs') {
      const found = runsById.get(s[2] as string);
      if (!found) {
        sendText(res, 404, 'no such run', head);
        return;
      }
      const { run } = found;
      let body = runJson.get(run.id);
      if (body === undefined) {
        try {
          body = JSON.stringify(runPayload(run, found.exam));
        } catch (e) {
          send(res, 500, json, JSON.stringify({ error: `${run.file}: ${(e as Error).message}` }), head);
          return;
        }
        runJson.set(run.id, body);
      }
      send(res, 200, json, body, head);
      return;
    }
    if (s.length === 3 && s[0] === 'images') {
      const e = exams.get(s[1] as string);
      const file = e?.exam.imageDir ? resolveImage(e.exam.imageDir, e.imageNames, s[2] as string) : null;
      if (file) {
        sendFile(res, file, head, 'public, max-age=3600');
        return;
      }
      sendText(res, 404, 'not found', head);
      return;
    }
    const asset = appFiles.get(route);
    if (asset && route !== 'index.html') {
      sendFile(res, asset, head, route.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
      return;
    }
    sendText(res, 404, 'not found', head);
  };
}

export async function startViewer(opts: ViewerOptions): Promise<Viewer> {
  const host = opts.host ?? '127.0.0.1';
  const data = viewerData(opts.resultsDir, opts);
  const handler = createHandler({ data, appDir: opts.appDir ?? defaultAppDir(), checkHost: LOOPBACK.has(host) });
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
