import { BenchmarkNodeGroup } from '../../lib/benchmark/benchmark-node-group';
import { EksCluster } from '../../lib/eks/eks-cluster';
import { resourcesOf, synthJson, testStack } from '../util';

function setup(instanceType?: string) {
  const stack = testStack();
  const cluster = new EksCluster(stack, 'Eks', { clusterName: 'bench', region: 'eu-west-1', kubernetesVersion: '1.33' });
  const nodes = new BenchmarkNodeGroup(stack, 'Bench', { cluster, subnetId: 'subnet-1a', instanceType });
  return { stack, cluster, nodes };
}

describe('BenchmarkNodeGroup', () => {
  test('one server and one client node in the one given subnet, labelled and tainted, on a non-burstable type', () => {
    const { stack } = setup();
    const groups = resourcesOf(synthJson(stack), 'aws_eks_node_group').map(([, g]) => g).filter((g) => String(g.node_group_name_prefix).startsWith('mesh-bench-'));
    expect(groups.map((g) => (g.labels as Record<string, string>)['mesh-bench/role']).sort()).toEqual(['client', 'server']);
    for (const g of groups) {
      expect(g).toMatchObject({ subnet_ids: ['subnet-1a'], instance_types: ['m6i.2xlarge'], scaling_config: { min_size: 1, max_size: 1, desired_size: 1 } });
      expect(g.taint).toEqual([{ key: 'mesh-bench', value: 'true', effect: 'NO_SCHEDULE' }]);
    }
  });

  test.each(['t3.large', 't4g.xlarge'])('fails when the instance type is burstable (%s)', (t) => {
    expect(() => setup(t)).toThrow(/^'instanceType' must not be a burstable T-family type \(CPU credits distort latency\), got/);
  });
});
