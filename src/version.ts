import { readFileSync } from 'node:fs';
import { packagePath } from './util/package-root.js';

/**
 * Set by scripts/build-cli.mjs in the CLI bundle (absent in the library and
 * under test): the package's version, and a hash of every source file the
 * bundle was built from.
 */
declare const JMLE_BUILD_VERSION: string | undefined;
declare const JMLE_BUILD_SOURCES: string | undefined;

/** The bundle's build: its version and source hash; null outside the CLI bundle. */
export const BUILD: { readonly version: string; readonly sources: string } | null =
  typeof JMLE_BUILD_VERSION === 'string' && typeof JMLE_BUILD_SOURCES === 'string' ? { version: JMLE_BUILD_VERSION, sources: JMLE_BUILD_SOURCES } : null;

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

export const VERSION = BUILD?.version ?? packageVersion();
export const HARNESS = { name: 'jmle-bench', version: VERSION } as const;
