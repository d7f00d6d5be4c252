import { PlatformStack } from '../examples/existing-cluster-own-providers';
import { MeshStack } from '../examples/new-cluster-one-construct';
import { PaymentPoliciesStack } from '../examples/payment-policies';
import { release, resourcesOf, synthJson, testApp } from './util';
import { planDiff } from './istio/canary-util';

describe('examples synthesize', () => {
  test('existing cluster, your own aliased providers', () => {
    const stack = new PlatformStack(testApp(), 'platform');
    const json = synthJson(stack);
    for (const [, r] of resourcesOf(json, 'helm_release')) expect(r.provider).toBe('helm.platform');
    expect(resourcesOf(json, 'kubernetes_labels').map(([, l]) => (l.metadata as { name: string }).name).sort()).toEqual(['checkout', 'payments']);
    expect(stack.mesh.meshConfig.resources[0].spec).toEqual({ mtls: { mode: 'PERMISSIVE' } });
    expect(json.data!.aws_eks_cluster).toBeDefined();
    expect(JSON.stringify(json.provider!.kubernetes)).toContain('platform-deployer');
  });

  test('new cluster from one construct, providers created by the stack', () => {
    const stack = new MeshStack(testApp(), 'mesh');
    const json = synthJson(stack);
    expect(resourcesOf(json, 'aws_eks_cluster')).toHaveLength(1);
    expect(resourcesOf(json, 'aws_subnet')).toHaveLength(6);
    expect(release(json, 'istiod').version).toBe('1.22.8');
    expect(JSON.stringify(json.provider!.helm)).toContain('get-token');
  });

  test('payment policies: the seed case, a Telemetry override and an L7 rule on a waypoint; no precheck error or warning', () => {
    const app = testApp();
    const stack = new PaymentPoliciesStack(app, 'payments');
    const json = synthJson(stack);
    expect(resourcesOf(json, 'helm_release').map(([, r]) => r.name).filter((n) => String(n).startsWith('policy-')).sort()).toEqual([
      'policy-authz-payments-no-refunds-from-shop', 'policy-authz-payments-payment-callers', 'policy-telemetry-payments-payment-metrics', 'policy-waypoint-payments-waypoint',
    ]);
    expect(stack.refunds.resource.spec.targetRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'waypoint' }]);
    const levels = stack.node.findAll().flatMap((c) => c.node.metadata.filter((m) => String(m.data).includes('[CIM-')).map((m) => m.type));
    expect(levels).toEqual(['@cdktf/info']); // the one suppressed selector check
  });
});

describe('examples/canary-upgrade: one context value per pipeline step', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { CANARY_STEPS, CanaryUpgradeStack } = require('../examples/canary-upgrade/canary-upgrade') as typeof import('../examples/canary-upgrade/canary-upgrade');
  const steps = Object.keys(CANARY_STEPS);
  const synths = steps.map((canaryStep) => synthJson(new CanaryUpgradeStack(testApp({ canaryStep }), 'canary')));

  test('the steps run in the documented order', () => {
    expect(steps).toEqual(['installed', 'stage-1', 'stage-2', 'promoted', 'data-plane', 'old-removed']);
  });

  test.each([
    ['stage-1', { update: ['rev-label.shop'] }],
    ['stage-2', { update: ['rev-label.checkout', 'rev-label.payments'] }],
    ['promoted', { update: ['helm_release.istio-base', 'helm_release.istio-tag-prod-stable'] }],
    ['data-plane', { update: ['helm_release.istio-cni', 'helm_release.ztunnel'] }],
    ['old-removed', { destroy: ['helm_release.istiod'], update: ['rev-label.checkout', 'rev-label.payments', 'rev-label.shop'] }],
  ])('step %s changes exactly what the phase table says', (step, diff) => {
    const i = steps.indexOf(step);
    expect(planDiff(synths[i - 1], synths[i])).toEqual({ create: [] as string[], destroy: [] as string[], ...diff });
  });

  test('an unknown step fails before anything is built', () => {
    expect(() => new CanaryUpgradeStack(testApp({ canaryStep: 'finish' }), 'canary')).toThrow(/context 'canaryStep' must be one of installed, stage-1/);
  });
});
