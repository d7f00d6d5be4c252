/**
 * Prometheus text exposition format (0.0.4) parsing and PromQL `histogram_quantile` for classic
 * (`_bucket{le=…}`) histograms. Pure: no I/O, no knowledge of where the text came from.
 */

/** One sample line: `name{labels} value [timestamp]`. */
export interface PromSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
  /** Milliseconds since the epoch, when the line carries one. */
  readonly timestampMs?: number;
}

/** Metric types a `# TYPE` line may declare. */
export type PromMetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

/** A parsed exposition. */
export interface PromExposition {
  readonly samples: readonly PromSample[];
  /** Metric family name → declared type (from `# TYPE`). */
  readonly types: ReadonlyMap<string, PromMetricType>;
}

/** A malformed exposition: the message names the line number and what was expected. */
export class PrometheusParseError extends Error {
  /** 1-based line number of the offending line. */
  public readonly line: number;

  constructor(line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.name = 'PrometheusParseError';
    this.line = line;
    Object.setPrototypeOf(this, PrometheusParseError.prototype);
  }
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const METRIC_TYPES: readonly PromMetricType[] = ['counter', 'gauge', 'histogram', 'summary', 'untyped'];

/**
 * Parses a sample value the way Go's `strconv.ParseFloat` does for the forms exporters emit:
 * decimals, exponents, `NaN`, `+Inf`, `-Inf` (and `Inf`), case-insensitively for the specials.
 * Returns undefined for anything else.
 */
export function parsePromFloat(token: string): number | undefined {
  const lower = token.toLowerCase();
  if (lower === 'nan') return NaN;
  if (lower === '+inf' || lower === 'inf' || lower === '+infinity' || lower === 'infinity') return Infinity;
  if (lower === '-inf' || lower === '-infinity') return -Infinity;
  return DECIMAL.test(token) ? Number(token) : undefined;
}

/** Parses a whole exposition; throws {@link PrometheusParseError} on the first bad line. */
export function parsePrometheusText(text: string): PromExposition {
  const samples: PromSample[] = [];
  const types = new Map<string, PromMetricType>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, '').trim();
    if (line === '') continue;
    if (line.startsWith('#')) {
      parseComment(line, i + 1, types);
      continue;
    }
    samples.push(parseSampleLine(line, i + 1));
  }
  return { samples, types };
}

function parseComment(line: string, lineNo: number, types: Map<string, PromMetricType>): void {
  const parts = line.slice(1).trim().split(/\s+/);
  if (parts[0] !== 'TYPE') return; // HELP and free comments carry nothing we need
  const [, name, type] = parts;
  if (name === undefined || !METRIC_NAME.test(name) || type === undefined) {
    throw new PrometheusParseError(lineNo, `malformed TYPE line '${line}'`);
  }
  const known = METRIC_TYPES.find((t) => t === type);
  if (known === undefined) throw new PrometheusParseError(lineNo, `unknown metric type '${type}' (allowed: ${METRIC_TYPES.join(', ')})`);
  types.set(name, known);
}

function parseSampleLine(line: string, lineNo: number): PromSample {
  const nameMatch = METRIC_NAME.exec(line);
  if (!nameMatch) throw new PrometheusParseError(lineNo, `expected a metric name, got '${truncate(line)}'`);
  const name = nameMatch[0];
  let pos = name.length;
  let labels: Record<string, string> = {};
  if (line[pos] === '{') {
    const parsed = parseLabels(line, pos + 1, lineNo);
    labels = parsed.labels;
    pos = parsed.end;
  }
  const rest = line.slice(pos);
  if (!/^\s/.test(rest)) throw new PrometheusParseError(lineNo, `expected whitespace and a value after '${truncate(line.slice(0, pos))}'`);
  const tokens = rest.trim().split(/\s+/);
  if (tokens.length > 2) throw new PrometheusParseError(lineNo, `unexpected text after the value: '${truncate(rest.trim())}'`);
  const value = parsePromFloat(tokens[0]);
  if (value === undefined) throw new PrometheusParseError(lineNo, `invalid sample value '${tokens[0]}'`);
  if (tokens.length === 1) return { name, labels, value };
  if (!/^-?\d+$/.test(tokens[1])) throw new PrometheusParseError(lineNo, `invalid timestamp '${tokens[1]}'`);
  return { name, labels, value, timestampMs: Number(tokens[1]) };
}

/** Parses `name="value",…}` starting after `{`; returns the labels and the index after `}`. */
function parseLabels(line: string, start: number, lineNo: number): { labels: Record<string, string>; end: number } {
  const labels: Record<string, string> = {};
  let pos = start;
  const skipSpace = (): void => {
    while (line[pos] === ' ' || line[pos] === '\t') pos++;
  };
  for (;;) {
    skipSpace();
    if (line[pos] === '}') return { labels, end: pos + 1 };
    const nameMatch = LABEL_NAME.exec(line.slice(pos));
    if (!nameMatch) throw new PrometheusParseError(lineNo, `expected a label name at column ${pos + 1}`);
    const labelName = nameMatch[0];
    pos += labelName.length;
    skipSpace();
    if (line[pos] !== '=') throw new PrometheusParseError(lineNo, `expected '=' after label '${labelName}'`);
    pos++;
    skipSpace();
    if (line[pos] !== '"') throw new PrometheusParseError(lineNo, `expected '"' to open the value of label '${labelName}'`);
    pos++;
    let value = '';
    for (;;) {
      const ch = line[pos];
      if (ch === undefined) throw new PrometheusParseError(lineNo, `unterminated value of label '${labelName}'`);
      pos++;
      if (ch === '"') break;
      if (ch === '\\') {
        const esc = line[pos];
        pos++;
        if (esc === 'n') value += '\n';
        else if (esc === '\\' || esc === '"') value += esc;
        else throw new PrometheusParseError(lineNo, `invalid escape '\\${esc ?? ''}' in label '${labelName}'`);
      } else {
        value += ch;
      }
    }
    if (Object.prototype.hasOwnProperty.call(labels, labelName)) {
      throw new PrometheusParseError(lineNo, `duplicate label '${labelName}'`);
    }
    labels[labelName] = value;
    skipSpace();
    if (line[pos] === ',') pos++;
    else if (line[pos] !== '}') throw new PrometheusParseError(lineNo, `expected ',' or '}' after label '${labelName}'`);
  }
}

function truncate(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** True when every `matchers` entry equals the sample's label (a missing label equals ''). */
export function labelsMatch(labels: Readonly<Record<string, string>>, matchers: Readonly<Record<string, string>>): boolean {
  return Object.entries(matchers).every(([k, v]) => (labels[k] ?? '') === v);
}

/** Sum of the values of samples named `name` whose labels match `matchers`. */
export function sumSamples(samples: readonly PromSample[], name: string, matchers: Readonly<Record<string, string>> = {}): number {
  let sum = 0;
  for (const s of samples) if (s.name === name && labelsMatch(s.labels, matchers)) sum += s.value;
  return sum;
}

/** A classic histogram bucket: cumulative count of observations ≤ `upperBound`. */
export interface HistogramBucket {
  readonly upperBound: number;
  readonly count: number;
}

/**
 * `sum by (le) (<histogram>_bucket{matchers})`: the `_bucket` samples of the histogram family
 * `histogramName` whose labels match, summed across all other labels per `le`, sorted by bound.
 * Samples without an `le` label, or whose `le` does not parse as a float, are ignored (as PromQL
 * ignores them).
 */
export function aggregateBucketsByLe(
  samples: readonly PromSample[],
  histogramName: string,
  matchers: Readonly<Record<string, string>> = {},
): HistogramBucket[] {
  const bucketName = `${histogramName}_bucket`;
  const byBound = new Map<number, number>();
  for (const s of samples) {
    if (s.name !== bucketName || !labelsMatch(s.labels, matchers)) continue;
    const le = s.labels.le;
    if (le === undefined) continue;
    const bound = parsePromFloat(le.trim());
    if (bound === undefined || Number.isNaN(bound)) continue;
    byBound.set(bound, (byBound.get(bound) ?? 0) + s.value);
  }
  return [...byBound.entries()].map(([upperBound, count]) => ({ upperBound, count })).sort((a, b) => a.upperBound - b.upperBound);
}

/** Sums bucket sets by upper bound (`sum by (le)` across sets), sorted by bound. */
export function sumBuckets(sets: readonly (readonly HistogramBucket[])[]): HistogramBucket[] {
  const byBound = new Map<number, number>();
  for (const set of sets) for (const b of set) byBound.set(b.upperBound, (byBound.get(b.upperBound) ?? 0) + b.count);
  return [...byBound.entries()].map(([upperBound, count]) => ({ upperBound, count })).sort((a, b) => a.upperBound - b.upperBound);
}

/** The result of {@link bucketQuantile}, with PromQL's two warnings. */
export interface BucketQuantileResult {
  readonly value: number;
  /** Counts decreased with the bound and were raised to their running maximum. */
  readonly forcedMonotonic: boolean;
  /** Relative differences ≤ 1e-12 between neighbouring counts were treated as float noise. */
  readonly fixedPrecision: boolean;
}

/** Relative tolerance PromQL uses to ignore float noise between bucket counts. */
const PRECISION_TOLERANCE = 1e-12;

/**
 * PromQL `histogram_quantile(q, buckets)` for classic buckets, following Prometheus's
 * `bucketQuantile` step for step:
 * NaN q → NaN; q < 0 → -Inf; q > 1 → +Inf; the highest bound must be +Inf (else NaN); buckets
 * with equal bounds are merged; float noise and decreases are smoothed; fewer than 2 buckets or
 * 0 observations → NaN. The rank q·N is located in the first bucket whose cumulative count is
 * ≥ rank (the +Inf bucket excluded from the search); a rank in the +Inf bucket returns the
 * second-highest bound; in the lowest bucket the lower bound is 0 unless its upper bound is ≤ 0,
 * in which case that upper bound is returned; otherwise the value is interpolated linearly
 * inside the bucket.
 */
export function bucketQuantile(q: number, input: readonly HistogramBucket[]): BucketQuantileResult {
  const plain = (value: number): BucketQuantileResult => ({ value, forcedMonotonic: false, fixedPrecision: false });
  if (Number.isNaN(q)) return plain(NaN);
  if (q < 0) return plain(-Infinity);
  if (q > 1) return plain(Infinity);
  if (input.length === 0) return plain(NaN);
  const sorted = input.map((b) => ({ upperBound: b.upperBound, count: b.count })).sort((a, b) => a.upperBound - b.upperBound);
  if (sorted[sorted.length - 1].upperBound !== Infinity) return plain(NaN);

  const buckets: { upperBound: number; count: number }[] = [];
  for (const b of sorted) {
    const last = buckets[buckets.length - 1];
    if (last !== undefined && last.upperBound === b.upperBound) last.count += b.count;
    else buckets.push({ ...b });
  }
  let fixedPrecision = false;
  let prev = buckets[0].count;
  for (let i = 1; i < buckets.length; i++) {
    const curr = buckets[i].count;
    const delta = Math.abs(curr - prev);
    if (delta === 0) continue;
    if (delta / curr <= PRECISION_TOLERANCE) {
      buckets[i].count = prev;
      fixedPrecision = true;
    } else {
      prev = curr;
    }
  }
  let forcedMonotonic = false;
  let max = buckets[0].count;
  for (let i = 1; i < buckets.length; i++) {
    if (buckets[i].count > max) max = buckets[i].count;
    else if (buckets[i].count < max) {
      buckets[i].count = max;
      forcedMonotonic = true;
    }
  }
  if (buckets.length < 2) return plain(NaN);
  const observations = buckets[buckets.length - 1].count;
  if (observations === 0) return plain(NaN);

  let rank = q * observations;
  let b = buckets.length - 1;
  for (let i = 0; i < buckets.length - 1; i++) {
    if (buckets[i].count >= rank) {
      b = i;
      break;
    }
  }
  const result = (value: number): BucketQuantileResult => ({ value, forcedMonotonic, fixedPrecision });
  if (b === buckets.length - 1) return result(buckets[buckets.length - 2].upperBound);
  if (b === 0 && buckets[0].upperBound <= 0) return result(buckets[0].upperBound);
  let bucketStart = 0;
  const bucketEnd = buckets[b].upperBound;
  let count = buckets[b].count;
  if (b > 0) {
    bucketStart = buckets[b - 1].upperBound;
    count -= buckets[b - 1].count;
    rank -= buckets[b - 1].count;
  }
  return result(bucketStart + (bucketEnd - bucketStart) * (rank / count));
}

/** {@link bucketQuantile}'s value only. */
export function histogramQuantile(q: number, buckets: readonly HistogramBucket[]): number {
  return bucketQuantile(q, buckets).value;
}
