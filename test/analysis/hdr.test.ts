import { coCorrectedView } from '../../lib/analysis/hdr';
import { HistogramData } from '../../lib/analysis/histogram';
import { summarizeRun } from '../../lib/analysis/run-summary';
import { parseFortioResult } from '../../lib/analysis/fortio';
import { fortioHistogram, fortioResult, FortioHistogramJson } from '../fixtures/fortio-gen';

function fromJson(h: FortioHistogramJson): HistogramData {
  return { count: h.Count, min: h.Min, max: h.Max, sum: h.Sum, data: (h.Data ?? []).map((b) => ({ start: b.Start, end: b.End, percent: b.Percent, count: b.Count })) };
}

describe('coordinated-omission-corrected view', () => {
  test('closed-loop runs and unknown connection counts get no view', () => {
    const h = fromJson(fortioHistogram([0.001, 0.002], 0.00001));
    expect(coCorrectedView(h, 16, 'max', [50])).toBeUndefined();
    expect(coCorrectedView(h, undefined, 1000, [50])).toBeUndefined();
  });

  test('no call slower than the per-connection interval: nothing added, corrected = raw', () => {
    // 16 connections at 1000 qps → I = 16 ms; all calls ≤ 5 ms
    const samples = Array.from({ length: 5000 }, (_, i) => 0.0002 + (i % 50) * 0.0001);
    const v = coCorrectedView(fromJson(fortioHistogram(samples, 0.00001)), 16, 1000, [50, 99, 99.9])!;
    expect(v.expectedIntervalSeconds).toBeCloseTo(0.016, 12);
    expect(v.correctedCount).toBe(v.rawCount);
    for (const p of v.percentiles) expect(p.corrected).toBe(p.raw);
  });

  test('a stall adds ⌊L/I⌋−1 synthetic samples per slow call (per bucket midpoint) and raises the tail', () => {
    // 1 connection at 100 qps → I = 10 ms. 9900 fast calls at 1 ms, 100 calls stalled for 1 s.
    const samples = [...Array.from({ length: 9900 }, () => 0.001), ...Array.from({ length: 100 }, () => 1.0)];
    const h = fromJson(fortioHistogram(samples, 0.0001));
    const v = coCorrectedView(h, 1, 100, [50, 99, 99.9])!;
    const intervalUs = 10000;
    const expectedSynthetic = h.data.reduce((s, b) => {
      const midUs = Math.round(((b.start + b.end) / 2) * 1e6);
      return s + b.count * Math.max(0, Math.floor(midUs / intervalUs) - 1);
    }, 0);
    expect(v.rawCount).toBe(10000);
    expect(v.correctedCount - v.rawCount).toBe(expectedSynthetic);
    // 1 s falls in fortio's (0.75 s, 1 s] bucket at -r 1e-4, recorded at its 0.875 s midpoint: 86 per stalled call
    expect(expectedSynthetic).toBe(100 * 86);
    const p99 = v.percentiles.find((p) => p.p === 99)!;
    expect(p99.raw).toBeLessThan(0.0011);
    expect(p99.corrected).toBeGreaterThan(0.3); // half the run's time was spent stalled
  });

  test('summarizeRun flags the corrected value only where it moves by more than one bucket', () => {
    const samples = [...Array.from({ length: 99950 }, (_, i) => 0.0005 + (i % 100) * 0.000005), ...Array.from({ length: 50 }, () => 0.5)];
    const s = summarizeRun(parseFortioResult(fortioResult(samples, { requestedQps: 100, numThreads: 1, divider: 0.00001 }), 'x.json'), [50, 99.9]);
    const [p50, p999] = s.percentiles;
    expect(p999.coDiffers).toBe(true);
    expect(p999.corrected!).toBeGreaterThan(p999.value!);
    expect(p50.coDiffers).toBe(false); // ~2200 synthetic samples barely move the median
    const fast = summarizeRun(parseFortioResult(fortioResult(samples.slice(0, 99950), { requestedQps: 100, numThreads: 1 }), 'y.json'), [50, 99.9]);
    expect(fast.percentiles.every((p) => !p.coDiffers)).toBe(true);
  });
});
