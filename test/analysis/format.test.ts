import { BenchmarkMode } from '../../lib/wire/bench-contract';
import { parseFortioResult } from '../../lib/analysis/fortio';
import { formatCsv, formatJson, formatMarkdown, formatMs, formatReport, formatTable } from '../../lib/analysis/format';
import { buildComparison } from '../../lib/analysis/report';
import { renderLatencySvg } from '../../lib/analysis/svg';
import { draw, fortioResult, lognormal, shifted } from '../fixtures/fortio-gen';
import { generateRuns, metadataFor, resourceSamples } from '../fixtures/results';

const { BASELINE, SIDECAR, AMBIENT } = BenchmarkMode;
const base = lognormal(0.0002, 0.35);
const runs = generateRuns(
  [
    { mode: BASELINE, sampler: base },
    { mode: SIDECAR, sampler: shifted(base, 0.0004), options: (r) => (r === 4 ? { actualQps: 900 } : {}) },
    { mode: AMBIENT, sampler: shifted(base, 0.0001) },
  ],
  8,
  5000,
);
const input = {
  runs: runs.map((r) => ({ round: r.round, mode: r.mode, source: `rounds/${r.round}/${r.mode}.json`, result: parseFortioResult(r.json, 'x') })),
  resources: [resourceSamples(SIDECAR, 1, [{ pod: 'load', cpu: [200, 220], mem: [48, 50] }])],
  metadata: metadataFor(8, [BASELINE, SIDECAR, AMBIENT]),
};
const report = buildComparison(input);

/** Minimal CSV reader for the test (handles quoted cells). */
function parseCsv(text: string): string[][] {
  expect(text.endsWith('\r\n')).toBe(true); // RFC 4180 records end in CRLF
  return text.slice(0, -2).split('\r\n').map((line) => {
    const cells: string[] = [];
    let cur = '';
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const ch = line[i];
      if (quoted && ch === '"' && line[i + 1] === '"') { cur += '"'; i++; } else if (ch === '"') quoted = !quoted;
      else if (ch === ',' && !quoted) { cells.push(cur); cur = ''; } else cur += ch;
    }
    cells.push(cur);
    return cells;
  });
}

describe('formatMs', () => {
  test.each([
    [0.00021, false, '0.21'],
    [0.0015, false, '1.5'],
    [0.01234, false, '12'],
    [0.1234, false, '123'],
    [0.00037, true, '+0.37'],
    [-0.00037, true, '-0.37'],
  ])('%p s → %p', (s, signed, text) => expect(formatMs(s as number, signed as boolean)).toBe(text));
});

describe('report formats', () => {
  test('JSON is the whole model, round-trippable', () => {
    expect(JSON.parse(formatJson(report))).toEqual(JSON.parse(JSON.stringify(report)));
  });

  test('CSV carries every mode × percentile with unrounded seconds, and deltas with their CI', () => {
    const rows = parseCsv(formatCsv(report));
    expect(rows[0]).toEqual(['qps', 'mode', 'metric', 'value', 'lower', 'upper', 'coverage', 'status']);
    for (const r of rows.slice(1)) expect(r[0]).toBe(''); // an in-memory report without a rate
    rows.forEach((r) => r.shift());
    for (const m of report.modes) {
      for (const c of m.percentiles) {
        const row = rows.find((r) => r[0] === m.mode && r[1] === `p${c.p}_s`)!;
        expect(Number(row[2])).toBe(c.value);
        expect(row[6]).toBe(c.status);
      }
    }
    const sc = report.modes.find((m) => m.mode === SIDECAR)!;
    const delta = rows.find((r) => r[0] === SIDECAR && r[1] === 'p50_delta_s')!;
    expect([Number(delta[2]), Number(delta[3]), Number(delta[4])]).toEqual([sc.deltas[0].median, sc.deltas[0].lower, sc.deltas[0].upper]);
    expect(rows.find((r) => r[0] === SIDECAR && r[1] === 'proxy_cpu_millicores')![2]).toBe('210');
    expect(rows.filter((r) => r.length !== 7)).toEqual([]);
  });

  test('table: one row per percentile and metric, ms values, Δ for non-baseline modes, flags and method footer', () => {
    const text = formatTable(report);
    const lines = text.split('\n');
    for (const p of ['p50 ms', 'p90 ms', 'p99 ms', 'p99.9 ms', 'throughput rps', 'errors', 'schedule slip (max)', 'proxy CPU vCPU', 'proxy mem MiB (max)', 'requests (pooled)']) {
      expect(lines.some((l) => l.startsWith(p))).toBe(true);
    }
    const p50 = lines.find((l) => l.startsWith('p50 ms'))!;
    const base50 = report.modes[0].percentiles[0].value!;
    expect(p50).toContain(formatMs(base50));
    expect(p50.match(/Δ/g)).toHaveLength(2);
    expect(lines.find((l) => l.startsWith('p99.9 ms'))).toMatch(/n\/a \(n\)/); // 40 k calls per mode
    expect(text).toMatch(/round 4 sidecar: schedule slip 10 % > 1 %/);
    expect(text).toContain('Δ is paired per round; CI = order-statistic interval of the median');
    expect(text).toContain('Round order seed: 42');
    expect(lines.find((l) => l.startsWith('valid/planned rounds'))).toMatch(/8\/8\s+7\/8 \(not valid: \d\)\s+8\/8/);
    expect(lines.find((l) => l.startsWith('CI rounds · coverage'))).toMatch(/8 · 92\.97 %\s+7 · 98\.44 %\s+8 · 92\.97 %/); // n=7: [x₁,x₇], 1 − 2·½⁷
    expect(lines.find((l) => l.startsWith('Δ pairs · coverage'))).toMatch(/—\s+7 · 98\.44 %\s+8 · 92\.97 %/);
    expect(lines.find((l) => l.startsWith('proxy CPU vCPU'))).toMatch(/—\s+0\.21\s+—/);
  });

  test('markdown: a pipe table with the same rows, header separator, flags list', () => {
    const md = formatMarkdown(report);
    const tableLines = md.split('\n').filter((l) => l.startsWith('|'));
    expect(tableLines[1]).toBe('|---|---|---|---|');
    expect(tableLines).toHaveLength(2 + 4 + 12); // header, separator, 4 percentiles, 12 metrics
    expect(tableLines.every((l) => l.split(/(?<!\\)\|/).length === 6)).toBe(true);
    expect(md).toContain('**Validity flags:**');
  });

  test('formatReport dispatches on the format name', () => {
    expect(formatReport(report, 'csv')).toBe(formatCsv(report));
    expect(formatReport(report, 'md')).toBe(formatMarkdown(report));
    expect(formatReport(report, 'table')).toBe(formatTable(report));
  });
});

describe('SVG latency plot', () => {
  const svg = renderLatencySvg(report);

  test('is one standalone svg element with a polyline and legend entry per mode', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    expect(svg.match(/<polyline /g)).toHaveLength(3);
    for (const m of [BASELINE, SIDECAR, AMBIENT]) expect(svg).toContain(`data-mode="${m}"`);
    expect(svg).toMatch(/>baseline<\/text>/);
    expect(svg).not.toContain('(baseline)');
  });

  test('follows the table\'s sample-count rule: no curve point at a percentile the table calls n/a (40 000 pooled calls: p99.9 needs 100 000)', () => {
    for (const m of report.modes) {
      expect(m.percentiles.find((c) => c.p === 99.9)?.status).toBe('n/a (n)');
      expect(m.distribution.length).toBeGreaterThan(5);
      for (const d of m.distribution) expect(m.pooledCount * (1 - d.p / 100)).toBeGreaterThanOrEqual(100 - 1e-9);
    }
    const xOf = (p: number) => Math.log10(1 / (1 - p / 100));
    const maxX = Math.max(...report.modes.flatMap((m) => m.distribution.map((d) => xOf(d.p))));
    expect(maxX).toBeLessThan(xOf(99.9));
  });

  test('names the run, the rounds used per mode and the excluded runs, and draws the paired-Δ intervals at the reported percentiles', () => {
    const captions = [...svg.matchAll(/<text class="caption"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    expect(captions[0]).toMatch(/^run test-run · baseline baseline · curves end where the table&#39;s rule|^run test-run · baseline baseline · curves end where the table's rule/);
    expect(captions).toContain('baseline: 8/8 rounds used, 40000 requests pooled');
    expect(captions).toContain('sidecar: 7/8 rounds used (not used: 4), 35000 requests pooled');
    expect(captions.find((c) => c.startsWith('excluded runs:'))).toMatch(/^excluded runs: round 4 sidecar \(schedule slip 10 % &gt; 1 %/);
    const okDeltas = report.modes.flatMap((m) => m.deltas.filter((d) => d.status === 'ok' && d.lower !== null).map((d) => `${m.mode} p${d.p}`));
    expect(okDeltas.length).toBeGreaterThan(0);
    expect([...svg.matchAll(/data-delta="([^"]+)"/g)].map((m) => m[1]).sort()).toEqual(okDeltas.sort());
    for (const name of okDeltas) expect(captions.some((c) => c.startsWith(`Δ ${name}: `) && /over \d paired rounds, coverage \d+\.\d\d %/.test(c))).toBe(true);
  });

  test('a baseline other than the baseline mode is marked in the legend', () => {
    const r = buildComparison(input, { baseline: SIDECAR });
    expect(renderLatencySvg(r)).toContain('sidecar (baseline)');
  });

  test('each curve rises with the percentile (y decreases in SVG coordinates) and sidecar lies above baseline', () => {
    const curve = (m: string) =>
      svg.match(new RegExp(`data-mode="${m}"[^>]*points="([^"]+)"`))![1].split(' ').map((pt) => pt.split(',').map(Number));
    for (const m of [BASELINE, SIDECAR, AMBIENT]) {
      const pts = curve(m);
      expect(pts.length).toBeGreaterThan(10);
      for (let i = 1; i < pts.length; i++) {
        expect(pts[i][0]).toBeGreaterThan(pts[i - 1][0]);
        expect(pts[i][1]).toBeLessThanOrEqual(pts[i - 1][1]);
      }
    }
    const b = curve(BASELINE);
    const s = curve(SIDECAR);
    expect(s[4][1]).toBeLessThan(b[4][1]); // same x (p ≈ 90), higher latency → smaller y
  });
});

describe('delta wording', () => {
  function reportFor(shiftOf: (round: number) => number) {
    const runsIn = [];
    for (let round = 1; round <= 8; round++) {
      for (const [i, m] of [BASELINE, SIDECAR].entries()) {
        const samples = draw(100 * round + i, 5000, m === BASELINE ? base : shifted(base, shiftOf(round)));
        runsIn.push({ round, mode: m, source: `${round}/${m}`, result: parseFortioResult(fortioResult(samples), 'x') });
      }
    }
    return buildComparison({ runs: runsIn, resources: [], metadata: metadataFor(8, [BASELINE, SIDECAR]) });
  }

  test('|Δ| smaller than the bucket width prints "< resolution", never a number', () => {
    const r = reportFor(() => 0.000001);
    const line = formatTable(r).split('\n').find((l) => l.startsWith('p50 ms'))!;
    expect(line).toMatch(/Δ < resolution \(0\.0\d+ ms\)/);
    expect(line).not.toMatch(/Δ[+-]/);
  });

  test('a CI spanning 0 prints "no detectable difference"', () => {
    const r = reportFor((round) => (round % 2 === 0 ? 0.0003 : -0.0001)); // half the rounds slower, half faster
    const d = r.modes[1].deltas[0];
    expect(d.lower!).toBeLessThan(0);
    expect(d.upper!).toBeGreaterThan(0);
    expect(d.noDetectableDifference).toBe(true);
    expect(formatTable(r).split('\n').find((l) => l.startsWith('p50 ms'))).toMatch(/Δ\+0\.\d+ \[-0\.\d+,\+0\.\d+\] no detectable difference/);
  });
});
