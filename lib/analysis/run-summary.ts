/**
 * Per-run metrics of one fortio result (methodology §7.8): counts, throughput, error rate,
 * schedule slip, fortio percentiles and the coordinated-omission-corrected view. Pure.
 */
import { FortioResult, errorRate, scheduleSlip } from './fortio';
import { bucketWidthAt, calcPercentile, inferDivider } from './histogram';
import { coCorrectedView, CoView } from './hdr';

/** Percentiles `inspect` prints by default (fortio's default `-p`). */
export const INSPECT_PERCENTILES: readonly number[] = Object.freeze([50, 75, 90, 99, 99.9]);

/** One percentile of a run, in seconds. */
export interface RunPercentile {
  readonly p: number;
  /** Fortio's interpolated value from the histogram; `undefined` for an empty run. */
  readonly value: number | undefined;
  /** Width of the fortio bucket holding the value (its resolution), when the divider is known. */
  readonly bucketWidth: number | undefined;
  /** CO-corrected value, when the correction applies. */
  readonly corrected: number | undefined;
  /** True when the correction moves the value by more than one bucket. */
  readonly coDiffers: boolean;
}

/** Summary of one run. */
export interface RunSummary {
  readonly count: number;
  readonly requestedQps: number | 'max';
  readonly actualQps: number;
  readonly errorRate: number | undefined;
  readonly slip: number | undefined;
  /** Divider `-r` from `Resolution`, or inferred from bucket bounds. */
  readonly divider: number | undefined;
  readonly max: number | undefined;
  readonly percentiles: readonly RunPercentile[];
  readonly co: CoView | undefined;
}

/** The run's histogram divider: `Resolution` if stated, else inferred from bucket bounds. */
export function runDivider(r: FortioResult): number | undefined {
  return r.resolution ?? inferDivider(r.duration, r.offset);
}

/**
 * Whether a CO-corrected value differs from the uncorrected one by more than one fortio bucket.
 * Both are HdrHistogram values of bucket midpoints, so a move to the adjacent bucket is one
 * bucket width plus HdrHistogram's quantization (0.1 % of the value, counted twice).
 */
export function coDiffers(raw: number, corrected: number, widthAt?: (v: number) => number): boolean {
  const width = widthAt ? Math.max(widthAt(raw), widthAt(corrected)) : 0;
  const tolerance = width + 0.002 * Math.max(Math.abs(raw), Math.abs(corrected));
  return Math.abs(corrected - raw) > tolerance;
}

/** Computes the per-run metrics, with percentiles by fortio's own algorithm. */
export function summarizeRun(r: FortioResult, percentiles: readonly number[] = INSPECT_PERCENTILES): RunSummary {
  const divider = runDivider(r);
  const co = coCorrectedView(r.duration, r.numThreads, r.requestedQps, percentiles);
  return {
    count: r.duration.count,
    requestedQps: r.requestedQps,
    actualQps: r.actualQps,
    errorRate: errorRate(r),
    slip: scheduleSlip(r),
    divider,
    max: r.duration.count > 0 ? r.duration.max : undefined,
    co,
    percentiles: percentiles.map((p, i) => {
      const value = calcPercentile(r.duration, p);
      const bucketWidth = value !== undefined && divider !== undefined ? bucketWidthAt(value, r.offset, divider, r.duration.max) : undefined;
      const cp = co?.percentiles[i];
      return {
        p,
        value,
        bucketWidth,
        corrected: cp?.corrected,
        coDiffers: cp !== undefined && coDiffers(cp.raw, cp.corrected, divider === undefined ? undefined : (v) => bucketWidthAt(v, r.offset, divider, r.duration.max)),
      };
    }),
  };
}
