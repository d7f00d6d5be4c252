/**
 * Property tests of `mesh-bench compare` (fast-check): over generated valid results directories
 * it never fails and its coverage figures are the binomial ones for the rounds present; over
 * generated corruptions it either reports or rejects with one line, never a stack trace.
 * Time bounds are in the test names (and the jest timeouts), not asserted as timings.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { BenchmarkMode } from '../../lib/wire/bench-contract';
import { main } from '../../lib/cli/mesh-bench';
import { draw, fortioResult, lognormal } from '../fixtures/fortio-gen';
import { metadataFor, roundDir } from '../fixtures/results';

const MODES = [BenchmarkMode.BASELINE, BenchmarkMode.SIDECAR, BenchmarkMode.AMBIENT];

async function compare(dir: string): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['node', 'mesh-bench', 'compare', dir, '--format', 'json'], { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

/** C(n, k) exactly, with BigInt: an implementation independent of lib/analysis/stats. */
function choose(n: number, k: number): bigint {
  let r = 1n;
  for (let i = 1; i <= k; i++) r = (r * BigInt(n - k + i)) / BigInt(i);
  return r;
}

/** Exact coverage of [x₍l₎, x₍n+1−l₎] for the median: 1 − 2·P(Binomial(n, ½) ≤ l − 1). */
function coverage(n: number, l: number): number {
  let tail = 0n;
  for (let i = 0; i < l; i++) tail += choose(n, i);
  return 1 - (2 * Number(tail)) / 2 ** n;
}

/** The interval the methodology prints for n rounds at 95 %: rank nearest 95 % (ties: wider); shown if ≥ 90 %. */
function expectedCoverage(n: number): number | null {
  if (n === 0) return null;
  let best = 1;
  for (let l = 2; l <= Math.floor((n + 1) / 2); l++) if (Math.abs(coverage(n, l) - 0.95) < Math.abs(coverage(n, best) - 0.95) - 1e-12) best = l;
  const c = coverage(n, best);
  return c >= 0.9 - 1e-12 ? c : null;
}

interface Plan {
  readonly rounds: number;
  readonly modes: readonly BenchmarkMode[];
  /** present[round-1][modeIndex] */
  readonly present: readonly (readonly boolean[])[];
  readonly seed: number;
}

const planArb: fc.Arbitrary<Plan> = fc
  .record({ rounds: fc.integer({ min: 1, max: 12 }), modeCount: fc.integer({ min: 1, max: 3 }), seed: fc.integer({ min: 1, max: 1e6 }) })
  .chain(({ rounds, modeCount, seed }) =>
    // a cell is present 4 times in 5: most directories are nearly complete, as real runs are
    fc.array(fc.array(fc.nat(4).map((x) => x > 0), { minLength: modeCount, maxLength: modeCount }), { minLength: rounds, maxLength: rounds })
      .map((present) => ({ rounds, modes: MODES.slice(0, modeCount), present, seed })),
  );

function writePlan(dir: string, plan: Plan): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'metadata.json'), JSON.stringify(metadataFor(plan.rounds, plan.modes)));
  plan.present.forEach((row, r) => row.forEach((has, m) => {
    if (!has) return;
    const rd = roundDir(dir, r + 1);
    fs.mkdirSync(rd, { recursive: true });
    const samples = draw(plan.seed + r * 7 + m, 300, lognormal(0.0002 * (m + 1), 0.3));
    fs.writeFileSync(path.join(rd, `${plan.modes[m]}.json`), JSON.stringify(fortioResult(samples, { requestedQps: 1000 })));
  }));
}

let tmp: string;
let counter = 0;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-bench-prop-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

type ModeJson = { mode: string; rounds: number; validRounds: number; missingRounds: number[]; interval: { n: number; coverage: number | null }; deltaInterval: { n: number; coverage: number | null } | null };

describe('compare over generated valid directories', () => {
  test('never fails; per mode, planned/valid/missing rounds and CI and Δ coverage are the binomial figures for the rounds present (40 directories, within 60 s)', async () => {
    await fc.assert(
      fc.asyncProperty(planArb, async (plan) => {
        const dir = path.join(tmp, `valid-${counter++}`);
        writePlan(dir, plan);
        const r = await compare(dir);
        const any = plan.present.some((row) => row.some((x) => x));
        if (!any) {
          expect(r).toEqual({ code: 1, out: '', err: `mesh-bench: no fortio results found in '${dir}'; expected files rates/<qps>/rounds/<round>/<mode>.json with mode one of ${plan.modes.join(', ')}\n` });
          return;
        }
        expect(r.err).toBe('');
        expect(r.code).toBe(0);
        const report = (JSON.parse(r.out) as { rates: { baseline: string; modes: ModeJson[] }[] }).rates[0];
        const baseIdx = plan.modes.indexOf(report.baseline as BenchmarkMode);
        for (const m of report.modes) {
          const idx = plan.modes.indexOf(m.mode as BenchmarkMode);
          const rounds = plan.present.map((row, i) => (row[idx] ? i + 1 : 0)).filter((x) => x > 0);
          expect(m.rounds).toBe(plan.rounds);
          expect(m.validRounds).toBe(rounds.length);
          expect(m.missingRounds).toEqual(Array.from({ length: plan.rounds }, (_, i) => i + 1).filter((x) => !rounds.includes(x)));
          expect(m.interval.n).toBe(rounds.length);
          const cov = expectedCoverage(rounds.length);
          if (cov === null) expect(m.interval.coverage).toBeNull();
          else expect(m.interval.coverage).toBeCloseTo(cov, 12);
          if (idx === baseIdx) {
            expect(m.deltaInterval).toBeNull();
          } else {
            const pairs = plan.present.filter((row) => row[idx] && row[baseIdx]).length;
            expect(m.deltaInterval?.n).toBe(pairs);
            const dc = expectedCoverage(pairs);
            if (dc === null) expect(m.deltaInterval?.coverage).toBeNull();
            else expect(m.deltaInterval?.coverage).toBeCloseTo(dc, 12);
          }
        }
      }),
      { numRuns: 40, seed: 20261124 },
    );
  }, 120_000);
});

/** A JSON value that is hostile in type or range. */
const hostileValue = fc.oneof(
  fc.constant(null), fc.constant(-1), fc.constant(1e300), fc.constant(Number.MAX_SAFE_INTEGER), fc.constant('NaN'), fc.constant('\u001b[2J'),
  fc.constant([]), fc.constant({}), fc.constant(true), fc.constant(0.5), fc.string({ maxLength: 8 }), fc.integer({ min: -1e9, max: 1e9 }),
);

type Corruption =
  | { kind: 'set'; file: 'metadata' | 'result'; path: string[]; value: unknown }
  | { kind: 'truncate'; file: 'metadata' | 'result'; at: number }
  | { kind: 'rename-round'; to: string }
  | { kind: 'drop-key'; file: 'metadata' | 'result'; key: string };

const META_PATHS = [['rounds'], ['modes'], ['modes', '0'], ['order'], ['order', '0'], ['order', '0', '1'], ['rates'], ['rates', '0'], ['seed'], ['runId'], ['failures'], ['templates'], ['idleSeconds'], ['formatVersion']];
const RESULT_PATHS = [['DurationHistogram', 'Count'], ['DurationHistogram', 'Data'], ['DurationHistogram', 'Data', '0', 'Count'], ['DurationHistogram', 'Data', '1', 'Percent'],
  ['DurationHistogram', 'Data', '0', 'Start'], ['DurationHistogram', 'Data', '2', 'End'], ['DurationHistogram', 'Min'], ['DurationHistogram', 'Max'], ['RequestedQPS'], ['ActualQPS'],
  ['RetCodes'], ['RetCodes', '200'], ['ErrorsDurationHistogram'], ['Resolution'], ['NumThreads'], ['ActualDuration'], ['DurationHistogram', 'Percentiles']];

const corruptionArb: fc.Arbitrary<Corruption> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), file: fc.constant('metadata' as const), path: fc.constantFrom(...META_PATHS), value: hostileValue }),
  fc.record({ kind: fc.constant('set' as const), file: fc.constant('result' as const), path: fc.constantFrom(...RESULT_PATHS), value: hostileValue }),
  fc.record({ kind: fc.constant('truncate' as const), file: fc.constantFrom('metadata' as const, 'result' as const), at: fc.integer({ min: 0, max: 400 }) }),
  fc.record({ kind: fc.constant('rename-round' as const), to: fc.constantFrom('01', '-1', '1.0', ' 1', '0', '99', 'x', '1e0') }),
  fc.record({ kind: fc.constant('drop-key' as const), file: fc.constantFrom('metadata' as const, 'result' as const), key: fc.constantFrom('rounds', 'modes', 'order', 'rates', 'DurationHistogram', 'ActualQPS', 'RequestedQPS', 'failures', 'templates') }),
);

function setPath(obj: unknown, p: readonly string[], value: unknown): void {
  let cur = obj as Record<string, unknown>;
  for (const k of p.slice(0, -1)) {
    const next = cur?.[k];
    if (next === null || typeof next !== 'object') return;
    cur = next as Record<string, unknown>;
  }
  if (cur !== null && typeof cur === 'object') cur[p[p.length - 1]] = value;
}

function corrupt(dir: string, c: Corruption): void {
  const file = (which: 'metadata' | 'result'): string => (which === 'metadata' ? path.join(dir, 'metadata.json') : path.join(roundDir(dir, 1), 'sidecar.json'));
  switch (c.kind) {
    case 'set': {
      const j = JSON.parse(fs.readFileSync(file(c.file), 'utf8')) as unknown;
      setPath(j, c.path, c.value);
      fs.writeFileSync(file(c.file), JSON.stringify(j));
      return;
    }
    case 'drop-key': {
      const j = JSON.parse(fs.readFileSync(file(c.file), 'utf8')) as Record<string, unknown>;
      delete j[c.key];
      fs.writeFileSync(file(c.file), JSON.stringify(j));
      return;
    }
    case 'truncate':
      fs.truncateSync(file(c.file), c.at);
      return;
    case 'rename-round':
      fs.renameSync(roundDir(dir, 1), roundDir(dir, c.to));
      return;
  }
}

describe('compare over generated corruptions', () => {
  test('reports (exit 0) or rejects with exactly one line (exit 1), never a stack trace or an unexpected error (200 corruptions, each within 2 s)', async () => {
    const plan: Plan = { rounds: 3, modes: [BenchmarkMode.BASELINE, BenchmarkMode.SIDECAR], present: [[true, true], [true, true], [true, true]], seed: 5 };
    await fc.assert(
      fc.asyncProperty(corruptionArb, async (c) => {
        const dir = path.join(tmp, `corrupt-${counter++}`);
        writePlan(dir, plan);
        corrupt(dir, c);
        const r = await compare(dir);
        expect([0, 1]).toContain(r.code);
        if (r.code === 0) {
          expect(r.err).toBe('');
          expect(() => JSON.parse(r.out)).not.toThrow();
        } else {
          expect(r.out).toBe('');
          expect(r.err).toMatch(/^mesh-bench: [^\n]+\n$/);
          expect(r.err).not.toMatch(/unexpected error/);
          // eslint-disable-next-line no-control-regex
          expect(r.err).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
        }
      }),
      { numRuns: 200, seed: 7 },
    );
  }, 120_000);
});
