/**
 * Example: one construct creates the EKS cluster and installs the mesh; the stack creates the
 * providers from the construct's cluster afterwards (constructs never create providers).
 * Synthesized in test/examples.test.ts.
 */
import { App, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { IstioAmbientCluster, IstioVersion, MeshCluster, eksHelmProviderConfig, eksKubernetesProviderConfig } from '../lib';

export class MeshStack extends TerraformStack {
  public readonly mesh: IstioAmbientCluster;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AwsProvider(this, 'aws', { region: 'us-east-2' });
    this.mesh = new IstioAmbientCluster(this, 'Mesh', {
      // The cluster is given once: created here as the mesh's child, with its options beside its name.
      cluster: MeshCluster.create({
        clusterName: 'mesh-demo',
        region: 'us-east-2',
        // EKS no longer creates 1.27–1.30 clusters; 1.32 is the closest it still creates (see README).
        kubernetesVersion: '1.32',
        nodeInstanceTypes: ['m7i.large'],
        nodeDesiredSize: 3,
        availabilityZoneCount: 3,
      }),
      istioVersion: IstioVersion.V1_22_8,
      allowUnsupportedKubernetesVersion: true,
      ambientNamespaces: ['shop'],
    });
    // Default (unaliased) providers, configured from the cluster the construct created.
    new HelmProvider(this, 'helm', eksHelmProviderConfig(this.mesh.cluster));
    new KubernetesProvider(this, 'kubernetes', eksKubernetesProviderConfig(this.mesh.cluster));
  }
}

if (require.main === module) {
  const app = new App();
  new MeshStack(app, 'mesh');
  app.synth();
}
