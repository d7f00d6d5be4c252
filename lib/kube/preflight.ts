/**
 * Preflight, the gathering half: reads what a benchmark run assumes about the cluster (server
 * version, istiod image, nodes, each mode's namespace labels and pods, the nodes its load Job's
 * nodeSelector resolves to) and hands the facts to `analysis/preflight-checks.ts`, which judges.
 */
import { BENCH_WAYPOINT_NAME, BenchmarkMode, MODE_LABEL, PART_OF_LABEL, PART_OF_VALUE } from '../wire/bench-contract';
import { waypointPodSelector } from '../wire/istio-waypoint';
import { judgePreflight, ModeFacts, PreflightFacts, PreflightReport } from '../analysis/preflight-checks';
import { ISTIO_SYSTEM_NAMESPACE, ISTIOD_SELECTOR } from '../wire/istio';
import { KubeClient } from './client';
import { ModeHarness } from './harness';

export {
  AMBIENT_REDIRECTION_ANNOTATION, checkMeshState, DATAPLANE_MODE_LABEL, hasIstioProxy, imageTag, INJECTION_LABEL, ISTIO_PROXY_CONTAINER,
  ISTIO_SYSTEM_NAMESPACE, ISTIOD_SELECTOR, REVISION_LABEL, selectServerPods, ZTUNNEL_SELECTOR,
} from '../analysis/preflight-checks';
export type { PreflightReport } from '../analysis/preflight-checks';

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

async function attempt<T>(fn: () => Promise<T>): Promise<{ value?: T; error?: string }> {
  try {
    return { value: await fn() };
  } catch (e: unknown) {
    return { error: message(e) };
  }
}

/** Reads every fact preflight judges; read failures become facts, never exceptions. */
export async function gatherPreflightFacts(client: KubeClient, harnesses: readonly ModeHarness[]): Promise<PreflightFacts> {
  const version = await attempt(() => client.serverVersion());
  const istiod = await attempt(() => client.listPods(ISTIO_SYSTEM_NAMESPACE, ISTIOD_SELECTOR));
  const nodes = await attempt(() => client.listNodes());
  const modes: ModeFacts[] = [];
  for (const h of harnesses) {
    const ns = await attempt(() => Promise.all([
      client.readNamespace(h.namespace),
      client.listPods(h.namespace, `${PART_OF_LABEL}=${PART_OF_VALUE},${MODE_LABEL}=${h.mode}`),
    ]));
    const loadSelector = Object.entries(h.loadNodeSelector).map(([k, v]) => `${k}=${v}`).join(',');
    const load = loadSelector === '' ? {} : await attempt(async () => (await client.listNodes(loadSelector)).map((n) => n.name));
    const waypoint = h.mode === BenchmarkMode.AMBIENT_WAYPOINT ? await attempt(() => client.listPods(h.namespace, waypointPodSelector(BENCH_WAYPOINT_NAME))) : {};
    modes.push({
      mode: h.mode,
      namespace: h.namespace,
      serverReplicas: h.meta.serverReplicas,
      namespaceLabels: ns.value?.[0].labels,
      pods: ns.value?.[1],
      error: ns.error,
      loadSelector,
      loadNodes: load.value,
      loadNodesError: load.error,
      ...(h.mode === BenchmarkMode.AMBIENT_WAYPOINT ? { waypointPods: waypoint.value, waypointError: waypoint.error } : {}),
    });
  }
  return {
    kubernetesVersion: version.value?.gitVersion,
    versionError: version.error,
    istiodImages: istiod.value?.map((p) => p.images.discovery).filter((i): i is string => i !== undefined),
    istiodError: istiod.error,
    nodeNames: nodes.value?.map((n) => n.name),
    nodesError: nodes.error,
    modes,
  };
}

/** Gathers the facts and judges them; problems are collected, not thrown. */
export async function preflight(client: KubeClient, harnesses: readonly ModeHarness[]): Promise<PreflightReport> {
  return judgePreflight(await gatherPreflightFacts(client, harnesses));
}
