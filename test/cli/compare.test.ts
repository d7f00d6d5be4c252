import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BenchmarkMode } from '../../lib/wire/bench-contract';
import { main } from '../../lib/cli/mesh-bench';
import { fortioHistogram, fortioPercentile, lognormal, shifted } from '../fixtures/fortio-gen';
import { FORTIO_1_57_3 } from '../fixtures/real-samples';
import { generateRuns, metadataFor, resourceSamples, writeResultsDir, GeneratedRun } from '../fixtures/results';

const { BASELINE, SIDECAR, AMBIENT } = BenchmarkMode;
const R = 8;
const base = lognormal(0.0002, 0.35);

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['node', 'mesh-bench', ...args], { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

let tmp: string;
let results: string;
let runs: GeneratedRun[];
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-bench-compare-'));
  results = path.join(tmp, 'results');
  fs.mkdirSync(results);
  runs = generateRuns(
    [
      { mode: BASELINE, sampler: base },
      { mode: SIDECAR, sampler: shifted(base, 0.0004), options: (r) => (r === 5 ? { actualQps: 970 } : {}) },
      { mode: AMBIENT, sampler: shifted(base, 0.0001) },
    ],
    R,
    15000,
  );
  const resources = Array.from({ length: R }, (_, i) => [
    resourceSamples(SIDECAR, i + 1, [{ pod: 'load', cpu: [200, 220], mem: [48, 50] }, { pod: 'server', cpu: [190, 190], mem: [47, 47] }]),
    resourceSamples(AMBIENT, i + 1, [{ pod: 'ztunnel-a', cpu: [60, 60], mem: [12, 12] }]),
  ]).flat();
  writeResultsDir(results, runs, resources, metadataFor(R, [BASELINE, SIDECAR, AMBIENT]));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('mesh-bench compare', () => {
  test('--format json: pooled percentiles per mode equal fortio\'s percentile of all valid runs\' samples', async () => {
    const r = await run('compare', results, '--format', 'json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out) as { formatVersion: number; rates: { qps: number; modes: { mode: string; validRounds: number; percentiles: { p: number; value: number }[]; resources: { cpuMillicores: number } }[] }[] };
    expect(doc.formatVersion).toBe(2);
    expect(doc.rates.map((x) => x.qps)).toEqual([1000]);
    const report = doc.rates[0];
    expect(report.modes.map((m) => m.mode)).toEqual([BASELINE, SIDECAR, AMBIENT]);
    for (const m of report.modes) {
      const valid = runs.filter((x) => x.mode === m.mode && !(x.mode === SIDECAR && x.round === 5));
      const union = fortioHistogram(valid.flatMap((x) => x.samples), 0.00001);
      for (const c of m.percentiles) expect(c.value).toBe(fortioPercentile(union, c.p));
    }
    expect(report.modes[1].validRounds).toBe(7);
    expect(report.modes[1].resources.cpuMillicores).toBeCloseTo(210 + 190, 9);
    expect(report.modes[2].resources.cpuMillicores).toBeCloseTo(60, 9);
  });

  test('default table flags the slipped run as invalid and prints the method footer', async () => {
    const r = await run('compare', results);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/round 5 sidecar: schedule slip 3 % > 1 % .*invalid, excluded/);
    expect(r.out).toMatch(/^p99\.9 ms/m);
    expect(r.out).toContain('Δ is paired per round; CI = order-statistic interval of the median');
  });

  test('--format csv and md', async () => {
    const csv = await run('compare', results, '--format', 'csv');
    expect(csv.out.split('\r\n')[0]).toBe('qps,mode,metric,value,lower,upper,coverage,status');
    expect(csv.out).toMatch(/^1000,sidecar,p50_delta_s,/m);
    const md = await run('compare', results, '--format', 'md');
    expect(md.out).toMatch(/^\| p50 ms \|/m);
  });

  test('--out writes the report to the file; --svg writes the plot with one curve per mode', async () => {
    const out = path.join(tmp, 'report.md');
    const svg = path.join(tmp, 'latency.svg');
    const r = await run('compare', results, '--format', 'md', '--out', out, '--svg', svg);
    expect(r.code).toBe(0);
    expect(r.out).toBe('');
    expect(fs.readFileSync(out, 'utf8')).toMatch(/^\| p99 ms \|/m);
    const text = fs.readFileSync(svg, 'utf8');
    expect(text.match(/<polyline /g)).toHaveLength(3);
  });

  test('--baseline ambient moves the deltas', async () => {
    const r = await run('compare', results, '--format', 'json', '--baseline', AMBIENT);
    const report = (JSON.parse(r.out) as { rates: { baseline: string; modes: { mode: string; deltas: unknown[] }[] }[] }).rates[0];
    expect(report.baseline).toBe(AMBIENT);
    expect(report.modes.find((m) => m.mode === AMBIENT)!.deltas).toEqual([]);
    expect(report.modes.find((m) => m.mode === BASELINE)!.deltas).toHaveLength(4);
  });
});

describe('mesh-bench compare option errors (usage: exit 2)', () => {
  test('unknown --format: exit 2, names the option and the allowed values', async () => {
    const r = await run('compare', results, '--format', 'xml');
    expect(r.code).toBe(2);
    expect(r.err).toBe("mesh-bench: '--format' must be a known output format, got 'xml' (one of table, md, json, csv)\n");
  });

  test('unknown --baseline and bad --confidence: exit 2', async () => {
    const b = await run('compare', results, '--baseline', 'istio');
    expect(b.code).toBe(2);
    expect(b.err).toContain("'--baseline' must be a benchmark mode, got 'istio'");
    const c = await run('compare', results, '--confidence', '95');
    expect(c.code).toBe(2);
    expect(c.err).toContain("'--confidence' must be a number strictly between 0 and 1, got '95'");
  });
});

describe('real fortio results through the results directory', () => {
  test('a real fortio 1.57.3 result passes the layout\'s validation and compare\'s pooled percentiles equal fortio\'s own (≤ 1e-12 relative)', async () => {
    const dir = path.join(tmp, 'real');
    const meta = metadataFor(1, [BASELINE], { rates: [8] }); // fortio 1.57.3 ran at -qps 8
    writeResultsDir(dir, [{ qps: 8, round: 1, mode: BASELINE, samples: [], json: FORTIO_1_57_3 as unknown as Record<string, unknown> }], [], meta);
    const r = await run('compare', dir, '--format', 'json');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const cells = (JSON.parse(r.out) as { rates: { modes: { percentiles: { p: number; value: number }[] }[] }[] }).rates[0].modes[0].percentiles;
    for (const c of cells) {
      const fortio = FORTIO_1_57_3.DurationHistogram.Percentiles.find((q) => q.Percentile === c.p);
      expect(fortio).toBeDefined();
      expect(Math.abs(c.value - (fortio?.Value ?? NaN)) / (fortio?.Value ?? 1)).toBeLessThanOrEqual(1e-12);
    }
  });
});

describe('data from files never reaches a spreadsheet or terminal as code', () => {
  test('a failure reason with a formula, ANSI escapes and a bidi override: inert in CSV, and no control character in any format', async () => {
    const dir = path.join(tmp, 'hostile-text');
    const evil = '=cmd|\' /C calc\'!A0 \u001b[31mRED\u001b[0m \u202e';
    const kept = runs.filter((r) => !(r.round === 2 && r.mode === SIDECAR));
    writeResultsDir(dir, kept, [], metadataFor(R, [BASELINE, SIDECAR, AMBIENT], { failures: [{ qps: 1000, round: 2, mode: SIDECAR, reason: evil }] }));
    const csv = await run('compare', dir, '--format', 'csv');
    expect(csv.code).toBe(0);
    const flagRow = csv.out.split('\r\n').find((l) => l.includes('run failed'));
    // the formula is not at the start of the cell (inert); the escapes and the bidi override are gone
    expect(flagRow).toBe("1000,,flag,,,,,round 2 sidecar: run failed (=cmd|' /C calc'!A0 [31mRED[0m )");
    for (const format of ['table', 'md', 'csv']) {
      const r = await run('compare', dir, '--format', format);
      // eslint-disable-next-line no-control-regex
      expect(r.out).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e]/);
    }
  });
});
