/**
 * Proxy CPU/memory per mode from the `<mode>.resources.json` samples (contract
 * `ProxyResourceSamples`). Pure.
 */
import { BenchmarkMode } from '../benchmark/contract';
import { ProxyResourceSamples } from '../wire/results-layout';
import { median } from './stats';

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
}

/** Per-round totals: Σ over containers of mean CPU and of max memory. */
export function roundResourceTotals(s: ProxyResourceSamples): { cpuMillicores: number; memoryMiB: number; containers: number } | undefined {
  if (s.samples.length === 0) return undefined;
  const byContainer = new Map<string, { cpu: number; n: number; mem: number }>();
  for (const x of s.samples) {
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

/**
 * Summarizes one mode's proxy resources over the given rounds (all rounds when `rounds` is
 * omitted). Baseline has no proxies: its summary has null CPU and memory.
 */
export function summarizeResources(all: readonly ProxyResourceSamples[], mode: BenchmarkMode, rounds?: ReadonlySet<number>): ResourceSummary {
  const totals = all
    .filter((s) => s.mode === mode && (rounds === undefined || rounds.has(s.round)))
    .map(roundResourceTotals)
    .filter((t): t is NonNullable<typeof t> => t !== undefined);
  return {
    cpuMillicores: median(totals.map((t) => t.cpuMillicores)) ?? null,
    memoryMiB: median(totals.map((t) => t.memoryMiB)) ?? null,
    containers: totals.reduce((m, t) => Math.max(m, t.containers), 0),
    rounds: totals.length,
  };
}
