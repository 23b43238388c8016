/**
 * Secrets (API keys) must never reach a file, a log line or an error message.
 * Register each secret once; pass every outgoing string through `redact`.
 */
const secrets = new Set<string>();

export function registerSecret(secret: string | undefined | null): void {
  if (secret && secret.length >= 4) secrets.add(secret);
}

export function redact(text: string): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join('***');
  return out;
}

const SECRET_PARAM = /key|token|secret|password|auth|sig/i;

/**
 * A base URL can carry credentials (`https://user:pass@host/v1`, `?api-key=…`).
 * Register them as secrets and return the URL without them, for files and logs.
 */
export function publicUrl(url: URL): string {
  const u = new URL(url.href);
  registerSecret(decodeURIComponent(u.password));
  if (u.password) registerSecret(u.password);
  u.username = '';
  u.password = '';
  for (const [name, value] of [...u.searchParams]) {
    if (SECRET_PARAM.test(name)) {
      registerSecret(value);
      u.searchParams.set(name, '***');
    }
  }
  return u.href.replace(/%2A%2A%2A/g, '***');
}
