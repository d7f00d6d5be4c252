import { IstioVersion } from '../../../lib/catalog/istio-versions';
import { AuthorizationPolicy } from '../../../lib/istio/policy/authorization-policy';
import { Waypoint } from '../../../lib/istio/policy/waypoint';
import { annotationsOf, resourcesOf, synthJson, testMesh, testStack } from '../../util';

describe('policies on later minors (version-dependent behaviour)', () => {
  test('1.23+: a waypoint used from another namespace labels it with use-waypoint and use-waypoint-namespace', () => {
    const stack = testStack();
    const mesh = testMesh(stack, { istioVersion: IstioVersion.V1_23_6, ambientNamespaces: ['shop'] });
    new Waypoint(stack, 'W', { mesh, namespace: 'shop', useInNamespaces: ['shop', 'orders'] });
    const labels = resourcesOf(synthJson(stack), 'kubernetes_labels').filter(([, r]) => (r.metadata as { name: string }).name === 'orders');
    expect(labels.map(([, r]) => r.labels)).toEqual([{ 'istio.io/use-waypoint': 'waypoint', 'istio.io/use-waypoint-namespace': 'shop' }]);
  });

  test.each([
    [IstioVersion.V1_22_8, 'v1.1.0/experimental-install.yaml'],
    [IstioVersion.V1_25_5, 'v1.2.1/standard-install.yaml'],
    [IstioVersion.V1_30_3, 'v1.5.1/experimental-install.yaml'],
  ])('Istio %s: the waypoint install check names the Gateway API release its docs use (%s)', (version, asset) => {
    const stack = testStack();
    const mesh = testMesh(stack, { istioVersion: version, ambientNamespaces: ['shop'] });
    const w = new Waypoint(stack, 'W', { mesh, namespace: 'shop' });
    expect(w.chart.files['templates/check-gateway-api-crds.yaml']).toContain(`releases/download/${asset}`);
  });

  test('1.30: trustDomains in a raw policy ztunnel enforces fails synth (CIM-1003: ztunnel ignores it, the ALLOW allows more)', () => {
    const stack = testStack();
    testMesh(stack, {
      istioVersion: IstioVersion.V1_30_3, ambientNamespaces: ['shop'],
      meshResources: [{ apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'partners', namespace: 'shop' }, spec: { rules: [{ from: [{ source: { trustDomains: ['partner.example'] } }] }] } }],
    });
    expect(annotationsOf(stack, 'error')).toEqual([expect.stringMatching(/^\[test\/Mesh\] \[CIM-1003\].*Istio 1\.30's ztunnel ignores from\[0\]\.source\.trustDomains/)]);
  });

  test('1.25: the construct still writes service accounts as principals (valid at every minor)', () => {
    const stack = testStack();
    const mesh = testMesh(stack, { istioVersion: IstioVersion.V1_25_5, ambientNamespaces: ['shop'] });
    const p = new AuthorizationPolicy(stack, 'P', { mesh, namespace: 'shop', rules: [{ from: [{ serviceAccounts: [{ namespace: 'a', name: 'b' }] }] }] });
    expect(p.resource.spec.rules).toEqual([{ from: [{ source: { principals: ['cluster.local/ns/a/sa/b'] } }] }]);
  });
});
