/**
 * Validity rules of methodology §7.8: which runs are invalid, which are only flagged, and when a
 * percentile may be shown at all. Pure.
 */
import { BenchmarkMode } from '../wire/bench-contract';
import { FortioResult, errorRate, scheduleSlip } from './fortio';
import { runDivider } from './run-summary';

/** Thresholds of the validity rules. */
export interface ValidityRules {
  /** Schedule slip above which a run is invalid (generator or server saturated). */
  readonly maxSlip: number;
  /** Error rate above which a run is flagged. */
  readonly maxErrorRate: number;
  /** Minimum tail samples n·(1−p) for percentile p to be shown. */
  readonly minTailSamples: number;
}

/** The methodology's thresholds: slip 1 %, errors 0.1 %, 100 tail samples. */
export const DEFAULT_RULES: ValidityRules = Object.freeze({ maxSlip: 0.01, maxErrorRate: 0.001, minTailSamples: 100 });

/** Whether a percentile is shown: `ok`, too few samples, slip too large for it, or no data. */
export type PercentileStatus = 'ok' | 'n/a (n)' | 'n/a (CO)' | 'n/a (no data)';

/** Assessment of one run. */
export interface RunValidity {
  readonly round: number;
  readonly mode: BenchmarkMode;
  readonly source: string;
  readonly count: number;
  readonly slip: number | null;
  readonly errorRate: number | null;
  /** False: excluded from pooling and pairing. */
  readonly valid: boolean;
  /** Why the run is invalid or flagged (empty when clean). */
  readonly reasons: readonly string[];
}

function pct(x: number): string {
  return `${Number((x * 100).toPrecision(3))} %`;
}

/** Applies the run-level rules to one result. */
export function assessRun(run: { readonly round: number; readonly mode: BenchmarkMode; readonly source: string; readonly result: FortioResult }, rules: ValidityRules): RunValidity {
  const r = run.result;
  const slip = scheduleSlip(r);
  const err = errorRate(r);
  const reasons: string[] = [];
  let valid = true;
  if (r.duration.count === 0) {
    valid = false;
    reasons.push('no calls recorded — invalid');
  }
  if (slip !== undefined && slip > rules.maxSlip) {
    valid = false;
    reasons.push(`schedule slip ${pct(slip)} > ${pct(rules.maxSlip)} (generator fell behind: ActualQPS ${r.actualQps.toFixed(1)} < RequestedQPS ${r.requestedQps}) — invalid, excluded`);
  }
  if (r.requestedQps === 'max') reasons.push('closed-loop run (RequestedQPS max): latency under saturation, not comparable');
  if (err !== undefined && err > rules.maxErrorRate) reasons.push(`errors ${pct(err)} > ${pct(rules.maxErrorRate)} — flagged`);
  if (err === undefined && r.duration.count > 0) reasons.push('error count unknown (no RetCodes or ErrorsDurationHistogram)');
  if (r.duration.count > 0 && runDivider(r) === undefined) {
    valid = false;
    reasons.push('histogram resolution unknown (no Resolution field and bucket bounds are not fortio\'s) — cannot pool, excluded');
  }
  if (r.socketCount !== undefined && r.numThreads !== undefined && r.socketCount > r.numThreads) {
    reasons.push(`keep-alive broken: ${r.socketCount} sockets for ${r.numThreads} connections`);
  }
  return { round: run.round, mode: run.mode, source: run.source, count: r.duration.count, slip: slip ?? null, errorRate: err ?? null, valid, reasons };
}

/**
 * Percentile `p` (percent) is shown only if `n·(1−p) ≥ minTailSamples` and `slip < (1−p)/10`
 * (closed-loop runs have no slip). `n` = 0 means no data.
 */
export function percentileStatus(p: number, n: number, slip: number | undefined, rules: ValidityRules): PercentileStatus {
  if (n === 0) return 'n/a (no data)';
  const tail = 1 - p / 100;
  if (n * tail < rules.minTailSamples - 1e-9) return 'n/a (n)';
  if (slip !== undefined && slip >= tail / 10) return 'n/a (CO)';
  return 'ok';
}
