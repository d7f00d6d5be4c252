/**
 * `mesh-bench run`: finds the harness, checks the cluster, runs R rounds of warm-up + measured
 * load Jobs per mode in a seeded random order, harvests the fortio results and proxy CPU/memory,
 * and writes the results directory described in `lib/benchmark/contract.ts`.
 */
import { Command, InvalidArgumentError } from 'commander';
import { randomBytes, randomInt } from 'node:crypto';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { isValidSeed, MAX_SEED, seededRoundOrders } from '../analysis/rng';
import { BenchmarkMode, JobTemplateMeta, ProxyResourceSamples, RESULTS_METADATA_FILE, RESULTS_ROUNDS_DIR, RunMetadata } from '../benchmark/contract';
import { KubeClient } from '../kube/client';
import { BenchPhase, checkFortioResult, discoverHarness, extractMarkedResult, instantiateJob, ModeHarness } from '../kube/harness';
import { JOB_NAME_LABEL, runJobToEnd } from '../kube/jobs';
import { hasIstioProxy, ISTIO_SYSTEM_NAMESPACE, preflight, PreflightReport, ZTUNNEL_SELECTOR } from '../kube/preflight';
import { ProxySampler, SampleTarget, startProxySampler } from '../kube/proxy-usage';
import { invalid } from '../private/errors';
import { CliIo, processIo } from './io';

/** Rounds when `--rounds` is not given. */
export const DEFAULT_ROUNDS = 8;
/** Seconds between proxy CPU/memory samples when `--sample-interval` is not given. */
export const DEFAULT_SAMPLE_INTERVAL_SECONDS = 10;
/** Seconds between Job status polls when `--poll-interval` is not given. */
export const DEFAULT_POLL_INTERVAL_SECONDS = 2;
/** Without `--job-timeout`, a Job may take its phase duration plus this many seconds. */
export const JOB_TIMEOUT_MARGIN_SECONDS = 300;
/** Parent of the results directory when `--out` is not given. */
export const DEFAULT_RESULTS_ROOT = 'mesh-bench-results';
const RUN_ID_PATTERN = /^[a-z0-9]([-a-z0-9]{0,28}[a-z0-9])?$/;

/** Options of {@link runBenchmark} (the `run` command's flags, typed). */
export interface RunBenchmarkOptions {
  /** kubeconfig file. @default - `KubeConfig.loadFromDefault()` */
  readonly kubeconfig?: string;
  /** kubeconfig context. @default - the current context */
  readonly context?: string;
  /** Namespaces to look for the harness in. @default - all namespaces */
  readonly namespaces?: readonly string[];
  /** Rounds of (warm-up + measure) × modes. @default 8 */
  readonly rounds?: number;
  /** Seed of the mode-order shuffle (unsigned 32-bit). @default - random, recorded in metadata */
  readonly seed?: number;
  /** Results directory. @default - `mesh-bench-results/<runId>` */
  readonly out?: string;
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
  /** Leave the Jobs in the cluster. @default false */
  readonly keepJobs?: boolean;
}

/** Where output goes: summary on stdout, progress and warnings on stderr. */
export type RunIo = CliIo;

/** What a run produced. */
export interface RunOutcome {
  /** 0 when every (round, mode) succeeded, 1 when any failed. */
  readonly exitCode: number;
  readonly runId: string;
  readonly outDir: string;
  readonly metadata: RunMetadata;
}

/** The cluster is not ready for a run; `problems` lists every reason. */
export class PreflightError extends Error {
  public readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`preflight failed:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'PreflightError';
    this.problems = problems;
    Object.setPrototypeOf(this, PreflightError.prototype);
  }
}

type Failure = RunMetadata['failures'][number];

function positive(prop: string, value: number | undefined, integer: boolean): void {
  if (value === undefined) return;
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw invalid(prop, `must be a positive ${integer ? 'integer' : 'number'}`, value);
  }
}

function defaultRunId(): string {
  const iso = new Date().toISOString(); // 2026-11-24T04:05:06.789Z
  return `mb-${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}-${randomBytes(2).toString('hex')}`;
}

/** Runs the benchmark end to end. Throws only for invalid options or a failed preflight. */
export async function runBenchmark(options: RunBenchmarkOptions, io: RunIo): Promise<RunOutcome> {
  positive('rounds', options.rounds, true);
  positive('jobTimeoutSeconds', options.jobTimeoutSeconds, false);
  positive('pollIntervalSeconds', options.pollIntervalSeconds, false);
  positive('sampleIntervalSeconds', options.sampleIntervalSeconds, false);
  positive('requestTimeoutSeconds', options.requestTimeoutSeconds, false);
  if (options.seed !== undefined && !isValidSeed(options.seed)) throw invalid('seed', 'must be an integer', options.seed, `0 … ${MAX_SEED}`);
  if (options.runId !== undefined && !RUN_ID_PATTERN.test(options.runId)) {
    throw invalid('runId', 'must be a DNS label of at most 30 characters', options.runId, 'lower-case letters, digits and -');
  }
  const rounds = options.rounds ?? DEFAULT_ROUNDS;
  const seed = options.seed ?? randomInt(0, MAX_SEED + 1);
  const runId = options.runId ?? defaultRunId();
  const outDir = options.out ?? path.join(DEFAULT_RESULTS_ROOT, runId);
  const pollMs = (options.pollIntervalSeconds ?? DEFAULT_POLL_INTERVAL_SECONDS) * 1000;
  const sampleMs = (options.sampleIntervalSeconds ?? DEFAULT_SAMPLE_INTERVAL_SECONDS) * 1000;
  const existing = await readdir(outDir).catch(() => [] as string[]);
  if (existing.length > 0) throw invalid('out', 'must be a new or empty directory (results of different runs must not mix)', outDir);
  const started = Date.now();
  const log = (msg: string): void => io.stderr(`[+${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}\n`);

  const requestTimeoutMs = options.requestTimeoutSeconds !== undefined ? options.requestTimeoutSeconds * 1000 : undefined;
  const client = new KubeClient({ kubeconfigPath: options.kubeconfig, context: options.context, requestTimeoutMs });
  log(`context ${client.contextName} (${client.server})`);
  const discovery = await discoverHarness(client, options.namespaces);
  if (discovery.problems.length > 0) throw new PreflightError(discovery.problems);
  const harnesses = discovery.harnesses;
  log(`harness: ${harnesses.map((h) => `${h.mode} in ${h.namespace}`).join(', ')}`);
  const report = await preflight(client, harnesses);
  report.warnings.forEach((w) => log(`warning: ${w}`));
  if (report.problems.length > 0) throw new PreflightError(report.problems);
  log(`preflight ok: Kubernetes ${report.kubernetesVersion ?? '?'}, Istio ${report.istioVersion ?? '?'}`);

  const modes = harnesses.map((h) => h.mode);
  const order = seededRoundOrders(modes, rounds, seed);
  const failures: Failure[] = [];
  const templates: Record<string, JobTemplateMeta> = Object.fromEntries(harnesses.map((h) => [h.mode, h.meta]));
  const metadata = (finishedAt?: string): RunMetadata => ({
    runId,
    startedAt: new Date(started).toISOString(),
    ...(finishedAt !== undefined ? { finishedAt } : {}),
    seed,
    rounds,
    modes,
    order,
    kubernetesVersion: report.kubernetesVersion,
    istioVersion: report.istioVersion,
    templates,
    failures: [...failures],
  });
  const writeJson = async (rel: string, value: unknown): Promise<void> => {
    const file = path.join(outDir, rel);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, `${JSON.stringify(value, null, 2)}\n`);
  };
  await writeJson(RESULTS_METADATA_FILE, metadata());
  log(`run ${runId}: ${rounds} rounds × ${modes.length} modes, seed ${seed}, results in ${outDir}`);

  const ctx: PhaseContext = { client, runId, pollMs, sampleMs, report, options, log };
  for (let round = 1; round <= rounds; round++) {
    for (const mode of order[round - 1]) {
      const harness = harnesses.find((h) => h.mode === mode);
      if (harness === undefined) continue;
      const prefix = `round ${round}/${rounds} ${mode}`;
      // fortio reads `-t=0s` as "until interrupted": a zero warm-up means no warm-up Job at all.
      const warm: PhaseResult = harness.meta.warmupSeconds > 0 ? await runPhase(ctx, harness, round, 'warmup', prefix) : { ok: true, text: '' };
      if (!warm.ok) {
        failures.push({ round, mode, reason: `warmup: ${warm.reason}` });
        log(`${prefix}: FAILED (warmup: ${warm.reason}); skipping the measured phase`);
        continue;
      }
      const measured = await runPhase(ctx, harness, round, 'measure', prefix);
      const roundDir = path.join(RESULTS_ROUNDS_DIR, String(round));
      if (measured.resources !== undefined) await writeJson(path.join(roundDir, `${mode}.resources.json`), measured.resources);
      if (!measured.ok) {
        failures.push({ round, mode, reason: measured.reason });
        log(`${prefix}: FAILED (${measured.reason})`);
        continue;
      }
      const file = path.join(outDir, roundDir, `${mode}.json`);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, `${measured.text}\n`);
    }
    await writeJson(RESULTS_METADATA_FILE, metadata());
  }
  const final = metadata(new Date().toISOString());
  await writeJson(RESULTS_METADATA_FILE, final);
  const total = rounds * modes.length;
  io.stdout(`mesh-bench run ${runId}: ${total - failures.length}/${total} measured runs succeeded; results in ${outDir}\n`);
  failures.forEach((f) => io.stdout(`  failed: round ${f.round} ${f.mode}: ${f.reason}\n`));
  return { exitCode: failures.length > 0 ? 1 : 0, runId, outDir, metadata: final };
}

interface PhaseContext {
  readonly client: KubeClient;
  readonly runId: string;
  readonly pollMs: number;
  readonly sampleMs: number;
  readonly report: PreflightReport;
  readonly options: RunBenchmarkOptions;
  readonly log: (msg: string) => void;
}

type PhaseResult = ({ ok: true; text: string } | { ok: false; reason: string }) & { resources?: ProxyResourceSamples };

/** Runs one Job (warm-up or measure) and returns its checked result; never throws. */
async function runPhase(ctx: PhaseContext, harness: ModeHarness, round: number, phase: BenchPhase, prefix: string): Promise<PhaseResult> {
  const seconds = phase === 'warmup' ? harness.meta.warmupSeconds : harness.meta.durationSeconds;
  const jobName = `${ctx.runId}-r${round}-${harness.mode}-${phase}`;
  const timeoutMs = (ctx.options.jobTimeoutSeconds ?? seconds + JOB_TIMEOUT_MARGIN_SECONDS) * 1000;
  let sampler: ProxySampler | undefined;
  let created = false;
  const phaseStart = Date.now();
  let result: PhaseResult;
  try {
    const manifest = instantiateJob(harness, { jobName, runId: ctx.runId, round, phase, duration: `${seconds}s` });
    ctx.log(`${prefix} ${phase}: creating Job ${harness.namespace}/${jobName} (${seconds}s of load)`);
    const outcome = await runJobToEnd(ctx.client, {
      namespace: harness.namespace,
      manifest,
      timeoutMs,
      pollIntervalMs: ctx.pollMs,
      onCreated: () => {
        created = true;
        if (phase === 'measure' && harness.mode !== BenchmarkMode.BASELINE) {
          sampler = startProxySampler(ctx.client, () => proxyTargets(ctx, harness, jobName), ctx.sampleMs);
        }
      },
    });
    if (outcome.kind !== 'succeeded') {
      result = { ok: false, reason: outcome.reason };
    } else {
      const text = extractMarkedResult(outcome.log);
      const problem = text === undefined ? `the log of ${harness.namespace}/${outcome.pod.name} has no result markers` : checkFortioResult(text);
      result = problem === undefined && text !== undefined ? { ok: true, text } : { ok: false, reason: problem ?? 'no result' };
    }
  } catch (e: unknown) {
    result = { ok: false, reason: e instanceof Error ? e.message : String(e) };
  }
  if (sampler !== undefined) {
    const { samples, errors } = await sampler.stop();
    if (errors.length > 0) ctx.log(`${prefix} ${phase}: warning: ${errors.length} proxy sampling error(s), first: ${errors[0]}`);
    result.resources = { mode: harness.mode, round, samples };
  } else if (phase === 'measure' && created) {
    result.resources = { mode: harness.mode, round, samples: [] };
  }
  ctx.log(`${prefix} ${phase}: ${result.ok ? 'done' : 'failed'} after ${((Date.now() - phaseStart) / 1000).toFixed(1)}s`);
  if (created && !ctx.options.keepJobs) {
    try {
      await ctx.client.deleteJob(harness.namespace, jobName);
    } catch (e: unknown) {
      ctx.log(`${prefix} ${phase}: warning: cannot delete Job ${jobName}: ${e instanceof Error ? e.message : String(e)}`);
    }
  } else if (created) {
    ctx.log(`${prefix} ${phase}: keeping Job ${harness.namespace}/${jobName}`);
  }
  return result;
}

/**
 * Containers to sample for a mode: sidecar → `istio-proxy` of the server pods and of the load
 * pod; ambient → every container of the ztunnel pods on the server and load nodes.
 */
async function proxyTargets(ctx: PhaseContext, harness: ModeHarness, jobName: string): Promise<SampleTarget[]> {
  const servers = ctx.report.serverPods.get(harness.mode) ?? [];
  const loadPods = (await ctx.client.listPods(harness.namespace, `${JOB_NAME_LABEL}=${jobName}`)).filter((p) => p.nodeName !== undefined);
  if (harness.mode === BenchmarkMode.SIDECAR) {
    return [...servers, ...loadPods]
      .filter((p) => p.nodeName !== undefined && hasIstioProxy(p))
      .map((p) => ({ node: p.nodeName ?? '', namespace: p.namespace, pod: p.name, container: 'istio-proxy' }));
  }
  const nodes = new Set([...servers, ...loadPods].flatMap((p) => (p.nodeName ? [p.nodeName] : [])));
  const ztunnels = await ctx.client.listPods(ISTIO_SYSTEM_NAMESPACE, ZTUNNEL_SELECTOR);
  return ztunnels.filter((z) => z.nodeName !== undefined && nodes.has(z.nodeName)).map((z) => ({ node: z.nodeName ?? '', namespace: z.namespace, pod: z.name }));
}

function parseNumberArg(integer: boolean) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
      throw new InvalidArgumentError(`expected a positive ${integer ? 'integer' : 'number'}, got '${value}'`);
    }
    return n;
  };
}

function parseSeedArg(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !isValidSeed(n)) throw new InvalidArgumentError(`expected an integer in 0 … ${MAX_SEED}, got '${value}'`);
  return n;
}

function optString(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
function optNumber(v: unknown): number | undefined {
  return typeof v === 'number' ? v : undefined;
}

/**
 * Adds `run` to the `mesh-bench` program. The action never throws: errors are printed on
 * `io.stderr`, and `setExitCode` receives 0 (all runs succeeded), 1 (some failed, invalid
 * options or failed preflight).
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
    .description('run the benchmark: R rounds of warm-up + measured load Jobs per mode, in a seeded random order')
    .option('--kubeconfig <path>', 'kubeconfig file (default: KUBECONFIG or ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context (default: current context)')
    .option('--namespaces <list>', 'comma-separated namespaces holding the harness (default: all)')
    .option('--rounds <n>', `rounds (default: ${DEFAULT_ROUNDS})`, parseNumberArg(true))
    .option('--seed <n>', 'seed of the mode-order shuffle (default: random; recorded in metadata.json)', parseSeedArg)
    .option('--out <dir>', `results directory (default: ${DEFAULT_RESULTS_ROOT}/<runId>)`)
    .option('--run-id <id>', 'run id used in Job names and labels (default: generated)')
    .option('--job-timeout <seconds>', `per-Job timeout (default: phase duration + ${JOB_TIMEOUT_MARGIN_SECONDS}s)`, parseNumberArg(false))
    .option('--poll-interval <seconds>', `Job status poll interval (default: ${DEFAULT_POLL_INTERVAL_SECONDS})`, parseNumberArg(false))
    .option('--sample-interval <seconds>', `proxy CPU/memory sample interval (default: ${DEFAULT_SAMPLE_INTERVAL_SECONDS})`, parseNumberArg(false))
    .option('--request-timeout <seconds>', 'timeout of each Kubernetes API request (default: 30)', parseNumberArg(false))
    .option('--keep-jobs', 'do not delete the Jobs')
    .action(async (raw: Record<string, unknown>) => {
      const namespaces = optString(raw.namespaces)?.split(',').map((s) => s.trim()).filter((s) => s !== '');
      try {
        const outcome = await runBenchmark(
          {
            kubeconfig: optString(raw.kubeconfig),
            context: optString(raw.context),
            namespaces,
            rounds: optNumber(raw.rounds),
            seed: optNumber(raw.seed),
            out: optString(raw.out),
            runId: optString(raw.runId),
            jobTimeoutSeconds: optNumber(raw.jobTimeout),
            pollIntervalSeconds: optNumber(raw.pollInterval),
            sampleIntervalSeconds: optNumber(raw.sampleInterval),
            requestTimeoutSeconds: optNumber(raw.requestTimeout),
            keepJobs: raw.keepJobs === true,
          },
          io,
        );
        setExitCode(outcome.exitCode);
      } catch (e: unknown) {
        io.stderr(`mesh-bench run: ${e instanceof Error ? e.message : String(e)}\n`);
        setExitCode(1);
      }
    });
}
