import { parse, stringify } from 'yaml';
import { IstioVersion } from '../../lib/catalog/istio-versions';
import { IstioChart } from '../../lib/private/istio-chart-values';
import { isYaml11NonString, kubeYaml } from '../../lib/private/kube-yaml';
import { resourcesOf, synthJson, testMesh, testStack } from '../util';

/**
 * Strings that go-yaml v2 (sigs.k8s.io/yaml: how Helm reads values and Kubernetes' client reads
 * manifests) does not read back as strings when written plain (gopkg.in/yaml.v2 resolve.go; real Helm
 * confirms them in test/helm-render). The `yaml` package's YAML 1.1 parser stands in for it here.
 */
const YAML11_TRAPS = ['yes', 'Yes', 'on', 'ON', 'Off', 'n', 'N', 'y', 'NO', 'true', '~', 'null', '', '1_000', '0755', '0x1F', '09', '+12', '.5', '1e3', '-.inf', '.NaN'];

describe('kubeYaml', () => {
  test.each(YAML11_TRAPS)('%p is read back as the same string by a YAML 1.1 reader, as a value and as a key', (s) => {
    expect(isYaml11NonString(s)).toBe(true);
    const text = kubeYaml({ k: s, [s]: 'v', list: [s] });
    expect(parse(text, { version: '1.1' })).toEqual({ k: s, [s]: 'v', list: [s] });
    expect(parse(text)).toEqual({ k: s, [s]: 'v', list: [s] });
  });

  test('the traps are real: plain YAML 1.2 output of on, yes, n and 1_000 reads as booleans and numbers in YAML 1.1', () => {
    expect(parse(stringify({ a: 'on', b: 'yes', n: 'x', c: '1_000' }), { version: '1.1' })).toEqual({ a: true, b: true, false: 'x', c: 1000 });
  });

  test('ordinary strings are written exactly as before (same chart text and content hash)', () => {
    const ordinary = ['istio-system', 'cluster.local/ns/shop/sa/frontend', '10.0.0.0/8', '1-22-8', '2001-12-14', '1:20', 'STRICT', '/refunds/*', 'a b', 'v1.2.0', '_1x', '-x'];
    for (const s of ordinary) expect(isYaml11NonString(s)).toBe(false);
    const resource = { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'p', namespace: 'shop' }, spec: { rules: [{ when: [{ key: 'k', values: ordinary }] }], port: 8080, flag: true, version: '8080' } };
    expect(kubeYaml(resource)).toBe(stringify(resource, { lineWidth: 0 }));
    expect(kubeYaml(resource, 80)).toBe(stringify(resource));
  });

  test("an istiod escape value 'on' reaches Helm as the string 'on'", () => {
    const stack = testStack();
    testMesh(stack, { istioVersion: IstioVersion.V1_22_8, istiodValues: { pilot: { env: { MY_FLAG: 'on', N: 'n' } } } });
    const istiod = resourcesOf(synthJson(stack), 'helm_release').find(([, r]) => r.chart === IstioChart.ISTIOD)!;
    const values = parse((istiod[1].values as string[])[0], { version: '1.1' }) as { pilot: { env: Record<string, unknown> } };
    expect(values.pilot.env).toEqual(expect.objectContaining({ MY_FLAG: 'on', N: 'n' }));
  });
});
