import { ITerraformDependable, TerraformProvider } from 'cdktf';
import { IConstruct } from 'constructs';

/**
 * An EKS cluster the mesh installs into: either created here ({@link EksCluster}) or looked up
 * ({@link ExistingEksCluster}). Everything Istio needs to reach and wait for the cluster.
 */
export interface IEksClusterRef extends IConstruct {
  /** The EKS cluster name (may be a token, e.g. a Terraform variable). */
  readonly clusterName: string;
  /** The AWS region code the cluster lives in (may be a token). */
  readonly region: string;
  /** The API server endpoint (a token resolved at apply). */
  readonly endpoint: string;
  /** Base64-encoded cluster CA certificate (a token resolved at apply). */
  readonly certificateAuthorityData: string;
  /** The Kubernetes minor: a literal for a new cluster, a token for a looked-up one. */
  readonly kubernetesVersion: string;
  /** True when this stack creates the cluster. */
  readonly isNew: boolean;
  /** Resources that must exist before anything is installed into the cluster (nodes, add-ons, access entries). */
  readonly readyDependables: ITerraformDependable[];
  /** The AWS provider the cluster's resources use, when one was given. */
  readonly awsProvider?: TerraformProvider;
}
