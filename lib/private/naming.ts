import { createHash } from 'crypto';
import { Fn, Token } from 'cdktf';

/**
 * A `name_prefix` of at most `max` characters: `<name, truncated><suffix>`. AWS appends a unique
 * suffix to prefixes and caps the total (IAM roles: 38-character prefixes; EKS node groups: 37),
 * so a long cluster name is cut. For a token (a Terraform variable) the cut happens at plan time.
 */
export function namePrefix(name: string, suffix: string, max: number): string {
  const keep = max - suffix.length;
  if (Token.isUnresolved(name)) return `${Fn.substr(name, 0, keep)}${suffix}`;
  return `${name.slice(0, keep)}${suffix}`;
}

/** Prefix limits (characters) of the resources the library names from the cluster name. */
export const PREFIX_LIMITS = {
  iamRole: 38,
  eksNodeGroup: 37,
  securityGroup: 100,
  launchTemplate: 99,
} as const;

/** Helm's limit on release names (they become label values and Secret names). */
export const HELM_RELEASE_NAME_MAX = 53;

/**
 * A Helm release name from DNS-1123 parts joined by '-': kept as is up to 53 characters, otherwise
 * cut and ended with 8 hex digits of a hash of the full name, so distinct long names stay distinct.
 */
export function helmReleaseName(...parts: string[]): string {
  const full = parts.join('-');
  if (full.length <= HELM_RELEASE_NAME_MAX) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 8);
  return `${full.slice(0, HELM_RELEASE_NAME_MAX - 9).replace(/-+$/, '')}-${hash}`;
}
