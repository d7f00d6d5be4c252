import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../lib/cli/mesh-bench';
import { draw, fortioResult, lognormal, trueQuantile, bucketBounds, FortioHistogramJson } from '../fixtures/fortio-gen';
import { FORTIO_1_57_3 } from '../fixtures/real-samples';

interface Run {
  code: number;
  out: string;
  err: string;
}

async function run(...args: string[]): Promise<Run> {
  let out = '';
  let err = '';
  const code = await main(['node', 'mesh-bench', ...args], { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-bench-inspect-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, content: unknown): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

describe('mesh-bench inspect --json', () => {
  const samples = draw(21, 200000, lognormal(0.00025, 0.6));
  const json = fortioResult(samples, { requestedQps: 1000, actualQps: 998, numThreads: 16, errors503: 300 });
  const hist = json.DurationHistogram as FortioHistogramJson;

  test('prints exactly one JSON object with the documented keys', async () => {
    const r = await run('inspect', write('run.json', json), '--json');
    expect(r.code).toBe(0);
    expect(r.out.trim().split('\n')).toHaveLength(1);
    expect(Object.keys(JSON.parse(r.out)).sort()).toEqual(['actualQps', 'count', 'errorRate', 'p50', 'p75', 'p90', 'p99', 'p999', 'slip'].sort());
  });

  test('count, QPS, error rate and slip are the run\'s; percentiles are fortio\'s numbers for its histogram', async () => {
    const o = JSON.parse((await run('inspect', write('run2.json', json), '--json')).out) as Record<string, number>;
    expect(o.count).toBe(200000);
    expect(o.actualQps).toBe(998);
    expect(o.errorRate).toBeCloseTo(300 / 200000, 15);
    expect(o.slip).toBeCloseTo(0.002, 12);
    const fortio = new Map((hist.Percentiles ?? []).map((q) => [q.Percentile, q.Value]));
    expect([o.p50, o.p75, o.p90, o.p99, o.p999]).toEqual([fortio.get(50), fortio.get(75), fortio.get(90), fortio.get(99), fortio.get(99.9)]);
    // and each lies in the fortio bucket of the true sample quantile
    const sorted = [...samples].sort((a, b) => a - b);
    for (const [p, v] of [[50, o.p50], [90, o.p90], [99.9, o.p999]]) {
      const [lo, hi] = bucketBounds(trueQuantile(sorted, p), 0.00001);
      expect(v).toBeGreaterThanOrEqual(lo);
      expect(v).toBeLessThanOrEqual(hi);
    }
  });

  test('a real fortio 1.57.3 result: percentiles equal the ones fortio wrote', async () => {
    const o = JSON.parse((await run('inspect', write('real.json', FORTIO_1_57_3), '--json')).out) as Record<string, number>;
    expect(o.p50).toBeCloseTo(0.014571428571428572, 15);
    expect(o.p75).toBeCloseTo(0.020454545454545454, 15);
    expect(o.p90).toBeCloseTo(0.028125, 15);
    expect(o.p99).toBeCloseTo(0.04, 15);
    expect(o.p999).toBeCloseTo(0.0404410378, 15);
    expect(o.count).toBe(100);
    expect(o.errorRate).toBe(0);
  });

  test('closed-loop run: slip is null', async () => {
    const o = JSON.parse((await run('inspect', write('max.json', fortioResult(samples.slice(0, 1000), { requestedQps: 'max' })), '--json')).out) as Record<string, unknown>;
    expect(o.slip).toBeNull();
  });
});

describe('mesh-bench inspect (text)', () => {
  test('prints count, requested and actual QPS, error rate, slip and the five percentiles in ms', async () => {
    const samples = draw(4, 10000, lognormal(0.0003, 0.4));
    const r = await run('inspect', write('t.json', fortioResult(samples, { requestedQps: 1000, actualQps: 990 })));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/count\s+10000/);
    expect(r.out).toMatch(/requested QPS\s+1000/);
    expect(r.out).toMatch(/actual QPS\s+990\.00/);
    expect(r.out).toMatch(/error rate\s+0\.000 %/);
    expect(r.out).toMatch(/schedule slip\s+1\.000 %/);
    for (const p of ['p50', 'p75', 'p90', 'p99', 'p99.9']) expect(r.out).toMatch(new RegExp(`^${p.replace('.', '\\.')}\\s+\\d`, 'm'));
  });

  test('shows the CO-corrected value next to the raw one when a stall makes them differ', async () => {
    const samples = [...draw(5, 99950, lognormal(0.0005, 0.2)), ...Array.from({ length: 50 }, () => 0.5)];
    const r = await run('inspect', write('stall.json', fortioResult(samples, { requestedQps: 100, numThreads: 1 })));
    const line = r.out.split('\n').find((l) => l.startsWith('p99.9'))!;
    const cols = line.trim().split(/\s+/);
    expect(Number(cols[3])).toBeGreaterThan(Number(cols[1]) * 10); // corrected ≫ raw
    expect(r.out.split('\n').find((l) => l.startsWith('p50'))).toMatch(/same$/);
  });
});

describe('mesh-bench inspect errors', () => {
  test('missing file: exit 1, names the file and what was expected', async () => {
    const missing = path.join(dir, 'nope.json');
    const r = await run('inspect', missing);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`cannot read '${missing}': file not found; expected a fortio JSON result`);
    expect(r.out).toBe('');
  });

  test('malformed JSON: exit 1, names the file', async () => {
    const f = write('bad.json', '{"DurationHistogram": ');
    const r = await run('inspect', f);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(new RegExp(`'${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}' is not valid JSON \\(.+\\); expected a fortio JSON result`));
  });

  test('valid JSON that is not a fortio result: exit 1, says which field is missing', async () => {
    const f = write('other.json', { hello: 'world' });
    const r = await run('inspect', f);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`'${f}' is not a valid fortio result: missing field 'DurationHistogram'`);
  });

  test('a directory instead of a file: exit 1', async () => {
    const r = await run('inspect', dir);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`'${dir}' is a directory; expected a fortio JSON result`);
  });

  test('no argument: commander usage error, non-zero exit', async () => {
    const r = await run('inspect');
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/missing required argument 'file'/);
  });

  test('unknown subcommand: non-zero exit', async () => {
    const r = await run('frobnicate');
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/unknown command 'frobnicate'/);
  });
});
