import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { ExistingEksCluster } from '../lib/eks/existing-eks-cluster';
import { IstioAmbientCluster } from '../lib/istio/istio-ambient-cluster';
import { MeshCluster } from '../lib/istio/mesh-cluster';
import { clusterProviders, stackInputs } from './common';
import { ReadyStackConfig } from './config';

/**
 * Istio ambient into an EKS cluster that already exists (looked up by name). Its Kubernetes version
 * is checked at plan time by a precondition.
 */
export class AmbientExistingClusterStack extends TerraformStack {
  public readonly mesh: IstioAmbientCluster;

  constructor(scope: Construct, id: string, config: ReadyStackConfig) {
    super(scope, id);
    const { region, clusterName, aws } = stackInputs(this, 'existing-cluster');
    const cluster = new ExistingEksCluster(this, 'Eks', { clusterName, region, awsProvider: aws });
    const { helm, kubernetes } = clusterProviders(this, cluster);

    this.mesh = new IstioAmbientCluster(this, 'Mesh', {
      cluster: MeshCluster.fromCluster(cluster),
      istioVersion: config.istioVersion,
      enrollExistingNamespaces: ['default'],
      helmProvider: helm,
      kubernetesProvider: kubernetes,
    });
  }
}
