/**
 * `mesh-bench run`: finds the harness, checks the cluster, calibrates the load generator, samples
 * idle proxy CPU/memory, then runs R rounds of warm-up + measured load Jobs per mode in a seeded
 * random order at each requested rate, and writes the results directory through `results-dir.ts`
 * (every harvested result checked with `compare`'s parser). Ctrl-C deletes the running Job and
 * leaves a valid directory that `run --resume <dir>` completes.
 */
import { randomBytes, randomInt } from 'node:crypto';
import * as path from 'node:path';
import { MAX_SEED, seededRoundOrders } from '../analysis/rng';
import { BenchmarkMode, JobTemplateMeta } from '../wire/bench-contract';
import { KubeClient } from '../kube/client';
import { discoverHarness, ModeHarness, templateTakesRate } from '../kube/harness';
import { sleep } from '../kube/jobs';
import { preflight } from '../kube/preflight';
import { startProxySampler } from '../kube/proxy-usage';
import { CliError, DataError, EXIT_CODES, InterruptedError } from '../private/cli-errors';
import { describeValue } from '../private/errors';
import { CalibrationRecord, RESULTS_FORMAT_VERSION, RunFailure, RunMetadata } from '../wire/results-layout';
import { CliIo } from './io';
import { isFreshDir, LoadedResults, ResultsWriter } from './results-dir';
import { CALIBRATION_FRACTION, calibrate, PhaseContext, PhaseResult, proxyTargets, runPhase } from './run-phases';
import {
  DEFAULT_CALIBRATION_SECONDS, DEFAULT_IDLE_SECONDS, DEFAULT_POLL_INTERVAL_SECONDS, DEFAULT_RESULTS_ROOT, DEFAULT_ROUNDS, DEFAULT_SAMPLE_INTERVAL_SECONDS,
  RunBenchmarkOptions, usage, validateOptions,
} from './run-options';

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

function defaultRunId(): string {
  const iso = new Date().toISOString(); // 2026-11-24T04:05:06.789Z
  return `mb-${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}-${randomBytes(2).toString('hex')}`;
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
