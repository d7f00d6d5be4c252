import { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { PREFIX_LIMITS, namePrefix } from '../private/naming';
import { bool, checkProps, instanceOf, opt, props as propsSchema, str, stringMap, validatedAt } from '../private/props';
import { terraformSafe } from '../private/terraform-escape';

/** Props of {@link EksRoles}. */
export interface EksRolesProps {
  readonly clusterName: string;
  /** The AWS partition (`aws`, `aws-cn`, `aws-us-gov`, …), usually `DataAwsPartition.partition`. */
  readonly partition: string;
  /** @default - the stack's default AWS provider */
  readonly awsProvider?: TerraformProvider;
  /** @default - none */
  readonly tags?: Record<string, string>;
  /** Attach {@link POD_SECURITY_GROUP_CLUSTER_POLICY} to the cluster role (security groups for pods). @default false */
  readonly podSecurityGroups?: boolean;
}

/** Managed policies of the control-plane role. */
export const CLUSTER_ROLE_POLICIES = ['AmazonEKSClusterPolicy'];
/** The cluster-role policy security groups for pods need (it lets EKS manage the pods' branch ENIs). */
export const POD_SECURITY_GROUP_CLUSTER_POLICY = 'AmazonEKSVPCResourceController';
/** Managed policies of the node role. */
export const NODE_ROLE_POLICIES = ['AmazonEKSWorkerNodePolicy', 'AmazonEKS_CNI_Policy', 'AmazonEC2ContainerRegistryReadOnly'];

function assumeRole(service: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: ['sts:AssumeRole', 'sts:TagSession'] }],
  });
}

const SCHEMA = propsSchema({
  clusterName: str(100),
  partition: str(32),
  awsProvider: opt(instanceOf(TerraformProvider, 'an AWS provider (TerraformProvider)')),
  tags: opt(stringMap(50)),
  podSecurityGroups: opt(bool),
});

/** The IAM roles of an EKS cluster: one for the control plane, one for the managed nodes. */
export class EksRoles extends Construct {
  public readonly clusterRole: IamRole;
  public readonly nodeRole: IamRole;
  public readonly clusterPolicyAttachments: IamRolePolicyAttachment[];
  public readonly nodePolicyAttachments: IamRolePolicyAttachment[];

  constructor(scope: Construct, id: string, props: EksRolesProps) {
    super(scope, id);
    validatedAt(this, () => checkProps('EksRoles', SCHEMA, props));
    const provider = props.awsProvider;
    this.clusterRole = new IamRole(this, 'ClusterRole', terraformSafe({
      provider, namePrefix: namePrefix(props.clusterName, '-cluster-', PREFIX_LIMITS.iamRole), assumeRolePolicy: assumeRole('eks.amazonaws.com'), tags: props.tags,
    }));
    this.nodeRole = new IamRole(this, 'NodeRole', terraformSafe({
      provider, namePrefix: namePrefix(props.clusterName, '-node-', PREFIX_LIMITS.iamRole), assumeRolePolicy: assumeRole('ec2.amazonaws.com'), tags: props.tags,
    }));
    const attach = (role: IamRole, scopeId: string, policies: string[]) => {
      const group = new Construct(this, scopeId);
      return policies.map((p) => new IamRolePolicyAttachment(group, p, terraformSafe({
        provider, role: role.name, policyArn: `arn:${props.partition}:iam::aws:policy/${p}`,
      })));
    };
    this.clusterPolicyAttachments = attach(this.clusterRole, 'ClusterPolicies',
      props.podSecurityGroups ? [...CLUSTER_ROLE_POLICIES, POD_SECURITY_GROUP_CLUSTER_POLICY] : CLUSTER_ROLE_POLICIES);
    this.nodePolicyAttachments = attach(this.nodeRole, 'NodePolicies', NODE_ROLE_POLICIES);
  }
}
