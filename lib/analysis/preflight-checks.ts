/**
 * Preflight judgment, pure: whether the cluster facts gathered by `kube/preflight.ts` are what a
 * benchmark run assumes (server pods and load nodes exist, each mode's namespace is meshed the
 * way the mode says, modes share hardware). Tested with made-up facts; no I/O.
 */
import { BENCH_WAYPOINT_NAME, BenchmarkMode, COMPONENT_LABEL, MODE_LABEL, PART_OF_LABEL, PART_OF_VALUE, RUN_LABEL } from '../wire/bench-contract';
import type { PodView } from '../kube/types';
import {
  AMBIENT_REDIRECTION_ANNOTATION, DATAPLANE_MODE_AMBIENT, DATAPLANE_MODE_LABEL, INJECTION_LABEL, ISTIO_PROXY_CONTAINER, ISTIO_SYSTEM_NAMESPACE,
  ISTIOD_SELECTOR, REVISION_LABEL,
} from '../wire/istio';
import { USE_WAYPOINT_LABEL, waypointPodSelector } from '../wire/istio-waypoint';

// The Istio wire constants this module judges by; defined once in lib/wire/istio.ts, re-exported for existing importers.
export {
  AMBIENT_REDIRECTION_ANNOTATION, DATAPLANE_MODE_LABEL, INJECTION_LABEL, ISTIO_PROXY_CONTAINER, ISTIO_SYSTEM_NAMESPACE, ISTIOD_SELECTOR,
  REVISION_LABEL, ZTUNNEL_SELECTOR,
} from '../wire/istio';

/** True when the pod runs an `istio-proxy` container (classic or native sidecar). */
export function hasIstioProxy(pod: PodView): boolean {
  return pod.containers.includes(ISTIO_PROXY_CONTAINER) || pod.initContainers.includes(ISTIO_PROXY_CONTAINER);
}

/**
 * Checks a mode's namespace labels and server pods against the mode (pure).
 * baseline: no injection (`istio-injection=enabled` or `istio.io/rev`) and not ambient;
 * sidecar: injection, not ambient, every server pod has `istio-proxy`;
 * ambient: `istio.io/dataplane-mode=ambient`, no injection, no server pod has `istio-proxy`;
 * ambient-waypoint: as ambient, plus `istio.io/use-waypoint` on the namespace.
 * `istio-injection=disabled` counts as no injection.
 */
export function checkMeshState(mode: BenchmarkMode, namespace: string, nsLabels: Readonly<Record<string, string>>, serverPods: readonly PodView[]): string[] {
  const injection = nsLabels[INJECTION_LABEL] === 'enabled';
  const revision = nsLabels[REVISION_LABEL] !== undefined && nsLabels[REVISION_LABEL] !== '';
  const ambient = nsLabels[DATAPLANE_MODE_LABEL] === DATAPLANE_MODE_AMBIENT;
  const labelText = Object.entries(nsLabels).filter(([k]) => [INJECTION_LABEL, REVISION_LABEL, DATAPLANE_MODE_LABEL].includes(k)).map(([k, v]) => `${k}=${v}`).join(', ') || 'no mesh labels';
  const problems: string[] = [];
  const where = `mode ${mode}: namespace ${namespace} (${labelText})`;
  const proxied = serverPods.filter(hasIstioProxy).map((p) => p.name);
  const unproxied = serverPods.filter((p) => !hasIstioProxy(p)).map((p) => p.name);
  switch (mode) {
    case BenchmarkMode.BASELINE:
      if (injection || revision) problems.push(`${where} enables sidecar injection; baseline must have neither ${INJECTION_LABEL}=enabled nor ${REVISION_LABEL}`);
      if (ambient) problems.push(`${where} is enrolled in ambient mode; baseline must not carry ${DATAPLANE_MODE_LABEL}=ambient`);
      if (proxied.length > 0) problems.push(`${where}: server pods ${proxied.join(', ')} have an ${ISTIO_PROXY_CONTAINER} container; baseline pods must not`);
      break;
    case BenchmarkMode.SIDECAR:
      if (!injection && !revision) problems.push(`${where} does not enable sidecar injection; label it ${INJECTION_LABEL}=enabled or ${REVISION_LABEL}=<revision>`);
      if (injection && revision) problems.push(`${where} carries both ${INJECTION_LABEL} and ${REVISION_LABEL}; Istio requires exactly one`);
      if (ambient) problems.push(`${where} is also enrolled in ambient mode; remove ${DATAPLANE_MODE_LABEL}=ambient`);
      if (unproxied.length > 0) problems.push(`${where}: server pods ${unproxied.join(', ')} have no ${ISTIO_PROXY_CONTAINER} container; restart them after labelling the namespace`);
      break;
    case BenchmarkMode.AMBIENT:
    case BenchmarkMode.AMBIENT_WAYPOINT:
      if (!ambient) problems.push(`${where} is not enrolled in ambient mode; label it ${DATAPLANE_MODE_LABEL}=ambient`);
      if (injection || revision) problems.push(`${where} also enables sidecar injection; ambient must have no ${INJECTION_LABEL}=enabled or ${REVISION_LABEL}`);
      if (proxied.length > 0) problems.push(`${where}: server pods ${proxied.join(', ')} have an ${ISTIO_PROXY_CONTAINER} container; ambient pods must not`);
      break;
  }
  if (mode === BenchmarkMode.AMBIENT_WAYPOINT && !nsLabels[USE_WAYPOINT_LABEL]) {
    problems.push(`${where} has no ${USE_WAYPOINT_LABEL} label; its traffic would skip the waypoint (label it ${USE_WAYPOINT_LABEL}=${BENCH_WAYPOINT_NAME})`);
  }
  return problems;
}

/**
 * Server pods of a mode: running harness pods labelled `mesh-bench/component=server` (what the
 * construct deploys); pods without the component label count when they are not load-Job pods.
 */
export function selectServerPods(pods: readonly PodView[]): PodView[] {
  return pods.filter((p) => {
    if (p.phase !== 'Running') return false;
    const component = p.labels[COMPONENT_LABEL];
    if (component !== undefined) return component === 'server';
    return !p.ownerKinds.includes('Job') && p.labels[RUN_LABEL] === undefined && p.labels['job-name'] === undefined;
  });
}

/** The tag of an image reference (`registry:5000/istio/pilot:1.22.8@sha256:…` → `1.22.8`), if any. */
export function imageTag(image: string): string | undefined {
  const ref = image.split('@')[0];
  const colon = ref.lastIndexOf(':');
  return colon > ref.lastIndexOf('/') ? ref.slice(colon + 1) : undefined;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

/** What `kube/preflight.ts` read for one mode (`error` when its namespace could not be read). */
export interface ModeFacts {
  readonly mode: BenchmarkMode;
  readonly namespace: string;
  readonly serverReplicas: number;
  readonly namespaceLabels?: Readonly<Record<string, string>>;
  readonly pods?: readonly PodView[];
  readonly error?: string;
  /** `k=v,…` of the load Job's nodeSelector; '' when it has none. */
  readonly loadSelector: string;
  /** Nodes the selector resolves to, or why they could not be listed. */
  readonly loadNodes?: readonly string[];
  readonly loadNodesError?: string;
  /** `ambient-waypoint` only: the pods of the server namespace's waypoint, or why they could not be listed. */
  readonly waypointPods?: readonly PodView[];
  readonly waypointError?: string;
}

/** Everything preflight reads. */
export interface PreflightFacts {
  readonly kubernetesVersion?: string;
  readonly versionError?: string;
  /** Images of the istiod `discovery` containers; undefined when istiod pods could not be read. */
  readonly istiodImages?: readonly string[];
  readonly istiodError?: string;
  readonly nodeNames?: readonly string[];
  readonly nodesError?: string;
  readonly modes: readonly ModeFacts[];
}

/** What preflight learned about the cluster, and every problem that prevents a run. */
export interface PreflightReport {
  readonly kubernetesVersion?: string;
  readonly istioVersion?: string;
  /** Running server pods per mode. */
  readonly serverPods: ReadonlyMap<BenchmarkMode, readonly PodView[]>;
  /** Nodes the load Job's nodeSelector resolves to, per mode. */
  readonly loadNodes: ReadonlyMap<BenchmarkMode, readonly string[]>;
  /** Running and Ready waypoint pods of the server namespace (`ambient-waypoint` only). */
  readonly waypointPods: ReadonlyMap<BenchmarkMode, readonly PodView[]>;
  readonly warnings: readonly string[];
  readonly problems: readonly string[];
}

/**
 * Judges the waypoint of an `ambient-waypoint` mode: without a Running and Ready waypoint pod the
 * mode's L7 proxy would be neither in the path nor measured, so that is a problem naming what to
 * check; other (not Ready) waypoint pods are a warning. Returns the pods to sample.
 */
export function judgeWaypoint(m: ModeFacts, problems: string[], warnings: string[]): PodView[] {
  const selector = waypointPodSelector(BENCH_WAYPOINT_NAME);
  const check = `check that the Gateway API CRDs are installed (kubectl get crd gateways.gateway.networking.k8s.io) and that the waypoint is programmed (kubectl -n ${m.namespace} get gateway ${BENCH_WAYPOINT_NAME})`;
  if (m.waypointError !== undefined || m.waypointPods === undefined) {
    problems.push(`mode ${m.mode}: cannot list the waypoint pods in namespace ${m.namespace} (${selector}): ${m.waypointError ?? 'no data'}`);
    return [];
  }
  const isUp = (p: PodView): boolean => p.phase === 'Running' && p.ready === true && p.nodeName !== undefined;
  const up = m.waypointPods.filter(isUp);
  const down = m.waypointPods.filter((p) => !isUp(p)).map((p) => `${p.name} (${p.phase ?? 'no phase'}${p.phase === 'Running' ? ', not Ready' : ''})`);
  if (up.length === 0) {
    const found = down.length === 0 ? 'no waypoint pod' : `no Running and Ready waypoint pod (found ${down.join(', ')})`;
    problems.push(`mode ${m.mode}: ${found} in namespace ${m.namespace} (${selector}), so its L7 proxy would not be measured; ${check}`);
  } else if (down.length > 0) {
    warnings.push(`mode ${m.mode}: waypoint pods ${down.join(', ')} in namespace ${m.namespace} are not Running and Ready; only ${up.map((p) => p.name).join(', ')} will be sampled`);
  }
  return up;
}

/** Judges the gathered facts: problems prevent a run, warnings are printed. */
export function judgePreflight(f: PreflightFacts): PreflightReport {
  const problems: string[] = [];
  const warnings: string[] = [];
  if (f.versionError !== undefined) problems.push(`cannot read the Kubernetes server version: ${f.versionError}`);
  let istioVersion: string | undefined;
  if (f.istiodError !== undefined) {
    warnings.push(`cannot read istiod pods: ${f.istiodError}; the Istio version is not recorded`);
  } else {
    const image = (f.istiodImages ?? []).find((i) => i !== '');
    istioVersion = image === undefined ? undefined : imageTag(image);
    if (istioVersion === undefined) warnings.push(`no tagged istiod image found in ${ISTIO_SYSTEM_NAMESPACE} (${ISTIOD_SELECTOR}); the Istio version is not recorded`);
  }
  if (f.nodesError !== undefined) problems.push(`cannot list nodes: ${f.nodesError}`);
  const nodeNames = f.nodeNames ?? [];
  const serverPods = new Map<BenchmarkMode, PodView[]>();
  const loadNodes = new Map<BenchmarkMode, string[]>();
  const waypointPods = new Map<BenchmarkMode, PodView[]>();
  for (const m of f.modes) {
    if (m.mode === BenchmarkMode.AMBIENT_WAYPOINT) waypointPods.set(m.mode, judgeWaypoint(m, problems, warnings));
    if (m.error !== undefined || m.pods === undefined || m.namespaceLabels === undefined) {
      problems.push(`mode ${m.mode}: cannot inspect namespace ${m.namespace}: ${m.error ?? 'no data'}`);
    } else {
      const servers = selectServerPods(m.pods);
      serverPods.set(m.mode, servers);
      if (servers.length === 0) {
        problems.push(`mode ${m.mode}: no running server pods in namespace ${m.namespace} (labelled ${PART_OF_LABEL}=${PART_OF_VALUE},${MODE_LABEL}=${m.mode})`);
      } else if (servers.length !== m.serverReplicas) {
        warnings.push(`mode ${m.mode}: ${servers.length} running server pods, the harness declares ${m.serverReplicas}`);
      }
      for (const p of servers) {
        if (p.nodeName === undefined) problems.push(`mode ${m.mode}: server pod ${p.name} is not bound to a node`);
        else if (nodeNames.length > 0 && !nodeNames.includes(p.nodeName)) problems.push(`mode ${m.mode}: server pod ${p.name} is on node ${p.nodeName}, which does not exist`);
      }
      problems.push(...checkMeshState(m.mode, m.namespace, m.namespaceLabels, servers));
      if (m.mode === BenchmarkMode.AMBIENT || m.mode === BenchmarkMode.AMBIENT_WAYPOINT) {
        const uncaptured = servers.filter((p) => p.annotations[AMBIENT_REDIRECTION_ANNOTATION] !== 'enabled').map((p) => p.name);
        if (uncaptured.length > 0) warnings.push(`mode ${m.mode}: server pods ${uncaptured.join(', ')} lack ${AMBIENT_REDIRECTION_ANNOTATION}=enabled; ztunnel may not capture their traffic`);
      }
    }
    if (m.loadSelector === '') {
      warnings.push(`mode ${m.mode}: the load Job has no nodeSelector; its pod may land on any node`);
      loadNodes.set(m.mode, [...nodeNames].sort());
    } else if (m.loadNodesError !== undefined) {
      problems.push(`mode ${m.mode}: cannot resolve the load Job's nodeSelector ${m.loadSelector}: ${m.loadNodesError}`);
    } else {
      const nodes = [...(m.loadNodes ?? [])].sort();
      loadNodes.set(m.mode, nodes);
      if (nodes.length === 0) problems.push(`mode ${m.mode}: the load Job's nodeSelector ${m.loadSelector} matches no node`);
    }
  }
  const serverNodeSets = f.modes.map((m) => [...new Set((serverPods.get(m.mode) ?? []).flatMap((p) => (p.nodeName ? [p.nodeName] : [])))].sort());
  if (serverNodeSets.some((s) => !sameSet(s, serverNodeSets[0]))) {
    warnings.push(`server pods of the modes are on different nodes (${f.modes.map((m, i) => `${m.mode}: ${serverNodeSets[i].join(', ') || 'none'}`).join('; ')}); modes would not share hardware`);
  }
  const loadSets = f.modes.map((m) => loadNodes.get(m.mode) ?? []);
  if (loadSets.some((s) => !sameSet(s, loadSets[0]))) {
    warnings.push(`load Jobs of the modes resolve to different nodes (${f.modes.map((m, i) => `${m.mode}: ${loadSets[i].join(', ') || 'none'}`).join('; ')}); modes would not share hardware`);
  }
  f.modes.forEach((m, i) => {
    const overlap = loadSets[i].filter((n) => serverNodeSets[i].includes(n));
    if (overlap.length > 0) warnings.push(`mode ${m.mode}: load Jobs may run on the server node(s) ${overlap.join(', ')}`);
  });
  return { kubernetesVersion: f.kubernetesVersion, istioVersion, serverPods, loadNodes, waypointPods, warnings, problems };
}
