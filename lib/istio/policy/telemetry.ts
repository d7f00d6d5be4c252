import { Construct } from 'constructs';
import { invalid } from '../../private/errors';
import { bool, instanceOf, list, num, opt, str, stringMap, struct, validatedAt } from '../../private/props';
import { IstioResource } from '../resources';
import { MeshPolicy, MeshPolicyProps, validateSelector } from './mesh-policy';
import { Waypoint } from './waypoint';

/** Istio's standard metrics (Telemetry `MetricSelector.IstioMetric`). */
export enum IstioMetric {
  ALL_METRICS = 'ALL_METRICS',
  REQUEST_COUNT = 'REQUEST_COUNT',
  REQUEST_DURATION = 'REQUEST_DURATION',
  REQUEST_SIZE = 'REQUEST_SIZE',
  RESPONSE_SIZE = 'RESPONSE_SIZE',
  TCP_OPENED_CONNECTIONS = 'TCP_OPENED_CONNECTIONS',
  TCP_CLOSED_CONNECTIONS = 'TCP_CLOSED_CONNECTIONS',
  TCP_SENT_BYTES = 'TCP_SENT_BYTES',
  TCP_RECEIVED_BYTES = 'TCP_RECEIVED_BYTES',
  GRPC_REQUEST_MESSAGES = 'GRPC_REQUEST_MESSAGES',
  GRPC_RESPONSE_MESSAGES = 'GRPC_RESPONSE_MESSAGES',
}

/** Which side of a request a metric or access log applies to. */
export enum WorkloadMode {
  CLIENT_AND_SERVER = 'CLIENT_AND_SERVER',
  CLIENT = 'CLIENT',
  SERVER = 'SERVER',
}

/** One metric override: drop the metric, or drop/add tags. */
export interface MetricOverride {
  /** The metric. @default IstioMetric.ALL_METRICS */
  readonly metric?: IstioMetric;
  /** Side. @default WorkloadMode.CLIENT_AND_SERVER */
  readonly mode?: WorkloadMode;
  /** Drop the metric. @default false */
  readonly disabled?: boolean;
  /** Tags to drop. @default - none */
  readonly removeTags?: string[];
  /** Tags to add or replace: tag → CEL expression, e.g. `{ request_host: 'request.host' }`. @default - none */
  readonly upsertTags?: Record<string, string>;
}

/** Props of {@link Telemetry}. */
export interface TelemetryProps extends MeshPolicyProps {
  /** Workloads (sidecars); exclusive with `waypoint`. @default - the whole namespace (or the mesh, in istio-system) */
  readonly selector?: Record<string, string>;
  /** Apply to a waypoint (`targetRefs`), where ambient's L7 telemetry is produced. @default - none */
  readonly waypoint?: Waypoint;
  /** Metric overrides (provider: `metricsProviders`). @default - none */
  readonly metricOverrides?: MetricOverride[];
  /** Metrics providers the overrides apply to. @default - the mesh's default providers */
  readonly metricsProviders?: string[];
  /** Access-log providers to turn on (e.g. `envoy`). @default - none */
  readonly accessLogProviders?: string[];
  /** Only log what this CEL expression accepts, e.g. `response.code >= 400`. @default - everything */
  readonly accessLogFilter?: string;
  /** Turn access logging off (the mesh's defaults included). @default false */
  readonly disableAccessLogging?: boolean;
  /** Tracing sampling in percent (0–100). @default - the mesh's sampling */
  readonly tracingSamplingPercentage?: number;
  /** Tracing providers. @default - the mesh's default providers */
  readonly tracingProviders?: string[];
}

/**
 * An Istio Telemetry (`telemetry.istio.io/v1`): metric overrides (drop a metric, drop or add tags),
 * access logging and tracing sampling, for a namespace, workloads or a waypoint.
 */
export class Telemetry extends MeshPolicy {
  public readonly resource: IstioResource;

  constructor(scope: Construct, id: string, props: TelemetryProps) {
    super(scope, id, props, 'Telemetry', {
      selector: opt(stringMap()),
      waypoint: opt(instanceOf(Waypoint, 'a Waypoint')),
      metricOverrides: opt(list(struct({
        metric: opt(str(64)), mode: opt(str(32)), disabled: opt(bool), removeTags: opt(list(str(128))), upsertTags: opt(stringMap()),
      }, 'a metric override ({ metric, mode, disabled, removeTags, upsertTags })'))),
      metricsProviders: opt(list(str(253))),
      accessLogProviders: opt(list(str(253))),
      accessLogFilter: opt(str()),
      disableAccessLogging: opt(bool),
      tracingSamplingPercentage: opt(num),
      tracingProviders: opt(list(str(253))),
    });
    this.resource = validatedAt(this, () => this.render(props));
    this.install('telemetry', props, [this.resource], undefined, props.waypoint ? [props.waypoint.chart.release] : []);
  }

  private render(props: TelemetryProps): IstioResource {
    validateSelector('selector', props.selector);
    if (props.selector && props.waypoint) throw invalid('selector', "must not be combined with 'waypoint'", props.selector);
    if (props.waypoint && props.waypoint.namespace !== this.namespace) {
      throw invalid('waypoint', `must be in the telemetry's namespace '${this.namespace}'`, `${props.waypoint.namespace}/${props.waypoint.name}`);
    }
    const metrics = Object.values(IstioMetric);
    const modes = Object.values(WorkloadMode);
    const overrides = (props.metricOverrides ?? []).map((o, i) => {
      const p = `metricOverrides[${i}]`;
      if (o.metric !== undefined && !metrics.includes(o.metric)) throw invalid(`${p}.metric`, 'must be an IstioMetric', o.metric, metrics.join(', '));
      if (o.mode !== undefined && !modes.includes(o.mode)) throw invalid(`${p}.mode`, 'must be a WorkloadMode', o.mode, modes.join(', '));
      const tagOverrides: Record<string, unknown> = {};
      for (const t of o.removeTags ?? []) tagOverrides[tagName(`${p}.removeTags`, t)] = { operation: 'REMOVE' };
      for (const [t, expr] of Object.entries(o.upsertTags ?? {})) {
        if (tagOverrides[t]) throw invalid(`${p}.upsertTags`, "must not name a tag also in 'removeTags'", t);
        if (typeof expr !== 'string' || expr.length === 0) throw invalid(`${p}.upsertTags`, 'must map tags to CEL expressions', expr);
        tagOverrides[tagName(`${p}.upsertTags`, t)] = { operation: 'UPSERT', value: expr };
      }
      if (!o.disabled && Object.keys(tagOverrides).length === 0) throw invalid(p, "must set 'disabled', 'removeTags' or 'upsertTags'", o);
      return {
        match: { metric: o.metric ?? IstioMetric.ALL_METRICS, mode: o.mode ?? WorkloadMode.CLIENT_AND_SERVER },
        ...(o.disabled ? { disabled: true } : {}),
        ...(Object.keys(tagOverrides).length ? { tagOverrides } : {}),
      };
    });
    const sampling = props.tracingSamplingPercentage;
    if (sampling !== undefined && !(sampling >= 0 && sampling <= 100)) throw invalid('tracingSamplingPercentage', 'must be from 0 to 100', sampling);
    if (props.disableAccessLogging && (props.accessLogProviders || props.accessLogFilter)) {
      throw invalid('disableAccessLogging', "must not be combined with 'accessLogProviders' or 'accessLogFilter'", true);
    }
    const providers = (prop: string, names: string[] | undefined) => names?.map((name) => {
      if (typeof name !== 'string' || !/^[A-Za-z0-9][-A-Za-z0-9_.]*$/.test(name)) throw invalid(prop, 'must hold provider names', name);
      return { name };
    });

    const spec: Record<string, unknown> = {};
    if (props.selector) spec.selector = { matchLabels: { ...props.selector } };
    if (props.waypoint) spec.targetRefs = [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: props.waypoint.name }];
    if (overrides.length > 0 || props.metricsProviders) {
      spec.metrics = [{ ...(props.metricsProviders ? { providers: providers('metricsProviders', props.metricsProviders) } : {}), ...(overrides.length ? { overrides } : {}) }];
    }
    if (props.accessLogProviders || props.accessLogFilter || props.disableAccessLogging) {
      spec.accessLogging = [{
        ...(props.accessLogProviders ? { providers: providers('accessLogProviders', props.accessLogProviders) } : {}),
        ...(props.accessLogFilter ? { filter: { expression: props.accessLogFilter } } : {}),
        ...(props.disableAccessLogging ? { disabled: true } : {}),
      }];
    }
    if (sampling !== undefined || props.tracingProviders) {
      spec.tracing = [{
        ...(props.tracingProviders ? { providers: providers('tracingProviders', props.tracingProviders) } : {}),
        ...(sampling !== undefined ? { randomSamplingPercentage: sampling } : {}),
      }];
    }
    if (Object.keys(spec).filter((k) => k !== 'selector' && k !== 'targetRefs').length === 0) {
      throw invalid('metricOverrides', 'or another telemetry setting must be given (a Telemetry without settings does nothing)', props.metricOverrides);
    }
    return { apiVersion: 'telemetry.istio.io/v1', kind: 'Telemetry', metadata: this.metadata(), spec };
  }
}

function tagName(prop: string, t: string): string {
  if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(t)) throw invalid(prop, 'must hold metric tag names ([A-Za-z_][A-Za-z0-9_]*)', t);
  return t;
}
