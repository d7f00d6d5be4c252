import { errorCount, errorRate, isSuccessCode, parseFortioResult, scheduleSlip } from '../../lib/analysis/fortio';
import { runDivider } from '../../lib/analysis/run-summary';
import { DataError } from '../../lib/private/cli-errors';
import { draw, fortioResult, lognormal } from '../fixtures/fortio-gen';
import { FORTIO_0_9_0_GRPC, FORTIO_1_57_3 } from '../fixtures/real-samples';

const SRC = 'results/rounds/1/sidecar.json';

function base(): Record<string, unknown> {
  return fortioResult(draw(1, 1000, lognormal(0.0003, 0.5)), { requestedQps: 1000, numThreads: 16 });
}

function withHist(mutate: (h: Record<string, unknown>) => void): Record<string, unknown> {
  const r = base();
  const h = JSON.parse(JSON.stringify(r.DurationHistogram)) as Record<string, unknown>;
  mutate(h);
  return { ...r, DurationHistogram: h };
}

describe('field variants, one by one', () => {
  test('RequestedQPS as a numeric string (fortio)', () => {
    expect(parseFortioResult({ ...base(), RequestedQPS: '1000' }, SRC).requestedQps).toBe(1000);
  });

  test('RequestedQPS "max" (closed loop, -qps 0)', () => {
    const r = parseFortioResult({ ...base(), RequestedQPS: 'max' }, SRC);
    expect(r.requestedQps).toBe('max');
    expect(scheduleSlip(r)).toBeUndefined();
  });

  test('RequestedQPS as a JSON number (Nighthawk\'s fortio output)', () => {
    expect(parseFortioResult({ ...base(), RequestedQPS: 12 }, SRC).requestedQps).toBe(12);
  });

  test('RequestedQPS "0" or "-1" mean max', () => {
    expect(parseFortioResult({ ...base(), RequestedQPS: '0' }, SRC).requestedQps).toBe('max');
    expect(parseFortioResult({ ...base(), RequestedQPS: '-1' }, SRC).requestedQps).toBe('max');
  });

  test('Count as a string in the histogram and in buckets (Nighthawk: uint64 as JSON strings)', () => {
    const plain = parseFortioResult(base(), SRC);
    const json = withHist((h) => {
      h.Count = String(h.Count);
      h.Data = (h.Data as Record<string, unknown>[]).map((b) => ({ ...b, Count: String(b.Count) }));
    });
    const r = parseFortioResult(json, SRC);
    expect(r.duration.count).toBe(1000);
    expect(r.duration.data.map((b) => b.count)).toEqual(plain.duration.data.map((b) => b.count));
    expect(typeof r.duration.data[0].count).toBe('number');
  });

  test('RetCodes values as strings', () => {
    const r = parseFortioResult({ ...base(), RetCodes: { '200': '990', '503': '10' } }, SRC);
    expect(r.retCodes).toEqual({ '200': 990, '503': 10 });
    expect(errorRate(r)).toBeCloseTo(10 / 1000, 15);
  });

  test('Data null and Percentiles null on an empty run', () => {
    const r = parseFortioResult({ ...base(), RetCodes: {}, DurationHistogram: { Count: 0, Min: 0, Max: 0, Sum: 0, Avg: 0, StdDev: 0, Data: null, Percentiles: null } }, SRC);
    expect(r.duration.count).toBe(0);
    expect(r.duration.data).toEqual([]);
    expect(r.duration.percentiles).toEqual([]);
  });

  test('Percentiles absent (omitempty)', () => {
    const r = parseFortioResult(withHist((h) => delete h.Percentiles), SRC);
    expect(r.duration.percentiles).toEqual([]);
    expect(r.duration.data.length).toBeGreaterThan(0);
  });

  test('ActualDuration in ns as a number or a string', () => {
    expect(parseFortioResult({ ...base(), ActualDuration: 180000000000 }, SRC).actualDurationSeconds).toBe(180);
    expect(parseFortioResult({ ...base(), ActualDuration: '4999900000' }, SRC).actualDurationSeconds).toBeCloseTo(4.9999, 12);
    expect(parseFortioResult({ ...base(), ActualDuration: undefined }, SRC).actualDurationSeconds).toBeUndefined();
  });

  test('ErrorsDurationHistogram absent (older fortio): error rate still from RetCodes', () => {
    const json: Record<string, unknown> = { ...base(), RetCodes: { '200': 997, '-1': 3 } };
    delete json.ErrorsDurationHistogram;
    const r = parseFortioResult(json, SRC);
    expect(r.errors).toBeUndefined();
    expect(errorCount(r)).toBe(3);
  });

  test('RetCodes absent: errors from ErrorsDurationHistogram.Count; both absent: unknown', () => {
    const json: Record<string, unknown> = { ...base(), ErrorsDurationHistogram: { Count: 7, Min: 0.001, Max: 0.001, Sum: 0.007, Data: [{ Start: 0.001, End: 0.001, Percent: 100, Count: 7 }] } };
    delete json.RetCodes;
    expect(errorCount(parseFortioResult(json, SRC))).toBe(7);
    delete json.ErrorsDurationHistogram;
    expect(errorRate(parseFortioResult(json, SRC))).toBeUndefined();
  });

  test('gRPC return codes: SERVING (new) and "1" (fortio 0.9 gRPC) are successes', () => {
    expect(errorCount(parseFortioResult({ ...base(), RunType: 'GRPC Health', RetCodes: { SERVING: 995, NOT_SERVING: 5 } }, SRC))).toBe(5);
    expect(errorRate(parseFortioResult(FORTIO_0_9_0_GRPC, 'grpc.json'))).toBe(0);
    expect(isSuccessCode('1', 'HTTP')).toBe(false);
  });

  test('Resolution absent: divider inferred from the bucket bounds; present: taken as is', () => {
    const json = fortioResult(draw(2, 3000, lognormal(0.0003, 0.5)), { divider: 0.0001, omitResolution: true });
    const r = parseFortioResult(json, SRC);
    expect(r.resolution).toBeUndefined();
    expect(runDivider(r)).toBe(0.0001);
    expect(parseFortioResult(FORTIO_1_57_3, 'x.json').resolution).toBe(0.001);
  });

  test('Offset absent defaults to 0; NumThreads, SocketCount and NoCatchUp carried over', () => {
    const json = base();
    delete json.Offset;
    const r = parseFortioResult(json, SRC);
    expect(r.offset).toBe(0);
    expect(r.numThreads).toBe(16);
    expect(r.socketCount).toBe(16);
    expect(r.noCatchUp).toBe(true);
  });
});

describe('Nighthawk\'s fortio output (excerpt of its output_formatter.medium.fortio.gold)', () => {
  const nighthawk = {
    Labels: 'Nighthawk',
    RequestedQPS: 12,
    ActualQPS: 12.000240004800096,
    ActualDuration: 4999900000,
    NumThreads: 12,
    DurationHistogram: {
      Count: '3',
      Data: [
        { Start: 0.055568383, End: 0.055568383, Percent: 0, Count: '1' },
        { Start: 0.055568383, End: 0.056922111, Percent: 66.7, Count: '1' },
        { Start: 0.056922111, End: 0.057884671, Percent: 100, Count: '1' },
      ],
      Min: 0.055568383,
      Max: 0.057884671,
      Percentiles: [{ Percentile: 0.5, Value: 0.056 }],
    },
    RetCodes: { '200': '3' },
    Version: '0.0',
    StartTime: '2019-10-16T00:30:12.911078318Z',
    RequestedDuration: '5s',
  };

  test('parses (number QPS, string counts, no Resolution) and has no fortio divider', () => {
    const r = parseFortioResult(nighthawk, 'nh.json');
    expect(r.requestedQps).toBe(12);
    expect(r.duration.count).toBe(3);
    expect(errorRate(r)).toBe(0);
    expect(runDivider(r)).toBeUndefined();
  });
});

describe('derived metrics', () => {
  test('error rate = (Count − 2xx) / Count, counting non-2xx and -1 socket errors', () => {
    const r = parseFortioResult({ ...base(), RetCodes: { '200': 980, '201': 10, '503': 7, '-1': 3 } }, SRC);
    expect(errorCount(r)).toBe(10);
    expect(errorRate(r)).toBeCloseTo(0.01, 15);
  });

  test('schedule slip = 1 − ActualQPS / RequestedQPS', () => {
    const r = parseFortioResult({ ...base(), RequestedQPS: '1000', ActualQPS: 975 }, SRC);
    expect(scheduleSlip(r)).toBeCloseTo(0.025, 12);
  });
});

describe('not a fortio result', () => {
  const bad: [string, unknown, RegExp][] = [
    ['an array', [1, 2], /top level must be a JSON object, got an array/],
    ['a string', 'hello', /top level must be a JSON object/],
    ['no DurationHistogram', { ActualQPS: 1, RequestedQPS: '1' }, /missing field 'DurationHistogram'/],
    ['no ActualQPS', { ...base(), ActualQPS: undefined }, /missing field 'ActualQPS'/],
    ['no RequestedQPS', { ...base(), RequestedQPS: undefined }, /missing field 'RequestedQPS'/],
    ['Count not numeric', withHist((h) => (h.Count = 'lots')), /'DurationHistogram.Count' must be a number or a numeric string, got 'lots'/],
    ['Data not an array', withHist((h) => (h.Data = {})), /'DurationHistogram.Data' must be an array or null/],
    ['Count > 0 without buckets', withHist((h) => (h.Data = null)), /has Count 1000 but no Data buckets/],
    ['bucket without End', withHist((h) => ((h.Data as Record<string, unknown>[])[0] = { Start: 0, Percent: 1, Count: 1 })), /missing field 'DurationHistogram.Data\[0\].End'/],
  ];
  test.each(bad)('%s: DataError naming the file, the field and what was expected', (_name, json, re) => {
    let err: unknown;
    try {
      parseFortioResult(json, SRC);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DataError);
    const msg = (err as Error).message;
    expect(msg).toMatch(re);
    expect(msg).toContain(`'${SRC}' is not a valid fortio result`);
    expect(msg).toContain('fortio load -json');
    expect((err as DataError).file).toBe(SRC);
  });
});
