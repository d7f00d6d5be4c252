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
