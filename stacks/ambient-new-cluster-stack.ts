import { TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { EksCluster } from '../lib/eks/eks-cluster';
import { IstioAmbientCluster } from '../lib/istio/istio-ambient-cluster';
import { MeshCluster } from '../lib/istio/mesh-cluster';
import { clusterProviders, stackInputs } from './common';
import { ReadyStackConfig } from './config';

/** A new EKS cluster with Istio ambient, STRICT mTLS and one enrolled namespace, from an empty AWS account. */
export class AmbientNewClusterStack extends TerraformStack {
  public readonly mesh: IstioAmbientCluster;

  constructor(scope: Construct, id: string, config: ReadyStackConfig) {
    super(scope, id);
    const { region, clusterName, aws } = stackInputs(this, 'istio-ambient');
    const cluster = new EksCluster(this, 'Eks', { clusterName, region, kubernetesVersion: config.kubernetesVersion, awsProvider: aws });
    const { helm, kubernetes } = clusterProviders(this, cluster);

    this.mesh = new IstioAmbientCluster(this, 'Mesh', {
      cluster: MeshCluster.fromCluster(cluster),
      istioVersion: config.istioVersion,
      allowUnsupportedKubernetesVersion: config.allowUnsupportedKubernetesVersion,
      ambientNamespaces: ['apps'],
      helmProvider: helm,
      kubernetesProvider: kubernetes,
    });

    new TerraformOutput(this, 'cluster_endpoint', { value: cluster.endpoint });
    new TerraformOutput(this, 'istio_version', { value: this.mesh.istioVersion.version });
    new TerraformOutput(this, 'kubeconfig_command', { value: `aws eks update-kubeconfig --name ${clusterName} --region ${region}` });
  }
}
