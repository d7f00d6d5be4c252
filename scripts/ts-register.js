// Transpile-only require hook for the project's own TypeScript: `node -r ./scripts/ts-register.js stacks/main.ts`.
// This is what `cdktf synth` (the cdktf.json `app`) and `npm run synth` run, so a synth costs no type-check
// (~1.6 s of tsc on 2 cores); `npm test` type-checks. Each .ts file is transpiled in memory by @swc/core
// (a dev dependency, ~50 ms for the whole app, so no cache to go stale); when swc's native binary is
// missing (e.g. `npm ci --omit=optional`), TypeScript's own transpileModule does the same, slower.
// Only files of this repository outside node_modules are handled; everything else loads as usual.
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const nodeModules = `${path.sep}node_modules${path.sep}`;
// Source maps roughly double the synth time, so they are emitted only when Node uses them
// (`NODE_OPTIONS=--enable-source-maps`): then stack traces point at the TypeScript lines.
const sourceMaps = Boolean(process.sourceMapsEnabled);

function swcTranspiler() {
  const swc = require('@swc/core');
  const options = {
    swcrc: false,
    configFile: false,
    // tsconfig.json: target ES2022, module commonjs, esModuleInterop.
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs', strictMode: true },
    sourceMaps: sourceMaps ? 'inline' : false,
  };
  return (source, filename) => swc.transformSync(source, { ...options, filename }).code;
}

function typescriptTranspiler() {
  const ts = require('typescript');
  const compilerOptions = { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, esModuleInterop: true, inlineSourceMap: sourceMaps };
  return (source, filename) => ts.transpileModule(source, { fileName: filename, compilerOptions }).outputText;
}

let transpile;
try {
  transpile = swcTranspiler();
} catch (e) {
  if (process.env.TS_REGISTER_DEBUG) process.stderr.write(`ts-register: @swc/core unavailable (${e.message}); using typescript\n`);
  transpile = typescriptTranspiler();
}

const defaultTs = require.extensions['.ts'];
require.extensions['.ts'] = function compileTs(module, filename) {
  if (!filename.startsWith(root + path.sep) || filename.includes(nodeModules)) {
    if (defaultTs) return defaultTs(module, filename);
    throw new Error(`ts-register: refusing to transpile ${filename} (outside ${root} or in node_modules)`);
  }
  module._compile(transpile(fs.readFileSync(filename, 'utf8'), filename), filename);
};
