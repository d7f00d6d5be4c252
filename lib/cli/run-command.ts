/**
 * `mesh-bench run` on the command line: parses the flags into {@link RunBenchmarkOptions}, wires
 * Ctrl-C to an abort, and hands over to {@link runBenchmark} (`run-benchmark.ts`: calibration, idle
 * baseline, R rounds of warm-up + measured load Jobs per mode and rate, the results directory).
 * The options and their defaults are `run-options.ts`. Everything the command module exported before
 * the split is re-exported here.
 */
import { Command, InvalidArgumentError } from 'commander';
import { isValidSeed, MAX_SEED } from '../analysis/rng';
import { RESULTS_LIMITS } from '../wire/results-layout';
import { processIo } from './io';
import { runBenchmark, RunIo } from './run-benchmark';
import { CALIBRATION_FRACTION, JOB_TIMEOUT_MARGIN_SECONDS } from './run-phases';
import {
  DEFAULT_CALIBRATION_SECONDS, DEFAULT_IDLE_SECONDS, DEFAULT_POLL_INTERVAL_SECONDS, DEFAULT_RESULTS_ROOT, DEFAULT_ROUNDS, DEFAULT_SAMPLE_INTERVAL_SECONDS,
} from './run-options';

export { CALIBRATION_FRACTION, CALIBRATION_MAX_SLIP, JOB_TIMEOUT_MARGIN_SECONDS } from './run-phases';
export {
  DEFAULT_CALIBRATION_SECONDS, DEFAULT_IDLE_SECONDS, DEFAULT_POLL_INTERVAL_SECONDS, DEFAULT_RESULTS_ROOT, DEFAULT_ROUNDS, DEFAULT_SAMPLE_INTERVAL_SECONDS,
} from './run-options';
export type { RunBenchmarkOptions } from './run-options';
export { CalibrationError, PreflightError, runBenchmark } from './run-benchmark';
export type { RunIo, RunOutcome } from './run-benchmark';

function parseNumberArg(integer: boolean, allowZero = false) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < 0 || (n === 0 && !allowZero) || (integer && !Number.isInteger(n))) {
      throw new InvalidArgumentError(`expected a ${allowZero ? 'non-negative' : 'positive'} ${integer ? 'integer' : 'number'}, got '${value}'`);
    }
    return n;
  };
}

function parseSeedArg(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !isValidSeed(n)) throw new InvalidArgumentError(`expected an integer in 0 … ${MAX_SEED}, got '${value}'`);
  return n;
}

/** `--qps 500,1000,2000`: comma-separated integer rates. */
export function parseQpsList(value: string): number[] {
  const parts = value.split(',').map((s) => s.trim());
  const qs = parts.map(Number);
  if (parts.some((p) => !/^[1-9]\d*$/.test(p)) || qs.some((q) => q > RESULTS_LIMITS.maxQps)) {
    throw new InvalidArgumentError(`expected comma-separated integer rates from 1 to ${RESULTS_LIMITS.maxQps}, got '${value}'`);
  }
  return qs;
}

function optString(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
function optNumber(v: unknown): number | undefined {
  return typeof v === 'number' ? v : undefined;
}

/**
 * Adds `run` to the `mesh-bench` program. Errors propagate to `runMain` (one line, their exit
 * code); a run with failed rounds ends through `setExitCode(1)`. Ctrl-C (SIGINT) aborts the run:
 * the running Job is deleted and the command ends with 130 and a resumable directory.
 */
export function registerRunCommand(
  program: Command,
  io: RunIo = processIo(),
  setExitCode: (code: number) => void = (code) => {
    process.exitCode = code;
  },
): Command {
  return program
    .command('run')
    .description('run the benchmark: calibration, idle baseline, then R rounds of warm-up + measured load Jobs per mode and rate, in a seeded random order')
    .option('--kubeconfig <path>', 'kubeconfig file (default: KUBECONFIG or ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context (default: current context)')
    .option('--namespaces <list>', 'comma-separated namespaces holding the harness (default: all)')
    .option('--rounds <n>', `rounds per rate (default: ${DEFAULT_ROUNDS})`, parseNumberArg(true))
    .option('--qps <list>', 'comma-separated requested rates; each runs all rounds (default: the harness\'s qps)', parseQpsList)
    .option('--seed <n>', 'seed of the mode-order shuffle (default: random; recorded in metadata.json)', parseSeedArg)
    .option('--out <dir>', `results directory (default: ${DEFAULT_RESULTS_ROOT}/<runId>)`)
    .option('--resume <dir>', 'continue the interrupted run in <dir> (its plan comes from metadata.json)')
    .option('--run-id <id>', 'run id used in Job names and labels (default: generated)')
    .option('--no-calibrate', 'skip the calibration of the load generator')
    .option('--calibration-seconds <s>', `length of each calibration step (default: ${DEFAULT_CALIBRATION_SECONDS})`, parseNumberArg(false))
    .option('--allow-over-calibration', `run rates above ${Math.round(CALIBRATION_FRACTION * 100)} % of the calibrated rate, flagged in the results`)
    .option('--idle-seconds <s>', `idle proxy sampling before any load, 0 = none (default: ${DEFAULT_IDLE_SECONDS})`, parseNumberArg(false, true))
    .option('--job-timeout <seconds>', `per-Job timeout (default: phase duration + ${JOB_TIMEOUT_MARGIN_SECONDS}s)`, parseNumberArg(false))
    .option('--poll-interval <seconds>', `Job status poll interval (default: ${DEFAULT_POLL_INTERVAL_SECONDS})`, parseNumberArg(false))
    .option('--sample-interval <seconds>', `proxy CPU/memory sample interval (default: ${DEFAULT_SAMPLE_INTERVAL_SECONDS})`, parseNumberArg(false))
    .option('--request-timeout <seconds>', 'timeout of each Kubernetes API request (default: 30)', parseNumberArg(false))
    .option('--keep-jobs', 'do not delete finished Jobs')
    .action(async (raw: Record<string, unknown>) => {
      const namespaces = optString(raw.namespaces)?.split(',').map((s) => s.trim()).filter((s) => s !== '');
      const controller = new AbortController();
      const onSigint = (): void => {
        io.stderr('mesh-bench run: interrupted; deleting the running Job and saving the results directory (Ctrl-C again to force)\n');
        process.removeListener('SIGINT', onSigint);
        controller.abort();
      };
      process.on('SIGINT', onSigint);
      try {
        const outcome = await runBenchmark(
          {
            kubeconfig: optString(raw.kubeconfig),
            context: optString(raw.context),
            namespaces,
            rounds: optNumber(raw.rounds),
            qps: Array.isArray(raw.qps) ? raw.qps.filter((q): q is number => typeof q === 'number') : undefined,
            seed: optNumber(raw.seed),
            out: optString(raw.out),
            resume: optString(raw.resume),
            runId: optString(raw.runId),
            calibrate: raw.calibrate !== false,
            calibrationSeconds: optNumber(raw.calibrationSeconds),
            allowOverCalibration: raw.allowOverCalibration === true,
            idleSeconds: optNumber(raw.idleSeconds),
            jobTimeoutSeconds: optNumber(raw.jobTimeout),
            pollIntervalSeconds: optNumber(raw.pollInterval),
            sampleIntervalSeconds: optNumber(raw.sampleInterval),
            requestTimeoutSeconds: optNumber(raw.requestTimeout),
            keepJobs: raw.keepJobs === true,
            signal: controller.signal,
          },
          io,
        );
        setExitCode(outcome.exitCode);
      } finally {
        process.removeListener('SIGINT', onSigint);
      }
    });
}
