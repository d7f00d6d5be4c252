/**
 * Proxy CPU/memory per mode from the `<mode>.resources.json` samples (contract
 * `ProxyResourceSamples`), in total and per data-plane component (sidecar, ztunnel, waypoint).
 * Pure.
 */
import { BenchmarkMode } from '../wire/bench-contract';
import { PROXY_COMPONENTS, ProxyComponent, ProxyResourceSamples } from '../wire/results-layout';
import { median } from './stats';

/** Resource use of one data-plane component of a mode, summarized over rounds. */
export interface ComponentResources {
  readonly component: ProxyComponent;
  /** Median over rounds of Σ over the component's containers of the mean CPU (millicores). */
  readonly cpuMillicores: number;
  /** Median over rounds of Σ over the component's containers of the max working set (MiB). */
  readonly memoryMiB: number;
  /** Largest number of distinct containers of the component seen in one round. */
  readonly containers: number;
  /** Nodes its containers ran on (sorted): a waypoint may run outside the benchmark nodes. */
  readonly nodes: readonly string[];
}

/** Proxy resource use of one mode, summarized over rounds. */
export interface ResourceSummary {
  /** Median over rounds of Σ over proxy containers of the mean CPU (millicores); null without samples. */
  readonly cpuMillicores: number | null;
  /** Median over rounds of Σ over proxy containers of the max working set (MiB); null without samples. */
  readonly memoryMiB: number | null;
  /** Largest number of distinct proxy containers seen in one round. */
  readonly containers: number;
  /** Rounds that had samples. */
  readonly rounds: number;
  /**
   * The same per component, in {@link PROXY_COMPONENTS} order, only those sampled. Each is its own
   * median over rounds, so the parts need not add up exactly to the total.
   */
  readonly components: readonly ComponentResources[];
}

type Sample = ProxyResourceSamples['samples'][number];

function totals(samples: readonly Sample[]): { cpuMillicores: number; memoryMiB: number; containers: number } | undefined {
  if (samples.length === 0) return undefined;
  const byContainer = new Map<string, { cpu: number; n: number; mem: number }>();
  for (const x of samples) {
    const key = `${x.node}/${x.pod}/${x.container}`;
    const acc = byContainer.get(key) ?? { cpu: 0, n: 0, mem: Number.NEGATIVE_INFINITY };
    acc.cpu += x.cpuMillicores;
    acc.n += 1;
    acc.mem = Math.max(acc.mem, x.memoryMiB);
    byContainer.set(key, acc);
  }
  let cpuMillicores = 0;
  let memoryMiB = 0;
  for (const acc of byContainer.values()) {
    cpuMillicores += acc.cpu / acc.n;
    memoryMiB += acc.mem;
  }
  return { cpuMillicores, memoryMiB, containers: byContainer.size };
}

/** Per-round totals: Σ over containers of mean CPU and of max memory. */
export function roundResourceTotals(s: ProxyResourceSamples): { cpuMillicores: number; memoryMiB: number; containers: number } | undefined {
  return totals(s.samples);
}

/**
 * Summarizes one mode's proxy resources over the given rounds (all rounds when `rounds` is
 * omitted). Baseline has no proxies: its summary has null CPU and memory.
 */
export function summarizeResources(all: readonly ProxyResourceSamples[], mode: BenchmarkMode, rounds?: ReadonlySet<number>): ResourceSummary {
  const selected = all.filter((s) => s.mode === mode && (rounds === undefined || rounds.has(s.round)));
  const perRound = selected.map(roundResourceTotals).filter((t): t is NonNullable<typeof t> => t !== undefined);
  const components = PROXY_COMPONENTS.flatMap((component): ComponentResources[] => {
    const parts = selected.map((s) => s.samples.filter((x) => x.component === component));
    const t = parts.map(totals).filter((x): x is NonNullable<typeof x> => x !== undefined);
    if (t.length === 0) return [];
    return [{
      component,
      cpuMillicores: median(t.map((x) => x.cpuMillicores)) as number,
      memoryMiB: median(t.map((x) => x.memoryMiB)) as number,
      containers: t.reduce((m, x) => Math.max(m, x.containers), 0),
      nodes: [...new Set(parts.flat().map((x) => x.node))].sort(),
    }];
  });
  return {
    cpuMillicores: median(perRound.map((t) => t.cpuMillicores)) ?? null,
    memoryMiB: median(perRound.map((t) => t.memoryMiB)) ?? null,
    containers: perRound.reduce((m, t) => Math.max(m, t.containers), 0),
    rounds: perRound.length,
    components,
  };
}
