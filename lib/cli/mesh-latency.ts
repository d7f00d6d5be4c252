/**
 * `mesh-latency --namespace <ns>`: thin CLI over `kube/latency.ts` (gather) and
 * `analysis/latency.ts` (judge and render), run through the shared `runMain`. Exit codes: 0 at
 * least one pod read, 1 nothing readable / cluster unreachable, 2 usage.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { buildLatencyReport, DEFAULT_QUANTILES, exitCodeOf, failureLine, renderText } from '../analysis/latency';
import { KubeClient } from '../kube/client';
import { gatherLatency } from '../kube/latency';
import { CliIo, processIo } from './io';
import { runMain } from './main';

export { quantileKey, latencyFromMetrics, ztunnelCountersFromMetrics, REQUEST_DURATION_HISTOGRAM, ZTUNNEL_COUNTERS, DEFAULT_QUANTILES } from '../analysis/latency';
export type { LatencyReport, PodLatency, ZtunnelReading, QuantileValues, Reporter } from '../analysis/latency';
export { METRICS_PORT, METRICS_PATH } from '../kube/latency';

/** Defaults of the flags. */
export const DEFAULT_TIMEOUT_MS = 5000;
export const DEFAULT_CONCURRENCY = 8;

/** Output sinks; tests pass collectors. */
export type LatencyIo = CliIo;

function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`expected a positive integer, got '${value}'`);
  return n;
}

function parseQuantiles(value: string): number[] {
  const qs = value.split(',').map((s) => Number(s.trim()));
  if (qs.length === 0 || qs.some((q) => !Number.isFinite(q) || q < 0 || q > 1)) throw new InvalidArgumentError(`expected comma-separated quantiles in [0, 1], got '${value}'`);
  return qs;
}

/** Builds the `mesh-latency` program (one command, no subcommands). */
export function buildLatencyProgram(io: LatencyIo, setExitCode: (code: number) => void): Command {
  const program = new Command('mesh-latency')
    .description('per-pod Istio proxy latency quantiles (histogram_quantile over istio_request_duration_milliseconds)')
    .requiredOption('--namespace <ns>', 'namespace to inspect')
    .option('--kubeconfig <path>', 'kubeconfig file (default: KUBECONFIG or ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context (default: current context)')
    .addOption(new Option('--reporter <reporter>', 'which proxy reported the request').choices(['destination', 'source']).default('destination'))
    .option('--timeout-ms <ms>', `per-pod request timeout (default: ${DEFAULT_TIMEOUT_MS})`, parsePositiveInt)
    .option('--concurrency <n>', `pods read at once (default: ${DEFAULT_CONCURRENCY})`, parsePositiveInt)
    .option('--quantiles <list>', `quantiles to compute (default: ${DEFAULT_QUANTILES.join(',')})`, parseQuantiles)
    .option('--json', 'print JSON');
  program.action(async (raw: Record<string, unknown>) => {
    const qs = Array.isArray(raw.quantiles) ? raw.quantiles.filter((q): q is number => typeof q === 'number') : [...DEFAULT_QUANTILES];
    const reporter = raw.reporter === 'source' ? 'source' : 'destination';
    const client = new KubeClient({ kubeconfigPath: typeof raw.kubeconfig === 'string' ? raw.kubeconfig : undefined, context: typeof raw.context === 'string' ? raw.context : undefined });
    const gathered = await gatherLatency(client, {
      namespace: String(raw.namespace),
      timeoutMs: typeof raw.timeoutMs === 'number' ? raw.timeoutMs : DEFAULT_TIMEOUT_MS,
      concurrency: typeof raw.concurrency === 'number' ? raw.concurrency : DEFAULT_CONCURRENCY,
    });
    const report = buildLatencyReport(gathered, reporter, qs);
    io.stdout(raw.json === true ? `${JSON.stringify(report, null, 2)}\n` : renderText(report, qs));
    const code = exitCodeOf(report);
    if (code !== 0) io.stderr(`mesh-latency: ${failureLine(report)}\n`);
    setExitCode(code);
  });
  return program;
}

/** Runs the CLI on `argv` (`process.argv` form); returns the exit code. */
export async function main(argv: readonly string[], io: LatencyIo = processIo()): Promise<number> {
  return runMain('mesh-latency', buildLatencyProgram, argv, io);
}
