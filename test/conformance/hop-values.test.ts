import { parse } from 'yaml';
import { ISTIO_MINORS, IstioVersion } from '../../lib/catalog/istio-versions';
import { leafPaths } from '../../lib/private/helm-values';
import { IstioChart, IstioValuesOptions, istioChartValues } from '../../lib/private/istio-chart-values';
import { readHopFacts } from '../facts';
import { existingClusterMesh, resourcesOf, synthJson, testStack } from '../util';

/**
 * Per hop, the differences in emitted values that ../shared/facts/istio-minor-hops.md predicts
 * (§2.4 "Values an installer typically sets", §2.2 hub), computed from the facts file's cells, never
 * from the library. Values are compared as `path=value` leaves per chart.
 */
const facts = readHopFacts();
const withFacts = facts ? test : test.skip;

/** ztunnel in its own namespace under another release name: the case where trust and naming matter. */
const ZTUNNEL_ELSEWHERE: IstioValuesOptions = { ztunnelNamespace: 'ztunnel-system', ztunnelReleaseName: 'ztunnel-ds' };

type Leaves = Record<string, string[]>;

function leaves(values: Record<string, unknown>): string[] {
  const get = (p: string): unknown => p.split('.').reduce<unknown>((n, k) => (n as Record<string, unknown>)[k], values);
  return leafPaths(values).map((p) => `${p}=${JSON.stringify(get(p))}`).sort();
}

/** What the facts file says an installer sets on each chart for `minor`, with or without ztunnel elsewhere. */
function predicted(minor: string, elsewhere: boolean): Leaves {
  const f = facts!;
  const out: Leaves = { base: [], cni: [], istiod: [], ztunnel: [] };
  if (/^yes/.test(f.valueRow('`profile=ambient`').get(minor)!)) {
    // The library installs ztunnel without a profile, as the install docs do; istiod and cni get it.
    out.istiod.push('profile="ambient"');
    out.cni.push('profile="ambient"');
  }
  if (/set it/.test(f.valueRow('hub ').get(minor)!)) {
    const hub = /always pass `global\.hub=([^`]+)`/.exec(f.text)![1];
    out.istiod.push(`global.hub="${hub}"`);
    out.cni.push(`global.hub="${hub}"`);
    out.ztunnel.push(`hub="${hub}"`);
  }
  if (/^`false`/.test(f.valueRow('`base.enableCRDTemplates`').get(minor)!)) out.base.push('base.enableCRDTemplates=true');
  if (elsewhere) {
    const trust = f.valueRow('`trustedZtunnelNamespace`').get(minor)!;
    if (trust.includes('`pilot.env.CA_TRUSTED_NODE_ACCOUNTS`')) out.istiod.push('pilot.env.CA_TRUSTED_NODE_ACCOUNTS="ztunnel-system/ztunnel"');
    else if (trust.includes('`pilot.trustedZtunnelNamespace`')) out.istiod.push('pilot.trustedZtunnelNamespace="ztunnel-system"');
    else if (trust === 'top-level') out.istiod.push('trustedZtunnelNamespace="ztunnel-system"');
    else throw new Error(`facts §2.4: unexpected trustedZtunnelNamespace cell '${trust}'`);
    if (f.valueRow('`resourceName`').get(minor) === 'default = release name') out.ztunnel.push('resourceName="ztunnel"');
  }
  for (const k of Object.keys(out)) out[k].sort();
  return out;
}

/** What the construct emits (default props) for the latest patch of `minor`. */
function emittedByConstruct(minor: string): Leaves {
  const v = IstioVersion.latestPatches().find((x) => x.minor === minor)!;
  const stack = testStack();
  existingClusterMesh(stack, { istioVersion: v });
  const out: Leaves = {};
  for (const [, r] of resourcesOf(synthJson(stack), 'helm_release')) {
    if (typeof r.version === 'string') out[r.chart as string] = leaves(parse((r.values as string[])[0]) ?? {});
  }
  return out;
}

function emittedBySeam(minor: string, options: IstioValuesOptions): Leaves {
  const v = IstioVersion.latestPatches().find((x) => x.minor === minor)!;
  return Object.fromEntries(Object.values(IstioChart).map((c) => [c, leaves(istioChartValues(c, v, options) as Record<string, unknown>)]));
}

/** Per chart: leaves removed and added from `a` to `b`. */
function diff(a: Leaves, b: Leaves): Record<string, { removed: string[]; added: string[] }> {
  const out: Record<string, { removed: string[]; added: string[] }> = {};
  for (const c of Object.values(IstioChart)) {
    const removed = a[c].filter((x) => !b[c].includes(x));
    const added = b[c].filter((x) => !a[c].includes(x));
    if (removed.length + added.length > 0) out[c] = { removed, added };
  }
  return out;
}

const hops = ISTIO_MINORS.slice(1).map((m, i) => [ISTIO_MINORS[i].minor, m.minor] as const);

describe('emitted values per minor match the facts file', () => {
  withFacts.each(ISTIO_MINORS.map((m) => m.minor))('%s: the construct emits exactly what the facts predict, and the seam with ztunnel elsewhere too', (minor) => {
    expect(emittedByConstruct(minor)).toEqual(predicted(minor, false));
    expect(emittedBySeam(minor, ZTUNNEL_ELSEWHERE)).toEqual(predicted(minor, true));
  });
});

describe('per hop, the value differences the facts file predicts', () => {
  withFacts.each(hops)('%s → %s', (from, to) => {
    expect(diff(emittedByConstruct(from), emittedByConstruct(to))).toEqual(diff(predicted(from, false), predicted(to, false)));
    expect(diff(emittedBySeam(from, ZTUNNEL_ELSEWHERE), emittedBySeam(to, ZTUNNEL_ELSEWHERE))).toEqual(diff(predicted(from, true), predicted(to, true)));
  });

  withFacts('the hops that change what the library emits are the ones the facts name (a tripwire over the whole table)', () => {
    const changed = hops.filter(([a, b]) => Object.keys(diff(predicted(a, true), predicted(b, true))).length > 0).map(([a, b]) => `${a}→${b}`);
    // 1.22→1.23 trust value appears; 1.23→1.24 flattening + CRD templates default; 1.24→1.25 and 1.25→1.26
    // ztunnel resourceName; 1.29→1.30 hub. Derived from the cells above; listed so a facts edit is noticed.
    expect(changed).toEqual(['1.22→1.23', '1.23→1.24', '1.24→1.25', '1.25→1.26', '1.29→1.30']);
  });
});
