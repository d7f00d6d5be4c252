/**
 * Loads `@kubernetes/client-node` at run time.
 *
 * client-node 1.x ships as ES modules. Node ≥ 20.19 can `require()` it, but test runners that
 * wrap `require` (jest's CommonJS runtime) cannot, so the module is loaded with Node's own
 * `require` (from `node:module`, fetched with `process.getBuiltinModule` so that no module
 * registry in between substitutes it). Types come from a type-only import and cost nothing at
 * run time.
 */
import type * as ClientNode from '@kubernetes/client-node';

/** The `@kubernetes/client-node` module namespace. */
export type ClientNodeModule = typeof ClientNode;

/** Returns the `@kubernetes/client-node` module, loaded by Node's native `require`. */
export function loadClientNode(): ClientNodeModule {
  const getBuiltin = (process as { getBuiltinModule?: (id: 'node:module') => typeof import('node:module') }).getBuiltinModule;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const nodeModule: typeof import('node:module') = getBuiltin ? getBuiltin('node:module') : require('node:module');
  const nativeRequire = nodeModule.createRequire(__filename);
  return nativeRequire('@kubernetes/client-node') as ClientNodeModule;
}
