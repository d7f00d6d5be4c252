/**
 * `mesh-bench compare <results>`: loads a results directory (layout in `benchmark/contract.ts`),
 * builds the comparison in `analysis/` and writes it as table, Markdown, JSON or CSV, plus an
 * optional SVG latency plot. All file access is here; the analysis is pure.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Command } from 'commander';
import {
  BenchmarkMode,
  ProxyResourceSamples,
  RESULTS_METADATA_FILE,
  RESULTS_ROUNDS_DIR,
  RunMetadata,
} from '../benchmark/contract';
import { parseFortioResult } from '../analysis/fortio';
import { buildComparison, CompareInput, RunInput } from '../analysis/report';
import { formatReport, OUTPUT_FORMATS, OutputFormat } from '../analysis/format';
import { renderLatencySvg } from '../analysis/svg';
import { invalid, IstioMeshValidationError } from '../private/errors';
import { FORTIO_FILE_EXPECTED } from './inspect-command';
import { CliIo, processIo, readJsonFile } from './io';

const MODES: readonly string[] = Object.freeze(Object.values(BenchmarkMode) as string[]);
const RESOURCES_SUFFIX = '.resources.json';

function isMode(s: string): s is BenchmarkMode {
  return MODES.includes(s);
}

function parseResources(json: unknown, file: string): ProxyResourceSamples {
  const o = json as Partial<ProxyResourceSamples> | null;
  if (typeof o !== 'object' || o === null || !Array.isArray(o.samples)) {
    throw new IstioMeshValidationError(file, `'${file}' is not a proxy resource sample file: expected an object with a 'samples' array (ProxyResourceSamples)`);
  }
  o.samples.forEach((s, i) => {
    if (typeof s?.cpuMillicores !== 'number' || typeof s?.memoryMiB !== 'number') {
      throw new IstioMeshValidationError(file, `'${file}' samples[${i}] must have numeric 'cpuMillicores' and 'memoryMiB'`);
    }
  });
  return o as ProxyResourceSamples;
}

function parseMetadata(json: unknown, file: string): RunMetadata {
  const o = json as Partial<RunMetadata> | null;
  if (typeof o !== 'object' || o === null || Array.isArray(o) || (o.modes !== undefined && !Array.isArray(o.modes))) {
    throw new IstioMeshValidationError(file, `'${file}' is not run metadata: expected a JSON object (RunMetadata) with 'runId', 'seed', 'rounds', 'modes'`);
  }
  return { failures: [], modes: [], order: [], templates: {}, ...o } as RunMetadata;
}

/**
 * Reads `<dir>/metadata.json` (optional), every `<dir>/rounds/<n>/<mode>.json` and
 * `<mode>.resources.json`. Throws naming the directory when there is nothing to compare.
 */
export function loadResultsDir(dir: string): CompareInput {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new IstioMeshValidationError(dir, `results directory '${dir}' not found; expected a directory written by \`mesh-bench run\` (${RESULTS_METADATA_FILE}, ${RESULTS_ROUNDS_DIR}/<round>/<mode>.json)`);
  }
  const metaPath = path.join(dir, RESULTS_METADATA_FILE);
  const metadata = fs.existsSync(metaPath) ? parseMetadata(readJsonFile(metaPath, 'run metadata (RunMetadata JSON)'), metaPath) : undefined;
  const roundsDir = path.join(dir, RESULTS_ROUNDS_DIR);
  const roundNames = fs.existsSync(roundsDir) ? fs.readdirSync(roundsDir).filter((n) => /^\d+$/.test(n)) : [];
  const runs: RunInput[] = [];
  const resources: ProxyResourceSamples[] = [];
  for (const name of roundNames.sort((a, b) => Number(a) - Number(b))) {
    const round = Number(name);
    const rd = path.join(roundsDir, name);
    for (const file of fs.readdirSync(rd).sort()) {
      const full = path.join(rd, file);
      if (file.endsWith(RESOURCES_SUFFIX)) {
        const mode = file.slice(0, -RESOURCES_SUFFIX.length);
        if (isMode(mode)) resources.push({ ...parseResources(readJsonFile(full, 'proxy resource samples'), full), mode, round });
      } else if (file.endsWith('.json')) {
        const mode = file.slice(0, -'.json'.length);
        if (isMode(mode)) runs.push({ round, mode, source: full, result: parseFortioResult(readJsonFile(full, FORTIO_FILE_EXPECTED), full) });
      }
    }
  }
  if (runs.length === 0) {
    throw new IstioMeshValidationError(dir, `no fortio results found in '${dir}'; expected files ${RESULTS_ROUNDS_DIR}/<round>/<mode>.json with mode one of ${MODES.join(', ')}`);
  }
  return { runs, resources, metadata };
}

interface CompareOpts {
  readonly format: string;
  readonly out?: string;
  readonly svg?: string;
  readonly baseline?: string;
  readonly confidence: string;
}

function checkOptions(opts: CompareOpts): { format: OutputFormat; baseline?: BenchmarkMode; confidence: number } {
  const format = OUTPUT_FORMATS.find((f) => f === opts.format);
  if (!format) throw invalid('--format', 'must be a known output format', opts.format, `one of ${OUTPUT_FORMATS.join(', ')}`);
  if (opts.baseline !== undefined && !isMode(opts.baseline)) {
    throw invalid('--baseline', 'must be a benchmark mode', opts.baseline, `one of ${MODES.join(', ')}`);
  }
  const confidence = Number(opts.confidence);
  if (!(confidence > 0 && confidence < 1)) throw invalid('--confidence', 'must be a number strictly between 0 and 1', opts.confidence);
  return { format, baseline: opts.baseline as BenchmarkMode | undefined, confidence };
}

/** Registers `compare` on the program. */
export function registerCompareCommand(program: Command, io: CliIo = processIo()): Command {
  return program
    .command('compare')
    .description('compare modes of a results directory: pooled percentiles, paired deltas vs baseline with CIs, throughput, errors, slip, proxy CPU/memory')
    .argument('<results>', 'results directory written by `mesh-bench run`')
    .option('--format <format>', `output format: ${OUTPUT_FORMATS.join('|')}`, 'table')
    .option('--out <file>', 'write the report to a file instead of stdout')
    .option('--svg <file>', 'also write a latency-distribution plot (SVG)')
    .option('--baseline <mode>', 'mode the deltas are computed against (default: baseline)')
    .option('--confidence <level>', 'nominal confidence of the order-statistic CIs', '0.95')
    .action((dir: string, opts: CompareOpts) => {
      const { format, baseline, confidence } = checkOptions(opts);
      const input = loadResultsDir(dir);
      if (baseline !== undefined && !input.runs.some((r) => r.mode === baseline)) {
        throw invalid('--baseline', `must be a mode present in '${dir}'`, baseline, `present: ${[...new Set(input.runs.map((r) => r.mode))].join(', ')}`);
      }
      const report = buildComparison(input, { baseline, confidence });
      const text = formatReport(report, format);
      if (opts.out) {
        fs.writeFileSync(opts.out, text);
        io.stderr(`mesh-bench: wrote ${format} report to ${opts.out}\n`);
      } else {
        io.stdout(text);
      }
      if (opts.svg) {
        fs.writeFileSync(opts.svg, renderLatencySvg(report));
        io.stderr(`mesh-bench: wrote latency plot to ${opts.svg}\n`);
      }
    });
}
