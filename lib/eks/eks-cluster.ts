import { ITerraformDependable, TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsIamSessionContext } from '@cdktf/provider-aws/lib/data-aws-iam-session-context';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { EksAccessEntry } from '@cdktf/provider-aws/lib/eks-access-entry';
import { EksAccessPolicyAssociation } from '@cdktf/provider-aws/lib/eks-access-policy-association';
import { EksAddon } from '@cdktf/provider-aws/lib/eks-addon';
import { EksCluster as EksClusterResource } from '@cdktf/provider-aws/lib/eks-cluster';
import { EksNodeGroup } from '@cdktf/provider-aws/lib/eks-node-group';
import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template';
import { invalid } from '../private/errors';
import { mergeValues } from '../private/helm-values';
import { PREFIX_LIMITS, namePrefix } from '../private/naming';
import { bool, checkProps, freeForm, instanceOf, list, num, oneOf, opt, props, str, stringMap, validatedAt } from '../private/props';
import { terraformSafe } from '../private/terraform-escape';
import { validateClusterName, validateIntRange, validateRegion } from '../private/validate';
import { IEksClusterRef } from './cluster-ref';
import { EksNodeSecurity } from './eks-node-security';
import { EksRoles } from './eks-roles';
import { EksVpc } from './eks-vpc';

/** EKS support policy for the cluster's Kubernetes version. */
export enum EksSupportType {
  /** Auto-upgrade when standard support ends. */
  STANDARD = 'STANDARD',
  /** Stay on the version through extended support (extra cost per cluster hour). */
  EXTENDED = 'EXTENDED',
}

/** Capacity type of the managed node group. */
export enum NodeCapacityType {
  ON_DEMAND = 'ON_DEMAND',
  SPOT = 'SPOT',
}

/** The EKS managed add-ons every cluster gets; `coredns` is created after the nodes. */
export const EKS_MANAGED_ADDONS = ['vpc-cni', 'kube-proxy', 'eks-pod-identity-agent', 'coredns'] as const;

/** Options for a new EKS cluster, shared by {@link EksCluster} and `IstioAmbientCluster`. */
export interface EksClusterOptions {
  /** IPv4 CIDR of the new VPC (an error with `subnetIds`). @default '10.0.0.0/16' */
  readonly vpcCidr?: string;
  /** Availability zones of the new VPC (2–6; an error with `subnetIds`). @default 2 */
  readonly availabilityZoneCount?: number;
  /** One NAT gateway per AZ instead of one shared (an error with `subnetIds`). @default false */
  readonly natGatewayPerAz?: boolean;
  /**
   * Existing subnets (at least two, in different AZs) for the control plane and nodes, instead of a new VPC.
   * Requires `vpcId`.
   * @default - a new VPC is created
   */
  readonly subnetIds?: string[];
  /** VPC of `subnetIds`. @default - the new VPC */
  readonly vpcId?: string;
  /** Instance types of the managed node group. @default ['m6i.large'] */
  readonly nodeInstanceTypes?: string[];
  /** Minimum nodes. @default 2 */
  readonly nodeMinSize?: number;
  /** Maximum nodes. @default 4 */
  readonly nodeMaxSize?: number;
  /** Desired nodes at creation. @default 3 */
  readonly nodeDesiredSize?: number;
  /** On-demand or spot nodes. @default NodeCapacityType.ON_DEMAND */
  readonly nodeCapacityType?: NodeCapacityType;
  /** EKS AMI type of the nodes. @default 'AL2023_x86_64_STANDARD' */
  readonly nodeAmiType?: string;
  /** Kubernetes labels on the nodes. @default - none */
  readonly nodeLabels?: Record<string, string>;
  /**
   * Generation of the managed node group (0–999). Raising it swaps the node group: Terraform creates
   * a new group (name prefix `<cluster>-g<n>-`) before deleting the old one, and EKS drains each old
   * node before terminating it. Use it to land every workload on nodes whose ztunnel already runs a
   * new data plane (see IstioCanaryRevision, `DataPlaneUpdate.ON_DELETE`), or for any node refresh.
   * @default 0
   */
  readonly nodeGroupGeneration?: number;
  /** Whether the API endpoint is reachable from the internet (Terraform must reach it). @default true */
  readonly endpointPublicAccess?: boolean;
  /** CIDRs allowed to the public endpoint. @default ['0.0.0.0/0'] */
  readonly publicAccessCidrs?: string[];
  /** More IAM principals (role/user ARNs) granted cluster admin through EKS access entries. @default - only the deployer */
  readonly adminPrincipalArns?: string[];
  /** Support policy for the Kubernetes version. @default EksSupportType.EXTENDED */
  readonly supportType?: EksSupportType;
  /**
   * Security groups for pods (`SecurityGroupPolicy`): turns on the VPC CNI's pod ENIs
   * (`ENABLE_POD_ENI=true`) and attaches `AmazonEKSVPCResourceController` to the cluster role, as
   * EKS requires. Enforcement is `standard`, which Istio's probe rewriting needs (istio/istio#53105).
   * Needs Nitro instance types.
   * @default false
   */
  readonly podSecurityGroups?: boolean;
  /**
   * Configuration values of the `vpc-cni` managed add-on (its JSON schema: `aws eks describe-addon-configuration`),
   * merged key by key onto the library's: `{ env: { POD_SECURITY_GROUP_ENFORCING_MODE: 'standard' } }`,
   * plus `ENABLE_POD_ENI: 'true'` with `podSecurityGroups`. The enforcing mode only takes effect where
   * pod ENIs are on; it is set anyway so that turning them on later cannot break Istio's probes.
   * Pod ENIs with an enforcing mode other than `standard` fail at synth.
   * @default - the library's configuration above
   */
  readonly vpcCniConfigurationValues?: Record<string, unknown>;
  /**
   * Create the cluster's IAM OIDC provider, for IAM roles for service accounts (IRSA), which add-ons
   * such as the AWS Load Balancer Controller or the EBS CSI driver use. Istio does not use it.
   * @default true
   */
  readonly iamOidcProvider?: boolean;
  /**
   * Install the `eks-pod-identity-agent` add-on, for EKS Pod Identity (the newer way to give pods
   * AWS credentials). Istio does not use it.
   * @default true
   */
  readonly podIdentityAgent?: boolean;
  /** Tags for every AWS resource. @default - none */
  readonly tags?: Record<string, string>;
}

/** Runtime shape of {@link EksClusterOptions} (shared with `MeshCluster.create`). */
export const EKS_CLUSTER_OPTION_SCHEMAS = {
  vpcCidr: opt(str(64)),
  availabilityZoneCount: opt(num),
  natGatewayPerAz: opt(bool),
  subnetIds: opt(list(str(256), 16)),
  vpcId: opt(str(256)),
  nodeInstanceTypes: opt(list(str(64), 20)),
  nodeMinSize: opt(num),
  nodeMaxSize: opt(num),
  nodeDesiredSize: opt(num),
  nodeCapacityType: opt(oneOf(['ON_DEMAND', 'SPOT'])),
  nodeAmiType: opt(str(64)),
  nodeLabels: opt(stringMap()),
  nodeGroupGeneration: opt(num),
  endpointPublicAccess: opt(bool),
  publicAccessCidrs: opt(list(str(64), 40)),
  adminPrincipalArns: opt(list(str(2048), 100)),
  supportType: opt(oneOf(['STANDARD', 'EXTENDED'])),
  podSecurityGroups: opt(bool),
  vpcCniConfigurationValues: opt(freeForm),
  iamOidcProvider: opt(bool),
  podIdentityAgent: opt(bool),
  tags: opt(stringMap(50)),
};

const EKS_CLUSTER_SCHEMA = props({
  ...EKS_CLUSTER_OPTION_SCHEMAS,
  clusterName: str(100),
  region: str(64),
  kubernetesVersion: str(16),
  awsProvider: opt(instanceOf(TerraformProvider, 'an AWS provider (TerraformProvider)')),
});

/**
 * Value rules of {@link EksClusterOptions}, naming props with `prefix` (`cluster.` when they came
 * through `MeshCluster.create`). Shapes are checked before this runs.
 */
export function validateEksClusterOptions(props: EksClusterOptions, prefix = ''): void {
  if (props.subnetIds !== undefined && props.subnetIds.length < 2) {
    throw invalid(`${prefix}subnetIds`, 'must list at least two subnets in different availability zones', props.subnetIds);
  }
  if ((props.subnetIds === undefined) !== (props.vpcId === undefined)) {
    throw invalid(`${prefix}${props.subnetIds ? 'vpcId' : 'subnetIds'}`, 'must be given together with the other of subnetIds/vpcId', props.subnetIds ? props.vpcId : props.subnetIds);
  }
  if (props.subnetIds !== undefined) {
    // Options of the new VPC would be ignored beside your own subnets: make that an error, not a surprise.
    for (const k of ['vpcCidr', 'availabilityZoneCount', 'natGatewayPerAz'] as const) {
      if (props[k] !== undefined) throw invalid(`${prefix}${k}`, "configures the new VPC, which is not created when 'subnetIds' is given; remove it", props[k]);
    }
  }
  const minSize = props.nodeMinSize ?? 2;
  const maxSize = props.nodeMaxSize ?? 4;
  validateIntRange(`${prefix}nodeMinSize`, minSize, 1, 450);
  validateIntRange(`${prefix}nodeMaxSize`, maxSize, minSize, 450);
  validateIntRange(`${prefix}nodeDesiredSize`, props.nodeDesiredSize ?? 3, minSize, maxSize);
  validateIntRange(`${prefix}nodeGroupGeneration`, props.nodeGroupGeneration ?? 0, 0, 999);
  if (props.nodeInstanceTypes !== undefined && props.nodeInstanceTypes.length === 0) {
    throw invalid(`${prefix}nodeInstanceTypes`, 'must list at least one instance type', props.nodeInstanceTypes);
  }
  vpcCniConfiguration(props.podSecurityGroups ?? false, props.vpcCniConfigurationValues, prefix);
  if (props.endpointPublicAccess === false && props.publicAccessCidrs !== undefined) {
    throw invalid(`${prefix}publicAccessCidrs`, "restricts the public endpoint, which 'endpointPublicAccess: false' turns off; remove one of them", props.publicAccessCidrs);
  }
}

/** The `vpc-cni` add-on configuration Istio ambient needs on EKS. */
export const ISTIO_VPC_CNI_CONFIGURATION: Readonly<Record<string, unknown>> = { env: { POD_SECURITY_GROUP_ENFORCING_MODE: 'standard' } };

/**
 * The `vpc-cni` configuration: Istio's, pod ENIs on with `podSecurityGroups`, then the user's values
 * merged key by key. Fails when pod ENIs are on with an enforcing mode other than `standard`.
 */
export function vpcCniConfiguration(podSecurityGroups: boolean, overrides: Record<string, unknown> | undefined, prefix = ''): Record<string, unknown> {
  const base = mergeValues(ISTIO_VPC_CNI_CONFIGURATION, podSecurityGroups ? { env: { ENABLE_POD_ENI: 'true' } } : undefined);
  const merged = mergeValues(base, overrides) as { env?: Record<string, unknown> };
  const env = merged.env ?? {};
  if (String(env.ENABLE_POD_ENI) === 'true' && env.POD_SECURITY_GROUP_ENFORCING_MODE !== 'standard') {
    throw invalid(`${prefix}vpcCniConfigurationValues`, "turns on pod ENIs with a POD_SECURITY_GROUP_ENFORCING_MODE other than 'standard', which breaks Istio's probe rewriting (istio/istio#53105)",
      env.POD_SECURITY_GROUP_ENFORCING_MODE, "set it to 'standard'");
  }
  return merged;
}

/** Props of {@link EksCluster}. */
export interface EksClusterProps extends EksClusterOptions {
  /** EKS cluster name (1–100 characters). */
  readonly clusterName: string;
  /** AWS region code; must match the AWS provider's region. */
  readonly region: string;
  /** Kubernetes minor, e.g. `1.32`. Compatibility with Istio is checked by `IstioAmbientCluster`. */
  readonly kubernetesVersion: string;
  /** AWS provider for every resource. @default - the stack's default AWS provider */
  readonly awsProvider?: TerraformProvider;
}

/**
 * A new EKS cluster ready for an Istio ambient mesh: VPC (or your subnets), control plane with API
 * authentication, IAM roles, IAM OIDC provider (IRSA, optional), an access entry for the deployer, the
 * EKS managed add-ons, a managed node group, and the node security-group rules Istio needs (15017 from
 * the control plane; 15012 and 15008 between nodes; see `ISTIO_NODE_PORTS` for when they matter).
 */
export class EksCluster extends Construct implements IEksClusterRef {
  public readonly clusterName: string;
  public readonly region: string;
  public readonly kubernetesVersion: string;
  public readonly isNew = true;
  public readonly awsProvider?: TerraformProvider;
  public readonly cluster: EksClusterResource;
  public readonly vpc?: EksVpc;
  public readonly roles: EksRoles;
  public readonly nodeSecurity: EksNodeSecurity;
  public readonly nodeGroup: EksNodeGroup;
  /** The IAM OIDC provider for IRSA, unless `iamOidcProvider: false`. */
  public readonly oidcProvider?: IamOpenidConnectProvider;
  public readonly addons: Record<string, EksAddon> = {};
  public readonly deployerAccess: EksAccessPolicyAssociation;

  constructor(scope: Construct, id: string, props: EksClusterProps) {
    super(scope, id);
    validatedAt(this, () => {
      checkProps('EksCluster', EKS_CLUSTER_SCHEMA, props);
      validateClusterName('clusterName', props.clusterName);
      validateRegion('region', props.region);
      validateEksClusterOptions(props);
    });
    const minSize = props.nodeMinSize ?? 2;
    const maxSize = props.nodeMaxSize ?? 4;
    const desiredSize = props.nodeDesiredSize ?? 3;
    const instanceTypes = props.nodeInstanceTypes ?? ['m6i.large'];

    this.clusterName = props.clusterName;
    this.region = props.region;
    this.kubernetesVersion = props.kubernetesVersion;
    this.awsProvider = props.awsProvider;
    const provider = props.awsProvider;

    let vpcId: string;
    let controlPlaneSubnets: string[];
    let nodeSubnets: string[];
    if (props.subnetIds && props.vpcId) {
      vpcId = props.vpcId;
      controlPlaneSubnets = props.subnetIds;
      nodeSubnets = props.subnetIds;
    } else {
      this.vpc = new EksVpc(this, 'Network', {
        clusterName: props.clusterName, cidr: props.vpcCidr, availabilityZoneCount: props.availabilityZoneCount,
        natGatewayPerAz: props.natGatewayPerAz, awsProvider: provider, tags: props.tags,
      });
      vpcId = this.vpc.vpc.id;
      controlPlaneSubnets = this.vpc.privateSubnets.map((s) => s.id);
      nodeSubnets = controlPlaneSubnets;
    }

    const partition = new DataAwsPartition(this, 'Partition', terraformSafe({ provider }));
    this.roles = new EksRoles(this, 'Roles', {
      clusterName: props.clusterName, partition: partition.partition, awsProvider: provider, tags: props.tags, podSecurityGroups: props.podSecurityGroups,
    });

    this.cluster = new EksClusterResource(this, 'ControlPlane', terraformSafe({
      provider,
      name: props.clusterName,
      version: props.kubernetesVersion,
      roleArn: this.roles.clusterRole.arn,
      vpcConfig: {
        subnetIds: controlPlaneSubnets,
        endpointPrivateAccess: true,
        endpointPublicAccess: props.endpointPublicAccess ?? true,
        publicAccessCidrs: (props.endpointPublicAccess ?? true) ? (props.publicAccessCidrs ?? ['0.0.0.0/0']) : undefined,
      },
      accessConfig: { authenticationMode: 'API', bootstrapClusterCreatorAdminPermissions: false },
      bootstrapSelfManagedAddons: false,
      upgradePolicy: { supportType: props.supportType ?? EksSupportType.EXTENDED },
      enabledClusterLogTypes: ['api', 'audit', 'authenticator'],
      tags: props.tags,
      dependsOn: this.roles.clusterPolicyAttachments,
    }));

    // For IRSA (IAM roles for service accounts): add-ons such as the AWS Load Balancer Controller use it; Istio does not.
    this.oidcProvider = (props.iamOidcProvider ?? true) ? new IamOpenidConnectProvider(this, 'OidcProvider', terraformSafe({
      provider,
      url: this.cluster.identity.get(0).oidc.get(0).issuer,
      clientIdList: ['sts.amazonaws.com'],
      tags: props.tags,
    })) : undefined;

    // The deployer (the identity Terraform runs as) gets cluster admin through an access entry, so
    // the Helm and Kubernetes providers can install Istio. Session context maps an assumed-role ARN to its role.
    const caller = new DataAwsCallerIdentity(this, 'Caller', terraformSafe({ provider }));
    const session = new DataAwsIamSessionContext(this, 'CallerSession', terraformSafe({ provider, arn: caller.arn }));
    const admins = [session.issuerArn, ...(props.adminPrincipalArns ?? [])];
    const access = new Construct(this, 'Access');
    let deployerAccess: EksAccessPolicyAssociation | undefined;
    admins.forEach((principal, i) => {
      const group = new Construct(access, i === 0 ? 'Deployer' : `Admin${i}`);
      const entry = new EksAccessEntry(group, 'Entry', terraformSafe({ provider, clusterName: this.cluster.name, principalArn: principal, type: 'STANDARD' }));
      const assoc = new EksAccessPolicyAssociation(group, 'ClusterAdmin', terraformSafe({
        provider,
        clusterName: this.cluster.name,
        principalArn: entry.principalArn,
        policyArn: `arn:${partition.partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy`,
        accessScope: { type: 'cluster' },
      }));
      deployerAccess ??= assoc;
    });
    this.deployerAccess = deployerAccess!;

    this.nodeSecurity = new EksNodeSecurity(this, 'NodeSecurity', {
      clusterName: props.clusterName, vpcId, clusterSecurityGroupId: this.cluster.vpcConfig.clusterSecurityGroupId, awsProvider: provider, tags: props.tags,
    });
    const launchTemplate = new LaunchTemplate(this, 'NodeLaunchTemplate', terraformSafe({
      provider,
      namePrefix: namePrefix(props.clusterName, '-nodes-', PREFIX_LIMITS.launchTemplate),
      vpcSecurityGroupIds: [this.cluster.vpcConfig.clusterSecurityGroupId, this.nodeSecurity.securityGroup.id],
      metadataOptions: { httpTokens: 'required', httpPutResponseHopLimit: 2, httpEndpoint: 'enabled' },
      tagSpecifications: [{ resourceType: 'instance', tags: { ...props.tags, Name: `${props.clusterName}-node` } }],
      tags: props.tags,
    }));

    // vpc-cni, kube-proxy and the pod identity agent must run before nodes can become Ready; coredns needs nodes.
    // The pod identity agent serves EKS Pod Identity (pods' AWS credentials); Istio does not use it.
    const beforeNodes: ITerraformDependable[] = [];
    const skipped = (props.podIdentityAgent ?? true) ? ['coredns'] : ['coredns', 'eks-pod-identity-agent'];
    for (const name of EKS_MANAGED_ADDONS.filter((a) => !skipped.includes(a))) {
      const addon = new EksAddon(this, addonId(name), terraformSafe({
        provider, clusterName: this.cluster.name, addonName: name,
        resolveConflictsOnCreate: 'OVERWRITE', resolveConflictsOnUpdate: 'OVERWRITE', tags: props.tags,
        configurationValues: name === 'vpc-cni' ? JSON.stringify(vpcCniConfiguration(props.podSecurityGroups ?? false, props.vpcCniConfigurationValues)) : undefined,
      }));
      this.addons[name] = addon;
      beforeNodes.push(addon);
    }
    this.nodeGroup = new EksNodeGroup(this, 'NodeGroup', terraformSafe({
      provider,
      clusterName: this.cluster.name,
      // A new generation is a new name prefix: a replacement, created before the old group is deleted.
      nodeGroupNamePrefix: namePrefix(props.clusterName, props.nodeGroupGeneration ? `-g${props.nodeGroupGeneration}-` : '-', PREFIX_LIMITS.eksNodeGroup),
      nodeRoleArn: this.roles.nodeRole.arn,
      subnetIds: nodeSubnets,
      instanceTypes,
      amiType: props.nodeAmiType ?? 'AL2023_x86_64_STANDARD',
      capacityType: props.nodeCapacityType ?? NodeCapacityType.ON_DEMAND,
      scalingConfig: { minSize, maxSize, desiredSize },
      updateConfig: { maxUnavailable: 1 },
      launchTemplate: { id: launchTemplate.id, version: launchTemplate.latestVersion.toString() },
      labels: props.nodeLabels,
      tags: props.tags,
      lifecycle: { createBeforeDestroy: true, ignoreChanges: ['scaling_config[0].desired_size'] },
      dependsOn: [...this.roles.nodePolicyAttachments, ...beforeNodes, ...this.nodeSecurity.rules],
    }));
    this.addons.coredns = new EksAddon(this, addonId('coredns'), terraformSafe({
      provider, clusterName: this.cluster.name, addonName: 'coredns',
      resolveConflictsOnCreate: 'OVERWRITE', resolveConflictsOnUpdate: 'OVERWRITE', tags: props.tags,
      dependsOn: [this.nodeGroup],
    }));
  }

  public get endpoint(): string {
    return this.cluster.endpoint;
  }

  public get certificateAuthorityData(): string {
    return this.cluster.certificateAuthority.get(0).data;
  }

  public get readyDependables(): ITerraformDependable[] {
    return [this.nodeGroup, this.addons.coredns, this.deployerAccess];
  }
}

function addonId(name: string): string {
  return 'Addon' + name.split('-').map((p) => p[0].toUpperCase() + p.slice(1)).join('');
}
