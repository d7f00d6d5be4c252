import {
  bucketIndex,
  bucketWidthAt,
  calcPercentile,
  exportHistogram,
  inferDivider,
  poolHistograms,
  toCanonical,
  HistogramData,
} from '../../lib/analysis/histogram';
import {
  bucketBounds,
  draw,
  exponential,
  fortioBucket,
  fortioHistogram,
  fortioPercentile,
  FortioHistogramJson,
  lognormal,
  mulberry32,
  trueQuantile,
  uniform,
  BOUNDS,
} from '../fixtures/fortio-gen';
import { FORTIO_0_9_0_GRPC, FORTIO_1_57_3 } from '../fixtures/real-samples';

/** The lib's shape from the fixture's fortio JSON shape. */
function fromJson(h: FortioHistogramJson): HistogramData {
  return {
    count: h.Count,
    min: h.Min,
    max: h.Max,
    sum: h.Sum,
    data: (h.Data ?? []).map((b) => ({ start: b.Start, end: b.End, percent: b.Percent, count: b.Count })),
  };
}

const PS = [0.5, 1, 10, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 99.99, 100];

describe('bucketIndex', () => {
  test('matches an independent port of fortio record() on random values at several resolutions', () => {
    const rng = mulberry32(7);
    const mismatches: [number, number, number, number][] = [];
    const seen = new Set<number>();
    for (const divider of [0.001, 0.0001, 0.00001, 0.000001]) {
      for (let i = 0; i < 20000; i++) {
        // spans below the first bound to overflow; every 1000th value is ≤ 0 (bucket 0)
        const v = i % 1000 === 0 ? -rng() * divider : Math.exp(Math.log(divider) - 2 + rng() * 16);
        const got = bucketIndex(v, 0, divider);
        seen.add(got);
        if (got !== fortioBucket(v, 0, divider)) mismatches.push([divider, v, got, fortioBucket(v, 0, divider)]);
      }
    }
    expect(mismatches).toEqual([]);
    expect(seen.size).toBe(BOUNDS.length + 1); // every bucket, overflow included, was exercised
  });

  test('buckets are right-closed: a value exactly on a bound goes to the bucket ending there', () => {
    const divider = 0.00001;
    for (let i = 1; i < BOUNDS.length; i++) {
      expect(bucketIndex(BOUNDS[i] * divider, 0, divider)).toBe(i);
      expect(bucketIndex(BOUNDS[i] * divider * 1.0001 + divider * 0.01, 0, divider)).toBe(i + 1);
    }
    expect(bucketIndex(0, 0, divider)).toBe(0);
    expect(bucketIndex(2, 0, divider)).toBe(BOUNDS.length); // 2 s > 100000·r: overflow
  });

  test('honours the offset', () => {
    expect(bucketIndex(0.0105, 0.01, 0.0001)).toBe(fortioBucket(0.0105, 0.01, 0.0001));
    expect(bucketIndex(0.0105, 0.01, 0.0001)).toBe(5); // (0.0105-0.01)/1e-4 = 5 → bucket (4,5]
  });
});

describe('bucketWidthAt (resolution figures of methodology §1.6, -r 1e-5)', () => {
  const r = 0.00001;
  test.each([
    [0.0001, 0.1],
    [0.0002, 0.1],
    [0.0005, 0.1],
    [0.001, 0.1],
    [0.002, 0.1],
    [0.005, 0.1],
    [0.01, 0.1],
    [0.0003, 1 / 6],
    [0.003, 1 / 6],
    [0.00005, 0.2],
    [0.015, 2 / 3],
  ])('width/value at %p s is %p', (v, ratio) => {
    expect(bucketWidthAt(v, 0, r) / v).toBeCloseTo(ratio, 10);
  });

  test('with -r 1e-6 the 1–2 ms bucket is 100 % wide; with 1e-3 every sub-ms value is in the first bucket', () => {
    expect(bucketWidthAt(0.0015, 0, 0.000001)).toBeCloseTo(0.001, 15);
    expect(bucketIndex(0.0002, 0, 0.001)).toBe(bucketIndex(0.0009, 0, 0.001));
  });
});

describe('calcPercentile', () => {
  test('reproduces the Percentiles fortio 1.57.3 wrote into a real result (≤ 1e-12 relative)', () => {
    const h = FORTIO_1_57_3.DurationHistogram;
    for (const q of h.Percentiles) {
      const got = calcPercentile(fromJson(h as FortioHistogramJson), q.Percentile) as number;
      expect(Math.abs(got - q.Value) / q.Value).toBeLessThanOrEqual(1e-12);
    }
  });

  test('reproduces the Percentiles of fortio 0.9.0 (single bucket, README sample)', () => {
    const h = FORTIO_0_9_0_GRPC.DurationHistogram;
    for (const q of h.Percentiles) {
      const got = calcPercentile(fromJson(h as FortioHistogramJson), q.Percentile) as number;
      expect(Math.abs(got - q.Value) / q.Value).toBeLessThanOrEqual(1e-12);
    }
  });

  test('matches fortio\'s own comment example: 10, 20, 30 → p50 = 15, p(≤33.33) = min, p100 = max', () => {
    const h = fortioHistogram([10, 20, 30], 10); // r = 10: buckets (0,10], (10,20], (20,30]
    const lib = fromJson(h);
    expect(calcPercentile(lib, 50)).toBe(15);
    expect(calcPercentile(lib, 33)).toBe(10);
    expect(calcPercentile(lib, 100)).toBe(30);
  });

  test.each([
    ['uniform', uniform(0.0001, 0.002)],
    ['exponential', exponential(0.0005)],
    ['lognormal', lognormal(0.0003, 0.8)],
  ])('%s: equals an independent re-implementation exactly and lies in the bucket of the true quantile', (_name, sampler) => {
    const samples = draw(11, 50000, sampler);
    const sorted = [...samples].sort((a, b) => a - b);
    const h = fortioHistogram(samples, 0.00001);
    const lib = fromJson(h);
    for (const p of PS) {
      const est = calcPercentile(lib, p) as number;
      expect(est).toBe(fortioPercentile(h, p));
      const truth = trueQuantile(sorted, p);
      const [lo, hi] = bucketBounds(truth, 0.00001);
      // estimate and truth share fortio's bucket (clipped to [Min, Max]): error ≤ one bucket width
      expect(est).toBeGreaterThanOrEqual(Math.max(lo, h.Min) - 1e-15);
      expect(est).toBeLessThanOrEqual(Math.min(hi, h.Max) + 1e-15);
    }
  });

  test('returns undefined for an empty histogram', () => {
    expect(calcPercentile({ count: 0, min: 0, max: 0, sum: 0, data: [] }, 50)).toBeUndefined();
  });
});

describe('toCanonical / exportHistogram', () => {
  test.each([0.001, 0.0001, 0.00001, 0.000001])('round-trips fortio exports exactly at -r %p (incl. overflow bucket)', (divider) => {
    const samples = draw(3, 20000, lognormal(divider * 300, 1.6));
    samples.push(divider * 100000 * 1.5); // overflow bucket (> 100000·r)
    const h = fortioHistogram(samples, divider);
    const back = exportHistogram(toCanonical(fromJson(h), divider));
    expect(back).toEqual(fromJson(h));
  });

  test('single-bucket histogram round-trips', () => {
    const h = fortioHistogram([0.00043, 0.00044, 0.000445], 0.00001);
    expect(h.Data).toHaveLength(1);
    expect(exportHistogram(toCanonical(fromJson(h), 0.00001))).toEqual(fromJson(h));
  });
});

describe('poolHistograms', () => {
  test('pooling runs equals fortio\'s histogram of all their samples (same -r): exact, not averaged', () => {
    const a = draw(1, 30000, lognormal(0.0002, 0.5));
    const b = draw(2, 10000, lognormal(0.002, 0.5)); // very different run
    const r = 0.00001;
    const pooled = exportHistogram(poolHistograms([toCanonical(fromJson(fortioHistogram(a, r)), r), toCanonical(fromJson(fortioHistogram(b, r)), r)])!);
    const union = fromJson(fortioHistogram([...a, ...b], r));
    expect(pooled.count).toBe(40000);
    expect(pooled.data).toEqual(union.data);
    expect(pooled.min).toBe(union.min);
    expect(pooled.max).toBe(union.max);
    const p50 = calcPercentile(pooled, 50) as number;
    const averaged = ((calcPercentile(fromJson(fortioHistogram(a, r)), 50) as number) + (calcPercentile(fromJson(fortioHistogram(b, r)), 50) as number)) / 2;
    expect(Math.abs(p50 - averaged)).toBeGreaterThan(0.0002); // averaging would be badly wrong here
  });

  test('different resolutions: re-records into the coarser divider, keeps count and stays within its bucket', () => {
    const a = draw(5, 20000, exponential(0.0008));
    const b = draw(6, 20000, exponential(0.0008));
    const pooled = poolHistograms([toCanonical(fromJson(fortioHistogram(a, 0.00001)), 0.00001), toCanonical(fromJson(fortioHistogram(b, 0.0001)), 0.0001)])!;
    expect(pooled.divider).toBe(0.0001);
    expect(pooled.count).toBe(40000);
    const sorted = [...a, ...b].sort((x, y) => x - y);
    const exported = exportHistogram(pooled);
    for (const p of [50, 90, 99]) {
      const truth = trueQuantile(sorted, p);
      const [lo, hi] = bucketBounds(truth, 0.0001);
      const est = calcPercentile(exported, p) as number;
      expect(est).toBeGreaterThanOrEqual(lo - (hi - lo)); // midpoint re-recording may shift by one bucket
      expect(est).toBeLessThanOrEqual(hi + (hi - lo));
    }
  });
});

describe('inferDivider', () => {
  test.each([0.001, 0.0001, 0.00001, 0.000001])('finds -r %p from bucket bounds when Resolution is missing', (divider) => {
    const h = fortioHistogram(draw(9, 5000, lognormal(divider * 150, 0.9)), divider);
    expect(inferDivider(fromJson(h))).toBe(divider);
  });

  test('gives undefined for bounds that are not fortio\'s (e.g. Nighthawk HdrHistogram buckets)', () => {
    const h: HistogramData = {
      count: 3, min: 0.055568383, max: 0.059041791, sum: 0,
      data: [
        { start: 0.055568383, end: 0.056922111, percent: 33, count: 1 },
        { start: 0.056922111, end: 0.057884671, percent: 66, count: 1 },
        { start: 0.057884671, end: 0.059041791, percent: 100, count: 1 },
      ],
    };
    expect(inferDivider(h)).toBeUndefined();
  });
});
