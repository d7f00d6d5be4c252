/**
 * Generates a small, valid fortio-shaped JSON result (HTTP load run) from latency samples, and
 * wraps it in a result-container log with the contract's markers.
 */
import { RESULT_BEGIN_MARKER, RESULT_END_MARKER } from '../../lib/wire/bench-contract';

/** Deterministic LCG in [0, 1) for test data (independent of lib/analysis/rng). */
export function lcg(seed: number): () => number {
  let x = seed % 2147483647;
  if (x <= 0) x += 2147483646;
  return () => {
    x = (x * 48271) % 2147483647;
    return (x - 1) / 2147483646;
  };
}

/** A fortio result whose histogram is built from `n` latencies (seconds) drawn around `baseSeconds`. */
export function fortioResult(label: string, n: number, baseSeconds: number, seed: number): Record<string, unknown> {
  const rnd = lcg(seed);
  const values = Array.from({ length: n }, () => baseSeconds * (1 + rnd()));
  const min = Math.min(...values);
  const max = Math.max(...values);
  const sum = values.reduce((a, b) => a + b, 0);
  const avg = sum / n;
  const std = Math.sqrt(values.reduce((a, v) => a + (v - avg) ** 2, 0) / n);
  const edges = [baseSeconds * 1.25, baseSeconds * 1.5, baseSeconds * 1.75, baseSeconds * 2];
  let prev = min;
  let cum = 0;
  const data: { Start: number; End: number; Percent: number; Count: number }[] = [];
  for (const e of edges) {
    const count = values.filter((v) => v > (data.length === 0 ? -Infinity : prev) && v <= e).length;
    if (count > 0) {
      cum += count;
      data.push({ Start: prev, End: Math.min(e, max), Percent: (100 * cum) / n, Count: count });
    }
    prev = e;
  }
  const sorted = [...values].sort((a, b) => a - b);
  const pct = (p: number): number => sorted[Math.min(n - 1, Math.ceil((p / 100) * n) - 1)];
  return {
    RunType: 'HTTP',
    Labels: label,
    StartTime: '2026-11-24T04:00:00Z',
    RequestedQPS: '1000',
    RequestedDuration: '60s',
    ActualQPS: n / 60,
    ActualDuration: 60_000_000_000,
    NumThreads: 16,
    Version: '1.75.2',
    DurationHistogram: {
      Count: n,
      Min: min,
      Max: max,
      Sum: sum,
      Avg: avg,
      StdDev: std,
      Data: data,
      Percentiles: [50, 90, 99].map((p) => ({ Percentile: p, Value: pct(p) })),
    },
    ErrorsDurationHistogram: { Count: 0, Min: 0, Max: 0, Sum: 0, Avg: 0, StdDev: 0, Data: null },
    RetCodes: { '200': n },
  };
}

/** A result-container log: noise, the markers around `body`, noise. */
export function markedLog(body: string): string {
  return ['waiting for fortio...', RESULT_BEGIN_MARKER, body, RESULT_END_MARKER, 'posted quitquitquit', ''].join('\n');
}
