import { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { EksNodeGroup } from '@cdktf/provider-aws/lib/eks-node-group';
import { EksCluster } from '../eks/eks-cluster';
import { invalid } from '../private/errors';
import { checkProps, instanceOf, opt, props as propsSchema, str, validatedAt } from '../private/props';
import { terraformSafe } from '../private/terraform-escape';
import { NODE_ROLE_LABEL, NODE_TAINT_KEY } from '../wire/bench-contract';

/** Props of {@link BenchmarkNodeGroup}. */
export interface BenchmarkNodeGroupProps {
  /** The cluster to add the nodes to. */
  readonly cluster: EksCluster;
  /** One subnet: both nodes in one availability zone, so cross-AZ latency cannot swamp sub-ms deltas. */
  readonly subnetId: string;
  /** A non-burstable instance type (no T family: CPU credits distort latency). @default 'm6i.2xlarge' */
  readonly instanceType?: string;
  /** @default - the cluster's AWS provider */
  readonly awsProvider?: TerraformProvider;
}

const SCHEMA = propsSchema({
  cluster: instanceOf(EksCluster, 'an EksCluster (benchmark nodes join a cluster this stack creates)'),
  subnetId: str(256),
  instanceType: opt(str(64)),
  awsProvider: opt(instanceOf(TerraformProvider, 'an AWS provider (TerraformProvider)')),
});

/**
 * Two dedicated benchmark nodes, one for the echo servers of every mode and one for the load Jobs,
 * labelled `mesh-bench/role=server|client` and tainted `mesh-bench=true:NoSchedule` so nothing else lands there.
 */
export class BenchmarkNodeGroup extends Construct {
  public readonly serverNodes: EksNodeGroup;
  public readonly clientNodes: EksNodeGroup;

  constructor(scope: Construct, id: string, props: BenchmarkNodeGroupProps) {
    super(scope, id);
    const instanceType = props.instanceType ?? 'm6i.2xlarge';
    validatedAt(this, () => {
      checkProps('BenchmarkNodeGroup', SCHEMA, props);
      if (/^t\d/.test(instanceType)) {
        throw invalid('instanceType', 'must not be a burstable T-family type (CPU credits distort latency)', instanceType, 'e.g. m6i.2xlarge, c6i.2xlarge');
      }
    });
    const make = (role: 'server' | 'client') => new EksNodeGroup(this, role === 'server' ? 'Server' : 'Client', terraformSafe({
      provider: props.awsProvider ?? props.cluster.awsProvider,
      clusterName: props.cluster.cluster.name,
      nodeGroupNamePrefix: `mesh-bench-${role}-`,
      nodeRoleArn: props.cluster.roles.nodeRole.arn,
      subnetIds: [props.subnetId],
      instanceTypes: [instanceType],
      amiType: 'AL2023_x86_64_STANDARD',
      scalingConfig: { minSize: 1, maxSize: 1, desiredSize: 1 },
      labels: { [NODE_ROLE_LABEL]: role },
      taint: [{ key: NODE_TAINT_KEY, value: 'true', effect: 'NO_SCHEDULE' }],
      dependsOn: [props.cluster.nodeGroup],
    }));
    this.serverNodes = make('server');
    this.clientNodes = make('client');
  }
}
