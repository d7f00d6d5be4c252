/**
 * The one module that writes and reads a results directory (layout and documents in
 * `lib/wire/results-layout.ts`). `mesh-bench run` writes through {@link ResultsWriter};
 * `mesh-bench compare` and `run --resume` read through {@link loadResultsDir}. Both check a
 * fortio result with the same function, {@link validateResultText}.
 *
 * Nothing on disk is trusted: only regular files (no FIFOs, devices or symbolic links) of
 * bounded size are read, directory names must be canonical, and every document is validated
 * before use. Every rejection is a one-line {@link DataError} naming the file and the field.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ALL_MODES, BenchmarkMode } from '../wire/bench-contract';
import { FortioResult, parseFortioResult } from '../analysis/fortio';
import { CompareInput, RunInput } from '../analysis/report';
import { DataError } from '../private/cli-errors';
import {
  CANONICAL_INTEGER,
  fieldError,
  idleRelPath,
  ProxyResourceSamples,
  resourcesRelPath,
  resultRelPath,
  RESOURCES_SUFFIX,
  RESULT_SUFFIX,
  RESULTS_FORMAT_VERSION,
  RESULTS_IDLE_DIR,
  RESULTS_LIMITS,
  RESULTS_METADATA_FILE,
  RESULTS_RATES_DIR,
  RESULTS_ROUNDS_DIR,
  RunMetadata,
  validateResourceSamples,
  validateRunMetadata,
} from '../wire/results-layout';

/** What a fortio result file must be, for error messages. */
export const FORTIO_FILE_EXPECTED = 'a fortio JSON result (`fortio load -json <file>`)';

function errnoText(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'file not found';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ELOOP') return 'is a symbolic link; only regular files are read';
  if (code === 'EISDIR') return 'is a directory';
  return code ?? (e instanceof Error ? e.message : String(e));
}

/**
 * Reads a regular file of at most `maxBytes` as UTF-8. The file is opened without following a
 * final symbolic link and without blocking (a FIFO cannot hang the read), and is rejected unless
 * it is a regular file; at most `maxBytes + 1` bytes are ever read.
 */
export function readBoundedFile(file: string, maxBytes: number, expected: string): string {
  let fd: number;
  try {
    // eslint-disable-next-line no-bitwise
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK | fs.constants.O_NOFOLLOW);
  } catch (e: unknown) {
    throw new DataError(file, `cannot read '${file}': ${errnoText(e)}; expected ${expected}`);
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) {
      const kind = st.isDirectory() ? 'a directory' : st.isFIFO() ? 'a FIFO' : st.isCharacterDevice() || st.isBlockDevice() ? 'a device' : st.isSocket() ? 'a socket' : 'not a regular file';
      throw new DataError(file, `'${file}' is ${kind}; expected ${expected} (only regular files are read)`);
    }
    if (st.size > maxBytes) throw new DataError(file, `'${file}' is ${st.size} bytes, more than the ${maxBytes} allowed for ${expected}`);
    const buf = Buffer.alloc(Math.min(maxBytes + 1, Math.max(st.size, 0) + 1));
    let total = 0;
    for (;;) {
      const n = fs.readSync(fd, buf, total, buf.length - total, null);
      if (n === 0) break;
      total += n;
      if (total === buf.length) {
        if (buf.length > maxBytes) throw new DataError(file, `'${file}' grew beyond the ${maxBytes} bytes allowed for ${expected}`);
        break;
      }
    }
    return buf.subarray(0, total).toString('utf8');
  } catch (e: unknown) {
    if (e instanceof DataError) throw e;
    throw new DataError(file, `cannot read '${file}': ${errnoText(e)}; expected ${expected}`);
  } finally {
    fs.closeSync(fd);
  }
}

/** Reads and decodes a bounded JSON file; errors name the file. */
export function readBoundedJson(file: string, maxBytes: number, expected: string): unknown {
  const text = readBoundedFile(file, maxBytes, expected);
  return parseJsonText(text, file, expected);
}

function parseJsonText(text: string, file: string, expected: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e: unknown) {
    throw new DataError(file, `'${file}' is not valid JSON (${(e as Error).message.slice(0, 120)}); expected ${expected}`);
  }
}

/**
 * Decodes and validates one fortio result with `compare`'s parser, and checks that it ran at
 * the rate its place in the layout says. Used by `run` before it records a round as good.
 */
export function validateResultText(text: string, source: string, qps: number): FortioResult {
  const result = parseFortioResult(parseJsonText(text, source, FORTIO_FILE_EXPECTED), source);
  if (result.requestedQps !== qps) {
    throw fieldError(source, 'RequestedQPS', `must be ${qps}, the rate of the directory it is in`, result.requestedQps);
  }
  return result;
}

/**
 * Lists a directory (names only, sorted), dot-files aside. Each name is checked by `check` as it
 * is read, and reading stops after `max` entries: a directory with a million entries costs no
 * more than the plan allows.
 */
function listDir(dir: string, max: number, what: string, check: (name: string) => void = () => undefined): string[] {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(dir);
  } catch (e: unknown) {
    throw new DataError(dir, `cannot read ${what} '${dir}': ${errnoText(e)}`);
  }
  if (!st.isDirectory()) throw new DataError(dir, `'${dir}' must be a directory (${what}), not ${st.isSymbolicLink() ? 'a symbolic link' : 'a file'}`);
  const names: string[] = [];
  let d: fs.Dir;
  try {
    d = fs.opendirSync(dir);
  } catch (e: unknown) {
    throw new DataError(dir, `cannot read ${what} '${dir}': ${errnoText(e)}`);
  }
  try {
    for (let ent = d.readSync(); ent !== null; ent = d.readSync()) {
      if (ent.name.startsWith('.')) continue;
      check(ent.name);
      names.push(ent.name);
      if (names.length > max) throw new DataError(dir, `${what} '${dir}' has more than ${max} entries; the run planned at most ${max}`);
    }
  } finally {
    d.closeSync();
  }
  return names.sort();
}

function canonicalInt(name: string, dir: string, what: string, allowed: readonly number[]): number {
  if (!CANONICAL_INTEGER.test(name)) {
    throw new DataError(path.join(dir, name), `'${path.join(dir, name)}': ${what} directory name must be a canonical decimal integer (no sign, no leading zero), got '${name.slice(0, 40)}'`);
  }
  const n = Number(name);
  if (!allowed.includes(n)) {
    const shown = allowed.length > 10 ? `${allowed[0]} … ${allowed[allowed.length - 1]}` : allowed.join(', ');
    throw new DataError(path.join(dir, name), `'${path.join(dir, name)}': ${what} ${n} is not in the run's plan (${shown}, from ${RESULTS_METADATA_FILE})`);
  }
  return n;
}

/** One rate of a loaded directory: the compare input of that rate. */
export interface RateResults extends CompareInput {
  readonly qps: number;
}

/** A validated results directory. */
export interface LoadedResults {
  readonly dir: string;
  readonly metadata: RunMetadata;
  /** One entry per rate of the plan, in the plan's order (rates without any result included). */
  readonly rates: readonly RateResults[];
  /** Idle-baseline samples (round 0), one per mode that has them. */
  readonly idle: readonly ProxyResourceSamples[];
}

function modeOfFile(name: string, modes: readonly BenchmarkMode[]): { mode: BenchmarkMode; kind: 'result' | 'resources' } | undefined {
  const kind = name.endsWith(RESOURCES_SUFFIX) ? 'resources' : name.endsWith(RESULT_SUFFIX) ? 'result' : undefined;
  if (kind === undefined) return undefined;
  const stem = name.slice(0, -(kind === 'resources' ? RESOURCES_SUFFIX : RESULT_SUFFIX).length);
  const mode = modes.find((m) => m === stem);
  return mode === undefined ? undefined : { mode, kind };
}

function unexpected(file: string, allowed: string): DataError {
  return new DataError(file, `'${file}' is not part of a results directory (format ${RESULTS_FORMAT_VERSION}); expected ${allowed}`);
}

/**
 * Reads and validates a whole results directory. All work is bounded by the entries present and
 * the plan in `metadata.json` (itself range-checked), never by a count a file claims.
 */
export function loadResultsDir(dir: string): LoadedResults {
  let st: fs.Stats | undefined;
  try {
    st = fs.statSync(dir);
  } catch {
    st = undefined;
  }
  if (st === undefined || !st.isDirectory()) {
    throw new DataError(dir, `results directory '${dir}' not found; expected a directory written by \`mesh-bench run\` (${RESULTS_METADATA_FILE}, ${RESULTS_RATES_DIR}/<qps>/${RESULTS_ROUNDS_DIR}/<round>/<mode>.json)`);
  }
  const metaPath = path.join(dir, RESULTS_METADATA_FILE);
  const metadata = validateRunMetadata(readBoundedJson(metaPath, RESULTS_LIMITS.maxMetadataBytes, `run metadata (format ${RESULTS_FORMAT_VERSION})`), metaPath);
  const modes = metadata.modes;
  const top = listDir(dir, 3, 'results directory', (name) => {
    if (![RESULTS_METADATA_FILE, RESULTS_RATES_DIR, RESULTS_IDLE_DIR].includes(name)) {
      throw unexpected(path.join(dir, name), `${RESULTS_METADATA_FILE}, ${RESULTS_RATES_DIR}/ and ${RESULTS_IDLE_DIR}/ only`);
    }
  });
  const idle: ProxyResourceSamples[] = [];
  if (top.includes(RESULTS_IDLE_DIR)) {
    const idleDir = path.join(dir, RESULTS_IDLE_DIR);
    const idleFile = (name: string): { mode: BenchmarkMode } => {
      const m = modeOfFile(name, modes);
      if (m === undefined || m.kind !== 'resources') throw unexpected(path.join(idleDir, name), `<mode>${RESOURCES_SUFFIX} with mode one of ${modes.join(', ')}`);
      return m;
    };
    for (const name of listDir(idleDir, modes.length, 'idle-baseline directory', idleFile)) {
      const file = path.join(idleDir, name);
      const m = idleFile(name);
      idle.push(validateResourceSamples(readBoundedJson(file, RESULTS_LIMITS.maxResourcesBytes, 'proxy resource samples'), file, { mode: m.mode, round: 0 }));
    }
  }
  const byRate = new Map<number, { runs: RunInput[]; resources: ProxyResourceSamples[] }>(metadata.rates.map((q) => [q, { runs: [], resources: [] }]));
  const roundNumbers = Array.from({ length: metadata.rounds }, (_, i) => i + 1);
  const failed = new Set(metadata.failures.map((f) => `${f.qps}/${f.round}/${f.mode}`));
  if (top.includes(RESULTS_RATES_DIR)) {
    const ratesDir = path.join(dir, RESULTS_RATES_DIR);
    const rateOf = (name: string): number => canonicalInt(name, ratesDir, 'rate', metadata.rates);
    for (const rateName of listDir(ratesDir, metadata.rates.length, 'rates directory', rateOf)) {
      const qps = rateOf(rateName);
      const rateDir = path.join(ratesDir, rateName);
      listDir(rateDir, 1, 'rate directory', (name) => {
        if (name !== RESULTS_ROUNDS_DIR) throw unexpected(path.join(rateDir, name), `${RESULTS_ROUNDS_DIR}/ only`);
      });
      const roundsDir = path.join(rateDir, RESULTS_ROUNDS_DIR);
      if (!fs.existsSync(roundsDir)) continue;
      const bucket = byRate.get(qps) as { runs: RunInput[]; resources: ProxyResourceSamples[] };
      const roundOf = (name: string): number => canonicalInt(name, roundsDir, 'round', roundNumbers);
      for (const roundName of listDir(roundsDir, metadata.rounds, 'rounds directory', roundOf)) {
        const round = roundOf(roundName);
        const rd = path.join(roundsDir, roundName);
        const cellOf = (name: string): { mode: BenchmarkMode; kind: 'result' | 'resources' } => {
          const m = modeOfFile(name, modes);
          if (m === undefined) throw unexpected(path.join(rd, name), `<mode>.json or <mode>${RESOURCES_SUFFIX} with mode one of ${modes.join(', ')}`);
          return m;
        };
        for (const name of listDir(rd, modes.length * 2, 'round directory', cellOf)) {
          const file = path.join(rd, name);
          const m = cellOf(name);
          if (m.kind === 'resources') {
            bucket.resources.push(validateResourceSamples(readBoundedJson(file, RESULTS_LIMITS.maxResourcesBytes, 'proxy resource samples'), file, { mode: m.mode, round }));
            continue;
          }
          if (failed.has(`${qps}/${round}/${m.mode}`)) {
            throw new DataError(file, `'${file}' exists, but ${RESULTS_METADATA_FILE} records rate ${qps} round ${round} ${m.mode} as failed; a cell is either failed or has a result`);
          }
          const result = validateResultText(readBoundedFile(file, RESULTS_LIMITS.maxResultBytes, FORTIO_FILE_EXPECTED), file, qps);
          bucket.runs.push({ round, mode: m.mode, source: file, result });
        }
      }
    }
  }
  const rates = metadata.rates.map((qps) => {
    const b = byRate.get(qps) as { runs: RunInput[]; resources: ProxyResourceSamples[] };
    return { qps, runs: b.runs, resources: b.resources, metadata, idle };
  });
  if (rates.every((r) => r.runs.length === 0)) {
    throw new DataError(dir, `no fortio results found in '${dir}'; expected files ${RESULTS_RATES_DIR}/<qps>/${RESULTS_ROUNDS_DIR}/<round>/<mode>.json with mode one of ${modes.join(', ')}`);
  }
  return { dir, metadata, rates, idle };
}

/**
 * Reads one `<mode>.resources.json` on its own (`inspect`): its mode comes from its name and its
 * round from its directory (`idle/` = 0, else `rounds/<r>/`), as in a results directory.
 */
export function loadResourcesFile(file: string): ProxyResourceSamples {
  const name = path.basename(file);
  const mode = name.endsWith(RESOURCES_SUFFIX) ? ALL_MODES.find((m) => `${m}${RESOURCES_SUFFIX}` === name) : undefined;
  if (mode === undefined) throw new DataError(file, `'${file}': expected a file named <mode>${RESOURCES_SUFFIX} with mode one of ${ALL_MODES.join(', ')}`);
  const parent = path.basename(path.dirname(path.resolve(file)));
  const round = parent === RESULTS_IDLE_DIR ? 0 : CANONICAL_INTEGER.test(parent) && Number(parent) >= 1 ? Number(parent) : undefined;
  if (round === undefined) {
    throw new DataError(file, `'${file}': expected it in ${RESULTS_IDLE_DIR}/ or in ${RESULTS_RATES_DIR}/<qps>/${RESULTS_ROUNDS_DIR}/<round>/ of a results directory (its directory says the round)`);
  }
  return validateResourceSamples(readBoundedJson(file, RESULTS_LIMITS.maxResourcesBytes, 'proxy resource samples'), file, { mode, round });
}

/** Is `dir` absent or empty (dot-files aside)? */
export function isFreshDir(dir: string): boolean {
  try {
    return fs.readdirSync(dir).filter((n) => !n.startsWith('.')).length === 0;
  } catch (e: unknown) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

/** Writes a results directory; every write goes to a temporary file renamed into place. */
export class ResultsWriter {
  private constructor(public readonly dir: string) {}

  /** Starts a new directory (absent or empty) with its first metadata. */
  static create(dir: string, metadata: RunMetadata): ResultsWriter {
    if (!isFreshDir(dir)) throw new DataError(dir, `'${dir}' must be a new or empty directory (results of different runs must not mix); use --resume to continue a run`);
    const w = new ResultsWriter(dir);
    w.writeMetadata(metadata);
    return w;
  }

  /** Continues an existing directory after validating all of it (what `compare` would read). */
  static resume(dir: string): { writer: ResultsWriter; loaded: LoadedResults | undefined; metadata: RunMetadata } {
    const metaPath = path.join(dir, RESULTS_METADATA_FILE);
    const metadata = validateRunMetadata(readBoundedJson(metaPath, RESULTS_LIMITS.maxMetadataBytes, `run metadata (format ${RESULTS_FORMAT_VERSION})`), metaPath);
    let loaded: LoadedResults | undefined;
    try {
      loaded = loadResultsDir(dir);
    } catch (e: unknown) {
      // a run interrupted before its first result has nothing to load yet; anything else is corrupt
      if (!(e instanceof DataError && e.message.startsWith('no fortio results found'))) throw e;
    }
    return { writer: new ResultsWriter(dir), loaded, metadata };
  }

  writeMetadata(m: RunMetadata): void {
    this.writeJson(RESULTS_METADATA_FILE, m);
  }

  /**
   * Validates a harvested fortio result with `compare`'s parser, then records it. Throws
   * {@link DataError} (and writes nothing) when the result would not pass `compare`.
   */
  writeResult(qps: number, round: number, mode: BenchmarkMode, text: string): FortioResult {
    const rel = resultRelPath(qps, round, mode);
    const result = validateResultText(text, rel, qps);
    this.writeText(rel, `${text.trim()}\n`);
    return result;
  }

  writeResources(qps: number, samples: ProxyResourceSamples): void {
    this.writeJson(resourcesRelPath(qps, samples.round, samples.mode), samples);
  }

  writeIdle(samples: ProxyResourceSamples): void {
    this.writeJson(idleRelPath(samples.mode), samples);
  }

  /** Is there a result for the cell? */
  hasResult(qps: number, round: number, mode: BenchmarkMode): boolean {
    return fs.existsSync(path.join(this.dir, resultRelPath(qps, round, mode)));
  }

  private writeJson(rel: string, value: unknown): void {
    this.writeText(rel, `${JSON.stringify(value, null, 2)}\n`);
  }

  private writeText(rel: string, text: string): void {
    const file = path.join(this.dir, rel);
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      // a dot-file: the reader ignores it if an interruption leaves it behind
      const tmp = path.join(path.dirname(file), `.${path.basename(file)}.tmp-${process.pid}`);
      fs.writeFileSync(tmp, text);
      fs.renameSync(tmp, file);
    } catch (e: unknown) {
      throw new DataError(file, `cannot write '${file}': ${errnoText(e)}`);
    }
  }
}
