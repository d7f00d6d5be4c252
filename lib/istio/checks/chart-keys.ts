import { ValuesWrapper } from '../../catalog/istio-traits';
import { isPlainObject as isObj } from '../../private/props';

type Obj = Record<string, unknown>;

/**
 * What an Istio chart reads, taken from the chart itself: its `values.yaml` and the names of its Helm
 * profiles (`files/profile-<name>.yaml`).
 */
export interface ChartData {
  /** Chart name (`Chart.yaml` `name`). */
  readonly name: string;
  /** Chart version (`Chart.yaml` `version`). */
  readonly version: string;
  /** The parsed `values.yaml`. */
  readonly values: unknown;
  /** Profile names, from `files/profile-<name>.yaml` (compatibility and platform overlays included). */
  readonly profiles: readonly string[];
  /**
   * Dotted `.Values` paths the chart's templates name (`global.proxy.holdApplicationUntilProxyStarts`):
   * read even where values.yaml omits them. Absent: values.yaml alone.
   */
  readonly templateReads?: readonly string[];
}

/** A value path the chart does not read, and why. */
export interface UnreadValue {
  /** Dotted path as the user wrote it (`pilot.envv.FOO`). */
  readonly path: string;
  readonly problem: string;
}

/**
 * The keys Istio's charts keep their defaults under (`manifests/zzz_profile.yaml`): `defaults` up to
 * 1.23, `_internal_defaults_do_not_set` from 1.24, where a user value under it fails the render.
 */
const WRAPPERS: readonly string[] = Object.values(ValuesWrapper);

/**
 * Legacy prefixes the flattened charts (1.24+) still merge onto the top level after the profile
 * (`templates/zzy_descope_legacy.yaml` of istiod and istio-cni, e.g.
 * istio@1.30.3:manifests/charts/istio-cni/templates/zzy_descope_legacy.yaml:3): `pilot.env` is `env`.
 */
const LEGACY_ALIASES: Readonly<Record<string, string>> = { istiod: 'pilot', cni: 'cni' };

/**
 * Charts whose `zzz_profile.yaml` merges `.Values.global` onto the top level, so `global.hub` is `hub`:
 * ztunnel ("Flatten globals" is `if true`: istio@1.30.3:manifests/charts/ztunnel/templates/zzz_profile.yaml:52,
 * and the same in the 1.22 `defaults` layout). (The gateway chart does it only from 1.24.3; CIM-6003 does
 * not check that chart, which has its own values schema.)
 */
const FLATTENS_GLOBALS = new Set(['ztunnel']);

/**
 * Subtrees a chart passes through to an API object unchanged, so any key of that API is read:
 * `meshConfig` (MeshConfig, merged into the `istio` ConfigMap) and `resources` at any depth
 * (ResourceRequirements, rendered with `toYaml`). Below them a key is not compared with values.yaml.
 */
const PASS_THROUGH = new Set(['meshConfig', 'resources']);

/** The chart's defaults below its wrapper, and the wrapper key (or undefined for a chart without one). */
function unwrap(values: unknown): { defaults: Obj; wrapper?: string } {
  const doc = isObj(values) ? values : {};
  const wrapper = WRAPPERS.find((w) => isObj(doc[w]));
  return wrapper ? { defaults: doc[wrapper] as Obj, wrapper } : { defaults: doc };
}

/**
 * `defaults` plus every path a template reads that values.yaml omits (a copy; the chart is cached).
 * A path a template reads as a whole is open (null); a map values.yaml leaves open (`{}`) stays open.
 * Profile selectors are left out: they are checked against the profile files.
 */
function withTemplateReads(defaults: Obj, reads: readonly string[], profileKeys: { top: Set<string>; global: Set<string> }, legacy: string | undefined): Obj {
  if (reads.length === 0) return defaults;
  const copy = (o: Obj): Obj => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, isObj(v) ? copy(v) : v]));
  const tree = copy(defaults);
  for (const read of reads) {
    let parts = read.split('.');
    // on a flattened chart `pilot.*` is merged onto the top level (the injection template's
    // `.Values.pilot.cni.enabled` is `cni.enabled`): adding `pilot` would close it to the keys read
    if (legacy !== undefined && parts[0] === legacy && !isObj(defaults[legacy])) {
      parts = parts.slice(1);
      if (parts.length === 0) continue;
    }
    if (parts[0].startsWith('_') || WRAPPERS.includes(parts[0])) continue;
    if (parts.length === 1 && profileKeys.top.has(parts[0])) continue;
    if (parts.length === 2 && parts[0] === 'global' && profileKeys.global.has(parts[1])) continue;
    let node = tree;
    for (let i = 0; i < parts.length; i++) {
      const k = parts[i];
      const created = !(k in node);
      if (created) node[k] = i === parts.length - 1 ? null : {};
      const next = node[k];
      if (!isObj(next) || (!created && Object.keys(next).length === 0)) break; // open, or a leaf
      node = next;
    }
  }
  return tree;
}

/** Edit distance with adjacent transpositions (optimal string alignment): `levle` is one edit from `level`. */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** `(did you mean 'env'?)` when one sibling is within two edits (or differs only in case). */
function suggestion(key: string, siblings: string[]): string {
  const scored = siblings.map((s) => ({ s, d: s.toLowerCase() === key.toLowerCase() ? 0 : distance(key, s) }))
    .filter((x) => x.d <= Math.min(2, Math.floor(key.length / 3)) || x.d === 0)
    .sort((a, b) => a.d - b.d || a.s.localeCompare(b.s));
  return scored.length > 0 ? ` (did you mean '${scored[0].s}'?)` : '';
}

/**
 * The paths of `values` that the chart does not read: each key must exist in the chart's
 * `values.yaml` (below its wrapper), or sit below a map the chart leaves open (an empty `{}`, a
 * `null` default, or a pass-through API object such as `meshConfig`). Also: the wrapper key itself,
 * a map where the chart has a scalar (or the reverse), and a `profile` / `compatibilityVersion` /
 * `platform` the chart has no profile file for (the render fails on an unknown profile).
 */
export function unreadValues(chart: ChartData, values: Obj): UnreadValue[] {
  const { defaults: listed, wrapper } = unwrap(chart.values);
  const flattened = wrapper === ValuesWrapper.INTERNAL_DEFAULTS;
  const legacy = flattened ? LEGACY_ALIASES[chart.name] : undefined;
  const profiles = new Set(chart.profiles);
  // istio@1.24.6 zzz_profile.yaml reads `.Values.global.platform`; from 1.25 `coalesce(.profile, .global.profile)`
  // and `coalesce(.platform, .global.platform)` (istio@1.25.5:manifests/zzz_profile.yaml:27,41).
  const [major, minor] = chart.version.replace(/^v/, '').split('.').map((x) => parseInt(x, 10));
  const atLeast = (m: number): boolean => major > 1 || (major === 1 && minor >= m);
  const profileKeys = { top: new Set(['profile', 'compatibilityVersion', ...(atLeast(25) ? ['platform'] : [])]), global: new Set([...(atLeast(25) ? ['profile'] : []), ...(atLeast(24) ? ['platform'] : [])]) };
  const defaults = withTemplateReads(listed, chart.templateReads ?? [], profileKeys, legacy);
  const reads = new Set(chart.templateReads ?? []);
  const out: UnreadValue[] = [];

  const profileValue = (p: string, key: string, v: unknown): void => {
    const file = key === 'profile' ? String(v) : key === 'compatibilityVersion' ? `compatibility-version-${String(v)}` : `platform-${String(v)}`;
    if (v === '' || v === null) return;
    // a platform without a profile file only fails to overlay; a template may read it (istiod's PLATFORM env)
    if (key === 'platform' && (reads.has(p) || (FLATTENS_GLOBALS.has(chart.name) && reads.has(key)))) return;
    if (!profiles.has(file)) {
      const known = [...profiles].filter((f) => (key === 'profile' ? !f.startsWith('compatibility-version-') && !f.startsWith('platform-') : f.startsWith(key === 'compatibilityVersion' ? 'compatibility-version-' : 'platform-')))
        .map((f) => f.replace(/^(compatibility-version-|platform-)/, '')).sort();
      out.push({ path: p, problem: `'${String(v)}' names no profile of the chart: it has no files/profile-${file}.yaml${key === 'platform' ? '' : ', and the render fails on an unknown profile'} (known: ${known.join(', ') || 'none'})` });
    }
  };

  const walk = (node: Obj, ref: Obj, prefix: string, atTop: boolean, refLabel?: string): void => {
    for (const [k, v] of Object.entries(node)) {
      const p = prefix ? `${prefix}.${k}` : k;
      if (atTop && WRAPPERS.includes(k)) {
        out.push({ path: p, problem: `'${k}' is the chart's internal wrapper of its defaults, not a value: set the keys below it at the top level${flattened ? ' (the render fails on it)' : ''}` });
        continue;
      }
      if (atTop && profileKeys.top.has(k) && !(k in ref)) {
        profileValue(p, k, v);
        continue;
      }
      if (atTop && k === 'global' && isObj(v)) {
        // `global.profile` / `global.platform` select profiles (1.25+: coalesce(.profile, .global.profile)).
        const refGlobal = isObj(ref.global) ? ref.global : {};
        const rest: Obj = {};
        for (const [gk, gv] of Object.entries(v)) {
          if (profileKeys.global.has(gk) && !(gk in refGlobal)) profileValue(`${p}.${gk}`, gk, gv);
          else rest[gk] = gv;
        }
        if (FLATTENS_GLOBALS.has(chart.name)) {
          // merged onto the top level: a key is read when the chart has it under `global` or at the top
          for (const [gk, gv] of Object.entries(rest)) walk({ [gk]: gv }, gk in refGlobal ? refGlobal : ref, p, false, `a key of 'global' or a top-level key in the chart's values.yaml (which 'global.*' is merged onto)`);
          continue;
        }
        if (Object.keys(rest).length === 0) continue;
        if (isObj(ref.global) && Object.keys(ref.global).length > 0) {
          walk(rest, ref.global, p, false);
          continue;
        }
      }
      if (atTop && legacy !== undefined && k === legacy && isObj(v) && !isObj(ref[k])) {
        walk(v, ref, p, false, `a top-level key in the chart's values.yaml (which '${k}.*' is merged onto)`); // `pilot.x` / `cni.x` is merged onto `x`
        continue;
      }
      if (!(k in ref)) {
        const where = refLabel ?? `${prefix ? `a key of '${prefix}'` : 'a top-level key'} in the chart's values.yaml`;
        out.push({ path: p, problem: `'${k}' is not ${where}${suggestion(k, Object.keys(ref))}` });
        continue;
      }
      const r = ref[k];
      if (r === null || r === undefined || PASS_THROUGH.has(k)) continue;
      if (isObj(r)) {
        if (Object.keys(r).length === 0) continue; // a free-form map (`env: {}`, `podAnnotations: {}`)
        if (isObj(v)) walk(v, r, p, false);
        else if (v !== null) out.push({ path: p, problem: `is a map in the chart (keys ${Object.keys(r).slice(0, 6).join(', ')}${Object.keys(r).length > 6 ? ', …' : ''}), not a ${Array.isArray(v) ? 'list' : 'scalar'}` });
      } else if (isObj(v)) {
        out.push({ path: p, problem: `is a ${Array.isArray(r) ? 'list' : 'scalar'} in the chart, not a map` });
      }
    }
  };
  walk(values, defaults, '', true);
  return out;
}
