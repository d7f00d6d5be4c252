/**
 * What `mesh-latency` reads from the cluster: the namespace's mesh label, the merged Prometheus
 * metrics of every sidecar (pilot-agent :15020/stats/prometheus through the API server's pod
 * proxy), and for ambient namespaces those of the ztunnel pods on the same nodes. Gathers only;
 * `analysis/latency.ts` judges.
 */
import { GatheredLatency, MetricsReading } from '../analysis/latency';
import { KubeClient } from './client';
import { DATAPLANE_MODE_AMBIENT, DATAPLANE_MODE_LABEL, ISTIO_SYSTEM_NAMESPACE, PROXY_STATUS_PORT, ZTUNNEL_SELECTOR } from '../wire/istio';
import { hasIstioProxy } from './preflight';
import { PodView } from './types';

/** pilot-agent's (and ztunnel's) status port serving merged Prometheus metrics. */
export const METRICS_PORT = PROXY_STATUS_PORT;
/** Path of the merged Prometheus metrics on {@link METRICS_PORT}. */
export const METRICS_PATH = 'stats/prometheus';

/** Options of {@link gatherLatency}. */
export interface GatherOptions {
  readonly namespace: string;
  /** Per-pod request timeout, milliseconds. */
  readonly timeoutMs: number;
  /** Pods read at once. */
  readonly concurrency: number;
}

async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Reads every sidecar in the namespace (and ztunnel when ambient). Per-pod failures are recorded
 * as readings with an `error`; namespace-level failures (no such namespace, no access) throw.
 */
export async function gatherLatency(client: KubeClient, o: GatherOptions): Promise<GatheredLatency> {
  const ns = await client.readNamespace(o.namespace);
  const ambient = ns.labels[DATAPLANE_MODE_LABEL] === DATAPLANE_MODE_AMBIENT;
  const pods = await client.listPods(o.namespace);
  const read = async (p: PodView): Promise<MetricsReading> => {
    if (p.phase !== 'Running') return { pod: p.name, node: p.nodeName, error: `pod is ${p.phase ?? 'in an unknown phase'}, not Running` };
    try {
      return { pod: p.name, node: p.nodeName, text: await client.podProxyGet(p.namespace, p.name, METRICS_PORT, METRICS_PATH, { timeoutMs: o.timeoutMs }) };
    } catch (e: unknown) {
      return { pod: p.name, node: p.nodeName, error: message(e) };
    }
  };
  const sidecars = await mapLimited(pods.filter(hasIstioProxy), o.concurrency, read);
  if (!ambient) return { namespace: o.namespace, ambient, sidecars };
  const nodes = new Set(pods.flatMap((p) => (p.nodeName ? [p.nodeName] : [])));
  const ztunnelPods = (await client.listPods(ISTIO_SYSTEM_NAMESPACE, ZTUNNEL_SELECTOR)).filter((z) => nodes.size === 0 || (z.nodeName !== undefined && nodes.has(z.nodeName)));
  // ztunnel pods have no phase filter in the original reader: any pod that answers counts
  const ztunnels = await mapLimited(ztunnelPods, o.concurrency, async (z) => {
    try {
      return { pod: z.name, node: z.nodeName, text: await client.podProxyGet(z.namespace, z.name, METRICS_PORT, METRICS_PATH, { timeoutMs: o.timeoutMs }) };
    } catch (e: unknown) {
      return { pod: z.name, node: z.nodeName, error: message(e) };
    }
  });
  return { namespace: o.namespace, ambient, sidecars, ztunnels };
}
