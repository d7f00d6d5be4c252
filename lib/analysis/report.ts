/**
 * The comparison model behind `mesh-bench compare` (methodology §6, §7.8, §7.9): pooled-histogram
 * percentiles per mode, per-round medians with order-statistic CIs, paired deltas vs baseline,
 * throughput, errors, schedule slip, proxy resources and validity flags. Pure: callers load files.
 * The report's types live in `report-model.ts` and are re-exported here.
 */
import { BenchmarkMode } from '../wire/bench-contract';
import { ProxyComponent } from '../wire/results-layout';
import { errorCount, scheduleSlip } from './fortio';
import { bucketWidthAt, calcPercentile, CanonicalHistogram, exportHistogram, HistogramData, poolHistograms, toCanonical } from './histogram';
import { coCorrectedView } from './hdr';
import {
  COMPARE_PERCENTILES, COVERAGE_SLACK, CompareInput, CompareOptions, ComparisonReport, DeltaCell, IntervalBasis, ModeReport, PercentileCell, RunInput,
} from './report-model';
import { summarizeResources } from './resources';
import { coDiffers, runDivider, summarizeRun, RunSummary } from './run-summary';
import { medianConfidenceInterval, medianIntervalCoverage, pairedDeltas } from './stats';
import { assessRun, percentileStatus, PercentileStatus, RunValidity, ValidityRules, DEFAULT_RULES } from './validity';

export * from './report-model';
export type { RunValidity, PercentileStatus, ValidityRules };
export { DEFAULT_RULES };

/** Most rounds an interval computation looks at (a bound independent of any file). */
const MAX_PLANNED_ROUNDS = 1000;

/**
 * Fewest rounds whose widest order-statistic interval, `[x₍₁₎, x₍ₙ₎]` with coverage `1 − 2·½ⁿ`,
 * reaches `confidence − COVERAGE_SLACK` (95 % → 5 rounds, 93.75 %).
 */
export function minRoundsForInterval(confidence: number): number {
  for (let n = 1; n <= MAX_PLANNED_ROUNDS; n++) if (medianIntervalCoverage(n, 1) >= confidence - COVERAGE_SLACK - 1e-12) return n;
  return MAX_PLANNED_ROUNDS;
}

/**
 * Percentile spectrum for the plot: p = 0, then 4 points per decade of 1/(1−p) up to p99.99, but
 * only where the table's rule shows a percentile ({@link percentileStatus} = ok): no tail the
 * table calls n/a.
 */
function spectrum(h: HistogramData, slip: number | undefined, rules: ValidityRules): { p: number; value: number }[] {
  const out: { p: number; value: number }[] = [];
  for (let step = 0; step <= 16; step++) {
    const p = 100 * (1 - Math.pow(10, -step / 4));
    if (p > 0 && percentileStatus(p, h.count, slip, rules) !== 'ok') break;
    const v = calcPercentile(h, p);
    if (v !== undefined) out.push({ p, value: v });
  }
  return out;
}

interface ModeData {
  readonly runs: readonly RunInput[];
  readonly valid: readonly RunInput[];
  readonly summaries: ReadonlyMap<number, RunSummary>;
  readonly pooled: CanonicalHistogram | undefined;
}

function modeData(runs: readonly RunInput[], validity: ReadonlyMap<RunInput, RunValidity>, ps: readonly number[]): ModeData {
  const valid = runs.filter((r) => validity.get(r)?.valid === true);
  const summaries = new Map(valid.map((r) => [r.round, summarizeRun(r.result, ps)] as const));
  // valid runs always have a divider: assessRun invalidates runs whose resolution is unknown
  const pooled = poolHistograms(valid.map((r) => toCanonical(r.result.duration, runDivider(r.result) as number, r.result.offset)));
  return { runs, valid, summaries, pooled };
}

function throughput(valid: readonly RunInput[]): number | null {
  if (valid.length === 0) return null;
  const withDuration = valid.filter((r) => r.result.actualDurationSeconds !== undefined && r.result.actualDurationSeconds > 0);
  if (withDuration.length === valid.length) {
    const calls = valid.reduce((s, r) => s + r.result.duration.count, 0);
    return calls / valid.reduce((s, r) => s + (r.result.actualDurationSeconds as number), 0);
  }
  return valid.reduce((s, r) => s + r.result.actualQps, 0) / valid.length;
}

function pooledErrorRate(valid: readonly RunInput[]): number | null {
  let errors = 0;
  let calls = 0;
  for (const r of valid) {
    const e = errorCount(r.result);
    if (e === undefined) return null;
    errors += e;
    calls += r.result.duration.count;
  }
  return calls > 0 ? errors / calls : null;
}

function maxOf(values: readonly (number | undefined)[]): number | null {
  const xs = values.filter((v): v is number => v !== undefined);
  return xs.length > 0 ? Math.max(...xs) : null;
}

/** Largest schedule slip among the runs that were pooled (decides the "n/a (CO)" rule). */
function validSlip(d: ModeData): number | null {
  return maxOf(d.valid.map((r) => scheduleSlip(r.result)));
}

/** The median's CI when enough values back it for `confidence`, else null. */
function shownInterval(values: readonly number[], confidence: number): ReturnType<typeof medianConfidenceInterval> | undefined {
  const ci = medianConfidenceInterval(values, confidence);
  return ci !== undefined && ci.coverage >= confidence - COVERAGE_SLACK - 1e-12 ? ci : undefined;
}

/** The basis of the intervals over `n` rounds: the same rule as {@link shownInterval}. */
function basis(n: number, confidence: number): IntervalBasis {
  const ci = shownInterval(Array.from({ length: n }, (_, i) => i), confidence);
  return { n, coverage: ci?.coverage ?? null, needed: minRoundsForInterval(confidence) };
}

function percentileCells(d: ModeData, ps: readonly number[], rules: ValidityRules, confidence: number): PercentileCell[] {
  const h = d.pooled;
  const exported = h ? exportHistogram(h) : undefined;
  const first = d.valid[0]?.result;
  const co = exported && first ? coCorrectedView(exported, first.numThreads, first.requestedQps, ps) : undefined;
  const slip = validSlip(d);
  return ps.map((p, i) => {
    const value = exported ? calcPercentile(exported, p) : undefined;
    const bucketWidth = value !== undefined && h ? bucketWidthAt(value, h.offset, h.divider, h.max) : undefined;
    const perRound = [...d.summaries.values()].map((s) => s.percentiles[i].value).filter((v): v is number => v !== undefined);
    const ci = shownInterval(perRound, confidence);
    const cp = co?.percentiles[i];
    return {
      p,
      value: value ?? null,
      status: percentileStatus(p, value === undefined ? 0 : h?.count ?? 0, slip ?? undefined, rules),
      bucketWidth: bucketWidth ?? null,
      rounds: ci ? { median: ci.median, lower: ci.lower, upper: ci.upper, coverage: ci.coverage, n: ci.n } : null,
      corrected: cp?.corrected ?? null,
      coDiffers: cp !== undefined && h !== undefined && coDiffers(cp.raw, cp.corrected, (v) => bucketWidthAt(v, h.offset, h.divider, h.max)),
    };
  });
}

function deltaCells(base: ModeData, baseCells: readonly PercentileCell[], d: ModeData, cells: readonly PercentileCell[], confidence: number): DeltaCell[] {
  return cells.map((cell, i) => {
    const bc = baseCells[i];
    const perRound = (m: ModeData) => new Map([...m.summaries].map(([round, s]) => [round, s.percentiles[i].value] as const));
    const deltas = pairedDeltas(perRound(base), perRound(d)).map((x) => x.delta);
    const ci = shownInterval(deltas, confidence);
    const widths = [bc.bucketWidth, cell.bucketWidth].filter((w): w is number => w !== null);
    const resolution = widths.length > 0 ? Math.max(...widths) : null;
    const status: PercentileStatus = bc.status !== 'ok' ? bc.status : cell.status;
    return {
      p: cell.p,
      median: ci?.median ?? null,
      lower: ci?.lower ?? null,
      upper: ci?.upper ?? null,
      coverage: ci?.coverage ?? null,
      pairs: deltas.length,
      ratio: cell.value !== null && bc.value !== null && bc.value > 0 ? cell.value / bc.value : null,
      resolution,
      belowResolution: ci !== undefined && resolution !== null && Math.abs(ci.median) < resolution,
      noDetectableDifference: ci !== undefined && ci.lower <= 0 && ci.upper >= 0,
      status,
    };
  });
}

function statusFlags(mode: BenchmarkMode, cells: readonly PercentileCell[], d: ModeData, rules: ValidityRules): string[] {
  const n = d.pooled?.count ?? 0;
  const slip = validSlip(d);
  return cells.flatMap((c) => {
    const tail = 1 - c.p / 100;
    if (c.status === 'n/a (n)') return [`${mode} p${c.p}: n/a (n) — ${n} pooled calls, n·(1−p) ≥ ${rules.minTailSamples} needs ≥ ${Math.ceil(rules.minTailSamples / tail - 1e-6)}`];
    if (c.status === 'n/a (CO)') return [`${mode} p${c.p}: n/a (CO) — schedule slip ${pct(slip ?? 0)} ≥ (1−p)/10 = ${pct(tail / 10)}`];
    const smallest = Math.min(...d.valid.map((r) => r.result.duration.count));
    if (c.status === 'ok' && smallest * tail < rules.minTailSamples - 1e-6) {
      return [`${mode} p${c.p}: per-round values (CI, Δ) rest on runs with n·(1−p) = ${Number((smallest * tail).toPrecision(3))} < ${rules.minTailSamples} tail samples`];
    }
    return [];
  });
}

function failuresOf(input: CompareInput): { round: number; mode: BenchmarkMode; reason: string }[] {
  return (input.metadata?.failures ?? []).filter((f) => input.qps === undefined || f.qps === input.qps);
}

function plannedRounds(input: CompareInput): number[] {
  const planned = Math.min(input.metadata?.rounds ?? 0, MAX_PLANNED_ROUNDS);
  return [...new Set([...input.runs.map((r) => r.round), ...Array.from({ length: planned }, (_, i) => i + 1)])].sort((a, b) => a - b);
}

function orderModes(input: CompareInput): BenchmarkMode[] {
  const present = new Set(input.runs.map((r) => r.mode));
  const declared = input.metadata?.modes ?? [];
  const ordered = [...declared, ...Object.values(BenchmarkMode), ...present].filter((m, i, a) => a.indexOf(m) === i);
  return ordered.filter((m) => present.has(m) || declared.includes(m));
}

/**
 * Builds the comparison. Invalid runs (schedule slip above the limit, no calls, unknown
 * histogram resolution) are excluded from pooling and pairing and listed in `flags`.
 */
export function buildComparison(input: CompareInput, options: CompareOptions = {}): ComparisonReport {
  const ps = options.percentiles ?? COMPARE_PERCENTILES;
  const confidence = options.confidence ?? 0.95;
  const rules = options.rules ?? DEFAULT_RULES;
  const modes = orderModes(input);
  const withRuns = modes.filter((m) => input.runs.some((r) => r.mode === m));
  const baseline = options.baseline ?? (withRuns.includes(BenchmarkMode.BASELINE) ? BenchmarkMode.BASELINE : withRuns[0] ?? modes[0]);
  const validity = new Map(input.runs.map((r) => [r, assessRun(r, rules)] as const));
  const flags: string[] = [];
  const failures = failuresOf(input);
  if (input.metadata?.interrupted === true) flags.push(`run interrupted and not resumed to its end: some cells were never attempted (resume with \`mesh-bench run --resume\`)`);
  if (input.qps !== undefined && (input.metadata?.overCalibrationRates ?? []).includes(input.qps)) {
    flags.push(`rate ${input.qps} QPS is above the calibrated limit of the load generator (run with --allow-over-calibration): latency may include generator saturation`);
  }
  for (const f of failures) flags.push(`round ${f.round} ${f.mode}: run failed (${f.reason})`);
  const rounds = plannedRounds(input);
  for (const round of rounds) {
    for (const mode of modes) {
      const has = input.runs.some((r) => r.round === round && r.mode === mode);
      const failed = failures.some((f) => f.round === round && f.mode === mode);
      if (!has && !failed) flags.push(`round ${round} ${mode}: result missing`);
    }
  }
  const runValidity = [...validity.values()].sort((a, b) => a.round - b.round || modes.indexOf(a.mode) - modes.indexOf(b.mode));
  for (const v of runValidity) for (const reason of v.reasons) flags.push(`round ${v.round} ${v.mode}: ${reason}`);

  const data = new Map(modes.map((m) => [m, modeData(input.runs.filter((r) => r.mode === m), validity, ps)] as const));
  const cells = new Map(modes.map((m) => [m, percentileCells(data.get(m) as ModeData, ps, rules, confidence)] as const));
  const baseData = data.get(baseline) as ModeData;
  const baseCells = cells.get(baseline) as PercentileCell[];

  const modeReports: ModeReport[] = modes.map((mode) => {
    const d = data.get(mode) as ModeData;
    const mc = cells.get(mode) as PercentileCell[];
    const validRounds = new Set(d.valid.map((r) => r.round));
    const baseRounds = new Set(baseData.valid.map((r) => r.round));
    const pairs = [...validRounds].filter((r) => baseRounds.has(r)).length;
    const idleSamples = (input.idle ?? []).filter((s) => s.mode === mode);
    const requested = [...new Set(d.valid.map((r) => r.result.requestedQps))];
    if (requested.length > 1) flags.push(`${mode}: runs requested different QPS (${requested.join(', ')})`);
    if (d.valid.length === 0) flags.push(`${mode}: no valid run; nothing to report`);
    flags.push(...statusFlags(mode, mc, d, rules));
    return {
      mode,
      rounds: input.metadata !== undefined ? rounds.length : new Set(d.runs.map((r) => r.round)).size,
      resultRounds: d.runs.length,
      validRounds: d.valid.length,
      missingRounds: rounds.filter((r) => !validRounds.has(r)),
      interval: basis(d.valid.length, confidence),
      deltaInterval: mode === baseline ? null : basis(pairs, confidence),
      idle: idleSamples.length > 0 ? summarizeResources(idleSamples, mode) : null,
      pooledCount: d.pooled?.count ?? 0,
      requestedQps: requested[0] ?? null,
      actualQps: throughput(d.valid),
      errorRate: pooledErrorRate(d.valid),
      maxSlip: maxOf(d.runs.map((r) => validity.get(r)?.slip ?? undefined)),
      maxLatency: d.pooled && d.pooled.count > 0 ? d.pooled.max : null,
      divider: d.pooled?.divider ?? null,
      percentiles: mc,
      deltas: mode === baseline ? [] : deltaCells(baseData, baseCells, d, mc, confidence),
      resources: summarizeResources(input.resources, mode, validRounds),
      distribution: d.pooled ? spectrum(exportHistogram(d.pooled), validSlip(d) ?? undefined, rules) : [],
    };
  });

  const componentNotes = modeReports.flatMap((m) => {
    const waypoint = m.resources.components.find((c) => c.component === ProxyComponent.WAYPOINT);
    if (waypoint === undefined) return [];
    const others = m.resources.components.filter((c) => c !== waypoint).map((c) => `${c.component} on ${c.nodes.join(', ')}`);
    return [`${m.mode}: proxy CPU/memory = ${[...others, `waypoint (L7) on ${waypoint.nodes.join(', ')}`].join(' + ')}; the rows below each total split it, each part its own median over rounds.`];
  });

  return {
    runId: input.metadata?.runId ?? null,
    qps: input.qps ?? null,
    seed: input.metadata?.seed ?? null,
    istioVersion: input.metadata?.istioVersion ?? null,
    kubernetesVersion: input.metadata?.kubernetesVersion ?? null,
    baseline,
    confidence,
    percentiles: ps,
    modes: modeReports,
    runs: runValidity,
    flags,
    notes: [
      'Percentiles come from each mode\'s pooled fortio histogram (bucket counts added across valid rounds), never from averaged percentiles.',
      'Δ is paired per round; CI = order-statistic interval of the median over rounds (exact coverage shown).',
      `An interval is shown only when its exact coverage is at least the nominal level minus ${pct(COVERAGE_SLACK)} (${minRoundsForInterval(confidence)} rounds at ${pct(confidence)}).`,
      `Runs with schedule slip > ${pct(rules.maxSlip)} are invalid and excluded; errors > ${pct(rules.maxErrorRate)} flag a run.`,
      'A percentile p is shown only if slip < (1−p)/10 and n·(1−p) ≥ 100; CO-corrected values (HdrHistogram) are shown where they differ by more than one bucket.',
      ...componentNotes,
    ],
  };
}

function pct(x: number): string {
  return `${Number((x * 100).toPrecision(3))} %`;
}
