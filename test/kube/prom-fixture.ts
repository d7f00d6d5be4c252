/**
 * Prometheus test data built from known samples: classic-histogram exposition text, and the
 * expected `histogram_quantile` computed by brute force from the raw samples (independently of
 * lib/analysis/prometheus).
 */

/** Envoy's default histogram bounds (ms), which Istio's request-duration metric uses. */
export const ENVOY_BOUNDS = [0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000];

/** One labelled series of observations. */
export interface Series {
  readonly labels: Record<string, string>;
  readonly samples: readonly number[];
}

function labelText(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
    .join(',');
}

/** Exposition text of a classic histogram (`_bucket`, `_sum`, `_count`) with the given series. */
export function histogramText(name: string, bounds: readonly number[], series: readonly Series[]): string {
  const lines = [`# HELP ${name} test histogram`, `# TYPE ${name} histogram`];
  for (const s of series) {
    const l = labelText(s.labels);
    for (const b of bounds) lines.push(`${name}_bucket{${l},le="${b}"} ${s.samples.filter((v) => v <= b).length}`);
    lines.push(`${name}_bucket{${l},le="+Inf"} ${s.samples.length}`);
    lines.push(`${name}_sum{${l}} ${s.samples.reduce((a, b) => a + b, 0)}`);
    lines.push(`${name}_count{${l}} ${s.samples.length}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The value PromQL's histogram_quantile returns for `samples` bucketed by `bounds` (+Inf
 * implied), computed from the raw samples: walk the buckets, find the first whose cumulative
 * count reaches q·n, interpolate linearly from its lower edge (0 for the first bucket); past the
 * last finite bound, the last finite bound.
 */
export function bruteForceQuantile(samples: readonly number[], bounds: readonly number[], q: number): number {
  const rank = q * samples.length;
  let prev = -Infinity;
  for (let i = 0; i < bounds.length; i++) {
    const ub = bounds[i];
    const before = samples.filter((v) => v <= prev).length;
    const inside = samples.filter((v) => v > prev && v <= ub).length;
    if (before + inside >= rank) {
      const lowerEdge = i === 0 ? 0 : prev;
      return lowerEdge + (ub - lowerEdge) * ((rank - before) / inside);
    }
    prev = ub;
  }
  return bounds[bounds.length - 1];
}

/** The true sample quantile (nearest rank) of raw samples. */
export function trueQuantile(samples: readonly number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];
}

/** Lower and upper edge of the bucket holding `value` (first bucket starts at 0). */
export function bucketAround(value: number, bounds: readonly number[]): [number, number] {
  let prev = 0;
  for (const b of bounds) {
    if (value <= b) return [prev, b];
    prev = b;
  }
  return [prev, Infinity];
}
