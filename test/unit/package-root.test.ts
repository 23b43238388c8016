import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findPackageRoot, packageRoot } from '../../src/util/package-root.js';

describe('findPackageRoot', () => {
  const root = resolve('/srv/app');
  const has = (...files: string[]) => {
    const set = new Set(files);
    return (path: string) => set.has(path);
  };

  it('is the nearest folder above the module that holds a package.json (sources, dist, the bundle, node_modules)', () => {
    const exists = has(join(root, 'package.json'), join(root, 'node_modules', 'jmle-bench', 'package.json'));
    expect(findPackageRoot(join(root, 'src', 'util'), exists)).toBe(root);
    expect(findPackageRoot(join(root, 'dist', 'cli', 'chunks'), exists)).toBe(root);
    expect(findPackageRoot(join(root, 'node_modules', 'jmle-bench', 'dist', 'cli'), exists)).toBe(join(root, 'node_modules', 'jmle-bench'));
  });

  it('falls back to the folder above the module when there is no package.json anywhere up to the root', () => {
    expect(findPackageRoot(join(root, 'dist', 'util'), has())).toBe(join(root, 'dist'));
  });

  it('finds this checkout from the sources', () => {
    expect(packageRoot()).toBe(resolve(import.meta.dirname, '..', '..'));
  });
});
