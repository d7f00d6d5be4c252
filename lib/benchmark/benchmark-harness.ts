import { ITerraformDependable, TerraformProvider, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { ConfigMapV1 } from '@cdktf/provider-kubernetes/lib/config-map-v1';
import { DeploymentV1 } from '@cdktf/provider-kubernetes/lib/deployment-v1';
import { Namespace } from '@cdktf/provider-kubernetes/lib/namespace';
import { ServiceV1 } from '@cdktf/provider-kubernetes/lib/service-v1';
import { IstioAmbientCluster } from '../istio/istio-ambient-cluster';
import { Waypoint } from '../istio/policy/waypoint';
import { invalid } from '../private/errors';
import { bool, checkProps, instanceOf, list, num, opt, props as propsSchema, str, stringMap, struct, validatedAt } from '../private/props';
import { terraformSafe } from '../private/terraform-escape';
import { validateIntRange, validateNamespaceName } from '../private/validate';
import { AMBIENT_DATAPLANE_LABEL, INJECTION_LABEL, ISTIO_SYSTEM_NAMESPACE, REVISION_LABEL } from '../wire/istio';
import { USE_WAYPOINT_LABEL } from '../wire/istio-waypoint';
import { BenchmarkCliAccess, BenchmarkCliSubject } from './benchmark-cli-access';
import { BenchmarkNodeGroup } from './benchmark-node-group';
import {
  ALL_MODES, BENCH_WAYPOINT_NAME, BenchmarkMode, COMPONENT_LABEL, DEFAULT_MODES, JOB_META_KEY, JOB_TEMPLATE_CONFIGMAP, JOB_TEMPLATE_KEY, JobTemplateMeta, MODE_LABEL,
  NODE_ROLE_LABEL, NODE_TAINT_KEY, PART_OF_LABEL, PART_OF_VALUE,
} from '../wire/bench-contract';
import { PodPlacement, loadJobTemplate } from './load-job';

/** Props of {@link BenchmarkHarness}. */
export interface BenchmarkHarnessProps {
  /** The arms to deploy; add `BenchmarkMode.AMBIENT_WAYPOINT` for ambient with L7 (needs the Gateway API CRDs). @default DEFAULT_MODES (baseline, sidecar, ambient) */
  readonly modes?: BenchmarkMode[];
  /**
   * The Istio control plane in this stack; harness namespaces are created after it.
   * @default - found in the stack; sidecar and ambient modes fail without one (see `istioInstalledElsewhere`)
   */
  readonly mesh?: IstioAmbientCluster;
  /** Istio is installed outside this stack, so sidecar/ambient modes need no control plane here. @default false */
  readonly istioInstalledElsewhere?: boolean;
  /** Sidecar injection through this revision or revision tag (`istio.io/rev`) instead of the default revision (`istio-injection=enabled`). @default - the default revision */
  readonly sidecarRevision?: string;
  /** Namespace name prefix: namespaces are `<prefix>-<mode>`. @default 'mesh-bench' */
  readonly namespacePrefix?: string;
  /** Echo server pods per mode (1–500). @default 1 */
  readonly serverReplicas?: number;
  /** Response body size in bytes (echo `?size=`; 0–262144). @default 1024 */
  readonly responseSizeBytes?: number;
  /** Request body size in bytes (fortio `-payload-size`, switches to POST; 0 = GET). @default 0 */
  readonly requestPayloadBytes?: number;
  /** Total requests per second of the open-loop load (fortio `-qps`, 1–100000). 100 pods × 10 rps = 1000. @default 1000 */
  readonly qps?: number;
  /** Concurrent connections (fortio `-c`, 1–1024). @default 16 */
  readonly connections?: number;
  /** Measured phase length in seconds (10–3600). @default 180 */
  readonly durationSeconds?: number;
  /** Warm-up phase length in seconds before each measured phase (0–600). @default 30 */
  readonly warmupSeconds?: number;
  /** fortio histogram resolution in seconds (`-r`, 1e-7–1e-3): 1e-5 gives buckets ≤ 20 % wide from 0.05 to 10 ms. @default 0.00001 */
  readonly resolutionSeconds?: number;
  /** fortio image for server and load (pin a digest in production). @default 'fortio/fortio:1.75.2' */
  readonly fortioImage?: string;
  /** Image of the companion that prints the result (needs sh, pgrep, wget). @default 'busybox:1.37.0' */
  readonly reportImage?: string;
  /** CPU request of server and load containers; no CPU limit is set (throttling adds tail latency). @default '2' */
  readonly cpuRequest?: string;
  /** Memory request and limit of server and load containers, MiB (64–16384). @default 256 */
  readonly memoryMiB?: number;
  /** Node selector of the echo servers. @default { 'mesh-bench/role': 'server' } */
  readonly serverNodeSelector?: Record<string, string>;
  /** Node selector of the load Jobs. @default { 'mesh-bench/role': 'client' } */
  readonly loadNodeSelector?: Record<string, string>;
  /** Pin servers and load to one zone (`topology.kubernetes.io/zone`). @default - no zone selector (use a single-AZ node group) */
  readonly zone?: string;
  /** Who may run the CLIs. @default [{ kind: 'Group', name: 'mesh-bench:operators' }] */
  readonly cliSubjects?: BenchmarkCliSubject[];
  /**
   * IAM role/user ARNs given an EKS access entry in the mesh's cluster that maps them into the
   * CLI binding's group, so they can run `mesh-bench` and `mesh-latency` without cluster admin.
   * @default - none (the deployer, cluster admin through the EksCluster's access entry, can run them)
   */
  readonly cliOperatorPrincipalArns?: string[];
  /** Grant the CLIs `get nodes/proxy` for proxy CPU/memory sampling (a powerful permission; see the README). @default true */
  readonly kubeletSummaryAccess?: boolean;
  /**
   * The benchmark nodes: the servers (and the load Job templates) are created after them, so a
   * slow node group cannot fail the servers' rollout.
   * @default - the BenchmarkNodeGroup of this stack, if there is exactly one; none when the nodes exist outside the stack
   */
  readonly nodes?: BenchmarkNodeGroup;
  /** @default - the stack's default Kubernetes provider */
  readonly kubernetesProvider?: TerraformProvider;
}

const CLI_SUBJECT = struct({ kind: str(32), name: str(253), namespace: opt(str(63)) }, 'a subject { kind, name, namespace? }');

/** Runtime shape of {@link BenchmarkHarnessProps}. */
const SCHEMA = propsSchema({
  modes: opt(list(str(32), 16)),
  mesh: opt(instanceOf(IstioAmbientCluster, 'an IstioAmbientCluster')),
  istioInstalledElsewhere: opt(bool),
  sidecarRevision: opt(str(63)),
  namespacePrefix: opt(str(63)),
  serverReplicas: opt(num),
  responseSizeBytes: opt(num),
  requestPayloadBytes: opt(num),
  qps: opt(num),
  connections: opt(num),
  durationSeconds: opt(num),
  warmupSeconds: opt(num),
  resolutionSeconds: opt(num),
  fortioImage: opt(str(512)),
  reportImage: opt(str(512)),
  cpuRequest: opt(str(32)),
  memoryMiB: opt(num),
  serverNodeSelector: opt(stringMap(32)),
  loadNodeSelector: opt(stringMap(32)),
  zone: opt(str(64)),
  cliSubjects: opt(list(CLI_SUBJECT, 100)),
  cliOperatorPrincipalArns: opt(list(str(2048), 100)),
  kubeletSummaryAccess: opt(bool),
  nodes: opt(instanceOf(BenchmarkNodeGroup, 'a BenchmarkNodeGroup')),
  kubernetesProvider: opt(instanceOf(TerraformProvider, 'a Kubernetes provider (TerraformProvider)')),
});

/** Checks the props (shape, then values) and resolves the defaults; throws before any child exists. */
function validateHarness(scope: Construct, props: BenchmarkHarnessProps) {
  checkProps('BenchmarkHarness', SCHEMA, props);
  const modes = props.modes ?? [...DEFAULT_MODES];
  if (modes.length === 0) throw invalid('modes', 'must list at least one mode', modes, `modes: ${ALL_MODES.join(', ')}`);
  for (const m of modes) {
    if (!ALL_MODES.includes(m)) throw invalid('modes', 'must contain only known modes', m, `modes: ${ALL_MODES.join(', ')}`);
  }
  if (new Set(modes).size !== modes.length) throw invalid('modes', 'must not repeat a mode', modes);
  const replicas = props.serverReplicas ?? 1;
  const responseSize = props.responseSizeBytes ?? 1024;
  const requestPayload = props.requestPayloadBytes ?? 0;
  const qps = props.qps ?? 1000;
  const connections = props.connections ?? 16;
  const duration = props.durationSeconds ?? 180;
  const warmup = props.warmupSeconds ?? 30;
  const resolution = props.resolutionSeconds ?? 0.00001;
  const memoryMiB = props.memoryMiB ?? 256;
  validateIntRange('serverReplicas', replicas, 1, 500);
  validateIntRange('responseSizeBytes', responseSize, 0, 262144);
  validateIntRange('requestPayloadBytes', requestPayload, 0, 262144);
  validateIntRange('qps', qps, 1, 100000);
  validateIntRange('connections', connections, 1, 1024);
  validateIntRange('durationSeconds', duration, 10, 3600);
  validateIntRange('warmupSeconds', warmup, 0, 600);
  validateIntRange('memoryMiB', memoryMiB, 64, 16384);
  if (!(resolution >= 1e-7 && resolution <= 1e-3)) throw invalid('resolutionSeconds', 'must be from 1e-7 to 1e-3 seconds', resolution);
  if (connections > qps) throw invalid('connections', `must not exceed 'qps' (${qps}): each connection needs at least one request per second`, connections);
  const meshModes = modes.filter((m) => m !== BenchmarkMode.BASELINE);
  const mesh = props.mesh ?? findMesh(scope);
  if (meshModes.length > 0 && !mesh && !props.istioInstalledElsewhere) {
    throw invalid('modes', `include '${meshModes.join("', '")}', which need an Istio control plane: pass 'mesh', add an IstioAmbientCluster to the stack, or set 'istioInstalledElsewhere: true'`, modes);
  }
  if (props.sidecarRevision !== undefined) validateNamespaceName('sidecarRevision', props.sidecarRevision);
  if (modes.includes(BenchmarkMode.AMBIENT_WAYPOINT) && !mesh) {
    throw invalid('modes', `include '${BenchmarkMode.AMBIENT_WAYPOINT}', whose Waypoint construct needs the mesh: pass 'mesh' or add an IstioAmbientCluster to the stack`, modes);
  }
  if ((props.cliOperatorPrincipalArns ?? []).length > 0 && mesh === undefined) {
    throw invalid('cliOperatorPrincipalArns', "need the mesh's cluster for the access entries: pass 'mesh' or add an IstioAmbientCluster to the stack", props.cliOperatorPrincipalArns);
  }
  const nodeGroups = TerraformStack.of(scope).node.findAll().filter((c): c is BenchmarkNodeGroup => c instanceof BenchmarkNodeGroup);
  if (props.nodes === undefined && nodeGroups.length > 1) {
    throw invalid('nodes', 'must name the benchmark nodes when the stack has more than one BenchmarkNodeGroup', nodeGroups.map((n) => n.node.path));
  }
  const nodes = props.nodes ?? nodeGroups[0];
  const prefix = props.namespacePrefix ?? 'mesh-bench';
  const taken = new Set([...RESERVED_NAMESPACES, ...(mesh ? meshNamespaces(mesh) : [])]);
  for (const m of modes) {
    const ns = `${prefix}-${m}`;
    validateNamespaceName('namespacePrefix', ns);
    if (taken.has(ns) || ns.startsWith('istio-')) {
      throw invalid('namespacePrefix', 'must not produce a namespace that Istio, Kubernetes or the mesh already uses', ns, `reserved: ${[...taken].join(', ')}, istio-*`);
    }
  }
  return { modes, replicas, responseSize, requestPayload, qps, connections, duration, warmup, resolution, memoryMiB, mesh, nodes, prefix };
}

/** Namespaces Istio or Kubernetes own, which the harness never uses. */
const RESERVED_NAMESPACES = [ISTIO_SYSTEM_NAMESPACE, 'kube-system', 'kube-public', 'kube-node-lease', 'default'];

/** Per-mode namespace labels: the sidecar namespace never carries the ambient label and vice versa. */
export function modeNamespaceLabels(mode: BenchmarkMode, sidecarRevision?: string): Record<string, string> {
  const common = { [PART_OF_LABEL]: PART_OF_VALUE, [MODE_LABEL]: mode };
  switch (mode) {
    case BenchmarkMode.BASELINE: return { ...common, [INJECTION_LABEL]: 'disabled' };
    case BenchmarkMode.SIDECAR: return { ...common, ...(sidecarRevision ? { [REVISION_LABEL]: sidecarRevision } : { [INJECTION_LABEL]: 'enabled' }) };
    case BenchmarkMode.AMBIENT: return { ...common, ...AMBIENT_DATAPLANE_LABEL };
    case BenchmarkMode.AMBIENT_WAYPOINT: return { ...common, ...AMBIENT_DATAPLANE_LABEL, [USE_WAYPOINT_LABEL]: BENCH_WAYPOINT_NAME };
  }
}

/** Sidecar proxy settings for both ends in sidecar mode: 2 workers (like ztunnel), proxy before app. */
export const SIDECAR_PROXY_ANNOTATIONS: Readonly<Record<string, string>> = {
  'sidecar.istio.io/proxyCPU': '1',
  'sidecar.istio.io/proxyMemory': '256Mi',
  'proxy.istio.io/config': '{"concurrency": 2, "holdApplicationUntilProxyStarts": true}',
};

/** One mode's Kubernetes objects. */
export interface BenchmarkModeResources {
  readonly mode: BenchmarkMode;
  readonly namespace: Namespace;
  readonly server: DeploymentV1;
  readonly service: ServiceV1;
  readonly jobTemplate: ConfigMapV1;
  readonly meta: JobTemplateMeta;
}

/**
 * A deployable latency benchmark: the same fortio echo server and open-loop load generator in one
 * namespace per mode (no mesh, sidecar, ambient), identical resources and placement, and a Job
 * template per mode that `mesh-bench run` instantiates. Terraform owns only the long-lived objects.
 */
export class BenchmarkHarness extends Construct {
  public readonly modes: readonly BenchmarkMode[];
  public readonly byMode: Partial<Record<BenchmarkMode, BenchmarkModeResources>> = {};
  public readonly cliAccess: BenchmarkCliAccess;
  /** The server namespace's waypoint in `ambient-waypoint` mode. */
  public readonly waypoint?: Waypoint;

  constructor(scope: Construct, id: string, props: BenchmarkHarnessProps = {}) {
    super(scope, id);
    // ---- validation, before any child exists
    const v = validatedAt(this, () => validateHarness(this, props));
    this.modes = v.modes;
    const { replicas, responseSize, requestPayload, qps, connections, duration, warmup, resolution, memoryMiB, mesh, nodes, prefix } = v;

    // ---- children
    const after: ITerraformDependable[] = mesh ? [mesh.meshConfig.release] : [];
    const fortioImage = props.fortioImage ?? 'fortio/fortio:1.75.2';
    const reportImage = props.reportImage ?? 'busybox:1.37.0';
    const cpuRequest = props.cpuRequest ?? '2';
    const zoneSelector: Record<string, string> = props.zone ? { 'topology.kubernetes.io/zone': props.zone } : {};
    const tolerations: PodPlacement['tolerations'] = [{ key: NODE_TAINT_KEY, operator: 'Exists', effect: 'NoSchedule' }];
    const serverPlacement: PodPlacement = { nodeSelector: { ...(props.serverNodeSelector ?? { [NODE_ROLE_LABEL]: 'server' }), ...zoneSelector }, tolerations, avoidComponent: 'load' };
    const loadPlacement: PodPlacement = { nodeSelector: { ...(props.loadNodeSelector ?? { [NODE_ROLE_LABEL]: 'client' }), ...zoneSelector }, tolerations, avoidComponent: 'server' };
    const provider = props.kubernetesProvider;

    for (const mode of this.modes) {
      const group = new Construct(this, pascal(mode));
      const nsName = `${prefix}-${mode}`;
      const namespace = new Namespace(group, 'Namespace', terraformSafe({
        provider, metadata: { name: nsName, labels: modeNamespaceLabels(mode, props.sidecarRevision) }, dependsOn: after.length ? after : undefined,
      }));
      if (mode === BenchmarkMode.AMBIENT_WAYPOINT) {
        // The namespace carries istio.io/use-waypoint itself (one owner of its labels); the waypoint waits for it.
        this.waypoint = new Waypoint(group, 'Waypoint', {
          mesh: mesh!, namespace: nsName, name: BENCH_WAYPOINT_NAME, useInNamespaces: [], installAfter: [namespace],
        });
      }
      const annotations = mode === BenchmarkMode.SIDECAR ? { ...SIDECAR_PROXY_ANNOTATIONS } : {};
      const serverLabels = { [PART_OF_LABEL]: PART_OF_VALUE, [MODE_LABEL]: mode, [COMPONENT_LABEL]: 'server', app: 'fortio-server' };
      const server = new DeploymentV1(group, 'Server', terraformSafe({
        provider,
        dependsOn: nodes ? [nodes.serverNodes] : undefined,
        metadata: { name: 'fortio-server', namespace: namespace.metadata.name, labels: serverLabels },
        spec: {
          replicas: String(replicas),
          selector: { matchLabels: { app: 'fortio-server', [MODE_LABEL]: mode } },
          template: {
            metadata: { labels: serverLabels, annotations },
            spec: {
              nodeSelector: serverPlacement.nodeSelector,
              toleration: tolerations.map((t) => ({ ...t })),
              affinity: {
                podAntiAffinity: {
                  requiredDuringSchedulingIgnoredDuringExecution: [{
                    topologyKey: 'kubernetes.io/hostname',
                    labelSelector: [{ matchLabels: { [PART_OF_LABEL]: PART_OF_VALUE, [COMPONENT_LABEL]: 'load' } }],
                    namespaceSelector: [{}],
                  }],
                },
              },
              container: [{
                name: 'fortio',
                image: fortioImage,
                args: ['server'],
                port: [{ name: 'http-echo', containerPort: 8080 }, { name: 'grpc-ping', containerPort: 8079 }],
                resources: { requests: { cpu: cpuRequest, memory: `${memoryMiB}Mi` }, limits: { memory: `${memoryMiB}Mi` } },
                readinessProbe: { httpGet: { path: '/debug', port: '8080' }, periodSeconds: 5 },
              }],
            },
          },
        },
      }));
      const service = new ServiceV1(group, 'Service', terraformSafe({
        provider,
        metadata: { name: 'fortio-server', namespace: namespace.metadata.name, labels: serverLabels },
        spec: {
          selector: { app: 'fortio-server', [MODE_LABEL]: mode },
          port: [{ name: 'http-echo', port: 8080, targetPort: '8080' }, { name: 'grpc-ping', port: 8079, targetPort: '8079' }],
        },
      }));
      const targetUrl = `http://fortio-server.${nsName}.svc.cluster.local:8080/echo?size=${responseSize}`;
      const meta: JobTemplateMeta = {
        mode, namespace: nsName, targetUrl, qps, connections, durationSeconds: duration, warmupSeconds: warmup,
        responseBytes: responseSize, requestPayloadBytes: requestPayload, image: fortioImage, serverReplicas: replicas,
      };
      const job = loadJobTemplate({
        mode, namespace: nsName, targetUrl, qps, connections, durationSeconds: duration, requestPayloadBytes: requestPayload,
        resolutionSeconds: resolution, fortioImage, reportImage, cpuRequest, memoryMiB, placement: loadPlacement, podAnnotations: annotations,
      });
      const jobTemplate = new ConfigMapV1(group, 'JobTemplate', terraformSafe({
        provider,
        // the template is the CLI's signal that the harness is ready: not before the load nodes exist
        dependsOn: nodes ? [nodes.clientNodes] : undefined,
        metadata: { name: JOB_TEMPLATE_CONFIGMAP, namespace: namespace.metadata.name, labels: { [PART_OF_LABEL]: PART_OF_VALUE, [MODE_LABEL]: mode } },
        data: { [JOB_TEMPLATE_KEY]: JSON.stringify(job, null, 2), [JOB_META_KEY]: JSON.stringify(meta, null, 2) },
      }));
      this.byMode[mode] = { mode, namespace, server, service, jobTemplate, meta };
    }
    this.cliAccess = new BenchmarkCliAccess(this, 'CliAccess', {
      subjects: props.cliSubjects, kubernetesProvider: provider, operatorPrincipalArns: props.cliOperatorPrincipalArns,
      cluster: mesh?.cluster, kubeletSummaryAccess: props.kubeletSummaryAccess,
    });
  }
}

/** `ambient-waypoint` → `AmbientWaypoint` (construct ids are PascalCase). */
function pascal(s: string): string {
  return s.split('-').map((w) => w[0].toUpperCase() + w.slice(1)).join('');
}

function findMesh(scope: Construct): IstioAmbientCluster | undefined {
  return TerraformStack.of(scope).node.findAll().find((c): c is IstioAmbientCluster => c instanceof IstioAmbientCluster);
}

function meshNamespaces(mesh: IstioAmbientCluster): readonly string[] {
  return mesh.ambientNamespaceNames;
}
