import { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { PREFIX_LIMITS, namePrefix } from '../private/naming';
import { checkProps, instanceOf, opt, props as propsSchema, str, stringMap, validatedAt } from '../private/props';

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
 * The node ports Istio ambient needs (../shared/facts/istio-1.22.md §f, §i; terraform-aws-eks'
 * recommended rules stop short of 15017): the API server calls istiod's webhooks on 15017 and
 * reaches xDS/CA on 15012; ztunnels tunnel HBONE to each other on 15008.
 */
export const ISTIO_NODE_PORTS: readonly IstioNodePort[] = [
  { port: 15017, from: 'control-plane', description: 'istiod webhooks (sidecar injection, validation) from the EKS control plane' },
  { port: 15012, from: 'control-plane', description: 'istiod xDS and CA from the EKS control plane' },
  { port: 15008, from: 'nodes', description: 'HBONE (ztunnel mTLS tunnel) between nodes' },
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
    this.securityGroup = new SecurityGroup(this, 'NodeSecurityGroup', {
      provider,
      namePrefix: namePrefix(props.clusterName, '-nodes-', PREFIX_LIMITS.securityGroup),
      description: `Istio ambient node ports for EKS cluster ${props.clusterName}`,
      vpcId: props.vpcId,
      tags: { ...props.tags, Name: `${props.clusterName}-nodes` },
      lifecycle: { createBeforeDestroy: true },
    });
    for (const p of ISTIO_NODE_PORTS) {
      this.rules.push(new VpcSecurityGroupIngressRule(this, `Ingress${p.port}`, {
        provider,
        securityGroupId: this.securityGroup.id,
        description: p.description,
        ipProtocol: 'tcp',
        fromPort: p.port,
        toPort: p.port,
        referencedSecurityGroupId: p.from === 'control-plane' ? props.clusterSecurityGroupId : this.securityGroup.id,
      }));
    }
    this.rules.push(new VpcSecurityGroupEgressRule(this, 'EgressAll', {
      provider, securityGroupId: this.securityGroup.id, description: 'all egress', ipProtocol: '-1', cidrIpv4: '0.0.0.0/0',
    }));
  }
}
