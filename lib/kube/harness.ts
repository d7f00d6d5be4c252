/**
 * Discovery of the benchmark harness deployed by `BenchmarkHarness` (one Job-template ConfigMap
 * per mode namespace) and instantiation of its Job templates, per `lib/wire/bench-contract.ts`.
 */
import {
  ALL_MODES,
  BenchmarkMode,
  JOB_META_KEY,
  JOB_TEMPLATE_CONFIGMAP,
  JOB_TEMPLATE_KEY,
  JobTemplateMeta,
  MODE_LABEL,
  PART_OF_LABEL,
  PART_OF_VALUE,
  PHASE_LABEL,
  PLACEHOLDERS,
  RESULT_BEGIN_MARKER,
  RESULT_END_MARKER,
  ROUND_LABEL,
  RUN_LABEL,
} from '../wire/bench-contract';
import { KubeClient } from './client';

/**
 * Phases of one (round, mode): a warm-up Job whose result is discarded, then the measured Job;
 * `calibrate` Jobs run before the rounds to measure the rate the load generator sustains.
 */
export type BenchPhase = 'warmup' | 'measure' | 'calibrate';

/** One mode's harness, as found in the cluster. */
export interface ModeHarness {
  readonly mode: BenchmarkMode;
  readonly namespace: string;
  readonly meta: JobTemplateMeta;
  /** The Job template (JSON text with placeholders). */
  readonly template: string;
  /** `spec.template.spec.nodeSelector` of the template; empty when unset. */
  readonly loadNodeSelector: Readonly<Record<string, string>>;
}

/** What discovery found, and every problem that prevents a run. */
export interface HarnessDiscovery {
  readonly harnesses: readonly ModeHarness[];
  readonly problems: readonly string[];
}

/** Values substituted for the contract's placeholders. */
export interface JobValues {
  readonly jobName: string;
  readonly runId: string;
  readonly round: number;
  readonly phase: BenchPhase;
  /** fortio duration, e.g. `60s`. */
  readonly duration: string;
  /** Requested rate (`${QPS}`). */
  readonly qps: number;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function asMode(value: unknown): BenchmarkMode | undefined {
  return ALL_MODES.find((m) => m === value);
}

/** Validates the parsed `meta.json`; returns the problems found (empty when valid). */
export function validateTemplateMeta(meta: unknown): string[] {
  if (!isRecord(meta)) return ['meta.json is not a JSON object'];
  const problems: string[] = [];
  if (asMode(meta.mode) === undefined) problems.push(`meta.json 'mode' must be one of ${ALL_MODES.join(', ')}, got ${JSON.stringify(meta.mode)}`);
  for (const key of ['namespace', 'targetUrl', 'image'] as const) {
    if (typeof meta[key] !== 'string' || meta[key] === '') problems.push(`meta.json '${key}' must be a non-empty string`);
  }
  for (const key of ['qps', 'connections', 'durationSeconds', 'warmupSeconds', 'responseBytes', 'requestPayloadBytes', 'serverReplicas'] as const) {
    const v = meta[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) problems.push(`meta.json '${key}' must be a non-negative number, got ${JSON.stringify(v)}`);
  }
  return problems;
}

/** Substitutes the placeholders in the template JSON text (values are JSON-string escaped). */
export function substitutePlaceholders(template: string, values: JobValues): string {
  const esc = (s: string): string => JSON.stringify(s).slice(1, -1);
  return template
    .split(PLACEHOLDERS.jobName).join(esc(values.jobName))
    .split(PLACEHOLDERS.runId).join(esc(values.runId))
    .split(PLACEHOLDERS.round).join(esc(String(values.round)))
    .split(PLACEHOLDERS.phase).join(esc(values.phase))
    .split(PLACEHOLDERS.duration).join(esc(values.duration))
    .split(PLACEHOLDERS.qps).join(esc(String(values.qps)));
}

/** Does the template take its rate from `${QPS}` (harnesses that predate rate sweeps bake it in)? */
export function templateTakesRate(template: string): boolean {
  return template.includes(PLACEHOLDERS.qps);
}

/**
 * Builds the Job manifest for one phase: placeholders substituted, then the contract's labels
 * set on the Job (run, round, phase, mode, part-of). Throws when the result is not a Job whose
 * name is the generated one.
 */
export function instantiateJob(harness: Pick<ModeHarness, 'mode' | 'template'>, values: JobValues): Record<string, unknown> {
  const parsed: unknown = JSON.parse(substitutePlaceholders(harness.template, values));
  if (!isRecord(parsed) || parsed.kind !== 'Job') throw new Error(`the ${harness.mode} Job template is not a batch/v1 Job manifest`);
  const metadata = isRecord(parsed.metadata) ? parsed.metadata : {};
  if (metadata.name !== values.jobName) {
    throw new Error(`the ${harness.mode} Job template must set metadata.name to ${PLACEHOLDERS.jobName}, got ${JSON.stringify(metadata.name)}`);
  }
  const labels = isRecord(metadata.labels) ? metadata.labels : {};
  parsed.metadata = {
    ...metadata,
    labels: {
      ...labels,
      [PART_OF_LABEL]: PART_OF_VALUE,
      [MODE_LABEL]: harness.mode,
      [RUN_LABEL]: values.runId,
      [ROUND_LABEL]: String(values.round),
      [PHASE_LABEL]: values.phase,
    },
  };
  return parsed;
}

function nodeSelectorOf(job: Record<string, unknown>): Record<string, string> {
  const spec = isRecord(job.spec) ? job.spec : {};
  const tpl = isRecord(spec.template) ? spec.template : {};
  const podSpec = isRecord(tpl.spec) ? tpl.spec : {};
  const sel = isRecord(podSpec.nodeSelector) ? podSpec.nodeSelector : {};
  return Object.fromEntries(Object.entries(sel).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/**
 * Finds the harness: ConfigMaps named {@link JOB_TEMPLATE_CONFIGMAP} labelled
 * `app.kubernetes.io/part-of=mesh-benchmark`, in `namespaces` or in all namespaces.
 * Problems (unreadable templates, duplicate modes, no harness at all) are collected, not thrown.
 */
export async function discoverHarness(client: KubeClient, namespaces?: readonly string[]): Promise<HarnessDiscovery> {
  const selectors = { labelSelector: `${PART_OF_LABEL}=${PART_OF_VALUE}`, fieldSelector: `metadata.name=${JOB_TEMPLATE_CONFIGMAP}` };
  const lists = namespaces === undefined
    ? [await client.listConfigMaps(undefined, selectors)]
    : await Promise.all(namespaces.map((ns) => client.listConfigMaps(ns, selectors)));
  const problems: string[] = [];
  const byMode = new Map<BenchmarkMode, ModeHarness>();
  for (const cm of lists.flat()) {
    if (cm.name !== JOB_TEMPLATE_CONFIGMAP) continue;
    const where = `ConfigMap ${cm.namespace}/${cm.name}`;
    const metaText = cm.data[JOB_META_KEY];
    const template = cm.data[JOB_TEMPLATE_KEY];
    if (metaText === undefined || template === undefined) {
      problems.push(`${where} lacks data key '${metaText === undefined ? JOB_META_KEY : JOB_TEMPLATE_KEY}'`);
      continue;
    }
    let meta: unknown;
    try {
      meta = JSON.parse(metaText);
    } catch (e: unknown) {
      problems.push(`${where} '${JOB_META_KEY}' is not JSON: ${e instanceof Error ? e.message : String(e)}`);
      continue;
    }
    const metaProblems = validateTemplateMeta(meta);
    if (metaProblems.length > 0 || !isRecord(meta)) {
      problems.push(...metaProblems.map((p) => `${where}: ${p}`));
      continue;
    }
    const valid = meta as unknown as JobTemplateMeta;
    const labelMode = cm.labels[MODE_LABEL];
    if (labelMode !== undefined && labelMode !== valid.mode) {
      problems.push(`${where} is labelled ${MODE_LABEL}=${labelMode} but meta.json says mode '${valid.mode}'`);
      continue;
    }
    let job: Record<string, unknown>;
    try {
      job = instantiateJob({ mode: valid.mode, template }, { jobName: 'preflight', runId: 'preflight', round: 1, phase: 'measure', duration: '1s', qps: valid.qps });
    } catch (e: unknown) {
      problems.push(`${where} '${JOB_TEMPLATE_KEY}' is unusable: ${e instanceof Error ? e.message : String(e)}`);
      continue;
    }
    const existing = byMode.get(valid.mode);
    if (existing !== undefined) {
      problems.push(`mode '${valid.mode}' has two harnesses: ${existing.namespace} and ${cm.namespace}; pass --namespaces to choose`);
      continue;
    }
    byMode.set(valid.mode, { mode: valid.mode, namespace: cm.namespace, meta: valid, template, loadNodeSelector: nodeSelectorOf(job) });
  }
  const harnesses = ALL_MODES.flatMap((m) => {
    const h = byMode.get(m);
    return h === undefined ? [] : [h];
  });
  if (harnesses.length === 0 && problems.length === 0) {
    const where = namespaces === undefined ? 'any namespace' : `namespaces ${namespaces.join(', ')}`;
    problems.push(`no ConfigMap '${JOB_TEMPLATE_CONFIGMAP}' labelled ${PART_OF_LABEL}=${PART_OF_VALUE} found in ${where}; deploy the BenchmarkHarness first`);
  }
  return { harnesses, problems };
}

/**
 * The text between the result markers in a result-container log (the last complete block, in
 * case the container printed more than one), or undefined when there is none.
 */
export function extractMarkedResult(log: string): string | undefined {
  const lines = log.split('\n').map((l) => l.replace(/\r$/, ''));
  let result: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() !== RESULT_BEGIN_MARKER) continue;
    const end = lines.findIndex((l, j) => j > i && l.trim() === RESULT_END_MARKER);
    if (end < 0) break;
    result = lines.slice(i + 1, end).join('\n').trim();
    i = end;
  }
  return result;
}
