import { formatCsv, formatMarkdown, formatTable } from '../../lib/analysis/format';
import { BenchmarkMode } from '../../lib/wire/bench-contract';
import { parseFortioResult } from '../../lib/analysis/fortio';
import { buildComparison, CompareInput, ComparisonReport, RunInput } from '../../lib/analysis/report';
import { bucketBounds, fortioHistogram, fortioPercentile, lognormal, shifted, FortioHistogramJson } from '../fixtures/fortio-gen';
import { generateRuns, GeneratedRun, metadataFor, resourceSamples } from '../fixtures/results';
import { ProxyComponent } from '../../lib/wire/results-layout';

const { BASELINE, SIDECAR, AMBIENT } = BenchmarkMode;
const R = 8;
const N = 20000;
const base = lognormal(0.0002, 0.35);

function toInput(runs: readonly GeneratedRun[], extra: Partial<CompareInput> = {}): CompareInput {
  const inputs: RunInput[] = runs.map((r) => ({ round: r.round, mode: r.mode, source: `rounds/${r.round}/${r.mode}.json`, result: parseFortioResult(r.json, 'x') }));
  return { runs: inputs, resources: [], metadata: metadataFor(R, [BASELINE, SIDECAR, AMBIENT]), ...extra };
}

/** Fortio's own p (as the fixture wrote it into the file) for one generated run. */
function filePercentile(r: GeneratedRun, p: number): number {
  const h = r.json.DurationHistogram as FortioHistogramJson;
  return (h.Percentiles ?? []).find((q) => q.Percentile === p)!.Value;
}

function mode(report: ComparisonReport, m: BenchmarkMode) {
  return report.modes.find((x) => x.mode === m)!;
}

describe('buildComparison on generated rounds with known distributions', () => {
  const runs = generateRuns(
    [
      { mode: BASELINE, sampler: base },
      { mode: SIDECAR, sampler: shifted(base, 0.0004) },
      { mode: AMBIENT, sampler: shifted(base, 0.000001) },
    ],
    R,
    N,
  );
  const report = buildComparison(toInput(runs));

  test('absolute percentiles come from the POOLED histogram: equal fortio\'s percentile of all samples together', () => {
    for (const m of [BASELINE, SIDECAR, AMBIENT]) {
      const all = runs.filter((r) => r.mode === m).flatMap((r) => r.samples);
      const union = fortioHistogram(all, 0.00001);
      mode(report, m).percentiles.forEach((c) => expect(c.value).toBe(fortioPercentile(union, c.p)));
      expect(mode(report, m).pooledCount).toBe(R * N);
    }
  });

  test('per-round CI is [x(2), x(7)] of the per-round fortio percentiles (R = 8)', () => {
    const perRound = runs.filter((r) => r.mode === SIDECAR).map((r) => filePercentile(r, 90)).sort((a, b) => a - b);
    const cell = mode(report, SIDECAR).percentiles.find((c) => c.p === 90)!;
    expect(cell.rounds!.lower).toBeCloseTo(perRound[1], 15);
    expect(cell.rounds!.upper).toBeCloseTo(perRound[6], 15);
    expect(cell.rounds!.median).toBeCloseTo((perRound[3] + perRound[4]) / 2, 15);
    expect(cell.rounds!.coverage).toBeCloseTo(1 - 2 * (9 / 256), 12);
  });

  test('deltas are paired per round: median and order statistics of Q(sidecar, r) − Q(baseline, r)', () => {
    const byRound = (m: BenchmarkMode, r: number) => runs.find((x) => x.mode === m && x.round === r)!;
    const deltas = Array.from({ length: R }, (_, i) => filePercentile(byRound(SIDECAR, i + 1), 50) - filePercentile(byRound(BASELINE, i + 1), 50)).sort((a, b) => a - b);
    const d = mode(report, SIDECAR).deltas.find((x) => x.p === 50)!;
    expect(d.pairs).toBe(R);
    expect(d.median).toBeCloseTo((deltas[3] + deltas[4]) / 2, 15);
    expect(d.lower).toBeCloseTo(deltas[1], 15);
    expect(d.upper).toBeCloseTo(deltas[6], 15);
  });

  test('a true +0.4 ms shift is found within the histogram resolution and is a detectable difference', () => {
    const d = mode(report, SIDECAR).deltas.find((x) => x.p === 50)!;
    const [lo, hi] = bucketBounds(0.0006, 0.00001);
    expect(Math.abs(d.median! - 0.0004)).toBeLessThanOrEqual(2 * (hi - lo));
    expect(d.noDetectableDifference).toBe(false);
    expect(d.belowResolution).toBe(false);
    const pb = mode(report, BASELINE).percentiles[0].value!;
    const ps = mode(report, SIDECAR).percentiles[0].value!;
    expect(d.ratio).toBeCloseTo(ps / pb, 12);
  });

  test('a 1 µs shift is reported as below resolution', () => {
    const d = mode(report, AMBIENT).deltas.find((x) => x.p === 50)!;
    expect(d.belowResolution).toBe(true);
    expect(Math.abs(d.median!)).toBeLessThan(d.resolution!);
  });

  test('p99.9 is shown with 160 k pooled calls; the baseline has no deltas', () => {
    expect(mode(report, BASELINE).percentiles.find((c) => c.p === 99.9)!.status).toBe('ok');
    expect(mode(report, BASELINE).deltas).toEqual([]);
    expect(report.baseline).toBe(BASELINE);
    // 20 000 calls per run leave only 20 calls above p99.9 per round: said, not hidden
    expect(report.flags).toEqual([BASELINE, SIDECAR, AMBIENT].map((m) => `${m} p99.9: per-round values (CI, Δ) rest on runs with n·(1−p) = 20 < 100 tail samples`));
  });
});

describe('validity', () => {
  test('a run with schedule slip > 1 % is flagged, excluded from pooling and from pairing', () => {
    const runs = generateRuns([{ mode: BASELINE, sampler: base }, { mode: SIDECAR, sampler: base, options: (r) => (r === 3 ? { actualQps: 950 } : {}) }], R, 5000);
    const report = buildComparison(toInput(runs));
    const sc = mode(report, SIDECAR);
    expect(sc.validRounds).toBe(7);
    expect(sc.pooledCount).toBe(7 * 5000);
    expect(sc.deltas[0].pairs).toBe(7);
    expect(sc.maxSlip).toBeCloseTo(0.05, 12);
    expect(report.flags.some((f) => /^round 3 sidecar: schedule slip 5 % > 1 %.*invalid, excluded/.test(f))).toBe(true);
    const validSamples = runs.filter((r) => r.mode === SIDECAR && r.round !== 3).flatMap((r) => r.samples);
    expect(sc.percentiles[0].value).toBe(fortioPercentile(fortioHistogram(validSamples, 0.00001), 50));
  });

  test('errors > 0.1 % flag the run but keep it; the pooled error rate counts non-2xx', () => {
    const runs = generateRuns([{ mode: BASELINE, sampler: base }, { mode: AMBIENT, sampler: base, options: (r) => (r === 2 ? { errors503: 20, socketErrors: 10 } : {}) }], R, 5000);
    const report = buildComparison(toInput(runs));
    const am = mode(report, AMBIENT);
    expect(am.validRounds).toBe(R);
    expect(am.errorRate).toBeCloseTo(30 / (R * 5000), 15);
    expect(report.flags.some((f) => /^round 2 ambient: errors 0\.6 % > 0\.1 %/.test(f))).toBe(true);
  });

  test('too few samples: p99.9 from 40 k pooled calls is "n/a (n)", p99 is shown', () => {
    const report = buildComparison(toInput(generateRuns([{ mode: BASELINE, sampler: base }], R, 5000)));
    const cells = mode(report, BASELINE).percentiles;
    expect(cells.find((c) => c.p === 99.9)!.status).toBe('n/a (n)');
    expect(cells.find((c) => c.p === 99)!.status).toBe('ok');
  });

  test('slip 0.5 % (valid) hides p99 and p99.9 as "n/a (CO)" but keeps p50 and p90', () => {
    const runs = generateRuns([{ mode: BASELINE, sampler: base, options: () => ({ actualQps: 995 }) }], R, N);
    const cells = mode(buildComparison(toInput(runs)), BASELINE).percentiles;
    expect(cells.map((c) => [c.p, c.status])).toEqual([[50, 'ok'], [90, 'ok'], [99, 'n/a (CO)'], [99.9, 'n/a (CO)']]);
  });

  test('missing results and recorded failures are listed', () => {
    const runs = generateRuns([{ mode: BASELINE, sampler: base }, { mode: SIDECAR, sampler: base }], 3, 2000).filter((r) => !(r.round === 2 && r.mode === SIDECAR) && !(r.round === 3 && r.mode === SIDECAR));
    const metadata = metadataFor(3, [BASELINE, SIDECAR], { failures: [{ qps: 1000, round: 3, mode: SIDECAR, reason: 'Job deadline exceeded' }] });
    const report = buildComparison(toInput(runs, { metadata }));
    expect(report.flags).toContain('round 3 sidecar: run failed (Job deadline exceeded)');
    expect(report.flags).toContain('round 2 sidecar: result missing');
    expect(report.seed).toBe(42);
  });

  test('a mode with failed or missing rounds says planned vs valid, which rounds, and that 1 round backs no interval', () => {
    const runs = generateRuns([{ mode: BASELINE, sampler: base }, { mode: SIDECAR, sampler: base }], 3, 2000).filter((r) => !(r.mode === SIDECAR && r.round > 1));
    const metadata = metadataFor(3, [BASELINE, SIDECAR], { failures: [{ qps: 1000, round: 3, mode: SIDECAR, reason: 'Job failed' }] });
    const report = buildComparison(toInput(runs, { metadata, qps: 1000 }));
    const sc = mode(report, SIDECAR);
    expect([sc.rounds, sc.resultRounds, sc.validRounds, sc.missingRounds]).toEqual([3, 1, 1, [2, 3]]);
    expect(sc.interval).toEqual({ n: 1, coverage: null, needed: 5 }); // 1 − 2·½¹ = 0: no interval
    expect(sc.deltaInterval).toEqual({ n: 1, coverage: null, needed: 5 });
    expect(sc.percentiles.every((c) => c.rounds === null)).toBe(true);
    expect(sc.deltas.every((d) => d.lower === null && d.pairs === 1)).toBe(true);
    const bl = mode(report, BASELINE);
    expect(bl.interval).toEqual({ n: 3, coverage: null, needed: 5 }); // 3 rounds: best is 75 %, below 90 %
    const table = formatTable(report);
    expect(table).toMatch(/^valid\/planned rounds\s+3\/3\s+1\/3 \(not valid: 2, 3\)$/m);
    expect(table).toMatch(/^CI rounds · coverage\s+3: too few for a CI \(needs 5\)\s+1: too few for a CI \(needs 5\)$/m);
    expect(table).toMatch(/Δ n\/a \(1 pairs: too few for a CI\)/);
  });
});

describe('proxy resources', () => {
  test('per round: Σ over proxies of mean CPU and of max memory; reported as the median over rounds', () => {
    const runs = generateRuns([{ mode: BASELINE, sampler: base }, { mode: SIDECAR, sampler: base }], 3, 1000);
    const resources = [1, 2, 3].map((r) =>
      resourceSamples(SIDECAR, r, [
        { pod: 'load', cpu: [100 + r, 200 + r, 300 + r], mem: [40, 41 + r, 39] },
        { pod: 'server', cpu: [50, 50], mem: [30, 30] },
      ]),
    );
    const report = buildComparison(toInput(runs, { resources, metadata: metadataFor(3, [BASELINE, SIDECAR]) }));
    // round r: cpu = (200 + r) + 50, mem = (41 + r) + 30 → medians at r = 2
    expect(mode(report, SIDECAR).resources).toEqual({
      cpuMillicores: 252, memoryMiB: 73, containers: 2, rounds: 3,
      components: [{ component: 'sidecar', cpuMillicores: 252, memoryMiB: 73, containers: 2, nodes: ['n1'] }],
    });
    expect(mode(report, BASELINE).resources.cpuMillicores).toBeNull();
    expect(mode(report, BASELINE).resources.components).toEqual([]);
  });

  test('ambient-waypoint: the total includes the waypoint; each component is its own median, with its nodes, in the table, CSV and a note', () => {
    const WAYPOINT_MODE = BenchmarkMode.AMBIENT_WAYPOINT;
    const runs = generateRuns([{ mode: BASELINE, sampler: base }, { mode: AMBIENT, sampler: base }, { mode: WAYPOINT_MODE, sampler: base }], 3, 1000);
    const resources = [1, 2, 3].flatMap((r) => [
      resourceSamples(AMBIENT, r, [{ pod: 'ztunnel-a', cpu: [10 * r], mem: [20], node: 'srv' }]),
      resourceSamples(WAYPOINT_MODE, r, [
        { pod: 'ztunnel-a', cpu: [10 + r, 12 + r], mem: [20, 22], node: 'srv', component: ProxyComponent.ZTUNNEL },
        { pod: 'ztunnel-b', cpu: [5], mem: [10], node: 'cli', component: ProxyComponent.ZTUNNEL },
        { pod: 'waypoint-x', cpu: [100 * r, 300 * r], mem: [50 + r, 40], node: 'other', component: ProxyComponent.WAYPOINT },
      ]),
    ]);
    const report = buildComparison(toInput(runs, { resources, metadata: metadataFor(3, [BASELINE, AMBIENT, WAYPOINT_MODE]) }));
    // round r: ztunnel cpu = (11 + r) + 5, mem = 22 + 10; waypoint cpu = 200·r, mem = 50 + r → medians at r = 2
    expect(mode(report, WAYPOINT_MODE).resources).toEqual({
      cpuMillicores: 18 + 400, memoryMiB: 32 + 52, containers: 3, rounds: 3,
      components: [
        { component: 'ztunnel', cpuMillicores: 18, memoryMiB: 32, containers: 2, nodes: ['cli', 'srv'] },
        { component: 'waypoint', cpuMillicores: 400, memoryMiB: 52, containers: 1, nodes: ['other'] },
      ],
    });
    const table = formatTable(report);
    // columns: baseline, ambient, ambient-waypoint
    expect(table).toMatch(/^proxy CPU vCPU\s+—\s+0\.02\s+0\.42 \(3 proxies\)$/m);
    expect(table).toMatch(/^  ztunnel CPU vCPU\s+—\s+0\.02\s+0\.02 \(2 proxies\)$/m);
    expect(table).toMatch(/^  waypoint CPU vCPU\s+—\s+—\s+0\.40$/m);
    expect(table).toMatch(/^  waypoint mem MiB \(max\)\s+—\s+—\s+52$/m);
    expect(table).toMatch(/ambient-waypoint: proxy CPU\/memory = ztunnel on cli, srv \+ waypoint \(L7\) on other;/);
    const csv = formatCsv(report);
    expect(csv).toContain(',ambient-waypoint,proxy_cpu_millicores_waypoint,400,,,,1 container on other\r\n');
    expect(csv).toContain(',ambient-waypoint,proxy_memory_mib_ztunnel,32,,,,2 containers on cli srv\r\n');
    // without a waypoint, no breakdown rows and no note
    const plain = formatTable(buildComparison(toInput(runs.filter((r) => r.mode !== WAYPOINT_MODE), { resources: resources.filter((s) => s.mode === AMBIENT), metadata: metadataFor(3, [BASELINE, AMBIENT]) })));
    expect(plain).not.toMatch(/ztunnel CPU|waypoint/);
  });

  test('component strings from files are made inert in every format (node names are free text in the results)', () => {
    const WAYPOINT_MODE = BenchmarkMode.AMBIENT_WAYPOINT;
    const runs = generateRuns([{ mode: BASELINE, sampler: base }, { mode: WAYPOINT_MODE, sampler: base }], 1, 1000);
    const resources = [resourceSamples(WAYPOINT_MODE, 1, [
      { pod: 'z', cpu: [1], mem: [1], node: 'srv', component: ProxyComponent.ZTUNNEL },
      { pod: 'w', cpu: [2], mem: [2], node: '=HYPERLINK("x")\u001b[31m', component: ProxyComponent.WAYPOINT },
    ])];
    const report = buildComparison(toInput(runs, { resources, metadata: metadataFor(1, [BASELINE, WAYPOINT_MODE]) }));
    expect(formatTable(report)).not.toContain('\u001b');
    expect(formatMarkdown(report)).not.toContain('\u001b');
    // the cell starts with the count, never with the node name, so it cannot become a formula; ESC is stripped, quotes doubled
    expect(formatCsv(report)).toContain(',ambient-waypoint,proxy_cpu_millicores_waypoint,2,,,,"1 container on =HYPERLINK(""x"")[31m"\r\n');
    expect(formatCsv(report)).not.toContain('\u001b');
  });
});

describe('options', () => {
  test('--baseline sidecar: deltas are computed against sidecar', () => {
    const runs = generateRuns([{ mode: BASELINE, sampler: base }, { mode: SIDECAR, sampler: shifted(base, 0.0004) }], R, 5000);
    const report = buildComparison(toInput(runs), { baseline: SIDECAR });
    expect(mode(report, SIDECAR).deltas).toEqual([]);
    expect(mode(report, BASELINE).deltas[0].median!).toBeLessThan(-0.0003);
  });
});

describe('coordinated omission and status flags', () => {
  test('a mode whose calls stall shows a CO-corrected tail that differs; a clean mode does not', () => {
    const fast = lognormal(0.0005, 0.2);
    const stalls = (rng: () => number) => (rng() < 0.0005 ? 0.5 : fast(rng)); // 0.05 % of calls take 500 ms
    const runs = generateRuns(
      [
        { mode: BASELINE, sampler: fast, options: () => ({ requestedQps: 100, numThreads: 1 }) },
        { mode: SIDECAR, sampler: stalls, options: () => ({ requestedQps: 100, numThreads: 1 }) },
      ],
      R,
      N,
    );
    const report = buildComparison(toInput(runs));
    const p999 = (m: BenchmarkMode) => mode(report, m).percentiles.find((c) => c.p === 99.9)!;
    expect(p999(SIDECAR).coDiffers).toBe(true);
    expect(p999(SIDECAR).corrected!).toBeGreaterThan(10 * p999(SIDECAR).value!);
    expect(p999(BASELINE).coDiffers).toBe(false);
  });

  test('hidden percentiles are explained in the flags', () => {
    const runs = generateRuns([{ mode: BASELINE, sampler: base, options: () => ({ actualQps: 995 }) }], R, 5000);
    const report = buildComparison(toInput(runs, { metadata: metadataFor(R, [BASELINE]) }));
    expect(report.flags).toContain('baseline p99.9: n/a (n) — 40000 pooled calls, n·(1−p) ≥ 100 needs ≥ 100000');
    expect(report.flags).toContain('baseline p99: n/a (CO) — schedule slip 0.5 % ≥ (1−p)/10 = 0.1 %');
  });
});
