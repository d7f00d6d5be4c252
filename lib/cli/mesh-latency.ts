/**
 * `mesh-latency --namespace <ns>`: per-pod proxy latency quantiles from each sidecar's merged
 * Prometheus metrics (pilot-agent :15020/stats/prometheus through the API server's pod proxy),
 * computed with PromQL `histogram_quantile` semantics over `istio_request_duration_milliseconds`.
 * For ambient namespaces it also reports ztunnel's L4 counters (ztunnel has no latency histogram).
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { aggregateBucketsByLe, bucketQuantile, HistogramBucket, parsePrometheusText, sumBuckets, sumSamples } from '../analysis/prometheus';
import { KubeClient } from '../kube/client';
import { DATAPLANE_MODE_LABEL, hasIstioProxy, ISTIO_SYSTEM_NAMESPACE, ZTUNNEL_SELECTOR } from '../kube/preflight';
import { PodView } from '../kube/types';
import { CliIo, processIo } from './io';
import { packageVersion } from './version';

/** pilot-agent's (and ztunnel's) status port serving merged Prometheus metrics. */
export const METRICS_PORT = 15020;
/** Path of the merged Prometheus metrics on {@link METRICS_PORT}. */
export const METRICS_PATH = 'stats/prometheus';
/** Istio's standard request-duration histogram (Envoy; sidecars and waypoints). */
export const REQUEST_DURATION_HISTOGRAM = 'istio_request_duration_milliseconds';
/** ztunnel's L4 counters. */
export const ZTUNNEL_COUNTERS = [
  'istio_tcp_connections_opened_total',
  'istio_tcp_connections_closed_total',
  'istio_tcp_received_bytes_total',
  'istio_tcp_sent_bytes_total',
] as const;
/** Defaults of the flags. */
export const DEFAULT_TIMEOUT_MS = 5000;
export const DEFAULT_CONCURRENCY = 8;
export const DEFAULT_QUANTILES: readonly number[] = [0.5, 0.95, 0.99];
/** Which proxy reported a request. */
export type Reporter = 'destination' | 'source';
const AMBIENT_NOTE = 'ztunnel exports L4 metrics only (no request-duration histogram); L7 latency in ambient mode needs a waypoint proxy';

/** Quantile values keyed `p50`, `p95`, …; null when undefined (no requests). */
export type QuantileValues = Record<string, number | null>;

/** One sidecar pod's latency, or why it could not be read. */
export interface PodLatency {
  readonly pod: string;
  readonly node?: string;
  readonly error?: string;
  /** Requests observed (the `+Inf` bucket), cumulative since the proxy started. */
  readonly requests?: number;
  readonly quantilesMs?: QuantileValues;
  readonly warnings?: readonly string[];
}

/** One ztunnel pod's L4 counters for the namespace, or why they could not be read. */
export interface ZtunnelReading {
  readonly pod: string;
  readonly node?: string;
  readonly error?: string;
  readonly counters?: Readonly<Record<string, number>>;
}

/** Everything `mesh-latency` reports. */
export interface LatencyReport {
  readonly namespace: string;
  readonly ambient: boolean;
  readonly reporter: Reporter;
  readonly pods: readonly PodLatency[];
  /** Buckets of all readable pods summed by `le`, then the quantiles. */
  readonly aggregate?: { readonly requests: number; readonly quantilesMs: QuantileValues };
  readonly ztunnel?: { readonly note: string; readonly pods: readonly ZtunnelReading[] };
}

/** Key of a quantile: 0.5 → `p50`, 0.999 → `p99.9`. */
export function quantileKey(q: number): string {
  return `p${Number((q * 100).toPrecision(10))}`;
}

function quantiles(buckets: readonly HistogramBucket[], qs: readonly number[]): { values: QuantileValues; warnings: string[] } {
  const values: QuantileValues = {};
  const warnings = new Set<string>();
  for (const q of qs) {
    const r = bucketQuantile(q, buckets);
    values[quantileKey(q)] = Number.isFinite(r.value) ? r.value : null;
    if (r.forcedMonotonic) warnings.add('bucket counts were not monotonic (forced, as PromQL does)');
  }
  return { values, warnings: [...warnings] };
}

/** Observations of a bucket set: the `+Inf` bucket's count (0 when absent). */
function observations(buckets: readonly HistogramBucket[]): number {
  return buckets.filter((b) => b.upperBound === Infinity).reduce((s, b) => s + b.count, 0);
}

/** Latency of one pod from its metrics text (pure). Throws on a malformed exposition. */
export function latencyFromMetrics(text: string, reporter: Reporter, qs: readonly number[]): { buckets: HistogramBucket[]; requests: number; quantilesMs: QuantileValues; warnings: string[] } {
  const { samples } = parsePrometheusText(text);
  const buckets = aggregateBucketsByLe(samples, REQUEST_DURATION_HISTOGRAM, { reporter });
  const { values, warnings } = quantiles(buckets, qs);
  if (buckets.length === 0) warnings.push(`no ${REQUEST_DURATION_HISTOGRAM}_bucket samples with reporter="${reporter}"`);
  return { buckets, requests: observations(buckets), quantilesMs: values, warnings };
}

/** ztunnel's L4 counters for `namespace` from its metrics text (pure). */
export function ztunnelCountersFromMetrics(text: string, namespace: string, reporter: Reporter): Record<string, number> {
  const { samples } = parsePrometheusText(text);
  const nsLabel = reporter === 'destination' ? 'destination_workload_namespace' : 'source_workload_namespace';
  return Object.fromEntries(ZTUNNEL_COUNTERS.map((name) => [name, sumSamples(samples, name, { reporter, [nsLabel]: namespace })]));
}

async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Options of {@link collectLatency}. */
export interface LatencyOptions {
  readonly namespace: string;
  readonly reporter: Reporter;
  readonly timeoutMs: number;
  readonly quantiles: readonly number[];
  readonly concurrency: number;
}

/** Reads every proxy in the namespace (and ztunnel when ambient); per-pod errors are recorded. */
export async function collectLatency(client: KubeClient, o: LatencyOptions): Promise<LatencyReport> {
  const ns = await client.readNamespace(o.namespace);
  const ambient = ns.labels[DATAPLANE_MODE_LABEL] === 'ambient';
  const pods = await client.listPods(o.namespace);
  const proxied = pods.filter(hasIstioProxy);
  const bucketSets: HistogramBucket[][] = [];
  const readings = await mapLimited(proxied, o.concurrency, async (p: PodView): Promise<PodLatency> => {
    if (p.phase !== 'Running') return { pod: p.name, node: p.nodeName, error: `pod is ${p.phase ?? 'in an unknown phase'}, not Running` };
    try {
      const text = await client.podProxyGet(o.namespace, p.name, METRICS_PORT, METRICS_PATH, { timeoutMs: o.timeoutMs });
      const r = latencyFromMetrics(text, o.reporter, o.quantiles);
      bucketSets.push(r.buckets);
      return { pod: p.name, node: p.nodeName, requests: r.requests, quantilesMs: r.quantilesMs, warnings: r.warnings };
    } catch (e: unknown) {
      return { pod: p.name, node: p.nodeName, error: message(e) };
    }
  });
  const merged = sumBuckets(bucketSets);
  const aggregate = readings.some((r) => r.error === undefined) ? { requests: observations(merged), quantilesMs: quantiles(merged, o.quantiles).values } : undefined;
  if (!ambient) return { namespace: o.namespace, ambient, reporter: o.reporter, pods: readings, aggregate };

  const nodes = new Set(pods.flatMap((p) => (p.nodeName ? [p.nodeName] : [])));
  const ztunnels = (await client.listPods(ISTIO_SYSTEM_NAMESPACE, ZTUNNEL_SELECTOR)).filter((z) => nodes.size === 0 || (z.nodeName !== undefined && nodes.has(z.nodeName)));
  const zt = await mapLimited(ztunnels, o.concurrency, async (z: PodView): Promise<ZtunnelReading> => {
    try {
      const text = await client.podProxyGet(z.namespace, z.name, METRICS_PORT, METRICS_PATH, { timeoutMs: o.timeoutMs });
      return { pod: z.name, node: z.nodeName, counters: ztunnelCountersFromMetrics(text, o.namespace, o.reporter) };
    } catch (e: unknown) {
      return { pod: z.name, node: z.nodeName, error: message(e) };
    }
  });
  return { namespace: o.namespace, ambient, reporter: o.reporter, pods: readings, aggregate, ztunnel: { note: AMBIENT_NOTE, pods: zt } };
}

/** 0 when at least one pod was read, 1 when nothing could be read (or there was nothing to read). */
export function exitCodeOf(report: LatencyReport): number {
  const all = [...report.pods, ...(report.ztunnel?.pods ?? [])];
  return all.length > 0 && all.some((r) => r.error === undefined) ? 0 : 1;
}

function fmt(v: number | null | undefined): string {
  return v === null || v === undefined ? 'n/a' : Number(v.toPrecision(3)).toString();
}

/** Renders the report as a text table. */
export function renderText(report: LatencyReport, qs: readonly number[]): string {
  const keys = qs.map(quantileKey);
  const lines = [`namespace ${report.namespace}${report.ambient ? ' (ambient)' : ''}: ${report.pods.length} pod(s) with istio-proxy, reporter=${report.reporter}`];
  if (report.pods.length > 0) {
    const header = ['POD', 'NODE', 'REQUESTS', ...keys.map((k) => `${k} ms`)];
    const rows = report.pods.map((p) =>
      p.error !== undefined ? [p.pod, p.node ?? '-', `error: ${p.error}`] : [p.pod, p.node ?? '-', String(p.requests ?? 0), ...keys.map((k) => fmt(p.quantilesMs?.[k]))],
    );
    if (report.aggregate) rows.push(['(all pods)', '-', String(report.aggregate.requests), ...keys.map((k) => fmt(report.aggregate?.quantilesMs[k]))]);
    const widths = header.map((h, i) => Math.max(h.length, ...rows.filter((r) => r.length === header.length).map((r) => r[i].length)));
    for (const r of [header, ...rows]) lines.push(r.map((c, i) => (i < r.length - 1 || r.length === header.length ? c.padEnd(widths[i]) : c)).join('  ').trimEnd());
    for (const p of report.pods) for (const w of p.warnings ?? []) lines.push(`warning: ${p.pod}: ${w}`);
  }
  if (report.ztunnel) {
    lines.push('', report.ztunnel.note);
    for (const z of report.ztunnel.pods) {
      lines.push(z.error !== undefined ? `ztunnel ${z.pod} (${z.node ?? '-'}): error: ${z.error}` : `ztunnel ${z.pod} (${z.node ?? '-'}): ${ZTUNNEL_COUNTERS.map((c) => `${c}=${z.counters?.[c] ?? 0}`).join(' ')}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

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

/** Runs the CLI on `argv` (`process.argv` form); returns the exit code. */
export async function main(argv: readonly string[], io: LatencyIo = processIo()): Promise<number> {
  const program = new Command('mesh-latency')
    .description('per-pod Istio proxy latency quantiles (histogram_quantile over istio_request_duration_milliseconds)')
    .version(packageVersion())
    .requiredOption('--namespace <ns>', 'namespace to inspect')
    .option('--kubeconfig <path>', 'kubeconfig file (default: KUBECONFIG or ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context (default: current context)')
    .addOption(new Option('--reporter <reporter>', 'which proxy reported the request').choices(['destination', 'source']).default('destination'))
    .option('--timeout-ms <ms>', `per-pod request timeout (default: ${DEFAULT_TIMEOUT_MS})`, parsePositiveInt)
    .option('--concurrency <n>', `pods read at once (default: ${DEFAULT_CONCURRENCY})`, parsePositiveInt)
    .option('--quantiles <list>', `quantiles to compute (default: ${DEFAULT_QUANTILES.join(',')})`, parseQuantiles)
    .option('--json', 'print JSON')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  try {
    await program.parseAsync([...argv], { from: 'node' });
  } catch (e: unknown) {
    return e instanceof CommanderError ? e.exitCode : 1;
  }
  const raw: Record<string, unknown> = program.opts();
  const qs = Array.isArray(raw.quantiles) ? raw.quantiles.filter((q): q is number => typeof q === 'number') : [...DEFAULT_QUANTILES];
  try {
    const client = new KubeClient({ kubeconfigPath: typeof raw.kubeconfig === 'string' ? raw.kubeconfig : undefined, context: typeof raw.context === 'string' ? raw.context : undefined });
    const report = await collectLatency(client, {
      namespace: String(raw.namespace),
      reporter: raw.reporter === 'source' ? 'source' : 'destination',
      timeoutMs: typeof raw.timeoutMs === 'number' ? raw.timeoutMs : DEFAULT_TIMEOUT_MS,
      quantiles: qs,
      concurrency: typeof raw.concurrency === 'number' ? raw.concurrency : DEFAULT_CONCURRENCY,
    });
    io.stdout(raw.json === true ? `${JSON.stringify(report, null, 2)}\n` : renderText(report, qs));
    const code = exitCodeOf(report);
    if (code !== 0) io.stderr(report.pods.length === 0 && !report.ambient ? `mesh-latency: no pod with an istio-proxy container in namespace ${report.namespace}\n` : 'mesh-latency: no pod could be read\n');
    return code;
  } catch (e: unknown) {
    io.stderr(`mesh-latency: ${message(e)}\n`);
    return 1;
  }
}
