/**
 * The one reader of a synth output (`cdktf.out`) for `mesh-review`: manifest.json, each stack's
 * cdk.tf.json and the generated charts its `helm_release`s point at. The directory may come from an
 * untrusted pull request, so every path must stay inside it (no `..`, no symlinks out), every file
 * and count is bounded, YAML aliases and nesting are capped, and anything malformed fails with a
 * UsageError (exit 2) naming the file, never with a stack trace or a partial report.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { AnnotationLevel, KubeObject, LocalChart, SynthAnnotation, SynthOutput, SynthStack, TfResource } from '../analysis/review/model';
import { UsageError } from '../private/cli-errors';
import { isPlainObject as isRecord } from '../private/props';

/** Limits on what one synth output may hold. */
export const SYNTH_READ_LIMITS = {
  manifestBytes: 8 * 1024 * 1024,
  stackJsonBytes: 64 * 1024 * 1024,
  stacks: 200,
  resourcesPerStack: 20_000,
  chartFiles: 500,
  chartFileBytes: 2 * 1024 * 1024,
  chartBytes: 16 * 1024 * 1024,
  documentsPerFile: 200,
  yamlAliases: 100,
  /** Nesting of objects and lists; the analysis walks values recursively. */
  depth: 64,
} as const;

const LEVELS: Readonly<Record<string, AnnotationLevel>> = {
  '@cdktf/info': 'info', '@cdktf/warn': 'warning', '@cdktf/error': 'error',
};

/** The argument is not a readable synth output: a usage error (exit 2), naming the file. */
function fail(where: string, why: string): UsageError {
  return new UsageError(where, `${where}: ${why}`);
}

/** Resolves `rel` under `root` and fails unless the real path (symlinks followed) stays inside it. */
function inside(root: string, rel: string, what: string): string {
  if (typeof rel !== 'string' || rel.length === 0 || rel.includes('\0') || path.isAbsolute(rel)) {
    throw fail(what, `must be a relative path inside the synth output, got ${JSON.stringify(rel)}`);
  }
  const joined = path.resolve(root, rel);
  let real: string;
  try {
    real = fs.realpathSync(joined);
  } catch {
    throw fail(what, `'${rel}' does not exist in the synth output`);
  }
  if (real !== root && !real.startsWith(root + path.sep)) {
    throw fail(what, `'${rel}' points outside the synth output`);
  }
  return real;
}

function readBounded(file: string, max: number, what: string): string {
  const st = fs.statSync(file);
  if (!st.isFile()) throw fail(what, 'is not a regular file');
  if (st.size > max) throw fail(what, `is ${st.size} bytes; the limit is ${max}`);
  return fs.readFileSync(file, 'utf8');
}

/** Fails when a parsed value nests deeper than the limit (checked without recursion). */
function checkDepth(value: unknown, what: string): void {
  const todo: [unknown, number][] = [[value, 1]];
  while (todo.length > 0) {
    const [v, d] = todo.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (d > SYNTH_READ_LIMITS.depth) throw fail(what, `nests deeper than ${SYNTH_READ_LIMITS.depth} levels`);
    for (const child of Object.values(v)) todo.push([child, d + 1]);
  }
}

function readJson(file: string, max: number, what: string): unknown {
  const text = readBounded(file, max, what);
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (e) {
    throw fail(what, `is not valid JSON (${(e as Error).message})`);
  }
  checkDepth(value, what);
  return value;
}

function annotationsOf(raw: unknown, what: string): SynthAnnotation[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw fail(what, "'annotations' must be a list");
  return raw.flatMap((a): SynthAnnotation[] => {
    if (!isRecord(a) || typeof a.message !== 'string') return [];
    const level = typeof a.level === 'string' ? LEVELS[a.level] : undefined;
    if (!level) return [];
    return [{ level, message: a.message, constructPath: typeof a.constructPath === 'string' ? a.constructPath : '' }];
  });
}

function resourcesOf(json: Record<string, unknown>, what: string): TfResource[] {
  const byType = json.resource ?? {};
  if (!isRecord(byType)) throw fail(what, "'resource' must be an object");
  const out: TfResource[] = [];
  for (const [type, byName] of Object.entries(byType)) {
    if (!isRecord(byName)) throw fail(what, `'resource.${type}' must be an object`);
    for (const [name, body] of Object.entries(byName)) {
      if (!isRecord(body)) throw fail(what, `'resource.${type}.${name}' must be an object`);
      const { '//': _meta, ...rest } = body;
      out.push({ address: `${type}.${name}`, type, name, body: rest });
      if (out.length > SYNTH_READ_LIMITS.resourcesPerStack) throw fail(what, `has more than ${SYNTH_READ_LIMITS.resourcesPerStack} resources`);
    }
  }
  return out;
}

/** Parses the YAML documents of one template file (plain YAML; `{{` means Helm templating). */
export function parseTemplate(text: string, what: string): KubeObject[] | 'unrendered' {
  if (text.includes('{{')) return 'unrendered';
  const docs = parseAllDocuments(text, { prettyErrors: false });
  const list = Array.isArray(docs) ? docs : [docs];
  if (list.length > SYNTH_READ_LIMITS.documentsPerFile) throw fail(what, `has more than ${SYNTH_READ_LIMITS.documentsPerFile} YAML documents`);
  const out: KubeObject[] = [];
  for (const doc of list) {
    if (doc.errors.length > 0) throw fail(what, `is not valid YAML (${doc.errors[0].message})`);
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: SYNTH_READ_LIMITS.yamlAliases });
    } catch (e) {
      throw fail(what, `cannot be read (${(e as Error).message})`);
    }
    if (value === null || value === undefined) continue;
    if (!isRecord(value)) throw fail(what, 'must hold Kubernetes objects (YAML maps)');
    checkDepth(value, what);
    out.push(value);
  }
  return out;
}

function listFiles(dir: string, root: string, what: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(d, e.name);
      if (e.isSymbolicLink()) inside(root, path.relative(root, p), what);
      if (e.isDirectory()) walk(p);
      else out.push(p);
      if (out.length > SYNTH_READ_LIMITS.chartFiles) throw fail(what, `has more than ${SYNTH_READ_LIMITS.chartFiles} files`);
    }
  };
  walk(dir);
  return out;
}

function readLocalChart(root: string, stackDir: string, chartPath: string, what: string): LocalChart {
  const lexical = path.resolve(stackDir, chartPath);
  if (lexical !== root && !lexical.startsWith(root + path.sep)) throw fail(what, `'${chartPath}' points outside the synth output`);
  // cdktf writes no assets when synth had error annotations (CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS):
  // the chart is then reported as missing, not a reason to refuse the whole output.
  if (!fs.existsSync(lexical)) return { path: chartPath, objects: [], unrendered: [], missing: true };
  const dir = inside(root, path.relative(root, lexical), what);
  if (!fs.statSync(dir).isDirectory()) throw fail(what, `chart '${chartPath}' is not a directory`);
  const templates = path.join(dir, 'templates');
  const objects: KubeObject[] = [];
  const unrendered: string[] = [];
  if (!fs.existsSync(templates)) return { path: chartPath, objects, unrendered };
  let total = 0;
  for (const file of listFiles(templates, root, what)) {
    if (!/\.ya?ml$/.test(file)) continue;
    const rel = path.relative(dir, file);
    const text = readBounded(file, SYNTH_READ_LIMITS.chartFileBytes, `${what} ${rel}`);
    total += text.length;
    if (total > SYNTH_READ_LIMITS.chartBytes) throw fail(what, `chart '${chartPath}' is larger than ${SYNTH_READ_LIMITS.chartBytes} bytes`);
    const parsed = parseTemplate(text, `${what} ${rel}`);
    if (parsed === 'unrendered') unrendered.push(rel);
    else objects.push(...parsed);
  }
  return { path: chartPath, objects, unrendered };
}

/** True when a helm_release's `chart` names a directory inside the output (a generated chart), not a repository chart. */
function isLocalChartPath(chart: unknown): chart is string {
  return typeof chart === 'string' && (chart.startsWith('assets/') || chart.startsWith('./') || chart.startsWith('../'));
}

function readStack(root: string, name: string, entry: unknown): SynthStack {
  const what = `manifest.json stack '${name}'`;
  if (!isRecord(entry)) throw fail(what, 'must be an object');
  const rel = entry.synthesizedStackPath;
  if (typeof rel !== 'string') throw fail(what, "has no 'synthesizedStackPath'");
  const file = inside(root, rel, `${what} synthesizedStackPath`);
  const json = readJson(file, SYNTH_READ_LIMITS.stackJsonBytes, rel);
  if (!isRecord(json)) throw fail(rel, 'must be a Terraform JSON object');
  const resources = resourcesOf(json, rel);
  const stackDir = path.dirname(file);
  const charts: Record<string, LocalChart> = {};
  for (const r of resources) {
    if (r.type === 'helm_release' && isLocalChartPath(r.body.chart)) {
      charts[r.address] = readLocalChart(root, stackDir, r.body.chart, `${rel} ${r.address}`);
    }
  }
  return { name, file: path.relative(root, file).split(path.sep).join('/'), annotations: annotationsOf(entry.annotations, what), resources, charts };
}

/** Reads a synth output directory (the one holding manifest.json). */
export function readSynthOutput(dir: string): SynthOutput {
  let root: string;
  try {
    root = fs.realpathSync(dir);
  } catch {
    throw fail(dir, 'synth output directory not found (run `cdktf synth` first)');
  }
  if (!fs.statSync(root).isDirectory()) throw fail(dir, 'is not a directory; expected a synth output (cdktf.out)');
  const manifestFile = path.join(root, 'manifest.json');
  if (!fs.existsSync(manifestFile)) throw fail(dir, 'has no manifest.json; expected a synth output (cdktf.out)');
  const manifest = readJson(inside(root, 'manifest.json', dir), SYNTH_READ_LIMITS.manifestBytes, `${dir}/manifest.json`);
  if (!isRecord(manifest) || !isRecord(manifest.stacks)) throw fail(`${dir}/manifest.json`, "must hold a 'stacks' object");
  const names = Object.keys(manifest.stacks).sort();
  if (names.length > SYNTH_READ_LIMITS.stacks) throw fail(`${dir}/manifest.json`, `lists more than ${SYNTH_READ_LIMITS.stacks} stacks`);
  return { stacks: names.map((n) => readStack(root, n, (manifest.stacks as Record<string, unknown>)[n])) };
}
