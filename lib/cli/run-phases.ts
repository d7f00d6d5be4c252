/**
 * The phases of `mesh-bench run`, one Job each: calibration steps, warm-up and measured load. Each
 * phase creates its Job, waits for it (or for Ctrl-C), harvests and checks its result, samples the
 * proxies while it runs, and deletes the Job. Used by `run-command.ts`.
 */
import { BENCH_WAYPOINT_NAME, BenchmarkMode } from '../wire/bench-contract';
import { KubeClient } from '../kube/client';
import { BenchPhase, extractMarkedResult, instantiateJob, ModeHarness } from '../kube/harness';
import { JOB_NAME_LABEL, runJobToEnd } from '../kube/jobs';
import { hasIstioProxy, PreflightReport } from '../kube/preflight';
import { ProxySampler, SampleTarget, startProxySampler } from '../kube/proxy-usage';
import { ISTIO_PROXY_CONTAINER, ISTIO_SYSTEM_NAMESPACE, ZTUNNEL_SELECTOR } from '../wire/istio';
import { waypointPodSelector } from '../wire/istio-waypoint';
import { CalibrationRecord, CalibrationStep, ProxyComponent, ProxyResourceSamples } from '../wire/results-layout';
import { validateResultText } from './results-dir';

/** Without `--job-timeout`, a Job may take its phase duration plus this many seconds. */
export const JOB_TIMEOUT_MARGIN_SECONDS = 300;
/**
 * Requested rates may be at most this fraction of the rate the load generator sustained with
 * schedule slip under 1 % in calibration (headroom for the slower meshed modes).
 */
export const CALIBRATION_FRACTION = 0.8;
/** Largest schedule slip a calibration step may show and still count as sustained. */
export const CALIBRATION_MAX_SLIP = 0.01;

/** What every phase needs from the run. */
export interface PhaseContext {
  readonly client: KubeClient;
  readonly runId: string;
  readonly pollMs: number;
  readonly sampleMs: number;
  readonly report: PreflightReport;
  readonly log: (msg: string) => void;
  /** More than one rate: Job names carry the rate. */
  readonly sweep: boolean;
  /** Per-Job timeout, seconds. @default - the phase duration + 300 s */
  readonly jobTimeoutSeconds?: number;
  /** Leave finished Jobs in the cluster (an interrupted Job is always deleted). */
  readonly keepJobs?: boolean;
  /** Aborted on Ctrl-C. */
  readonly signal?: AbortSignal;
}

/**
 * Calibration: short open-loop runs against the baseline mode (no proxy in the path; else the
 * first mode) at each requested rate ÷ {@link CALIBRATION_FRACTION}, ascending, stopping at the
 * first that slips ≥ 1 %. The highest rate that did not slip is the sustained rate.
 */
export async function calibrate(ctx: PhaseContext, harnesses: readonly ModeHarness[], rates: readonly number[], seconds: number): Promise<CalibrationRecord | 'interrupted'> {
  const harness = harnesses.find((h) => h.mode === BenchmarkMode.BASELINE) ?? harnesses[0];
  const ladder = [...new Set(rates.map((q) => Math.ceil(q / CALIBRATION_FRACTION)))].sort((a, b) => a - b);
  const steps: CalibrationStep[] = [];
  let sustained: number | null = null;
  for (const qps of ladder) {
    const r = await runPhase(ctx, harness, { round: 0, phase: 'calibrate', qps, seconds }, `calibration ${qps} QPS`);
    if (r.interrupted) return 'interrupted';
    if (!r.ok) {
      ctx.log(`calibration ${qps} QPS: failed (${r.reason}); stopping calibration`);
      break;
    }
    const result = r.result;
    if (result === undefined) break;
    const slip = 1 - result.actualQps / qps;
    steps.push({ qps, actualQps: result.actualQps, slip });
    ctx.log(`calibration ${qps} QPS: actual ${result.actualQps.toFixed(1)} QPS, slip ${(slip * 100).toFixed(2)} %`);
    if (slip >= CALIBRATION_MAX_SLIP) break;
    sustained = qps;
  }
  return { mode: harness.mode, seconds, fraction: CALIBRATION_FRACTION, steps, sustainedQps: sustained };
}

/** One phase: which round, which kind, at which rate, for how long. */
export interface PhaseSpec {
  readonly round: number;
  readonly phase: BenchPhase;
  readonly qps: number;
  readonly seconds: number;
}

/** A phase's outcome: the result text, or why not; samples; whether Ctrl-C ended it. */
export type PhaseResult = ({ ok: true; text: string; result?: { actualQps: number } } | { ok: false; reason: string }) & { resources?: ProxyResourceSamples; interrupted?: boolean };

function jobNameOf(runId: string, harness: ModeHarness, s: PhaseSpec, sweep: boolean): string {
  if (s.phase === 'calibrate') return `${runId}-cal-${s.qps}`;
  return `${runId}${sweep ? `-q${s.qps}` : ''}-r${s.round}-${harness.mode}-${s.phase}`;
}

/** Runs one Job (calibration, warm-up or measure) and returns its result; never throws. */
export async function runPhase(ctx: PhaseContext, harness: ModeHarness, s: PhaseSpec, prefix: string): Promise<PhaseResult> {
  const jobName = jobNameOf(ctx.runId, harness, s, ctx.sweep);
  const timeoutMs = (ctx.jobTimeoutSeconds ?? s.seconds + JOB_TIMEOUT_MARGIN_SECONDS) * 1000;
  let sampler: ProxySampler | undefined;
  let created = false;
  const phaseStart = Date.now();
  let result: PhaseResult;
  try {
    const manifest = instantiateJob(harness, { jobName, runId: ctx.runId, round: s.round, phase: s.phase, duration: `${s.seconds}s`, qps: s.qps });
    ctx.log(`${prefix} ${s.phase}: creating Job ${harness.namespace}/${jobName} (${s.seconds}s of load at ${s.qps} QPS)`);
    const outcome = await runJobToEnd(ctx.client, {
      namespace: harness.namespace,
      manifest,
      timeoutMs,
      pollIntervalMs: ctx.pollMs,
      signal: ctx.signal,
      onCreated: () => {
        created = true;
        if (s.phase === 'measure' && harness.mode !== BenchmarkMode.BASELINE) {
          sampler = startProxySampler(ctx.client, () => proxyTargets(ctx, harness, jobName), ctx.sampleMs);
        }
      },
    });
    if (outcome.kind === 'interrupted') {
      result = { ok: false, reason: outcome.reason, interrupted: true };
    } else if (outcome.kind !== 'succeeded') {
      result = { ok: false, reason: outcome.reason };
    } else {
      const text = extractMarkedResult(outcome.log);
      if (text === undefined) {
        result = { ok: false, reason: `the log of ${harness.namespace}/${outcome.pod.name} has no result markers` };
      } else if (s.phase === 'calibrate') {
        // the same parser as compare; the result is not stored, only its rate
        try {
          const r = validateResultText(text, `calibration ${s.qps} QPS`, s.qps);
          result = { ok: true, text, result: { actualQps: r.actualQps } };
        } catch (e: unknown) {
          result = { ok: false, reason: e instanceof Error ? e.message : String(e) };
        }
      } else {
        result = { ok: true, text };
      }
    }
  } catch (e: unknown) {
    result = { ok: false, reason: e instanceof Error ? e.message : String(e) };
  }
  if (sampler !== undefined) {
    const { samples, errors } = await sampler.stop();
    if (errors.length > 0) ctx.log(`${prefix} ${s.phase}: warning: ${errors.length} proxy sampling error(s), first: ${errors[0]}`);
    result.resources = { mode: harness.mode, round: s.round, samples };
  } else if (s.phase === 'measure' && created) {
    result.resources = { mode: harness.mode, round: s.round, samples: [] };
  }
  if (result.interrupted) result.resources = undefined;
  ctx.log(`${prefix} ${s.phase}: ${result.interrupted ? 'interrupted' : result.ok ? 'done' : 'failed'} after ${((Date.now() - phaseStart) / 1000).toFixed(1)}s`);
  if (created && (!ctx.keepJobs || result.interrupted)) {
    try {
      await ctx.client.deleteJob(harness.namespace, jobName);
      if (result.interrupted) ctx.log(`${prefix} ${s.phase}: deleted the running Job ${harness.namespace}/${jobName}`);
    } catch (e: unknown) {
      ctx.log(`${prefix} ${s.phase}: warning: cannot delete Job ${jobName}: ${e instanceof Error ? e.message : String(e)}`);
    }
  } else if (created) {
    ctx.log(`${prefix} ${s.phase}: keeping Job ${harness.namespace}/${jobName}`);
  }
  return result;
}

/**
 * Containers to sample for a mode: sidecar → `istio-proxy` of the server pods and of the load
 * pod; ambient → every container of the ztunnel pods on the server and load nodes;
 * ambient-waypoint → those ztunnels plus every container of the server namespace's waypoint pods,
 * on whichever node they run (not the ztunnel of that node: Istio's waypoint template labels its pods
 * `istio.io/dataplane-mode=none`, so ztunnel does not capture them). Without a Job (idle baseline)
 * only the server side is sampled.
 * A waypoint mode without a running waypoint pod throws (the sampler records the error and skips
 * the tick) rather than return ztunnels alone, which would under-count the L7 data plane.
 */
export async function proxyTargets(ctx: PhaseContext, harness: ModeHarness, jobName: string | undefined): Promise<SampleTarget[]> {
  const servers = ctx.report.serverPods.get(harness.mode) ?? [];
  const loadPods = jobName === undefined ? [] : (await ctx.client.listPods(harness.namespace, `${JOB_NAME_LABEL}=${jobName}`)).filter((p) => p.nodeName !== undefined);
  if (harness.mode === BenchmarkMode.SIDECAR) {
    return [...servers, ...loadPods]
      .filter((p) => p.nodeName !== undefined && hasIstioProxy(p))
      .map((p) => ({ component: ProxyComponent.SIDECAR, node: p.nodeName ?? '', namespace: p.namespace, pod: p.name, container: ISTIO_PROXY_CONTAINER }));
  }
  const nodes = new Set([...servers, ...loadPods].flatMap((p) => (p.nodeName ? [p.nodeName] : [])));
  const ztunnels = (await ctx.client.listPods(ISTIO_SYSTEM_NAMESPACE, ZTUNNEL_SELECTOR))
    .filter((z) => z.nodeName !== undefined && nodes.has(z.nodeName))
    .map((z) => ({ component: ProxyComponent.ZTUNNEL, node: z.nodeName ?? '', namespace: z.namespace, pod: z.name }));
  if (harness.mode !== BenchmarkMode.AMBIENT_WAYPOINT) return ztunnels;
  const selector = waypointPodSelector(BENCH_WAYPOINT_NAME);
  const waypoints = (await ctx.client.listPods(harness.namespace, selector)).filter((p) => p.phase === 'Running' && p.nodeName !== undefined);
  if (waypoints.length === 0) throw new Error(`no running waypoint pod in ${harness.namespace} (${selector}); sample skipped rather than count ztunnel alone`);
  return [...ztunnels, ...waypoints.map((w) => ({ component: ProxyComponent.WAYPOINT, node: w.nodeName ?? '', namespace: w.namespace, pod: w.name }))];
}
