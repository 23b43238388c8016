import { readFileSync } from 'node:fs';
import { packagePath } from './util/package-root.js';

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

export const VERSION = packageVersion();
export const HARNESS = { name: 'jmle-bench', version: VERSION } as const;
