import { ITerraformDependable, TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { DataAwsEksCluster } from '@cdktf/provider-aws/lib/data-aws-eks-cluster';
import { checkProps, instanceOf, opt, props as propsSchema, str, validatedAt } from '../private/props';
import { terraformSafe } from '../private/terraform-escape';
import { validateClusterName, validateRegion } from '../private/validate';
import { IEksClusterRef } from './cluster-ref';

/** Props of {@link ExistingEksCluster}. */
export interface ExistingEksClusterProps {
  /** Name of the existing EKS cluster (may be a Terraform variable). */
  readonly clusterName: string;
  /** Its AWS region code (may be a Terraform variable). */
  readonly region: string;
  /** AWS provider for the lookup. @default - the stack's default AWS provider */
  readonly awsProvider?: TerraformProvider;
}

const SCHEMA = propsSchema({
  clusterName: str(100),
  region: str(64),
  awsProvider: opt(instanceOf(TerraformProvider, 'an AWS provider (TerraformProvider)')),
});

/**
 * An EKS cluster that already exists, looked up by name as data sources at plan time. Its Kubernetes
 * version is known only then, so `IstioAmbientCluster` checks it with a `precondition`. Node
 * security groups are not modified: where nodes do not carry the cluster security group, make sure
 * 15017 is open from the control plane and 15012 and 15008 between nodes (see `ISTIO_NODE_PORTS`).
 */
export class ExistingEksCluster extends Construct implements IEksClusterRef {
  public readonly clusterName: string;
  public readonly region: string;
  public readonly isNew = false;
  public readonly awsProvider?: TerraformProvider;
  public readonly lookup: DataAwsEksCluster;
  public readonly readyDependables: ITerraformDependable[] = [];

  constructor(scope: Construct, id: string, props: ExistingEksClusterProps) {
    super(scope, id);
    validatedAt(this, () => {
      checkProps('ExistingEksCluster', SCHEMA, props);
      validateClusterName('clusterName', props.clusterName);
      validateRegion('region', props.region);
    });
    this.clusterName = props.clusterName;
    this.region = props.region;
    this.awsProvider = props.awsProvider;
    this.lookup = new DataAwsEksCluster(this, 'Cluster', terraformSafe({ provider: props.awsProvider, name: props.clusterName }));
  }

  public get endpoint(): string {
    return this.lookup.endpoint;
  }

  public get certificateAuthorityData(): string {
    return this.lookup.certificateAuthority.get(0).data;
  }

  public get kubernetesVersion(): string {
    return this.lookup.version;
  }
}
