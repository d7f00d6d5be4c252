/**
 * `mesh-latency`'s judgment, pure: per-pod proxy latency quantiles from each sidecar's merged
 * Prometheus metrics, with PromQL `histogram_quantile` semantics over
 * `istio_request_duration_milliseconds`, ztunnel's L4 counters, the aggregate, the exit code and
 * the text rendering. Knows nothing of where the metrics text came from (`kube/latency.ts`
 * gathers it).
 */
import { aggregateBucketsByLe, bucketQuantile, HistogramBucket, parsePrometheusText, sumBuckets, sumSamples } from './prometheus';
import { stripControl } from './text-safety';

/** Istio's standard request-duration histogram (Envoy; sidecars and waypoints). */
export const REQUEST_DURATION_HISTOGRAM = 'istio_request_duration_milliseconds';
/** ztunnel's L4 counters. */
export const ZTUNNEL_COUNTERS = [
  'istio_tcp_connections_opened_total',
  'istio_tcp_connections_closed_total',
  'istio_tcp_received_bytes_total',
  'istio_tcp_sent_bytes_total',
] as const;
/** Default quantiles of `--quantiles`. */
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

/** What `kube/latency.ts` gathered: per pod, the metrics text or why there is none. */
export interface MetricsReading {
  readonly pod: string;
  readonly node?: string;
  readonly text?: string;
  readonly error?: string;
}

/** The gathered inputs of one namespace. */
export interface GatheredLatency {
  readonly namespace: string;
  readonly ambient: boolean;
  readonly sidecars: readonly MetricsReading[];
  /** ztunnel readings; undefined for a namespace that is not ambient. */
  readonly ztunnels?: readonly MetricsReading[];
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

/** Latency of one pod from its metrics text. Throws on a malformed exposition. */
export function latencyFromMetrics(text: string, reporter: Reporter, qs: readonly number[]): { buckets: HistogramBucket[]; requests: number; quantilesMs: QuantileValues; warnings: string[] } {
  const { samples } = parsePrometheusText(text);
  const buckets = aggregateBucketsByLe(samples, REQUEST_DURATION_HISTOGRAM, { reporter });
  const { values, warnings } = quantiles(buckets, qs);
  if (buckets.length === 0) warnings.push(`no ${REQUEST_DURATION_HISTOGRAM}_bucket samples with reporter="${reporter}"`);
  return { buckets, requests: observations(buckets), quantilesMs: values, warnings };
}

/** ztunnel's L4 counters for `namespace` from its metrics text. */
export function ztunnelCountersFromMetrics(text: string, namespace: string, reporter: Reporter): Record<string, number> {
  const { samples } = parsePrometheusText(text);
  const nsLabel = reporter === 'destination' ? 'destination_workload_namespace' : 'source_workload_namespace';
  return Object.fromEntries(ZTUNNEL_COUNTERS.map((name) => [name, sumSamples(samples, name, { reporter, [nsLabel]: namespace })]));
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Builds the report from gathered metrics; per-pod parse errors are recorded, never thrown. */
export function buildLatencyReport(g: GatheredLatency, reporter: Reporter, qs: readonly number[]): LatencyReport {
  const bucketSets: HistogramBucket[][] = [];
  const pods = g.sidecars.map((r): PodLatency => {
    if (r.text === undefined) return { pod: r.pod, node: r.node, error: r.error ?? 'no metrics' };
    try {
      const l = latencyFromMetrics(r.text, reporter, qs);
      bucketSets.push(l.buckets);
      return { pod: r.pod, node: r.node, requests: l.requests, quantilesMs: l.quantilesMs, warnings: l.warnings };
    } catch (e: unknown) {
      return { pod: r.pod, node: r.node, error: message(e) };
    }
  });
  const merged = sumBuckets(bucketSets);
  const aggregate = pods.some((r) => r.error === undefined) ? { requests: observations(merged), quantilesMs: quantiles(merged, qs).values } : undefined;
  if (!g.ambient || g.ztunnels === undefined) return { namespace: g.namespace, ambient: g.ambient, reporter, pods, aggregate };
  const zt = g.ztunnels.map((z): ZtunnelReading => {
    if (z.text === undefined) return { pod: z.pod, node: z.node, error: z.error ?? 'no metrics' };
    try {
      return { pod: z.pod, node: z.node, counters: ztunnelCountersFromMetrics(z.text, g.namespace, reporter) };
    } catch (e: unknown) {
      return { pod: z.pod, node: z.node, error: message(e) };
    }
  });
  return { namespace: g.namespace, ambient: g.ambient, reporter, pods, aggregate, ztunnel: { note: AMBIENT_NOTE, pods: zt } };
}

/** 0 when at least one pod was read, 1 when nothing could be read (or there was nothing to read). */
export function exitCodeOf(report: LatencyReport): number {
  const all = [...report.pods, ...(report.ztunnel?.pods ?? [])];
  return all.length > 0 && all.some((r) => r.error === undefined) ? 0 : 1;
}

/** The one line explaining a non-zero {@link exitCodeOf}. */
export function failureLine(report: LatencyReport): string {
  return report.pods.length === 0 && !report.ambient ? `no pod with an istio-proxy container in namespace ${report.namespace}` : 'no pod could be read';
}

function fmt(v: number | null | undefined): string {
  return v === null || v === undefined ? 'n/a' : Number(v.toPrecision(3)).toString();
}

/** Renders the report as a text table (control characters from the cluster stripped). */
export function renderText(report: LatencyReport, qs: readonly number[]): string {
  const keys = qs.map(quantileKey);
  const lines = [`namespace ${report.namespace}${report.ambient ? ' (ambient)' : ''}: ${report.pods.length} pod(s) with istio-proxy, reporter=${report.reporter}`];
  if (report.pods.length > 0) {
    const header = ['POD', 'NODE', 'REQUESTS', ...keys.map((k) => `${k} ms`)];
    const rows = report.pods.map((p) =>
      p.error !== undefined ? [p.pod, p.node ?? '-', `error: ${p.error}`] : [p.pod, p.node ?? '-', String(p.requests ?? 0), ...keys.map((k) => fmt(p.quantilesMs?.[k]))],
    ).map((r) => r.map(stripControl));
    if (report.aggregate) rows.push(['(all pods)', '-', String(report.aggregate.requests), ...keys.map((k) => fmt(report.aggregate?.quantilesMs[k]))]);
    const widths = header.map((h, i) => Math.max(h.length, ...rows.filter((r) => r.length === header.length).map((r) => r[i].length)));
    for (const r of [header, ...rows]) lines.push(r.map((c, i) => (i < r.length - 1 || r.length === header.length ? c.padEnd(widths[i]) : c)).join('  ').trimEnd());
    for (const p of report.pods) for (const w of p.warnings ?? []) lines.push(`warning: ${stripControl(p.pod)}: ${stripControl(w)}`);
  }
  if (report.ztunnel) {
    lines.push('', report.ztunnel.note);
    for (const z of report.ztunnel.pods) {
      lines.push(stripControl(z.error !== undefined ? `ztunnel ${z.pod} (${z.node ?? '-'}): error: ${z.error}` : `ztunnel ${z.pod} (${z.node ?? '-'}): ${ZTUNNEL_COUNTERS.map((c) => `${c}=${z.counters?.[c] ?? 0}`).join(' ')}`));
    }
  }
  return `${lines.join('\n')}\n`;
}
