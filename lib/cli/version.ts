/**
 * The package's version for `--version`, read at run time from this package's own package.json
 * (found by walking up from this module: `lib/cli/` in a clone, `dist/lib/cli/` when installed), so
 * it is never a second, hand-kept copy of the version.
 */
import * as fs from 'fs';
import * as path from 'path';

/** The `name` in package.json that marks this package's root. */
export const PACKAGE_NAME = 'cdktf-istio-mesh';

/** The version of the installed package; throws when its package.json cannot be found. */
export function packageVersion(from: string = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === PACKAGE_NAME && typeof pkg.version === 'string') return pkg.version;
    }
    if (path.dirname(dir) === dir) throw new Error(`package.json of ${PACKAGE_NAME} not found above ${from}`);
  }
}
