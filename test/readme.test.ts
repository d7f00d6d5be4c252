import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { SUPPORT_DATE_CONTEXT } from '../lib/catalog/compatibility';
import { TEST_DAY } from './util';

/**
 * README snippets compile as copied: every ```ts block of README.md is one complete file (its imports,
 * providers and stack included), type-checked with strict TypeScript against this package's sources,
 * `cdktf-istio-mesh` mapped to lib/index.ts as an installed copy would resolve to dist/lib/index.d.ts.
 * Blocks are found anew on every run, so snippets added or changed later are checked too.
 */
const root = path.resolve(__dirname, '..');
const readmePath = path.join(root, 'README.md');

interface Snippet {
  /** Where problems are reported: `README.md` (or a test's own name for a variant). */
  readonly source: string;
  /** 1-based line in README.md of the snippet's first code line. */
  readonly line: number;
  readonly code: string;
  /** A virtual file inside the repository, so node_modules resolves as in a user's project. */
  readonly fileName: string;
}

function tsSnippets(markdown: string): Snippet[] {
  const snippets: Snippet[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!/^```(ts|typescript)\s*$/.test(lines[i])) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !/^```\s*$/.test(lines[end])) end++;
    snippets.push({ source: 'README.md', line: start + 1, code: lines.slice(start, end).join('\n'), fileName: path.join(root, `readme-snippet-line-${start + 1}.ts`) });
    i = end;
  }
  return snippets;
}

/** Diagnostics of the snippets, each as `<source>:<line>:<col> <message>`; empty when all compile. */
function compileSnippets(snippets: readonly Snippet[]): string[] {
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    lib: ['lib.es2022.d.ts'],
    strict: true,
    esModuleInterop: true,
    skipLibCheck: true,
    noEmit: true,
    types: ['node'],
    baseUrl: root,
    paths: { 'cdktf-istio-mesh': ['lib/index.ts'] },
  };
  const virtual = new Map(snippets.map((s) => [s.fileName, s]));
  const host = ts.createCompilerHost(options, true);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    const s = virtual.get(path.resolve(fileName));
    return s ? ts.createSourceFile(fileName, s.code, languageVersion, true) : getSourceFile(fileName, languageVersion, onError, shouldCreate);
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (fileName) => virtual.has(path.resolve(fileName)) || fileExists(fileName);
  const readFile = host.readFile.bind(host);
  host.readFile = (fileName) => virtual.get(path.resolve(fileName))?.code ?? readFile(fileName);

  const program = ts.createProgram([...virtual.keys()], options, host);
  const problems: string[] = [];
  for (const s of snippets) {
    const sf = program.getSourceFile(s.fileName);
    if (!sf) throw new Error(`snippet at ${s.source}:${s.line} was not compiled`);
    if (!ts.isExternalModule(sf)) problems.push(`${s.source}:${s.line} the snippet is not a complete file (no import or export)`);
    for (const d of [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)]) {
      const pos = d.start !== undefined ? sf.getLineAndCharacterOfPosition(d.start) : { line: 0, character: 0 };
      problems.push(`${s.source}:${s.line + pos.line}:${pos.character + 1} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    }
  }
  return problems;
}

/** Runs a snippet as a user would after `npm install` (`cdktf-istio-mesh` → lib/index.ts), `app.synth()` included. */
function runSnippet(s: Snippet): void {
  const js = ts.transpileModule(s.code, { fileName: s.fileName, compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const load = (id: string): unknown => require(id === 'cdktf-istio-mesh' ? path.join(root, 'lib', 'index.ts') : id);
  const module = { exports: {} };
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  new Function('require', 'module', 'exports', js)(load, module, module.exports);
}

describe('README.md TypeScript snippets', () => {
  const snippets = tsSnippets(fs.readFileSync(readmePath, 'utf8'));
  const variant = (code: string, n: number): Snippet => ({ source: `variant-${n}`, line: 1, code, fileName: path.join(root, `readme-snippet-variant-${n}.ts`) });
  const base = snippets.find((s) => /IstioAmbientCluster\(/.test(s.code) && /HelmProvider/.test(s.code));
  // Wrong on purpose, compiled in the same program as the real snippets (one type-check for both).
  const broken = base ? [
    variant("new IstioAmbientCluster(this, 'Mesh', {});", 1),
    variant(base.code.replace(/^import \{ HelmProvider \}.*$/m, ''), 2),
    variant(base.code.replace("new IstioAmbientCluster(stack, 'Mesh', {", "new IstioAmbientCluster(stack, 'Mesh', { clusterName: 'prod',"), 3),
  ] : [];
  let problems: string[] = [];
  beforeAll(() => {
    problems = compileSnippets([...snippets, ...broken]);
  }, 120_000);

  test('there are snippets to check (the IstioAmbientCluster and BenchmarkHarness sections)', () => {
    expect(snippets.length).toBeGreaterThanOrEqual(3);
    expect(base).toBeDefined();
  });

  test('each one type-checks as a complete file, as copied (strict, against lib/)', () => {
    expect(problems.filter((p) => p.startsWith('README.md:'))).toEqual([]);
  });

  test('the type-check fails on a fragment, a missing provider import and a wrong prop (it can fail)', () => {
    expect(problems).toEqual(expect.arrayContaining([
      expect.stringMatching(/^variant-1:1 the snippet is not a complete file/),
      expect.stringMatching(/^variant-1:1:\d+ Cannot find name 'IstioAmbientCluster'/),
      expect.stringMatching(/^variant-2:\d+:\d+ Cannot find name 'HelmProvider'/),
      expect.stringMatching(/^variant-3:\d+:\d+ Object literal may only specify known properties, and 'clusterName' does not exist/),
    ]));
  });

  test('each one imports provider bindings deep, never from a package root', () => {
    const rootImports = snippets.filter((s) => /from ['"]@cdktf\/provider-(aws|helm|kubernetes)['"]/.test(s.code)).map((s) => `README.md:${s.line}`);
    expect(rootImports).toEqual([]);
  });

  test('each one synthesizes as copied (app.synth() into a temp dir, support date pinned)', () => {
    const saved = { outdir: process.env.CDKTF_OUTDIR, context: process.env.CDKTF_CONTEXT_JSON };
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-synth-'));
    try {
      process.env.CDKTF_CONTEXT_JSON = JSON.stringify({ [SUPPORT_DATE_CONTEXT]: TEST_DAY });
      const failures: string[] = [];
      for (const s of snippets) {
        process.env.CDKTF_OUTDIR = path.join(outdir, String(s.line));
        try {
          runSnippet(s);
          const manifest = JSON.parse(fs.readFileSync(path.join(process.env.CDKTF_OUTDIR, 'manifest.json'), 'utf8')) as { stacks: Record<string, unknown> };
          if (Object.keys(manifest.stacks).length === 0) failures.push(`README.md:${s.line} synthesized no stack`);
        } catch (e) {
          failures.push(`README.md:${s.line} ${e instanceof Error ? e.message : String(e)}`);
        }
      }
      expect(failures).toEqual([]);
    } finally {
      for (const [k, v] of [['CDKTF_OUTDIR', saved.outdir], ['CDKTF_CONTEXT_JSON', saved.context]] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  }, 60_000);
});
