/**
 * Proxy CPU/memory sampling from the kubelet Summary API
 * (`GET /api/v1/nodes/<node>/proxy/stats/summary`, needs RBAC `get nodes/proxy`).
 */
import { ProxyComponent, ProxyResourceSamples } from '../wire/results-layout';
import { KubeClient } from './client';

/** Kubelet summary path under the node proxy. */
export const SUMMARY_PATH = 'stats/summary';
const NANOCORES_PER_MILLICORE = 1e6;
const BYTES_PER_MIB = 1024 * 1024;

/** One container's usage as reported by the kubelet. */
export interface ContainerUsage {
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
  /** Sample time reported by the kubelet (RFC 3339), when present. */
  readonly time?: string;
  readonly usageNanoCores?: number;
  readonly workingSetBytes?: number;
}

/** A container to sample: `container` undefined means every container of the pod. */
export interface SampleTarget {
  /** The data-plane component the pod is part of; recorded on every sample. */
  readonly component: ProxyComponent;
  readonly node: string;
  readonly namespace: string;
  readonly pod: string;
  readonly container?: string;
}

type Sample = ProxyResourceSamples['samples'][number];

function rec(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}
function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}
function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** Extracts per-container usage from a kubelet summary document (unknown fields are ignored). */
export function parseNodeSummary(doc: unknown): ContainerUsage[] {
  const pods = rec(doc).pods;
  if (!Array.isArray(pods)) throw new Error('kubelet summary has no pods array');
  const out: ContainerUsage[] = [];
  for (const p of pods) {
    const ref = rec(rec(p).podRef);
    const pod = str(ref.name);
    const namespace = str(ref.namespace);
    const containers = rec(p).containers;
    if (pod === undefined || namespace === undefined || !Array.isArray(containers)) continue;
    for (const c of containers) {
      const name = str(rec(c).name);
      if (name === undefined) continue;
      const cpu = rec(rec(c).cpu);
      const memory = rec(rec(c).memory);
      out.push({
        namespace,
        pod,
        container: name,
        time: str(cpu.time) ?? str(memory.time),
        usageNanoCores: num(cpu.usageNanoCores),
        workingSetBytes: num(memory.workingSetBytes),
      });
    }
  }
  return out;
}

/** Converts the usage of the targeted containers into contract samples. */
export function toSamples(node: string, usage: readonly ContainerUsage[], targets: readonly SampleTarget[], fallbackTime: string): Sample[] {
  const samples: Sample[] = [];
  for (const u of usage) {
    const wanted = targets.find((t) => t.node === node && t.namespace === u.namespace && t.pod === u.pod && (t.container === undefined || t.container === u.container));
    if (wanted === undefined || u.usageNanoCores === undefined || u.workingSetBytes === undefined) continue;
    samples.push({
      time: u.time ?? fallbackTime,
      component: wanted.component,
      pod: u.pod,
      container: u.container,
      node,
      cpuMillicores: u.usageNanoCores / NANOCORES_PER_MILLICORE,
      memoryMiB: u.workingSetBytes / BYTES_PER_MIB,
    });
  }
  return samples;
}

/** A running sampler; `stop()` ends it and returns everything collected. */
export interface ProxySampler {
  stop(): Promise<{ samples: Sample[]; errors: string[] }>;
}

/**
 * Samples the targets every `intervalMs` until stopped (first sample immediately). Targets are
 * re-resolved at each tick (pods may appear while the Job starts). Errors are collected, never
 * thrown.
 */
export function startProxySampler(
  client: KubeClient,
  resolveTargets: () => Promise<SampleTarget[]>,
  intervalMs: number,
  requestTimeoutMs?: number,
): ProxySampler {
  const samples: Sample[] = [];
  const errors: string[] = [];
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();

  const tick = async (): Promise<void> => {
    let targets: SampleTarget[];
    try {
      targets = await resolveTargets();
    } catch (e: unknown) {
      errors.push(`cannot resolve proxy pods: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    const nodes = [...new Set(targets.map((t) => t.node))];
    await Promise.all(
      nodes.map(async (node) => {
        try {
          const text = await client.nodeProxyGet(node, SUMMARY_PATH, { timeoutMs: requestTimeoutMs });
          samples.push(...toSamples(node, parseNodeSummary(JSON.parse(text)), targets, new Date().toISOString()));
        } catch (e: unknown) {
          errors.push(`node ${node}: ${e instanceof Error ? e.message : String(e)}`);
        }
      }),
    );
  };
  const loop = (): void => {
    if (stopped) return;
    inFlight = tick().finally(() => {
      if (!stopped) timer = setTimeout(loop, intervalMs);
    });
  };
  loop();
  return {
    async stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      await inFlight;
      return { samples, errors };
    },
  };
}
