/**
 * The results directory: the contract between `mesh-bench run` (which writes it) and
 * `mesh-bench compare` (which reads it). Construct-free and pure: names, limits, types and the
 * validation of every JSON document in it. The one module that touches the files is
 * `lib/cli/results-dir.ts`.
 *
 * Layout, format version {@link RESULTS_FORMAT_VERSION}:
 * ```
 * <dir>/metadata.json                                        RunMetadata (formatVersion first)
 * <dir>/idle/<mode>.resources.json                           ProxyResourceSamples before any load (round 0)
 * <dir>/rates/<qps>/rounds/<round>/<mode>.json               fortio JSON result of the measured phase
 * <dir>/rates/<qps>/rounds/<round>/<mode>.resources.json     ProxyResourceSamples during it
 * ```
 * `<qps>` and `<round>` are canonical decimal integers (no sign, no leading zero); rounds count
 * from 1. Nothing else may appear, except dot-files, which are ignored.
 *
 * Each resource sample names the data-plane component it measured (`component`: `sidecar`,
 * `ztunnel` or `waypoint`). The field was added within format 2 without a version change: a
 * reader that ignores it still sums every sampled proxy, and a sample written before it existed
 * reads as what those runs sampled (`sidecar` in sidecar mode, `ztunnel` in the ambient modes).
 */
import { ALL_MODES, BenchmarkMode, JobTemplateMeta } from './bench-contract';
import { DataError } from '../private/cli-errors';
import { describeValue } from '../private/errors';

/** Version of the layout and its documents; `compare` reads exactly this version. */
export const RESULTS_FORMAT_VERSION = 2;
export const RESULTS_METADATA_FILE = 'metadata.json';
export const RESULTS_RATES_DIR = 'rates';
export const RESULTS_ROUNDS_DIR = 'rounds';
export const RESULTS_IDLE_DIR = 'idle';
export const RESULT_SUFFIX = '.json';
export const RESOURCES_SUFFIX = '.resources.json';

/** Upper bounds on what a results directory may claim (work is bounded by what is present, too). */
export const RESULTS_LIMITS = Object.freeze({
  /** Rounds per rate. */
  maxRounds: 1000,
  /** Rates of one sweep. */
  maxRates: 32,
  /** Requested QPS of one rate. */
  maxQps: 100_000,
  /** Bytes of metadata.json. */
  maxMetadataBytes: 4 * 1024 * 1024,
  /** Bytes of one fortio result (a 1 h run at -r 1e-5 stays far below). */
  maxResultBytes: 64 * 1024 * 1024,
  /** Bytes of one resource sample file. */
  maxResourcesBytes: 32 * 1024 * 1024,
  /** Length of free-text fields (reasons, versions, timestamps). */
  maxTextLength: 4096,
});

/** Run ids: DNS labels of at most 30 characters (they appear in Job names). */
export const RUN_ID_PATTERN = /^[a-z0-9]([-a-z0-9]{0,28}[a-z0-9])?$/;
/** Canonical decimal integer: what directory names of rates and rounds must look like. */
export const CANONICAL_INTEGER = /^(0|[1-9]\d{0,8})$/;

/** Path (relative, `/`-separated) of a measured result. */
export function resultRelPath(qps: number, round: number, mode: BenchmarkMode): string {
  return `${RESULTS_RATES_DIR}/${qps}/${RESULTS_ROUNDS_DIR}/${round}/${mode}${RESULT_SUFFIX}`;
}

/** Path of the proxy samples of a measured phase. */
export function resourcesRelPath(qps: number, round: number, mode: BenchmarkMode): string {
  return `${RESULTS_RATES_DIR}/${qps}/${RESULTS_ROUNDS_DIR}/${round}/${mode}${RESOURCES_SUFFIX}`;
}

/** Path of the idle-baseline samples of a mode. */
export function idleRelPath(mode: BenchmarkMode): string {
  return `${RESULTS_IDLE_DIR}/${mode}${RESOURCES_SUFFIX}`;
}

/** One step of the calibration: a short baseline run at `qps`. */
export interface CalibrationStep {
  readonly qps: number;
  readonly actualQps: number;
  /** `1 − actual/requested`. */
  readonly slip: number;
}

/** What calibration measured and decided. */
export interface CalibrationRecord {
  /** Mode the calibration load ran against (baseline when deployed: no proxy in the path). */
  readonly mode: BenchmarkMode;
  readonly seconds: number;
  /** Requested rates may be at most this fraction of the sustained rate. */
  readonly fraction: number;
  readonly steps: readonly CalibrationStep[];
  /** Highest tested rate with slip under 1 %; null when none was. */
  readonly sustainedQps: number | null;
}

/** A (rate, round, mode) that produced no usable result, with the reason. */
export interface RunFailure {
  readonly qps: number;
  readonly round: number;
  readonly mode: BenchmarkMode;
  readonly reason: string;
}

/** `metadata.json`. */
export interface RunMetadata {
  readonly formatVersion: typeof RESULTS_FORMAT_VERSION;
  readonly runId: string;
  readonly startedAt: string;
  /** Set when every planned cell was attempted. */
  readonly finishedAt?: string;
  /** Set while a run was interrupted and not resumed to its end. */
  readonly interrupted?: boolean;
  readonly seed: number;
  /** Rounds per rate. */
  readonly rounds: number;
  readonly modes: readonly BenchmarkMode[];
  /** Requested QPS of each rate, in the order they ran; every rate runs all rounds. */
  readonly rates: readonly number[];
  /** Mode order per round (seeded shuffle), index 0 = round 1; the same for every rate. */
  readonly order: readonly (readonly BenchmarkMode[])[];
  readonly kubernetesVersion?: string;
  readonly istioVersion?: string;
  readonly templates: Readonly<Partial<Record<BenchmarkMode, JobTemplateMeta>>>;
  readonly calibration?: CalibrationRecord;
  /** Rates run although above the calibrated limit (`--allow-over-calibration`); compare flags them. */
  readonly overCalibrationRates?: readonly number[];
  /** Seconds of the idle-baseline sampling before load (0 = skipped). */
  readonly idleSeconds: number;
  readonly failures: readonly RunFailure[];
}

/** The data-plane component a resource sample measured. */
export enum ProxyComponent {
  /** The `istio-proxy` sidecar of a server or load pod (sidecar mode). */
  SIDECAR = 'sidecar',
  /** A ztunnel pod on a server or load node (ambient modes). */
  ZTUNNEL = 'ztunnel',
  /** A waypoint proxy pod of the server namespace, on whichever node it runs (`ambient-waypoint`). */
  WAYPOINT = 'waypoint',
}

/** All components, in the order reports list them. */
export const PROXY_COMPONENTS: readonly ProxyComponent[] = [ProxyComponent.SIDECAR, ProxyComponent.ZTUNNEL, ProxyComponent.WAYPOINT];

/** What a sample without `component` (written before the field existed) measured in `mode`. */
export function legacyComponentOf(mode: BenchmarkMode): ProxyComponent {
  return mode === BenchmarkMode.SIDECAR ? ProxyComponent.SIDECAR : ProxyComponent.ZTUNNEL;
}

/** The components `mesh-bench run` samples in a mode (none in baseline: no proxy). */
export function componentsOf(mode: BenchmarkMode): readonly ProxyComponent[] {
  switch (mode) {
    case BenchmarkMode.SIDECAR: return [ProxyComponent.SIDECAR];
    case BenchmarkMode.AMBIENT: return [ProxyComponent.ZTUNNEL];
    case BenchmarkMode.AMBIENT_WAYPOINT: return [ProxyComponent.ZTUNNEL, ProxyComponent.WAYPOINT];
    default: return [];
  }
}

/** Proxy CPU/memory samples of one mode in one round (round 0 = idle baseline). */
export interface ProxyResourceSamples {
  readonly mode: BenchmarkMode;
  readonly round: number;
  /**
   * One entry per sample per proxy container: sidecar `istio-proxy` containers; ztunnel pods on
   * the server and load nodes; in `ambient-waypoint` also the waypoint pods (any node).
   */
  readonly samples: readonly {
    readonly time: string;
    /** Which data-plane component the container belongs to. */
    readonly component: ProxyComponent;
    readonly pod: string;
    readonly container: string;
    /** Node the container ran on (the waypoint may run outside the benchmark nodes). */
    readonly node: string;
    /** CPU in millicores (from usageNanoCores). */
    readonly cpuMillicores: number;
    /** Working set memory in MiB. */
    readonly memoryMiB: number;
  }[];
}

// ---- validation ------------------------------------------------------------------------------

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Builds the one-line rejection: `'<file>' field '<field>' <rule>, got <value>`. */
export function fieldError(file: string, field: string, rule: string, value?: unknown, hasValue = true): DataError {
  const shown = hasValue ? `, got ${short(describeValue(value))}` : '';
  return new DataError(file, `'${file}' field '${field}' ${rule}${shown}`, field);
}

function short(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** A checker bound to one file, for terse validation code. */
export class FieldReader {
  constructor(public readonly file: string) {}

  object(v: unknown, field: string): Json {
    if (!isObject(v)) throw fieldError(this.file, field, 'must be a JSON object', v);
    return v;
  }

  array(v: unknown, field: string, maxLength: number): unknown[] {
    if (!Array.isArray(v)) throw fieldError(this.file, field, 'must be an array', v);
    if (v.length > maxLength) throw fieldError(this.file, field, `must have at most ${maxLength} entries`, `${v.length} entries`);
    return v;
  }

  int(v: unknown, field: string, min: number, max: number): number {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw fieldError(this.file, field, `must be an integer from ${min} to ${max}`, v);
    return v;
  }

  finite(v: unknown, field: string, min: number, max = Number.MAX_VALUE): number {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) throw fieldError(this.file, field, `must be a finite number from ${min}${max === Number.MAX_VALUE ? '' : ` to ${max}`}`, v);
    return v;
  }

  text(v: unknown, field: string, maxLength: number = RESULTS_LIMITS.maxTextLength): string {
    if (typeof v !== 'string') throw fieldError(this.file, field, 'must be a string', v);
    if (v.length > maxLength) throw fieldError(this.file, field, `must be at most ${maxLength} characters`, `${v.length} characters`);
    return v;
  }

  optText(v: unknown, field: string): string | undefined {
    return v === undefined ? undefined : this.text(v, field);
  }

  mode(v: unknown, field: string, allowed: readonly BenchmarkMode[] = ALL_MODES): BenchmarkMode {
    const m = allowed.find((x) => x === v);
    if (m === undefined) throw fieldError(this.file, field, `must be one of ${allowed.join(', ')}`, v);
    return m;
  }
}

function validateTemplates(r: FieldReader, v: unknown, modes: readonly BenchmarkMode[]): RunMetadata['templates'] {
  const o = r.object(v, 'templates');
  const out: Partial<Record<BenchmarkMode, JobTemplateMeta>> = {};
  for (const key of Object.keys(o)) {
    const mode = r.mode(key, `templates.${key.slice(0, 40)}`, modes);
    const t = r.object(o[key], `templates.${mode}`);
    if (t.mode !== mode) throw fieldError(r.file, `templates.${mode}.mode`, `must be '${mode}'`, t.mode);
    r.finite(t.qps, `templates.${mode}.qps`, 0);
    r.int(t.connections, `templates.${mode}.connections`, 0, 1_000_000);
    r.finite(t.durationSeconds, `templates.${mode}.durationSeconds`, 0);
    out[mode] = t as unknown as JobTemplateMeta;
  }
  return out;
}

function validateCalibration(r: FieldReader, v: unknown, modes: readonly BenchmarkMode[]): CalibrationRecord {
  const o = r.object(v, 'calibration');
  const steps = r.array(o.steps, 'calibration.steps', 64).map((s, i) => {
    const so = r.object(s, `calibration.steps[${i}]`);
    return {
      qps: r.finite(so.qps, `calibration.steps[${i}].qps`, 0, RESULTS_LIMITS.maxQps * 10),
      actualQps: r.finite(so.actualQps, `calibration.steps[${i}].actualQps`, 0),
      slip: r.finite(so.slip, `calibration.steps[${i}].slip`, -1, 1),
    };
  });
  const sustained = o.sustainedQps === null ? null : r.finite(o.sustainedQps, 'calibration.sustainedQps', 0);
  return {
    mode: r.mode(o.mode, 'calibration.mode', modes),
    seconds: r.finite(o.seconds, 'calibration.seconds', 0, 3600),
    fraction: r.finite(o.fraction, 'calibration.fraction', 0.01, 1),
    steps,
    sustainedQps: sustained,
  };
}

/**
 * Validates decoded `metadata.json`: version, types, integer ranges, known modes, orders that are
 * permutations of the modes, failures inside the plan. Throws {@link DataError} naming the field.
 */
export function validateRunMetadata(json: unknown, file: string): RunMetadata {
  const r = new FieldReader(file);
  const o = r.object(json, '(top level)');
  if (o.formatVersion === undefined) {
    throw fieldError(file, 'formatVersion', `is missing: not a results directory of format ${RESULTS_FORMAT_VERSION} (written by an older mesh-bench, or not by mesh-bench run)`, undefined, false);
  }
  if (o.formatVersion !== RESULTS_FORMAT_VERSION) throw fieldError(file, 'formatVersion', `must be ${RESULTS_FORMAT_VERSION} (this mesh-bench reads format ${RESULTS_FORMAT_VERSION} only)`, o.formatVersion);
  const runId = r.text(o.runId, 'runId', 30);
  if (!RUN_ID_PATTERN.test(runId)) throw fieldError(file, 'runId', 'must be a DNS label of at most 30 characters', runId);
  const rounds = r.int(o.rounds, 'rounds', 1, RESULTS_LIMITS.maxRounds);
  const modes = r.array(o.modes, 'modes', ALL_MODES.length).map((m, i) => r.mode(m, `modes[${i}]`));
  if (modes.length === 0) throw fieldError(file, 'modes', 'must list at least one mode', []);
  if (new Set(modes).size !== modes.length) throw fieldError(file, 'modes', 'must not repeat a mode', modes);
  const rates = r.array(o.rates, 'rates', RESULTS_LIMITS.maxRates).map((q, i) => r.int(q, `rates[${i}]`, 1, RESULTS_LIMITS.maxQps));
  if (rates.length === 0) throw fieldError(file, 'rates', 'must list at least one rate', []);
  if (new Set(rates).size !== rates.length) throw fieldError(file, 'rates', 'must not repeat a rate', rates);
  const orderRaw = r.array(o.order, 'order', RESULTS_LIMITS.maxRounds);
  if (orderRaw.length !== rounds) throw fieldError(file, 'order', `must have one entry per round (${rounds})`, `${orderRaw.length} entries`);
  const order = orderRaw.map((row, i) => {
    const ms = r.array(row, `order[${i}]`, modes.length).map((m, j) => r.mode(m, `order[${i}][${j}]`, modes));
    if (ms.length !== modes.length || new Set(ms).size !== ms.length) throw fieldError(file, `order[${i}]`, `must be a permutation of the modes (${modes.join(', ')})`, ms);
    return ms;
  });
  const failures = r.array(o.failures, 'failures', rounds * modes.length * rates.length).map((f, i) => {
    const fo = r.object(f, `failures[${i}]`);
    const qps = r.int(fo.qps, `failures[${i}].qps`, 1, RESULTS_LIMITS.maxQps);
    if (!rates.includes(qps)) throw fieldError(file, `failures[${i}].qps`, `must be one of the run's rates (${rates.join(', ')})`, qps);
    return { qps, round: r.int(fo.round, `failures[${i}].round`, 1, rounds), mode: r.mode(fo.mode, `failures[${i}].mode`, modes), reason: r.text(fo.reason, `failures[${i}].reason`) };
  });
  const seen = new Set<string>();
  failures.forEach((f, i) => {
    const key = `${f.qps}/${f.round}/${f.mode}`;
    if (seen.has(key)) throw fieldError(file, `failures[${i}]`, 'must not repeat a (qps, round, mode)', key);
    seen.add(key);
  });
  const over = o.overCalibrationRates === undefined ? undefined : r.array(o.overCalibrationRates, 'overCalibrationRates', rates.length).map((q, i) => {
    const v = r.int(q, `overCalibrationRates[${i}]`, 1, RESULTS_LIMITS.maxQps);
    if (!rates.includes(v)) throw fieldError(file, `overCalibrationRates[${i}]`, 'must be one of the run\'s rates', v);
    return v;
  });
  if (o.interrupted !== undefined && typeof o.interrupted !== 'boolean') throw fieldError(file, 'interrupted', 'must be a boolean', o.interrupted);
  return {
    formatVersion: RESULTS_FORMAT_VERSION,
    runId,
    startedAt: r.text(o.startedAt, 'startedAt', 64),
    ...(o.finishedAt !== undefined ? { finishedAt: r.text(o.finishedAt, 'finishedAt', 64) } : {}),
    ...(o.interrupted === true ? { interrupted: true } : {}),
    seed: r.int(o.seed, 'seed', 0, 0xffffffff),
    rounds,
    modes,
    rates,
    order,
    ...(o.kubernetesVersion !== undefined ? { kubernetesVersion: r.text(o.kubernetesVersion, 'kubernetesVersion', 100) } : {}),
    ...(o.istioVersion !== undefined ? { istioVersion: r.text(o.istioVersion, 'istioVersion', 100) } : {}),
    templates: validateTemplates(r, o.templates, modes),
    ...(o.calibration !== undefined ? { calibration: validateCalibration(r, o.calibration, modes) } : {}),
    ...(over !== undefined ? { overCalibrationRates: over } : {}),
    idleSeconds: r.finite(o.idleSeconds, 'idleSeconds', 0, 3600),
    failures,
  };
}

/**
 * Validates decoded proxy samples; `expected` is the (mode, round) the file's path says. Throws
 * {@link DataError} naming the field.
 */
export function validateResourceSamples(json: unknown, file: string, expected: { mode: BenchmarkMode; round: number }): ProxyResourceSamples {
  const r = new FieldReader(file);
  const o = r.object(json, '(top level)');
  if (o.mode !== expected.mode) throw fieldError(file, 'mode', `must be '${expected.mode}' (the file's name)`, o.mode);
  if (o.round !== expected.round) throw fieldError(file, 'round', `must be ${expected.round} (the file's directory)`, o.round);
  const samples = r.array(o.samples, 'samples', 10_000_000).map((s, i) => {
    const so = r.object(s, `samples[${i}]`);
    const component = so.component === undefined
      ? legacyComponentOf(expected.mode)
      : PROXY_COMPONENTS.find((c) => c === so.component);
    if (component === undefined) throw fieldError(file, `samples[${i}].component`, `must be one of ${PROXY_COMPONENTS.join(', ')}`, so.component);
    const allowed = componentsOf(expected.mode);
    if (!allowed.includes(component)) {
      throw fieldError(file, `samples[${i}].component`, allowed.length === 0 ? `must not exist in mode ${expected.mode} (no proxy is sampled there)` : `must be ${allowed.join(' or ')} in mode ${expected.mode} (what run samples there)`, component);
    }
    return {
      time: r.text(so.time, `samples[${i}].time`, 64),
      component,
      pod: r.text(so.pod, `samples[${i}].pod`, 253),
      container: r.text(so.container, `samples[${i}].container`, 253),
      node: r.text(so.node, `samples[${i}].node`, 253),
      cpuMillicores: r.finite(so.cpuMillicores, `samples[${i}].cpuMillicores`, 0, 1e7),
      memoryMiB: r.finite(so.memoryMiB, `samples[${i}].memoryMiB`, 0, 1e8),
    };
  });
  return { mode: expected.mode, round: expected.round, samples };
}
