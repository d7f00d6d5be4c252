/**
 * `mesh-bench inspect <file> [--json]`: per-run metrics of one plain fortio result, or the proxy
 * CPU/memory per component of one `<mode>.resources.json` of a results directory.
 */
import { Command } from 'commander';
import { parseFortioResult } from '../analysis/fortio';
import { ResourceSummary, summarizeResources } from '../analysis/resources';
import { INSPECT_PERCENTILES, RunSummary, summarizeRun } from '../analysis/run-summary';
import { stripControl } from '../analysis/text-safety';
import { ProxyResourceSamples, RESOURCES_SUFFIX, RESULTS_LIMITS } from '../wire/results-layout';
import { CliIo, processIo } from './io';
import { FORTIO_FILE_EXPECTED, loadResourcesFile, readBoundedJson } from './results-dir';

/** The `--json` object: exactly these keys; latencies in seconds; null where unknown. */
export interface InspectJson {
  readonly count: number;
  readonly actualQps: number;
  readonly errorRate: number | null;
  readonly slip: number | null;
  readonly p50: number | null;
  readonly p75: number | null;
  readonly p90: number | null;
  readonly p99: number | null;
  readonly p999: number | null;
}

/** Builds the `--json` object from a run summary computed with {@link INSPECT_PERCENTILES}. */
export function inspectJson(s: RunSummary): InspectJson {
  const at = (p: number) => s.percentiles.find((x) => x.p === p)?.value ?? null;
  return {
    count: s.count,
    actualQps: s.actualQps,
    errorRate: s.errorRate ?? null,
    slip: s.slip ?? null,
    p50: at(50),
    p75: at(75),
    p90: at(90),
    p99: at(99),
    p999: at(99.9),
  };
}

function ms(seconds: number | undefined): string {
  return seconds === undefined ? '—' : (seconds * 1000).toPrecision(3);
}

function pct(x: number | undefined, digits: number): string {
  return x === undefined ? '—' : `${(x * 100).toFixed(digits)} %`;
}

/** Human-readable report of one run. */
export function inspectText(file: string, version: string | undefined, s: RunSummary): string {
  const lines = [
    stripControl(`${file}${version ? ` (fortio ${version})` : ''}`),
    `count           ${s.count}`,
    `requested QPS   ${s.requestedQps}`,
    `actual QPS      ${s.actualQps.toFixed(2)}`,
    `error rate      ${pct(s.errorRate, 3)}`,
    `schedule slip   ${s.slip === undefined ? '— (closed loop)' : pct(s.slip, 3)}`,
    `resolution -r   ${s.divider === undefined ? 'unknown' : `${s.divider} s`}`,
    '',
    'percentile   latency ms   bucket ms   CO-corrected ms',
  ];
  for (const p of s.percentiles) {
    const co = p.coDiffers ? ms(p.corrected) : p.corrected === undefined ? 'n/a' : 'same';
    lines.push(`${`p${p.p}`.padEnd(13)}${ms(p.value).padEnd(13)}${ms(p.bucketWidth).padEnd(12)}${co}`);
  }
  if (s.co) {
    lines.push('', `CO correction: interval ${(s.co.expectedIntervalSeconds * 1000).toPrecision(3)} ms per connection, ${s.co.correctedCount - s.co.rawCount} synthetic samples added`);
  }
  if (s.slip !== undefined && s.slip > 0.01) lines.push('', 'WARNING: schedule slip > 1 %: the generator fell behind; this run is not valid for latency.');
  return lines.join('\n') + '\n';
}

/** The `--json` object of a resources file: its mode and round, and the summary of its samples. */
export type InspectResourcesJson = { readonly mode: string; readonly round: number } & ResourceSummary;

/** Human-readable proxy CPU/memory of one resources file: one row per component, then the total. */
export function inspectResourcesText(file: string, s: ProxyResourceSamples, r: ResourceSummary): string {
  const head = stripControl(`${file} (mode ${s.mode}, ${s.round === 0 ? 'idle baseline' : `round ${s.round}`}, ${s.samples.length} samples)`);
  if (r.cpuMillicores === null || r.memoryMiB === null) return `${head}\nno proxy samples\n`;
  const row = (name: string, containers: number, cpu: number, mem: number, nodes: string): string =>
    `${name.padEnd(11)}${String(containers).padEnd(13)}${(cpu / 1000).toFixed(3).padEnd(17)}${mem.toFixed(1).padEnd(15)}${nodes}`.trimEnd();
  const lines = [head, 'component  containers   CPU vCPU (mean)  mem MiB (max)  nodes'];
  for (const c of r.components) lines.push(row(c.component, c.containers, c.cpuMillicores, c.memoryMiB, stripControl(c.nodes.join(', '))));
  lines.push(row('total', r.containers, r.cpuMillicores, r.memoryMiB, ''));
  return lines.join('\n') + '\n';
}

/** Registers `inspect` on the program. */
export function registerInspectCommand(program: Command, io: CliIo = processIo()): Command {
  return program
    .command('inspect')
    .description(`print count, QPS, error rate, schedule slip and p50/p75/p90/p99/p99.9 of one fortio JSON result; or, for a <mode>${RESOURCES_SUFFIX} of a results directory, proxy CPU/memory per component (sidecar, ztunnel, waypoint)`)
    .argument('<file>', `a fortio \`load -json\` result file, or a <mode>${RESOURCES_SUFFIX}`)
    .option('--json', 'print exactly one JSON object (seconds)')
    .action((file: string, opts: { json?: boolean }) => {
      if (file.endsWith(RESOURCES_SUFFIX)) {
        const samples = loadResourcesFile(file);
        const summary = summarizeResources([samples], samples.mode);
        const json: InspectResourcesJson = { mode: samples.mode, round: samples.round, ...summary };
        io.stdout(opts.json ? JSON.stringify(json) + '\n' : inspectResourcesText(file, samples, summary));
        return;
      }
      const result = parseFortioResult(readBoundedJson(file, RESULTS_LIMITS.maxResultBytes, FORTIO_FILE_EXPECTED), file);
      const summary = summarizeRun(result, INSPECT_PERCENTILES);
      io.stdout(opts.json ? JSON.stringify(inspectJson(summary)) + '\n' : inspectText(file, result.version, summary));
    });
}
