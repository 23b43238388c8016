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

/** For tests. */
export function clearSecrets(): void {
  secrets.clear();
}
