import { IstioVersion } from '../../../lib/catalog/istio-versions';
import { CanaryPhase } from '../../../lib/istio/canary-phase';
import { IstioCanaryRevision } from '../../../lib/istio/istio-canary-revision';
import { AuthorizationPolicy } from '../../../lib/istio/policy/authorization-policy';
import { Waypoint } from '../../../lib/istio/policy/waypoint';
import { IstioResource } from '../../../lib/istio/resources';
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

  describe('during a canary upgrade resources are judged at every minor in play, and only those', () => {
    // TrafficExtension exists from 1.30 (extensions.istio.io/v1alpha1, lib/catalog/istio-apis.ts from the CRDs).
    const ext = { apiVersion: 'extensions.istio.io/v1alpha1', kind: 'TrafficExtension', metadata: { name: 'ext', namespace: 'shop' }, spec: {} };
    const partners = { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'partners', namespace: 'shop' }, spec: { rules: [{ from: [{ source: { trustDomains: ['partner.example'] } }] }] } };
    const at = (resources: IstioResource[], phase?: CanaryPhase) => {
      const stack = testStack();
      const mesh = testMesh(stack, { istioVersion: IstioVersion.V1_29_6, ambientNamespaces: ['shop'], meshResources: resources, allowUnsupportedKubernetesVersion: true });
      if (phase) new IstioCanaryRevision(stack, 'Upgrade', { mesh, canaryVersion: IstioVersion.V1_30_3, phase, dataPlaneVersion: phase === CanaryPhase.INSTALLED ? undefined : IstioVersion.V1_30_3 });
      return [...annotationsOf(stack, 'error'), ...annotationsOf(stack, 'warning')].filter((a) => a.includes('[CIM-')).map((a) => /\[(CIM-\d+)\].*?Istio (1\.\d+)/.exec(a)!.slice(1).join(' at ')).sort();
    };
    test('a 1.30-only kind: not served while 1.29 runs; after the hop (old revision removed) only the 1.30 alpha warning', () => {
      expect(at([ext])).toEqual(['CIM-3001 at 1.29']);
      expect(at([ext], CanaryPhase.INSTALLED)).toEqual(['CIM-3001 at 1.29', 'CIM-3002 at 1.30']);
      expect(at([ext], CanaryPhase.OLD_REMOVED)).toEqual(['CIM-3002 at 1.30']);
      const stack = testStack();
      const mesh = testMesh(stack, { istioVersion: IstioVersion.V1_29_6, ambientNamespaces: ['shop'], meshResources: [ext], allowUnsupportedKubernetesVersion: true });
      new IstioCanaryRevision(stack, 'Upgrade', { mesh, canaryVersion: IstioVersion.V1_30_3, phase: CanaryPhase.INSTALLED });
      expect(annotationsOf(stack, 'error')[0]).toContain('which Istio 1.29 does not serve (served: none, the kind is newer) (its istiod still runs during the canary upgrade and ignores it; the CRDs may already be the canary\'s).');
    });
    test('a finding that reads the same at both minors is reported once (an L7 rule on ztunnel)', () => {
      const l7 = { ...partners, metadata: { name: 'get', namespace: 'shop' }, spec: { rules: [{ to: [{ operation: { methods: ['GET'] } }] }] } };
      const stack = testStack();
      const mesh = testMesh(stack, { istioVersion: IstioVersion.V1_29_6, ambientNamespaces: ['shop'], meshResources: [l7], allowUnsupportedKubernetesVersion: true });
      new IstioCanaryRevision(stack, 'Upgrade', { mesh, canaryVersion: IstioVersion.V1_30_3, phase: CanaryPhase.INSTALLED });
      expect(annotationsOf(stack, 'error').filter((a) => a.includes('[CIM-1001]'))).toHaveLength(1);
    });
    test('a policy ztunnel mis-enforces at both minors is reported at each while both run, once per minor', () => {
      expect(at([partners], CanaryPhase.PROMOTED)).toEqual(['CIM-1003 at 1.29', 'CIM-1003 at 1.30']);
      expect(at([partners], CanaryPhase.OLD_REMOVED)).toEqual(['CIM-1003 at 1.30']);
    });
  });

  test('1.25: the construct still writes service accounts as principals (valid at every minor)', () => {
    const stack = testStack();
    const mesh = testMesh(stack, { istioVersion: IstioVersion.V1_25_5, ambientNamespaces: ['shop'] });
    const p = new AuthorizationPolicy(stack, 'P', { mesh, namespace: 'shop', rules: [{ from: [{ serviceAccounts: [{ namespace: 'a', name: 'b' }] }] }] });
    expect(p.resource.spec.rules).toEqual([{ from: [{ source: { principals: ['cluster.local/ns/a/sa/b'] } }] }]);
  });
});
