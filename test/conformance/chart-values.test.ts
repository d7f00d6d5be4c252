import { parse } from 'yaml';
import { ISTIO_CHART_REPOSITORY, IstioVersion } from '../../lib/catalog/istio-versions';
import { IstioAmbientCluster } from '../../lib/istio/istio-ambient-cluster';
import { IstioChart, istioChartValues } from '../../lib/private/istio-chart-values';
import { resourcesOf, sharedIstioDir, synthJson, testStack, existingCluster } from '../util';
import { ChartValuesReference } from './istio-reference';

/** Every official-chart helm_release the construct can emit, over versions and the props that change values. */
function emittedReleases(): { version: string; chart: string; values: Record<string, unknown> }[] {
  const out: { version: string; chart: string; values: Record<string, unknown> }[] = [];
  for (const v of IstioVersion.supported()) {
    for (const imageHub of [undefined, 'registry.example.com/istio']) {
      const stack = testStack();
      new IstioAmbientCluster(stack, 'Mesh', { cluster: existingCluster(), istioVersion: v, imageHub });
      for (const [, r] of resourcesOf(synthJson(stack), 'helm_release')) {
        if (r.repository !== ISTIO_CHART_REPOSITORY) continue;
        out.push({ version: r.version as string, chart: r.chart as string, values: parse((r.values as string[])[0]) ?? {} });
      }
    }
  }
  return out;
}

const minors = [...new Set(IstioVersion.supported().map((v) => v.minor))];

describe.each(minors)('chart values conform to Istio %s charts', (minor) => {
  const dir = sharedIstioDir(minor);
  const maybe = dir ? test : test.skip;

  maybe('every value key of every release the library can emit exists in the real chart', () => {
    const releases = emittedReleases().filter((r) => r.version.startsWith(`${minor}.`));
    expect(new Set(releases.map((r) => r.chart))).toEqual(new Set(Object.values(IstioChart)));
    expect(releases.length).toBe(IstioVersion.supported().filter((v) => v.minor === minor).length * 2 * 4);
    const problems = releases.flatMap((r) => new ChartValuesReference(dir!, r.chart).problems(r.values));
    expect(problems).toEqual([]);
  });

  maybe('the values builder itself, with a revision, also conforms', () => {
    for (const chart of Object.values(IstioChart)) {
      const values = istioChartValues(chart, { imageHub: 'h', revision: '1-22-8' }) as Record<string, unknown>;
      expect(new ChartValuesReference(dir!, chart).problems(values)).toEqual([]);
    }
  });

  maybe('the checker catches the keys public examples get wrong (it can fail)', () => {
    expect(new ChartValuesReference(dir!, 'istiod').problems({ global: { mtls: { mode: 'STRICT' } } })).toEqual([expect.stringMatching(/'global.mtls' does not exist/)]);
    expect(new ChartValuesReference(dir!, 'base').problems({ global: { ambient: { enabled: true } } })).toEqual([expect.stringMatching(/'global.ambient' does not exist/)]);
    expect(new ChartValuesReference(dir!, 'cni').problems({ ambient: { enabled: true } })).toEqual([expect.stringMatching(/'ambient' does not exist/)]);
    expect(new ChartValuesReference(dir!, 'istiod').problems({ defaults: { pilot: {} } })).toEqual([expect.stringMatching(/internal wrapper/)]);
    expect(new ChartValuesReference(dir!, 'istiod').problems({ profile: 'sidecar' })).toEqual([expect.stringMatching(/profile 'sidecar' is not a Helm profile/)]);
    expect(new ChartValuesReference(dir!, 'istiod').problems({ pilot: { env: { ANY_NAME: '1' } }, profile: 'ambient' })).toEqual([]);
  });
});
