/**
 * `mesh-bench run`: finds the harness, checks the cluster, calibrates the load generator, samples
 * idle proxy CPU/memory, then runs R rounds of warm-up + measured load Jobs per mode in a seeded
 * random order at each requested rate, and writes the results directory through `results-dir.ts`
 * (every harvested result checked with `compare`'s parser). Ctrl-C deletes the running Job and
 * leaves a valid directory that `run --resume <dir>` completes.
 */
import { Command, InvalidArgumentError } from 'commander';
import { randomBytes, randomInt } from 'node:crypto';
import * as path from 'node:path';
import { isValidSeed, MAX_SEED, seededRoundOrders } from '../analysis/rng';
import { BenchmarkMode, JobTemplateMeta } from '../benchmark/contract';
import { KubeClient } from '../kube/client';
import { discoverHarness, ModeHarness, templateTakesRate } from '../kube/harness';
import { sleep } from '../kube/jobs';
import { preflight } from '../kube/preflight';
import { startProxySampler } from '../kube/proxy-usage';
import { CliError, DataError, EXIT_CODES, InterruptedError, UsageError } from '../private/cli-errors';
import { describeValue } from '../private/errors';
import {
  CalibrationRecord,
  RESULTS_FORMAT_VERSION,
  RESULTS_LIMITS,
  RUN_ID_PATTERN,
  RunFailure,
  RunMetadata,
} from '../wire/results-layout';
import { CliIo, processIo } from './io';
import { isFreshDir, LoadedResults, ResultsWriter } from './results-dir';
import { CALIBRATION_FRACTION, calibrate, JOB_TIMEOUT_MARGIN_SECONDS, PhaseContext, PhaseResult, proxyTargets, runPhase } from './run-phases';

export { CALIBRATION_FRACTION, CALIBRATION_MAX_SLIP, JOB_TIMEOUT_MARGIN_SECONDS } from './run-phases';

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

/** Where output goes: summary on stdout, progress and warnings on stderr. */
export type RunIo = CliIo;

/** What a run produced. */
export interface RunOutcome {
  /** 0 when every (rate, round, mode) succeeded, 1 when any failed. */
  readonly exitCode: number;
  readonly runId: string;
  readonly outDir: string;
  readonly metadata: RunMetadata;
}

/** The cluster is not ready for a run; `problems` lists every reason (exit 1). */
export class PreflightError extends CliError {
  public readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`preflight failed (${problems.length} problem${problems.length === 1 ? '' : 's'}): ${problems.join('; ')}`, EXIT_CODES.FAILED);
    this.name = 'PreflightError';
    this.problems = problems;
  }
}

/** Calibration refused the requested rates (exit 1). */
export class CalibrationError extends CliError {
  constructor(message: string) {
    super(message, EXIT_CODES.FAILED);
    this.name = 'CalibrationError';
  }
}

function usage(option: string, rule: string, value: unknown, allowed?: string): UsageError {
  return new UsageError(option, `'${option}' ${rule}, got ${describeValue(value)}${allowed ? ` (${allowed})` : ''}`);
}

function positive(prop: string, value: number | undefined, integer: boolean, allowZero = false): void {
  if (value === undefined) return;
  if (!Number.isFinite(value) || value < 0 || (value === 0 && !allowZero) || (integer && !Number.isInteger(value))) {
    throw usage(prop, `must be a ${allowZero ? 'non-negative' : 'positive'} ${integer ? 'integer' : 'number'}`, value);
  }
}

function defaultRunId(): string {
  const iso = new Date().toISOString(); // 2026-11-24T04:05:06.789Z
  return `mb-${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}-${randomBytes(2).toString('hex')}`;
}

function validateOptions(o: RunBenchmarkOptions): void {
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

/** Compares the deployed harness with the one a resumed run started with. */
function harnessChanges(recorded: RunMetadata, harnesses: readonly ModeHarness[]): string[] {
  const problems: string[] = [];
  const found = harnesses.map((h) => h.mode);
  const missing = recorded.modes.filter((m) => !found.includes(m));
  if (missing.length > 0) problems.push(`the run measured ${recorded.modes.join(', ')} but the cluster has no harness for ${missing.join(', ')}`);
  for (const h of harnesses) {
    const before = recorded.templates[h.mode];
    if (before === undefined) continue;
    for (const key of ['qps', 'connections', 'durationSeconds', 'warmupSeconds', 'targetUrl', 'image', 'serverReplicas', 'responseBytes', 'requestPayloadBytes'] as const) {
      if (before[key] !== h.meta[key]) problems.push(`mode ${h.mode}: harness ${key} changed since the run started (${describeValue(before[key])} → ${describeValue(h.meta[key])}); results would not be comparable`);
    }
  }
  return problems;
}

/** Runs the benchmark end to end. Throws {@link CliError}s: usage, preflight, calibration, interruption. */
export async function runBenchmark(options: RunBenchmarkOptions, io: RunIo): Promise<RunOutcome> {
  validateOptions(options);
  const started = Date.now();
  const log = (msg: string): void => io.stderr(`[+${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}\n`);
  const pollMs = (options.pollIntervalSeconds ?? DEFAULT_POLL_INTERVAL_SECONDS) * 1000;
  const sampleMs = (options.sampleIntervalSeconds ?? DEFAULT_SAMPLE_INTERVAL_SECONDS) * 1000;

  let resumed: RunMetadata | undefined;
  let resumeWriter: ResultsWriter | undefined;
  let resumeLoaded: LoadedResults | undefined;
  if (options.resume !== undefined) {
    const r = ResultsWriter.resume(options.resume);
    resumed = r.metadata;
    resumeWriter = r.writer;
    resumeLoaded = r.loaded;
    if (resumed.finishedAt !== undefined && resumed.interrupted !== true) {
      throw usage('resume', 'must name an unfinished run; this one finished', options.resume, `finished ${resumed.finishedAt}`);
    }
  }
  const runId = resumed?.runId ?? options.runId ?? defaultRunId();
  const outDir = options.resume ?? options.out ?? path.join(DEFAULT_RESULTS_ROOT, runId);
  if (resumed === undefined && !isFreshDir(outDir)) {
    throw usage('out', 'must be a new or empty directory (results of different runs must not mix; to continue an interrupted run use --resume)', outDir);
  }

  const requestTimeoutMs = options.requestTimeoutSeconds !== undefined ? options.requestTimeoutSeconds * 1000 : undefined;
  const client = new KubeClient({ kubeconfigPath: options.kubeconfig, context: options.context, requestTimeoutMs });
  log(`context ${client.contextName} (${client.server})`);
  const discovery = await discoverHarness(client, options.namespaces);
  if (discovery.problems.length > 0) throw new PreflightError(discovery.problems);
  const harnesses = resumed ? discovery.harnesses.filter((h) => resumed?.modes.includes(h.mode)) : discovery.harnesses;
  log(`harness: ${harnesses.map((h) => `${h.mode} in ${h.namespace}`).join(', ')}`);
  if (resumed) {
    const changes = harnessChanges(resumed, harnesses);
    if (changes.length > 0) throw new PreflightError(changes);
  }
  const rates = resumed?.rates ?? options.qps ?? [harnesses[0].meta.qps];
  const rateProblems = harnesses.flatMap((h) => [
    ...(rates.some((q) => q !== h.meta.qps) && !templateTakesRate(h.template)
      ? [`mode ${h.mode}: the Job template has no \${QPS} placeholder (deployed by an older BenchmarkHarness), so it can only run at ${h.meta.qps} QPS; redeploy the harness to sweep rates`]
      : []),
    ...rates.filter((q) => q < h.meta.connections).map((q) => `mode ${h.mode}: rate ${q} QPS is below the harness's ${h.meta.connections} connections (each connection needs at least 1 request/s)`),
  ]);
  if (rateProblems.length > 0) throw new PreflightError(rateProblems);
  const report = await preflight(client, harnesses);
  report.warnings.forEach((w) => log(`warning: ${w}`));
  if (report.problems.length > 0) throw new PreflightError(report.problems);
  log(`preflight ok: Kubernetes ${report.kubernetesVersion ?? '?'}, Istio ${report.istioVersion ?? '?'}`);
  for (const [mode, pods] of report.waypointPods) {
    const benchNodes = new Set([...(report.serverPods.get(mode) ?? []).flatMap((p) => (p.nodeName ? [p.nodeName] : [])), ...(report.loadNodes.get(mode) ?? [])]);
    const where = pods.map((p) => `${p.name} on ${p.nodeName ?? '?'}${p.nodeName !== undefined && benchNodes.has(p.nodeName) ? '' : ' (not a benchmark node)'}`);
    log(`mode ${mode}: sampling ztunnel and the waypoint ${where.join(', ')}`);
  }

  const modes = resumed?.modes ?? harnesses.map((h) => h.mode);
  const rounds = resumed?.rounds ?? options.rounds ?? DEFAULT_ROUNDS;
  const seed = resumed?.seed ?? options.seed ?? randomInt(0, MAX_SEED + 1);
  const order = resumed?.order ?? seededRoundOrders(modes, rounds, seed);
  const failures: RunFailure[] = [...(resumed?.failures ?? [])];
  const templates: Partial<Record<BenchmarkMode, JobTemplateMeta>> = resumed?.templates ?? Object.fromEntries(harnesses.map((h) => [h.mode, h.meta]));
  let calibration: CalibrationRecord | undefined = resumed?.calibration;
  let overCalibrationRates: readonly number[] | undefined = resumed?.overCalibrationRates;
  const idleSeconds = resumed?.idleSeconds ?? options.idleSeconds ?? DEFAULT_IDLE_SECONDS;
  const metadata = (state: { finished?: boolean; interrupted?: boolean } = {}): RunMetadata => ({
    formatVersion: RESULTS_FORMAT_VERSION,
    runId,
    startedAt: resumed?.startedAt ?? new Date(started).toISOString(),
    ...(state.finished === true ? { finishedAt: new Date().toISOString() } : {}),
    ...(state.interrupted === true ? { interrupted: true } : {}),
    seed,
    rounds,
    modes,
    rates,
    order,
    kubernetesVersion: resumed?.kubernetesVersion ?? report.kubernetesVersion,
    istioVersion: resumed?.istioVersion ?? report.istioVersion,
    templates,
    ...(calibration !== undefined ? { calibration } : {}),
    ...(overCalibrationRates !== undefined ? { overCalibrationRates } : {}),
    idleSeconds,
    failures: [...failures],
  });
  const ctx: PhaseContext = {
    client, runId, pollMs, sampleMs, report, log, sweep: rates.length > 1,
    jobTimeoutSeconds: options.jobTimeoutSeconds, keepJobs: options.keepJobs, signal: options.signal,
  };

  // Calibration runs once, before the results directory exists: a refused rate leaves nothing that
  // `--resume` could continue past the refusal. A resumed run keeps its plan and does not calibrate.
  if (resumed === undefined && options.calibrate !== false) {
    const cal = await calibrate(ctx, harnesses, rates, options.calibrationSeconds ?? DEFAULT_CALIBRATION_SECONDS);
    if (cal === 'interrupted') throw new InterruptedError('interrupted during calibration (its Job was deleted); nothing was written, start the run again');
    calibration = cal;
    const limit = calibration.sustainedQps === null ? 0 : calibration.sustainedQps * CALIBRATION_FRACTION;
    const over = rates.filter((q) => q > limit);
    const sustained = calibration.sustainedQps !== null
      ? `${calibration.sustainedQps} QPS`
      : calibration.steps.length === 0 ? 'no rate (the first calibration Job failed; see the log above)' : `no tested rate (the lowest, ${calibration.steps[0].qps} QPS, slipped ≥ 1 %)`;
    if (over.length > 0 && options.allowOverCalibration !== true) {
      throw new CalibrationError(`calibration: the load generator sustained ${sustained} with schedule slip < 1 %; requested rates above ${Math.round(CALIBRATION_FRACTION * 100)} % of that (${over.join(', ')} QPS) are refused; lower --qps, give the load node more CPU, or pass --allow-over-calibration to run them flagged`);
    }
    if (over.length > 0) {
      overCalibrationRates = over;
      log(`warning: rates ${over.join(', ')} QPS exceed ${Math.round(CALIBRATION_FRACTION * 100)} % of the calibrated ${sustained}; running them flagged (--allow-over-calibration)`);
    }
  }

  const writer = resumeWriter ?? ResultsWriter.create(outDir, metadata({ interrupted: true }));
  // until the end, the directory says "interrupted": a killed process leaves it resumable
  writer.writeMetadata(metadata({ interrupted: true }));
  log(`run ${runId}: ${rates.length > 1 ? `rates ${rates.join(', ')} QPS × ` : ''}${rounds} rounds × ${modes.length} modes, seed ${seed}, results in ${outDir}${resumed ? ' (resumed)' : ''}`);
  const interrupt = (where: string): InterruptedError => {
    writer.writeMetadata(metadata({ interrupted: true }));
    return new InterruptedError(`interrupted ${where}; ${outDir} is a valid, resumable results directory: continue with \`mesh-bench run --resume ${outDir}\``);
  };

  const idleHave = new Set((resumeLoaded?.idle ?? []).map((x) => x.mode));
  if (idleSeconds > 0) {
    const todo = harnesses.filter((h) => h.mode !== BenchmarkMode.BASELINE && !idleHave.has(h.mode));
    if (todo.length > 0) {
      log(`idle baseline: sampling proxy CPU/memory of ${todo.map((h) => h.mode).join(', ')} for ${idleSeconds}s before any load`);
      const samplers = todo.map((h) => ({ h, s: startProxySampler(client, () => proxyTargets(ctx, h, undefined), sampleMs) }));
      await sleep(idleSeconds * 1000, options.signal);
      for (const { h, s } of samplers) {
        const { samples, errors } = await s.stop();
        if (errors.length > 0) log(`idle baseline ${h.mode}: warning: ${errors.length} sampling error(s), first: ${errors[0]}`);
        if (!options.signal?.aborted) writer.writeIdle({ mode: h.mode, round: 0, samples });
      }
      if (options.signal?.aborted) throw interrupt('during the idle baseline');
    }
  }

  for (const qps of rates) {
    for (let round = 1; round <= rounds; round++) {
      for (const mode of order[round - 1]) {
        const harness = harnesses.find((h) => h.mode === mode);
        if (harness === undefined) continue;
        if (writer.hasResult(qps, round, mode) || failures.some((f) => f.qps === qps && f.round === round && f.mode === mode)) continue;
        if (options.signal?.aborted) throw interrupt(`before rate ${qps} round ${round} ${mode}`);
        const prefix = `${rates.length > 1 ? `${qps} QPS ` : ''}round ${round}/${rounds} ${mode}`;
        // fortio reads `-t=0s` as "until interrupted": a zero warm-up means no warm-up Job at all.
        const warm: PhaseResult = harness.meta.warmupSeconds > 0 ? await runPhase(ctx, harness, { round, phase: 'warmup', qps, seconds: harness.meta.warmupSeconds }, prefix) : { ok: true, text: '' };
        if (warm.interrupted) throw interrupt(`during the warm-up of rate ${qps} round ${round} ${mode} (its Job was deleted)`);
        if (!warm.ok) {
          failures.push({ qps, round, mode, reason: `warmup: ${warm.reason}` });
          log(`${prefix}: FAILED (warmup: ${warm.reason}); skipping the measured phase`);
          writer.writeMetadata(metadata({ interrupted: true }));
          continue;
        }
        const measured = await runPhase(ctx, harness, { round, phase: 'measure', qps, seconds: harness.meta.durationSeconds }, prefix);
        if (measured.interrupted) throw interrupt(`during rate ${qps} round ${round} ${mode} (its Job was deleted)`);
        if (measured.resources !== undefined) writer.writeResources(qps, measured.resources);
        let reason = measured.ok ? undefined : measured.reason;
        if (measured.ok) {
          try {
            writer.writeResult(qps, round, mode, measured.text);
          } catch (e: unknown) {
            if (!(e instanceof DataError)) throw e;
            reason = `the result would not pass compare: ${e.message}`;
          }
        }
        if (reason !== undefined) {
          failures.push({ qps, round, mode, reason });
          log(`${prefix}: FAILED (${reason})`);
        }
        writer.writeMetadata(metadata({ interrupted: true }));
      }
    }
  }
  const final = metadata({ finished: true });
  writer.writeMetadata(final);
  const total = rates.length * rounds * modes.length;
  io.stdout(`mesh-bench run ${runId}: ${total - failures.length}/${total} measured runs succeeded; results in ${outDir}\n`);
  failures.forEach((f) => io.stdout(`  failed: ${rates.length > 1 ? `${f.qps} QPS ` : ''}round ${f.round} ${f.mode}: ${f.reason}\n`));
  return { exitCode: failures.length > 0 ? EXIT_CODES.FAILED : EXIT_CODES.OK, runId, outDir, metadata: final };
}

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
