import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BenchmarkMode } from '../../lib/benchmark/contract';
import { main } from '../../lib/cli/mesh-bench';
import { fortioHistogram, fortioPercentile, lognormal, shifted } from '../fixtures/fortio-gen';
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
    const report = JSON.parse(r.out) as { modes: { mode: string; validRounds: number; percentiles: { p: number; value: number }[]; resources: { cpuMillicores: number } }[] };
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
    expect(csv.out.split('\n')[0]).toBe('mode,metric,value,lower,upper,coverage,status');
    expect(csv.out).toMatch(/^sidecar,p50_delta_s,/m);
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
    const report = JSON.parse(r.out) as { baseline: string; modes: { mode: string; deltas: unknown[] }[] };
    expect(report.baseline).toBe(AMBIENT);
    expect(report.modes.find((m) => m.mode === AMBIENT)!.deltas).toEqual([]);
    expect(report.modes.find((m) => m.mode === BASELINE)!.deltas).toHaveLength(4);
  });
});

describe('mesh-bench compare errors', () => {
  test('unknown --format: exit 1, names the option and the allowed values', async () => {
    const r = await run('compare', results, '--format', 'xml');
    expect(r.code).toBe(1);
    expect(r.err).toContain("'--format' must be a known output format, got 'xml' (one of table, md, json, csv)");
  });

  test('unknown --baseline and bad --confidence: exit 1', async () => {
    expect((await run('compare', results, '--baseline', 'istio')).err).toContain("'--baseline' must be a benchmark mode, got 'istio'");
    expect((await run('compare', results, '--confidence', '95')).err).toContain("'--confidence' must be a number strictly between 0 and 1, got '95'");
  });

  test('missing results directory: exit 1, names it and the expected layout', async () => {
    const missing = path.join(tmp, 'nope');
    const r = await run('compare', missing);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`results directory '${missing}' not found; expected a directory written by \`mesh-bench run\``);
  });

  test('empty directory: exit 1, says no results were found and where they should be', async () => {
    const empty = fs.mkdtempSync(path.join(tmp, 'empty-'));
    const r = await run('compare', empty);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/no fortio results found in '.*empty-.*'; expected files rounds\/<round>\/<mode>\.json/);
  });

  test('a malformed round file: exit 1, names that file', async () => {
    const broken = fs.mkdtempSync(path.join(tmp, 'broken-'));
    writeResultsDir(broken, runs.slice(0, 3), []);
    const bad = path.join(broken, 'rounds', '1', 'sidecar.json');
    fs.writeFileSync(bad, '{ not json');
    const r = await run('compare', broken);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`'${bad}' is not valid JSON`);
  });

  test('a round file that is not a fortio result: exit 1, names the file and the missing field', async () => {
    const other = fs.mkdtempSync(path.join(tmp, 'other-'));
    writeResultsDir(other, runs.slice(0, 3), []);
    const bad = path.join(other, 'rounds', '1', 'ambient.json');
    fs.writeFileSync(bad, JSON.stringify({ kind: 'ConfigMap' }));
    const r = await run('compare', other);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`'${bad}' is not a valid fortio result: missing field 'DurationHistogram'`);
  });

  test('a resources file without samples: exit 1, names the file', async () => {
    const res = fs.mkdtempSync(path.join(tmp, 'res-'));
    writeResultsDir(res, runs.slice(0, 3), []);
    const bad = path.join(res, 'rounds', '1', 'sidecar.resources.json');
    fs.writeFileSync(bad, JSON.stringify({ mode: 'sidecar', round: 1 }));
    const r = await run('compare', res);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`'${bad}' is not a proxy resource sample file: expected an object with a 'samples' array`);
  });

  test('malformed metadata.json: exit 1, names it', async () => {
    const m = fs.mkdtempSync(path.join(tmp, 'meta-'));
    writeResultsDir(m, runs.slice(0, 3), []);
    fs.writeFileSync(path.join(m, 'metadata.json'), '[1,2]');
    const r = await run('compare', m);
    expect(r.code).toBe(1);
    expect(r.err).toContain('is not run metadata');
  });
});
