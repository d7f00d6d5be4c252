import { Fn, TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { DataAwsAvailabilityZones } from '@cdktf/provider-aws/lib/data-aws-availability-zones';
import { Eip } from '@cdktf/provider-aws/lib/eip';
import { InternetGateway } from '@cdktf/provider-aws/lib/internet-gateway';
import { NatGateway } from '@cdktf/provider-aws/lib/nat-gateway';
import { Route } from '@cdktf/provider-aws/lib/route';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { invalid } from '../private/errors';
import { bool, checkProps, instanceOf, num, opt, props as propsSchema, str, stringMap, validatedAt } from '../private/props';
import { terraformSafe } from '../private/terraform-escape';
import { validateIntRange } from '../private/validate';

/** Props of {@link EksVpc}. */
export interface EksVpcProps {
  /**
   * Name used in `Name` tags. (No `kubernetes.io/cluster/<name>` subnet tag: EKS ≥ 1.19 and the AWS
   * load balancer controller ≥ 2.1.1 do not need it, and a tag key cannot safely hold a variable.)
   */
  readonly clusterName: string;
  /**
   * IPv4 CIDR of the VPC; each subnet gets a /4 slice of it (a /20 for a /16).
   * @default '10.0.0.0/16'
   */
  readonly cidr?: string;
  /**
   * Number of availability zones, each with one private and one public subnet (2–6).
   * @default 2
   */
  readonly availabilityZoneCount?: number;
  /**
   * One NAT gateway per AZ (resilient) instead of one shared NAT gateway (cheaper).
   * @default false
   */
  readonly natGatewayPerAz?: boolean;
  /** AWS provider for these resources. @default - the stack's default AWS provider */
  readonly awsProvider?: TerraformProvider;
  /** Extra tags for every resource. @default - none */
  readonly tags?: Record<string, string>;
}

const SCHEMA = propsSchema({
  clusterName: str(100),
  cidr: opt(str(64)),
  availabilityZoneCount: opt(num),
  natGatewayPerAz: opt(bool),
  awsProvider: opt(instanceOf(TerraformProvider, 'an AWS provider (TerraformProvider)')),
  tags: opt(stringMap(50)),
});

/**
 * A VPC for EKS: private and public subnets in N availability zones, an internet gateway, NAT
 * gateway(s), and the subnet tags the AWS load balancer integration looks for.
 */
export class EksVpc extends Construct {
  public readonly vpc: Vpc;
  public readonly privateSubnets: Subnet[] = [];
  public readonly publicSubnets: Subnet[] = [];
  public readonly natGateways: NatGateway[] = [];
  public readonly availabilityZoneCount: number;

  constructor(scope: Construct, id: string, props: EksVpcProps) {
    super(scope, id);
    const cidr = props.cidr ?? '10.0.0.0/16';
    this.availabilityZoneCount = props.availabilityZoneCount ?? 2;
    validatedAt(this, () => {
      checkProps('EksVpc', SCHEMA, props);
      validateIntRange('availabilityZoneCount', this.availabilityZoneCount, 2, 6);
      if (!/^(\d{1,3}\.){3}\d{1,3}\/(1[6-9]|2[0-4])$/.test(cidr)) {
        throw invalid('vpcCidr', 'must be an IPv4 CIDR from /16 to /24', cidr);
      }
    });
    const provider = props.awsProvider;
    const tags = (name: string, extra: Record<string, string> = {}) => ({ ...props.tags, Name: `${props.clusterName}-${name}`, ...extra });

    const azs = new DataAwsAvailabilityZones(this, 'Zones', terraformSafe({
      provider,
      state: 'available',
      filter: [{ name: 'opt-in-status', values: ['opt-in-not-required'] }],
    }));
    this.vpc = new Vpc(this, 'Vpc', terraformSafe({ provider, cidrBlock: cidr, enableDnsHostnames: true, enableDnsSupport: true, tags: tags('vpc') }));
    const igw = new InternetGateway(this, 'InternetGateway', terraformSafe({ provider, vpcId: this.vpc.id, tags: tags('igw') }));
    const publicRoutes = new RouteTable(this, 'PublicRoutes', terraformSafe({ provider, vpcId: this.vpc.id, tags: tags('public') }));
    new Route(this, 'PublicDefaultRoute', terraformSafe({ provider, routeTableId: publicRoutes.id, destinationCidrBlock: '0.0.0.0/0', gatewayId: igw.id }));

    const n = this.availabilityZoneCount;
    for (let i = 0; i < n; i++) {
      const az = Fn.element(azs.names, i);
      const zone = new Construct(this, `Zone${i + 1}`);
      const pub = new Subnet(zone, 'Public', terraformSafe({
        provider, vpcId: this.vpc.id, availabilityZone: az, cidrBlock: Fn.cidrsubnet(cidr, 4, n + i), mapPublicIpOnLaunch: true,
        tags: tags(`public-${i + 1}`, { 'kubernetes.io/role/elb': '1' }),
      }));
      const priv = new Subnet(zone, 'Private', terraformSafe({
        provider, vpcId: this.vpc.id, availabilityZone: az, cidrBlock: Fn.cidrsubnet(cidr, 4, i),
        tags: tags(`private-${i + 1}`, { 'kubernetes.io/role/internal-elb': '1' }),
      }));
      this.publicSubnets.push(pub);
      this.privateSubnets.push(priv);
      new RouteTableAssociation(zone, 'PublicAssociation', terraformSafe({ provider, subnetId: pub.id, routeTableId: publicRoutes.id }));
      if (i === 0 || props.natGatewayPerAz) {
        const eip = new Eip(zone, 'NatIp', terraformSafe({ provider, domain: 'vpc', tags: tags(`nat-${i + 1}`), dependsOn: [igw] }));
        this.natGateways.push(new NatGateway(zone, 'Nat', terraformSafe({ provider, allocationId: eip.allocationId, subnetId: pub.id, tags: tags(`nat-${i + 1}`) })));
      }
      const nat = this.natGateways[this.natGateways.length - 1];
      const privateRoutes = new RouteTable(zone, 'PrivateRoutes', terraformSafe({ provider, vpcId: this.vpc.id, tags: tags(`private-${i + 1}`) }));
      new Route(zone, 'PrivateDefaultRoute', terraformSafe({ provider, routeTableId: privateRoutes.id, destinationCidrBlock: '0.0.0.0/0', natGatewayId: nat.id }));
      new RouteTableAssociation(zone, 'PrivateAssociation', terraformSafe({ provider, subnetId: priv.id, routeTableId: privateRoutes.id }));
    }
  }
}
