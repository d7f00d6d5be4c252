/**
 * Helm values of a `helm_release` as value paths: the `values` documents merged the way Helm merges
 * them (maps key by key, everything else replaced), then `set` entries, then flattened to
 * `a.b.c → JSON` so a review lists `global.hub` instead of YAML text.
 */
import { parse } from 'yaml';
import { mergeValues } from '../../private/helm-values';
import { isPlainObject as isRecord } from '../../private/props';

/** Value path → the value as canonical JSON. */
export type ValuePaths = ReadonlyMap<string, string>;

/** A key as a path segment: plain when it is an identifier-like word, quoted otherwise. */
function segment(key: string): string {
  return /^[A-Za-z0-9_-]+$/.test(key) ? key : JSON.stringify(key);
}

/** Canonical JSON (object keys sorted) so equal values compare equal. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (isRecord(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`).join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

/** Flattens to leaf paths; lists and empty maps are leaves. */
export function flatten(values: unknown, prefix = '', out = new Map<string, string>()): Map<string, string> {
  if (isRecord(values) && Object.keys(values).length > 0) {
    for (const k of Object.keys(values).sort()) flatten(values[k], prefix ? `${prefix}.${segment(k)}` : segment(k), out);
  } else if (prefix !== '') {
    out.set(prefix, canonicalJson(values));
  }
  return out;
}

function setPath(target: Record<string, unknown>, dotted: string, value: unknown): void {
  const parts = dotted.split(/(?<!\\)\./).map((p) => p.replace(/\\\./g, '.'));
  let node = target;
  for (const p of parts.slice(0, -1)) {
    if (!isRecord(node[p])) node[p] = {};
    node = node[p] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]] = value;
}

/**
 * The merged values of a release body. A `values` entry that is not YAML (e.g. a Terraform
 * expression producing YAML at plan time) is kept whole under `values[i]`.
 */
export function releaseValues(body: Readonly<Record<string, unknown>>): Record<string, unknown> {
  let merged: Record<string, unknown> = {};
  const docs = Array.isArray(body.values) ? body.values : [];
  docs.forEach((doc, i) => {
    let parsed: unknown;
    try {
      parsed = typeof doc === 'string' ? parse(doc, { maxAliasCount: 100, merge: true }) : doc; // merge keys (`<<: *anchor`) as Helm's YAML reader applies them
    } catch {
      parsed = undefined;
    }
    if (isRecord(parsed)) merged = mergeValues(merged, parsed) as Record<string, unknown>;
    else if (parsed !== null && parsed !== undefined) merged = { ...merged, [`values[${i}]`]: doc };
  });
  for (const key of ['set', 'set_list', 'set_sensitive']) {
    const entries = body[key];
    if (!Array.isArray(entries)) continue;
    const out = { ...merged };
    for (const e of entries) {
      if (isRecord(e) && typeof e.name === 'string') setPath(out, e.name, key === 'set_sensitive' ? '(sensitive)' : e.value);
    }
    merged = out;
  }
  return merged;
}

/** One changed value path. */
export interface ValueChange {
  readonly path: string;
  readonly change: 'added' | 'removed' | 'changed';
  readonly from?: string;
  readonly to?: string;
}

/** Paths added, removed or changed from `base` to `head`, sorted by path. */
export function diffPaths(base: ValuePaths, head: ValuePaths): ValueChange[] {
  const paths = [...new Set([...base.keys(), ...head.keys()])].sort();
  return paths.flatMap((p): ValueChange[] => {
    const a = base.get(p);
    const b = head.get(p);
    if (a === b) return [];
    if (a === undefined) return [{ path: p, change: 'added', to: b }];
    if (b === undefined) return [{ path: p, change: 'removed', from: a }];
    return [{ path: p, change: 'changed', from: a, to: b }];
  });
}

/** Value paths whose last segments name a secret; their values never appear in a report. */
const SECRET_PATH = /(pass(word|wd)?|secret|token|api[-_]?key|private[-_]?key|credential)/i;
export const REDACTED = '(redacted)';

/**
 * Hides the values of secret-looking paths (and of every field under a Secret's `data` or
 * `stringData`): reports are posted to pull requests, which are wider audiences than state.
 */
export function redact(changes: readonly ValueChange[], secretObject = false): ValueChange[] {
  return changes.map((c) => {
    const hide = SECRET_PATH.test(c.path) || (secretObject && /^(data|stringData|string_data)\b/.test(c.path));
    if (!hide) return c;
    return { ...c, ...(c.from !== undefined ? { from: REDACTED } : {}), ...(c.to !== undefined ? { to: REDACTED } : {}) };
  });
}
