import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, TerraformStack } from 'cdktf';
import { DeploymentV1 } from '@cdktf/provider-kubernetes/lib/deployment-v1';
import { MeshChecks, CheckId } from '../../../lib/istio/checks/check-registry';
import { AuthorizationAction, AuthorizationPolicy } from '../../../lib/istio/policy/authorization-policy';
import { IstioMetric, Telemetry } from '../../../lib/istio/policy/telemetry';
import { Waypoint } from '../../../lib/istio/policy/waypoint';
import { annotationsOf, release, synthJson, testMesh, testStack } from '../../util';

/** The seed's ask: "only the frontend and the API gateway may call the payment service", plus a Telemetry override. */
function seedStack(stack: TerraformStack = testStack()) {
  const mesh = testMesh(stack, { ambientNamespaces: ['payments', 'shop', 'edge'] });
  new DeploymentV1(stack, 'Payment', {
    metadata: { name: 'payment', namespace: 'payments' },
    spec: { selector: { matchLabels: { app: 'payment' } }, template: { metadata: { labels: { app: 'payment' } }, spec: { container: [{ name: 'app', image: 'example/payment:1.4.2' }] } } },
  });
  const callers = new AuthorizationPolicy(stack, 'PaymentCallers', {
    mesh, namespace: 'payments', selector: { app: 'payment' }, action: AuthorizationAction.ALLOW,
    rules: [{ from: [{ serviceAccounts: [{ namespace: 'shop', name: 'frontend' }, { namespace: 'edge', name: 'api-gateway' }] }] }],
  });
  const telemetry = new Telemetry(stack, 'PaymentMetrics', {
    mesh, namespace: 'payments',
    metricOverrides: [{ metric: IstioMetric.REQUEST_COUNT, removeTags: ['request_protocol'] }, { metric: IstioMetric.REQUEST_SIZE, disabled: true }],
  });
  return { stack, mesh, callers, telemetry };
}

describe("seed case: only the frontend and the API gateway may call the payment service", () => {
  test('renders one L4 ALLOW policy ztunnel enforces, with the two callers as principals', () => {
    const { callers } = seedStack();
    expect(callers.resource).toEqual({
      apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy',
      metadata: { name: 'payment-callers', namespace: 'payments' },
      spec: {
        action: 'ALLOW', selector: { matchLabels: { app: 'payment' } },
        rules: [{ from: [{ source: { principals: ['cluster.local/ns/shop/sa/frontend', 'cluster.local/ns/edge/sa/api-gateway'] } }] }],
      },
    });
  });

  test('each policy is its own helm_release, after istiod and ztunnel and the namespace', () => {
    const { stack } = seedStack();
    const json = synthJson(stack);
    const r = release(json, 'policy-authz-payments-payment-callers');
    expect(r.depends_on).toEqual(expect.arrayContaining([
      `helm_release.${release(json, 'istiod').logicalId}`, `helm_release.${release(json, 'ztunnel').logicalId}`,
    ]));
    expect((r.depends_on as string[]).some((d) => d.startsWith('kubernetes_namespace.'))).toBe(true);
    expect(release(json, 'policy-telemetry-payments-payment-metrics').namespace).toBe('istio-system');
  });

  test('the telemetry override drops a tag and a metric', () => {
    const { telemetry } = seedStack();
    expect(telemetry.resource.spec).toEqual({
      metrics: [{ overrides: [
        { match: { metric: 'REQUEST_COUNT', mode: 'CLIENT_AND_SERVER' }, tagOverrides: { request_protocol: { operation: 'REMOVE' } } },
        { match: { metric: 'REQUEST_SIZE', mode: 'CLIENT_AND_SERVER' }, disabled: true },
      ] }],
    });
  });

  test('passes every precheck (no errors, no warnings)', () => {
    const { stack } = seedStack();
    expect(annotationsOf(stack, 'error')).toEqual([]);
    expect(annotationsOf(stack, 'warning').filter((w) => w.includes('[CIM-'))).toEqual([]);
  });

  test('the same intent written with an L7 path on ztunnel fails synth (CIM-1001), quoting the rule and the fix', () => {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'cim-seed-')) });
    const stack = testStack({}, app);
    const { mesh } = seedStack(stack);
    new AuthorizationPolicy(stack, 'PaymentPaths', {
      mesh, namespace: 'payments', selector: { app: 'payment' },
      rules: [{ from: [{ namespaces: ['shop'] }], to: [{ paths: ['/refunds/*'] }] }],
    });
    expect(() => app.synth()).toThrow(/\[CIM-1001\].*rules\[0\] = \{"from":\[\{"source":\{"namespaces":\["shop"\]\}\}\],"to":\[\{"operation":\{"paths":\["\/refunds\/\*"\]\}\}\]\}.*ztunnel drops this ALLOW rule.*Fix: add a Waypoint/);
  });

  test('…and passes once bound to a waypoint', () => {
    const stack = testStack();
    const { mesh } = seedStack(stack);
    const waypoint = new Waypoint(stack, 'PaymentsWaypoint', { mesh, namespace: 'payments' });
    new AuthorizationPolicy(stack, 'PaymentPaths', {
      mesh, namespace: 'payments', waypoint,
      rules: [{ from: [{ namespaces: ['shop'] }], to: [{ paths: ['/refunds/*'] }] }],
    });
    expect(annotationsOf(stack, 'error')).toEqual([]);
  });

  test('a suppression turns the error into info for that construct only', () => {
    const stack = testStack();
    const { mesh } = seedStack(stack);
    const p = new AuthorizationPolicy(stack, 'PaymentPaths', {
      mesh, namespace: 'payments', selector: { app: 'payment' }, action: AuthorizationAction.DENY,
      rules: [{ to: [{ paths: ['/admin'], ports: [8080] }] }],
    });
    MeshChecks.suppress(p, CheckId.ZTUNNEL_L7_ATTRIBUTE, 'deny all of port 8080 is intended');
    expect(annotationsOf(stack, 'error')).toEqual([]);
    expect(annotationsOf(stack, 'info')).toEqual([expect.stringMatching(/PaymentPaths\] suppressed \(deny all of port 8080 is intended\): \[CIM-1001\]/)]);
  });
});
