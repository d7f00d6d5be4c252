/**
 * The shape of `mesh-bench compare`'s comparison: what it is computed from (`CompareInput`, one
 * rate's parsed runs and resource samples) and what it yields (`ComparisonReport`: per-mode
 * percentile cells, paired deltas vs baseline, interval bases). Types and defaults only; the
 * computation is `report.ts`, the renderers `format.ts` and `svg.ts`.
 */
import type { BenchmarkMode } from '../wire/bench-contract';
import type { ProxyResourceSamples, RunMetadata } from '../wire/results-layout';
import type { FortioResult } from './fortio';
import type { ResourceSummary } from './resources';
import type { PercentileStatus, RunValidity, ValidityRules } from './validity';

/** Percentiles `compare` reports by default. */
export const COMPARE_PERCENTILES: readonly number[] = Object.freeze([50, 90, 99, 99.9]);

/** One measured run, already parsed. */
export interface RunInput {
  readonly round: number;
  readonly mode: BenchmarkMode;
  /** Where it came from (file path), for flags. */
  readonly source: string;
  readonly result: FortioResult;
}

/** Everything `compare` computes from: the results of one rate. */
export interface CompareInput {
  readonly runs: readonly RunInput[];
  readonly resources: readonly ProxyResourceSamples[];
  readonly metadata?: RunMetadata;
  /** The rate these runs belong to (failures in the metadata are filtered by it). */
  readonly qps?: number;
  /** Idle-baseline proxy samples (before any load). */
  readonly idle?: readonly ProxyResourceSamples[];
}

/** An interval is printed only if its exact coverage is at least the nominal level minus this. */
export const COVERAGE_SLACK = 0.05;

/** How many rounds an interval rests on, its exact coverage, or why none is shown. */
export interface IntervalBasis {
  /** Rounds (for Δ: paired rounds) behind the interval. */
  readonly n: number;
  /** Exact coverage of the interval shown for these n; null when no interval is shown. */
  readonly coverage: number | null;
  /** Rounds an interval needs at this confidence. */
  readonly needed: number;
}

/** Knobs of the comparison. */
export interface CompareOptions {
  /** @default BenchmarkMode.BASELINE if present, else the first mode */
  readonly baseline?: BenchmarkMode;
  /** @default COMPARE_PERCENTILES */
  readonly percentiles?: readonly number[];
  /** Nominal confidence of the order-statistic CIs. @default 0.95 */
  readonly confidence?: number;
  /** @default DEFAULT_RULES */
  readonly rules?: ValidityRules;
}

/** A median over rounds with its CI. */
export interface RoundInterval {
  readonly median: number;
  readonly lower: number;
  readonly upper: number;
  readonly coverage: number;
  readonly n: number;
}

/** One percentile of one mode; seconds. */
export interface PercentileCell {
  readonly p: number;
  /** From the pooled histogram of the mode's valid runs (fortio's interpolation). */
  readonly value: number | null;
  readonly status: PercentileStatus;
  /** Width of the fortio bucket at `value`: nothing finer is meaningful. */
  readonly bucketWidth: number | null;
  /** Median and CI of the per-round percentiles. */
  readonly rounds: RoundInterval | null;
  /** Coordinated-omission-corrected value (HdrHistogram) of the pooled histogram. */
  readonly corrected: number | null;
  readonly coDiffers: boolean;
}

/** Paired difference of one percentile vs baseline; seconds. */
export interface DeltaCell {
  readonly p: number;
  readonly median: number | null;
  readonly lower: number | null;
  readonly upper: number | null;
  readonly coverage: number | null;
  /** Rounds where both this mode and the baseline have a valid run. */
  readonly pairs: number;
  /** Pooled mode value / pooled baseline value. */
  readonly ratio: number | null;
  /** Larger of the two bucket widths: |Δ| below it is "< resolution". */
  readonly resolution: number | null;
  readonly belowResolution: boolean;
  /** The CI spans 0. */
  readonly noDetectableDifference: boolean;
  readonly status: PercentileStatus;
}

/** One mode's column of the comparison. */
export interface ModeReport {
  readonly mode: BenchmarkMode;
  /** Rounds planned (metadata), else rounds with a result. */
  readonly rounds: number;
  /** Rounds with a result file. */
  readonly resultRounds: number;
  readonly validRounds: number;
  /** Planned rounds without a valid result (failed, missing or excluded), ascending. */
  readonly missingRounds: readonly number[];
  /** Basis of the per-round CIs of this mode's percentiles. */
  readonly interval: IntervalBasis;
  /** Basis of the paired-Δ CIs against the baseline; null for the baseline itself. */
  readonly deltaInterval: IntervalBasis | null;
  /** Proxy CPU/memory sampled idle, before any load; null when not sampled. */
  readonly idle: ResourceSummary | null;
  readonly pooledCount: number;
  readonly requestedQps: number | 'max' | null;
  readonly actualQps: number | null;
  readonly errorRate: number | null;
  /** Largest schedule slip over all of the mode's runs. */
  readonly maxSlip: number | null;
  /** Max latency (context only, one sample). */
  readonly maxLatency: number | null;
  readonly divider: number | null;
  readonly percentiles: readonly PercentileCell[];
  /** Empty for the baseline. */
  readonly deltas: readonly DeltaCell[];
  readonly resources: ResourceSummary;
  /** Percentile spectrum of the pooled histogram, for the plot: p in percent, value in seconds. */
  readonly distribution: readonly { readonly p: number; readonly value: number }[];
}

/** The whole comparison. */
export interface ComparisonReport {
  readonly runId: string | null;
  /** Requested rate of this report (a sweep has one report per rate); null when unknown. */
  readonly qps: number | null;
  readonly seed: number | null;
  readonly istioVersion: string | null;
  readonly kubernetesVersion: string | null;
  readonly baseline: BenchmarkMode;
  readonly confidence: number;
  readonly percentiles: readonly number[];
  readonly modes: readonly ModeReport[];
  readonly runs: readonly RunValidity[];
  /** Human-readable validity flags. */
  readonly flags: readonly string[];
  readonly notes: readonly string[];
}
