import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { cacheRoot } from '../util/cache-root.js';
import { UserError } from '../util/errors.js';
import type { CachedAnswer, CacheScope, ResponseStore } from './cache.js';
import { sleep } from '../util/sleep.js';
import { str } from './wire.js';

/**
 * The response cache on disk: one SQLite file (`<cache folder>/responses.sqlite`,
 * or `$JMLE_RESPONSE_CACHE`), one row per answer. WAL mode and a busy timeout
 * let several runs share it at once (readers never wait; a writer waits for
 * another's commit). better-sqlite3 is a native module and an optional
 * dependency (an install that can neither fetch nor build it still works,
 * without --cache), loaded only when the cache is used, so start-up does not
 * pay for it.
 */

const SCHEMA_VERSION = 1;
/** How long a write waits for another process's write to finish. */
const BUSY_TIMEOUT_MS = 10_000;

/** Where the cache lives: $JMLE_RESPONSE_CACHE, else responses.sqlite in the cache folder. */
export function responseCachePath(env: NodeJS.ProcessEnv = process.env): string {
  return env['JMLE_RESPONSE_CACHE'] || join(cacheRoot(env), 'responses.sqlite');
}

export interface CacheInfo {
  readonly path: string;
  readonly entries: number;
  /** On disk, the WAL included. */
  readonly bytes: number;
  readonly byModel: readonly { readonly provider: string; readonly model: string; readonly entries: number }[];
}

async function loadDriver(): Promise<typeof BetterSqlite3> {
  try {
    return (await import('better-sqlite3')).default;
  } catch (e) {
    throw new UserError(
      `the response cache needs better-sqlite3, an optional dependency that is not installed or does not load here (${(e as Error).message.split('\n')[0]}); install it with \`npm install better-sqlite3@12\` (a prebuilt binary from GitHub, else a build with python3, make and a C++ compiler), or run without --cache`,
    );
  }
}

/** A stored row back to an answer; anything unreadable is a miss (asked again), never an error. */
function readAnswer(json: string): CachedAnswer | null {
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch {
    return null;
  }
  if (!v || typeof v !== 'object') return null;
  const o = v as Record<string, unknown>;
  if (typeof o['content'] !== 'string') return null;
  return {
    content: o['content'],
    reasoning: str(o['reasoning']),
    usage: o['usage'] && typeof o['usage'] === 'object' ? (o['usage'] as CachedAnswer['usage']) : null,
    finishReason: str(o['finishReason']),
    truncated: o['truncated'] === true,
  };
}

export class SqliteResponseStore implements ResponseStore {
  private readonly getStmt: BetterSqlite3.Statement<[string], { completion: string }>;
  private readonly putStmt: BetterSqlite3.Statement<[string, string, string | null, string, number, string, string]>;

  private constructor(
    readonly path: string,
    private readonly db: BetterSqlite3.Database,
  ) {
    this.getStmt = db.prepare('SELECT completion FROM responses WHERE key = ?');
    this.putStmt = db.prepare('INSERT OR IGNORE INTO responses (key, provider, base_url, model, epoch, completion, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
  }

  /**
   * Open (and with `create`, make) the cache at `path`. Null when it does not
   * exist and `create` is false. A file that is not a cache is a one-line error.
   */
  static async open(path: string, opts: { create: boolean }): Promise<SqliteResponseStore | null> {
    if (!opts.create && !existsSync(path)) return null;
    const Database = await loadDriver();
    // Two runs creating the cache at the same moment: switching a new file to WAL can find it
    // locked without waiting on the busy timeout; try again until that timeout has passed.
    const deadline = Date.now() + BUSY_TIMEOUT_MS;
    for (;;) {
      try {
        return SqliteResponseStore.openWith(Database, path, opts);
      } catch (e) {
        if (e instanceof UserError) throw e;
        const code = (e as { code?: string }).code ?? '';
        if (code === 'SQLITE_BUSY' && Date.now() < deadline) {
          await sleep(20 + Math.random() * 30);
          continue;
        }
        const why = (e as Error).message;
        if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT')
          throw new UserError(`${path} is not a readable response cache (${why}); delete it, or set JMLE_RESPONSE_CACHE to another file`);
        throw new UserError(`cannot open the response cache ${path} (${why}); make its folder writable, or set JMLE_RESPONSE_CACHE to another file`);
      }
    }
  }

  /** One attempt to open (and set up) the cache; the driver's errors as they are, the database closed. */
  private static openWith(Database: typeof BetterSqlite3, path: string, opts: { create: boolean }): SqliteResponseStore {
    let db: BetterSqlite3.Database | null = null;
    try {
      if (opts.create) mkdirSync(dirname(path), { recursive: true });
      db = new Database(path, { fileMustExist: !opts.create, timeout: BUSY_TIMEOUT_MS });
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      const version = db.pragma('user_version', { simple: true }) as number;
      if (version > SCHEMA_VERSION)
        throw new UserError(`${path} was made by a newer jmle-bench (cache format ${version}); upgrade, or set JMLE_RESPONSE_CACHE to another file`);
      db.exec(`CREATE TABLE IF NOT EXISTS responses (
        key TEXT PRIMARY KEY,
        provider TEXT NOT NULL,
        base_url TEXT,
        model TEXT NOT NULL,
        epoch INTEGER NOT NULL,
        completion TEXT NOT NULL,
        created_at TEXT NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS responses_by_model ON responses (model);`);
      if (version < SCHEMA_VERSION) db.pragma(`user_version = ${SCHEMA_VERSION}`);
      return new SqliteResponseStore(path, db);
    } catch (e) {
      db?.close();
      throw e;
    }
  }

  get(key: string): CachedAnswer | null {
    const row = this.getStmt.get(key);
    return row ? readAnswer(row.completion) : null;
  }

  put(key: string, scope: CacheScope, epoch: number, answer: CachedAnswer): void {
    this.putStmt.run(key, scope.provider, scope.baseUrl, scope.model, epoch, JSON.stringify(answer), new Date().toISOString());
  }

  info(): CacheInfo {
    const entries = (this.db.prepare('SELECT count(*) AS n FROM responses').get() as { n: number }).n;
    const byModel = this.db
      .prepare('SELECT provider, model, count(*) AS entries FROM responses GROUP BY provider, model ORDER BY entries DESC, model')
      .all() as { provider: string; model: string; entries: number }[];
    const size = (p: string) => (existsSync(p) ? statSync(p).size : 0);
    return { path: this.path, entries, bytes: size(this.path) + size(`${this.path}-wal`), byModel };
  }

  /** Remove every answer (or one model's); returns how many. The file shrinks when no other run has it open. */
  clear(model?: string): number {
    const removed =
      model === undefined
        ? this.db.prepare('DELETE FROM responses').run().changes
        : this.db.prepare('DELETE FROM responses WHERE model = ?').run(model).changes;
    try {
      this.db.exec('VACUUM');
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    } catch {
      // Another run holds the file: the rows are gone, the space is reused later.
    }
    return removed;
  }

  close(): void {
    this.db.close();
  }
}
