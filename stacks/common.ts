import { TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { IEksClusterRef } from '../lib/eks/cluster-ref';
import { eksHelmProviderConfig, eksKubernetesProviderConfig } from '../lib/eks/provider-config';
import { clusterNameVariableConfig, regionVariableConfig } from '../lib/eks/variables';

/** The inputs every ready stack takes as Terraform variables (with validation blocks), and its AWS provider. */
export interface StackInputs {
  readonly region: string;
  readonly clusterName: string;
  readonly aws: AwsProvider;
}

export function stackInputs(scope: Construct, defaultClusterName: string): StackInputs {
  const region = new TerraformVariable(scope, 'region', regionVariableConfig({ default: 'us-west-2' }));
  const clusterName = new TerraformVariable(scope, 'cluster_name', clusterNameVariableConfig({ default: defaultClusterName }));
  return {
    region: region.stringValue,
    clusterName: clusterName.stringValue,
    aws: new AwsProvider(scope, 'aws', { region: region.stringValue }),
  };
}

/** The stack's Helm and Kubernetes providers for a cluster (exec authentication). */
export function clusterProviders(scope: Construct, cluster: IEksClusterRef): { helm: HelmProvider; kubernetes: KubernetesProvider } {
  return {
    helm: new HelmProvider(scope, 'helm', eksHelmProviderConfig(cluster)),
    kubernetes: new KubernetesProvider(scope, 'kubernetes', eksKubernetesProviderConfig(cluster)),
  };
}
