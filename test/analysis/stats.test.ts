import {
  binomialCdf,
  median,
  medianConfidenceInterval,
  medianIntervalCoverage,
  medianIntervalRank,
  pairedDeltas,
} from '../../lib/analysis/stats';
import { draw, exponential, lognormal, mulberry32 } from '../fixtures/fortio-gen';

/** Brute force: enumerate all 2^n outcomes of n fair coin flips. */
function bruteCdf(k: number, n: number): number {
  let hits = 0;
  for (let mask = 0; mask < 1 << n; mask++) {
    let ones = 0;
    for (let b = 0; b < n; b++) if (mask & (1 << b)) ones++;
    if (ones <= k) hits++;
  }
  return hits / (1 << n);
}

/**
 * Brute force coverage of [x(l), x(n+1−l)] for the true median: over all 2^n patterns of which
 * samples fall below the median (each with prob ½), the interval covers it iff at least l samples
 * are below and at least l are above.
 */
function bruteCoverage(n: number, l: number): number {
  let hits = 0;
  for (let mask = 0; mask < 1 << n; mask++) {
    let below = 0;
    for (let b = 0; b < n; b++) if (mask & (1 << b)) below++;
    if (below >= l && n - below >= l) hits++;
  }
  return hits / (1 << n);
}

describe('binomialCdf', () => {
  test('equals brute-force enumeration for n ≤ 14 and every k', () => {
    for (let n = 1; n <= 14; n++) {
      for (let k = -1; k <= n; k++) expect(binomialCdf(k, n)).toBeCloseTo(bruteCdf(k, n), 14);
    }
  });

  test('p ≠ ½: P(B ≤ 1) for n=3, p=0.2 is 0.8³ + 3·0.2·0.8²', () => {
    expect(binomialCdf(1, 3, 0.2)).toBeCloseTo(0.512 + 3 * 0.2 * 0.64, 14);
  });
});

describe('order-statistic CI of the median', () => {
  test('coverage formula equals brute-force enumeration for n ≤ 14 and all l', () => {
    for (let n = 1; n <= 14; n++) {
      for (let l = 1; l <= Math.ceil(n / 2); l++) expect(medianIntervalCoverage(n, l)).toBeCloseTo(bruteCoverage(n, l), 14);
    }
  });

  test.each([
    [5, 1, 5, 0.9375],
    [8, 2, 7, 0.9297],
    [10, 2, 9, 0.9785],
    [12, 3, 10, 0.961],
  ])('R=%p at 95 %: [x(%p), x(%p)] covering %p (methodology §6)', (n, lo, hi, cov) => {
    const ci = medianConfidenceInterval(Array.from({ length: n }, (_, i) => (i * 7919) % n), 0.95)!;
    expect([ci.lowerRank, ci.upperRank]).toEqual([lo, hi]);
    expect(ci.coverage).toBeCloseTo(cov, 3);
    expect(ci.coverage).toBeCloseTo(bruteCoverage(n, lo), 14);
  });

  test('bounds are the order statistics at those ranks; median is the sample median', () => {
    const values = [5, 1, 9, 3, 7, 2, 8, 6]; // sorted: 1 2 3 5 6 7 8 9
    const ci = medianConfidenceInterval(values)!;
    expect(ci.lower).toBe(2);
    expect(ci.upper).toBe(8);
    expect(ci.median).toBe(5.5);
    expect(ci.n).toBe(8);
  });

  test('rank choice is the nearest achievable coverage (brute force over all l)', () => {
    for (const conf of [0.8, 0.9, 0.95, 0.99]) {
      for (let n = 2; n <= 14; n++) {
        const ls = Array.from({ length: Math.ceil(n / 2) }, (_, i) => i + 1);
        const gaps = ls.map((l) => Math.abs(bruteCoverage(n, l) - conf));
        const best = Math.min(...gaps);
        expect(gaps[medianIntervalRank(n, conf) - 1]).toBeCloseTo(best, 12);
      }
    }
  });

  test.each([
    ['exponential', exponential(0.001), Math.LN2 * 0.001, 8],
    ['lognormal', lognormal(0.0004, 0.7), 0.0004, 10],
  ])('coverage on generated %s data with a known true median matches the stated coverage (n=%p)', (_name, sampler, trueMedian, n) => {
    const trials = 4000;
    const rng = mulberry32(1234);
    let covered = 0;
    let stated = 0;
    for (let t = 0; t < trials; t++) {
      const xs = Array.from({ length: n as number }, () => (sampler as (r: () => number) => number)(rng));
      const ci = medianConfidenceInterval(xs)!;
      stated = ci.coverage;
      if (ci.lower <= (trueMedian as number) && (trueMedian as number) <= ci.upper) covered++;
    }
    const se = Math.sqrt((stated * (1 - stated)) / trials);
    expect(Math.abs(covered / trials - stated)).toBeLessThan(4 * se);
  });

  test('empty sample: undefined; one value: degenerate interval with coverage 0', () => {
    expect(medianConfidenceInterval([])).toBeUndefined();
    const one = medianConfidenceInterval([3])!;
    expect([one.lower, one.upper, one.coverage]).toEqual([3, 3, 0]);
  });
});

describe('median and paired deltas', () => {
  test('median of odd and even samples', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeUndefined();
  });

  test('pairs by round and skips rounds missing (or undefined) on either side', () => {
    const base = new Map<number, number | undefined>([[1, 1], [2, 2], [3, 3], [4, undefined]]);
    const other = new Map<number, number | undefined>([[1, 1.5], [3, 2], [4, 9], [5, 7]]);
    expect(pairedDeltas(base, other)).toEqual([{ round: 1, delta: 0.5 }, { round: 3, delta: -1 }]);
  });

  test('paired deltas cancel a shared per-round drift that unpaired comparison would not', () => {
    const drift = draw(3, 8, exponential(0.001)); // round-level noise shared by both modes
    const base = new Map(drift.map((d, i) => [i + 1, 0.0002 + d] as [number, number]));
    const other = new Map(drift.map((d, i) => [i + 1, 0.0003 + d] as [number, number]));
    const ci = medianConfidenceInterval(pairedDeltas(base, other).map((x) => x.delta))!;
    expect(ci.lower).toBeCloseTo(0.0001, 12);
    expect(ci.upper).toBeCloseTo(0.0001, 12);
  });
});
