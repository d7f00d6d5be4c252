import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { CrdHandling, ISTIO_MINORS, IstioVersion } from '../../lib/catalog/istio-versions';
import { knownWrongKeys } from '../../lib/catalog/istio-wrong-keys';
import { IstioAmbientCluster } from '../../lib/istio/istio-ambient-cluster';
import { IstioChart, IstioValuesOptions, istioChartValues } from '../../lib/private/istio-chart-values';
import { existingCluster, resourcesOf, sharedIstioDir, synthJson, testStack } from '../util';
import { ChartValuesReference } from './istio-reference';

/** Every official-chart helm_release the construct emits for one version, over the props that change values. */
function emittedReleases(v: IstioVersion): { version: string; chart: string; values: Record<string, unknown> }[] {
  const out: { version: string; chart: string; values: Record<string, unknown> }[] = [];
  for (const imageHub of [undefined, 'registry.example.com/istio']) {
    const stack = testStack();
    new IstioAmbientCluster(stack, 'Mesh', { cluster: existingCluster(), istioVersion: v, imageHub, allowUnsupportedKubernetesVersion: true });
    for (const [, r] of resourcesOf(synthJson(stack), 'helm_release')) {
      if (typeof r.version !== 'string') continue; // the generated chart has no version
      out.push({ version: r.version, chart: r.chart as string, values: parse((r.values as string[])[0]) ?? {} });
    }
  }
  return out;
}

/** Seam inputs that reach every branch: defaults, a hub, a revision, ztunnel elsewhere under another release name. */
const SEAM_INPUTS: IstioValuesOptions[] = [
  {},
  { imageHub: 'registry.example.com/istio', revision: 'canary' },
  { istiodNamespace: 'istio-system', ztunnelNamespace: 'ztunnel-system', ztunnelReleaseName: 'ztunnel-ds' },
];

describe.each(ISTIO_MINORS.map((m) => m.minor))('chart values conform to Istio %s charts', (minor) => {
  const dir = sharedIstioDir(minor);
  const maybe = dir ? test : test.skip;
  const versions = IstioVersion.supported().filter((v) => v.minor === minor);

  maybe('every value key of every release the construct emits, at every patch, exists in the real chart', () => {
    for (const v of versions) {
      const releases = emittedReleases(v);
      expect(releases.map((r) => r.chart).sort()).toEqual([...Object.values(IstioChart), ...Object.values(IstioChart)].sort());
      expect(new Set(releases.map((r) => r.version))).toEqual(new Set([v.version]));
      const problems = releases.flatMap((r) => new ChartValuesReference(dir!, r.chart).problems(r.values));
      expect(problems).toEqual([]);
    }
  });

  maybe('the values seam conforms for every input branch, and never sets a value to the chart default it already has', () => {
    const latest = versions[versions.length - 1];
    for (const chart of Object.values(IstioChart)) {
      const ref = new ChartValuesReference(dir!, chart);
      for (const input of SEAM_INPUTS) {
        const values = istioChartValues(chart, latest, input) as Record<string, unknown>;
        expect(ref.problems(values)).toEqual([]);
      }
    }
    // base: enableCRDTemplates only where the chart's default is false (1.22–1.23).
    const base = new ChartValuesReference(dir!, 'base');
    const baseValues = istioChartValues(IstioChart.BASE, latest) as { base?: { enableCRDTemplates?: boolean } };
    expect(baseValues.base?.enableCRDTemplates !== undefined).toBe(base.defaultAt('base.enableCRDTemplates') === false);
  });

  maybe('the hub the library sets by default is never a registry the chart data calls retired', () => {
    const latest = versions[versions.length - 1];
    const sourceMd = fs.readFileSync(path.join(dir!, 'SOURCE.md'), 'utf8');
    // SOURCE.md states the released charts' default hub when it is not docker.io/istio ("default to **`registry…`**").
    const retiredDefault = /released\*\* 1\.\d+ charts default to \*\*`([^`]+)`\*\*/.exec(sourceMd)?.[1];
    const ztunnel = istioChartValues(IstioChart.ZTUNNEL, latest) as { hub?: string };
    const istiod = istioChartValues(IstioChart.ISTIOD, latest) as { global?: { hub?: string } };
    const cni = istioChartValues(IstioChart.CNI, latest) as { global?: { hub?: string } };
    if (retiredDefault) {
      expect([ztunnel.hub, istiod.global?.hub, cni.global?.hub]).toEqual(['docker.io/istio', 'docker.io/istio', 'docker.io/istio']);
    } else {
      expect([ztunnel.hub, istiod.global?.hub, cni.global?.hub]).toEqual([undefined, undefined, undefined]);
    }
  });

  maybe("the catalog's traits of this minor match its chart data", () => {
    const info = ISTIO_MINORS.find((m) => m.minor === minor)!;
    const istiod = new ChartValuesReference(dir!, 'istiod');
    const cni = new ChartValuesReference(dir!, 'cni');
    const ztunnel = new ChartValuesReference(dir!, 'ztunnel');
    const base = new ChartValuesReference(dir!, 'base');
    expect(istiod.wrapper).toBe(info.valuesWrapper);
    expect([istiod.flattened, cni.flattened]).toEqual([info.flattenedValues, info.flattenedValues]);
    expect(base.defaultAt('base.enableCRDTemplates')).toBe(info.crdHandling === CrdHandling.TEMPLATES);
    const trust = info.ztunnel.trustedNamespaceValue;
    expect(['trustedZtunnelNamespace', 'pilot.trustedZtunnelNamespace'].filter((p) => istiod.defaultAt(p) !== undefined)).toEqual(trust ? [trust] : []);
    expect(istiod.defaultAt(info.flattenedValues ? 'trustedZtunnelName' : 'pilot.trustedZtunnelName') !== undefined).toBe(info.ztunnel.trustedNameSincePatch !== undefined);
    expect(ztunnel.defaultAt('xdsAddress') !== undefined).toBe(info.ztunnel.xdsAddressValue);
    // ztunnel's values.yaml says what resourceName defaults to: "the release name" (1.25) or 'ztunnel'.
    const ztunnelText = fs.readFileSync(path.join(dir!, 'ztunnel.values.yaml'), 'utf8');
    const namedAfterRelease = /resourceName.*default to the release name/.test(ztunnelText);
    expect(namedAfterRelease ? 'release-name' : 'static').toBe(info.ztunnel.resourceName);
  });

  maybe("this minor's known-wrong keys are really absent from its charts", () => {
    for (const chart of Object.values(IstioChart)) {
      const ref = new ChartValuesReference(dir!, chart);
      for (const rule of knownWrongKeys(chart, minor)) {
        const values = rule.path.split('.').reduceRight<unknown>((acc, part) => ({ [part]: acc }), 'x') as Record<string, unknown>;
        expect({ path: rule.path, problems: ref.problems(values) }).toEqual({ path: rule.path, problems: [expect.any(String)] });
      }
    }
  });

  maybe('the checker catches the keys public examples get wrong (it can fail)', () => {
    const ref = (chart: string): ChartValuesReference => new ChartValuesReference(dir!, chart);
    expect(ref('istiod').problems({ global: { mtls: { mode: 'STRICT' } } })).toEqual([expect.stringMatching(/'global.mtls' does not exist/)]);
    expect(ref('base').problems({ global: { ambient: { enabled: true } } })).toEqual([expect.stringMatching(/'global.ambient' does not exist/)]);
    expect(ref('istiod').problems({ defaults: { pilot: {} } })).toEqual([expect.stringMatching(/internal wrapper/)]);
    expect(ref('istiod').problems({ _internal_defaults_do_not_set: { env: {} } })).toEqual([expect.stringMatching(/internal wrapper/)]);
    expect(ref('istiod').problems({ profile: 'sidecar' })).toEqual([expect.stringMatching(/profile 'sidecar' is not a Helm profile/)]);
    expect(ref('istiod').problems({ pilot: { env: { ANY_NAME: '1' } }, profile: 'ambient' })).toEqual([]);
  });
});
