import { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { PREFIX_LIMITS, namePrefix } from '../private/naming';
import { checkProps, instanceOf, opt, props as propsSchema, str, stringMap, validatedAt } from '../private/props';
import { terraformSafe } from '../private/terraform-escape';
import { HBONE_PORT, ISTIOD_WEBHOOK_PORT, ISTIOD_XDS_TLS_PORT } from '../wire/istio';

/** Props of {@link EksNodeSecurity}. */
export interface EksNodeSecurityProps {
  readonly clusterName: string;
  readonly vpcId: string;
  /** The EKS-created cluster security group (control plane ENIs). */
  readonly clusterSecurityGroupId: string;
  /** @default - the stack's default AWS provider */
  readonly awsProvider?: TerraformProvider;
  /** @default - none */
  readonly tags?: Record<string, string>;
}

/** A port Istio needs open on the nodes, and from where. */
export interface IstioNodePort {
  readonly port: number;
  readonly from: 'control-plane' | 'nodes';
  readonly description: string;
}

/**
 * The node ports Istio ambient needs (Istio's "Ports used by Istio": 15017 webhook, 15012 xDS and
 * CA over TLS/mTLS, 15008 HBONE; ../shared/facts/istio-1.22.md §f; terraform-aws-eks' recommended
 * rules stop short of 15017):
 * - 15017: the EKS control plane calls istiod's webhooks (injection, validation) through the istiod
 *   Service (443 → 15017), so it must reach the node running istiod;
 * - 15012: ztunnel, sidecars and waypoints on every node fetch config and certificates from istiod;
 *   the control plane never connects to it;
 * - 15008: ztunnels (and waypoints) tunnel HBONE to each other.
 *
 * When these rules matter: EKS's cluster security group already allows all traffic between its
 * members (the control plane's ENIs and every node that carries it), and the library's nodes carry it.
 * The rules are what keeps the mesh working for nodes that do NOT carry the cluster security group:
 * node groups with their own launch template or security groups, self-managed nodes, an existing
 * cluster's nodes (which the library never changes: open these ports there yourself), and pods with
 * their own security groups (`podSecurityGroups`).
 */
export const ISTIO_NODE_PORTS: readonly IstioNodePort[] = [
  { port: ISTIOD_WEBHOOK_PORT, from: 'control-plane', description: 'istiod webhooks (sidecar injection, validation) from the EKS control plane' },
  { port: ISTIOD_XDS_TLS_PORT, from: 'nodes', description: 'istiod xDS and CA from ztunnel, sidecars and waypoints on the nodes' },
  { port: HBONE_PORT, from: 'nodes', description: 'HBONE (ztunnel mTLS tunnel) between nodes' },
];

const SCHEMA = propsSchema({
  clusterName: str(100),
  vpcId: str(256),
  clusterSecurityGroupId: str(256),
  awsProvider: opt(instanceOf(TerraformProvider, 'an AWS provider (TerraformProvider)')),
  tags: opt(stringMap(50)),
});

/** A node security group carrying the Istio port rules, attached to the nodes beside the cluster security group. */
export class EksNodeSecurity extends Construct {
  public readonly securityGroup: SecurityGroup;
  public readonly rules: (VpcSecurityGroupIngressRule | VpcSecurityGroupEgressRule)[] = [];

  constructor(scope: Construct, id: string, props: EksNodeSecurityProps) {
    super(scope, id);
    validatedAt(this, () => checkProps('EksNodeSecurity', SCHEMA, props));
    const provider = props.awsProvider;
    this.securityGroup = new SecurityGroup(this, 'NodeSecurityGroup', terraformSafe({
      provider,
      namePrefix: namePrefix(props.clusterName, '-nodes-', PREFIX_LIMITS.securityGroup),
      description: `Istio ambient node ports for EKS cluster ${props.clusterName}`,
      vpcId: props.vpcId,
      tags: { ...props.tags, Name: `${props.clusterName}-nodes` },
      lifecycle: { createBeforeDestroy: true },
    }));
    for (const p of ISTIO_NODE_PORTS) {
      this.rules.push(new VpcSecurityGroupIngressRule(this, `Ingress${p.port}`, terraformSafe({
        provider,
        securityGroupId: this.securityGroup.id,
        description: p.description,
        ipProtocol: 'tcp',
        fromPort: p.port,
        toPort: p.port,
        referencedSecurityGroupId: p.from === 'control-plane' ? props.clusterSecurityGroupId : this.securityGroup.id,
      })));
    }
    this.rules.push(new VpcSecurityGroupEgressRule(this, 'EgressAll', terraformSafe({
      provider, securityGroupId: this.securityGroup.id, description: 'all egress', ipProtocol: '-1', cidrIpv4: '0.0.0.0/0',
    })));
  }
}
