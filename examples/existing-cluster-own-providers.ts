/**
 * Example: add an Istio ambient mesh to a stack you already have, with your own (aliased) providers,
 * into an EKS cluster that already exists. Synthesized in test/examples.test.ts.
 */
import { App, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { ExistingEksCluster, IstioAmbientCluster, MeshCluster, MtlsMode, eksHelmProviderConfig, eksKubernetesProviderConfig } from '../lib';

export class PlatformStack extends TerraformStack {
  public readonly mesh: IstioAmbientCluster;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    // Your providers: aliased, a deploy role for tokens.
    const aws = new AwsProvider(this, 'aws-eu', { region: 'eu-central-1', alias: 'eu' });
    const cluster = new ExistingEksCluster(this, 'Platform', { clusterName: 'platform-prod', region: 'eu-central-1', awsProvider: aws });
    const auth = { roleArn: 'arn:aws:iam::111122223333:role/platform-deployer', alias: 'platform' };
    const helm = new HelmProvider(this, 'helm-platform', eksHelmProviderConfig(cluster, auth));
    const kubernetes = new KubernetesProvider(this, 'k8s-platform', eksKubernetesProviderConfig(cluster, auth));

    this.mesh = new IstioAmbientCluster(this, 'Mesh', {
      cluster: MeshCluster.fromCluster(cluster),
      mtlsMode: MtlsMode.PERMISSIVE, // migrating: tighten to STRICT once every client is in the mesh
      enrollExistingNamespaces: ['checkout', 'payments'],
      istiodValues: { pilot: { env: { PILOT_ENABLE_STATUS: 'true' } } },
      helmProvider: helm,
      kubernetesProvider: kubernetes,
    });
  }
}

if (require.main === module) {
  const app = new App();
  new PlatformStack(app, 'platform');
  app.synth();
}
