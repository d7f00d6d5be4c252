import { knownWrongKeys } from '../catalog/istio-wrong-keys';
import { IstioVersion, ValuesWrapper } from '../catalog/istio-versions';
import { invalid } from './errors';
import { checkFreeForm, isPlainObject } from './props';

/** Free-form Helm values for one chart (what `--values` would take). */
export type HelmValues = { readonly [key: string]: unknown };

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

function hasPath(values: HelmValues, path: string): boolean {
  let node: unknown = values;
  for (const part of path.split('.')) {
    if (!isPlainObject(node) || !(part in node)) return false;
    node = node[part];
  }
  return true;
}

/** The charts' internal wrapper keys of every minor (facts/istio-minor-hops.md §2.3). */
const WRAPPER_KEYS: readonly string[] = Object.values(ValuesWrapper);

/**
 * Rejects escape-hatch values that the chart of this version would silently ignore or that break its
 * render: the charts' internal wrapper keys (`defaults`, `_internal_defaults_do_not_set`; 1.24+ fails
 * on them) and the minor's known-wrong keys (lib/catalog/istio-wrong-keys.ts).
 */
export function checkEscapeValues(prop: string, values: HelmValues | undefined, chart: string, version: IstioVersion): void {
  if (values === undefined) return;
  checkFreeForm(prop, values);
  for (const key of WRAPPER_KEYS) {
    if (key in values) {
      throw invalid(prop, `must not nest values under '${key}' (the chart's internal wrapper; set 'pilot.env', not '${key}.pilot.env')`, Object.keys(values));
    }
  }
  for (const rule of knownWrongKeys(chart, version.minor)) {
    if (hasPath(values, rule.path)) {
      throw invalid(prop, `sets '${rule.path}', which the Istio ${version.minor} ${chart} chart does not read: ${rule.fix}`, rule.path);
    }
  }
}

/** All leaf paths of a values object (`a.b.c`), lists counted as leaves. Used by conformance tests and the review report. */
export function leafPaths(values: HelmValues, prefix = ''): string[] {
  return Object.entries(values).flatMap(([k, v]) => {
    const p = prefix ? `${prefix}.${k}` : k;
    return isPlainObject(v) && Object.keys(v).length > 0 ? leafPaths(v, p) : [p];
  });
}
