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
import { IstioMeshValidationError, describeValue } from '../private/errors';
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

function fail(source: string, what: string): IstioMeshValidationError {
  return new IstioMeshValidationError(source, `'${source}' is not a valid fortio result: ${what}; ${EXPECTED}`);
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
  throw fail(source, `field '${path}' must be a number or a numeric string, got ${describeValue(v)}`);
}

/** Informational fields (Avg, StdDev): anything not a finite number is ignored. */
function lenientNumber(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  return typeof v === 'string' && NUMERIC.test(v) ? Number(v) : undefined;
}

function reqNumber(obj: Json, key: string, path: string, source: string): number {
  const v = optNumber(obj, key, path, source);
  if (v === undefined) throw fail(source, `missing field '${path}'`);
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
  if (!isObject(v)) throw fail(source, `'${path}' must be an object, got ${describeValue(v)}`);
  const count = reqNumber(v, 'Count', `${path}.Count`, source);
  const rawData = v.Data ?? [];
  if (!Array.isArray(rawData)) throw fail(source, `'${path}.Data' must be an array or null`);
  const data: HistogramBucket[] = rawData.map((b: unknown, i: number) => {
    const p = `${path}.Data[${i}]`;
    if (!isObject(b)) throw fail(source, `'${p}' must be an object`);
    return {
      start: reqNumber(b, 'Start', `${p}.Start`, source),
      end: reqNumber(b, 'End', `${p}.End`, source),
      percent: reqNumber(b, 'Percent', `${p}.Percent`, source),
      count: reqNumber(b, 'Count', `${p}.Count`, source),
    };
  });
  if (count > 0 && data.length === 0) throw fail(source, `'${path}' has Count ${count} but no Data buckets`);
  const rawPct = v.Percentiles ?? [];
  if (!Array.isArray(rawPct)) throw fail(source, `'${path}.Percentiles' must be an array or null`);
  const percentiles = rawPct.filter(isObject).map((q, i) => ({
    percentile: reqNumber(q, 'Percentile', `${path}.Percentiles[${i}].Percentile`, source),
    value: reqNumber(q, 'Value', `${path}.Percentiles[${i}].Value`, source),
  }));
  return {
    count,
    min: optNumber(v, 'Min', `${path}.Min`, source) ?? 0,
    max: optNumber(v, 'Max', `${path}.Max`, source) ?? 0,
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
  if (!isObject(v)) throw fail(source, `'RetCodes' must be an object, got ${describeValue(v)}`);
  const out: Record<string, number> = {};
  for (const key of Object.keys(v)) out[key] = reqNumber(v, key, `RetCodes.${key}`, source);
  return out;
}

/**
 * Normalizes one decoded fortio JSON result. Throws {@link IstioMeshValidationError} (prop =
 * `source`) naming the file, the offending field and what was expected.
 */
export function parseFortioResult(json: unknown, source: string): FortioResult {
  if (!isObject(json)) throw fail(source, `top level must be a JSON object, got ${Array.isArray(json) ? 'an array' : describeValue(json)}`);
  if (json.DurationHistogram === undefined) throw fail(source, `missing field 'DurationHistogram'`);
  const duration = parseHistogram(json.DurationHistogram, 'DurationHistogram', source);
  const errors = json.ErrorsDurationHistogram == null ? undefined : parseHistogram(json.ErrorsDurationHistogram, 'ErrorsDurationHistogram', source);
  const durationNs = optNumber(json, 'ActualDuration', 'ActualDuration', source);
  const resolution = optNumber(json, 'Resolution', 'Resolution', source);
  return {
    version: optString(json, 'Version'),
    runType: optString(json, 'RunType'),
    labels: optString(json, 'Labels'),
    requestedQps: parseRequestedQps(json, source),
    actualQps: reqNumber(json, 'ActualQPS', 'ActualQPS', source),
    actualDurationSeconds: durationNs === undefined ? undefined : durationNs / 1e9,
    numThreads: optNumber(json, 'NumThreads', 'NumThreads', source),
    noCatchUp: optBool(json, 'NoCatchUp'),
    resolution: resolution !== undefined && resolution > 0 ? resolution : undefined,
    offset: optNumber(json, 'Offset', 'Offset', source) ?? 0,
    duration,
    errors,
    retCodes: parseRetCodes(json.RetCodes, source),
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
