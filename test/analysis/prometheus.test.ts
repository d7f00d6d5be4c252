import {
  aggregateBucketsByLe,
  bucketQuantile,
  histogramQuantile,
  parsePromFloat,
  parsePrometheusText,
  PrometheusParseError,
  sumBuckets,
  sumSamples,
} from '../../lib/analysis/prometheus';
import { lcg } from '../kube/fortio-result';
import { bruteForceQuantile, bucketAround, ENVOY_BOUNDS, histogramText, trueQuantile } from '../kube/prom-fixture';

describe('parsePrometheusText', () => {
  test('parses names, escaped label values, special values, timestamps and TYPE lines', () => {
    const text = [
      '# HELP envoy_up Whether Envoy is up',
      '# TYPE envoy_up gauge',
      '# a free comment',
      'envoy_up 1',
      'metric_with_labels{path="/a\\"b\\\\c\\nd",code="200",} 3.5e2 1700000000123',
      'up_inf{le="+Inf"} +Inf',
      'neg{x = "y"} -Inf',
      'nan_value NaN',
      '   ',
      'colon:name{a="1"} .5\r',
    ].join('\n');
    const { samples, types } = parsePrometheusText(text);
    expect(types.get('envoy_up')).toBe('gauge');
    expect(samples).toHaveLength(6);
    expect(samples[0]).toEqual({ name: 'envoy_up', labels: {}, value: 1 });
    expect(samples[1]).toEqual({ name: 'metric_with_labels', labels: { path: '/a"b\\c\nd', code: '200' }, value: 350, timestampMs: 1700000000123 });
    expect(samples[2].value).toBe(Infinity);
    expect(samples[2].labels.le).toBe('+Inf');
    expect(samples[3]).toEqual({ name: 'neg', labels: { x: 'y' }, value: -Infinity });
    expect(samples[4].value).toBeNaN();
    expect(samples[5]).toEqual({ name: 'colon:name', labels: { a: '1' }, value: 0.5 });
  });

  test.each([
    ['<html><body>502</body></html>', 1, /expected a metric name/],
    ['ok 1\nbad{le="1" 2', 2, /expected ',' or '}'/],
    ['x{a="1} 2', 1, /unterminated value/],
    ['x{a="\\q"} 2', 1, /invalid escape/],
    ['x{a="1",a="2"} 2', 1, /duplicate label 'a'/],
    ['x one', 1, /invalid sample value 'one'/],
    ['x 1 2 3', 1, /unexpected text/],
    ['x 1 12.5', 1, /invalid timestamp/],
    ['x{a="1"}2', 1, /expected whitespace/],
    ['# TYPE x sparkle', 1, /unknown metric type 'sparkle'/],
  ])('rejects %j at line %i', (text, line, message) => {
    let caught: unknown;
    try {
      parsePrometheusText(text);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(PrometheusParseError);
    expect((caught as PrometheusParseError).line).toBe(line);
    expect((caught as Error).message).toMatch(message);
  });

  test('parsePromFloat accepts Go float forms and rejects the rest', () => {
    expect(parsePromFloat('1e3')).toBe(1000);
    expect(parsePromFloat('-0.25')).toBe(-0.25);
    expect(parsePromFloat('+Inf')).toBe(Infinity);
    expect(parsePromFloat('inf')).toBe(Infinity);
    expect(parsePromFloat('-Inf')).toBe(-Infinity);
    expect(parsePromFloat('NaN')).toBeNaN();
    for (const bad of ['', '1,5', '0x', 'abc', '1e']) expect(parsePromFloat(bad)).toBeUndefined();
  });
});

describe('histogram_quantile', () => {
  const samplesOf = (seed: number, n: number, scale: number): number[] => {
    const rnd = lcg(seed);
    return Array.from({ length: n }, () => scale * Math.exp(3 * rnd()) * (rnd() < 0.02 ? 50 : 1));
  };
  const bucketsOf = (samples: readonly number[], bounds: readonly number[]) => [
    ...bounds.map((b) => ({ upperBound: b, count: samples.filter((v) => v <= b).length })),
    { upperBound: Infinity, count: samples.length },
  ];

  test('matches a brute-force computation from the raw samples, and the true quantile to within the bucket width', () => {
    const qs = [0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1];
    const boundSets = [ENVOY_BOUNDS, [0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 6.4, 12.8, 25.6, 51.2, 102.4], [2, 3, 5, 8, 13, 21]];
    let checkedWidth = 0;
    for (let seed = 1; seed <= 30; seed++) {
      const samples = samplesOf(seed, 50 + seed * 37, 0.05 * seed);
      for (const bounds of boundSets) {
        // Shuffled bucket order: the function sorts.
        const buckets = bucketsOf(samples, bounds).reverse();
        for (const q of qs) {
          const got = histogramQuantile(q, buckets);
          expect(got).toBeCloseTo(bruteForceQuantile(samples, bounds, q), 9);
          const truth = trueQuantile(samples, q);
          const [lo, hi] = bucketAround(truth, bounds);
          if (hi !== Infinity) {
            expect(got).toBeGreaterThanOrEqual(lo - 1e-12);
            expect(got).toBeLessThanOrEqual(hi + 1e-12);
            checkedWidth++;
          }
        }
      }
    }
    expect(checkedWidth).toBeGreaterThan(500);
  });

  test('special cases follow PromQL', () => {
    const b = [
      { upperBound: 1, count: 2 },
      { upperBound: 2, count: 6 },
      { upperBound: Infinity, count: 10 },
    ];
    expect(histogramQuantile(NaN, b)).toBeNaN();
    expect(histogramQuantile(-0.1, b)).toBe(-Infinity);
    expect(histogramQuantile(1.1, b)).toBe(Infinity);
    // rank 9 falls in +Inf: the second-highest bound.
    expect(histogramQuantile(0.9, b)).toBe(2);
    // rank 1 in the first bucket, interpolated from 0: 0 + 1 * 1/2.
    expect(histogramQuantile(0.1, b)).toBe(0.5);
    // rank 4 in (1, 2]: 1 + 1 * (4 - 2) / (6 - 2).
    expect(histogramQuantile(0.4, b)).toBe(1.5);
    expect(histogramQuantile(0.5, [{ upperBound: 1, count: 2 }, { upperBound: 2, count: 6 }])).toBeNaN();
    expect(histogramQuantile(0.5, [{ upperBound: Infinity, count: 3 }])).toBeNaN();
    expect(histogramQuantile(0.5, [{ upperBound: 1, count: 0 }, { upperBound: Infinity, count: 0 }])).toBeNaN();
    expect(histogramQuantile(0.5, [])).toBeNaN();
    // Lowest bucket with a bound ≤ 0 returns that bound.
    expect(histogramQuantile(0.1, [{ upperBound: -1, count: 5 }, { upperBound: 1, count: 8 }, { upperBound: Infinity, count: 10 }])).toBe(-1);
    // Equal bounds are merged ("1" and "1.0" after parsing).
    expect(histogramQuantile(0.25, [{ upperBound: 1, count: 1 }, { upperBound: 1, count: 1 }, { upperBound: 3, count: 6 }, { upperBound: Infinity, count: 8 }])).toBe(1);
    // Non-monotonic counts are raised to the running maximum and flagged.
    const forced = bucketQuantile(0.5, [{ upperBound: 1, count: 4 }, { upperBound: 2, count: 3 }, { upperBound: 4, count: 8 }, { upperBound: Infinity, count: 8 }]);
    expect(forced.forcedMonotonic).toBe(true);
    // rank 4 reached in the first bucket: 0 + 1 * 4/4.
    expect(forced.value).toBe(1);
    expect(bucketQuantile(0.5, b).forcedMonotonic).toBe(false);
    // Float noise below 1e-12 relative is ignored and flagged.
    const noisy = bucketQuantile(0.5, [{ upperBound: 1, count: 4 }, { upperBound: 2, count: 4 * (1 - 1e-15) }, { upperBound: Infinity, count: 8 }]);
    expect(noisy.fixedPrecision).toBe(true);
    expect(noisy.forcedMonotonic).toBe(false);
  });

  test('aggregates _bucket samples by le across label sets, filtered by labels', () => {
    const dest1 = samplesOf(101, 300, 0.2);
    const dest2 = samplesOf(102, 200, 1);
    const src = samplesOf(103, 250, 10);
    const text = histogramText('istio_request_duration_milliseconds', ENVOY_BOUNDS, [
      { labels: { reporter: 'destination', source_workload: 'a' }, samples: dest1 },
      { labels: { reporter: 'destination', source_workload: 'b' }, samples: dest2 },
      { labels: { reporter: 'source', source_workload: 'a' }, samples: src },
    ]);
    const { samples } = parsePrometheusText(`${text}istio_request_duration_milliseconds_bucket{reporter="destination"} 99\nistio_request_duration_milliseconds_bucket{reporter="destination",le="junk"} 99\n`);
    const dest = aggregateBucketsByLe(samples, 'istio_request_duration_milliseconds', { reporter: 'destination' });
    expect(dest).toEqual(bucketsOf([...dest1, ...dest2], ENVOY_BOUNDS));
    expect(aggregateBucketsByLe(samples, 'istio_request_duration_milliseconds', { reporter: 'source' })).toEqual(bucketsOf(src, ENVOY_BOUNDS));
    expect(aggregateBucketsByLe(samples, 'istio_request_duration_milliseconds')).toEqual(bucketsOf([...dest1, ...dest2, ...src], ENVOY_BOUNDS));
    expect(sumBuckets([bucketsOf(dest1, ENVOY_BOUNDS), bucketsOf(dest2, ENVOY_BOUNDS)])).toEqual(dest);
    expect(sumSamples(samples, 'istio_request_duration_milliseconds_count', { reporter: 'destination' })).toBe(dest1.length + dest2.length);
  });
});
