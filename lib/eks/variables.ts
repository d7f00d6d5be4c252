import { Fn, TerraformVariableConfig, Token, ref } from 'cdktf';
import { AWS_REGIONS } from '../catalog/aws-regions';
import { invalid } from '../private/errors';
import { checkProps, list, opt, props as propsSchema, str } from '../private/props';
import { EKS_CLUSTER_NAME_PATTERN, validateClusterName, validateRegion } from '../private/validate';

const REGION_OPTIONS = propsSchema({ default: opt(str(64)), allowedRegions: opt(list(str(64), 64)), description: opt(str(1024)), variableName: opt(str(64)) });
const NAME_OPTIONS = propsSchema({ default: opt(str(100)), description: opt(str(1024)), variableName: opt(str(64)) });

/**
 * Config for a `TerraformVariable` holding an AWS region, with a `validation` block equivalent to
 * the synth-time region check (known region, optionally an allow-list).
 */
export function regionVariableConfig(options: { default?: string; allowedRegions?: string[]; description?: string; variableName?: string } = {}): TerraformVariableConfig {
  checkProps('regionVariableConfig options', REGION_OPTIONS, options, 'options');
  const name = options.variableName ?? 'region';
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw invalid('variableName', 'must be a Terraform identifier', name);
  if (options.allowedRegions?.length === 0) throw invalid('allowedRegions', 'must list at least one region', options.allowedRegions);
  // Checks the allow-list itself (every entry a region code) even without a default.
  validateRegion('default', options.default ?? options.allowedRegions?.[0] ?? AWS_REGIONS[0], options.allowedRegions);
  const allowed = options.allowedRegions ?? [...AWS_REGIONS];
  return {
    type: 'string',
    default: options.default,
    description: options.description ?? 'AWS region code of the EKS cluster',
    validation: [{
      condition: Fn.contains(allowed, Token.asString(ref(`var.${name}`))),
      errorMessage: `region must be one of: ${allowed.join(', ')}.`,
    }],
  };
}

/** Config for a `TerraformVariable` holding an EKS cluster name, validated like the synth-time check. */
export function clusterNameVariableConfig(options: { default?: string; description?: string; variableName?: string } = {}): TerraformVariableConfig {
  checkProps('clusterNameVariableConfig options', NAME_OPTIONS, options, 'options');
  if (options.default !== undefined) validateClusterName('default', options.default);
  const name = options.variableName ?? 'cluster_name';
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw invalid('variableName', 'must be a Terraform identifier', name);
  return {
    type: 'string',
    default: options.default,
    description: options.description ?? 'EKS cluster name',
    validation: [{
      condition: Fn.can(Fn.regex(EKS_CLUSTER_NAME_PATTERN, Token.asString(ref(`var.${name}`)))),
      errorMessage: `${name} must be 1-100 characters, start with a letter or digit, and contain only letters, digits, hyphens and underscores.`,
    }],
  };
}
