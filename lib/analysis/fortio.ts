/**
 * Parsing of fortio `load -json` results, tolerant of the field variants seen across fortio
 * versions and tools that emit fortio's format (Nighthawk's fortio output):
 * - `RequestedQPS` as a numeric string (`"1000"`), as `"max"` (or `"0"`/`"-1"`), or as a number;
 * - counts (`Count`, bucket `Count`, `RetCodes` values) as numbers or numeric strings;
 * - `ActualDuration` (ns) as a number or numeric string;
 * - `Data` / `Percentiles` null or absent (empty runs);
 * - `ErrorsDurationHistogram`, `RetCodes`, `Resolution`, `Offset`, `NumThreads` absent in older versions.
 *
 * Pure: takes already-decoded JSON; the caller names the source for error messages.
 */
import { DataError } from '../private/cli-errors';
import { describeValue } from '../private/errors';
import { HistogramData, HistogramBucket } from './histogram';

/** A fortio histogram with the percentiles fortio itself computed (`-p`). */
export interface FortioHistogram extends HistogramData {
  readonly avg?: number;
  readonly stdDev?: number;
  /** Percentiles as written in the file (fortio's own numbers, `Percentile` in percent). */
  readonly percentiles: readonly { readonly percentile: number; readonly value: number }[];
}

/** The parts of a fortio result the analysis uses, normalized. */
export interface FortioResult {
  readonly version?: string;
  readonly runType?: string;
  readonly labels?: string;
  /** Target QPS, or `'max'` for closed-loop runs (`-qps 0` / `-1`). */
  readonly requestedQps: number | 'max';
  readonly actualQps: number;
  /** `ActualDuration` converted from ns to seconds, when present. */
  readonly actualDurationSeconds?: number;
  /** Connections (`-c`). */
  readonly numThreads?: number;
  readonly noCatchUp?: boolean;
  /** Histogram divider `-r` in seconds, when the file states it (`Resolution`). */
  readonly resolution?: number;
  /** Histogram offset in seconds (`Offset`), 0 when absent. */
  readonly offset: number;
  /** All calls, errors included. */
  readonly duration: FortioHistogram;
  /** Calls that failed, when present. */
  readonly errors?: FortioHistogram;
  /** Return codes and their counts (`-1` = socket error), when present. */
  readonly retCodes?: Readonly<Record<string, number>>;
  readonly socketCount?: number;
}

const EXPECTED = 'expected the JSON written by `fortio load -json` (an object with ActualQPS and DurationHistogram)';

function fail(source: string, what: string, field?: string): DataError {
  return new DataError(source, `'${source}' is not a valid fortio result: ${what}; ${EXPECTED}`, field);
}

/** Most calls one result may claim (a day at 100 000 QPS is below 1e10). */
export const MAX_FORTIO_COUNT = 1e12;
/** Slack for fortio's float rounding of cumulative `Percent`. */
const PERCENT_SLACK = 1e-6;

function countOf(obj: Json, key: string, path: string, source: string): number {
  const v = reqNumber(obj, key, path, source);
  if (!Number.isInteger(v) || v < 0 || v > MAX_FORTIO_COUNT) throw fail(source, `field '${path}' must be a non-negative integer count, got ${describeValue(obj[key])}`, path);
  return v;
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const NUMERIC = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;

/** A number given as a JSON number or a numeric string; `undefined` when absent/null. */
function optNumber(obj: Json, key: string, path: string, source: string): number | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && NUMERIC.test(v)) return Number(v);
  throw fail(source, `field '${path}' must be a number or a numeric string, got ${describeValue(v).slice(0, 40)}`, path);
}

/** Informational fields (Avg, StdDev): anything not a finite number is ignored. */
function lenientNumber(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  return typeof v === 'string' && NUMERIC.test(v) ? Number(v) : undefined;
}

function reqNumber(obj: Json, key: string, path: string, source: string): number {
  const v = optNumber(obj, key, path, source);
  if (v === undefined) throw fail(source, `missing field '${path}'`, path);
  return v;
}

function optString(obj: Json, key: string): string | undefined {
  const v = obj[key];
  return typeof v === 'string' ? v : undefined;
}

function optBool(obj: Json, key: string): boolean | undefined {
  const v = obj[key];
  return typeof v === 'boolean' ? v : undefined;
}

function parseHistogram(v: unknown, path: string, source: string): FortioHistogram {
  if (!isObject(v)) throw fail(source, `'${path}' must be an object, got ${describeValue(v)}`, path);
  const count = countOf(v, 'Count', `${path}.Count`, source);
  const rawData = v.Data ?? [];
  if (!Array.isArray(rawData)) throw fail(source, `'${path}.Data' must be an array or null`, `${path}.Data`);
  let sum = 0;
  let prevEnd = Number.NEGATIVE_INFINITY;
  let prevPercent = 0;
  const data: HistogramBucket[] = rawData.map((b: unknown, i: number) => {
    const p = `${path}.Data[${i}]`;
    if (!isObject(b)) throw fail(source, `'${p}' must be an object`, p);
    const bucket = {
      start: reqNumber(b, 'Start', `${p}.Start`, source),
      end: reqNumber(b, 'End', `${p}.End`, source),
      percent: reqNumber(b, 'Percent', `${p}.Percent`, source),
      count: countOf(b, 'Count', `${p}.Count`, source),
    };
    if (bucket.end < bucket.start) throw fail(source, `'${p}' ends (${bucket.end}) before it starts (${bucket.start})`, `${p}.End`);
    if (bucket.start < prevEnd) throw fail(source, `'${p}' starts at ${bucket.start}, before the previous bucket ends (${prevEnd}): buckets must be sorted and disjoint`, `${p}.Start`);
    if (bucket.percent < -PERCENT_SLACK || bucket.percent > 100 + PERCENT_SLACK) throw fail(source, `field '${p}.Percent' must be a cumulative percentage from 0 to 100, got ${bucket.percent}`, `${p}.Percent`);
    if (bucket.percent < prevPercent - PERCENT_SLACK) throw fail(source, `field '${p}.Percent' (${bucket.percent}) is below the previous bucket's (${prevPercent}); Percent is cumulative`, `${p}.Percent`);
    prevEnd = bucket.end;
    prevPercent = bucket.percent;
    sum += bucket.count;
    return bucket;
  });
  if (count > 0 && data.length === 0) throw fail(source, `'${path}' has Count ${count} but no Data buckets`, `${path}.Data`);
  if (data.length > 0 && sum !== count) throw fail(source, `'${path}.Count' is ${count} but its Data buckets add up to ${sum}`, `${path}.Count`);
  const rawPct = v.Percentiles ?? [];
  if (!Array.isArray(rawPct)) throw fail(source, `'${path}.Percentiles' must be an array or null`, `${path}.Percentiles`);
  const percentiles = rawPct.filter(isObject).map((q, i) => ({
    percentile: reqNumber(q, 'Percentile', `${path}.Percentiles[${i}].Percentile`, source),
    value: reqNumber(q, 'Value', `${path}.Percentiles[${i}].Value`, source),
  }));
  const min = optNumber(v, 'Min', `${path}.Min`, source) ?? 0;
  const max = optNumber(v, 'Max', `${path}.Max`, source) ?? 0;
  if (count > 0 && max < min) throw fail(source, `'${path}.Max' (${max}) is below '${path}.Min' (${min})`, `${path}.Max`);
  return {
    count,
    min,
    max,
    sum: optNumber(v, 'Sum', `${path}.Sum`, source) ?? 0,
    avg: lenientNumber(v.Avg),
    stdDev: lenientNumber(v.StdDev),
    data,
    percentiles,
  };
}

function parseRequestedQps(obj: Json, source: string): number | 'max' {
  const v = obj.RequestedQPS;
  if (v === undefined || v === null) throw fail(source, `missing field 'RequestedQPS'`);
  if (typeof v === 'string' && v.trim().toLowerCase() === 'max') return 'max';
  const n = optNumber(obj, 'RequestedQPS', 'RequestedQPS', source);
  if (n === undefined) throw fail(source, `missing field 'RequestedQPS'`);
  return n > 0 ? n : 'max';
}

function parseRetCodes(v: unknown, source: string): Record<string, number> | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) throw fail(source, `'RetCodes' must be an object, got ${describeValue(v)}`, 'RetCodes');
  const out: Record<string, number> = {};
  for (const key of Object.keys(v)) out[key] = countOf(v, key, `RetCodes.${key.slice(0, 40)}`, source);
  return out;
}

/**
 * Normalizes one decoded fortio JSON result and checks that its counts add up (bucket counts sum to
 * `Count`, cumulative `Percent` in [0, 100] and non-decreasing, buckets sorted and disjoint, error
 * and return-code counts within `Count`). Throws {@link DataError} (file =
 * `source`) naming the file, the offending field and what was expected.
 */
export function parseFortioResult(json: unknown, source: string): FortioResult {
  if (!isObject(json)) throw fail(source, `top level must be a JSON object, got ${Array.isArray(json) ? 'an array' : describeValue(json).slice(0, 40)}`);
  if (json.DurationHistogram === undefined) throw fail(source, `missing field 'DurationHistogram'`, 'DurationHistogram');
  const duration = parseHistogram(json.DurationHistogram, 'DurationHistogram', source);
  const errors = json.ErrorsDurationHistogram == null ? undefined : parseHistogram(json.ErrorsDurationHistogram, 'ErrorsDurationHistogram', source);
  if (errors !== undefined && errors.count > duration.count) {
    throw fail(source, `'ErrorsDurationHistogram.Count' (${errors.count}) exceeds 'DurationHistogram.Count' (${duration.count})`, 'ErrorsDurationHistogram.Count');
  }
  const durationNs = optNumber(json, 'ActualDuration', 'ActualDuration', source);
  if (durationNs !== undefined && durationNs < 0) throw fail(source, `field 'ActualDuration' must not be negative, got ${durationNs}`, 'ActualDuration');
  const resolution = optNumber(json, 'Resolution', 'Resolution', source);
  const actualQps = reqNumber(json, 'ActualQPS', 'ActualQPS', source);
  if (actualQps < 0) throw fail(source, `field 'ActualQPS' must not be negative, got ${actualQps}`, 'ActualQPS');
  const retCodes = parseRetCodes(json.RetCodes, source);
  const retTotal = retCodes === undefined ? 0 : Object.values(retCodes).reduce((a, b) => a + b, 0);
  if (retTotal > duration.count) throw fail(source, `'RetCodes' add up to ${retTotal}, more than 'DurationHistogram.Count' (${duration.count})`, 'RetCodes');
  return {
    version: optString(json, 'Version'),
    runType: optString(json, 'RunType'),
    labels: optString(json, 'Labels'),
    requestedQps: parseRequestedQps(json, source),
    actualQps,
    actualDurationSeconds: durationNs === undefined ? undefined : durationNs / 1e9,
    numThreads: optNumber(json, 'NumThreads', 'NumThreads', source),
    noCatchUp: optBool(json, 'NoCatchUp'),
    resolution: resolution !== undefined && resolution > 0 ? resolution : undefined,
    offset: optNumber(json, 'Offset', 'Offset', source) ?? 0,
    duration,
    errors,
    retCodes,
    socketCount: optNumber(json, 'SocketCount', 'SocketCount', source),
  };
}

/** True for return codes fortio uses for success: HTTP 2xx, gRPC `SERVING`/`OK` (old gRPC runs: `1`). */
export function isSuccessCode(code: string, runType?: string): boolean {
  if (/^2\d\d$/.test(code)) return true;
  if (code === 'SERVING' || code === 'OK') return true;
  return code === '1' && (runType ?? '').toUpperCase().startsWith('GRPC');
}

/**
 * Failed calls: `Count − successful RetCodes` (non-2xx and `-1` socket errors); without
 * `RetCodes`, the count of `ErrorsDurationHistogram`; `undefined` when neither is present.
 */
export function errorCount(r: FortioResult): number | undefined {
  if (r.retCodes) {
    const ok = Object.entries(r.retCodes)
      .filter(([code]) => isSuccessCode(code, r.runType))
      .reduce((s, [, n]) => s + n, 0);
    return Math.max(0, r.duration.count - ok);
  }
  return r.errors?.count;
}

/** Error rate in [0, 1]; `undefined` when unknown or the run made no calls. */
export function errorRate(r: FortioResult): number | undefined {
  const e = errorCount(r);
  if (e === undefined || r.duration.count === 0) return undefined;
  return e / r.duration.count;
}

/** Schedule slip `1 − ActualQPS / RequestedQPS`; `undefined` for closed-loop (`max`) runs. */
export function scheduleSlip(r: FortioResult): number | undefined {
  return r.requestedQps === 'max' ? undefined : 1 - r.actualQps / r.requestedQps;
}
