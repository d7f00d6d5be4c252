import { Fn, TerraformOutput, TerraformStack, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { BenchmarkHarness } from '../lib/benchmark/benchmark-harness';
import { BenchmarkNodeGroup } from '../lib/benchmark/benchmark-node-group';
import { EksCluster } from '../lib/eks/eks-cluster';
import { eksHelmProviderConfig, eksKubernetesProviderConfig } from '../lib/eks/provider-config';
import { clusterNameVariableConfig, regionVariableConfig } from '../lib/eks/variables';
import { IstioAmbientCluster } from '../lib/istio/istio-ambient-cluster';
import { ReadyStackConfig } from './config';

/**
 * A new EKS cluster with Istio ambient, two dedicated benchmark nodes in one AZ, and the benchmark
 * harness (no mesh, sidecar, ambient) that `mesh-bench run` drives.
 */
export class MeshBenchmarkStack extends TerraformStack {
  public readonly mesh: IstioAmbientCluster;
  public readonly harness: BenchmarkHarness;

  constructor(scope: Construct, id: string, config: ReadyStackConfig) {
    super(scope, id);
    const region = new TerraformVariable(this, 'region', regionVariableConfig({ default: 'us-west-2' }));
    const clusterName = new TerraformVariable(this, 'cluster_name', clusterNameVariableConfig({ default: 'mesh-bench' }));
    const aws = new AwsProvider(this, 'aws', { region: region.stringValue });
    const cluster = new EksCluster(this, 'Eks', {
      clusterName: clusterName.stringValue, region: region.stringValue, kubernetesVersion: config.kubernetesVersion, awsProvider: aws,
    });
    const helm = new HelmProvider(this, 'helm', eksHelmProviderConfig(cluster));
    const kubernetes = new KubernetesProvider(this, 'kubernetes', eksKubernetesProviderConfig(cluster));
    this.mesh = new IstioAmbientCluster(this, 'Mesh', {
      clusterName: clusterName.stringValue, region: region.stringValue, cluster, istioVersion: config.istioVersion,
      allowUnsupportedKubernetesVersion: config.allowUnsupportedKubernetesVersion, helmProvider: helm, kubernetesProvider: kubernetes,
    });
    // Both benchmark nodes in the first private subnet: one AZ, identical hardware for every mode.
    new BenchmarkNodeGroup(this, 'BenchNodes', { cluster, subnetId: cluster.vpc!.privateSubnets[0].id, instanceType: 'm6i.2xlarge' });
    this.harness = new BenchmarkHarness(this, 'Harness', { mesh: this.mesh, kubernetesProvider: kubernetes });
    new TerraformOutput(this, 'benchmark_namespaces', { value: Fn.join(',', this.harness.modes.map((m) => this.harness.byMode[m]!.namespace.metadata.name)) });
  }
}
