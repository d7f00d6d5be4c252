/**
 * `mesh-bench compare <results>`: loads a results directory through `results-dir.ts` (every file
 * validated), builds one comparison per rate in `analysis/` and writes them as table, Markdown,
 * JSON or CSV, plus an optional SVG latency plot per rate.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command } from 'commander';
import { ALL_MODES, BenchmarkMode } from '../wire/bench-contract';
import { buildComparison, ComparisonReport } from '../analysis/report';
import { formatReports, OUTPUT_FORMATS, OutputFormat } from '../analysis/format';
import { renderLatencySvg } from '../analysis/svg';
import { DataError, UsageError } from '../private/cli-errors';
import { describeValue } from '../private/errors';
import { CliIo, processIo } from './io';
import { loadResultsDir, LoadedResults } from './results-dir';

interface CompareOpts {
  readonly format: string;
  readonly out?: string;
  readonly svg?: string;
  readonly baseline?: string;
  readonly confidence: string;
}

function usage(option: string, rule: string, value: unknown, allowed?: string): UsageError {
  return new UsageError(option, `'${option}' ${rule}, got ${describeValue(value)}${allowed ? ` (${allowed})` : ''}`);
}

function checkOptions(opts: CompareOpts): { format: OutputFormat; baseline?: BenchmarkMode; confidence: number } {
  const format = OUTPUT_FORMATS.find((f) => f === opts.format);
  if (!format) throw usage('--format', 'must be a known output format', opts.format, `one of ${OUTPUT_FORMATS.join(', ')}`);
  const baseline = ALL_MODES.find((m) => m === opts.baseline);
  if (opts.baseline !== undefined && baseline === undefined) throw usage('--baseline', 'must be a benchmark mode', opts.baseline, `one of ${ALL_MODES.join(', ')}`);
  const confidence = Number(opts.confidence);
  if (!(confidence > 0 && confidence < 1)) throw usage('--confidence', 'must be a number strictly between 0 and 1', opts.confidence);
  return { format, baseline, confidence };
}

/** One comparison per rate of the directory, in the plan's order (rates without results skipped). */
export function compareResults(loaded: LoadedResults, options: { baseline?: BenchmarkMode; confidence: number }): ComparisonReport[] {
  return loaded.rates.filter((r) => r.runs.length > 0).map((r) => buildComparison(r, options));
}

/** Writes a file the user named; a failure is one line naming it. */
export function writeUserFile(file: string, text: string, what: string): void {
  try {
    fs.writeFileSync(file, text);
  } catch (e: unknown) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? `directory '${path.dirname(file)}' does not exist` : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : (code ?? String(e));
    throw new DataError(file, `cannot write the ${what} to '${file}': ${why}`);
  }
}

/** Fails early (before any output) when a file the user named cannot be created. */
export function checkWritableTarget(file: string, what: string): void {
  const dir = path.dirname(file);
  let ok = false;
  try {
    ok = fs.statSync(dir).isDirectory();
  } catch {
    ok = false;
  }
  if (!ok) throw new DataError(file, `cannot write the ${what} to '${file}': directory '${dir}' does not exist`);
}

/** `<file>` for one rate, `<stem>-<qps>qps<ext>` per rate of a sweep. */
export function perRateFile(file: string, qps: number | null, sweep: boolean): string {
  if (!sweep || qps === null) return file;
  const ext = path.extname(file);
  return `${file.slice(0, file.length - ext.length)}-${qps}qps${ext}`;
}

/** Registers `compare` on the program. */
export function registerCompareCommand(program: Command, io: CliIo = processIo()): Command {
  return program
    .command('compare')
    .description('compare modes of a results directory, rate by rate: pooled percentiles, paired deltas vs baseline with CIs, throughput, errors, slip, proxy CPU/memory')
    .argument('<results>', 'results directory written by `mesh-bench run`')
    .option('--format <format>', `output format: ${OUTPUT_FORMATS.join('|')}`, 'table')
    .option('--out <file>', 'write the report to a file instead of stdout')
    .option('--svg <file>', 'also write a latency-distribution plot (SVG); one file per rate of a sweep (<name>-<qps>qps.svg)')
    .option('--baseline <mode>', 'mode the deltas are computed against (default: baseline)')
    .option('--confidence <level>', 'nominal confidence of the order-statistic CIs', '0.95')
    .action((dir: string, opts: CompareOpts) => {
      const { format, baseline, confidence } = checkOptions(opts);
      if (opts.out) checkWritableTarget(opts.out, `${format} report`);
      if (opts.svg) checkWritableTarget(opts.svg, 'latency plot');
      const loaded = loadResultsDir(dir);
      if (baseline !== undefined && !loaded.rates.some((r) => r.runs.some((x) => x.mode === baseline))) {
        const present = [...new Set(loaded.rates.flatMap((r) => r.runs.map((x) => x.mode)))];
        throw usage('--baseline', `must be a mode present in '${dir}'`, baseline, `present: ${present.join(', ')}`);
      }
      const reports = compareResults(loaded, { baseline, confidence });
      const text = formatReports(reports, format, loaded.metadata);
      if (opts.out) {
        writeUserFile(opts.out, text, `${format} report`);
        io.stderr(`mesh-bench: wrote ${format} report to ${opts.out}\n`);
      } else {
        io.stdout(text);
      }
      if (opts.svg) {
        const sweep = reports.length > 1;
        for (const r of reports) {
          const file = perRateFile(opts.svg, r.qps, sweep);
          writeUserFile(file, renderLatencySvg(r), 'latency plot');
          io.stderr(`mesh-bench: wrote latency plot to ${file}\n`);
        }
      }
    });
}
