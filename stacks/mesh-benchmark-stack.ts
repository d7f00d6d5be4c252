import { Fn, TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { BenchmarkHarness } from '../lib/benchmark/benchmark-harness';
import { BenchmarkNodeGroup } from '../lib/benchmark/benchmark-node-group';
import { ALL_MODES, DEFAULT_MODES } from '../lib/benchmark/contract';
import { EksCluster } from '../lib/eks/eks-cluster';
import { IstioAmbientCluster } from '../lib/istio/istio-ambient-cluster';
import { MeshCluster } from '../lib/istio/mesh-cluster';
import { clusterProviders, stackInputs } from './common';
import { ReadyStackConfig } from './config';

/**
 * A new EKS cluster with Istio ambient, two dedicated benchmark nodes in one AZ, and the benchmark
 * harness (no mesh, sidecar, ambient; plus ambient with a waypoint with `BENCH_WAYPOINT=true`) that
 * `mesh-bench run` drives.
 */
export class MeshBenchmarkStack extends TerraformStack {
  public readonly mesh: IstioAmbientCluster;
  public readonly harness: BenchmarkHarness;

  constructor(scope: Construct, id: string, config: ReadyStackConfig) {
    super(scope, id);
    const { region, clusterName, aws } = stackInputs(this, 'mesh-bench');
    const cluster = new EksCluster(this, 'Eks', { clusterName, region, kubernetesVersion: config.kubernetesVersion, awsProvider: aws });
    const { helm, kubernetes } = clusterProviders(this, cluster);
    this.mesh = new IstioAmbientCluster(this, 'Mesh', {
      cluster: MeshCluster.fromCluster(cluster), istioVersion: config.istioVersion,
      allowUnsupportedKubernetesVersion: config.allowUnsupportedKubernetesVersion, helmProvider: helm, kubernetesProvider: kubernetes,
    });
    // Both benchmark nodes in the first private subnet: one AZ, identical hardware for every mode.
    new BenchmarkNodeGroup(this, 'BenchNodes', { cluster, subnetId: cluster.vpc!.privateSubnets[0].id, instanceType: 'm6i.2xlarge' });
    this.harness = new BenchmarkHarness(this, 'Harness', {
      mesh: this.mesh, kubernetesProvider: kubernetes, modes: config.benchmarkWaypoint ? [...ALL_MODES] : [...DEFAULT_MODES],
    });
    new TerraformOutput(this, 'benchmark_namespaces', { value: Fn.join(',', this.harness.modes.map((m) => this.harness.byMode[m]!.namespace.metadata.name)) });
  }
}
