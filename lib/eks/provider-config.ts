import { Fn } from 'cdktf';
import type { HelmProviderConfig, HelmProviderKubernetes } from '@cdktf/provider-helm/lib/provider';
import type { KubernetesProviderConfig } from '@cdktf/provider-kubernetes/lib/provider';
import { invalid } from '../private/errors';
import { checkProps, opt, props as propsSchema, str } from '../private/props';
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

const AUTH_SCHEMA = propsSchema({
  roleArn: opt(str(2048)),
  profile: opt(str(256)),
  command: opt(str(1024)),
  token: opt(str(8192)),
  alias: opt(str(64)),
});

/** Checks the runtime types of a helper's arguments (JavaScript callers get a validation error, not a TypeError). */
function checkArgs(helper: string, cluster: IEksClusterRef, options: EksAuthOptions): void {
  const c = cluster as Partial<IEksClusterRef> | undefined;
  if (typeof c !== 'object' || c === null || typeof c.clusterName !== 'string' || typeof c.region !== 'string' || typeof c.endpoint !== 'string') {
    throw invalid('cluster', `of ${helper} must be an EKS cluster construct (EksCluster, ExistingEksCluster or IstioAmbientCluster.cluster)`, c === null || typeof c !== 'object' ? c : 'an object without clusterName/region/endpoint');
  }
  checkProps(`${helper} options`, AUTH_SCHEMA, options, 'options');
  if (options.token !== undefined && (options.roleArn !== undefined || options.profile !== undefined || options.command !== undefined)) {
    throw invalid('options.token', "replaces the exec plugin, so 'roleArn', 'profile' and 'command' would be ignored; give one or the other", '(a token)');
  }
}

/** The exec plugin arguments for `aws eks get-token` against this cluster. */
export function eksGetTokenArgs(cluster: IEksClusterRef, options: EksAuthOptions = {}): string[] {
  checkArgs('eksGetTokenArgs', cluster, options);
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
  checkArgs('eksKubernetesProviderConfig', cluster, options);
  const common = { host: cluster.endpoint, clusterCaCertificate: Fn.base64decode(cluster.certificateAuthorityData), alias: options.alias };
  if (options.token !== undefined) return terraformSafe({ ...common, token: options.token });
  return terraformSafe({ ...common, exec: [{ apiVersion: EXEC_API_VERSION, command: options.command ?? 'aws', args: eksGetTokenArgs(cluster, options) }] });
}

/** Configuration for `new HelmProvider(scope, id, …)` (helm provider 3.x syntax), authenticated like {@link eksKubernetesProviderConfig}. */
export function eksHelmProviderConfig(cluster: IEksClusterRef, options: EksAuthOptions = {}): HelmProviderConfig {
  checkArgs('eksHelmProviderConfig', cluster, options);
  const common = { host: cluster.endpoint, clusterCaCertificate: Fn.base64decode(cluster.certificateAuthorityData) };
  const kubernetes: HelmProviderKubernetes = options.token !== undefined
    ? { ...common, token: options.token }
    : { ...common, exec: { apiVersion: EXEC_API_VERSION, command: options.command ?? 'aws', args: eksGetTokenArgs(cluster, options) } };
  return terraformSafe({ kubernetes, alias: options.alias });
}
