/**
 * Example: the seed's ask, "only the frontend and the API gateway may call the payment service",
 * plus a Telemetry override, and an L7 rule on a waypoint. Synthesized in test/examples.test.ts
 * (with the prechecks on: an error annotation would fail it).
 */
import { App, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import {
  AuthorizationAction, AuthorizationPolicy, CheckId, ExistingEksCluster, IstioAmbientCluster, IstioMetric, MeshChecks, MeshCluster,
  Telemetry, Waypoint, eksHelmProviderConfig, eksKubernetesProviderConfig,
} from '../lib';

export class PaymentPoliciesStack extends TerraformStack {
  public readonly mesh: IstioAmbientCluster;
  public readonly callers: AuthorizationPolicy;
  public readonly refunds: AuthorizationPolicy;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AwsProvider(this, 'aws', { region: 'eu-west-1' });
    const cluster = new ExistingEksCluster(this, 'Eks', { clusterName: 'shop-prod', region: 'eu-west-1' });
    new HelmProvider(this, 'helm', eksHelmProviderConfig(cluster));
    new KubernetesProvider(this, 'kubernetes', eksKubernetesProviderConfig(cluster));
    this.mesh = new IstioAmbientCluster(this, 'Mesh', { cluster: MeshCluster.fromCluster(cluster), ambientNamespaces: ['payments', 'shop', 'edge'] });
    const mesh = this.mesh;

    // L4: ztunnel enforces it; no waypoint needed.
    this.callers = new AuthorizationPolicy(this, 'PaymentCallers', {
      mesh, namespace: 'payments', selector: { app: 'payment' },
      rules: [{ from: [{ serviceAccounts: [{ namespace: 'shop', name: 'frontend' }, { namespace: 'edge', name: 'api-gateway' }] }] }],
    });
    // The payment Deployment ships from its own pipeline, so the selector matches nothing this stack declares.
    MeshChecks.suppress(this.callers, CheckId.SELECTOR_MATCHES_NOTHING, 'payment is deployed by its own pipeline');

    new Telemetry(this, 'PaymentMetrics', {
      mesh, namespace: 'payments',
      metricOverrides: [{ metric: IstioMetric.REQUEST_COUNT, removeTags: ['request_protocol'] }, { metric: IstioMetric.REQUEST_SIZE, disabled: true }],
    });

    // L7 (a method and a path): only a waypoint can enforce it.
    const waypoint = new Waypoint(this, 'PaymentsWaypoint', { mesh, namespace: 'payments' });
    this.refunds = new AuthorizationPolicy(this, 'NoRefundsFromShop', {
      mesh, namespace: 'payments', waypoint, action: AuthorizationAction.DENY,
      rules: [{ from: [{ namespaces: ['shop'] }], to: [{ methods: ['POST'], paths: ['/refunds/*'] }] }],
    });
  }
}

if (require.main === module) {
  const app = new App();
  new PaymentPoliciesStack(app, 'payments');
  app.synth();
}
