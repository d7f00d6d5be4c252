import { invalid } from './errors';
import { checkFreeForm } from './props';

/** Free-form Helm values for one chart (what `--values` would take). */
export type HelmValues = { readonly [key: string]: unknown };

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Merges `override` onto `base` the way Helm merges values files: maps merge key by key,
 * everything else (lists included) is replaced. Inputs are not modified.
 */
export function mergeValues(base: HelmValues, override: HelmValues | undefined): HelmValues {
  if (!override) return base;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(override)) {
    const prev = out[k];
    out[k] = isPlainObject(prev) && isPlainObject(v) ? mergeValues(prev, v) : v;
  }
  return out;
}

/** Value paths that public examples set but no 1.22 chart reads, with the real key (facts §0, §b). */
const KNOWN_WRONG_KEYS: Readonly<Record<string, string>> = {
  'global.mtls': "mesh-wide mTLS is a PeerAuthentication resource; use the 'mtlsMode' prop",
  'global.ambient': "ambient is enabled by 'profile: ambient' on istiod and cni, which the construct sets",
  'ambient.enabled': "the cni chart key is 'cni.ambient.enabled' (set by 'profile: ambient')",
};

function hasPath(values: HelmValues, path: string): boolean {
  let node: unknown = values;
  for (const part of path.split('.')) {
    if (!isPlainObject(node) || !(part in node)) return false;
    node = node[part];
  }
  return true;
}

/**
 * Rejects escape-hatch values that Helm would silently ignore or that break profiles: a top-level
 * `defaults` key (the charts' internal wrapper; 1.24 fails on it) and keys known not to exist.
 */
export function checkEscapeValues(prop: string, values: HelmValues | undefined): void {
  if (values === undefined) return;
  checkFreeForm(prop, values);
  if ('defaults' in values) {
    throw invalid(prop, "must not nest values under 'defaults' (the chart's internal wrapper; set 'pilot.env', not 'defaults.pilot.env')", Object.keys(values));
  }
  for (const [path, fix] of Object.entries(KNOWN_WRONG_KEYS)) {
    if (hasPath(values, path)) throw invalid(prop, `sets '${path}', which the Istio charts do not read: ${fix}`, path);
  }
}

/** All leaf paths of a values object (`a.b.c`), lists counted as leaves. Used by conformance tests and the review report. */
export function leafPaths(values: HelmValues, prefix = ''): string[] {
  return Object.entries(values).flatMap(([k, v]) => {
    const p = prefix ? `${prefix}.${k}` : k;
    return isPlainObject(v) && Object.keys(v).length > 0 ? leafPaths(v, p) : [p];
  });
}
