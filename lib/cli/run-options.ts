/**
 * What `mesh-bench run` accepts: its options, typed, with their defaults, and the validation that
 * turns bad values into {@link UsageError}s before anything touches the cluster. The orchestration
 * is `run-benchmark.ts`; the commander registration `run-command.ts`.
 */
import { isValidSeed, MAX_SEED } from '../analysis/rng';
import { UsageError } from '../private/cli-errors';
import { describeValue } from '../private/errors';
import { RESULTS_LIMITS, RUN_ID_PATTERN } from '../wire/results-layout';

/** Rounds when `--rounds` is not given. */
export const DEFAULT_ROUNDS = 8;
/** Seconds between proxy CPU/memory samples when `--sample-interval` is not given. */
export const DEFAULT_SAMPLE_INTERVAL_SECONDS = 10;
/** Seconds between Job status polls when `--poll-interval` is not given. */
export const DEFAULT_POLL_INTERVAL_SECONDS = 2;
/** Parent of the results directory when `--out` is not given. */
export const DEFAULT_RESULTS_ROOT = 'mesh-bench-results';
/** Seconds of each calibration step. */
export const DEFAULT_CALIBRATION_SECONDS = 20;
/** Seconds of idle proxy sampling before any load. */
export const DEFAULT_IDLE_SECONDS = 30;

/** Options of {@link runBenchmark} (the `run` command's flags, typed). */
export interface RunBenchmarkOptions {
  /** kubeconfig file. @default - KUBECONFIG, ~/.kube/config or in-cluster */
  readonly kubeconfig?: string;
  /** kubeconfig context. @default - the current context */
  readonly context?: string;
  /** Namespaces to look for the harness in. @default - all namespaces */
  readonly namespaces?: readonly string[];
  /** Rounds of (warm-up + measure) × modes, per rate. @default 8 */
  readonly rounds?: number;
  /** Seed of the mode-order shuffle (unsigned 32-bit). @default - random, recorded in metadata */
  readonly seed?: number;
  /** Requested rates; every rate runs all rounds. @default - the harness's `qps` */
  readonly qps?: readonly number[];
  /** Results directory. @default - `mesh-bench-results/<runId>` */
  readonly out?: string;
  /** Continue the interrupted run in this directory (plan from its metadata.json). */
  readonly resume?: string;
  /** Run id (DNS label, ≤ 30 chars), used in Job names and labels. @default - `mb-<UTC date>-<time>-<random>` */
  readonly runId?: string;
  /** Per-Job timeout, seconds. @default - the phase duration + 300 s */
  readonly jobTimeoutSeconds?: number;
  /** Delay between Job status polls, seconds. @default 2 */
  readonly pollIntervalSeconds?: number;
  /** Delay between proxy CPU/memory samples, seconds. @default 10 */
  readonly sampleIntervalSeconds?: number;
  /** Timeout of each Kubernetes API request (status polls, log reads, summaries), seconds. @default 30 */
  readonly requestTimeoutSeconds?: number;
  /** Leave the finished Jobs in the cluster (an interrupted Job is always deleted). @default false */
  readonly keepJobs?: boolean;
  /** Calibrate the load generator before the rounds. @default true */
  readonly calibrate?: boolean;
  /** Seconds of each calibration step. @default 20 */
  readonly calibrationSeconds?: number;
  /** Run rates above the calibrated limit anyway, flagged in the results. @default false */
  readonly allowOverCalibration?: boolean;
  /** Seconds of idle proxy sampling before any load (0 = none). @default 30 */
  readonly idleSeconds?: number;
  /** Aborting it (Ctrl-C) deletes the running Job and stops with a resumable directory. */
  readonly signal?: AbortSignal;
}

/** A usage error naming the option, the rule, the value received and what is allowed. */
export function usage(option: string, rule: string, value: unknown, allowed?: string): UsageError {
  return new UsageError(option, `'${option}' ${rule}, got ${describeValue(value)}${allowed ? ` (${allowed})` : ''}`);
}

function positive(prop: string, value: number | undefined, integer: boolean, allowZero = false): void {
  if (value === undefined) return;
  if (!Number.isFinite(value) || value < 0 || (value === 0 && !allowZero) || (integer && !Number.isInteger(value))) {
    throw usage(prop, `must be a ${allowZero ? 'non-negative' : 'positive'} ${integer ? 'integer' : 'number'}`, value);
  }
}

/** Checks every option before the run starts (limits, rates, a resume that must not be re-planned). */
export function validateOptions(o: RunBenchmarkOptions): void {
  positive('rounds', o.rounds, true);
  if (o.rounds !== undefined && o.rounds > RESULTS_LIMITS.maxRounds) throw usage('rounds', `must be at most ${RESULTS_LIMITS.maxRounds}`, o.rounds);
  positive('jobTimeoutSeconds', o.jobTimeoutSeconds, false);
  positive('pollIntervalSeconds', o.pollIntervalSeconds, false);
  positive('sampleIntervalSeconds', o.sampleIntervalSeconds, false);
  positive('requestTimeoutSeconds', o.requestTimeoutSeconds, false);
  positive('calibrationSeconds', o.calibrationSeconds, false);
  positive('idleSeconds', o.idleSeconds, false, true);
  if (o.idleSeconds !== undefined && o.idleSeconds > 3600) throw usage('idleSeconds', 'must be at most 3600', o.idleSeconds);
  if (o.seed !== undefined && !isValidSeed(o.seed)) throw usage('seed', 'must be an integer', o.seed, `0 … ${MAX_SEED}`);
  if (o.runId !== undefined && !RUN_ID_PATTERN.test(o.runId)) throw usage('runId', 'must be a DNS label of at most 30 characters', o.runId, 'lower-case letters, digits and -');
  if (o.qps !== undefined) {
    if (o.qps.length === 0 || o.qps.length > RESULTS_LIMITS.maxRates) throw usage('qps', `must list 1 to ${RESULTS_LIMITS.maxRates} rates`, o.qps);
    for (const q of o.qps) if (!Number.isInteger(q) || q < 1 || q > RESULTS_LIMITS.maxQps) throw usage('qps', `must list integers from 1 to ${RESULTS_LIMITS.maxQps}`, q);
    if (new Set(o.qps).size !== o.qps.length) throw usage('qps', 'must not repeat a rate', o.qps);
  }
  if (o.resume !== undefined) {
    const conflicting = (['rounds', 'seed', 'qps', 'out', 'runId'] as const).filter((k) => o[k] !== undefined);
    if (conflicting.length > 0) throw usage('resume', `takes the plan (rounds, seed, rates, run id, directory) from the directory's metadata.json; do not also pass ${conflicting.join(', ')}`, o.resume);
  }
}
