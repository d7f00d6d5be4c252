/**
 * Coordinated-omission-corrected view of a fortio histogram, with HdrHistogram
 * (hdr-histogram-js, µs, 3 significant digits).
 *
 * Each fortio bucket is recorded at its midpoint, then `copyCorrectedForCoordinatedOmission`
 * adds, for every sample longer than the per-connection interval `I = NumThreads / RequestedQPS`,
 * the ⌊L/I⌋ slots that a `-nocatchup` run skipped while it waited (methodology §7.8).
 * Raw and corrected HDR percentiles share the same quantization, so comparing them isolates the
 * correction; the raw numbers shown elsewhere remain fortio's own interpolation.
 */
import * as hdr from 'hdr-histogram-js';
import { HistogramData } from './histogram';

/** One percentile of the CO view, in seconds. */
export interface CoPercentile {
  readonly p: number;
  /** HdrHistogram percentile of the uncorrected (midpoint-recorded) histogram. */
  readonly raw: number;
  /** HdrHistogram percentile after coordinated-omission correction. */
  readonly corrected: number;
}

/** The corrected view of one histogram. */
export interface CoView {
  /** Per-connection interval between scheduled calls, seconds. */
  readonly expectedIntervalSeconds: number;
  readonly rawCount: number;
  /** Count including synthetic samples; ≈ RequestedQPS × duration for a `-nocatchup` run. */
  readonly correctedCount: number;
  readonly percentiles: readonly CoPercentile[];
}

/** Above this many synthetic steps per recorded value the correction is skipped (too costly). */
const MAX_STEPS_PER_VALUE = 1_000_000;

/**
 * Builds the CO-corrected view; `undefined` when it does not apply: closed-loop runs (`max`),
 * unknown connection count, empty histograms, or an interval so small relative to Max that the
 * correction would add more than a million steps per bucket.
 */
export function coCorrectedView(
  h: HistogramData,
  numThreads: number | undefined,
  requestedQps: number | 'max',
  percentiles: readonly number[],
): CoView | undefined {
  if (requestedQps === 'max' || numThreads === undefined || numThreads <= 0 || h.count === 0 || h.data.length === 0) return undefined;
  const intervalUs = Math.max(1, Math.round((numThreads / requestedQps) * 1e6));
  const maxUs = Math.max(1, Math.round(h.max * 1e6));
  if (maxUs / intervalUs > MAX_STEPS_PER_VALUE) return undefined;
  const raw = hdr.build({ numberOfSignificantValueDigits: 3, lowestDiscernibleValue: 1, highestTrackableValue: Math.max(2, maxUs * 2), autoResize: true });
  for (const b of h.data) {
    if (b.count > 0) raw.recordValueWithCount(Math.max(1, Math.round(((b.start + b.end) / 2) * 1e6)), b.count);
  }
  const corrected = raw.copyCorrectedForCoordinatedOmission(intervalUs);
  const view: CoView = {
    expectedIntervalSeconds: intervalUs / 1e6,
    rawCount: raw.totalCount,
    correctedCount: corrected.totalCount,
    percentiles: percentiles.map((p) => ({
      p,
      raw: raw.getValueAtPercentile(p) / 1e6,
      corrected: corrected.getValueAtPercentile(p) / 1e6,
    })),
  };
  raw.destroy();
  corrected.destroy();
  return view;
}
