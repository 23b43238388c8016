/**
 * Wait `ms`, or reject with `abortError()` as soon as `signal` aborts (the
 * timer is cleared either way). Shared by the download and provider retries
 * and the response cache's wait for a busy database (no signal there).
 */
export function sleep(ms: number, signal?: AbortSignal, abortError: () => Error = () => new Error('aborted')): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError());
    if (ms <= 0) return resolve();
    const onAbort = () => {
      clearTimeout(t);
      reject(abortError());
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
