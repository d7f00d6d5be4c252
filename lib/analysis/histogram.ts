/**
 * Fortio's log-linear histogram (fortio `stats/stats.go`), ported exactly: bucketing, export and
 * `CalcPercentile`, plus pooling of several runs the way fortio's own `Merge`/`Transfer` does it.
 *
 * All latencies are in seconds, as fortio reports them. Pure functions, no I/O.
 */

/** Fortio bucket upper bounds in units of the divider (`-r`). Buckets are `(prev, cur]`. */
export const FORTIO_BUCKET_BOUNDS: readonly number[] = Object.freeze([
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
  12, 14, 16, 18, 20,
  25, 30, 35, 40, 45, 50,
  60, 70, 80, 90, 100,
  120, 140, 160, 180, 200,
  250, 300, 350, 400, 450, 500,
  600, 700, 800, 900, 1000,
  2000, 3000, 4000, 5000, 7500, 10000,
  20000, 30000, 40000, 50000, 75000, 100000,
]);

/** Number of canonical buckets: one per bound plus the overflow bucket `(100000, Max]`. */
export const FORTIO_BUCKET_COUNT = FORTIO_BUCKET_BOUNDS.length + 1;

const LAST_BOUND = FORTIO_BUCKET_BOUNDS[FORTIO_BUCKET_BOUNDS.length - 1];

/** One exported bucket (fortio `stats.Bucket`). */
export interface HistogramBucket {
  readonly start: number;
  readonly end: number;
  /** Cumulative percent of the count up to and including this bucket. */
  readonly percent: number;
  readonly count: number;
}

/** Exported histogram (fortio `stats.HistogramData`), values in seconds. */
export interface HistogramData {
  readonly count: number;
  readonly min: number;
  readonly max: number;
  readonly sum: number;
  /** Non-empty buckets only, in increasing order. */
  readonly data: readonly HistogramBucket[];
}

/** A histogram in fortio's internal form: one count per canonical bucket. */
export interface CanonicalHistogram {
  /** Fortio `-r` (seconds). */
  readonly divider: number;
  /** Fortio `Offset` (seconds), normally 0. */
  readonly offset: number;
  /** Length {@link FORTIO_BUCKET_COUNT}. */
  readonly counts: readonly number[];
  readonly count: number;
  readonly min: number;
  readonly max: number;
  readonly sum: number;
}

/**
 * Canonical bucket index fortio's `record()` puts value `v` in (including its `- 0.0001`
 * epsilon and the truncation of the scaled value).
 */
export function bucketIndex(v: number, offset: number, divider: number): number {
  const scaled = (v - offset) / divider - 0.0001;
  if (scaled <= 0) return 0;
  if (scaled > LAST_BOUND) return FORTIO_BUCKET_COUNT - 1;
  const k = Math.trunc(scaled);
  // first bound strictly greater than k (fortio's val2Bucket / lookUpIdx)
  let lo = 0;
  let hi = FORTIO_BUCKET_BOUNDS.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (FORTIO_BUCKET_BOUNDS[mid] > k) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Width in seconds of the canonical bucket holding `v`: the resolution of any fortio
 * percentile near `v`. The overflow bucket's width is `max - 100000·r` when `max` is given.
 */
export function bucketWidthAt(v: number, offset: number, divider: number, max?: number): number {
  const idx = bucketIndex(v, offset, divider);
  if (idx === 0) return 0;
  if (idx >= FORTIO_BUCKET_BOUNDS.length) {
    return max !== undefined ? Math.max(0, max - (divider * LAST_BOUND + offset)) : Number.POSITIVE_INFINITY;
  }
  return divider * (FORTIO_BUCKET_BOUNDS[idx] - FORTIO_BUCKET_BOUNDS[idx - 1]);
}

/**
 * Fortio's `HistogramData.CalcPercentile`: linear interpolation inside the first bucket whose
 * cumulative percent reaches `p`. `p` is in percent (99.9, not 0.999). Returns `undefined`
 * for an empty histogram (fortio logs an error and returns 0).
 */
export function calcPercentile(h: HistogramData, p: number): number | undefined {
  if (h.data.length === 0) return undefined;
  if (p >= 100) return h.max;
  let pp = 100 / h.count;
  if (p <= pp) return h.min;
  for (const cur of h.data) {
    if (p <= cur.percent) {
      return cur.start + ((p - pp) / (cur.percent - pp)) * (cur.end - cur.start);
    }
    pp = cur.percent;
  }
  return h.max;
}

/** An empty canonical histogram with the given scale. */
export function emptyHistogram(divider: number, offset = 0): CanonicalHistogram {
  return { divider, offset, counts: new Array<number>(FORTIO_BUCKET_COUNT).fill(0), count: 0, min: 0, max: 0, sum: 0 };
}

/** Fortio's `Histogram.Export()`: non-empty buckets, first Start = Min, last End = Max. */
export function exportHistogram(h: CanonicalHistogram): HistogramData {
  let lastIdx = -1;
  for (let i = FORTIO_BUCKET_COUNT - 1; i >= 0; i--) {
    if (h.counts[i] > 0) {
      lastIdx = i;
      break;
    }
  }
  const data: HistogramBucket[] = [];
  if (lastIdx === -1) return { count: h.count, min: h.min, max: h.max, sum: h.sum, data };
  let prev = FORTIO_BUCKET_BOUNDS[0];
  let total = 0;
  for (let i = 0; i <= lastIdx; i++) {
    const c = h.counts[i];
    if (c === 0) {
      if (i < FORTIO_BUCKET_BOUNDS.length) prev = FORTIO_BUCKET_BOUNDS[i];
      continue;
    }
    total += c;
    let start = data.length === 0 ? h.min : h.divider * prev + h.offset;
    let end: number;
    if (i < FORTIO_BUCKET_BOUNDS.length) {
      const cur = FORTIO_BUCKET_BOUNDS[i];
      end = h.divider * cur + h.offset;
      prev = cur;
    } else {
      start = h.divider * prev + h.offset;
      end = h.max;
    }
    data.push({ start, end, percent: (100 * total) / h.count, count: c });
  }
  const last = data[data.length - 1];
  data[data.length - 1] = { ...last, end: h.max };
  return { count: h.count, min: h.min, max: h.max, sum: h.sum, data };
}

/** Index of `x` (seconds) among the bounds scaled by divider/offset, if it is one (1e-9 relative). */
function boundIndexOf(x: number, offset: number, divider: number): number | undefined {
  const scaled = (x - offset) / divider;
  const r = Math.round(scaled);
  if (Math.abs(scaled - r) > 1e-6 * Math.max(1, Math.abs(r))) return undefined;
  const idx = FORTIO_BUCKET_BOUNDS.indexOf(r);
  return idx === -1 ? undefined : idx;
}

/**
 * Maps exported buckets back to fortio's canonical buckets for the given scale. A bucket is
 * placed by its midpoint (fortio `copyHDataFrom`), except the last bucket of a multi-bucket
 * histogram, whose Start is an exact bound and whose End (= Max) may sit anywhere above it.
 */
export function toCanonical(h: HistogramData, divider: number, offset = 0): CanonicalHistogram {
  const counts = new Array<number>(FORTIO_BUCKET_COUNT).fill(0);
  h.data.forEach((b, i) => {
    if (b.count <= 0) return;
    let idx: number | undefined;
    if (i > 0 && i === h.data.length - 1) {
      const startIdx = boundIndexOf(b.start, offset, divider);
      if (startIdx !== undefined) idx = startIdx + 1;
    }
    counts[idx ?? bucketIndex((b.start + b.end) / 2, offset, divider)] += b.count;
  });
  return { divider, offset, counts, count: h.count, min: h.min, max: h.max, sum: h.sum };
}

/**
 * Pools histograms like fortio's `Merge`: the result uses the largest divider and the lowest
 * offset; histograms on that scale add bucket counts, others are re-recorded at each exported
 * bucket's midpoint. Count, Min, Max and Sum merge exactly.
 */
export function poolHistograms(list: readonly CanonicalHistogram[]): CanonicalHistogram | undefined {
  const nonEmpty = list.filter((h) => h.count > 0);
  if (nonEmpty.length === 0) return list.length > 0 ? list[0] : undefined;
  const divider = Math.max(...nonEmpty.map((h) => h.divider));
  const offset = Math.min(...nonEmpty.map((h) => h.offset));
  const counts = new Array<number>(FORTIO_BUCKET_COUNT).fill(0);
  let count = 0;
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const h of nonEmpty) {
    if (h.divider === divider && h.offset === offset) {
      for (let i = 0; i < FORTIO_BUCKET_COUNT; i++) counts[i] += h.counts[i];
    } else {
      for (const b of exportHistogram(h).data) counts[bucketIndex((b.start + b.end) / 2, offset, divider)] += b.count;
    }
    count += h.count;
    sum += h.sum;
    min = Math.min(min, h.min);
    max = Math.max(max, h.max);
  }
  return { divider, offset, counts, count, min, max, sum };
}

/**
 * Infers the divider (`-r`) of an exported fortio histogram whose `Resolution` field is
 * missing: the first candidate for which every interior bucket boundary is a scaled fortio
 * bound. Returns `undefined` when none fits (e.g. a histogram not produced by fortio).
 */
export function inferDivider(h: HistogramData, offset = 0, candidates: readonly number[] = DIVIDER_CANDIDATES): number | undefined {
  const boundaries: number[] = [];
  h.data.forEach((b, i) => {
    if (i > 0) boundaries.push(b.start);
    if (i < h.data.length - 1) boundaries.push(b.end);
  });
  if (boundaries.length === 0) return undefined;
  return candidates.find((d) => boundaries.every((x) => boundIndexOf(x, offset, d) !== undefined));
}

/** Dividers tried by {@link inferDivider}, fortio's default first. */
export const DIVIDER_CANDIDATES: readonly number[] = Object.freeze([0.001, 0.0001, 0.00001, 0.000001, 0.0000001, 0.01]);
