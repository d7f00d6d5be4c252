/**
 * A fake cluster with a complete three-mode benchmark harness, as `BenchmarkHarness` would
 * deploy it: two benchmark nodes (+ one other), one namespace per mode with the right mesh
 * labels, a server pod per mode, istiod and ztunnel pods, and a Job-template ConfigMap per mode.
 */
import {
  DEFAULT_MODES,
  BenchmarkMode,
  JOB_META_KEY,
  JOB_TEMPLATE_CONFIGMAP,
  JOB_TEMPLATE_KEY,
  JobTemplateMeta,
  MODE_LABEL,
  PART_OF_LABEL,
  PART_OF_VALUE,
} from '../../lib/wire/bench-contract';
import type { RunBenchmarkOptions } from '../../lib/cli/run-command';
import { FakeApiServer } from './fake-api-server';
import { FakeCluster, FakeUsage } from './fake-cluster';

export const SERVER_NODE = 'ip-10-0-1-10.ec2.internal';
export const CLIENT_NODE = 'ip-10-0-1-20.ec2.internal';
export const OTHER_NODE = 'ip-10-0-2-30.ec2.internal';
export const ROLE_LABEL = 'mesh-bench/role';
export const WARMUP_SECONDS = 7;
export const DURATION_SECONDS = 42;

export const namespaceOf = (mode: BenchmarkMode): string => `mesh-bench-${mode}`;
export const serverPodOf = (mode: BenchmarkMode): string => `fortio-server-${mode}-5d9c7-abcde`;
export const ZTUNNELS: Record<string, string> = { [SERVER_NODE]: 'ztunnel-srv01', [CLIENT_NODE]: 'ztunnel-cli01', [OTHER_NODE]: 'ztunnel-oth01' };

/** Deterministic kubelet usage of a container, derived from its identity (the tests' ground truth). */
export function usageFor(namespace: string, pod: string, container: string): FakeUsage {
  const key = `${namespace}/${pod}/${container}`;
  let h = 0;
  for (const ch of key) h = (h * 31 + ch.charCodeAt(0)) % 997;
  return { usageNanoCores: (h + 1) * 1_000_003, workingSetBytes: (h + 1) * 65_537 };
}

/** The Job template of a mode (JSON text with the contract's placeholders). */
export function jobTemplate(mode: BenchmarkMode): string {
  const ns = namespaceOf(mode);
  return JSON.stringify({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: '${JOB_NAME}', namespace: ns, labels: { 'mesh-bench/run': '${RUN_ID}', 'mesh-bench/round': '${ROUND}', 'mesh-bench/phase': '${PHASE}' } },
    spec: {
      backoffLimit: 0,
      template: {
        metadata: { labels: { [PART_OF_LABEL]: PART_OF_VALUE, [MODE_LABEL]: mode, 'mesh-bench/component': 'load' } },
        spec: {
          restartPolicy: 'Never',
          nodeSelector: { [ROLE_LABEL]: 'client' },
          containers: [
            {
              name: 'fortio',
              image: 'fortio/fortio:1.75.2',
              args: ['load', '-qps=1000', '-c=16', '-t=${DURATION}', '-labels=${RUN_ID}/' + mode + '/${ROUND}/${PHASE}', '-json=/results/result.json', `http://fortio-server.${ns}:8080/echo`],
            },
            { name: 'result', image: 'busybox:1.36', command: ['sh', '-c', 'cat /results/result.json'] },
          ],
        },
      },
    },
  });
}

export function templateMeta(mode: BenchmarkMode): JobTemplateMeta {
  return {
    mode,
    namespace: namespaceOf(mode),
    targetUrl: `http://fortio-server.${namespaceOf(mode)}:8080/echo`,
    qps: 1000,
    connections: 16,
    durationSeconds: DURATION_SECONDS,
    warmupSeconds: WARMUP_SECONDS,
    responseBytes: 1024,
    requestPayloadBytes: 0,
    image: 'fortio/fortio:1.75.2',
    serverReplicas: 1,
  };
}

/** Name of the waypoint pod of the `ambient-waypoint` namespace, when the fixture deploys that mode. */
export const WAYPOINT_POD = 'waypoint-6c8f7d9b4-wpt01';
/** Where the waypoint runs: neither a server nor a load node (istiod schedules it anywhere). */
export const WAYPOINT_NODE = OTHER_NODE;

/**
 * Starts a server and fills the cluster with a healthy three-mode harness; with `waypoint`, also the
 * `ambient-waypoint` mode and its waypoint pod, labelled as istiod labels it
 * (`gateway.networking.k8s.io/gateway-name=waypoint`, spelled out here: the test's own copy of Istio's label).
 */
export async function startBenchCluster(options: { waypoint?: boolean } = {}): Promise<FakeCluster> {
  const cluster = new FakeCluster(await FakeApiServer.start());
  cluster.nodes.set(SERVER_NODE, { [ROLE_LABEL]: 'server', 'kubernetes.io/hostname': SERVER_NODE });
  cluster.nodes.set(CLIENT_NODE, { [ROLE_LABEL]: 'client', 'kubernetes.io/hostname': CLIENT_NODE });
  cluster.nodes.set(OTHER_NODE, { 'kubernetes.io/hostname': OTHER_NODE });
  const meshLabels: Partial<Record<BenchmarkMode, Record<string, string>>> = {
    [BenchmarkMode.BASELINE]: { 'istio-injection': 'disabled' },
    [BenchmarkMode.SIDECAR]: { 'istio-injection': 'enabled' },
    [BenchmarkMode.AMBIENT]: { 'istio.io/dataplane-mode': 'ambient' },
    [BenchmarkMode.AMBIENT_WAYPOINT]: { 'istio.io/dataplane-mode': 'ambient', 'istio.io/use-waypoint': 'waypoint' },
  };
  const modes = options.waypoint === true ? [...DEFAULT_MODES, BenchmarkMode.AMBIENT_WAYPOINT] : DEFAULT_MODES;
  for (const mode of modes) {
    const ns = namespaceOf(mode);
    cluster.namespaces.set(ns, { [PART_OF_LABEL]: PART_OF_VALUE, [MODE_LABEL]: mode, ...meshLabels[mode] });
    cluster.addPod({
      name: serverPodOf(mode),
      namespace: ns,
      labels: { [PART_OF_LABEL]: PART_OF_VALUE, [MODE_LABEL]: mode, app: 'fortio-server' },
      annotations: mode === BenchmarkMode.AMBIENT || mode === BenchmarkMode.AMBIENT_WAYPOINT ? { 'ambient.istio.io/redirection': 'enabled' } : {},
      nodeName: SERVER_NODE,
      containers: mode === BenchmarkMode.SIDECAR ? ['fortio', 'istio-proxy'] : ['fortio'],
      initContainers: mode === BenchmarkMode.SIDECAR ? ['istio-init'] : undefined,
      ownerKind: 'ReplicaSet',
    });
    cluster.configMaps.push({
      name: JOB_TEMPLATE_CONFIGMAP,
      namespace: ns,
      labels: { [PART_OF_LABEL]: PART_OF_VALUE, [MODE_LABEL]: mode },
      data: { [JOB_TEMPLATE_KEY]: jobTemplate(mode), [JOB_META_KEY]: JSON.stringify(templateMeta(mode)) },
    });
  }
  cluster.namespaces.set('istio-system', {});
  cluster.addPod({ name: 'istiod-7f9c8-zzzzz', namespace: 'istio-system', labels: { app: 'istiod' }, nodeName: OTHER_NODE, containers: ['discovery'], images: { discovery: 'docker.io/istio/pilot:1.22.8' } });
  for (const [node, name] of Object.entries(ZTUNNELS)) {
    cluster.addPod({ name, namespace: 'istio-system', labels: { app: 'ztunnel' }, nodeName: node, containers: ['istio-proxy'], ownerKind: 'DaemonSet' });
  }
  if (options.waypoint === true) {
    cluster.addPod({
      name: WAYPOINT_POD,
      namespace: namespaceOf(BenchmarkMode.AMBIENT_WAYPOINT),
      labels: { 'gateway.networking.k8s.io/gateway-name': 'waypoint', 'gateway.istio.io/managed': 'istio.io-mesh-controller', 'istio.io/dataplane-mode': 'none' },
      nodeName: WAYPOINT_NODE,
      containers: ['istio-proxy'],
      ownerKind: 'ReplicaSet',
    });
  }
  // A stray ConfigMap with the same name but not part of the harness must be ignored.
  cluster.configMaps.push({ name: JOB_TEMPLATE_CONFIGMAP, namespace: 'unrelated', labels: {}, data: {} });
  cluster.usageOf = usageFor;
  return cluster;
}

/** `run` options for quick runs against the fake cluster: 2 rounds, no calibration, no idle sampling, short polls. */
export function quickRunOptions(kubeconfig: string, out: string, run: { seed: number; runId: string }, extra: Partial<RunBenchmarkOptions> = {}): RunBenchmarkOptions {
  return {
    kubeconfig, rounds: 2, seed: run.seed, runId: run.runId, out, jobTimeoutSeconds: 2,
    pollIntervalSeconds: 0.005, sampleIntervalSeconds: 0.005, calibrate: false, idleSeconds: 0, ...extra,
  };
}
