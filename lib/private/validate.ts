import { Token } from 'cdktf';
import { AWS_REGIONS } from '../catalog/aws-regions';
import { invalid } from './errors';

/** EKS cluster names: 1–100 characters, start alphanumeric, then `[A-Za-z0-9_-]`. */
export const EKS_CLUSTER_NAME_PATTERN = '^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$';
/** Kubernetes DNS-1123 label (namespace names): 1–63 lowercase alphanumerics or '-', alphanumeric at both ends. */
export const DNS1123_LABEL_PATTERN = '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$';

/** True when the value is a concrete string (not a Terraform token known only at plan time). */
export function isConcrete(value: string | undefined): value is string {
  return value !== undefined && !Token.isUnresolved(value);
}

/** Fails unless `name` follows the EKS cluster-name rules. Tokens are skipped (checked at plan time). */
export function validateClusterName(prop: string, name: string): void {
  if (!isConcrete(name)) return;
  if (!new RegExp(EKS_CLUSTER_NAME_PATTERN).test(name)) {
    throw invalid(prop, 'must be a valid EKS cluster name', name,
      '1–100 characters, starting with a letter or digit, then letters, digits, hyphens or underscores');
  }
}

/**
 * Fails unless `region` is a real AWS region code and, when `allowed` is given, one of those.
 * Tokens are skipped (the ready stacks' variables carry an equivalent `validation` block).
 */
export function validateRegion(prop: string, region: string, allowed?: readonly string[], allowedProp = 'allowedRegions'): void {
  if (allowed) {
    for (const r of allowed) {
      if (!AWS_REGIONS.includes(r)) throw invalid(allowedProp, 'must list only AWS region codes', r, `known regions: ${AWS_REGIONS.join(', ')}`);
    }
  }
  if (!isConcrete(region)) return;
  if (!AWS_REGIONS.includes(region)) {
    throw invalid(prop, 'must be an AWS region code', region, `known regions: ${AWS_REGIONS.join(', ')}`);
  }
  if (allowed && !allowed.includes(region)) {
    throw invalid(prop, `must be one of the regions allowed by '${allowedProp}'`, region, `allowed: ${allowed.join(', ')}`);
  }
}

/** Fails unless `name` is a DNS-1123 label (a valid namespace name). */
export function validateNamespaceName(prop: string, name: string): void {
  if (!isConcrete(name)) return;
  if (!new RegExp(DNS1123_LABEL_PATTERN).test(name)) {
    throw invalid(prop, 'must contain only DNS-1123 labels', name,
      'lowercase letters, digits and \'-\', 1–63 characters, starting and ending with a letter or digit');
  }
}

/** Fails unless `value` is an integer in [min, max]. */
export function validateIntRange(prop: string, value: number, min: number, max: number): void {
  if (Token.isUnresolved(value)) return;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw invalid(prop, `must be an integer from ${min} to ${max}`, value);
  }
}

/**
 * A Helm chart repository: `https://`/`http://` (a classic repository with `index.yaml`) or `oci://` (an
 * OCI registry path, e.g. `oci://ghcr.io/istio/release/charts`). No credentials, query or fragment
 * (credentials belong in the Helm provider's registry config, not in Terraform JSON); tokens are skipped.
 */
export const CHART_REPOSITORY_PATTERN = '^(https?|oci)://[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?(:[0-9]{1,5})?(/[A-Za-z0-9._~%+-]+)*/?$';

/** Fails unless `url` is a chart repository URL (see {@link CHART_REPOSITORY_PATTERN}). */
export function validateChartRepository(prop: string, url: unknown): void {
  if (typeof url === 'string' && Token.isUnresolved(url)) return;
  if (typeof url !== 'string' || url.length > 2048 || !new RegExp(CHART_REPOSITORY_PATTERN).test(url)) {
    throw invalid(prop, 'must be a Helm chart repository URL', url,
      "'https://host/path' (a repository with index.yaml) or 'oci://registry/path' (an OCI registry), without credentials, query or fragment");
  }
}
