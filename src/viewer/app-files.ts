import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { packagePath } from '../util/package-root.js';
import { UserError } from '../util/errors.js';

/** The built front-end (vite output): the package's `dist/viewer/app/`, from the sources (tests) as from the build. */
export function defaultAppDir(): string {
  return packagePath('dist', 'viewer', 'app');
}

/** Every file of the built app, by its URL path ("index.html", "assets/index-abc.js"). */
export function listAppFiles(appDir: string): Map<string, string> {
  if (!existsSync(join(appDir, 'index.html'))) {
    throw new UserError(`the viewer app is not built (no ${join(appDir, 'index.html')}); run \`npm run build\``);
  }
  const files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const abs = join(dir, name);
      const st = statSync(abs);
      if (st.isDirectory()) walk(abs);
      else if (st.isFile()) files.set(relative(appDir, abs).split(sep).join('/'), abs);
    }
  };
  walk(appDir);
  return files;
}

/** The data source the app should use, written into index.html: the live API or static files. */
export type DataMode = 'api' | 'static';

export function withDataMode(indexHtml: string, mode: DataMode): string {
  const tag = /<meta name="jmle-data" content="[a-z]*"\s*\/?>/;
  if (!tag.test(indexHtml)) throw new Error('index.html has no <meta name="jmle-data"> tag');
  return indexHtml.replace(tag, `<meta name="jmle-data" content="${mode}">`);
}
