import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import type { ReadEntry } from 'tar';
import { parse } from 'yaml';
import { ChartData } from './chart-keys';
import { isPlainObject as isObj } from '../../private/props';

/**
 * Context key naming a directory of Helm charts on disk (`helm pull <chart> --version <v> -d <dir>`),
 * which the CIM-6003 precheck reads to compare Helm values with the chart's own `values.yaml`.
 * Relative paths are resolved against the working directory of the synth (the cdktf.json directory).
 */
export const CHARTS_DIR_CONTEXT = 'cdktf-istio-mesh:chartsDir';

/** Largest chart archive read (Istio's are < 300 KiB; istiod with its CRD-less files is the largest). */
const MAX_ARCHIVE_BYTES = 16 * 1024 * 1024;
/** Largest unpacked archive and largest single file read. */
const MAX_UNPACKED_BYTES = 64 * 1024 * 1024;
const MAX_FILE_BYTES = 4 * 1024 * 1024;

/** The chart found, or why none could be read. */
export type ChartLookup =
  | { readonly found: true; readonly chart: ChartData; readonly source: string }
  | { readonly found: false; readonly problem: string };

/** Files of one chart: path relative to the chart root → text; only what the check needs. */
type ChartFiles = Map<string, string>;

/** Helm profiles (`files/profile-<name>.yaml`). */
const PROFILE_FILE = /^files\/profile-[^/]+\.yaml$/;
/** Files whose Go templates read `.Values`: `templates/**` and Istio's injection templates (`files/*.yaml`). */
const TEMPLATE_FILE = /^(templates\/.+|files\/[^/]+\.yaml)$/;
/** Most template files read from one chart (Istio's istiod has ~40). */
const MAX_TEMPLATE_FILES = 500;

function wanted(rel: string): boolean {
  return rel === 'Chart.yaml' || rel === 'values.yaml' || PROFILE_FILE.test(rel) || TEMPLATE_FILE.test(rel);
}

/**
 * The `.Values` paths the chart's templates name (`.Values.global.proxy.lifecycle`, `$.Values.nodeSelector`):
 * Istio's templates read keys their values.yaml omits (`global.proxy.holdApplicationUntilProxyStarts` in the
 * injection template, ztunnel's `nodeSelector` in 1.30). Paths reached through `with`/`index` are not seen.
 */
function templateReads(files: ChartFiles): string[] {
  const reads = new Set<string>();
  for (const [rel, text] of files) {
    if (PROFILE_FILE.test(rel) || !TEMPLATE_FILE.test(rel)) continue;
    for (const m of text.matchAll(/\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)/g)) reads.add(m[1].slice(1));
  }
  return [...reads].sort();
}

/** An error's message (errors from other realms, e.g. zlib's under a test runner, included). */
function messageOf(e: unknown): string {
  const m = (e as { message?: unknown } | undefined)?.message;
  return typeof m === 'string' ? m : String(e);
}

function readSmall(file: string): string {
  const st = fs.statSync(file);
  if (!st.isFile()) throw new Error(`'${file}' is not a regular file`);
  if (st.size > MAX_FILE_BYTES) throw new Error(`'${file}' is ${st.size} bytes, more than ${MAX_FILE_BYTES}`);
  return fs.readFileSync(file, 'utf8');
}

/** The wanted files of a chart archive (`<chart>-<version>.tgz` as `helm pull` writes it: one top directory). */
function filesOfArchive(file: string): ChartFiles {
  const st = fs.statSync(file);
  if (!st.isFile()) throw new Error(`'${file}' is not a regular file`);
  if (st.size > MAX_ARCHIVE_BYTES) throw new Error(`'${file}' is ${st.size} bytes, more than ${MAX_ARCHIVE_BYTES}`);
  const packed = fs.readFileSync(file);
  let unpacked: Buffer;
  try {
    unpacked = zlib.gunzipSync(packed, { maxOutputLength: MAX_UNPACKED_BYTES });
  } catch (e: unknown) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(code === 'ERR_BUFFER_TOO_LARGE'
      ? `'${file}' unpacks to more than ${MAX_UNPACKED_BYTES} bytes; not read`
      : `'${file}' is not a gzip archive (${messageOf(e)})`);
  }
  const files: ChartFiles = new Map();
  let top: string | undefined;
  let templates = 0;
  // Loaded here, not at module load: every synth imports the prechecks, few read an archive (~25 ms saved).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Parser } = require('tar') as typeof import('tar');
  const parser = new Parser({
    strict: true,
    onReadEntry: (entry: ReadEntry) => {
      const parts = entry.path.replace(/^\.\//, '').split('/');
      top ??= parts[0];
      const rel = parts.slice(1).join('/');
      if (TEMPLATE_FILE.test(rel) && !PROFILE_FILE.test(rel) && ++templates > MAX_TEMPLATE_FILES) {
        entry.resume();
        return;
      }
      if (entry.type !== 'File' || parts[0] !== top || parts.includes('..') || !wanted(rel) || entry.size > MAX_FILE_BYTES) {
        entry.resume();
        return;
      }
      const chunks: Buffer[] = [];
      entry.on('data', (c: Buffer) => chunks.push(c));
      entry.on('end', () => files.set(rel, Buffer.concat(chunks).toString('utf8')));
    },
  });
  let failure: Error | undefined;
  parser.on('error', (e: Error) => { failure = e; });
  parser.on('warn', (_code: string, message: string | Error) => { failure ??= message instanceof Error ? message : new Error(message); });
  parser.end(unpacked);
  if (failure) throw new Error(`'${file}' is not a chart archive: ${messageOf(failure)}`);
  return files;
}

/** The wanted files of an unpacked chart directory (`helm pull --untar`). */
function filesOfDirectory(dir: string): ChartFiles {
  const files: ChartFiles = new Map();
  for (const rel of ['Chart.yaml', 'values.yaml']) {
    const f = path.join(dir, rel);
    if (fs.existsSync(f)) files.set(rel, readSmall(f));
  }
  const filesDir = path.join(dir, 'files');
  if (fs.existsSync(filesDir) && fs.statSync(filesDir).isDirectory()) {
    for (const name of fs.readdirSync(filesDir)) if (wanted(`files/${name}`)) files.set(`files/${name}`, readSmall(path.join(filesDir, name)));
  }
  // templates/, nested directories included (regular files only; symlinks are not followed)
  let count = 0;
  let total = 0;
  const walk = (rel: string): void => {
    const abs = path.join(dir, rel);
    if (!fs.lstatSync(abs).isDirectory()) return;
    for (const name of fs.readdirSync(abs)) {
      const child = `${rel}/${name}`;
      const st = fs.lstatSync(path.join(dir, child));
      if (st.isDirectory()) walk(child);
      else if (st.isFile() && ++count <= MAX_TEMPLATE_FILES) {
        total += st.size;
        if (total > MAX_UNPACKED_BYTES) throw new Error(`'${path.join(dir, 'templates')}' holds more than ${MAX_UNPACKED_BYTES} bytes; not read`);
        files.set(child, readSmall(path.join(dir, child)));
      }
    }
  };
  if (fs.existsSync(path.join(dir, 'templates'))) walk('templates');
  return files;
}

function chartOf(files: ChartFiles, where: string): ChartData {
  const meta = parse(files.get('Chart.yaml') ?? '') as unknown;
  if (!isObj(meta) || typeof meta.name !== 'string' || meta.version === undefined) throw new Error(`${where} has no Chart.yaml with a name and a version`);
  if (!files.has('values.yaml')) throw new Error(`${where} has no values.yaml`);
  const values = parse(files.get('values.yaml')!) as unknown;
  const profiles = [...files.keys()].flatMap((f) => /^files\/profile-(.+)\.yaml$/.exec(f)?.[1] ?? []).sort();
  return { name: meta.name, version: String(meta.version), values, profiles, templateReads: templateReads(files) };
}

const cache = new Map<string, { stamp: string; result: ChartLookup }>();

/** Where `helm pull` puts a chart: `<chart>-<version>.tgz`, or an unpacked `<chart>/` (or `<chart>-<version>/[<chart>/]`). */
function candidates(dir: string, chart: string, version: string): string[] {
  return [
    path.join(dir, `${chart}-${version}.tgz`),
    path.join(dir, `${chart}-${version}`, chart),
    path.join(dir, `${chart}-${version}`),
    path.join(dir, chart),
  ];
}

/**
 * Finds chart `chart` at exactly `version` in `dir` and reads its `Chart.yaml`, `values.yaml`,
 * `files/profile-*.yaml` and the `.Values` paths its templates name (nothing is extracted to disk; sizes are bounded). A candidate whose
 * Chart.yaml names another chart or version is skipped. Results are cached per file state.
 */
export function findChart(dir: string, chart: string, version: string): ChartLookup {
  const seen: string[] = [];
  // Paths stay in the form the context gives (relative to the synth's directory, usually), so the
  // messages are the same in every checkout (mesh-review compares them between two synths).
  for (const c of candidates(dir, chart, version)) {
    let st: fs.Stats;
    try { st = fs.statSync(c); } catch { continue; }
    const stamp = `${st.mtimeMs}:${st.size}:${st.ino}`;
    const key = `${path.resolve(c)}\0${chart}\0${version}`;
    const hit = cache.get(key);
    let result: ChartLookup;
    if (hit && hit.stamp === stamp) {
      result = hit.result;
    } else {
      try {
        const data = chartOf(st.isDirectory() ? filesOfDirectory(c) : filesOfArchive(c), `'${c}'`);
        if (data.name !== chart || data.version.replace(/^v/, '') !== version.replace(/^v/, '')) {
          result = { found: false, problem: `'${c}' holds ${data.name} ${data.version}` };
        } else {
          result = { found: true, chart: data, source: c };
        }
      } catch (e: unknown) {
        result = { found: false, problem: messageOf(e) };
      }
      cache.set(key, { stamp, result });
    }
    if (result.found) return result;
    seen.push(result.problem);
  }
  const problems = seen.length > 0 ? `; ${seen.join('; ')}` : '';
  return { found: false, problem: `no ${chart} ${version} in '${dir}' (looked for ${chart}-${version}.tgz, ${chart}-${version}/ and ${chart}/)${problems}` };
}
