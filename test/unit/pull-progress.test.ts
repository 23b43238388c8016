import { describe, expect, it } from 'vitest';
import { formatBytes, PullProgress } from '../../src/cli/progress/pull.js';
import type { PullEvent } from '../../src/dataset/pull.js';

const start: PullEvent = { type: 'start', source: 'demo', dir: '/data/demo', ref: 'a'.repeat(40), pinned: true, files: 3, bytes: 3072 };
const file = (path: string, size = 1024): PullEvent => ({ type: 'file', source: 'demo', path, skipped: false, size });

function render(mode: 'tty' | 'plain' | 'quiet', events: PullEvent[], every = 2): string {
  let out = '';
  let t = 0;
  const p = new PullProgress({ write: (s: string) => (out += s) }, mode, every, () => (t += 1000));
  for (const e of events) p.handle(e);
  p.clear();
  return out;
}

describe('the pull display (CLI side of the PullEvents)', () => {
  it('plain: a header when the first file arrives, then a line every few files and at the end', () => {
    const out = render('plain', [start, file('a'), { type: 'bytes', source: 'demo', n: 2048 }, file('b'), file('c')]);
    expect(out.split('\n')).toEqual([
      `demo: 3 files (3.0 KB) from ${'a'.repeat(12)} (pinned, verified by checksum) into /data/demo`,
      'demo: 2/3 files, 2.0 KB of 3.0 KB',
      'demo: 3/3 files, 2.0 KB of 3.0 KB',
      '',
    ]);
  });

  it('prints nothing for a pull that stops before any file (the host cannot be reached): the caller says why', () => {
    expect(render('plain', [start])).toBe('');
    expect(render('tty', [start])).toBe('');
  });

  it('quiet: only failures; retries and failures otherwise go above the live line', () => {
    const failed: PullEvent = { type: 'failed', source: 'demo', path: 'b', kind: 'http', message: 'demo/b: HTTP 404 Not Found from http://x/b' };
    const retry: PullEvent = { type: 'retry', source: 'demo', path: 'a', attempt: 1, error: 'connection failed: reset', delayMs: 250 };
    expect(render('quiet', [start, retry, file('a'), failed])).toBe('jmle-bench: demo/b: HTTP 404 Not Found from http://x/b\n');
    const tty = render('tty', [start, retry, file('a'), failed]);
    expect(tty).toContain('  retry 1: demo/a: connection failed: reset (again in 250 ms)\n');
    expect(tty).toContain('\r\x1b[Kjmle-bench: demo/b: HTTP 404 Not Found from http://x/b\n');
    expect(tty).toContain('demo: 2/3 files (1 failed)');
    expect(tty.endsWith('\r\x1b[K')).toBe(true); // cleared at the end
  });

  it('sizes in B, KB and MB', () => {
    expect([formatBytes(10), formatBytes(1536), formatBytes(131_903_743)]).toEqual(['10 B', '1.5 KB', '125.8 MB']);
  });
});
