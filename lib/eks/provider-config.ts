import { Fn } from 'cdktf';
import type { HelmProviderConfig, HelmProviderKubernetes } from '@cdktf/provider-helm/lib/provider';
import type { KubernetesProviderConfig } from '@cdktf/provider-kubernetes/lib/provider';
import { terraformSafe } from '../private/terraform-escape';
import { IEksClusterRef } from './cluster-ref';

/** How the Kubernetes and Helm providers authenticate to an EKS cluster. */
export interface EksAuthOptions {
  /**
   * IAM role to assume for the token (`aws eks get-token --role-arn`).
   * @default - the credentials Terraform runs with
   */
  readonly roleArn?: string;
  /**
   * AWS CLI profile for the token (`--profile`).
   * @default - the default credential chain
   */
  readonly profile?: string;
  /**
   * The command that prints an ExecCredential; must be on the PATH of the machine running Terraform.
   * @default 'aws'
   */
  readonly command?: string;
  /**
   * A static bearer token instead of the exec plugin, e.g. `DataAwsEksClusterAuth.token`.
   * Such tokens expire after 15 minutes, which long applies outlive; use only where the runner has no AWS CLI.
   * @default - the exec plugin (a fresh token for every request)
   */
  readonly token?: string;
  /** Provider alias, for stacks with several clusters. @default - no alias */
  readonly alias?: string;
}

/** The exec plugin arguments for `aws eks get-token` against this cluster. */
export function eksGetTokenArgs(cluster: IEksClusterRef, options: EksAuthOptions = {}): string[] {
  const args = ['eks', 'get-token', '--cluster-name', cluster.clusterName, '--region', cluster.region, '--output', 'json'];
  if (options.roleArn !== undefined) args.push('--role-arn', options.roleArn);
  if (options.profile !== undefined) args.push('--profile', options.profile);
  return args;
}

const EXEC_API_VERSION = 'client.authentication.k8s.io/v1beta1';

/**
 * Configuration for `new KubernetesProvider(scope, id, …)` that survives long applies: by default the
 * exec plugin runs `aws eks get-token` for each request instead of a 15-minute data-source token.
 */
export function eksKubernetesProviderConfig(cluster: IEksClusterRef, options: EksAuthOptions = {}): KubernetesProviderConfig {
  const common = { host: cluster.endpoint, clusterCaCertificate: Fn.base64decode(cluster.certificateAuthorityData), alias: options.alias };
  if (options.token !== undefined) return terraformSafe({ ...common, token: options.token });
  return terraformSafe({ ...common, exec: [{ apiVersion: EXEC_API_VERSION, command: options.command ?? 'aws', args: eksGetTokenArgs(cluster, options) }] });
}

/** Configuration for `new HelmProvider(scope, id, …)` (helm provider 3.x syntax), authenticated like {@link eksKubernetesProviderConfig}. */
export function eksHelmProviderConfig(cluster: IEksClusterRef, options: EksAuthOptions = {}): HelmProviderConfig {
  const common = { host: cluster.endpoint, clusterCaCertificate: Fn.base64decode(cluster.certificateAuthorityData) };
  const kubernetes: HelmProviderKubernetes = options.token !== undefined
    ? { ...common, token: options.token }
    : { ...common, exec: { apiVersion: EXEC_API_VERSION, command: options.command ?? 'aws', args: eksGetTokenArgs(cluster, options) } };
  return terraformSafe({ kubernetes, alias: options.alias });
}
