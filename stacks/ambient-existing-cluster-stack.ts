import { TerraformStack, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { ExistingEksCluster } from '../lib/eks/existing-eks-cluster';
import { eksHelmProviderConfig, eksKubernetesProviderConfig } from '../lib/eks/provider-config';
import { clusterNameVariableConfig, regionVariableConfig } from '../lib/eks/variables';
import { IstioAmbientCluster } from '../lib/istio/istio-ambient-cluster';
import { ReadyStackConfig } from './config';

/**
 * Istio ambient into an EKS cluster that already exists (looked up by name). Its Kubernetes version
 * is checked at plan time by a precondition.
 */
export class AmbientExistingClusterStack extends TerraformStack {
  public readonly mesh: IstioAmbientCluster;

  constructor(scope: Construct, id: string, config: ReadyStackConfig) {
    super(scope, id);
    const region = new TerraformVariable(this, 'region', regionVariableConfig({ default: 'us-west-2' }));
    const clusterName = new TerraformVariable(this, 'cluster_name', clusterNameVariableConfig({ default: 'existing-cluster' }));
    const aws = new AwsProvider(this, 'aws', { region: region.stringValue });
    const cluster = new ExistingEksCluster(this, 'Eks', { clusterName: clusterName.stringValue, region: region.stringValue, awsProvider: aws });
    const helm = new HelmProvider(this, 'helm', eksHelmProviderConfig(cluster));
    const kubernetes = new KubernetesProvider(this, 'kubernetes', eksKubernetesProviderConfig(cluster));

    this.mesh = new IstioAmbientCluster(this, 'Mesh', {
      clusterName: clusterName.stringValue,
      region: region.stringValue,
      cluster,
      istioVersion: config.istioVersion,
      enrollExistingNamespaces: ['default'],
      helmProvider: helm,
      kubernetesProvider: kubernetes,
    });
  }
}
