import { TerraformVariable } from 'cdktf';
import { EKS_MANAGED_ADDONS, EksCluster, EksClusterProps, EksSupportType, NodeCapacityType } from '../../lib/eks/eks-cluster';
import { ISTIO_NODE_PORTS } from '../../lib/eks/eks-node-security';
import { IstioMeshValidationError } from '../../lib/private/errors';
import { resourcesOf, synthJson, testStack } from '../util';

const PROPS: EksClusterProps = { clusterName: 'mesh', region: 'eu-west-1', kubernetesVersion: '1.33' };

function synth(props: Partial<EksClusterProps> = {}) {
  const stack = testStack();
  const cluster = new EksCluster(stack, 'Eks', { ...PROPS, ...props });
  return { json: synthJson(stack), cluster };
}

function only(json: ReturnType<typeof synthJson>, type: string): Record<string, unknown> {
  const list = resourcesOf(json, type);
  expect(list).toHaveLength(1);
  return list[0][1];
}

describe('EksCluster: network', () => {
  const { json, cluster } = synth();

  test('a VPC with one private and one public subnet in each of 2 AZs, load-balancer tags, one NAT gateway', () => {
    expect(only(json, 'aws_vpc')).toMatchObject({ cidr_block: '10.0.0.0/16', enable_dns_hostnames: true, enable_dns_support: true });
    const subnets = resourcesOf(json, 'aws_subnet').map(([, s]) => s);
    expect(subnets).toHaveLength(4);
    const pub = subnets.filter((s) => (s.tags as Record<string, string>)['kubernetes.io/role/elb'] === '1');
    const priv = subnets.filter((s) => (s.tags as Record<string, string>)['kubernetes.io/role/internal-elb'] === '1');
    expect(pub).toHaveLength(2);
    expect(priv).toHaveLength(2);
    expect(new Set(subnets.map((s) => s.availability_zone)).size).toBe(2);
    expect(new Set(subnets.map((s) => s.cidr_block)).size).toBe(4);
    expect(resourcesOf(json, 'aws_nat_gateway')).toHaveLength(1);
    expect(resourcesOf(json, 'aws_internet_gateway')).toHaveLength(1);
    expect(cluster.vpc?.availabilityZoneCount).toBe(2);
  });

  test('natGatewayPerAz and availabilityZoneCount', () => {
    const { json: j } = synth({ availabilityZoneCount: 3, natGatewayPerAz: true, vpcCidr: '10.20.0.0/16' });
    expect(resourcesOf(j, 'aws_subnet')).toHaveLength(6);
    expect(resourcesOf(j, 'aws_nat_gateway')).toHaveLength(3);
    expect(only(j, 'aws_vpc').cidr_block).toBe('10.20.0.0/16');
  });

  test('user-supplied subnets: no VPC is created; control plane and nodes use them', () => {
    const { json: j, cluster: c } = synth({ subnetIds: ['subnet-a', 'subnet-b'], vpcId: 'vpc-1' });
    expect(c.vpc).toBeUndefined();
    expect(resourcesOf(j, 'aws_vpc')).toEqual([]);
    expect(only(j, 'aws_eks_cluster').vpc_config).toEqual(expect.objectContaining({ subnet_ids: ['subnet-a', 'subnet-b'] }));
    expect(only(j, 'aws_eks_node_group').subnet_ids).toEqual(['subnet-a', 'subnet-b']);
    expect(only(j, 'aws_security_group').vpc_id).toBe('vpc-1');
  });
});

describe('EksCluster: control plane, IAM, access, add-ons, nodes', () => {
  const { json } = synth();

  test('control plane: version, API auth mode, no bootstrap admin (explicit access entry instead), extended support, logs', () => {
    expect(only(json, 'aws_eks_cluster')).toMatchObject({
      name: 'mesh', version: '1.33', bootstrap_self_managed_addons: false,
      access_config: { authentication_mode: 'API', bootstrap_cluster_creator_admin_permissions: false },
      upgrade_policy: { support_type: 'EXTENDED' },
      enabled_cluster_log_types: ['api', 'audit', 'authenticator'],
      vpc_config: expect.objectContaining({ endpoint_private_access: true, endpoint_public_access: true, public_access_cidrs: ['0.0.0.0/0'] }),
    });
  });

  test('IAM: cluster and node roles with the EKS managed policies, ARNs in the current partition', () => {
    const roles = resourcesOf(json, 'aws_iam_role').map(([, r]) => JSON.parse(r.assume_role_policy as string).Statement[0].Principal.Service);
    expect(roles.sort()).toEqual(['ec2.amazonaws.com', 'eks.amazonaws.com']);
    const arns = resourcesOf(json, 'aws_iam_role_policy_attachment').map(([, a]) => a.policy_arn as string);
    expect(arns.map((a) => a.split('/').pop()).sort()).toEqual(
      ['AmazonEC2ContainerRegistryReadOnly', 'AmazonEKSClusterPolicy', 'AmazonEKSWorkerNodePolicy', 'AmazonEKS_CNI_Policy']);
    for (const a of arns) expect(a).toMatch(/^arn:\$\{data\.aws_partition\.[^.]+\.partition\}:iam::aws:policy\//);
  });

  test('OIDC provider for IRSA from the cluster issuer', () => {
    expect(only(json, 'aws_iam_openid_connect_provider')).toMatchObject({
      client_id_list: ['sts.amazonaws.com'], url: expect.stringMatching(/aws_eks_cluster\..*\.identity\[0\]\.oidc\[0\]\.issuer/),
    });
  });

  test('the deployer gets cluster admin through an access entry (assumed roles mapped to their role)', () => {
    expect(only(json, 'aws_eks_access_entry').principal_arn).toMatch(/data\.aws_iam_session_context\..*\.issuer_arn/);
    expect(only(json, 'aws_eks_access_policy_association')).toMatchObject({
      access_scope: { type: 'cluster' }, policy_arn: expect.stringMatching(/:eks::aws:cluster-access-policy\/AmazonEKSClusterAdminPolicy$/),
    });
  });

  test('adminPrincipalArns adds one access entry each', () => {
    const { json: j } = synth({ adminPrincipalArns: ['arn:aws:iam::111122223333:role/ops', 'arn:aws:iam::111122223333:role/sre'] });
    expect(resourcesOf(j, 'aws_eks_access_entry').map(([, e]) => e.principal_arn)).toEqual(expect.arrayContaining(['arn:aws:iam::111122223333:role/ops', 'arn:aws:iam::111122223333:role/sre']));
    expect(resourcesOf(j, 'aws_eks_access_policy_association')).toHaveLength(3);
  });

  test('EKS managed add-ons; coredns after the nodes, the others before', () => {
    const addons = Object.fromEntries(resourcesOf(json, 'aws_eks_addon').map(([id, a]) => [a.addon_name as string, { id, a }]));
    expect(Object.keys(addons).sort()).toEqual([...EKS_MANAGED_ADDONS].sort());
    const ng = resourcesOf(json, 'aws_eks_node_group')[0];
    expect(addons.coredns.a.depends_on).toEqual([`aws_eks_node_group.${ng[0]}`]);
    for (const n of ['vpc-cni', 'kube-proxy', 'eks-pod-identity-agent']) expect(ng[1].depends_on).toContain(`aws_eks_addon.${addons[n].id}`);
  });

  test('managed node group defaults', () => {
    expect(only(json, 'aws_eks_node_group')).toMatchObject({
      instance_types: ['m6i.large'], ami_type: 'AL2023_x86_64_STANDARD', capacity_type: 'ON_DEMAND',
      scaling_config: { min_size: 2, max_size: 4, desired_size: 3 }, update_config: { max_unavailable: 1 },
    });
  });

  test('node group options', () => {
    const { json: j } = synth({ nodeInstanceTypes: ['c7i.xlarge'], nodeMinSize: 3, nodeMaxSize: 6, nodeDesiredSize: 5, nodeCapacityType: NodeCapacityType.SPOT, nodeLabels: { pool: 'mesh' }, supportType: EksSupportType.STANDARD, endpointPublicAccess: false });
    expect(only(j, 'aws_eks_node_group')).toMatchObject({ instance_types: ['c7i.xlarge'], capacity_type: 'SPOT', scaling_config: { min_size: 3, max_size: 6, desired_size: 5 }, labels: { pool: 'mesh' } });
    expect(only(j, 'aws_eks_cluster')).toMatchObject({ upgrade_policy: { support_type: 'STANDARD' }, vpc_config: expect.objectContaining({ endpoint_public_access: false }) });
    expect((only(j, 'aws_eks_cluster').vpc_config as Record<string, unknown>).public_access_cidrs).toBeUndefined();
  });
});

describe('EksCluster: Istio node ports', () => {
  const { json } = synth();
  const sgId = resourcesOf(json, 'aws_security_group')[0][0];
  const rules = resourcesOf(json, 'aws_vpc_security_group_ingress_rule').map(([, r]) => r);

  // Istio's "Ports used by Istio": the API server calls the webhook (15017); proxies on the nodes call
  // istiod for xDS and certificates (15012) and tunnel HBONE to each other (15008).
  test('tcp 15017 (istiod webhooks) is open on the nodes from the control plane (cluster security group)', () => {
    expect(rules).toContainEqual(expect.objectContaining({
      from_port: 15017, to_port: 15017, ip_protocol: 'tcp', security_group_id: `\${aws_security_group.${sgId}.id}`,
      referenced_security_group_id: expect.stringMatching(/aws_eks_cluster\..*\.vpc_config\[0\]\.cluster_security_group_id/),
    }));
  });

  test.each([15012, 15008])('tcp %d is open between nodes, not from the control plane', (port) => {
    const forPort = rules.filter((r) => r.from_port === port);
    expect(forPort).toEqual([expect.objectContaining({
      from_port: port, to_port: port, ip_protocol: 'tcp', security_group_id: `\${aws_security_group.${sgId}.id}`, referenced_security_group_id: `\${aws_security_group.${sgId}.id}`,
    })]);
  });

  test('exactly one rule per Istio port', () => {
    expect(rules.map((r) => r.from_port).sort()).toEqual([15008, 15012, 15017]);
    expect(rules).toHaveLength(ISTIO_NODE_PORTS.length);
  });

  test('the node security group is attached to the nodes through the launch template, beside the cluster security group', () => {
    const lt = resourcesOf(json, 'aws_launch_template')[0];
    expect(lt[1].vpc_security_group_ids).toEqual([expect.stringMatching(/cluster_security_group_id/), `\${aws_security_group.${sgId}.id}`]);
    expect(lt[1].metadata_options).toEqual(expect.objectContaining({ http_tokens: 'required', http_put_response_hop_limit: 2 }));
    expect(only(json, 'aws_eks_node_group').launch_template).toEqual({ id: `\${aws_launch_template.${lt[0]}.id}`, version: expect.stringContaining('latest_version') });
  });
});

describe('EksCluster: fails at synth', () => {
  const fails = (props: Partial<EksClusterProps>, re: RegExp) => {
    expect(() => new EksCluster(testStack(), 'Eks', { ...PROPS, ...props })).toThrow(IstioMeshValidationError);
    expect(() => new EksCluster(testStack(), 'Eks', { ...PROPS, ...props })).toThrow(re);
  };
  test('fails when only one subnet is given', () => fails({ subnetIds: ['subnet-a'], vpcId: 'vpc-1' }, /^'subnetIds' must list at least two subnets/));
  test('fails when subnetIds come without vpcId', () => fails({ subnetIds: ['a', 'b'] }, /^'vpcId' must be given together/));
  test('fails when vpcId comes without subnetIds', () => fails({ vpcId: 'vpc-1' }, /^'subnetIds' must be given together/));
  test('fails when availabilityZoneCount is 1', () => fails({ availabilityZoneCount: 1 }, /^'availabilityZoneCount' must be an integer from 2 to 6, got 1/));
  test('fails when vpcCidr is not a /16–/24 CIDR', () => fails({ vpcCidr: '10.0.0.0/8' }, /^'vpcCidr' must be an IPv4 CIDR from \/16 to \/24, got '10\.0\.0\.0\/8'/));
  test('fails when desired size exceeds max', () => fails({ nodeDesiredSize: 9 }, /^'nodeDesiredSize' must be an integer from 2 to 4, got 9/));
  test('fails when max is below min', () => fails({ nodeMinSize: 3, nodeMaxSize: 2, nodeDesiredSize: 3 }, /^'nodeMaxSize' must be an integer from 3 to 450, got 2/));
  test('fails when no instance type is given', () => fails({ nodeInstanceTypes: [] }, /^'nodeInstanceTypes' must list at least one instance type/));
  test('fails when the region is unknown', () => fails({ region: 'xx-1' }, /^'region' must be an AWS region code, got 'xx-1'/));
});

describe('EksCluster: names derived from the cluster name fit AWS prefix limits', () => {
  test('a 100-character cluster name is cut so every name_prefix fits (IAM role 38, node group 37)', () => {
    const { json } = synth({ clusterName: 'c'.repeat(100) });
    for (const [, r] of resourcesOf(json, 'aws_iam_role')) expect((r.name_prefix as string).length).toBeLessThanOrEqual(38);
    for (const [, g] of resourcesOf(json, 'aws_eks_node_group')) expect((g.node_group_name_prefix as string).length).toBeLessThanOrEqual(37);
    expect((only(json, 'aws_security_group').name_prefix as string).length).toBeLessThanOrEqual(100);
    expect((only(json, 'aws_launch_template').name_prefix as string).length).toBeLessThanOrEqual(99);
    expect(resourcesOf(json, 'aws_iam_role').map(([, r]) => r.name_prefix).sort()).toEqual([`${'c'.repeat(29)}-cluster-`, `${'c'.repeat(32)}-node-`]);
  });

  test('a Terraform variable is cut at plan time with substr()', () => {
    const stack = testStack();
    const name = new TerraformVariable(stack, 'cluster_name', { type: 'string' });
    new EksCluster(stack, 'Eks', { ...PROPS, clusterName: name.stringValue });
    const json = synthJson(stack);
    expect(resourcesOf(json, 'aws_iam_role').map(([, r]) => r.name_prefix).sort()).toEqual([
      '${substr(var.cluster_name, 0, 29)}-cluster-', '${substr(var.cluster_name, 0, 32)}-node-',
    ]);
    expect(only(json, 'aws_eks_node_group').node_group_name_prefix).toBe('${substr(var.cluster_name, 0, 36)}-');
  });
});

describe('EksCluster: VPC CNI configuration for Istio', () => {
  const vpcCni = (json: ReturnType<typeof synthJson>) => resourcesOf(json, 'aws_eks_addon').map(([, a]) => a).find((a) => a.addon_name === 'vpc-cni')!;

  test('pod security groups, if enabled, use standard enforcement (Istio probe rewriting needs it)', () => {
    const { json } = synth();
    expect(JSON.parse(vpcCni(json).configuration_values as string)).toEqual({ env: { POD_SECURITY_GROUP_ENFORCING_MODE: 'standard' } });
    for (const [, a] of resourcesOf(json, 'aws_eks_addon')) if (a.addon_name !== 'vpc-cni') expect(a.configuration_values).toBeUndefined();
  });

  test('vpcCniConfigurationValues is merged onto it', () => {
    const { json } = synth({ vpcCniConfigurationValues: { env: { ENABLE_PREFIX_DELEGATION: 'true' } } });
    expect(JSON.parse(vpcCni(json).configuration_values as string)).toEqual({ env: { POD_SECURITY_GROUP_ENFORCING_MODE: 'standard', ENABLE_PREFIX_DELEGATION: 'true' } });
  });

  test('podSecurityGroups turns on pod ENIs with standard enforcement and gives the cluster role AmazonEKSVPCResourceController', () => {
    const { json } = synth({ podSecurityGroups: true });
    expect(JSON.parse(vpcCni(json).configuration_values as string)).toEqual({ env: { POD_SECURITY_GROUP_ENFORCING_MODE: 'standard', ENABLE_POD_ENI: 'true' } });
    const policies = resourcesOf(json, 'aws_iam_role_policy_attachment').map(([, a]) => String(a.policy_arn).split('/').pop());
    expect(policies).toContain('AmazonEKSVPCResourceController');
    expect(resourcesOf(synth().json, 'aws_iam_role_policy_attachment').map(([, a]) => String(a.policy_arn).split('/').pop())).not.toContain('AmazonEKSVPCResourceController');
  });

  test('fails when pod ENIs are on with strict enforcement (Istio probes would fail)', () => {
    expect(() => synth({ podSecurityGroups: true, vpcCniConfigurationValues: { env: { POD_SECURITY_GROUP_ENFORCING_MODE: 'strict' } } }))
      .toThrow(/^'vpcCniConfigurationValues' turns on pod ENIs with a POD_SECURITY_GROUP_ENFORCING_MODE other than 'standard'.*got 'strict'/);
    expect(() => synth({ vpcCniConfigurationValues: { env: { ENABLE_POD_ENI: 'true', POD_SECURITY_GROUP_ENFORCING_MODE: 'strict' } } })).toThrow(IstioMeshValidationError);
    expect(() => synth({ vpcCniConfigurationValues: { env: { POD_SECURITY_GROUP_ENFORCING_MODE: 'strict' } } })).not.toThrow();
  });
});

describe('EksCluster: what Istio does not use is optional', () => {
  test('the IAM OIDC provider (IRSA) and the pod identity agent are created by default', () => {
    const { json } = synth();
    expect(resourcesOf(json, 'aws_iam_openid_connect_provider')).toHaveLength(1);
    expect(resourcesOf(json, 'aws_eks_addon').map(([, a]) => a.addon_name)).toContain('eks-pod-identity-agent');
  });

  test('iamOidcProvider: false and podIdentityAgent: false leave them out', () => {
    const { json, cluster } = synth({ iamOidcProvider: false, podIdentityAgent: false });
    expect(resourcesOf(json, 'aws_iam_openid_connect_provider')).toHaveLength(0);
    expect(cluster.oidcProvider).toBeUndefined();
    expect(resourcesOf(json, 'aws_eks_addon').map(([, a]) => a.addon_name).sort()).toEqual(['coredns', 'kube-proxy', 'vpc-cni']);
  });
});

describe('EksCluster: node-group swap by generation (the zero-downtime data-plane option)', () => {
  test('generation 0 keeps the original name prefix; a raised generation is a new prefix, created before the old group is destroyed', () => {
    const g0 = only(synth().json, 'aws_eks_node_group');
    const g1 = only(synth({ nodeGroupGeneration: 1 }).json, 'aws_eks_node_group');
    expect(g0.node_group_name_prefix).toBe('mesh-');
    expect(g1.node_group_name_prefix).toBe('mesh-g1-');
    // node_group_name_prefix forces replacement in the AWS provider; create_before_destroy orders the swap.
    expect(g1.lifecycle).toMatchObject({ create_before_destroy: true });
    const long = only(synth({ clusterName: 'c'.repeat(100), nodeGroupGeneration: 999 }).json, 'aws_eks_node_group');
    expect(long.node_group_name_prefix).toBe(`${'c'.repeat(31)}-g999-`); // 37 characters, the EKS prefix limit
  });

  test.each([-1, 1.5, 1000])('fails when nodeGroupGeneration is %p', (n) => {
    expect(() => synth({ nodeGroupGeneration: n })).toThrow(/^'nodeGroupGeneration' must be an integer from 0 to 999/);
  });
});
