import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package's own folder (the one holding its package.json), found by walking
 * up from this module. It holds wherever the code runs from: the sources
 * (tests), the compiled library in `dist/`, the bundled CLI in `dist/cli/`, or
 * an installed copy in `node_modules/jmle-bench/`.
 */
export function findPackageRoot(start: string, exists: (path: string) => boolean = existsSync): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (exists(join(dir, 'package.json'))) return dir;
    // None anywhere (a copy of the files without their package.json): the folder above, as relative paths had it.
    if (dirname(dir) === dir) return dirname(start);
  }
}

let root: string | undefined;
/** This package's folder, found when first asked (a command that needs no file of its own does not look). */
export function packageRoot(): string {
  return (root ??= findPackageRoot(dirname(fileURLToPath(import.meta.url))));
}

/** A path inside the package: `packagePath('manifests')`, `packagePath('dist', 'viewer', 'app')`. */
export function packagePath(...parts: string[]): string {
  return join(packageRoot(), ...parts);
}
