import { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { IEksClusterRef } from '../eks/cluster-ref';
import { EKS_CLUSTER_OPTION_SCHEMAS, EksCluster, EksClusterOptions, validateEksClusterOptions } from '../eks/eks-cluster';
import { ExistingEksCluster } from '../eks/existing-eks-cluster';
import { invalid } from '../private/errors';
import { checkProps, instanceOf, list, opt, props, str } from '../private/props';
import { isConcrete, validateClusterName, validateRegion } from '../private/validate';

/** Options of {@link MeshCluster.create}: a new EKS cluster for the mesh. */
export interface MeshClusterCreateOptions extends EksClusterOptions {
  /** EKS cluster name (1–100 characters, starts alphanumeric, `[A-Za-z0-9_-]`); may be a Terraform variable. */
  readonly clusterName: string;
  /** AWS region code; may be a Terraform variable. Must match the AWS provider's region. */
  readonly region: string;
  /** Kubernetes minor of the new cluster, e.g. `1.33`. @default - the newest Kubernetes minor the Istio release supports */
  readonly kubernetesVersion?: string;
  /** Restrict `region` to these codes (organisation policy). @default - any AWS region */
  readonly allowedRegions?: string[];
  /** AWS provider for the cluster's resources. @default - the stack's default AWS provider */
  readonly awsProvider?: TerraformProvider;
}

/** Options of {@link MeshCluster.lookup}: an existing EKS cluster, looked up by name at plan time. */
export interface MeshClusterLookupOptions {
  /** Name of the existing cluster; may be a Terraform variable. */
  readonly clusterName: string;
  /** Its AWS region code; may be a Terraform variable. */
  readonly region: string;
  /**
   * The Kubernetes minor you expect the cluster to run, checked at synth against the Istio release.
   * The looked-up version is checked at plan time either way (a `precondition`).
   * @default - checked at plan time only
   */
  readonly kubernetesVersion?: string;
  /** Restrict `region` to these codes (organisation policy). @default - any AWS region */
  readonly allowedRegions?: string[];
  /** AWS provider for the lookup. @default - the stack's default AWS provider */
  readonly awsProvider?: TerraformProvider;
}

/** How the mesh construct builds or reaches its cluster; produced by {@link MeshCluster}'s factories. */
export interface MeshClusterPlan {
  /** True when the mesh creates the cluster (EKS must still offer its version). */
  readonly newCluster: boolean;
  /** Cluster name and region (literals or tokens), for messages and the one-mesh-per-cluster rule. */
  readonly clusterName: string;
  readonly region: string;
  /** The Kubernetes version given or implied; undefined when only the plan-time lookup knows it. */
  readonly kubernetesVersion?: string;
  /** True when `kubernetesVersion` is the Istio release's default, not a user choice. */
  readonly kubernetesVersionDefaulted: boolean;
  /** The prop path a Kubernetes-version message names. */
  readonly kubernetesVersionProp: string;
  /** Creates (or returns) the cluster; called once, after every check passed. */
  create(scope: Construct, id: string): IEksClusterRef;
}

/**
 * The cluster a mesh is installed into, given once: created with the mesh
 * ({@link MeshCluster.create}), looked up by name ({@link MeshCluster.lookup}), or a cluster
 * construct you made yourself ({@link MeshCluster.fromCluster}). Each fact (name, region, version,
 * options) is given in exactly one place, so nothing can disagree and nothing is ignored.
 */
export abstract class MeshCluster {
  /** A new EKS cluster, created as the mesh's child `Cluster` (an {@link EksCluster}). */
  public static create(options: MeshClusterCreateOptions): MeshCluster {
    return new CreatedCluster(options);
  }

  /** An existing EKS cluster, looked up by name as data sources (an {@link ExistingEksCluster} child `Cluster`). */
  public static lookup(options: MeshClusterLookupOptions): MeshCluster {
    return new LookedUpCluster(options);
  }

  /** A cluster construct of your own ({@link EksCluster} or {@link ExistingEksCluster}), e.g. to share it with other constructs. */
  public static fromCluster(cluster: IEksClusterRef): MeshCluster {
    return new GivenCluster(cluster);
  }

  /**
   * Validates the options (naming props under `prop`) and returns how to build the cluster.
   * Called by the mesh construct before it creates any child.
   * @param defaultKubernetesVersion the Kubernetes minor to use when a new cluster's is not given
   */
  public abstract plan(prop: string, defaultKubernetesVersion: string): MeshClusterPlan;
}

const CREATE_SCHEMA = props({
  ...EKS_CLUSTER_OPTION_SCHEMAS,
  clusterName: str(100),
  region: str(64),
  kubernetesVersion: opt(str(16)),
  allowedRegions: opt(list(str(64), 64)),
  awsProvider: opt(instanceOf(TerraformProvider, 'an AWS provider (TerraformProvider)')),
});

const LOOKUP_SCHEMA = props({
  clusterName: str(100),
  region: str(64),
  kubernetesVersion: opt(str(16)),
  allowedRegions: opt(list(str(64), 64)),
  awsProvider: opt(instanceOf(TerraformProvider, 'an AWS provider (TerraformProvider)')),
});

class CreatedCluster extends MeshCluster {
  constructor(private readonly options: MeshClusterCreateOptions) {
    super();
  }

  public plan(prop: string, defaultKubernetesVersion: string): MeshClusterPlan {
    const o = this.options;
    checkProps('MeshCluster.create', CREATE_SCHEMA, o, prop);
    validateClusterName(`${prop}.clusterName`, o.clusterName);
    validateRegion(`${prop}.region`, o.region, o.allowedRegions, `${prop}.allowedRegions`);
    validateEksClusterOptions(o, `${prop}.`);
    const kubernetesVersion = o.kubernetesVersion ?? defaultKubernetesVersion;
    return {
      newCluster: true,
      clusterName: o.clusterName,
      region: o.region,
      kubernetesVersion,
      kubernetesVersionDefaulted: o.kubernetesVersion === undefined,
      kubernetesVersionProp: `${prop}.kubernetesVersion`,
      create: (scope, id) => {
        const { allowedRegions: _allowed, ...clusterProps } = o;
        return new EksCluster(scope, id, { ...clusterProps, kubernetesVersion });
      },
    };
  }
}

class LookedUpCluster extends MeshCluster {
  constructor(private readonly options: MeshClusterLookupOptions) {
    super();
  }

  public plan(prop: string): MeshClusterPlan {
    const o = this.options;
    checkProps('MeshCluster.lookup', LOOKUP_SCHEMA, o, prop);
    validateClusterName(`${prop}.clusterName`, o.clusterName);
    validateRegion(`${prop}.region`, o.region, o.allowedRegions, `${prop}.allowedRegions`);
    return {
      newCluster: false,
      clusterName: o.clusterName,
      region: o.region,
      kubernetesVersion: o.kubernetesVersion,
      kubernetesVersionDefaulted: false,
      kubernetesVersionProp: `${prop}.kubernetesVersion`,
      create: (scope, id) => new ExistingEksCluster(scope, id, { clusterName: o.clusterName, region: o.region, awsProvider: o.awsProvider }),
    };
  }
}

class GivenCluster extends MeshCluster {
  constructor(private readonly cluster: IEksClusterRef) {
    super();
  }

  public plan(prop: string): MeshClusterPlan {
    const c = this.cluster as unknown;
    if (!isClusterRef(c)) {
      throw invalid(prop, 'must wrap an EKS cluster construct', describeObject(c), 'MeshCluster.fromCluster(new EksCluster(…)) or MeshCluster.fromCluster(new ExistingEksCluster(…))');
    }
    return {
      newCluster: c.isNew,
      clusterName: c.clusterName,
      region: c.region,
      kubernetesVersion: isConcrete(c.kubernetesVersion) ? c.kubernetesVersion : undefined,
      kubernetesVersionDefaulted: false,
      kubernetesVersionProp: `${prop}.kubernetesVersion`,
      create: () => c,
    };
  }
}

function isClusterRef(x: unknown): x is IEksClusterRef {
  if (typeof x !== 'object' || x === null || !(x instanceof Construct)) return false;
  const c = x as Partial<IEksClusterRef>;
  return typeof c.clusterName === 'string' && typeof c.region === 'string' && typeof c.isNew === 'boolean' && Array.isArray(c.readyDependables);
}

function describeObject(x: unknown): string {
  if (typeof x !== 'object' || x === null) return String(x);
  return `an instance of ${(x as object).constructor?.name ?? 'an unknown class'}`;
}
