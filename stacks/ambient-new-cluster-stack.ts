import { TerraformOutput, TerraformStack, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { EksCluster } from '../lib/eks/eks-cluster';
import { eksHelmProviderConfig, eksKubernetesProviderConfig } from '../lib/eks/provider-config';
import { clusterNameVariableConfig, regionVariableConfig } from '../lib/eks/variables';
import { IstioAmbientCluster } from '../lib/istio/istio-ambient-cluster';
import { ReadyStackConfig } from './config';

/** A new EKS cluster with Istio ambient, STRICT mTLS and one enrolled namespace, from an empty AWS account. */
export class AmbientNewClusterStack extends TerraformStack {
  public readonly mesh: IstioAmbientCluster;

  constructor(scope: Construct, id: string, config: ReadyStackConfig) {
    super(scope, id);
    const region = new TerraformVariable(this, 'region', regionVariableConfig({ default: 'us-west-2' }));
    const clusterName = new TerraformVariable(this, 'cluster_name', clusterNameVariableConfig({ default: 'istio-ambient' }));
    const aws = new AwsProvider(this, 'aws', { region: region.stringValue });

    const cluster = new EksCluster(this, 'Eks', {
      clusterName: clusterName.stringValue,
      region: region.stringValue,
      kubernetesVersion: config.kubernetesVersion,
      awsProvider: aws,
    });
    const helm = new HelmProvider(this, 'helm', eksHelmProviderConfig(cluster));
    const kubernetes = new KubernetesProvider(this, 'kubernetes', eksKubernetesProviderConfig(cluster));

    this.mesh = new IstioAmbientCluster(this, 'Mesh', {
      clusterName: clusterName.stringValue,
      region: region.stringValue,
      cluster,
      istioVersion: config.istioVersion,
      allowUnsupportedKubernetesVersion: config.allowUnsupportedKubernetesVersion,
      ambientNamespaces: ['apps'],
      helmProvider: helm,
      kubernetesProvider: kubernetes,
    });

    new TerraformOutput(this, 'cluster_endpoint', { value: cluster.endpoint });
    new TerraformOutput(this, 'istio_version', { value: this.mesh.istioVersion.version });
    new TerraformOutput(this, 'kubeconfig_command', {
      value: `aws eks update-kubeconfig --name ${clusterName.stringValue} --region ${region.stringValue}`,
    });
  }
}
