/**
 * The contract between the `BenchmarkHarness` construct (which deploys Job templates) and the
 * `mesh-bench` CLI (which instantiates them and harvests results). Both sides import these
 * constants; nothing else may spell them out.
 */

/** The arms of the benchmark. The wire strings appear in labels and file names. */
export enum BenchmarkMode {
  /** No mesh: plain Kubernetes networking. */
  BASELINE = 'baseline',
  /** Envoy sidecar injected into every pod. */
  SIDECAR = 'sidecar',
  /** Ambient mode, L4 only: ztunnel on each node, no sidecar. */
  AMBIENT = 'ambient',
  /** Ambient mode with L7: the server namespace's traffic also goes through a waypoint proxy (the fair comparison with sidecars, which process L7). */
  AMBIENT_WAYPOINT = 'ambient-waypoint',
}

/** All modes, in their canonical order (baseline first: deltas are computed against it). */
export const ALL_MODES: readonly BenchmarkMode[] = [BenchmarkMode.BASELINE, BenchmarkMode.SIDECAR, BenchmarkMode.AMBIENT, BenchmarkMode.AMBIENT_WAYPOINT];

/** The modes a harness deploys by default (the waypoint mode is opt-in: it needs the Gateway API CRDs). */
export const DEFAULT_MODES: readonly BenchmarkMode[] = [BenchmarkMode.BASELINE, BenchmarkMode.SIDECAR, BenchmarkMode.AMBIENT];

/** Name of the waypoint `Gateway` in the `ambient-waypoint` namespace (also its `istio.io/use-waypoint` label value). */
export const BENCH_WAYPOINT_NAME = 'waypoint';
/** Istio's label sending a namespace's traffic through a waypoint (the CLI checks it, the harness sets it); one definition, in lib/wire. */
export { USE_WAYPOINT_LABEL } from './istio-waypoint';

/** Labels every harness object carries. */
export const PART_OF_LABEL = 'app.kubernetes.io/part-of';
export const PART_OF_VALUE = 'mesh-benchmark';
/** Label carrying the mode (`baseline` | `sidecar` | `ambient` | `ambient-waypoint`) on namespaces, pods, ConfigMaps and Jobs. */
export const MODE_LABEL = 'mesh-bench/mode';
/** Label separating the echo server pods (`server`) from the load Job pods (`load`). */
export const COMPONENT_LABEL = 'mesh-bench/component';
/** Node label of the benchmark nodes: `server` or `client`; taint key of the same name keeps other pods off. */
export const NODE_ROLE_LABEL = 'mesh-bench/role';
export const NODE_TAINT_KEY = 'mesh-bench';

/** Label on Jobs created by the CLI: the run id, round number and phase. */
export const RUN_LABEL = 'mesh-bench/run';
export const ROUND_LABEL = 'mesh-bench/round';
export const PHASE_LABEL = 'mesh-bench/phase';

/** Name of the ConfigMap holding the Job template, one per mode namespace. */
export const JOB_TEMPLATE_CONFIGMAP = 'mesh-bench-job-template';
/** ConfigMap data key: a batch/v1 Job manifest as JSON, with the placeholders below. */
export const JOB_TEMPLATE_KEY = 'job.json';
/** ConfigMap data key: {@link JobTemplateMeta} as JSON. */
export const JOB_META_KEY = 'meta.json';

/**
 * Placeholders the CLI substitutes in the Job template (string replace on the JSON text).
 * `${DURATION}` is a fortio duration such as `60s`; `${PHASE}` is `warmup` or `measure`;
 * `${QPS}` is the requested rate of this Job (the meta's `qps` unless `run --qps` sweeps rates).
 */
export const PLACEHOLDERS = {
  jobName: '${JOB_NAME}',
  runId: '${RUN_ID}',
  round: '${ROUND}',
  phase: '${PHASE}',
  duration: '${DURATION}',
  qps: '${QPS}',
} as const;

/** Name of the load container (fortio load) and of the companion that prints the result. */
export const LOAD_CONTAINER = 'fortio';
export const RESULT_CONTAINER = 'result';

/** The companion container prints the fortio JSON result between these two lines of its log. */
export const RESULT_BEGIN_MARKER = '=====MESH-BENCH-RESULT-BEGIN=====';
export const RESULT_END_MARKER = '=====MESH-BENCH-RESULT-END=====';

/** What the harness knows at deploy time about one mode's load, stored beside the template. */
export interface JobTemplateMeta {
  readonly mode: BenchmarkMode;
  readonly namespace: string;
  /** URL the load generator targets, e.g. `http://echo.mesh-bench-ambient.svc.cluster.local:8080/echo?size=1024`. */
  readonly targetUrl: string;
  /** Default requested total queries per second (fortio `-qps`); `run --qps` substitutes others via `${QPS}`. */
  readonly qps: number;
  /** Concurrent connections (fortio `-c`). */
  readonly connections: number;
  /** Measured phase duration, seconds. */
  readonly durationSeconds: number;
  /** Warm-up phase duration, seconds. */
  readonly warmupSeconds: number;
  /** Size of the echo server's response body, bytes (the target URL's `?size=`). */
  readonly responseBytes: number;
  /** Size of the request body fortio sends, bytes (`-payload-size`; 0 = GET without a body). */
  readonly requestPayloadBytes: number;
  /** Pinned fortio image. */
  readonly image: string;
  /** Server replicas behind the Service. */
  readonly serverReplicas: number;
}

/**
 * The results directory (`mesh-bench run` → `mesh-bench compare`) is specified in
 * `lib/wire/results-layout.ts`.
 */
